/* canirun cost: the arithmetic (decide/cost.c) on hand-computed cases, the
 * power fit and price tables as loaded from data/, and the command end to
 * end: the published team and single-developer cases, energy per 1M tokens
 * re-derived from the JSON's own fields, a load one machine cannot serve,
 * and bad values refused as usage errors naming the option. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide/apis.h"
#include "decide/cost.h"
#include "decide/power.h"
#include "hw/gputable.h"
#include "testlib.h"

#define DAYS (365.25 / 12)

static const char *data(const char *file)
{
	static char path[512];
	const char *dir = getenv("CANIRUN_DATA_DIR");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "data", file);
	return path;
}

/* 10 users x 100 prompts x 500 tokens (1024-token prompts), $30 seats,
 * $1,200 of hardware over 36 months, a 400 W box at 50 tok/s decode and
 * 1000 tok/s prefill, 0.20 per kWh. */
static void team_case_by_hand(void)
{
	struct cost_inputs in = {
		.watts = 400, .decode_tok_s = 50, .prefill_tok_s = 1000, .kwh_price = 0.2,
		.hw_cost = 1200, .months = 36, .alternative = ALT_SEAT, .seat_per_user_month = 30,
		.usage_known = true, .tokens_per_day = 500000, .input_per_day = 1024000, .users = 10,
	};
	struct cost_result r;
	double busy_h = (500000.0 / 50 + 1024000.0 / 1000) / 3600;    /* 3.0622 h */
	double energy_month = 0.4 * busy_h * 0.2 * DAYS;                /* 7.4565 */

	cost_compute(&in, &r);
	CHECK_NEAR(r.energy_kwh_per_mtok, 400.0 / 50 / 3600 * 1000, 1e-12); /* 2.2222 kWh */
	CHECK_NEAR(r.energy_per_mtok, 2.0 / 9 * 2, 1e-12);
	CHECK_NEAR(r.busy_hours_per_day, busy_h, 1e-12);
	CHECK_INT(r.keeps_up, 1);
	CHECK_INT(r.machines_needed, 1);
	CHECK_NEAR(r.monthly_energy, energy_month, 1e-9);
	CHECK_NEAR(r.monthly_local, energy_month + 1200.0 / 36, 1e-9);
	CHECK_NEAR(r.monthly_alternative, 300, 1e-12);
	CHECK_NEAR(r.three_year_alternative, 10800, 1e-9);
	CHECK_NEAR(r.three_year_local, 36 * energy_month + 1200, 1e-9);
	CHECK_NEAR(r.break_even_months, 1200 / (300 - energy_month), 1e-9);  /* 4.10 */
	CHECK_NEAR(r.local_per_mtok, (energy_month + 1200.0 / 36) / (500000 * DAYS / 1e6), 1e-9);
	CHECK(r.break_even_tokens_per_day < 0);   /* seats do not scale with tokens */
}

/* 500 prompts x 200 output tokens a day at $5 per 1M output tokens against
 * a $1,600 GPU: $0.50 a day, $182.6 a year; the API is cheaper. */
static void single_developer_by_hand(void)
{
	struct cost_inputs in = {
		.watts = 480, .decode_tok_s = 60, .prefill_tok_s = 5000, .kwh_price = 0.1872,
		.hw_cost = 1600, .months = 36, .alternative = ALT_API, .api_input_per_mtok = 0,
		.api_output_per_mtok = 5, .usage_known = true, .tokens_per_day = 100000,
		.input_per_day = 0, .users = 1,
	};
	struct cost_result r;
	double energy_month = 0.48 * (100000.0 / 60 / 3600) * 0.1872 * DAYS;
	double energy_per_token = 480.0 / 60 / 3.6e6 * 0.1872;

	cost_compute(&in, &r);
	CHECK_NEAR(r.monthly_alternative * 12, 182.625, 1e-9);
	CHECK_NEAR(r.monthly_local, energy_month + 1600.0 / 36, 1e-9);
	CHECK(r.three_year_local > r.three_year_alternative);
	CHECK_NEAR(r.break_even_months, 1600 / (100000 * 5e-6 * DAYS - energy_month), 1e-9);
	CHECK(r.break_even_months > 36);
	/* Local pays from the volume where 1600/36 a month is covered. */
	CHECK_NEAR(r.break_even_tokens_per_day, 1600.0 / 36 / DAYS / (5e-6 - energy_per_token), 1e-6);
}

