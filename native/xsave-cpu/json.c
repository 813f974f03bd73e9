#include "json.h"

#include <stdlib.h>
#include <string.h>

struct parser { const char *p; const char *err; int depth; };

static void skip_ws(struct parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n') ps->p++;
}

static struct jnode *node_new(enum jtype type)
{
    struct jnode *n = calloc(1, sizeof *n);
    if (n) n->type = type;
    return n;
}

static int push(struct jnode *n, char *key, struct jnode *item)
{
    struct jnode **items = realloc(n->items, (n->count + 1) * sizeof *items);
    if (!items) return -1;
    n->items = items;
    if (n->type == J_OBJ) {
        char **keys = realloc(n->keys, (n->count + 1) * sizeof *keys);
        if (!keys) return -1;
        n->keys = keys;
        n->keys[n->count] = key;
    }
    n->items[n->count++] = item;
    return 0;
}

static void put_utf8(char *out, size_t *k, unsigned cp)
{
    if (cp < 0x80) out[(*k)++] = (char)cp;
    else if (cp < 0x800) { out[(*k)++] = (char)(0xC0 | cp >> 6); out[(*k)++] = (char)(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
        out[(*k)++] = (char)(0xE0 | cp >> 12); out[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*k)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*k)++] = (char)(0xF0 | cp >> 18); out[(*k)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[(*k)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static int hex4(const char *s, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        *v <<= 4;
        if (c >= '0' && c <= '9') *v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') *v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') *v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    return 0;
}

static char *parse_string(struct parser *ps, size_t *len)
{
    const char *s = ++ps->p; /* after the quote */
    size_t cap = 0;
    while (s[cap] && s[cap] != '"') cap += (s[cap] == '\\' && s[cap + 1]) ? 2 : 1;
    char *out = malloc(cap * 2 + 4);
    if (!out) { ps->err = "out of memory"; return NULL; }
    size_t k = 0;
    while (*ps->p != '"') {
        char c = *ps->p;
        if (!c) { ps->err = "unterminated string"; free(out); return NULL; }
        if ((unsigned char)c < 0x20) { ps->err = "control character in a string"; free(out); return NULL; }
        if (c != '\\') { out[k++] = c; ps->p++; continue; }
        char e = ps->p[1];
        ps->p += 2;
        switch (e) {
        case '"': out[k++] = '"'; break;
        case '\\': out[k++] = '\\'; break;
        case '/': out[k++] = '/'; break;
        case 'b': out[k++] = '\b'; break;
        case 'f': out[k++] = '\f'; break;
        case 'n': out[k++] = '\n'; break;
        case 'r': out[k++] = '\r'; break;
        case 't': out[k++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (hex4(ps->p, &cp)) { ps->err = "bad \\u escape"; free(out); return NULL; }
            ps->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && ps->p[0] == '\\' && ps->p[1] == 'u') {
                unsigned lo;
                if (!hex4(ps->p + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    ps->p += 6;
                }
            }
            put_utf8(out, &k, cp);
            break;
        }
        default: ps->err = "bad escape"; free(out); return NULL;
        }
    }
    ps->p++;
    out[k] = 0;
    *len = k;
    return out;
}

static struct jnode *parse_value(struct parser *ps);

static struct jnode *parse_container(struct parser *ps, int object)
{
    struct jnode *n = node_new(object ? J_OBJ : J_ARR);
    if (!n) { ps->err = "out of memory"; return NULL; }
    if (++ps->depth > 64) { ps->err = "nested too deeply"; json_free(n); return NULL; }
    ps->p++;
    skip_ws(ps);
    char close = object ? '}' : ']';
    if (*ps->p == close) { ps->p++; ps->depth--; return n; }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (object) {
            size_t klen;
            if (*ps->p != '"') { ps->err = "expected a key"; json_free(n); return NULL; }
            if (!(key = parse_string(ps, &klen))) { json_free(n); return NULL; }
            skip_ws(ps);
            if (*ps->p != ':') { ps->err = "expected ':'"; free(key); json_free(n); return NULL; }
            ps->p++;
        }
        struct jnode *item = parse_value(ps);
        if (!item) { free(key); json_free(n); return NULL; }
        if (push(n, key, item)) { ps->err = "out of memory"; free(key); json_free(item); json_free(n); return NULL; }
        skip_ws(ps);
        if (*ps->p == ',') { ps->p++; continue; }
        if (*ps->p == close) { ps->p++; ps->depth--; return n; }
        ps->err = object ? "expected ',' or '}'" : "expected ',' or ']'";
        json_free(n);
        return NULL;
    }
}

static struct jnode *parse_value(struct parser *ps)
{
    skip_ws(ps);
    char c = *ps->p;
    if (c == '{' || c == '[') return parse_container(ps, c == '{');
    if (c == '"') {
        struct jnode *n = node_new(J_STR);
        if (!n) { ps->err = "out of memory"; return NULL; }
        if (!(n->text = parse_string(ps, &n->len))) { free(n); return NULL; }
        return n;
    }
    if (!strncmp(ps->p, "true", 4) || !strncmp(ps->p, "false", 5)) {
        struct jnode *n = node_new(J_BOOL);
        if (!n) { ps->err = "out of memory"; return NULL; }
        n->boolean = c == 't';
        ps->p += n->boolean ? 4 : 5;
        return n;
    }
    if (!strncmp(ps->p, "null", 4)) { ps->p += 4; return node_new(J_NULL); }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *start = ps->p;
        while (strchr("+-0123456789.eE", *ps->p) && *ps->p) ps->p++;
        struct jnode *n = node_new(J_NUM);
        if (!n || !(n->text = strndup(start, (size_t)(ps->p - start)))) { free(n); ps->err = "out of memory"; return NULL; }
        return n;
    }
    ps->err = "unexpected character";
    return NULL;
}

