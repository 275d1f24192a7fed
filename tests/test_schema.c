/* test_schema.c - every command's --json against SPEC.schema.json (report,
 * show, hw, bench, gguf, local, and `canirun` piped), the checker itself on
 * documents it must reject, and the schema's enums against the program's
 * name tables. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/app.h"
#include "hw/hwjson.h"
#include "jsonschema.h"
#include "model/catalog.h"
#include "testlib.h"

static cJSON *schema;

static cJSON *load_json_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	static char text[1 << 20];
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		exit(2);
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return cJSON_Parse(text);
}

/* SPEC.schema.json sits in the repository root, beside tests/. */
__attribute__((constructor)) static void load_schema(void)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/../SPEC.schema.json", test_path("."));
	schema = load_json_file(path);
	if (!schema) {
		fprintf(stderr, "%s: not valid JSON\n", path);
		exit(2);
	}
}

__attribute__((destructor)) static void free_schema(void)
{
	cJSON_Delete(schema);
}

/* Whether doc is valid against s; prints the violations when not. */
static bool valid(const cJSON *s, const cJSON *doc, const char *what)
{
	struct schema_report r;
	int n = schema_check(s, doc, &r);

	for (int i = 0; i < n && i < SCHEMA_MAX_REPORTS; i++)
		fprintf(stderr, "  %s: %s\n", what, r.msg[i]);
	return n == 0;
}

/* ---- the checker on small schemas ---- */

static int violations(const char *schema_text, const char *doc_text)
{
	cJSON *s = cJSON_Parse(schema_text), *d = cJSON_Parse(doc_text);
	struct schema_report r;
	int n;

	if (!s || !d) {
		fprintf(stderr, "bad test JSON: %s / %s\n", schema_text, doc_text);
		exit(2);
	}
	n = schema_check(s, d, &r);
	cJSON_Delete(s);
	cJSON_Delete(d);
	return n;
}

static void checker_types_and_unions(void)
{
	CHECK_INT(violations("{\"type\":\"number\"}", "1.5"), 0);
	CHECK_INT(violations("{\"type\":\"number\"}", "null"), 1);
	CHECK_INT(violations("{\"type\":[\"number\",\"null\"]}", "null"), 0);
	CHECK_INT(violations("{\"type\":[\"number\",\"null\"]}", "\"7\""), 1);
	CHECK_INT(violations("{\"type\":\"integer\"}", "3"), 0);
	CHECK_INT(violations("{\"type\":\"integer\"}", "3.5"), 1);
	CHECK_INT(violations("{\"type\":\"boolean\"}", "false"), 0);
	CHECK_INT(violations("{\"type\":\"array\"}", "{}"), 1);
}

static void checker_objects(void)
{
	const char *s = "{\"type\":\"object\",\"required\":[\"a\",\"b\"],"
			"\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"minimum\":0}},"
			"\"additionalProperties\":false}";

	CHECK_INT(violations(s, "{\"a\":\"x\",\"b\":0}"), 0);
	CHECK_INT(violations(s, "{\"a\":\"x\"}"), 1);                  /* b missing */
	CHECK_INT(violations(s, "{\"a\":\"x\",\"b\":1,\"c\":2}"), 1);  /* c not allowed */
	CHECK_INT(violations(s, "{\"a\":1,\"b\":-1}"), 2);             /* type, minimum */
	CHECK_INT(violations("{\"additionalProperties\":{\"type\":\"number\"}}",
			     "{\"x\":1,\"y\":\"no\"}"), 1);
}

