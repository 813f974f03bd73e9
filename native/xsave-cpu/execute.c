/* R17-R29 on the live CPU. The machine state the CPU cannot change at CPL 3 (XCR0, CPL, CR4.OSXSAVE, CR0.TS,
 * IA32_XFD) must be its own (the fixed machine of "hello"); IA32_XSS and IA32_XFD_ERR cannot be read at CPL 3 and no
 * CPL-3 instruction changes them while IA32_XFD = 0, so they are reported as given. Components outside XCR0 cannot
 * be reached by any instruction and are reported as given too. */
#define _GNU_SOURCE
#include "execute.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "run.h"

#define X87_SIZE 160
#define SSE_SIZE 256
#define MSR_XSS 0xDA0u
#define MSR_XFD 0x1C4u
#define MSR_XFD_ERR 0x1C5u

struct state {
    uint64_t xcr0, xss, xfd, xfd_err, xinuse, mxcsr;
    uint64_t cpl;
    int osxsave, ts;
    uint8_t *comp[64];
    size_t comp_len[64];
};

static int fail(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return -1;
}

static size_t component_size(const struct live_cpu *cpu, int i)
{
    return i == 0 ? X87_SIZE : i == 1 ? SSE_SIZE : cpu->leaf0d[i][0];
}

static void free_state(struct state *s)
{
    for (int i = 0; i < 64; i++) free(s->comp[i]);
}

static int read_state(const struct live_cpu *cpu, const struct jnode *js, struct state *s, char *why, size_t wl)
{
    memset(s, 0, sizeof *s);
    if (!js || js->type != J_OBJ) return fail(why, wl, "execute: \"state\" is missing or not an object");
    struct { const char *name; uint64_t *out; } masks[] = {
        { "Xcr0", &s->xcr0 }, { "Xss", &s->xss }, { "Xfd", &s->xfd }, { "XfdErr", &s->xfd_err }, { "XinUse", &s->xinuse },
        { "Mxcsr", &s->mxcsr }, { "Cpl", &s->cpl },
    };
    for (size_t k = 0; k < sizeof masks / sizeof *masks; k++) {
        const struct jnode *v = json_get(js, masks[k].name);
        if (!v || v->type == J_NULL) { *masks[k].out = 0; continue; }
        if (json_u64(v, masks[k].out)) return fail(why, wl, "execute: state.%s is not a number or mask", masks[k].name);
    }
    if (json_bool(json_get(js, "Cr4Osxsave"), &s->osxsave)) return fail(why, wl, "execute: state.Cr4Osxsave is not a boolean");
    if (json_bool(json_get(js, "Cr0Ts"), &s->ts)) return fail(why, wl, "execute: state.Cr0Ts is not a boolean");
    const struct jnode *comps = json_get(js, "Components");
    if (!comps || comps->type != J_OBJ) return fail(why, wl, "execute: state.Components is missing or not an object");
    for (size_t k = 0; k < comps->count; k++) {
        char *end;
        long i = strtol(comps->keys[k], &end, 10);
        const struct jnode *b = comps->items[k];
        if (*end || i < 0 || i > 63 || b->type != J_STR)
            return fail(why, wl, "execute: state.Components[\"%s\"] is not a component number with base64 bytes", comps->keys[k]);
        if (base64_decode(b->text, b->len, &s->comp[i], &s->comp_len[i]))
            return fail(why, wl, "execute: state.Components[\"%ld\"] is not base64", i);
        if (s->comp_len[i] != component_size(cpu, (int)i))
            return fail(why, wl, "execute: component %ld holds %zu bytes, the live CPU says %zu", i, s->comp_len[i],
                        component_size(cpu, (int)i));
    }
    return 0;
}

