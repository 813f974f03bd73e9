/* JSON-lines output and the small parsers every group shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe.h"

static int first_field;

void obs_begin(const char *name) { printf("{\"name\":\"%s\"", name); first_field = 0; }
void obs_int(const char *key, long long v) { printf(",\"%s\":%lld", key, v); }
void obs_hex(const char *key, uint64_t v) { printf(",\"%s\":\"0x%llx\"", key, (unsigned long long)v); }
void obs_str(const char *key, const char *v)
{
    printf(",\"%s\":\"", key);
    for (; *v; v++) {
        if (*v == '"' || *v == '\\') putchar('\\');
        if ((unsigned char)*v < 0x20) printf("\\u%04x", *v); else putchar(*v);
    }
    putchar('"');
}
void obs_bytes(const char *key, const uint8_t *b, size_t len)
{
    printf(",\"%s\":\"", key);
    for (size_t i = 0; i < len; i++) printf("%02x", b[i]);
    putchar('"');
}
void obs_end(void) { (void)first_field; printf("}\n"); fflush(stdout); }

static int parse_pair(const char *v, unsigned long long *a, unsigned long long *b)
{
    char *end;
    *a = strtoull(v, &end, 0);
    if (*end != ':') return -1;
    *b = strtoull(end + 1, &end, 0);
    return (*end == 0 || *end == ',') ? 0 : -1;
}

static void put(uint8_t *buf, size_t len, size_t off, uint64_t v, int size)
{
    if (off + size <= len) memcpy(buf + off, &v, size);
}

int apply_mutation(uint8_t *buf, size_t len, const char *spec)
{
    char *copy = strdup(spec), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) continue;                         /* a bare word is a name for the caller */
        *eq = 0;
        const char *k = tok, *v = eq + 1;
        unsigned long long a, b, x = strtoull(v, NULL, 0), cur;
        if (!strcmp(k, "bv")) put(buf, len, 512, x, 8);
        else if (!strcmp(k, "bvor")) { memcpy(&cur, buf + 512, 8); put(buf, len, 512, cur | x, 8); }
        else if (!strcmp(k, "bvclr")) { memcpy(&cur, buf + 512, 8); put(buf, len, 512, cur & ~x, 8); }
        else if (!strcmp(k, "xcomp")) put(buf, len, 520, x, 8);
        else if (!strcmp(k, "mxcsr")) put(buf, len, 24, x, 4);
        else if (!strcmp(k, "u8")) { if (parse_pair(v, &a, &b)) rc = -1; else put(buf, len, a, b, 1); }
        else if (!strcmp(k, "u32")) { if (parse_pair(v, &a, &b)) rc = -1; else put(buf, len, a, b, 4); }
        else if (!strcmp(k, "u64")) { if (parse_pair(v, &a, &b)) rc = -1; else put(buf, len, a, b, 8); }
        else if (!strcmp(k, "fill")) { if (parse_pair(v, &a, &b)) rc = -1; else if (a < len) memset(buf + a, (int)b, len - a); }
    }
    free(copy);
    return rc;
}

long long spec_value(const char *spec, const char *key, long long dflt)
{
    size_t kl = strlen(key);
    for (const char *p = spec; p && *p; ) {
        if (!strncmp(p, key, kl) && p[kl] == '=') return strtoll(p + kl + 1, NULL, 0);
        p = strchr(p, ',');
        if (p) p++;
    }
    return dflt;
}

char **read_lines(void)
{
    size_t n = 0, cap = 16;
    char **lines = calloc(cap, sizeof *lines), *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    while ((got = getline(&line, &lcap, stdin)) > 0) {
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) line[--got] = 0;
        if (got == 0) continue;
        if (n + 1 >= cap) lines = realloc(lines, (cap *= 2) * sizeof *lines);
        lines[n++] = strdup(line);
    }
    free(line);
    lines[n] = NULL;
    return lines;
}

uint8_t *hex_decode(const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    uint8_t *out = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) { free(out); return NULL; }
        out[i] = (uint8_t)v;
    }
    *len = n;
    return out;
}
