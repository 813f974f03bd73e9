/* The "execute" method of docs/protocol.md on the live CPU. */
#ifndef XSAVE_CPU_EXECUTE_H
#define XSAVE_CPU_EXECUTE_H
#include <stdio.h>

#include "cpu.h"
#include "json.h"

/* Writes the result value of one execute request to f and returns 0, or returns -1 with *why set (a protocol error:
 * the live CPU cannot take the state or the operation asked for). */
int execute(FILE *f, const struct live_cpu *cpu, const struct jnode *request, char *why, size_t why_len);
#endif