static void load_it_cannot_serve_has_no_cost(void)
{
	struct cost_inputs in = {
		.watts = 400, .decode_tok_s = 50, .prefill_tok_s = 1000, .kwh_price = 0.2,
		.hw_cost = 1200, .months = 36, .alternative = ALT_API, .api_input_per_mtok = 1,
		.api_output_per_mtok = 2, .usage_known = true, .tokens_per_day = 1e7,
	};
	struct cost_result r;

	cost_compute(&in, &r);
	CHECK_NEAR(r.busy_hours_per_day, 1e7 / 50 / 3600, 1e-9);   /* 55.6 h */
	CHECK_INT(r.keeps_up, 0);
	CHECK_INT(r.machines_needed, 3);
	CHECK(r.monthly_local < 0 && r.monthly_alternative < 0 && r.break_even_months < 0);
	CHECK(r.three_year_local < 0 && r.local_per_mtok < 0);
	CHECK(r.energy_per_mtok > 0);   /* a rate, not a total: still known */
}

static void unknown_power_leaves_everything_unknown(void)
{
	struct cost_inputs in = { .watts = -1, .decode_tok_s = 50, .kwh_price = 0.2, .months = 36,
				  .usage_known = true, .tokens_per_day = 1000 };
	struct cost_result r;

	cost_compute(&in, &r);
	CHECK(r.energy_kwh_per_mtok < 0 && r.busy_hours_per_day < 0 && r.monthly_local < 0);
	CHECK_INT(r.keeps_up, -1);
}

/* The fit from data/power.json: the median of the 15 discrete rows,
 * computed here from the published figures (wall - 47.7 W idle) / tdp. */
static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void power_fit_is_the_median_of_the_published_rows(void)
{
	double f[] = {
		(464.2 - 47.7) / 450, (261.9 - 47.7) / 450, (495 - 47.7) / 350, (495 - 47.7) / 350,
		(330.8 - 47.7) / 300, (333.8 - 47.7) / 300, (311.1 - 47.7) / 285,
		(266.9 - 47.7) / 285, (307.8 - 47.7) / 250, (257.8 - 47.7) / 250,
		(269.2 - 47.7) / 140, (224 - 47.7) / 170, (214 - 47.7) / 170,
		388.69 / 350, 337.28 / 350,
	};
	struct gpu_table gpus;
	struct power_table pt;
	struct error err = { "" };

	qsort(f, 15, sizeof(f[0]), compare);
	CHECK_INT(gpu_table_load(data("gpus.json"), &gpus, &err), 0);
	CHECK_INT(power_table_load(data("power.json"), &gpus, &pt, &err), 0);
	CHECK_INT(pt.discrete_samples, 15);
	CHECK_NEAR(pt.discrete_fraction, f[7], 1e-12);
	CHECK_NEAR(pt.desktop_idle_w, 47.7, 0);
	for (int i = 0; i < pt.unified_count; i++)
		if (strcmp(pt.unified[i].device, "M4 10-core") == 0)
			CHECK_NEAR(pt.unified[i].watts, 30.1, 0);
	gpu_table_release(&gpus);
}

