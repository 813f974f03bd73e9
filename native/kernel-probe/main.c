/* kernel-probe GROUP: runs one group of observations (see probe.h). Exit 0 when the group ran; 2 on bad usage. */
#include <stdio.h>
#include <string.h>
#include "probe.h"

struct group { const char *name; int (*run)(void); };

static const struct group groups[] = {
    { "cpu", group_cpu }, { "arch_prctl", group_arch_prctl }, { "ptrace", group_ptrace },
    { "signal", group_signal }, { "sigaltstack", group_sigaltstack }, { "xsave", group_xsave }, { "kvm", group_kvm },
};

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 2)
        for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
            if (strcmp(argv[1], groups[i].name) == 0) return groups[i].run();
    fprintf(stderr, "usage: kernel-probe cpu|arch_prctl|ptrace|signal|sigaltstack|xsave|kvm (mutations on stdin)\n");
    return 2;
}
