/* What the live CPU says about itself: CPUID (leaf 0xD and the feature flags the oracle reads), XCR0, MXCSR_MASK. */
#ifndef XSAVE_CPU_CPU_H
#define XSAVE_CPU_CPU_H
#include <stdint.h>
#include <stdio.h>

struct live_cpu {
    char vendor[13];
    unsigned family, model, stepping;
    uint32_t leaf0d[64][4];       /* CPUID.(0xD, i): EAX, EBX, ECX, EDX */
    uint32_t mxcsr_mask;          /* from FXSAVE bytes 28..31 (0 means the default 0xFFBF) */
    uint64_t xcr0;                /* XGETBV(0) */
    int xsave, osxsave, xgetbv1;
    uint32_t leaf1[4], leaf6[4], leaf7[4], leaf7_1[4], ext1[4];
};

void cpuid(uint32_t leaf, uint32_t sub, uint32_t regs[4]);
/* Reads everything once; returns 0, or -1 with *why set when the CPU has no usable XSAVE. */
int live_cpu_read(struct live_cpu *cpu, const char **why);
/* The CPU model object of docs/protocol.md ("The CPU model"). */
void live_cpu_write_model(FILE *f, const struct live_cpu *cpu);
/* Size of a standard-format area for the live XCR0: the largest offset + size of its components, at least 576. */
uint32_t live_standard_size(const struct live_cpu *cpu);
#endif
