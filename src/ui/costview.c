#include "ui/costview.h"

#include <stdlib.h>

#include "model/quant.h"

/* The shortest decimal that reads back as exactly v: cJSON's own printing
 * keeps 15 digits when they come within an epsilon, which would break
 * re-deriving energy_kwh_per_mtok from watts and decode_tok_s exactly. */
static cJSON *exact_number(double v)
{
	char text[40];

	for (int digits = 15; digits <= 17; digits++) {
		snprintf(text, sizeof(text), "%.*g", digits, v);
		if (strtod(text, NULL) == v)
			break;
	}
	return cJSON_CreateRaw(text);
}

/* A number, or null when unknown (< 0). */
static void add_known(cJSON *o, const char *key, double v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddItemToObject(o, key, exact_number(v));
}

static cJSON *api_json(const struct cost_settings *cs)
{
	cJSON *o;

	if (cs->alternative != ALT_API)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", cs->alternative_name);
	add_known(o, "input_per_mtok", cs->api_input_per_mtok);
	add_known(o, "output_per_mtok", cs->api_output_per_mtok);
	return o;
}

static cJSON *power_terms_json(const struct power_draw *p)
{
	cJSON *o = cJSON_CreateObject();

	add_known(o, "idle_w", p->idle_w);
	add_known(o, "fraction_of_board", p->fraction);
	add_known(o, "board_w", p->board_w);
	if (p->device)
		cJSON_AddStringToObject(o, "measured_machine", p->device);
	else
		cJSON_AddNullToObject(o, "measured_machine");
	if (p->why_unknown)
		cJSON_AddStringToObject(o, "why_unknown", p->why_unknown);
	return o;
}

/* The money fields and those they are made from. */
static void add_money(cJSON *o, const struct cost_case *c)
{
	const struct cost_result *r = &c->result;

	add_known(o, "hardware_cost", c->hw_cost);
	cJSON_AddStringToObject(o, "hardware_cost_source", hw_cost_source_name(c->hw_cost_source));
	cJSON_AddBoolToObject(o, "hardware_included", r->hardware_included);
	cJSON_AddNumberToObject(o, "months", c->inputs.months);
	add_known(o, "kwh_per_day", r->kwh_per_day);
	add_known(o, "monthly_energy", r->monthly_energy);
	add_known(o, "monthly_local", r->monthly_local);
	add_known(o, "monthly_alternative", r->monthly_alternative);
	add_known(o, "break_even_months", r->break_even_months);
	add_known(o, "break_even_tokens_per_day", r->break_even_tokens_per_day);
	add_known(o, "three_year_local", r->three_year_local);
	add_known(o, "three_year_alternative", r->three_year_alternative);
	/* Which is cheaper only when the hardware is counted. */
	if (r->hardware_included && r->three_year_local >= 0 && r->three_year_alternative >= 0)
		cJSON_AddStringToObject(o, "cheaper", r->three_year_local < r->three_year_alternative ?
					"local" : "alternative");
	else
		cJSON_AddNullToObject(o, "cheaper");
}

static void add_usage(cJSON *o, const struct cost_case *c)
{
	const struct cost_inputs *in = &c->inputs;
	const struct cost_result *r = &c->result;

	add_known(o, "tokens_per_day", in->usage_known ? in->tokens_per_day : -1);
	add_known(o, "input_per_day", in->usage_known ? in->input_per_day : -1);
	if (in->users > 0)
		cJSON_AddNumberToObject(o, "users", in->users);
	else
		cJSON_AddNullToObject(o, "users");
	add_known(o, "busy_hours_per_day", r->busy_hours_per_day);
	if (r->keeps_up < 0)
		cJSON_AddNullToObject(o, "keeps_up");
	else
		cJSON_AddBoolToObject(o, "keeps_up", r->keeps_up);
	if (r->machines_needed > 0)
		cJSON_AddNumberToObject(o, "machines_needed", r->machines_needed);
	else
		cJSON_AddNullToObject(o, "machines_needed");
}

