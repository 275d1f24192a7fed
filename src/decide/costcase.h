/* costcase.h - the cost of one estimate: the power its placement draws
 * (power.h), the hardware price to amortise (--hw-cost, else the street
 * prices in gpus.json of the GPUs it uses), and cost_compute() over the
 * usage and the alternative the command line chose. Pure arithmetic. */
#ifndef CANIRUN_COSTCASE_H
#define CANIRUN_COSTCASE_H

#include "decide/cost.h"
#include "decide/power.h"
#include "estimate/estimate.h"
#include "hw/gputable.h"
#include "hw/hw.h"

/* The command line's cost options, resolved (names looked up, defaults
 * applied). Strings are borrowed. */
struct cost_settings {
	double watts_option;            /* > 0: --watts */
	double kwh_price;
	const char *kwh_price_source;   /* "default", "--kwh-price", "CANIRUN_KWH_PRICE" */
	const char *currency;
	double hw_cost_option;          /* >= 0: --hw-cost */
	bool table_prices;              /* gpus.json USD prices may be used (currency USD) */
	int months;
	enum alternative_kind alternative;
	const char *alternative_name;   /* the apis.json name, or "given" for --*-price */
	double api_input_per_mtok, api_output_per_mtok, seat_per_user_month;
	bool usage_known;
	double tokens_per_day, input_per_day;
	int users;                      /* 0: usage in tokens */
};

enum hw_cost_source { HW_COST_NONE, HW_COST_OPTION, HW_COST_TABLE };
const char *hw_cost_source_name(enum hw_cost_source s);  /* "option", "table", "none" */

struct cost_case {
	struct power_draw power;
	double hw_cost;                 /* < 0 unknown */
	enum hw_cost_source hw_cost_source;
	const char *hw_cost_note;       /* why it is unknown, or the price's source URL */
	struct cost_inputs inputs;
	struct cost_result result;
};

void cost_case_compute(const struct cost_settings *cs, const struct power_table *pt,
		       const struct gpu_table *gpus, const struct hardware *hw,
		       const struct estimate *e, struct cost_case *out);

#endif
