/* Group "arch_prctl": the XCOMP options (KO §2). Each line of stdin is one call: "OPTION ARG [bad]" in C syntax;
 * for the GET options ARG is ignored and a valid u64 pointer is passed, or the bad one ("bad=0" or "bad=1"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "probe.h"

int group_arch_prctl(void)
{
    char **lines = read_lines();
    for (char **l = lines; *l; l++) {
        unsigned long long option, arg;
        char bad[32] = "";
        int n = sscanf(*l, "%lli %lli %31s", &option, &arg, bad);
        if (n < 2) { obs_begin("error"); obs_str("input", *l); obs_end(); continue; }
        int is_get = option == 0x1021 || option == 0x1022 || option == 0x1024;
        uint64_t value = 0xdeadbeefdeadbeefULL;
        unsigned long a = arg;
        if (is_get) a = (unsigned long)&value;
        if (n == 3 && bad[0]) a = strtoull(bad + 4, NULL, 0); /* "bad=0x1" */
        long rc = syscall(SYS_arch_prctl, (unsigned long)option, a);
        obs_begin("arch_prctl");
        obs_str("call", *l);
        obs_int("rc", rc < 0 ? -errno : rc);
        if (is_get && rc == 0 && !(n == 3 && bad[0])) obs_hex("value", value);
        obs_end();
    }
    return 0;
}