/* What the live CPU cannot be put into from user mode is a refusal, not a guess. */
static int check_fixed(const struct live_cpu *cpu, const struct state *s, char *why, size_t wl)
{
    if (s->xcr0 != cpu->xcr0)
        return fail(why, wl, "the live CPU cannot take XCR0 0x%llx: its XCR0 is 0x%llx", (unsigned long long)s->xcr0,
                    (unsigned long long)cpu->xcr0);
    if (s->cpl != 3) return fail(why, wl, "the live CPU cannot take CPL %llu: the helper runs at CPL 3", (unsigned long long)s->cpl);
    if (!s->osxsave) return fail(why, wl, "the live CPU cannot take CR4.OSXSAVE = 0: the kernel enabled it");
    if (s->ts) return fail(why, wl, "the live CPU cannot take CR0.TS = 1: the kernel keeps it clear");
    if (s->xfd) return fail(why, wl, "the live CPU cannot take IA32_XFD 0x%llx: user mode cannot write it", (unsigned long long)s->xfd);
    if (s->mxcsr & ~(uint64_t)cpu->mxcsr_mask)
        return fail(why, wl, "the live CPU cannot hold MXCSR 0x%llx: bits outside MXCSR_MASK 0x%x", (unsigned long long)s->mxcsr,
                    cpu->mxcsr_mask);
    for (int i = 0; i < 64; i++)
        if ((cpu->xcr0 >> i & 1) && !s->comp[i] && component_size(cpu, i))
            return fail(why, wl, "execute: state.Components lacks component %d, which XCR0 enables", i);
    return 0;
}

/* A standard-format image of the state: XSTATE_BV = XINUSE & XCR0 (R17: a component not in use is in its init
 * configuration), MXCSR at 24 (XRSTOR's standard form loads it whenever RFBM[1] | RFBM[2], R23). */
static void build_image(const struct live_cpu *cpu, const struct state *s, uint8_t *img)
{
    memset(img, 0, AREA_MAX);
    if (s->comp[0]) memcpy(img, s->comp[0], X87_SIZE);
    uint32_t mxcsr = (uint32_t)s->mxcsr;
    memcpy(img + 24, &mxcsr, 4);
    memset(img + 28, 0, 4);
    if (s->comp[1]) memcpy(img + 160, s->comp[1], SSE_SIZE);
    for (int i = 2; i < 63; i++)
        if ((cpu->xcr0 >> i & 1) && s->comp[i]) memcpy(img + cpu->leaf0d[i][1], s->comp[i], s->comp_len[i]);
    uint64_t bv = s->xinuse & cpu->xcr0;
    memcpy(img + 512, &bv, 8);
}

struct operand {
    uint8_t *map;
    size_t map_len;
    uint8_t *start;
    size_t len;
    uint64_t address;      /* as requested */
};

/* The operand ends where its bytes end (docs/protocol.md: an access beyond is a page fault): an aligned operand is
 * placed so that its last byte is the last of a page followed by an inaccessible page; then its length must be a
 * multiple of 64 to keep the start aligned. A misaligned one keeps the low six bits of its address (the CPU raises
 * #GP for it before any access, R18). */