static void street_price_accessor(void)
{
	struct gpu_table gpus;
	struct error err = { "" };
	struct gpu_info gpu = { .table_entry = -1, .pci_vendor_id = 0x10de,
				.pci_device_id = 0x2204, .pci_subvendor_id = -1,
				.pci_subdevice_id = -1, .pci_revision = -1 };
	const struct gpu_price *p = NULL;

	CHECK_INT(gpu_table_load(data("gpus.json"), &gpus, &err), 0);
	CHECK_INT(gpu_table_price(&gpus, &gpu, -1, &p), 0);   /* RTX 3090 by PCI id */
	CHECK_NEAR(p ? p->usd : -1, 700, 0);
	CHECK_CONTAINS(p ? p->source : "", "https://");
	snprintf(gpu.name, sizeof(gpu.name), "A100 80GB SXM");
	gpu.pci_vendor_id = gpu.pci_device_id = -1;
	CHECK_INT(gpu_table_price(&gpus, &gpu, -1, &p), -1);   /* no dated price: unknown */
	/* a Mac is priced at the table's memory (the Mac Studio's 36 GB), no other */
	snprintf(gpu.name, sizeof(gpu.name), "M4 Max 32-core");
	CHECK_INT(gpu_table_price(&gpus, &gpu, 36LL << 30, &p), 0);
	CHECK_NEAR(p ? p->usd : -1, 1999, 0);
	CHECK_INT(gpu_table_price(&gpus, &gpu, 64LL << 30, &p), -1);
	gpu_table_release(&gpus);
}

static void price_table_names_and_errors(void)
{
	struct price_table t;
	struct error err = { "" };

	CHECK_INT(price_table_load(data("apis.json"), &t, &err), 0);
	CHECK(price_table_api(&t, "DeepSeek-V3", "--api", &err) != NULL);
	CHECK_NEAR(price_table_api(&t, "deepseek-v3", "--api", &err)->input_per_mtok, 0.27, 0);
	CHECK(price_table_api(&t, "gpt-9", "--api", &err) == NULL);
	CHECK_CONTAINS(err.msg, "--api: unknown name 'gpt-9'; known: gpt-4o");
	CHECK(price_table_seat(&t, "chatgpt-team", "--seat", &err) != NULL);
}

/* A price or power table with one row made impossible: refused with the
 * file, the row (and its name) and the field's range in the message. */
static void expect_table_refused(const char *file, const char *text, const char *want)
{
	struct gpu_table gpus;
	struct price_table t;
	struct power_table pt;
	struct error err = { "" };
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", test_tmpdir(), file);
	test_write_file(path, text, strlen(text));
	CHECK_INT(gpu_table_load(data("gpus.json"), &gpus, &err), 0);
	if (strcmp(file, "apis.json") == 0)
		CHECK_INT(price_table_load(path, &t, &err), -1);
	else
		CHECK_INT(power_table_load(path, &gpus, &pt, &err), -1);
	CHECK_CONTAINS(err.msg, path);
	CHECK_CONTAINS(err.msg, want);
	gpu_table_release(&gpus);
}

#define API_ROW(in, out) "{\"name\": \"x\", \"display\": \"X\", \"input_per_mtok\": " in \
	", \"output_per_mtok\": " out ", \"date_read\": \"2026-12-01\", \"source\": \"https://x\"}"
#define SEAT_ROW(price) "{\"name\": \"s\", \"display\": \"S\", \"per_user_month\": " price \
	", \"date_read\": \"2026-12-01\", \"source\": \"https://x\"}"
#define APIS(api, seat) "{\"schema_version\": 1, \"currency\": \"USD\", \"default_api\": \"x\", " \
	"\"apis\": [" api "], \"seats\": [" seat "]}"
#define POWER(idle, row) "{\"schema_version\": 1, \"desktop_idle\": {\"watts\": " idle \
	", \"source\": \"https://x\"}, \"measurements\": [" row "]}"
#define WALL(device, watts, idle) "{\"device\": \"" device "\", \"meter\": \"wall\", " \
	"\"watts\": " watts ", \"idle_w\": " idle ", \"source\": \"https://x\"}"