static void checker_values_items_refs(void)
{
	const char *s = "{\"$defs\":{\"v\":{\"enum\":[\"fast\",\"slow\",null]}},"
			"\"type\":\"array\",\"minItems\":1,\"items\":{\"$ref\":\"#/$defs/v\"}}";

	CHECK_INT(violations(s, "[\"fast\",null]"), 0);
	CHECK_INT(violations(s, "[\"fast\",\"quick\",3]"), 2);
	CHECK_INT(violations(s, "[]"), 1);
	CHECK_INT(violations("{\"const\":1}", "2"), 1);
	CHECK_INT(violations("{\"maximum\":10}", "11"), 1);
	CHECK_INT(violations("{\"anyOf\":[{\"type\":\"integer\"},{\"const\":\"max\"}]}", "\"max\""), 0);
	CHECK_INT(violations("{\"anyOf\":[{\"type\":\"integer\"},{\"const\":\"max\"}]}", "\"min\""), 1);
}

/* A keyword the checker does not know is an error, never silently skipped;
 * so is a $ref to nothing. */
static void checker_refuses_what_it_cannot_check(void)
{
	CHECK_INT(violations("{\"pattern\":\"^a\"}", "\"b\""), 1);
	CHECK_INT(violations("{\"$ref\":\"#/$defs/none\"}", "1"), 1);
	CHECK_INT(violations("{\"type\":3}", "1"), 1);
}

static void checker_names_the_path(void)
{
	cJSON *s = cJSON_Parse("{\"properties\":{\"e\":{\"items\":{\"properties\":"
			       "{\"m\":{\"type\":\"number\"}}}}}}");
	cJSON *d = cJSON_Parse("{\"e\":[{\"m\":1},{\"m\":\"x\"}]}");
	struct schema_report r;

	CHECK_INT(schema_check(s, d, &r), 1);
	CHECK_STR(r.msg[0], "e[1].m: want number, got string");
	cJSON_Delete(s);
	cJSON_Delete(d);
}

/* ---- the program's output ---- */

static char profile[512], cpu_profile[512];

__attribute__((constructor)) static void set_profiles(void)
{
	snprintf(profile, sizeof(profile), "%s", test_path("fixtures/profiles/desktop-3090.json"));
	snprintf(cpu_profile, sizeof(cpu_profile), "%s", test_path("fixtures/profiles/cpu-16core.json"));
}

/* Runs canirun with argv (which must include --json) and checks its stdout:
 * exit 0, one JSON document, valid against the schema. */
static void output_valid(const char *const argv[], const char *const env[])
{
	char *out, *err, what[256] = "canirun";
	int status = run_canirun(argv, env, &out, &err);
	cJSON *doc = cJSON_Parse(out);

	for (int i = 0; argv[i]; i++) {
		size_t len = strlen(what);
		snprintf(what + len, sizeof(what) - len, " %s", argv[i]);
	}
	if (!CHECK_INT(status, 0) || !CHECK(doc != NULL))
		fprintf(stderr, "  %s: stderr: %s\n", what, err);
	else
		CHECK(valid(schema, doc, what));
	cJSON_Delete(doc);
	free(out);
	free(err);
}

static void report_outputs(void)
{
	output_valid((const char *[]){ "report", "--json", "--all", "--hw", profile, NULL }, NULL);
	output_valid((const char *[]){ "report", "--json", "--all", "--hw", cpu_profile, NULL }, NULL);
	output_valid((const char *[]){ "report", "--json", "--hw", profile, "--gpu", "8x H100 SXM",
				       "--ctx", "max", "--kv-type", "q8_0", "deepseek-r1:671b",
				       "qwen3:30b", NULL }, NULL);
	output_valid((const char *[]){ "report", "--json", "--hw", profile, "--gpu", "RX 7900 XTX",
				       "--gpu", "RTX 3090", "llama3.1:70b", NULL }, NULL);
}