static int place_operand(const struct jnode *memory, struct operand *o, char *why, size_t wl)
{
    const struct jnode *bytes = json_get(memory, "Bytes");
    if (!memory || memory->type != J_OBJ || !bytes || bytes->type != J_STR)
        return fail(why, wl, "execute: operation.Memory must be {\"Bytes\": base64, \"Address\": number}");
    if (json_u64(json_get(memory, "Address"), &o->address)) return fail(why, wl, "execute: operation.Memory.Address is not a number");
    uint8_t *data;
    if (base64_decode(bytes->text, bytes->len, &data, &o->len)) return fail(why, wl, "execute: operation.Memory.Bytes is not base64");
    unsigned misalign = (unsigned)(o->address & 63);
    if (misalign == 0 && o->len % 64 != 0) {
        free(data);
        return fail(why, wl, "the live CPU cannot end a 64-byte aligned operand of %zu bytes at a page boundary: "
                             "its length must be a multiple of 64 (fixed machine MemoryGranularity)", o->len);
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t rw = (o->len + 64 + page - 1) / page * page;
    o->map_len = rw + page;
    o->map = mmap(NULL, o->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (o->map == MAP_FAILED) { free(data); return fail(why, wl, "mmap of the operand failed"); }
    mprotect(o->map + rw, page, PROT_NONE);
    o->start = misalign ? o->map + misalign : o->map + rw - o->len;
    memset(o->map, 0xA5, rw);
    memcpy(o->start, data, o->len);
    free(data);
    return 0;
}

static int read_op(const struct jnode *op, struct run *r, const struct jnode **memory, char *why, size_t wl)
{
    const struct jnode *kind = json_get(op, "op");
    *memory = NULL;
    if (!kind || kind->type != J_STR) return fail(why, wl, "execute: operation.op is missing");
    uint64_t v = 0;
    if (!strcmp(kind->text, "xsave-family")) {
        static const char *names[] = { "Xsave", "Xsaveopt", "Xsavec", "Xsaves", "Xrstor", "Xrstors" };
        const struct jnode *ins = json_get(op, "Instruction");
        int found = -1;
        for (int k = 0; ins && ins->type == J_STR && k < 6; k++)
            if (!strcmp(ins->text, names[k])) found = k;
        if (found < 0) return fail(why, wl, "execute: operation.Instruction is not one of Xsave, Xsaveopt, Xsavec, Xsaves, Xrstor, Xrstors");
        r->op = (enum op_kind)found;
        if (json_u64(json_get(op, "EdxEax"), &r->edx_eax)) return fail(why, wl, "execute: operation.EdxEax is not a mask");
        *memory = json_get(op, "Memory");
        return 0;
    }
    if (!strcmp(kind->text, "xsetbv") || !strcmp(kind->text, "xgetbv")) {
        r->op = kind->text[1] == 's' ? OP_XSETBV : OP_XGETBV;
        if (json_u64(json_get(op, "Ecx"), &v) || v > 0xFFFFFFFFu) return fail(why, wl, "execute: operation.Ecx is not a 32-bit number");
        r->ecx = (uint32_t)v;
        if (r->op == OP_XSETBV && json_u64(json_get(op, "Value"), &r->edx_eax)) return fail(why, wl, "execute: operation.Value is not a mask");
        return 0;
    }
    if (!strcmp(kind->text, "wrmsr")) {
        const struct jnode *msr = json_get(op, "Msr");
        r->op = OP_WRMSR;
        if (msr && msr->type == J_STR && !strcmp(msr->text, "Xss")) r->ecx = MSR_XSS;
        else if (msr && msr->type == J_STR && !strcmp(msr->text, "Xfd")) r->ecx = MSR_XFD;
        else if (msr && msr->type == J_STR && !strcmp(msr->text, "XfdErr")) r->ecx = MSR_XFD_ERR;
        else if (!json_u64(msr, &v) && v <= 0xFFFFFFFFu) r->ecx = (uint32_t)v;
        else return fail(why, wl, "execute: operation.Msr is not Xss, Xfd, XfdErr or a number");
        if (json_u64(json_get(op, "Value"), &r->edx_eax)) return fail(why, wl, "execute: operation.Value is not a mask");
        return 0;
    }
    if (!strcmp(kind->text, "init") || !strcmp(kind->text, "reset"))
        return fail(why, wl, "the live CPU cannot take an %s event from user mode", kind->text);
    return fail(why, wl, "execute: unknown operation '%s'", kind->text);
}

static void write_mask(FILE *f, const char *name, uint64_t v, int comma)
{
    fprintf(f, "%s\"%s\":\"0x%llx\"", comma ? "," : "", name, (unsigned long long)v);
}

/* The state after: the live registers (saved image) for every component XCR0 enables, the given bytes for others. */
static void write_state(FILE *f, const struct live_cpu *cpu, const struct state *in, const uint8_t *img, uint64_t xinuse)
{
    uint32_t mxcsr;
    memcpy(&mxcsr, img + 24, 4);
    fputc('{', f);
    write_mask(f, "Xcr0", cpu->xcr0, 0);
    write_mask(f, "Xss", in->xss, 1);
    write_mask(f, "Xfd", 0, 1);
    write_mask(f, "XfdErr", in->xfd_err, 1);
    write_mask(f, "XinUse", (xinuse & cpu->xcr0) | (in->xinuse & ~cpu->xcr0), 1);
    fprintf(f, ",\"Cpl\":3,\"Cr4Osxsave\":true,\"Cr0Ts\":false,\"Mxcsr\":%u,\"Components\":{", (cpu->xcr0 & 6) ? mxcsr : (uint32_t)in->mxcsr);
    int first = 1;
    for (int i = 0; i < 64; i++) {
        if (!in->comp[i]) continue;
        fprintf(f, "%s\"%d\":", first ? "" : ",", i);
        first = 0;
        if (!(cpu->xcr0 >> i & 1)) { json_write_base64(f, in->comp[i], in->comp_len[i]); continue; }
        if (i == 0) {
            uint8_t x87[X87_SIZE];
            memcpy(x87, img, X87_SIZE);
            memset(x87 + 24, 0, 8);   /* MXCSR and MXCSR_MASK are SSE state (R12) */
            json_write_base64(f, x87, X87_SIZE);
        } else {
            json_write_base64(f, img + (i == 1 ? 160 : cpu->leaf0d[i][1]), in->comp_len[i]);
        }
    }
    fputs("}}", f);
}

static const char *fault_kind(const struct run *r)
{
    if (r->signal == SIGILL) return "UD";
    if (r->signal == SIGSEGV) return r->si_code == SI_KERNEL ? "GP" : "PF";
    return "GP"; /* SIGBUS: not expected from these instructions */
}

int execute(FILE *f, const struct live_cpu *cpu, const struct jnode *req, char *why, size_t wl)
{
    static uint8_t load[AREA_MAX] __attribute__((aligned(64)));
    static uint8_t save[AREA_MAX] __attribute__((aligned(64)));
    struct state s;
    struct run r;
    struct operand o = { 0 };
    const struct jnode *memory;
    int rc = -1;
    const char *run_why = NULL;

    memset(&r, 0, sizeof r);
    if (read_state(cpu, json_get(req, "state"), &s, why, wl) || check_fixed(cpu, &s, why, wl)) goto out;
    const struct jnode *op = json_get(req, "operation");
    if (!op || op->type != J_OBJ) { fail(why, wl, "execute: \"operation\" is missing or not an object"); goto out; }
    if (read_op(op, &r, &memory, why, wl)) goto out;
    if (r.op <= OP_XRSTORS && place_operand(memory, &o, why, wl)) goto out;

    build_image(cpu, &s, load);
    memset(save, 0, sizeof save);
    r.load = load;
    r.save = save;
    r.mem = o.start;
    r.xgetbv1 = cpu->xgetbv1;
    if (run_op(&r, &run_why)) { fail(why, wl, "%s", run_why); goto out; }

    uint64_t xinuse;
    if (r.signal) memcpy(&xinuse, save + 512, 8);            /* the kernel's XSAVE of the faulting context */
    else if (r.xgetbv1) xinuse = r.xinuse;
    else memcpy(&xinuse, save + 512, 8);                     /* without XGETBV1: XSAVE's XSTATE_BV = XINUSE & RFBM */
    if (r.signal && !r.frame_has_xstate) {
        fail(why, wl, "the signal frame of the fault holds no XSAVE area (no FP_XSTATE_MAGIC1): the state after the fault cannot be read");
        goto out;
    }

    fputs("{\"Fault\":", f);
    if (r.signal)
        fprintf(f, "{\"Kind\":\"%s\",\"Rule\":\"live CPU\",\"Reason\":\"%s, si_code %d\"}", fault_kind(&r),
                r.signal == SIGILL ? "SIGILL" : r.signal == SIGSEGV ? "SIGSEGV" : "SIGBUS", r.si_code);
    else fputs("null", f);
    fputs(",\"State\":", f);
    write_state(f, cpu, &s, save, xinuse);
    fputs(",\"Buffer\":", f);
    if (o.start) {
        fputs("{\"Bytes\":", f);
        json_write_base64(f, o.start, o.len);
        fprintf(f, ",\"Address\":%llu}", (unsigned long long)o.address);
    } else fputs("null", f);
    if (r.op == OP_XGETBV && !r.signal) fprintf(f, ",\"ReturnedValue\":%llu", (unsigned long long)r.returned);
    else fputs(",\"ReturnedValue\":null", f);
    fputs(",\"UnspecifiedBytes\":[],\"UnspecifiedComponents\":\"0x0\"}", f);
    rc = 0;
out:
    if (o.map) munmap(o.map, o.map_len);
    free_state(&s);
    return rc;
}