struct jnode *json_parse(const char *text, const char **err)
{
    struct parser ps = { text, NULL, 0 };
    struct jnode *n = parse_value(&ps);
    if (n) {
        skip_ws(&ps);
        if (*ps.p) { json_free(n); n = NULL; ps.err = "trailing characters after the value"; }
    }
    if (!n && err) *err = ps.err ? ps.err : "syntax error";
    return n;
}

void json_free(struct jnode *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->count; i++) {
        if (n->keys) free(n->keys[i]);
        json_free(n->items[i]);
    }
    free(n->keys);
    free(n->items);
    free(n->text);
    free(n);
}

const struct jnode *json_get(const struct jnode *obj, const char *key)
{
    if (!obj || obj->type != J_OBJ) return NULL;
    for (size_t i = 0; i < obj->count; i++)
        if (!strcmp(obj->keys[i], key)) return obj->items[i];
    return NULL;
}

int json_u64(const struct jnode *n, uint64_t *out)
{
    if (!n) return -1;
    char *end;
    if (n->type == J_STR) {
        const char *s = n->text;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
        if (!*s) return -1;
        *out = strtoull(s, &end, 16);
        return *end ? -1 : 0;
    }
    if (n->type == J_NUM) {
        if (n->text[0] == '-') return -1;
        *out = strtoull(n->text, &end, 10);
        return *end ? -1 : 0;
    }
    return -1;
}

int json_bool(const struct jnode *n, int *out)
{
    if (!n || n->type != J_BOOL) return -1;
    *out = n->boolean;
    return 0;
}

void json_write_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void json_write_base64(FILE *f, const uint8_t *b, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < len ? (uint32_t)b[i + 1] << 8 : 0) | (i + 2 < len ? b[i + 2] : 0);
        fputc(B64[v >> 18 & 63], f);
        fputc(B64[v >> 12 & 63], f);
        fputc(i + 1 < len ? B64[v >> 6 & 63] : '=', f);
        fputc(i + 2 < len ? B64[v & 63] : '=', f);
    }
    fputc('"', f);
}

int base64_decode(const char *text, size_t len, uint8_t **out, size_t *out_len)
{
    uint8_t *buf = malloc(len / 4 * 3 + 3);
    if (!buf) return -1;
    size_t k = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '=') break;
        const char *pos = strchr(B64, c);
        if (!pos || !c) { free(buf); return -1; }
        acc = acc << 6 | (uint32_t)(pos - B64);
        bits += 6;
        if (bits >= 8) { bits -= 8; buf[k++] = (uint8_t)(acc >> bits); }
    }
    *out = buf;
    *out_len = k;
    return 0;
}
