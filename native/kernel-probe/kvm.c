/* Group "kvm": /dev/kvm ioctls on the xstate paths (KO §3, §4b). stdin lines, executed in order on the current VM and
 * vCPU: "check CAP [vm]" (the VM fd with vm), "supported_cpuid", "vm [irqchip]", "vcpu", "get_xcrs", "get_xsave", "get_xsave2 SIZE",
 * "set_xcrs FLAGS [XCR:VALUE ...]", "set_xsave SPEC" (patches the vCPU's current KVM_GET_XSAVE image),
 * "set_cpuid2 SPEC" (the KVM_GET_SUPPORTED_CPUID table; d0eax=V replaces CPUID.(0xD,0).EAX), "init" (latched INIT
 * via KVM_SET_VCPU_EVENTS, consumed by KVM_GET_MP_STATE), "cpuid_readback EAX" (provider detection). Every line reports its return value as "rc". */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "probe.h"

static int kvm = -1, vm = -1, vcpu = -1;
static struct kvm_cpuid2 *supported;

static long io(int fd, unsigned long req, void *arg)
{
    long rc = ioctl(fd, req, arg);
    return rc < 0 ? -errno : rc;
}

static void load_supported(void)
{
    if (supported) return;
    supported = calloc(1, sizeof *supported + 256 * sizeof(struct kvm_cpuid_entry2));
    supported->nent = 256;
    if (io(kvm, KVM_GET_SUPPORTED_CPUID, supported) < 0) supported->nent = 0;
}

static void report_xsave(const uint8_t *img, size_t len)
{
    obs_bytes("image", img, len);
}

