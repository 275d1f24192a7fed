#include "decide/cost.h"

#include <math.h>

#define J_PER_KWH 3.6e6
#define TOKENS_PER_MTOK 1e6
#define SECONDS_PER_HOUR 3600.0
#define HOURS_PER_DAY 24.0

static bool known(double v)
{
	return v >= 0 && isfinite(v);
}

/* Seconds of machine time per output token, prompt share included. */
static double seconds_per_token(const struct cost_inputs *in)
{
	double input_share = in->tokens_per_day > 0 ? in->input_per_day / in->tokens_per_day : 0;

	if (input_share > 0 && !(in->prefill_tok_s > 0))
		return -1;
	return 1 / in->decode_tok_s + (input_share > 0 ? input_share / in->prefill_tok_s : 0);
}

static double alternative_monthly(const struct cost_inputs *in)
{
	if (in->alternative == ALT_SEAT)
		return in->users > 0 ? in->users * in->seat_per_user_month : -1;
	if (in->alternative == ALT_API)
		return (in->input_per_day * in->api_input_per_mtok +
			in->tokens_per_day * in->api_output_per_mtok) / TOKENS_PER_MTOK *
		       COST_DAYS_PER_MONTH;
	return -1;
}

/* The daily output at which an amortised machine costs what the API does:
 * both grow linearly with tokens, the machine from hw_cost / months. */
static double api_break_even_tokens(const struct cost_inputs *in, double s_per_token)
{
	double share = in->tokens_per_day > 0 ? in->input_per_day / in->tokens_per_day : 0;
	double api_per_token = (share * in->api_input_per_mtok + in->api_output_per_mtok) /
			       TOKENS_PER_MTOK;
	double energy_per_token = in->watts * s_per_token / J_PER_KWH * in->kwh_price;

	if (in->alternative != ALT_API || !known(in->hw_cost) || api_per_token <= energy_per_token)
		return -1;
	return in->hw_cost / in->months / COST_DAYS_PER_MONTH / (api_per_token - energy_per_token);
}

static void money(const struct cost_inputs *in, struct cost_result *out)
{
	out->kwh_per_day = in->watts * out->busy_hours_per_day / 1000;
	out->monthly_energy = out->kwh_per_day * in->kwh_price * COST_DAYS_PER_MONTH;
	out->hardware_included = known(in->hw_cost);
	out->monthly_local = out->monthly_energy +
			     (out->hardware_included ? in->hw_cost / in->months : 0);
	out->three_year_local = COST_THREE_YEARS_MONTHS * out->monthly_local;
	if (in->tokens_per_day > 0)
		out->local_per_mtok = out->monthly_local /
				      (in->tokens_per_day * COST_DAYS_PER_MONTH / TOKENS_PER_MTOK);
	out->monthly_alternative = alternative_monthly(in);
	if (!known(out->monthly_alternative))
		return;
	out->three_year_alternative = COST_THREE_YEARS_MONTHS * out->monthly_alternative;
	if (out->hardware_included && out->monthly_alternative > out->monthly_energy)
		out->break_even_months = in->hw_cost /
					 (out->monthly_alternative - out->monthly_energy);
}

void cost_compute(const struct cost_inputs *in, struct cost_result *out)
{
	double s_per_token;

	*out = (struct cost_result){
		.energy_kwh_per_mtok = -1, .energy_per_mtok = -1, .busy_hours_per_day = -1,
		.keeps_up = -1, .kwh_per_day = -1, .monthly_energy = -1, .monthly_local = -1,
		.monthly_alternative = -1, .three_year_local = -1, .three_year_alternative = -1,
		.break_even_months = -1, .local_per_mtok = -1, .break_even_tokens_per_day = -1,
	};
	if (!(in->decode_tok_s > 0) || !(in->watts > 0))
		return;
	out->energy_kwh_per_mtok = in->watts / in->decode_tok_s * TOKENS_PER_MTOK / J_PER_KWH;
	out->energy_per_mtok = out->energy_kwh_per_mtok * in->kwh_price;
	if (!in->usage_known || (s_per_token = seconds_per_token(in)) < 0)
		return;
	out->busy_hours_per_day = in->tokens_per_day * s_per_token / SECONDS_PER_HOUR;
	out->keeps_up = out->busy_hours_per_day <= HOURS_PER_DAY;
	out->machines_needed = (int)ceil(out->busy_hours_per_day / HOURS_PER_DAY);
	if (out->machines_needed < 1)
		out->machines_needed = 1;
	out->break_even_tokens_per_day = api_break_even_tokens(in, s_per_token);
	if (out->keeps_up)
		money(in, out);
}
