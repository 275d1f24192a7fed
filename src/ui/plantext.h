/* plantext.h - a plan (decide/plan.h) as text: the picks table, why each
 * was chosen, residency and swaps, concurrency, the tasks nothing serves,
 * and the settings block (valid POSIX sh: exports, ollama pull lines, and
 * the llama-server router equivalent as comments). Formatting only. */
#ifndef CANIRUN_PLANTEXT_H
#define CANIRUN_PLANTEXT_H

#include <stdio.h>

#include "decide/plan.h"
#include "hw/hw.h"

void plan_write(FILE *out, const struct plan *p, const struct hardware *hw);

/* The settings block alone (also part of plan_write). */
void plan_write_settings(FILE *out, const struct plan *p);

/* Setting name/value pairs, in block order, for JSON and the block:
 * writes up to max pairs' values into vals (each VAL_MAX bytes) and
 * returns the count. */
#define PLAN_SETTING_VAL_MAX 32
int plan_settings(const struct plan *p, const char **names, char (*vals)[PLAN_SETTING_VAL_MAX],
		  int max);

/* "resident", "resident (CPU instance)", "swap 4.1s (1.2s warm)". */
const char *plan_where_text(const struct plan_model *pm, char *buf, size_t size);

#endif
