/* `canirun report`, `canirun` piped, and the estimates JSON, run as a user
 * would on fixed hardware profiles (tests/fixtures/profiles). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "estimate/estimate.h"
#include "estimate/fitted.h"
#include "testlib.h"

static char *profile_arg(const char *name)
{
	static char buf[2][512];
	static int which;

	which ^= 1;
	snprintf(buf[which], sizeof(buf[which]), "%s", test_path(name));
	return buf[which];
}

#define DESKTOP profile_arg("fixtures/profiles/desktop-3090.json")
#define CPU_BOX profile_arg("fixtures/profiles/cpu-16core.json")

static const cJSON *item(const cJSON *obj, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		obj = cJSON_GetObjectItemCaseSensitive(obj, key);
		path = dot + 1;
	}
	return cJSON_GetObjectItemCaseSensitive(obj, path);
}

static bool is_number(const cJSON *obj, const char *path)
{
	return cJSON_IsNumber(item(obj, path));
}

static void report_table_on_desktop(void)
{
	const char *argv[] = { "report", "--hw", DESKTOP, "llama3.1:8b", "qwen2.5-coder:32b",
			       "llama3.1:405b", NULL };
	char *out, *err;

	CHECK_INT(run_canirun(argv, (const char *[]){ "COLUMNS=160", NULL }, &out, &err), 0);
	CHECK_CONTAINS(out, "GPU0 GeForce RTX 3090 23.0 GiB/24.0 GiB free");
	CHECK_CONTAINS(out, "RAM 58.0 GiB/64.0 GiB available");
	CHECK_CONTAINS(out, "CPU 16 cores Q4 55.0 GB/s");
	CHECK_CONTAINS(out, "disk nvme");
	CHECK_CONTAINS(out, "context 4096 tokens, KV cache f16");
	CHECK_CONTAINS(out, "MODEL");
	CHECK_CONTAINS(out, "TTFT");
	CHECK_CONTAINS(out, "LOAD");
	CHECK(strstr(out, "llama3.1:8b") < strstr(out, "qwen2.5-coder:32b"));
	CHECK(strstr(out, "qwen2.5-coder:32b") < strstr(out, "llama3.1:405b"));
	CHECK_CONTAINS(strstr(out, "llama3.1:405b"), "none");
	CHECK_CONTAINS(strstr(out, "llama3.1:405b"), "no-fit");
	CHECK(strchr(out, '\033') == NULL);     /* piped: no escapes */
	CHECK_STR(err, "");
	free(out);
	free(err);
}

static void narrow_report_fits_width(void)
{
	const char *argv[] = { "--hw", DESKTOP, NULL };  /* no command, piped: the report */
	char *out, *err, *line;
	int longest = 0, rows = 0;

	CHECK_INT(run_canirun(argv, (const char *[]){ "COLUMNS=80", NULL }, &out, &err), 0);
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		if ((int)strlen(line) > longest)
			longest = (int)strlen(line);
		rows++;
	}
	CHECK(longest <= 80);
	CHECK(rows > 100);                       /* every catalogue model */
	free(out);
	free(err);
}

static void filters_and_sort_from_options(void)
{
	const char *argv[] = { "report", "--hw", DESKTOP, "--fits", "--task", "code",
			       "--min-tps", "30", "--sort", "name", "--json", NULL };
	cJSON *doc;
	const cJSON *e;
	const char *prev = "";
	int rc, n = 0;

	doc = run_canirun_json(argv, NULL, &rc);
	CHECK_INT(rc, 0);
	cJSON_ArrayForEach(e, item(doc, "estimates")) {
		const char *id = item(e, "model")->valuestring;
		const cJSON *t;
		bool code = false;

		cJSON_ArrayForEach(t, item(e, "tasks"))
			code |= strcmp(t->valuestring, "code") == 0;
		CHECK(code);
		CHECK(strcmp(item(e, "placement")->valuestring, "none") != 0);
		CHECK(item(e, "decode_tok_s")->valuedouble >= 30);
		CHECK(strcmp(prev, id) <= 0);
		prev = id;
		n++;
	}
	CHECK(n >= 3);
	cJSON_Delete(doc);
}