static void impossible_prices_and_watts_are_refused(void)
{
	expect_table_refused("apis.json", APIS(API_ROW("0", "10"), SEAT_ROW("30")),
			     "apis[0] (x): input_per_mtok: must be a number from 0.001 to 1000 "
			     "USD per 1M tokens");
	expect_table_refused("apis.json", APIS(API_ROW("2.5", "1e9"), SEAT_ROW("30")),
			     "apis[0] (x): output_per_mtok: must be a number from 0.001 to 1000");
	expect_table_refused("apis.json", APIS(API_ROW("2.5", "10"), SEAT_ROW("0")),
			     "seats[0] (s): per_user_month: must be a number from 1 to 10000 USD "
			     "a user a month");
	expect_table_refused("power.json", POWER("0", WALL("GeForce RTX 4090", "464.2", "47.7")),
			     "desktop_idle: needs source and watts from 1 to 100000 W");
	expect_table_refused("power.json", POWER("47.7", WALL("GeForce RTX 4090", "1e7", "47.7")),
			     "measurements[0] (GeForce RTX 4090): watts: must be a number from 1 to "
			     "100000 W");
	/* A wall row below its idle: a negative share of board power. */
	expect_table_refused("power.json", POWER("47.7", WALL("GeForce RTX 4090", "40", "47.7")),
			     "measurements[0] (GeForce RTX 4090): watts: (watts - idle_w) / tdp_w "
			     "(450 W) is -0.0171; must be from 0.05 to 4");
	expect_table_refused("power.json", POWER("47.7", WALL("GeForce RTX 4090", "464.2", "1e-9")),
			     "idle_w: must be a number from 1 to 100000 W, or null");
}

/* ---- end to end ----------------------------------------------------- */

static char profile[512];

__attribute__((constructor)) static void set_profile(void)
{
	snprintf(profile, sizeof(profile), "%s", test_path("fixtures/profiles/desktop-3090.json"));
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const cJSON *first_cost(const cJSON *doc, const cJSON **estimate)
{
	*estimate = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "estimates"), 0);
	return cJSON_GetObjectItem(*estimate, "cost");
}

/* The published team: ten $30 seats against a ~$1,200 RTX 3090 server,
 * break-even in four months, three years $10,800 vs ~$2,640 local. */
static void team_on_rtx_3090_breaks_even_in_four_to_five_months(void)
{
	const char *argv[] = { "cost", "qwen2.5:14b", "--quant", "Q4_K_M", "--hw", profile,
			       "--users", "10", "--prompts-per-day", "100", "--tokens-per-prompt",
			       "500", "--seat-price", "30", "--hw-cost", "1200", "--json", NULL };
	int status;
	cJSON *doc = run_canirun_json(argv, NULL, &status);
	const cJSON *e, *c = first_cost(doc, &e);

	CHECK_INT(status, 0);
	CHECK(num(c, "break_even_months") >= 4 && num(c, "break_even_months") <= 5);
	CHECK_NEAR(num(c, "three_year_alternative"), 10800, 1e-9);
	CHECK(num(c, "three_year_local") > 1200 && num(c, "three_year_local") < 2640 * 2);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(c, "cheaper")), "local");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(c, "watts_source")), "table");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(c, "keeps_up")));
	cJSON_Delete(doc);
}

/* Energy per 1M tokens is watts / tok/s converted, exactly, from the
 * JSON's own fields. */
static void energy_per_mtok_from_the_json_fields(void)
{
	const char *argv[] = { "cost", "qwen2.5:14b", "llama3.1:8b", "--hw", profile,
			       "--tokens-per-day", "200000", "--kwh-price", "0.31", "--json", NULL };
	int status, n = 0;
	cJSON *doc = run_canirun_json(argv, NULL, &status);
	const cJSON *e;

	CHECK_INT(status, 0);
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "estimates")) {
		const cJSON *c = cJSON_GetObjectItem(e, "cost");
		double kwh = num(c, "watts") / num(c, "decode_tok_s") * 1e6 / 3.6e6;

		CHECK(kwh == num(c, "energy_kwh_per_mtok"));
		/* The estimate's own rate, as cJSON prints it (15 digits). */
		CHECK_NEAR(num(c, "decode_tok_s") / num(e, "decode_tok_s"), 1, 1e-13);
		CHECK(kwh * num(c, "kwh_price") == num(c, "energy_per_mtok"));
		CHECK_NEAR(num(c, "kwh_price"), 0.31, 0);
		n++;
	}
	CHECK_INT(n, 2);
	cJSON_Delete(doc);
}

