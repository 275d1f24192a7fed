/* `canirun report`, `canirun` piped, and the estimates JSON, run as a user
 * would on fixed hardware profiles (tests/fixtures/profiles). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "estimate/estimate.h"
#include "testlib.h"
#include "ui/explain.h"
#include "util/units.h"

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
	/* no --ctx on a 24 GiB GPU: Ollama's 32768 (23 GiB and up) */
	CHECK_CONTAINS(out, "context 32768 (ollama default), KV cache f16");
	CHECK_CONTAINS(out, "Context 32768 tokens: Ollama's default from 23 GiB of VRAM");
	CHECK_CONTAINS(out, "MODEL");
	CHECK_CONTAINS(out, "TTFT");
	CHECK_CONTAINS(out, "LOAD");
	/* most useful first: plan picks in task order (code, then tools), no-fit last */
	CHECK_CONTAINS(out, "sorted by useful");
	CHECK(strstr(out, "qwen2.5-coder:32b") < strstr(out, "llama3.1:8b"));
	CHECK(strstr(out, "llama3.1:8b") < strstr(out, "llama3.1:405b"));
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
	/* The speed is the formula's (whatever the fitted constants): one over
	 * the seconds a token, the band around it. */
	double tok_s = item(e, "decode_tok_s")->valuedouble;
	CHECK_NEAR(tok_s, 1 / (item(e, "formula.gpu_seconds_per_token")->valuedouble +
			       item(e, "formula.cpu_seconds_per_token")->valuedouble), 1e-6 * tok_s);
	CHECK_NEAR(item(e, "decode_tok_s_low")->valuedouble,
		   tok_s * (1 - item(e, "formula.band")->valuedouble), 1e-6 * tok_s);
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
	char *out, *err;

	CHECK_INT(run_canirun(argv, NULL, &out, &err), 0);
	CHECK_CONTAINS(out, "qwen2.5-coder:32b  Qwen2.5 Coder 32B");
	CHECK_CONTAINS(out, "> Q4_K_M");                 /* the best that fits, marked */
	CHECK_CONTAINS(out, "  Q8_0 ");
	CHECK_CONTAINS(out, "Memory at Q4_K_M, context 16384 tokens (--ctx), KV cache f16");
	CHECK_CONTAINS(out, "flash attention on (Ollama passes --flash-attn auto to llama-server)");
	CHECK_CONTAINS(out, "KV cache     4.0 GiB  256 KiB a token");
	CHECK_CONTAINS(out, "GPU0 GeForce RTX 3090");
	CHECK_CONTAINS(out, "cuda efficiency) + ");    /* figures: explain_draws_what_it_is_given */
	CHECK_CONTAINS(out, "% from calibration: ");
	CHECK_CONTAINS(out, "time to first token: 1024-token prompt");
	CHECK_CONTAINS(out, "load, cold: warm + 18.5 GiB file read at 3.20 GB/s");
	free(out);
	free(err);
}

/* The explanation of a hand-built estimate (nothing computed): every
 * figure drawn is one given here. */