static void run(char *line)
{
    char op[32] = "";
    sscanf(line, "%31s", op);
    const char *rest = line + strlen(op);
    while (*rest == ' ') rest++;
    obs_begin(op);
    obs_str("call", line);
    if (!strcmp(op, "check")) {
        long cap = strtol(rest, NULL, 0);
        obs_int("rc", io(strstr(rest, "vm") ? vm : kvm, KVM_CHECK_EXTENSION, (void *)cap));
    } else if (!strcmp(op, "supported_cpuid")) {
        load_supported();
        obs_int("rc", supported->nent ? 0 : -1);
        for (uint32_t i = 0; i < supported->nent; i++) {
            struct kvm_cpuid_entry2 *e = &supported->entries[i];
            if (e->function != 0xD) continue;
            char key[32];
            snprintf(key, sizeof key, "d%u", e->index);
            uint32_t regs[4] = { e->eax, e->ebx, e->ecx, e->edx };
            obs_bytes(key, (uint8_t *)regs, 16);
        }
    } else if (!strcmp(op, "vm")) {
        if (vcpu >= 0) close(vcpu);
        if (vm >= 0) close(vm);
        vcpu = -1;
        vm = (int)io(kvm, KVM_CREATE_VM, 0);
        obs_int("rc", vm < 0 ? vm : 0);
        if (vm >= 0 && strstr(rest, "irqchip")) obs_int("irqchip_rc", io(vm, KVM_CREATE_IRQCHIP, 0));
    } else if (!strcmp(op, "vcpu")) {
        static int next_id;
        if (vcpu >= 0) close(vcpu);
        vcpu = (int)io(vm, KVM_CREATE_VCPU, (void *)(long)next_id++);
        obs_int("rc", vcpu < 0 ? vcpu : 0);
    } else if (!strcmp(op, "get_xcrs")) {
        struct kvm_xcrs x;
        memset(&x, 0, sizeof x);
        long rc = io(vcpu, KVM_GET_XCRS, &x);
        obs_int("rc", rc);
        if (rc == 0) {
            obs_int("nr_xcrs", x.nr_xcrs); obs_int("flags", x.flags);
            for (uint32_t i = 0; i < x.nr_xcrs && i < KVM_MAX_XCRS; i++)
                if (x.xcrs[i].xcr == 0) { obs_hex("xcr0", x.xcrs[i].value); break; }
        }
    } else if (!strcmp(op, "get_xsave")) {
        struct kvm_xsave x;
        memset(&x, 0xA5, sizeof x);
        long rc = io(vcpu, KVM_GET_XSAVE, &x);
        obs_int("rc", rc);
        if (rc == 0) report_xsave((uint8_t *)x.region, sizeof x.region);
    } else if (!strcmp(op, "get_xsave2")) {
        long size = strtol(rest, NULL, 0);
        uint8_t *buf = calloc(1, size > 4096 ? size : 4096);
        memset(buf, 0xA5, size);
        long rc = io(vcpu, KVM_GET_XSAVE2, buf);
        obs_int("rc", rc);
        if (rc == 0) report_xsave(buf, size);
        free(buf);
    } else if (!strcmp(op, "set_xcrs")) {
        struct kvm_xcrs x;
        memset(&x, 0, sizeof x);
        char *save = NULL, *copy = strdup(rest);
        char *tok = strtok_r(copy, " ", &save);
        x.flags = tok ? strtoul(tok, NULL, 0) : 0;
        unsigned n = 0;
        while ((tok = strtok_r(NULL, " ", &save)) && n < KVM_MAX_XCRS + 1) {
            char *colon = strchr(tok, ':');
            if (!colon) continue;
            if (n < KVM_MAX_XCRS) { x.xcrs[n].xcr = strtoul(tok, NULL, 0); x.xcrs[n].value = strtoull(colon + 1, NULL, 0); }
            n++;
        }
        x.nr_xcrs = n;
        obs_int("rc", io(vcpu, KVM_SET_XCRS, &x));
        free(copy);
    } else if (!strcmp(op, "set_xsave")) {
        struct kvm_xsave x;
        long rc = io(vcpu, KVM_GET_XSAVE, &x);
        if (rc == 0) {
            apply_mutation((uint8_t *)x.region, sizeof x.region, rest);
            rc = io(vcpu, KVM_SET_XSAVE, &x);
        }
        obs_int("rc", rc);
    } else if (!strcmp(op, "set_cpuid2")) {
        load_supported();
        size_t bytes = sizeof *supported + supported->nent * sizeof(struct kvm_cpuid_entry2);
        struct kvm_cpuid2 *c = malloc(bytes);
        memcpy(c, supported, bytes);
        long eax = spec_value(rest, "d0eax", -1);
        for (uint32_t i = 0; i < c->nent && eax >= 0; i++)
            if (c->entries[i].function == 0xD && c->entries[i].index == 0) c->entries[i].eax = (uint32_t)eax;
        obs_int("rc", io(vcpu, KVM_SET_CPUID2, c));
        free(c);
    } else if (!strcmp(op, "cpuid_readback")) {
        /* KVM_SET_CPUID2 with the supported table and CPUID.(0xD,0).EAX = VALUE, then KVM_GET_CPUID2: upstream KVM
         * stores EAX as given (only EBX is a runtime field); a provider that rewrites the leaves shows here. */
        load_supported();
        long eax = strtol(rest, NULL, 0);
        size_t bytes = sizeof *supported + 256 * sizeof(struct kvm_cpuid_entry2);
        struct kvm_cpuid2 *c = calloc(1, bytes);
        memcpy(c, supported, sizeof *supported + supported->nent * sizeof(struct kvm_cpuid_entry2));
        for (uint32_t i = 0; i < c->nent; i++)
            if (c->entries[i].function == 0xD && c->entries[i].index == 0) c->entries[i].eax = (uint32_t)eax;
        long rc = io(vcpu, KVM_SET_CPUID2, c);
        obs_int("rc", rc);
        if (rc == 0) {
            memset(c, 0, bytes);
            c->nent = 256;
            long grc = io(vcpu, KVM_GET_CPUID2, c);
            obs_int("get_rc", grc);
            for (uint32_t i = 0; grc == 0 && i < c->nent; i++)
                if (c->entries[i].function == 0xD && c->entries[i].index == 0) obs_hex("eax", c->entries[i].eax);
        }
        free(c);
    } else if (!strcmp(op, "init")) {
        struct kvm_vcpu_events ev;
        memset(&ev, 0, sizeof ev);
        long rc = io(vcpu, KVM_GET_VCPU_EVENTS, &ev);
        if (rc == 0) {
            ev.flags = KVM_VCPUEVENT_VALID_SMM;
            ev.smi.latched_init = 1;
            rc = io(vcpu, KVM_SET_VCPU_EVENTS, &ev);
        }
        struct kvm_mp_state mp = { 0 };
        long mrc = rc == 0 ? io(vcpu, KVM_GET_MP_STATE, &mp) : rc;
        obs_int("rc", rc);
        obs_int("mp_rc", mrc);
        if (mrc == 0) obs_int("mp_state", mp.mp_state);
    } else {
        obs_int("rc", -EINVAL);
        obs_str("error", "unknown step");
    }
    obs_end();
}

int group_kvm(void)
{
    kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) {
        obs_begin("unavailable"); obs_str("reason", strerror(errno)); obs_end();
        return 0;
    }
    char **lines = read_lines();
    for (char **l = lines; *l; l++) run(*l);
    return 0;
}