static void show_outputs(void)
{
	output_valid((const char *[]){ "show", "llama3.1:8b", "--json", "--hw", profile, NULL }, NULL);
	output_valid((const char *[]){ "show", "deepseek-r1:671b", "--json", "--hw", profile, NULL }, NULL);
	/* Nothing fits: placement "none", speeds null. */
	output_valid((const char *[]){ "show", "llama3.1:70b", "--json", "--hw", profile,
				       "--cpu-only", "--ram", "2G", NULL }, NULL);
	/* A what-if CPU, memory and disk: the cpu and load fields they fill. */
	output_valid((const char *[]){ "show", "gpt-oss:120b", "--json", "--hw", profile,
				       "--cpu", "Ryzen 9 7950X", "--ram", "64G", "--ram-speed", "6000",
				       "--disk", "nvme", NULL }, NULL);
}

static void hw_outputs(void)
{
	static char sysroot[600], dump[600], conf[640], lib[640];
	const char *fake = getenv("CANIRUN_FAKE_NVML");
	const char *machines[] = { "dual-3090", "strix-halo", "arc-b580-xe", "vm-nogpu" };
	const char *env[] = { lib, conf, NULL };

	snprintf(lib, sizeof(lib), "CANIRUN_NVML_LIB=%s",
		 fake ? fake : "build/fake-nvml/libnvidia-ml.so.1");
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "fixtures/%s/sysroot", machines[i]);
		snprintf(sysroot, sizeof(sysroot), "%s", test_path(rel));
		snprintf(rel, sizeof(rel), "fixtures/%s/pci.dump", machines[i]);
		snprintf(dump, sizeof(dump), "%s", test_path(rel));
		snprintf(rel, sizeof(rel), "fixtures/%s/nvml.conf", machines[i]);
		snprintf(conf, sizeof(conf), "CANIRUN_FAKE_NVML_CONFIG=%s", test_path(rel));
		output_valid((const char *[]){ "hw", "--json", "--sysroot", sysroot,
					       "--pci-dump", dump, NULL }, env);
	}
	output_valid((const char *[]){ "hw", "--json", "--hw", profile, NULL }, NULL);
	output_valid((const char *[]){ "hw", "--json", "--hw", profile, "--cpu", "M2 Max",
				       "--ram-gbps", "300", "--disk", "2.5", NULL }, NULL);
	output_valid((const char *[]){ "hw", "--json", "--hw", profile, "--gpu", "2x RTX 3090",
				       "--ram", "64G", NULL }, NULL);
}

static void gguf_and_local_outputs(void)
{
	static char file[600], cache[700], home[640];
	const char *env[] = { home, "OLLAMA_MODELS=", "HF_HOME=", "LLAMA_CACHE=",
			      "XDG_CACHE_HOME=", "XDG_DATA_HOME=", NULL };
	char cmd[2000];

	snprintf(file, sizeof(file), "%s", test_path("fixtures/gguf-seeds/llama-v3.gguf"));
	output_valid((const char *[]){ "gguf", file, "--json", "--hw", profile, NULL }, NULL);
	/* local: a llama.cpp cache under a fake HOME holding that file. */
	snprintf(home, sizeof(home), "HOME=%s/home", test_tmpdir());
	snprintf(cache, sizeof(cache), "%s/home/.cache/llama.cpp", test_tmpdir());
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp '%s' '%s/'", cache, file, cache);
	CHECK_INT(system(cmd), 0);
	output_valid((const char *[]){ "local", "--json", "--hw", profile, NULL }, env);
	/* add: that file as the user's entry, under the same fake HOME */
	output_valid((const char *[]){ "add", test_path("fixtures/hf-config/Qwen3-8B/config.json"),
				       "--id", "schema:1b", "--json", "--hw", profile, NULL }, env);
	output_valid((const char *[]){ "report", "schema:1b", "--json", "--hw", profile, NULL }, env);
}

/* cost, and report/show with --cost: the "cost" object of each estimate,
 * a load one machine serves and one it cannot, seats and an API. */