static void explain_draws_what_it_is_given(void)
{
	struct model m = { .id = "test:8b", .name = "Test 8B", .arch = "llama", .layers = 32,
			   .params = 8000000000, .active_params = 8000000000, .context = 8192 };
	struct estimate_settings set = { 4096, KV_F16, 8, 1024, RUNTIME_OLLAMA, FA_RUNTIME, NULL, NULL };
	struct hardware hw;
	struct estimate e = { .model = &m, .ftype = FTYPE_Q4_K_M, .ctx = 4096, .ctx_why = "--ctx",
			      .flash_attn = true, .flash_attn_why = "llama.cpp's default -fa auto" };
	struct fit *f = &e.now;
	struct detail d = { &hw, &set, &e, 1, &e, 100 };
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	hw_init(&hw);
	hw.gpu_count = 1;
	hw_gpu_init(&hw.gpus[0]);
	snprintf(hw.gpus[0].name, sizeof(hw.gpus[0].name), "GeForce RTX 3090");
	hw.gpus[0].fp16_tflops = 142;
	hw.cpu.prefill_gflops = 500;
	e.file_bytes = e.weights_bytes = 4 * GIB + 600 * MIB;
	e.kv_bytes = 512 * MIB;
	e.kv_bytes_per_token = 128 * KIB;
	e.compute_bytes = 300 * MIB;
	e.overhead_bytes = 256 * MIB;
	e.total_bytes = 5 * GIB + 644 * MIB;
	f->placement = e.idle.placement = PLACE_PARTIAL;
	f->offload = e.idle.offload = OFFLOAD_LAYERS;
	f->gpu_layers = e.idle.gpu_layers = 20;
	f->gpus_used = 1;
	f->gpu[0] = (struct device_load){ .layers = 20, .weights_bytes = 3 * GIB, .kv_bytes = 320 * MIB,
					  .compute_bytes = 300 * MIB, .budget_bytes = 3 * GIB + 512 * MIB };
	f->cpu = (struct device_load){ .first_layer = 20, .layers = 12, .weights_bytes = GIB + 600 * MIB,
				       .kv_bytes = 192 * MIB, .compute_bytes = 20 * MIB,
				       .reserve_bytes = 256 * MIB, .budget_bytes = 58 * GIB };
	f->terms = (struct decode_terms){ .gpu_bytes_per_token = 3.0e9, .cpu_bytes_per_token = 2.0e9,
					  .gpu_seconds_per_token = 5.26e-3, .cpu_seconds_per_token = 0.05,
					  .gpu_efficiency = 0.9, .gpu_bandwidth_gbps = 936, .cpu_gbps = 40,
					  .cpu_prefill_gflops = 500,
					  .overhead_seconds = 1.7e-3, .gpu_backend = "cuda", .band = 0.2 };
	f->decode_tok_s = 18;
	f->decode_low_tok_s = 14.4;
	f->decode_high_tok_s = 21.6;
	f->prefill_tok_s = 3000;
	f->ttft_s = 0.4;
	f->verdict = VERDICT_FAST;
	e.load_warm_s = 1.2;
	e.load_cold_s = 2.7;
	e.disk_gbps = 3.2;
	e.disk_source = SRC_PROFILE;
	e.pcie_gbps = 25.2;
	f->prefill_flops_per_token = 14.5e9;
	f->prefill_attention_flops_per_token = 0.27e9;
	detail_explain(out, &d);
	fclose(out);
	CHECK_CONTAINS(text, "\nMemory at Q4_K_M, context 4096 tokens (--ctx), KV cache f16\n"
		       "  weights      4.6 GiB  GGUF tensors (file 4.6 GiB)\n"
		       "  KV cache     512 MiB  128 KiB a token, all layers, f16\n"
		       "  compute      300 MiB  peak of a 512-token batch, flash attention on "
		       "(llama.cpp's default -fa auto)\n"
		       "  overhead     256 MiB  runtime, buffers and the process\n"
		       "  total        5.6 GiB\n"
		       "  on the placement's devices: 5.6 GiB of 61.5 GiB available\n");
	CHECK_CONTAINS(text, "\nPlacement: partial 20/32 (layers 20 of 32 on GPUs, llama.cpp -ngl 20)\n"
		       "  GPU0 GeForce RTX 3090      layers 0-19; weights 3.0 GiB, KV 320 MiB, "
		       "compute 300 MiB; budget 3.5 GiB\n"
		       "  CPU (system RAM)           layers 20-31; weights 1.6 GiB, KV 192 MiB, "
		       "compute 20.0 MiB, process 256 MiB; budget 58.0 GiB\n");
	CHECK_CONTAINS(text, "    GPU: 3.00 GB / (936 GB/s x 0.900 cuda efficiency) + 1.7 ms overhead"
		       " (20 layers) = 5.26 ms\n"
		       "    CPU: 2.00 GB / 40.0 GB/s (CPU matvec rate for these weights) = 50.00 ms\n"
		       "    = 18 tok/s, band +-20% from calibration: 14-22 tok/s (fast)\n");
	CHECK_CONTAINS(text, "  prefill: 2 FLOPs a token per active weight (14.50 GFLOPs less embeddings)"
		       " on GPU0's FP16 tensor rate (142 TFLOPS spec) and the CPU's batched rate for"
		       " these weights at 8 threads (500 GFLOPS; attention over the 1024-token prompt,"
		       " 0.27 GFLOPs a token, at 0.37 of it) = 3000 tok/s\n"
		       "  time to first token: 1024-token prompt / 3000 tok/s + one decode step = 0.4s\n"
		       "  load, warm: weights to the GPUs at 25.2 GB/s + runtime start = 1.2s\n"
		       "  load, cold: warm + 4.6 GiB file read at 3.20 GB/s (profile) = 2.7s\n");
	free(text);
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
	/* llama3.1:8b's published types (models.json) less F16, best first:
	 * Q8_0 Q6_K Q5_K_M Q5_K_S Q4_K_M Q4_K_S IQ4_XS Q4_0 Q3_K_L Q3_K_M Q3_K_S
	 * Q2_K; IQ4_XS is among them, so no extra row. */
	CHECK_INT(cJSON_GetArraySize(item(doc, "estimates")), 12);
	CHECK_STR(item(cJSON_GetArrayItem(item(doc, "estimates"), 0), "quant")->valuestring, "Q8_0");
	CHECK_STR(item(cJSON_GetArrayItem(item(doc, "estimates"), 6), "quant")->valuestring, "IQ4_XS");
	cJSON_Delete(doc);
	/* a type nobody publishes is added after them */
	argv[5] = "Q5_1";
	doc = run_canirun_json(argv, NULL, &rc);
	CHECK_INT(cJSON_GetArraySize(item(doc, "estimates")), 13);
	CHECK_STR(item(cJSON_GetArrayItem(item(doc, "estimates"), 12), "quant")->valuestring, "Q5_1");
	cJSON_Delete(doc);
}

