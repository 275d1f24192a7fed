/* cost.h - does running a model here pay, against an API or chat seats?
 * Pure arithmetic on an estimate's speeds, the power drawn, prices and a
 * daily usage; no I/O, no printing. The formulas (also in SPEC.md and the
 * man page):
 *
 *   energy_kwh_per_mtok   = watts / decode_tok_s x 1e6 / 3.6e6
 *   energy_per_mtok       = energy_kwh_per_mtok x kwh_price
 *   busy_hours_per_day    = (tokens_per_day / decode_tok_s
 *                            + input_per_day / prefill_tok_s) / 3600
 *   keeps_up              = busy_hours_per_day <= 24; else machines_needed
 *                           = ceil(busy / 24) and every money figure is unknown
 *   monthly_energy        = watts x busy_hours_per_day / 1000 x kwh_price x DAYS
 *   monthly_local         = monthly_energy + hw_cost / months (hw_cost unknown:
 *                           energy only, hardware_included false)
 *   monthly_alternative   = users x seat price, or
 *                           (input x in + tokens x out) / 1e6 x DAYS for an API
 *   three_year_*          = 36 x monthly_*
 *   break_even_months     = hw_cost / (monthly_alternative - monthly_energy)
 *                           (unknown when that is not positive)
 *   local_per_mtok        = monthly_local / (tokens_per_day x DAYS / 1e6)
 *   break_even_tokens_per_day (API): hw_cost / months / DAYS /
 *                           (API cost per output token - energy per output
 *                           token), both with the same input share
 *
 * DAYS = 365.25 / 12 per month. Idle hours are not charged: the machine is
 * taken to sleep when it has nothing to do. Unknown figures are < 0.
 */
#ifndef CANIRUN_COST_H
#define CANIRUN_COST_H

#include <stdbool.h>

#define COST_DAYS_PER_MONTH (365.25 / 12)
#define COST_THREE_YEARS_MONTHS 36
#define COST_DEFAULT_MONTHS 36
/* USD per kWh when neither --kwh-price nor CANIRUN_KWH_PRICE is given: the
 * U.S. residential average of EIA's Electric Power Monthly, table 5.6.A
 * (https://www.eia.gov/electricity/monthly/epm_table_grapher.php?t=epmt_5_6_a),
 * as republished on 2026-04-26 by
 * https://www.energypricestoday.com/data/sources/electricity-prices.json */
#define COST_DEFAULT_KWH_PRICE 0.1872

enum alternative_kind { ALT_NONE, ALT_API, ALT_SEAT };

struct cost_inputs {
	double watts;                   /* at the wall while generating; < 0 unknown */
	double decode_tok_s, prefill_tok_s;   /* < 0 unknown */
	double kwh_price;               /* currency per kWh, >= 0 */
	double hw_cost;                 /* < 0 unknown */
	int months;                     /* amortisation, > 0 */
	enum alternative_kind alternative;
	double api_input_per_mtok, api_output_per_mtok;
	double seat_per_user_month;
	bool usage_known;               /* a usage was given */
	double tokens_per_day;          /* output */
	double input_per_day;           /* prompt tokens */
	int users;                      /* 0 when the usage was given in tokens */
};

struct cost_result {
	double energy_kwh_per_mtok, energy_per_mtok;
	double busy_hours_per_day;      /* < 0 unknown (no usage, or a speed unknown) */
	int keeps_up;                   /* 1, 0, or -1 unknown */
	int machines_needed;            /* 0 when unknown */
	double kwh_per_day, monthly_energy;
	bool hardware_included;
	double monthly_local, monthly_alternative;
	double three_year_local, three_year_alternative;
	double break_even_months, local_per_mtok, break_even_tokens_per_day;
};

void cost_compute(const struct cost_inputs *in, struct cost_result *out);

#endif