static void cost_outputs(void)
{
	output_valid((const char *[]){ "cost", "qwen2.5:14b", "llama3.1:8b", "--json", "--hw",
				       profile, "--users", "10", "--prompts-per-day", "100",
				       "--tokens-per-prompt", "500", "--seat-price", "30", NULL }, NULL);
	output_valid((const char *[]){ "cost", "qwen2.5:14b", "--json", "--hw", profile,
				       "--tokens-per-day", "20000000", "--api", "deepseek-v3", NULL },
		     NULL);
	output_valid((const char *[]){ "cost", "llama3.1:8b", "--json", "--hw", cpu_profile,
				       "--tokens-per-day", "1000", NULL }, NULL);
	output_valid((const char *[]){ "report", "--json", "--cost", "--hw", profile, NULL }, NULL);
	output_valid((const char *[]){ "show", "qwen2.5:14b", "--json", "--hw", profile,
				       "--watts", "350", "--api-price", "1,2",
				       "--tokens-per-day", "100000", NULL }, NULL);
}

/* `canirun` with no command, stdout a pipe: the report. */
static void plan_outputs(void)
{
	output_valid((const char *[]){ "plan", "--json", "--hw", profile, "--users", "10", NULL }, NULL);
	output_valid((const char *[]){ "plan", "--json", "--hw", cpu_profile, "--ram", "1G", NULL }, NULL);
	output_valid((const char *[]){ "plan", "--json", "--hw", profile, "--gpu", "RTX 3090",
				       "--task", "code,embedding,vision", NULL }, NULL);
}

/* need: rows of every kind (discrete, unified, CPU-only, below the floor),
 * and the stack's answers. */
static void need_outputs(void)
{
	output_valid((const char *[]){ "need", "qwen2.5-coder:32b", "llama3.3:70b", "--min-tps", "10",
				       "--json", "--hw", profile, NULL }, NULL);
	output_valid((const char *[]){ "need", "qwen2.5:7b", "--json", "--hw", cpu_profile,
				       "--cpu", "Ryzen 9 7950X", "--users", "4", "--ctx", "max", NULL },
		     NULL);
	output_valid((const char *[]){ "need", "--plan", "--json", "--hw", profile, "--task",
				       "code,embedding", NULL }, NULL);
}

/* --node: rpc placements over two and four machines, fitting and not. */
static void rpc_outputs(void)
{
	char n3090[512], n4070[512], ncpu[512];

	snprintf(n3090, sizeof(n3090), "%s", test_path("fixtures/profiles/rpc-node-3090.json"));
	snprintf(n4070, sizeof(n4070), "%s", test_path("fixtures/profiles/rpc-node-4070.json"));
	snprintf(ncpu, sizeof(ncpu), "%s", test_path("fixtures/profiles/rpc-node-cpu.json"));
	output_valid((const char *[]){ "show", "llama3.1:70b", "--json", "--node", profile, "--node",
				       n3090, NULL }, NULL);
	output_valid((const char *[]){ "show", "deepseek-r1:671b", "--json", "--hw", profile, "--node",
				       n3090, "--node", n4070, "--node", ncpu, "--link", "10GbE", NULL },
		     NULL);
	output_valid((const char *[]){ "report", "--json", "--node", profile, "--node", n4070,
				       "--link-gbps", "2.5", "--link-rtt-us", "300", NULL }, NULL);
	output_valid((const char *[]){ "cost", "llama3.1:70b", "--json", "--node", profile, "--node",
				       n3090, "--tokens-per-day", "100000", NULL }, NULL);
	output_valid((const char *[]){ "plan", "--json", "--node", profile, "--node", n3090, NULL },
		     NULL);
}

static void default_command_piped(void)
{
	output_valid((const char *[]){ "--json", "--hw", profile, "llama3.1:8b", NULL }, NULL);
	output_valid((const char *[]){ "--json", "--hw", profile, NULL }, NULL);
}

/* bench's document from a fixed outcome (a real run takes seconds and
 * measures this machine): the kept rates at the top, this run's in
 * this_run; unknown rates are null. */
