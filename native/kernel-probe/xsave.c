/* Group "xsave": user-mode XSAVE / XSAVEOPT / XSAVEC / XRSTOR on the live CPU (KO §5). stdin lines:
 * "NAME INSTR RFBM MISALIGN STATE BUF" (INSTR xsave|xsaveopt|xsavec|xrstor, STATE and BUF in hex). In one asm block:
 * XRSTOR STATE (standard image) with RFBM = XCR0 to put the registers in a known state, INSTR on BUF (copied to a
 * 64-byte aligned address + MISALIGN) with EDX:EAX = RFBM, then XSAVE of every XCR0 component and STMXCSR.
 * Reported: the fault (SIGSEGV si_code), BUF afterwards, the registers afterwards, MXCSR. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "probe.h"

static sigjmp_buf env;
static volatile int fault_signal, fault_code;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    fault_signal = sig;
    fault_code = si->si_code;
    siglongjmp(env, 1);
}

#define CLOBBERS "rax", "rdx", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", \
                 "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

/* One function per instruction: the opcode is part of the asm text. */
#define SEQUENCE(fn, insn)                                                                                  \
    static void fn(void *st, void *buf, void *af, const uint32_t *x0, const uint32_t *rf, uint32_t *mx)    \
    {                                                                                                       \
        __asm__ volatile("mov 0(%[x0]), %%eax\n\tmov 4(%[x0]), %%edx\n\txrstor64 (%[st])\n\t"                \
                         "mov 0(%[rf]), %%eax\n\tmov 4(%[rf]), %%edx\n\t" insn " (%[buf])\n\t"               \
                         "mov 0(%[x0]), %%eax\n\tmov 4(%[x0]), %%edx\n\txsave64 (%[af])\n\t"                 \
                         "stmxcsr (%[mx])"                                                                  \
                         :                                                                                  \
                         : [st] "r"(st), [buf] "r"(buf), [af] "r"(af), [x0] "r"(x0), [rf] "r"(rf), [mx] "r"(mx) \
                         : CLOBBERS);                                                                       \
    }

SEQUENCE(seq_xsave, "xsave64")
SEQUENCE(seq_xsaveopt, "xsaveopt64")
SEQUENCE(seq_xsavec, "xsavec64")
SEQUENCE(seq_xrstor, "xrstor64")

typedef void (*seq_fn)(void *, void *, void *, const uint32_t *, const uint32_t *, uint32_t *);

int group_xsave(void)
{
    if (!cpu_has_osxsave()) {
        obs_begin("unavailable"); obs_str("reason", "CR4.OSXSAVE is 0 (CPUID.1:ECX[27]): the OS does not enable XSAVE"); obs_end();
        return 0;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);

    uint32_t r[4];
    cpuid_count(0xD, 0, r);
    size_t after_size = r[1];
    uint64_t x0v = xgetbv(0);
    uint32_t x0[2] = { (uint32_t)x0v, (uint32_t)(x0v >> 32) };
    const size_t region = 1 << 16;
    uint8_t *st = mmap(NULL, region, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *bufpage = mmap(NULL, region, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *af = mmap(NULL, region, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static uint32_t mx;

    char **lines = read_lines();
    for (char **l = lines; *l; l++) {
        char *save = NULL, *copy = strdup(*l);
        char *name = strtok_r(copy, " ", &save), *insn = strtok_r(NULL, " ", &save);
        char *rfbm_s = strtok_r(NULL, " ", &save), *mis_s = strtok_r(NULL, " ", &save);
        char *st_hex = strtok_r(NULL, " ", &save), *buf_hex = strtok_r(NULL, " ", &save);
        size_t st_len = 0, buf_len = 0;
        uint8_t *st_bytes = st_hex ? hex_decode(st_hex, &st_len) : NULL;
        uint8_t *buf_bytes = buf_hex ? hex_decode(buf_hex, &buf_len) : NULL;
        seq_fn volatile fn = !insn ? NULL : !strcmp(insn, "xsave") ? seq_xsave : !strcmp(insn, "xsaveopt") ? seq_xsaveopt
                  : !strcmp(insn, "xsavec") ? seq_xsavec : !strcmp(insn, "xrstor") ? seq_xrstor : NULL;
        volatile size_t mis = mis_s ? strtoul(mis_s, NULL, 0) : 0;
        if (!fn || !rfbm_s || !st_bytes || !buf_bytes || st_len > region || buf_len + mis > region - 64) {
            obs_begin("error"); obs_str("input", name ? name : "?"); obs_end();
            free(copy); free(st_bytes); free(buf_bytes);
            continue;
        }
        uint64_t rfbm = strtoull(rfbm_s, NULL, 0);
        uint32_t rf[2] = { (uint32_t)rfbm, (uint32_t)(rfbm >> 32) };
        memset(st, 0, region); memcpy(st, st_bytes, st_len);
        memset(bufpage, 0, region); memcpy(bufpage + mis, buf_bytes, buf_len);
        memset(af, 0, region);
        mx = 0;
        fault_signal = 0; fault_code = 0;
        if (sigsetjmp(env, 1) == 0) fn(st, bufpage + mis, af, x0, rf, &mx);
        obs_begin("case"); obs_str("case", name);
        obs_str("fault", !fault_signal ? "none" : fault_signal == SIGSEGV && fault_code == 128 ? "GP"
                       : fault_signal == SIGSEGV && (fault_code == 1 || fault_code == 2) ? "PF" : "other");
        obs_int("signal", fault_signal); obs_int("si_code", fault_code);
        if (!fault_signal) {
            obs_bytes("buffer", bufpage + mis, buf_len);
            obs_bytes("after", af, after_size);
            obs_hex("mxcsr", mx);
        }
        obs_end();
        free(copy); free(st_bytes); free(buf_bytes);
    }
    return 0;
}