cJSON *cost_to_json(const struct cost_case *c, const struct cost_settings *cs)
{
	cJSON *o = cJSON_CreateObject();
	const struct cost_result *r = &c->result;

	add_known(o, "watts", c->power.watts);
	cJSON_AddStringToObject(o, "watts_source", watts_source_name(c->power.source));
	cJSON_AddItemToObject(o, "watts_terms", power_terms_json(&c->power));
	add_known(o, "decode_tok_s", c->inputs.decode_tok_s);
	add_known(o, "prefill_tok_s", c->inputs.prefill_tok_s);
	add_known(o, "kwh_price", cs->kwh_price);
	cJSON_AddStringToObject(o, "kwh_price_source", cs->kwh_price_source);
	cJSON_AddStringToObject(o, "currency", cs->currency);
	add_known(o, "energy_kwh_per_mtok", r->energy_kwh_per_mtok);
	add_known(o, "energy_per_mtok", r->energy_per_mtok);
	add_known(o, "local_per_mtok", r->local_per_mtok);
	cJSON_AddItemToObject(o, "api", api_json(cs));
	if (cs->alternative == ALT_SEAT) {
		cJSON_AddStringToObject(o, "seat", cs->alternative_name);
		add_known(o, "seat_per_user_month", cs->seat_per_user_month);
	} else {
		cJSON_AddNullToObject(o, "seat");
		cJSON_AddNullToObject(o, "seat_per_user_month");
	}
	add_usage(o, c);
	add_money(o, c);
	return o;
}

/* ---- text ----------------------------------------------------------- */

static void write_power(FILE *out, const struct power_draw *p)
{
	if (p->watts < 0) {
		fprintf(out, "  power      unknown (%s): give --watts\n",
			p->why_unknown ? p->why_unknown : "no rule applies");
	} else if (p->source == WATTS_OPTION) {
		fprintf(out, "  power      %.1f W at the wall (--watts)\n", p->watts);
	} else if (p->device) {
		fprintf(out, "  power      %.1f W at the wall (measured %s machine, data/power.json)\n",
			p->watts, p->device);
	} else if (p->nodes_summed > 1) {
		fprintf(out, "  power      %.1f W at the wall (%d machines' draws summed, each as "
			"data/power.json gives it)\n", p->watts, p->nodes_summed);
	} else {
		fprintf(out, "  power      %.1f W at the wall (idle %.1f W + %.3f x %.0f W board "
			"power, data/power.json)\n", p->watts, p->idle_w, p->fraction, p->board_w);
	}
}

static void write_usage(FILE *out, const struct cost_case *c)
{
	const struct cost_inputs *in = &c->inputs;
	const struct cost_result *r = &c->result;

	if (!in->usage_known) {
		fputs("  usage      not given (--tokens-per-day, or --users/--prompts-per-day/"
		      "--tokens-per-prompt)\n", out);
		return;
	}
	fprintf(out, "  usage      %.0f output + %.0f input tokens a day", in->tokens_per_day,
		in->input_per_day);
	if (in->users > 0)
		fprintf(out, " (%d user%s)", in->users, in->users == 1 ? "" : "s");
	if (r->busy_hours_per_day < 0)
		fputs(": busy time unknown (a speed is unknown)\n", out);
	else if (r->keeps_up)
		fprintf(out, ": busy %.1f h a day, keeps up\n", r->busy_hours_per_day);
	else
		fprintf(out, ":\n             busy %.1f h a day: one machine cannot keep up, it "
			"takes %d such machines;\n             no cost is given for a load it "
			"cannot serve\n",
			r->busy_hours_per_day, r->machines_needed);
}

static void write_alternative(FILE *out, const struct cost_case *c, const struct cost_settings *cs)
{
	const struct cost_result *r = &c->result;
	const char *cur = cs->currency;

	if (cs->alternative == ALT_SEAT)
		fprintf(out, "  seats      %s: %d users x %.2f %s = %.2f %s a month\n",
			cs->alternative_name, c->inputs.users, cs->seat_per_user_month, cur,
			r->monthly_alternative, cur);
	else if (cs->alternative == ALT_API)
		fprintf(out, "  api        %s: %.2f in / %.2f out %s per 1M tokens = %.2f %s a month\n",
			cs->alternative_name, cs->api_input_per_mtok, cs->api_output_per_mtok, cur,
			r->monthly_alternative, cur);
	if (r->hardware_included)
		fprintf(out, "  3 years    local %.0f %s, alternative %.0f %s: %s is cheaper\n",
			r->three_year_local, cur, r->three_year_alternative, cur,
			r->three_year_local < r->three_year_alternative ? "local" : "the alternative");
	else
		fprintf(out, "  3 years    local %.0f %s of electricity alone, alternative %.0f %s\n",
			r->three_year_local, cur, r->three_year_alternative, cur);
	if (r->break_even_months >= 0)
		fprintf(out, "  break-even after %.1f months\n", r->break_even_months);
	else if (r->hardware_included)
		fputs("  break-even never: the alternative costs less than the electricity\n", out);
}

