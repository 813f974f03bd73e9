/* Group "signal": the xstate part of a signal frame and sigreturn of mutated frames (KO §6a), one child per case.
 * stdin lines: "NAME SPEC" (SPEC patches the frame's fpstate in the handler, "none" = unchanged). The child holds
 * ymm0 = 16 x 0xb0 | 16 x 0xb1 and MXCSR 0x1f80 across the signal; after sigreturn it reports xmm0, ymm0[255:128]
 * and MXCSR. The parent reports how the child ended. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "probe.h"

static const char *case_name;
static const char *case_spec;
static uint8_t pattern[32] __attribute__((aligned(32)));
static uint8_t after[32] __attribute__((aligned(32)));
static uint32_t after_mxcsr;

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)si;
    ucontext_t *uc = ctx;
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
    uint32_t magic1, ext, xsize, magic2 = 0;
    uint64_t xfeat, bv;
    memcpy(&magic1, fp + 464, 4); memcpy(&ext, fp + 468, 4); memcpy(&xfeat, fp + 472, 8); memcpy(&xsize, fp + 480, 4);
    memcpy(&bv, fp + 512, 8);
    if (magic1 == 0x46505853 && xsize < 1 << 20) memcpy(&magic2, fp + xsize, 4);
    obs_begin("frame"); obs_str("case", case_name);
    obs_hex("magic1", magic1); obs_int("extended_size", ext); obs_hex("xfeatures", xfeat); obs_int("xstate_size", xsize);
    obs_hex("magic2", magic2); obs_int("align64", ((uintptr_t)fp % 64) == 0); obs_hex("xstate_bv", bv);
    obs_end();
    if (strcmp(case_spec, "none") != 0) apply_mutation(fp, xsize ? xsize + 4 : 512, case_spec);
}

static void run_child(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    memset(pattern, 0xb0, 16);
    memset(pattern + 16, 0xb1, 16);
    long tgid = getpid(), tid = syscall(SYS_gettid);
    long nr = SYS_tgkill;
    /* One asm block: nothing the compiler emits can touch ymm0 between the load and the read back. */
    __asm__ volatile(
        "vmovdqu %[pat], %%ymm0\n\t"
        "syscall\n\t"
        "vmovdqu %%ymm0, %[out]\n\t"
        "stmxcsr %[mx]\n\t"
        : [out] "=m"(after), [mx] "=m"(after_mxcsr), "+a"(nr)
        : [pat] "m"(pattern), "D"(tgid), "S"(tid), "d"((long)SIGUSR1)
        : "rcx", "r11", "memory", "xmm0");
    obs_begin("after"); obs_str("case", case_name);
    obs_bytes("xmm0", after, 16); obs_bytes("ymm0_hi", after + 16, 16); obs_hex("mxcsr", after_mxcsr);
    obs_end();
    _exit(0);
}

int group_signal(void)
{
    if (!cpu_has_osxsave() || !(xgetbv(0) & 4)) {
        obs_begin("unavailable"); obs_str("reason", "AVX (XCR0 bit 2) is not enabled: the ymm0 cases need it"); obs_end();
        return 0;
    }
    char **lines = read_lines();
    for (char **l = lines; *l; l++) {
        char name[128], spec[4096];
        if (sscanf(*l, "%127s %4095s", name, spec) != 2) { obs_begin("error"); obs_str("input", *l); obs_end(); continue; }
        case_name = name;
        case_spec = spec;
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) run_child();
        int status = 0;
        waitpid(pid, &status, 0);
        obs_begin("case"); obs_str("case", name);
        obs_int("exit", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        obs_int("signal", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        obs_end();
    }
    return 0;
}

/* Group "sigaltstack": stdin lines "SIZE": sigaltstack() with a stack of SIZE bytes, then a SA_ONSTACK signal with
 * dirty AVX state (KO §6a). One child per size. */
static volatile int delivered;
static void alt_handler(int sig) { (void)sig; delivered = 1; }

int group_sigaltstack(void)
{
    char **lines = read_lines();
    int avx = cpu_has_osxsave() && (xgetbv(0) & 4);
    for (char **l = lines; *l; l++) {
        unsigned long size = strtoul(*l, NULL, 0);
        int fds[2];
        if (pipe(fds) != 0) return 1;
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            stack_t ss = { .ss_sp = malloc(size + 64), .ss_size = size, .ss_flags = 0 };
            long rc = sigaltstack(&ss, NULL) == 0 ? 0 : -errno;
            if (write(fds[1], &rc, sizeof rc) != sizeof rc) _exit(3);
            if (rc != 0) _exit(0);
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = alt_handler;
            sa.sa_flags = SA_ONSTACK;
            sigaction(SIGUSR1, &sa, NULL);
            if (avx) __asm__ volatile("vpcmpeqb %%ymm0, %%ymm0, %%ymm0" ::: "xmm0");
            raise(SIGUSR1);
            _exit(delivered ? 0 : 4);
        }
        close(fds[1]);
        long rc = 1;
        if (read(fds[0], &rc, sizeof rc) != sizeof rc) rc = 1;
        close(fds[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        obs_begin("sigaltstack"); obs_int("size", (long long)size); obs_int("rc", rc);
        obs_int("exit", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        obs_int("signal", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        obs_int("avx_dirty", avx);
        obs_end();
    }
    return 0;
}
