/* A small JSON reader (one request line into a tree) and writer helpers for the protocol of docs/protocol.md.
 * Only what protocol version 1 needs: objects, arrays, strings (with \uXXXX), numbers, true/false/null. */
#ifndef XSAVE_CPU_JSON_H
#define XSAVE_CPU_JSON_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
    enum jtype type;
    int boolean;
    char *text;              /* J_STR: decoded text; J_NUM: the number as written */
    size_t len;              /* J_STR: decoded length */
    size_t count;            /* J_ARR/J_OBJ: children */
    char **keys;             /* J_OBJ */
    struct jnode **items;
};

/* Parses one JSON value from text; NULL and *err set on a syntax error. */
struct jnode *json_parse(const char *text, const char **err);
void json_free(struct jnode *node);

/* Member of an object by key, or NULL. */
const struct jnode *json_get(const struct jnode *obj, const char *key);
/* A mask or unsigned number: "0x..." hex, plain hex text, or a JSON number. Returns 0 on success. */
int json_u64(const struct jnode *node, uint64_t *out);
int json_bool(const struct jnode *node, int *out);

/* Writers. */
void json_write_string(FILE *f, const char *s);
void json_write_base64(FILE *f, const uint8_t *bytes, size_t len);
/* Decodes base64 text into a fresh buffer; returns 0 on success. */
int base64_decode(const char *text, size_t len, uint8_t **out, size_t *out_len);
#endif