static void write_money(FILE *out, const struct cost_case *c, const struct cost_settings *cs)
{
	const struct cost_result *r = &c->result;
	const char *cur = cs->currency;

	fprintf(out, "  local      %.2f %s a month electricity", r->monthly_energy, cur);
	if (r->hardware_included)
		fprintf(out, " + %.2f %s hardware\n             (%.0f %s over %d months, from %s)",
			c->hw_cost / c->inputs.months, cur, c->hw_cost, cur, c->inputs.months,
			c->hw_cost_source == HW_COST_TABLE ? c->hw_cost_note : "--hw-cost");
	else
		fprintf(out, "\n             (hardware left out: %s)", c->hw_cost_note);
	fprintf(out, "\n             = %.2f %s a month, %.3f %s per 1M tokens\n", r->monthly_local,
		cur, r->local_per_mtok, cur);
	if (r->monthly_alternative >= 0)
		write_alternative(out, c, cs);
	if (r->break_even_tokens_per_day >= 0)
		fprintf(out, "  pays from  %.0f output tokens a day (against the API)\n",
			r->break_even_tokens_per_day);
}

void cost_write_text(FILE *out, const struct estimate *e, const struct cost_case *c,
		     const struct cost_settings *cs)
{
	const struct cost_result *r = &c->result;

	fprintf(out, "%s %s, %s", e->model->id, ftype_name(e->ftype), placement_name(e->now.placement));
	if (e->now.decode_tok_s >= 0)
		fprintf(out, ", %.1f tok/s", e->now.decode_tok_s);
	if (e->now.prefill_tok_s >= 0)
		fprintf(out, ", prompt %.0f tok/s", e->now.prefill_tok_s);
	fputc('\n', out);
	write_power(out, &c->power);
	if (r->energy_kwh_per_mtok < 0) {
		fputs("  energy     unknown (needs the power and a speed)\n", out);
		return;
	}
	fprintf(out, "  energy     %.3f kWh per 1M tokens x %.4f %s/kWh = %.3f %s per 1M tokens\n",
		r->energy_kwh_per_mtok, cs->kwh_price, cs->currency, r->energy_per_mtok, cs->currency);
	write_usage(out, c);
	if (r->monthly_local >= 0)
		write_money(out, c, cs);
}

void cost_write_formulas(FILE *out)
{
	fputs("\nHow each figure is made (idle hours are not charged):\n"
	      "  energy kWh per 1M tokens = W / decode tok/s x 1e6 / 3.6e6\n"
	      "  busy h a day = (output / decode tok/s + input / prompt tok/s) / 3600\n"
	      "  local a month = W x busy h / 1000 x kWh price x 365.25/12 + hardware / months\n"
	      "  3 years = 36 months; break-even = hardware / (alternative - electricity), monthly\n",
	      out);
}

const char *cost_cell(const struct cost_case *c, char *buf, int size)
{
	if (c->result.energy_per_mtok < 0)
		snprintf(buf, (size_t)size, "?");
	else
		snprintf(buf, (size_t)size, "%.3f", c->result.energy_per_mtok);
	return buf;
}

const char *cost_heading(const struct cost_settings *cs, char *buf, int size)
{
	snprintf(buf, (size_t)size, "%s/1M", cs->currency);
	return buf;
}

void power_write_text(FILE *out, const struct power_table *pt, const struct power_draw *all_gpus)
{
	fprintf(out, "Power (data/power.json): desktop idle %.1f W; discrete GPUs draw %.3f x board "
		"power above it (median of %d published runs)\n", pt->desktop_idle_w,
		pt->discrete_fraction, pt->discrete_samples);
	if (all_gpus->watts < 0)
		fprintf(out, "  generating: unknown (%s); --watts N gives it\n", all_gpus->why_unknown);
	else if (all_gpus->source == WATTS_OPTION)
		fprintf(out, "  generating: %.1f W at the wall (--watts)\n", all_gpus->watts);
	else if (all_gpus->device)
		fprintf(out, "  generating: %.1f W at the wall (measured %s machine)\n",
			all_gpus->watts, all_gpus->device);
	else
		fprintf(out, "  generating on every GPU: %.1f W at the wall (%.1f + %.3f x %.0f W)\n",
			all_gpus->watts, all_gpus->idle_w, all_gpus->fraction, all_gpus->board_w);
}

cJSON *power_to_json(const struct power_table *pt, const struct power_draw *all_gpus)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "desktop_idle_w", pt->desktop_idle_w);
	cJSON_AddNumberToObject(o, "discrete_fraction_of_board", pt->discrete_fraction);
	cJSON_AddNumberToObject(o, "discrete_samples", pt->discrete_samples);
	add_known(o, "watts", all_gpus->watts);
	cJSON_AddStringToObject(o, "watts_source", watts_source_name(all_gpus->source));
	cJSON_AddItemToObject(o, "watts_terms", power_terms_json(all_gpus));
	return o;
}
