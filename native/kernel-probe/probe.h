/* kernel-probe: observations of the running kernel and CPU, one JSON object per line on stdout.
 * Observations only: the C# side (Cli/Kernel) derives every expected value from the oracle. */
#ifndef KERNEL_PROBE_H
#define KERNEL_PROBE_H
#include <stddef.h>
#include <stdint.h>

/* One observation line: obs_begin(name), any number of obs_* fields, obs_end(). */
void obs_begin(const char *name);
void obs_int(const char *key, long long value);
void obs_hex(const char *key, uint64_t value);
void obs_str(const char *key, const char *value);
void obs_bytes(const char *key, const uint8_t *bytes, size_t len);
void obs_end(void);

/* Patches a buffer by a mutation spec "k=v,k=v": bv=, bvor=, bvclr=, xcomp=, mxcsr=, u8=OFF:V, u32=OFF:V, u64=OFF:V.
 * Returns 0, or -1 on a malformed spec (reported by the caller). Keys it does not know are left to the caller. */
int apply_mutation(uint8_t *buf, size_t len, const char *spec);
/* The value of key k in spec ("len=2432" -> 2432), or dflt when absent. */
long long spec_value(const char *spec, const char *key, long long dflt);

/* Reads stdin lines into a NULL-terminated array (the mutation list the runner passes). */
char **read_lines(void);
uint8_t *hex_decode(const char *hex, size_t *len);

void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t r[4]);
uint64_t xgetbv(uint32_t ecx);
int cpu_has_osxsave(void);

int group_cpu(void);
int group_arch_prctl(void);
int group_ptrace(void);
int group_signal(void);
int group_sigaltstack(void);
int group_xsave(void);
int group_kvm(void);
#endif
