/* Group "cpu": CPUID leaves 0, 1, 7 and 0xD (every sub-leaf), XGETBV(0/1), MXCSR_MASK, auxv, uname. */
#include <cpuid.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include "probe.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

uint64_t xgetbv(uint32_t ecx)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(ecx));
    return ((uint64_t)hi << 32) | lo;
}

int cpu_has_osxsave(void)
{
    uint32_t r[4];
    cpuid_count(1, 0, r);
    return (r[2] >> 27) & 1;
}

static void leaf(uint32_t l, uint32_t s)
{
    uint32_t r[4];
    cpuid_count(l, s, r);
    obs_begin("cpuid");
    obs_hex("leaf", l); obs_hex("sub", s);
    obs_hex("eax", r[0]); obs_hex("ebx", r[1]); obs_hex("ecx", r[2]); obs_hex("edx", r[3]);
    obs_end();
}

int group_cpu(void)
{
    uint32_t r[4];
    cpuid_count(0, 0, r);
    char vendor[13];
    memcpy(vendor, &r[1], 4); memcpy(vendor + 4, &r[3], 4); memcpy(vendor + 8, &r[2], 4); vendor[12] = 0;
    obs_begin("vendor"); obs_str("value", vendor); obs_hex("max_leaf", r[0]); obs_end();
    uint32_t max = r[0];
    leaf(1, 0);
    if (max >= 7) { leaf(7, 0); leaf(7, 1); }
    if (max >= 0xD)
        for (uint32_t s = 0; s < 64; s++) leaf(0xD, s);

    if (cpu_has_osxsave()) {
        obs_begin("xgetbv"); obs_hex("ecx", 0); obs_hex("value", xgetbv(0)); obs_end();
        cpuid_count(0xD, 1, r);
        if (r[0] & 4) { obs_begin("xgetbv"); obs_hex("ecx", 1); obs_hex("value", xgetbv(1)); obs_end(); }
    }

    /* MXCSR_MASK: FXSAVE bytes 28..31 (0 means the default 0xFFBF, SDM 10.5.1.2). */
    static uint8_t fx[512] __attribute__((aligned(64)));
    __asm__ volatile("fxsave64 %0" : "=m"(fx));
    uint32_t mask;
    memcpy(&mask, fx + 28, 4);
    obs_begin("mxcsr_mask"); obs_hex("value", mask); obs_end();

    obs_begin("auxv"); obs_int("AT_MINSIGSTKSZ", (long long)getauxval(AT_MINSIGSTKSZ));
    obs_hex("AT_HWCAP2", getauxval(AT_HWCAP2)); obs_end();

    struct utsname u;
    if (uname(&u) == 0) { obs_begin("uname"); obs_str("release", u.release); obs_str("machine", u.machine); obs_end(); }
    return 0;
}