static void bench_document_valid(void)
{
	static struct app app;
	struct error err;
	struct bench_outcome o = { .made = 1, .runs = 3, .stored = true };
	struct bench_result *r = &o.run;
	const cJSON *bench;
	cJSON *doc;

	CHECK_INT(hw_load_profile(profile, &app.hw, &err), 0);
	app.settings.kv = KV_F16;
	app.settings.ctx = 4096;
	app.settings.threads = 16;
	app.settings.prompt_tokens = 1024;
	bench_result_init(r);
	r->rate[BF_Q4_0] = 31.5;
	r->rate[BF_MEM_READ] = 40.2;
	r->spread[BF_Q4_0] = 0.04;
	r->parallel_share = 0.93;
	r->threads = 16;
	r->seconds = 1.9;
	snprintf(r->kernels, sizeof(r->kernels), "avx2");
	o.kept = *r;
	o.kept.rate[BF_Q4_0] = 30.5;
	doc = bench_document(&app, &o);
	CHECK(valid(schema, doc, "bench document"));
	bench = cJSON_GetObjectItem(doc, "bench");
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(bench, "q6_k_gbps")));
	CHECK_NEAR(cJSON_GetObjectItem(bench, "q4_0_gbps")->valuedouble, 30.5, 0);
	CHECK_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(bench, "this_run"), "q4_0_gbps")->valuedouble, 31.5, 0);
	CHECK_NEAR(cJSON_GetObjectItem(bench, "runs_kept")->valuedouble, 3, 0);
	CHECK_NEAR(cJSON_GetObjectItem(bench, "runs_made")->valuedouble, 1, 0);
	cJSON_Delete(doc);
}

/* ---- the schema against the program's name tables ---- */

static const cJSON *def(const char *name)
{
	return cJSON_GetObjectItem(cJSON_GetObjectItem(schema, "$defs"), name);
}

/* Whether the enum of $defs/NAME holds the string value. */
static bool in_enum(const char *name, const char *value)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, cJSON_GetObjectItem(def(name), "enum"))
		if (cJSON_IsString(v) && strcmp(v->valuestring, value) == 0)
			return true;
	fprintf(stderr, "  $defs/%s: enum lacks \"%s\"\n", name, value);
	return false;
}

static void enums_hold_every_name(void)
{
	for (int s = SRC_UNKNOWN + 1; s <= SRC_ESTIMATED; s++)
		CHECK(in_enum("source_or_null", fact_source_name((enum fact_source)s)));
	for (int p = PLACE_NONE; p <= PLACE_RPC; p++)
		CHECK(in_enum("placement", placement_name((enum placement)p)));
	for (int v = VERDICT_NO_FIT; v <= VERDICT_FAST; v++)
		CHECK(in_enum("verdict", verdict_name((enum verdict)v)));
	for (int w = WATTS_UNKNOWN; w <= WATTS_OPTION; w++)
		CHECK(in_enum("watts_source", watts_source_name((enum watts_source)w)));
	for (int o = OFFLOAD_NONE; o <= OFFLOAD_EXPERTS; o++)
		CHECK(in_enum("offload", offload_name((enum offload)o)));
	for (int k = KV_F16; k <= KV_Q4_0; k++)
		CHECK(in_enum("kv_type", kv_type_name((enum kv_type)k)));
	for (unsigned t = 1; model_task_name(t); t <<= 1)
		CHECK(in_enum("task", model_task_name(t)));
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(def("task"), "enum")), 6);
}

TESTS(T(checker_types_and_unions), T(checker_objects), T(checker_values_items_refs),
      T(checker_refuses_what_it_cannot_check), T(checker_names_the_path),
      T(report_outputs), T(show_outputs), T(hw_outputs), T(gguf_and_local_outputs), T(plan_outputs),
      T(rpc_outputs), T(need_outputs),
      T(cost_outputs), T(default_command_piped), T(bench_document_valid), T(enums_hold_every_name));