/* 100,000 tokens a day at $5 per 1M output tokens (and 512,000 prompt
 * tokens, 500 prompts x the default 1024, at $0.001) does not pay a GPU. */
static void single_developer_finds_the_api_cheaper(void)
{
	const char *argv[] = { "cost", "qwen2.5:14b", "--quant", "Q4_K_M", "--hw", profile,
			       "--gpu", "RTX 4090", "--users", "1", "--prompts-per-day", "500",
			       "--tokens-per-prompt", "200", "--api-price", "0.001,5", "--json", NULL };
	int status;
	cJSON *doc = run_canirun_json(argv, NULL, &status);
	const cJSON *e, *c = first_cost(doc, &e);

	CHECK_INT(status, 0);
	CHECK_NEAR(num(c, "tokens_per_day"), 100000, 0);
	CHECK_NEAR(num(c, "monthly_alternative"), (100000 * 5e-6 + 512000 * 1e-9) * DAYS, 1e-9);
	CHECK_NEAR(num(c, "hardware_cost"), 1800, 0);   /* the RTX 4090's street price */
	CHECK(num(c, "three_year_local") > num(c, "three_year_alternative"));
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(c, "cheaper")), "alternative");
	cJSON_Delete(doc);
}

static void load_one_machine_cannot_serve(void)
{
	const char *argv[] = { "cost", "qwen2.5:14b", "--hw", profile, "--tokens-per-day",
			       "20000000", "--json", NULL };
	const char *text_argv[] = { "cost", "qwen2.5:14b", "--hw", profile, "--tokens-per-day",
				    "20000000", NULL };
	int status;
	cJSON *doc = run_canirun_json(argv, NULL, &status);
	const cJSON *e, *c = first_cost(doc, &e);
	char *out, *err;

	CHECK_INT(status, 0);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(c, "keeps_up")));
	CHECK(num(c, "busy_hours_per_day") > 24);
	CHECK_NEAR(num(c, "machines_needed"), ceil(num(c, "busy_hours_per_day") / 24), 0);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(c, "monthly_local")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(c, "three_year_local")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(c, "break_even_months")));
	cJSON_Delete(doc);
	CHECK_INT(run_canirun(text_argv, NULL, &out, &err), 0);
	CHECK_CONTAINS(out, "cannot keep up");
	CHECK(strstr(out, "USD a month") == NULL);
	free(out);
	free(err);
}

static void usage_error(const char *const argv[], const char *const env[], const char *needle)
{
	char *out, *err;

	CHECK_INT(run_canirun(argv, env, &out, &err), 2);
	CHECK_CONTAINS(err, needle);
	free(out);
	free(err);
}