/* What people type after `ollama pull`: the model and quant each selects
 * (Ollama's :latest of qwen2.5 is the 7B, of nomic-embed-text v1.5). */
static void names_as_typed(void)
{
	static const struct { const char *name, *model, *quant; } cases[] = {
		{ "qwen2.5", "qwen2.5:7b", NULL },
		{ "nomic-embed-text", "nomic-embed-text:v1.5", NULL },
		{ "qwen2.5:7b-instruct-q4_K_M", "qwen2.5:7b", "Q4_K_M" },
		{ "llama3.1:8b-instruct-q8_0", "llama3.1:8b", "Q8_0" },
		{ "hf.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q5_K_M", "llama3.1:8b", "Q5_K_M" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *report[] = { "report", "--hw", DESKTOP, "--json", cases[i].name, NULL };
		const char *show[] = { "show", "--hw", DESKTOP, "--json", cases[i].name, NULL };
		cJSON *doc = run_canirun_json(report, NULL, &(int){ 0 });
		const cJSON *e = cJSON_GetArrayItem(item(doc, "estimates"), 0);

		if (CHECK(e != NULL)) {
			CHECK_STR(item(e, "model")->valuestring, cases[i].model);
			if (cases[i].quant)
				CHECK_STR(item(e, "quant")->valuestring, cases[i].quant);
		}
		cJSON_Delete(doc);
		doc = run_canirun_json(show, NULL, &(int){ 0 });
		e = cJSON_GetArrayItem(item(doc, "estimates"), 0);
		if (CHECK(e != NULL) && cases[i].quant)
			CHECK_STR(item(doc, "selected_quant")->valuestring, cases[i].quant);
		if (e)
			CHECK_STR(item(e, "model")->valuestring, cases[i].model);
		cJSON_Delete(doc);
	}
}

TESTS(T(names_as_typed), T(show_explains_one_model), T(explain_draws_what_it_is_given), T(show_json_has_every_quant), T(report_table_on_desktop), T(narrow_report_fits_width), T(filters_and_sort_from_options),
      T(estimate_json_fields_types_units), T(unknown_speed_is_null), T(no_fit_has_null_speeds),
      T(unknown_model_is_an_error));