static void estimate_json_fields_types_units(void)
{
	const char *argv[] = { "report", "--hw", DESKTOP, "--json", "llama3.1:8b", "--quant",
			       "Q4_K_M", "--ctx", "8192", NULL };
	cJSON *doc;
	const cJSON *e;
	int rc;
	double total;

	doc = run_canirun_json(argv, NULL, &rc);
	CHECK_INT(rc, 0);
	CHECK_INT(cJSON_GetArraySize(item(doc, "estimates")), 1);
	e = cJSON_GetArrayItem(item(doc, "estimates"), 0);
	CHECK_STR(item(e, "model")->valuestring, "llama3.1:8b");
	CHECK_STR(item(e, "quant")->valuestring, "Q4_K_M");
	CHECK_STR(item(e, "source")->valuestring, "estimated");
	CHECK_STR(item(e, "placement")->valuestring, "gpu");
	CHECK_STR(item(e, "offload")->valuestring, "none");
	CHECK_STR(item(e, "verdict")->valuestring, "fast");
	CHECK_INT(item(e, "layers")->valueint, 32);
	CHECK_INT(item(e, "gpu_layers")->valueint, 32);
	CHECK_INT(item(e, "ctx")->valueint, 8192);
	CHECK_INT(item(e, "prompt_tokens")->valueint, 1024);
	CHECK_NEAR(item(e, "params")->valuedouble, 8.03e9, 0.01e9);
	/* 4.58 GiB: llama.cpp's Q4_K_M of Llama 3.1 8B is 4.92 GB */
	CHECK_NEAR(item(e, "file_bytes")->valuedouble / 1e9, 4.92, 0.1);
	/* f16 KV: 32 layers x 2 x 8 heads x 128 x 2 B = 128 KiB a token */
	CHECK_INT(item(e, "kv_bytes_per_token")->valueint, 131072);
	CHECK_INT((long long)item(e, "memory.kv_bytes")->valuedouble, 8192LL * 131072);
	total = item(e, "memory.weights_bytes")->valuedouble + item(e, "memory.kv_bytes")->valuedouble +
		item(e, "memory.overhead_bytes")->valuedouble;
	CHECK_NEAR(item(e, "memory.total_bytes")->valuedouble, total, 1);
	CHECK_NEAR(item(e, "memory.overhead_bytes")->valuedouble,
		   item(e, "memory.compute_bytes")->valuedouble +
		   item(e, "memory.process_bytes")->valuedouble, 1);
	CHECK(item(e, "decode_tok_s_low")->valuedouble < item(e, "decode_tok_s")->valuedouble);
	CHECK(item(e, "decode_tok_s_high")->valuedouble > item(e, "decode_tok_s")->valuedouble);
	CHECK(item(e, "decode_tok_s")->valuedouble > 60 && item(e, "decode_tok_s")->valuedouble < 200);
	CHECK(is_number(e, "prefill_tok_s") && is_number(e, "ttft_s"));
	CHECK(item(e, "load_s")->valuedouble > item(e, "load_s_warm")->valuedouble);
	CHECK_INT(cJSON_GetArraySize(item(e, "devices")), 1);
	CHECK_STR(item(cJSON_GetArrayItem(item(e, "devices"), 0), "name")->valuestring,
		  "GeForce RTX 3090");
	CHECK_INT(item(cJSON_GetArrayItem(item(e, "devices"), 0), "layers")->valueint, 32);
	CHECK_INT(item(e, "cpu.layers")->valueint, 0);
	CHECK(is_number(e, "cpu.budget_bytes"));
	CHECK_NEAR(item(e, "formula.gpu_bandwidth_gbps")->valuedouble, 936.2, 0.01);
	CHECK_STR(item(e, "formula.backend")->valuestring, "cuda");
	CHECK(is_number(e, "formula.gpu_efficiency") && is_number(e, "formula.band"));
	CHECK_NEAR(item(e, "load.disk_gbps")->valuedouble, 3.2, 1e-9);
	CHECK(cJSON_IsString(item(e, "load.disk_source")));
	CHECK_STR(item(e, "fits_when_idle.placement")->valuestring, "gpu");
	CHECK(cJSON_IsArray(item(e, "tasks")));
	cJSON_Delete(doc);
}

static void unknown_speed_is_null(void)
{
	const char *argv[] = { "report", "--hw", DESKTOP, "--cpu-only", "--json", "qwen2.5:0.5b",
			       NULL };
	cJSON *doc, *e;
	int rc;

	doc = run_canirun_json(argv, NULL, &rc);
	e = cJSON_GetArrayItem(item(doc, "estimates"), 0);
	CHECK_INT(rc, 0);
	CHECK_STR(item(e, "placement")->valuestring, "cpu");
	CHECK(cJSON_IsNumber(item(e, "decode_tok_s")));   /* the profile has q4_gbps */
	CHECK_INT(cJSON_GetArraySize(item(e, "devices")), 0);
	CHECK(cJSON_IsNull(item(e, "formula.gpu_bandwidth_gbps")));
	CHECK(cJSON_IsNull(item(e, "formula.backend")));
	cJSON_Delete(doc);
}

