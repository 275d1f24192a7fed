#include "decide/costcase.h"

const char *hw_cost_source_name(enum hw_cost_source s)
{
	static const char *const names[] = {
		[HW_COST_NONE] = "none", [HW_COST_OPTION] = "option", [HW_COST_TABLE] = "table",
	};
	return names[s];
}

/* --hw-cost, else the sum of the street prices of the GPUs the placement
 * uses (all of them priced), else unknown. */
static void hardware_price(const struct cost_settings *cs, const struct gpu_table *gpus,
			   const struct hardware *hw, const struct fit *f, struct cost_case *out)
{
	double sum = 0;
	int priced = 0;

	out->hw_cost = -1;
	out->hw_cost_source = HW_COST_NONE;
	if (cs->hw_cost_option >= 0) {
		out->hw_cost = cs->hw_cost_option;
		out->hw_cost_source = HW_COST_OPTION;
		out->hw_cost_note = "--hw-cost";
		return;
	}
	if (!cs->table_prices) {
		out->hw_cost_note = "the table's prices are in USD: give --hw-cost";
		return;
	}
	for (int g = 0; g < hw->gpu_count; g++) {
		const struct gpu_price *p;

		if (!fit_uses_gpu(f, g))
			continue;
		if (gpu_table_price(gpus, &hw->gpus[g], hw->ram.total_bytes, &p) < 0) {
			out->hw_cost_note = "no dated street price for a GPU it uses: give --hw-cost";
			return;
		}
		sum += p->usd;
		out->hw_cost_note = p->source;
		priced++;
	}
	if (priced == 0) {
		out->hw_cost_note = "no GPU to price: give --hw-cost";
		return;
	}
	out->hw_cost = sum;
	out->hw_cost_source = HW_COST_TABLE;
}

void cost_case_compute(const struct cost_settings *cs, const struct power_table *pt,
		       const struct gpu_table *gpus, const struct hardware *hw,
		       const struct estimate *e, struct cost_case *out)
{
	const struct fit *f = &e->now;
	struct cost_inputs *in = &out->inputs;

	power_for_fit(pt, gpus, hw, f, cs->watts_option, &out->power);
	hardware_price(cs, gpus, hw, f, out);
	*in = (struct cost_inputs){
		.watts = out->power.watts,
		.decode_tok_s = f->placement == PLACE_NONE ? -1 : f->decode_tok_s,
		.prefill_tok_s = f->placement == PLACE_NONE ? -1 : f->prefill_tok_s,
		.kwh_price = cs->kwh_price, .hw_cost = out->hw_cost, .months = cs->months,
		.alternative = cs->alternative,
		.api_input_per_mtok = cs->api_input_per_mtok,
		.api_output_per_mtok = cs->api_output_per_mtok,
		.seat_per_user_month = cs->seat_per_user_month,
		.usage_known = cs->usage_known, .tokens_per_day = cs->tokens_per_day,
		.input_per_day = cs->input_per_day, .users = cs->users,
	};
	cost_compute(in, &out->result);
}
