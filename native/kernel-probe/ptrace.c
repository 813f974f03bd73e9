/* Group "ptrace": PTRACE_GETREGSET / SETREGSET NT_X86_XSTATE (and NT_PRFPREG) on a stopped traced child (KO §6b).
 * stdin lines: "get LEN", "set LEN SPEC" (SPEC patches a copy of the child's current full image, see
 * apply_mutation), "fpset SPEC" (NT_PRFPREG, 512 bytes). After a successful set the image is read back. */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "probe.h"

#define MAXBUF 65536

static long regset(int req, pid_t pid, int type, void *buf, size_t *len)
{
    struct iovec iov = { buf, *len };
    long rc = ptrace(req, pid, (void *)(long)type, &iov);
    if (rc < 0) rc = -errno;
    *len = iov.iov_len;
    return rc;
}

static void report_image(const char *what, const uint8_t *img, size_t len)
{
    uint64_t bv = 0, xcomp = 0, sw = 0;
    uint32_t mxcsr = 0;
    if (len >= 528) { memcpy(&bv, img + 512, 8); memcpy(&xcomp, img + 520, 8); }
    if (len >= 472) memcpy(&sw, img + 464, 8);
    if (len >= 28) memcpy(&mxcsr, img + 24, 4);
    (void)what;
    obs_hex("xstate_bv", bv); obs_hex("xcomp_bv", xcomp); obs_hex("sw_xfeatures", sw); obs_hex("mxcsr", mxcsr);
    int nonzero = 0;
    for (size_t i = 528; i < 576 && i < len; i++) nonzero |= img[i] != 0;
    obs_int("header_reserved_nonzero", nonzero);
}

int group_ptrace(void)
{
    char **lines = read_lines();
    pid_t child = fork();
    if (child < 0) { obs_begin("error"); obs_str("fork", strerror(errno)); obs_end(); return 1; }
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        for (;;) pause();
    }
    int status;
    if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) {
        obs_begin("error"); obs_str("trace", "child did not stop"); obs_end();
        kill(child, SIGKILL); waitpid(child, NULL, 0);
        return 1;
    }
    uint8_t *full = calloc(1, MAXBUF), *buf = calloc(1, MAXBUF);
    size_t size = MAXBUF;
    long rc = regset(PTRACE_GETREGSET, child, NT_X86_XSTATE, full, &size);
    obs_begin("xstate_size"); obs_int("rc", rc); obs_int("size", rc == 0 ? (long long)size : 0); obs_end();

    for (char **l = lines; *l; l++) {
        char op[16] = "", spec[4096] = "";
        long long len = 0;
        if (sscanf(*l, "%15s", op) != 1) continue;
        if (!strcmp(op, "get") && sscanf(*l, "%*s %lli", &len) == 1) {
            size_t n = (size_t)len;
            memset(buf, 0, MAXBUF);
            long r = regset(PTRACE_GETREGSET, child, NT_X86_XSTATE, buf, &n);
            obs_begin("get"); obs_str("call", *l); obs_int("rc", r); obs_int("iov_len", (long long)n);
            if (r == 0) { report_image("get", buf, n); obs_bytes("image", buf, n); }
            obs_end();
        } else if (!strcmp(op, "set") && sscanf(*l, "%*s %lli %4095s", &len, spec) >= 1) {
            size_t n = MAXBUF;
            regset(PTRACE_GETREGSET, child, NT_X86_XSTATE, buf, &n);   /* the current image as the base */
            memset(buf + n, 0, MAXBUF - n);
            apply_mutation(buf, MAXBUF, spec);
            size_t sl = (size_t)len;
            long r = regset(PTRACE_SETREGSET, child, NT_X86_XSTATE, buf, &sl);
            obs_begin("set"); obs_str("call", *l); obs_int("rc", r);
            if (r == 0) {
                size_t rn = MAXBUF;
                regset(PTRACE_GETREGSET, child, NT_X86_XSTATE, buf, &rn);
                report_image("readback", buf, rn);
            }
            obs_end();
        } else if (!strcmp(op, "fpset") && sscanf(*l, "%*s %4095s", spec) >= 0) {
            uint8_t fx[512];
            size_t n = sizeof fx;
            regset(PTRACE_GETREGSET, child, NT_PRFPREG, fx, &n);
            apply_mutation(fx, sizeof fx, spec);
            size_t sl = sizeof fx;
            long r = regset(PTRACE_SETREGSET, child, NT_PRFPREG, fx, &sl);
            obs_begin("fpset"); obs_str("call", *l); obs_int("rc", r);
            if (r == 0) {
                size_t rn = MAXBUF;
                regset(PTRACE_GETREGSET, child, NT_X86_XSTATE, buf, &rn);
                report_image("readback", buf, rn);
            }
            obs_end();
        } else {
            obs_begin("error"); obs_str("input", *l); obs_end();
        }
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return 0;
}