static void no_fit_has_null_speeds(void)
{
	const char *argv[] = { "report", "--hw", CPU_BOX, "--json", "deepseek-r1:671b", NULL };
	cJSON *doc, *e;
	int rc;

	doc = run_canirun_json(argv, NULL, &rc);
	e = cJSON_GetArrayItem(item(doc, "estimates"), 0);
	CHECK_INT(rc, 0);
	CHECK_STR(item(e, "verdict")->valuestring, "no-fit");
	CHECK_STR(item(e, "placement")->valuestring, "none");
	CHECK(cJSON_IsNull(item(e, "decode_tok_s")));
	CHECK(cJSON_IsNull(item(e, "decode_tok_s_low")));
	CHECK(cJSON_IsNull(item(e, "ttft_s")));
	cJSON_Delete(doc);
}

static void unknown_model_is_an_error(void)
{
	const char *argv[] = { "report", "--hw", DESKTOP, "llama3.1:8bb", NULL };
	char *out, *err;

	CHECK_INT(run_canirun(argv, NULL, &out, &err), 1);
	CHECK_CONTAINS(err, "canirun: unknown model 'llama3.1:8bb'; did you mean: llama3.1:8b");
	CHECK_STR(out, "");
	free(out);
	free(err);
}

static void show_explains_one_model(void)
{
	const char *argv[] = { "show", "qwen2.5-coder:32b", "--gpu", "RTX 3090", "--hw", DESKTOP,
			       "--ctx", "16384", NULL };
	/* The fitted CUDA constants, as show prints them. */
	const struct {
		double efficiency[WEIGHT_CLASS_COUNT], layer_overhead_s, band, prefill_efficiency;
	} cuda = FIT_CUDA;
	char efficiency[64], band[64];
	char *out, *err;

	snprintf(efficiency, sizeof(efficiency), "x %.3f cuda efficiency)",
		 cuda.efficiency[WEIGHT_KQUANT]);
	snprintf(band, sizeof(band), "band +-%.0f%% from calibration", cuda.band * 100);
	CHECK_INT(run_canirun(argv, NULL, &out, &err), 0);
	CHECK_CONTAINS(out, "qwen2.5-coder:32b  Qwen2.5 Coder 32B");
	CHECK_CONTAINS(out, "> Q4_K_M");                 /* the best that fits, marked */
	CHECK_CONTAINS(out, "  Q8_0 ");
	CHECK_CONTAINS(out, "Memory at Q4_K_M, context 16384 tokens, KV cache f16");
	CHECK_CONTAINS(out, "KV cache     4.0 GiB  256 KiB a token");
	CHECK_CONTAINS(out, "GPU0 GeForce RTX 3090");
	CHECK_CONTAINS(out, efficiency);
	CHECK_CONTAINS(out, band);
	CHECK_CONTAINS(out, "time to first token: 1024-token prompt");
	CHECK_CONTAINS(out, "load, cold: warm + 18.5 GiB file read at 3.20 GB/s");
	free(out);
	free(err);
}

static void show_json_has_every_quant(void)
{
	const char *argv[] = { "show", "llama3.1:8b", "--hw", DESKTOP, "--quant", "IQ4_XS", "--json",
			       NULL };
	cJSON *doc;
	int rc;

	doc = run_canirun_json(argv, NULL, &rc);
	CHECK_INT(rc, 0);
	CHECK_STR(item(doc, "selected_quant")->valuestring, "IQ4_XS");
	CHECK_INT(cJSON_GetArraySize(item(doc, "estimates")), 7);   /* 6 defaults + IQ4_XS */
	CHECK_STR(item(cJSON_GetArrayItem(item(doc, "estimates"), 6), "quant")->valuestring, "IQ4_XS");
	cJSON_Delete(doc);
}

TESTS(T(show_explains_one_model), T(show_json_has_every_quant), T(report_table_on_desktop), T(narrow_report_fits_width), T(filters_and_sort_from_options),
      T(estimate_json_fields_types_units), T(unknown_speed_is_null), T(no_fit_has_null_speeds),
      T(unknown_model_is_an_error));
