/* One operation on the live CPU: load the registers from a standard XSAVE image, execute the instruction, save the
 * registers again (or take them from the signal frame when the instruction faulted). */
#ifndef XSAVE_CPU_RUN_H
#define XSAVE_CPU_RUN_H
#include <stdint.h>

enum op_kind { OP_XSAVE, OP_XSAVEOPT, OP_XSAVEC, OP_XSAVES, OP_XRSTOR, OP_XRSTORS, OP_XSETBV, OP_XGETBV, OP_WRMSR };

#define AREA_MAX 65536

struct run {
    /* in */
    enum op_kind op;
    uint8_t *load;          /* 64-aligned standard image, RFBM = XCR0 */
    uint8_t *mem;           /* memory operand (XSAVE family) */
    uint64_t edx_eax;       /* instruction mask, XSETBV/WRMSR value */
    uint32_t ecx;           /* XSETBV/XGETBV register, WRMSR MSR */
    int xgetbv1;            /* the CPU has XGETBV(1) */
    /* out */
    uint8_t *save;          /* 64-aligned standard image of the registers after, RFBM = XCR0 */
    uint64_t xinuse;        /* XGETBV(1) after (valid when no fault and xgetbv1) */
    uint64_t returned;      /* XGETBV result */
    int signal;             /* 0, SIGSEGV or SIGILL */
    int si_code;
    int frame_has_xstate;   /* on a fault: the signal frame carried the XSAVE header (magic found) */
};

/* Executes r->op. Returns 0, or -1 with *why set when the helper itself failed (not the instruction). */
int run_op(struct run *r, const char **why);
/* Installs the SIGSEGV/SIGILL handlers. */
int run_init(void);
#endif