static void bad_values_are_usage_errors_naming_the_option(void)
{
	const char *neg_kwh[] = { "cost", "qwen2.5:14b", "--tokens-per-day", "1000",
				  "--kwh-price", "-0.1", NULL };
	const char *zero_watts[] = { "cost", "qwen2.5:14b", "--tokens-per-day", "1000",
				     "--watts", "0", NULL };
	const char *neg_api[] = { "cost", "qwen2.5:14b", "--tokens-per-day", "1000",
				  "--api-price", "-1,2", NULL };
	const char *neg_seat[] = { "cost", "qwen2.5:14b", "--users", "2", "--prompts-per-day", "3",
				   "--tokens-per-prompt", "4", "--seat-price", "-30", NULL };
	const char *neg_hw[] = { "cost", "qwen2.5:14b", "--tokens-per-day", "1000",
				 "--hw-cost", "-5", NULL };
	const char *unknown_api[] = { "cost", "qwen2.5:14b", "--hw", profile, "--tokens-per-day",
				      "1000", "--api", "gpt-9", NULL };
	const char *no_usage[] = { "cost", "qwen2.5:14b", NULL };
	const char *env_kwh[] = { "cost", "qwen2.5:14b", "--tokens-per-day", "1000", NULL };
	const char *const bad_env[] = { "CANIRUN_KWH_PRICE=cheap", NULL };

	usage_error(neg_kwh, NULL, "--kwh-price: '-0.1'");
	usage_error(zero_watts, NULL, "--watts: '0'");
	usage_error(neg_api, NULL, "--api-price: '-1,2'");
	usage_error(neg_seat, NULL, "--seat-price: '-30'");
	usage_error(neg_hw, NULL, "--hw-cost: '-5'");
	usage_error(unknown_api, NULL, "--api: unknown name 'gpt-9'");
	usage_error(no_usage, NULL, "--tokens-per-day");
	usage_error(env_kwh, bad_env, "CANIRUN_KWH_PRICE: 'cheap'");
}

/* Zero and absurd amounts: refused with the option and the range (USD
 * prices meet data/apis.json's limits; watts those of data/power.json). */
static void impossible_amounts_are_usage_errors_with_the_range(void)
{
	const char *huge_watts[] = { "cost", "qwen2.5:14b", "--tokens-per-day", "1000",
				     "--watts", "1e9", NULL };
	const char *zero_api[] = { "cost", "qwen2.5:14b", "--tokens-per-day", "1000",
				   "--api-price", "0,0", NULL };
	const char *huge_api[] = { "cost", "qwen2.5:14b", "--tokens-per-day", "1000",
				   "--api-price", "5000,10", NULL };
	const char *zero_seat[] = { "cost", "qwen2.5:14b", "--users", "2", "--prompts-per-day", "3",
				    "--tokens-per-prompt", "4", "--seat-price", "0", NULL };
	const char *huge_seat[] = { "cost", "qwen2.5:14b", "--users", "2", "--prompts-per-day", "3",
				    "--tokens-per-prompt", "4", "--seat-price", "1e6", NULL };
	const char *yen_api[] = { "cost", "qwen2.5:14b", "--hw", profile, "--tokens-per-day", "1000",
				  "--currency", "JPY", "--kwh-price", "30", "--api-price", "375,1500",
				  "--json", NULL };
	int status;
	cJSON *doc;

	usage_error(huge_watts, NULL, "--watts: '1e9': give watts from 1 to 100000");
	usage_error(zero_api, NULL, "--api-price: '0,0': give IN,OUT prices per 1M tokens "
		    "(e.g. 2.5,10), each from 0.001 to 1e+12");
	usage_error(huge_api, NULL, "--api-price: 5000,10: each must be from 0.001 to 1000 USD "
		    "per 1M tokens");
	usage_error(zero_seat, NULL, "--seat-price: '0': give a price per user and month from "
		    "0.001 to 1e+12");
	usage_error(huge_seat, NULL, "--seat-price: 1e+06: must be from 1 to 10000 USD a user "
		    "a month");
	/* In another currency the USD limits do not apply. */
	doc = run_canirun_json(yen_api, NULL, &status);
	CHECK_INT(status, 0);
	cJSON_Delete(doc);
}

TESTS(T(team_case_by_hand), T(single_developer_by_hand), T(load_it_cannot_serve_has_no_cost),
      T(unknown_power_leaves_everything_unknown),
      T(power_fit_is_the_median_of_the_published_rows), T(street_price_accessor),
      T(price_table_names_and_errors),
      T(team_on_rtx_3090_breaks_even_in_four_to_five_months),
      T(energy_per_mtok_from_the_json_fields), T(single_developer_finds_the_api_cheaper),
      T(load_one_machine_cannot_serve), T(bad_values_are_usage_errors_naming_the_option),
      T(impossible_prices_and_watts_are_refused),
      T(impossible_amounts_are_usage_errors_with_the_range));
