/* needtext.h - `canirun need` as text: per model, the configurations that
 * serve it at the target (price, configuration, quant, placement, tok/s
 * and its low band, context held and the largest allowed, memory left),
 * those that only do below the quant floor with what the floor type gets
 * there, and which CPU and RAM take the CPU share; then the stack answers
 * of `need --plan`. Formatting only: every figure is need_search's. */
#ifndef CANIRUN_NEEDTEXT_H
#define CANIRUN_NEEDTEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "decide/need.h"

/* Rows shown per model and section without --all. */
#define NEED_TEXT_ROWS 20

/* r for the models of req; all: every row, else NEED_TEXT_ROWS a section. */
void need_write(FILE *out, const struct need_request *req, const struct need_result *r,
		bool all);

/* The stack answers; plans[g][0] resident, plans[g][1] swaps for group g
 * (0 priced, 1 not), NULL where none was found. */
void need_stack_write(FILE *out, const struct need_stack_request *req,
		      const struct need_stack *s, const struct plan *plans[2][2]);

/* "Test 16-core desktop CPU (Q4_0 55 GB/s, bench), 64.0 GiB RAM": the
 * CPU and RAM a GPU configuration's CPU share runs on. */
const char *need_cpu_share_text(const struct hardware *base, char *buf, size_t size);

#endif
