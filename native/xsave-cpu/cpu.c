#include "cpu.h"

#include <string.h>

#include "json.h"

void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
}

static uint32_t fxsave_mxcsr_mask(void)
{
    static uint8_t area[512] __attribute__((aligned(64)));
    memset(area, 0, sizeof area);
    __asm__ volatile("fxsave64 %0" : "=m"(area));
    uint32_t mask;
    memcpy(&mask, area + 28, 4);
    return mask ? mask : 0xFFBF; /* SDM: a zero MXCSR_MASK field means the default mask 0xFFBF */
}

int live_cpu_read(struct live_cpu *cpu, const char **why)
{
    uint32_t r[4];
    memset(cpu, 0, sizeof *cpu);
    cpuid(0, 0, r);
    uint32_t max_leaf = r[0];
    memcpy(cpu->vendor, &r[1], 4);
    memcpy(cpu->vendor + 4, &r[3], 4);
    memcpy(cpu->vendor + 8, &r[2], 4);
    cpuid(1, 0, cpu->leaf1);
    unsigned base_family = cpu->leaf1[0] >> 8 & 0xF, base_model = cpu->leaf1[0] >> 4 & 0xF;
    cpu->family = base_family + (base_family == 0xF ? (cpu->leaf1[0] >> 20 & 0xFF) : 0);
    cpu->model = base_model | (base_family == 0x6 || base_family == 0xF ? (cpu->leaf1[0] >> 16 & 0xF) << 4 : 0);
    cpu->stepping = cpu->leaf1[0] & 0xF;
    if (max_leaf >= 6) cpuid(6, 0, cpu->leaf6);
    if (max_leaf >= 7) { cpuid(7, 0, cpu->leaf7); if (cpu->leaf7[0] >= 1) cpuid(7, 1, cpu->leaf7_1); }
    cpuid(0x80000000, 0, r);
    if (r[0] >= 0x80000001) cpuid(0x80000001, 0, cpu->ext1);
    cpu->xsave = cpu->leaf1[2] >> 26 & 1;
    cpu->osxsave = cpu->leaf1[2] >> 27 & 1;
    cpu->mxcsr_mask = fxsave_mxcsr_mask();
    if (!cpu->xsave) { *why = "the CPU has no XSAVE (CPUID.1:ECX[26] = 0)"; return -1; }
    if (!cpu->osxsave || max_leaf < 0xD) { *why = "the OS has not enabled XSAVE (CPUID.1:ECX[27] OSXSAVE = 0)"; return -1; }
    for (uint32_t i = 0; i < 64; i++) cpuid(0xD, i, cpu->leaf0d[i]);
    cpu->xgetbv1 = cpu->leaf0d[1][0] >> 2 & 1;
    cpu->xcr0 = xgetbv0();
    return 0;
}

uint32_t live_standard_size(const struct live_cpu *cpu)
{
    uint32_t size = 576;
    for (int i = 2; i < 63; i++)
        if (cpu->xcr0 >> i & 1) {
            uint32_t end = cpu->leaf0d[i][1] + cpu->leaf0d[i][0];
            if (end > size) size = end;
        }
    return size;
}

static void flag(FILE *f, const char *name, uint32_t reg, int bit, int *first)
{
    fprintf(f, "%s\"%s\":%s", *first ? "" : ",", name, reg >> bit & 1 ? "true" : "false");
    *first = 0;
}

void live_cpu_write_model(FILE *f, const struct live_cpu *cpu)
{
    char id[64];
    snprintf(id, sizeof id, "live-%s-%x-%x-%x", cpu->vendor, cpu->family, cpu->model, cpu->stepping);
    fputs("{\"id\":", f);
    json_write_string(f, id);
    fputs(",\"vendor\":", f);
    json_write_string(f, cpu->vendor);
    fprintf(f, ",\"family\":%u,\"model\":%u,\"stepping\":%u,\"mxcsr_mask\":\"0x%x\",\"leaf0d\":{",
            cpu->family, cpu->model, cpu->stepping, cpu->mxcsr_mask);
    int first = 1;
    for (int i = 0; i < 64; i++) {
        const uint32_t *r = cpu->leaf0d[i];
        if (!(r[0] | r[1] | r[2] | r[3])) continue;
        fprintf(f, "%s\"%d\":[\"0x%08X\",\"0x%08X\",\"0x%08X\",\"0x%08X\"]", first ? "" : ",", i, r[0], r[1], r[2], r[3]);
        first = 0;
    }
    fputs("},\"flags\":{", f);
    first = 1;
    /* Contract/CpuFeatureFlags.cs, snake case; the bits are the CPUID ones its comments and the corpus README name. */
    flag(f, "fpu", cpu->leaf1[3], 0, &first);
    flag(f, "fxsr", cpu->leaf1[3], 24, &first);
    flag(f, "xmm", cpu->leaf1[3], 25, &first);
    flag(f, "xsave", cpu->leaf1[2], 26, &first);
    flag(f, "avx", cpu->leaf1[2], 28, &first);
    flag(f, "hypervisor", cpu->leaf1[2], 31, &first);
    flag(f, "avx512_f", cpu->leaf7[1], 16, &first);
    flag(f, "mpx", cpu->leaf7[1], 14, &first);
    flag(f, "intel_pt", cpu->leaf7[1], 25, &first);
    flag(f, "pku", cpu->leaf7[2], 3, &first);
    flag(f, "ospke", cpu->leaf7[2], 4, &first);
    flag(f, "shstk", cpu->leaf7[2], 7, &first);
    flag(f, "enqcmd", cpu->leaf7[2], 29, &first);
    flag(f, "uintr", cpu->leaf7[3], 5, &first);
    flag(f, "arch_lbr", cpu->leaf7[3], 19, &first);
    flag(f, "ibt", cpu->leaf7[3], 20, &first);
    flag(f, "amx_tile", cpu->leaf7[3], 24, &first);
    flag(f, "apx", cpu->leaf7_1[3], 21, &first);
    flag(f, "hwp", cpu->leaf6[0], 7, &first);
    flag(f, "hdc", cpu->leaf6[0], 13, &first);
    flag(f, "lwp", cpu->ext1[2], 15, &first);
    fputs("}}", f);
}
