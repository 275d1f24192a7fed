/* cost.c - `canirun cost MODEL...`: what generating with each model here
 * costs against an API or chat seats, for the usage given; and what report,
 * show and hw share of it (the tables, the resolved options, one estimate's
 * cost case). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd/app.h"
#include "cmd/jsonout.h"
#include "estimate/lineup.h"
#include "ui/costview.h"
#include "ui/estjson.h"

int cost_load_tables(struct app *app, struct error *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/power.json", app->data_dir);
	if (power_table_load(path, &app->gpu_table, &app->power, err) < 0)
		return -1;
	if (!app->cli.cost)
		return 0;
	snprintf(path, sizeof(path), "%s/apis.json", app->data_dir);
	return price_table_load(path, &app->prices, err);
}

/* --api NAME / --api-price, --seat NAME / --seat-price, else the default API. */
static int resolve_alternative(const struct app *app, struct cost_settings *cs,
			       struct error *err)
{
	const struct cost_options *o = &app->cli.costs;
	const struct api_price *api;
	const struct seat_price *seat;
	bool usd = strcmp(o->currency, "USD") == 0;

	if (o->seat_price >= 0 || o->seat) {
		cs->alternative = ALT_SEAT;
		if (o->seat_price >= 0) {
			cs->alternative_name = "given";
			cs->seat_per_user_month = o->seat_price;
			return 0;
		}
		if (!(seat = price_table_seat(&app->prices, o->seat, "--seat", err)))
			return -1;
		cs->alternative_name = seat->name;
		cs->seat_per_user_month = seat->per_user_month;
		return 0;
	}
	if (o->api_output_per_mtok >= 0) {
		cs->alternative = ALT_API;
		cs->alternative_name = "given";
		cs->api_input_per_mtok = o->api_input_per_mtok;
		cs->api_output_per_mtok = o->api_output_per_mtok;
		return 0;
	}
	if (!o->api && !usd) {
		cs->alternative = ALT_NONE;   /* the table's USD prices do not apply */
		return 0;
	}
	api = price_table_api(&app->prices, o->api ? o->api : app->prices.default_api, "--api", err);
	if (!api)
		return -1;
	cs->alternative = ALT_API;
	cs->alternative_name = api->name;
	cs->api_input_per_mtok = api->input_per_mtok;
	cs->api_output_per_mtok = api->output_per_mtok;
	return 0;
}

/* Usage in tokens, or users x prompts x tokens per prompt (input: x --prompt). */
static void resolve_usage(const struct app *app, struct cost_settings *cs)
{
	const struct cost_options *o = &app->cli.costs;

	if (o->users > 0 && o->prompts_per_day > 0) {
		cs->usage_known = true;
		cs->users = o->users;
		cs->tokens_per_day = (double)o->users * o->prompts_per_day * o->tokens_per_prompt;
		cs->input_per_day = (double)o->users * o->prompts_per_day * app->settings.prompt_tokens;
	} else if (o->tokens_per_day > 0) {
		cs->usage_known = true;
		cs->tokens_per_day = o->tokens_per_day;
		cs->input_per_day = 0;
	}
	if (cs->usage_known && o->input_per_day >= 0)
		cs->input_per_day = o->input_per_day;
}

int cost_resolve(struct app *app, struct error *err)
{
	const struct cost_options *o = &app->cli.costs;
	struct cost_settings *cs = &app->costs;

	*cs = (struct cost_settings){
		.watts_option = o->watts,
		.kwh_price = o->kwh_price >= 0 ? o->kwh_price : COST_DEFAULT_KWH_PRICE,
		.kwh_price_source = o->kwh_price_from ? o->kwh_price_from : "default",
		.currency = o->currency, .hw_cost_option = o->hw_cost,
		.table_prices = strcmp(o->currency, "USD") == 0, .months = o->months,
	};
	resolve_usage(app, cs);
	return resolve_alternative(app, cs, err);
}

void cost_of(const struct app *app, const struct estimate *e, struct cost_case *out)
{
	cost_case_compute(&app->costs, &app->power, &app->gpu_table, &app->hw, e, out);
}

cJSON *estimate_json_with_cost(const struct app *app, const struct estimate *e)
{
	cJSON *o = estimate_to_json(e, &app->hw, &app->settings);
	struct cost_case c;

	if (app->cli.cost) {
		cost_of(app, e, &c);
		cJSON_AddItemToObject(o, "cost", cost_to_json(&c, &app->costs));
	}
	return o;
}

int cmd_cost(struct app *app, struct error *err)
{
	struct lineup_request req = { .names = app->cli.args, .name_count = app->cli.arg_count,
				      .quant = app->cli.quant };
	struct lineup lineup;
	cJSON *doc = NULL, *list = NULL;
	int rc = 0;

	if (lineup_build(&app->hw, &app->catalog, &app->settings, &req, &lineup, err) < 0)
		return -1;
	if (app->cli.json) {
		doc = json_document(app);
		list = cJSON_GetObjectItem(doc, "estimates");
	}
	for (int i = 0; i < lineup.count; i++) {
		struct cost_case c;

		if (doc) {
			cJSON_AddItemToArray(list, estimate_json_with_cost(app, &lineup.items[i]));
			continue;
		}
		cost_of(app, &lineup.items[i], &c);
		cost_write_text(stdout, &lineup.items[i], &c, &app->costs);
	}
	if (doc) {
		rc = json_print(doc, err);
	} else {
		cost_write_formulas(stdout);
		if (fflush(stdout) == EOF)
			rc = error_set(err, "stdout: write failed");
	}
	lineup_release(&lineup);
	return rc;
}
