/* xsave-cpu: the live CPU as an implementation of the "instructions" part of the process protocol
 * (docs/protocol.md, version 1). One JSON request per line on stdin, one response per line on stdout; log on stderr.
 * It uses only user-mode instructions and signals, so the same binary runs under qemu-x86_64. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "execute.h"
#include "json.h"
#include "run.h"

static void hello(FILE *f, const struct live_cpu *cpu)
{
    fputs("{\"protocol\":1,\"name\":\"xsave-cpu\",\"description\":\"the live CPU (CPUID, XGETBV and the XSAVE family at CPL 3, "
          "faults caught as signals)\",\"parts\":[\"instructions\"],\"observes_internal_state\":false,\"fixed_cpu\":", f);
    live_cpu_write_model(f, cpu);
    /* What user mode cannot change: docs/protocol.md, "fixed_machine". */
    fprintf(f, ",\"fixed_machine\":{\"Xcr0\":\"0x%llx\",\"Cpl\":3,\"Cr4Osxsave\":true,\"Cr0Ts\":false,\"Xfd\":\"0x0\","
               "\"MemoryGranularity\":64,\"InitReset\":false,\"X87RegisterFieldsOnly\":true}}", (unsigned long long)cpu->xcr0);
}

static void respond_error(const char *id, const char *message)
{
    printf("{\"id\":%s,\"error\":", id);
    json_write_string(stdout, message);
    fputs("}\n", stdout);
    fflush(stdout);
}

int main(void)
{
    struct live_cpu cpu;
    const char *why = NULL;
    int usable = live_cpu_read(&cpu, &why) == 0;
    if (usable && run_init()) { usable = 0; why = "cannot install the SIGSEGV/SIGILL handlers"; }
    if (!usable) fprintf(stderr, "xsave-cpu: %s\n", why);

    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        const char *err = NULL;
        struct jnode *req = json_parse(line, &err);
        if (!req) {
            if (strspn(line, " \t\r\n") == (size_t)n) continue;
            fprintf(stderr, "xsave-cpu: unreadable request: %s\n", err);
            respond_error("null", "the request is not JSON");
            continue;
        }
        const struct jnode *idn = json_get(req, "id");
        const char *id = idn && idn->type == J_NUM ? idn->text : "null";
        const struct jnode *method = json_get(req, "method");
        char *body = NULL;
        size_t body_len = 0;
        FILE *f = open_memstream(&body, &body_len);
        char message[512] = "";
        int ok = 0;
        if (!f) snprintf(message, sizeof message, "out of memory");
        else if (!method || method->type != J_STR) snprintf(message, sizeof message, "the request has no method");
        else if (!usable) snprintf(message, sizeof message, "the live CPU cannot be used: %s", why);
        else if (!strcmp(method->text, "hello")) { hello(f, &cpu); ok = 1; }
        else if (!strcmp(method->text, "execute")) ok = execute(f, &cpu, req, message, sizeof message) == 0;
        else snprintf(message, sizeof message, "unknown method '%s'", method->text);
        if (f) fclose(f);
        if (ok) {
            printf("{\"id\":%s,\"result\":", id);
            fwrite(body, 1, body_len, stdout);
            fputs("}\n", stdout);
            fflush(stdout);
        } else respond_error(id, message);
        free(body);
        json_free(req);
    }
    free(line);
    return 0;
}
