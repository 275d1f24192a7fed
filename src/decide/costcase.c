#include "decide/costcase.h"

#include <string.h>

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

/* Node k's share of a cluster placement as the fit power and prices read:
 * the GPUs its devices use (a CPU device leaves none: no published draw). */
static void node_fit(const struct rpc_fit *r, int k, struct fit *f)
{
	memset(f, 0, sizeof(*f));
	f->placement = PLACE_GPU;
	for (int i = 0; i < r->device_count; i++) {
		const struct rpc_device *d = &r->devices[i];

		if (d->node == k && d->gpu >= 0 && (d->layers > 0 || d->holds_output))
			f->gpu[d->gpu].layers = d->layers > 0 ? d->layers : 1;
	}
}

/* Over a cluster every node holding layers draws and is paid for: the
 * watts and prices summed; either unknown (with the first node's reason)
 * when one node's is. --watts and --hw-cost give the whole setup's. */
static void cluster_power_and_price(const struct cost_settings *cs, const struct power_table *pt,
				    const struct gpu_table *gpus, const struct estimate *e,
				    struct cost_case *out)
{
	const struct rpc_fit *r = &e->rpc;
	struct power_draw unknown_power = { .watts = -1 };
	const char *price_note = NULL;
	double watts = 0, price = 0;
	int drawing = 0;

	for (int k = 0; k < r->cluster->node_count; k++) {
		struct cost_case node;
		struct fit f;

		if (r->nodes[k].layers == 0)
			continue;
		node_fit(r, k, &f);
		power_for_fit(pt, gpus, r->cluster->nodes[k].hw, &f, 0, &node.power);
		hardware_price(cs, gpus, r->cluster->nodes[k].hw, &f, &node);
		if (node.power.watts < 0 && unknown_power.watts == -1 && !unknown_power.why_unknown)
			unknown_power = node.power;
		watts += node.power.watts < 0 ? 0 : node.power.watts;
		drawing++;
		if (node.hw_cost < 0 && !price_note)
			price_note = node.hw_cost_note;
		price += node.hw_cost < 0 ? 0 : node.hw_cost;
	}
	out->power = unknown_power.why_unknown ? unknown_power :
		     (struct power_draw){ .watts = watts, .source = WATTS_TABLE, .idle_w = -1,
					  .fraction = -1, .board_w = -1, .nodes_summed = drawing };
	if (cs->watts_option > 0)
		power_for_fit(pt, gpus, r->cluster->nodes[0].hw, &e->now, cs->watts_option, &out->power);
	hardware_price(cs, gpus, r->cluster->nodes[0].hw, &e->now, out);
	if (out->hw_cost_source == HW_COST_OPTION)
		return;
	out->hw_cost = price_note ? -1 : price;
	out->hw_cost_source = price_note ? HW_COST_NONE : HW_COST_TABLE;
	out->hw_cost_note = price_note ? price_note : "the nodes' GPUs' street prices (gpus.json), summed";
}

void cost_case_compute(const struct cost_settings *cs, const struct power_table *pt,
		       const struct gpu_table *gpus, const struct hardware *hw,
		       const struct estimate *e, struct cost_case *out)
{
	const struct fit *f = &e->now;
	struct cost_inputs *in = &out->inputs;

	if (e->rpc.used && f->placement != PLACE_NONE) {
		cluster_power_and_price(cs, pt, gpus, e, out);
	} else {
		power_for_fit(pt, gpus, hw, f, cs->watts_option, &out->power);
		hardware_price(cs, gpus, hw, f, out);
	}
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
