/* The load / instruction / save sequence is one inline-asm block per instruction so that no compiled code runs
 * between XRSTOR and XSAVE; the file is built with -mgeneral-regs-only, so the compiler keeps nothing in vector
 * registers around it. A fault is caught by the signal handler, which copies the register state the kernel wrote to
 * the signal frame (an XSAVE of the faulting context) and jumps back. */
#define _GNU_SOURCE
#include "run.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>

/* FP_XSTATE_MAGIC1 (uapi sigcontext.h): the frame holds an XSAVE header; its _fpx_sw_bytes sit at byte 464. */


static sigjmp_buf g_env;
static volatile int g_phase;            /* 0 loading, 1 the instruction, 2 saving */
static volatile int g_signal, g_code, g_fault_phase, g_frame_xstate;
static uint8_t *volatile g_frame_copy;

/* The fault handler's stack, zeroed before every run: the signal frame's bytes the saver does not write (reserved
 * bytes of the x87 image, BNDCSR beyond its registers: QEMU's XSAVE writes only the registers) read as zero instead of
 * whatever an earlier frame left on the stack (docs/findings.md F5). */
static uint8_t g_altstack[1 << 16] __attribute__((aligned(64)));

/* A clean image (XSTATE_BV = 0, MXCSR = 1F80H) restored after every run, so C code never sees the tested state. */
static uint8_t g_clean[4096] __attribute__((aligned(64)));

static void on_fault(int sig, siginfo_t *si, void *context)
{
    ucontext_t *uc = context;
    g_signal = sig;
    g_code = si->si_code;
    g_fault_phase = g_phase;
    g_frame_xstate = 0;
    const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
    if (fp && g_frame_copy) {
        uint32_t magic, size;
        memcpy(&magic, fp + 464, 4);
        memcpy(&size, fp + 464 + 16, 4);          /* struct _fpx_sw_bytes: magic1, extended_size, xfeatures, xstate_size */
        size_t n = 512;
        if (magic == FP_XSTATE_MAGIC1 && size >= 576 && size <= AREA_MAX) { n = size; g_frame_xstate = 1; }
        for (size_t k = 0; k < n; k++) g_frame_copy[k] = fp[k];
    }
    siglongjmp(g_env, 1);
}

int run_init(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    stack_t ss = { .ss_sp = g_altstack, .ss_size = sizeof g_altstack, .ss_flags = 0 };
    if (sigaltstack(&ss, NULL)) return -1;
    if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGILL, &sa, NULL) || sigaction(SIGBUS, &sa, NULL)) return -1;
    uint32_t mxcsr = 0x1F80;
    memcpy(g_clean + 24, &mxcsr, 4);
    return 0;
}

/* Load (RFBM = all ones, i.e. XCR0), mark the phase, the instruction, mark, save (RFBM = XCR0), XGETBV(1), clean. */
#define SEQUENCE(INSTR)                                                                                 \
    __asm__ volatile("mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%[load])\n\t"                      \
                     "movl $1, %[phase]\n\t"                                                            \
                     "mov %k[lo], %%eax\n\tmov %k[hi], %%edx\n\tmov %k[c], %%ecx\n\t"                   \
                     INSTR "\n\t"                                                                       \
                     "mov %%eax, %k[retlo]\n\tmov %%edx, %k[rethi]\n\t"                                  \
                     "movl $2, %[phase]\n\t"                                                            \
                     "mov $-1, %%eax\n\tmov $-1, %%edx\n\txsave64 (%[save])\n\t"                        \
                     "xor %%eax, %%eax\n\txor %%edx, %%edx\n\t"                                          \
                     "test %[g1], %[g1]\n\tjz 1f\n\tmov $1, %%ecx\n\txgetbv\n1:\n\t"                   \
                     "mov %%eax, %k[inlo]\n\tmov %%edx, %k[inhi]\n\t"                                    \
                     "mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%[clean])\n\t"                      \
                     : [phase] "=m"(g_phase), [retlo] "=&r"(retlo), [rethi] "=&r"(rethi),                \
                       [inlo] "=&r"(inlo), [inhi] "=&r"(inhi)                                            \
                     : [load] "r"(r->load), [save] "r"(r->save), [clean] "r"(g_clean), [mem] "r"(r->mem), \
                       [lo] "r"((uint32_t)r->edx_eax), [hi] "r"((uint32_t)(r->edx_eax >> 32)),          \
                       [c] "r"(r->ecx), [g1] "r"(r->xgetbv1)                                             \
                     : "rax", "rcx", "rdx", "memory", "cc")

int run_op(struct run *r, const char **why)
{
    static uint8_t frame[AREA_MAX] __attribute__((aligned(64)));
    uint32_t retlo = 0, rethi = 0, inlo = 0, inhi = 0;
    g_frame_copy = frame;
    memset(g_altstack, 0, sizeof g_altstack);
    g_signal = 0;
    g_phase = 0;
    r->signal = 0;
    if (sigsetjmp(g_env, 1)) {
        /* The registers now hold the handler's state: put the clean one back before any C code. */
        __asm__ volatile("mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%0)" : : "r"(g_clean) : "rax", "rdx", "memory");
        if (g_fault_phase != 1) {
            *why = g_fault_phase == 0 ? "the live CPU refused to load the state (XRSTOR of the register image faulted)"
                                      : "saving the registers after the instruction faulted";
            return -1;
        }
        r->signal = g_signal;
        r->si_code = g_code;
        r->frame_has_xstate = g_frame_xstate;
        memcpy(r->save, frame, AREA_MAX);
        return 0;
    }
    switch (r->op) {
    case OP_XSAVE: SEQUENCE("xsave64 (%[mem])"); break;
    case OP_XSAVEOPT: SEQUENCE("xsaveopt64 (%[mem])"); break;
    case OP_XSAVEC: SEQUENCE("xsavec64 (%[mem])"); break;
    case OP_XSAVES: SEQUENCE("xsaves64 (%[mem])"); break;
    case OP_XRSTOR: SEQUENCE("xrstor64 (%[mem])"); break;
    case OP_XRSTORS: SEQUENCE("xrstors64 (%[mem])"); break;
    case OP_XSETBV: SEQUENCE("xsetbv"); break;
    case OP_XGETBV: SEQUENCE("xgetbv"); break;
    case OP_WRMSR: SEQUENCE("wrmsr"); break;
    }
    r->returned = (uint64_t)rethi << 32 | retlo;
    r->xinuse = (uint64_t)inhi << 32 | inlo;
    return 0;
}
