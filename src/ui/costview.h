/* costview.h - a cost case (decide/costcase.h) as the SPEC.md "cost"
 * object, as the text block of `canirun cost` and `show --cost`, as the
 * report's money column, and the power assumptions `canirun hw` shows.
 * Unknown figures (< 0) are null in JSON and said so in text. */
#ifndef CANIRUN_COSTVIEW_H
#define CANIRUN_COSTVIEW_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "decide/costcase.h"
#include "decide/power.h"
#include "estimate/estimate.h"
#include "hw/gputable.h"
#include "hw/hw.h"

/* A new object the caller owns (cJSON_Delete). */
cJSON *cost_to_json(const struct cost_case *c, const struct cost_settings *cs);

/* The block for estimate e: power, usage and busy hours, energy, local and
 * alternative monthly and 3-year totals, break-even. */
void cost_write_text(FILE *out, const struct estimate *e, const struct cost_case *c,
		     const struct cost_settings *cs);

/* How each figure of the block is computed (printed once after them). */
void cost_write_formulas(FILE *out);

/* The report's column: energy cost per 1M generated tokens ("0.441", "?"
 * when unknown), and its heading ("USD/1M"). */
const char *cost_cell(const struct cost_case *c, char *buf, int size);
const char *cost_heading(const struct cost_settings *cs, char *buf, int size);

/* `canirun hw`: the draw assumed when every GPU generates, and the rule. */
void power_write_text(FILE *out, const struct power_table *pt, const struct power_draw *all_gpus);
cJSON *power_to_json(const struct power_table *pt, const struct power_draw *all_gpus);

#endif
