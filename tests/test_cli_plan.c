/* `canirun plan` end to end on hardware profiles (never this machine's):
 * the RTX 3090 team case, the 2-core build VM, and every figure of a plan
 * against `canirun show` for the same model, quant and context. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#define P3090 "fixtures/profiles/desktop-3090.json"
#define PVM "fixtures/profiles/build-vm-2core.json"

static char *out, *err;

static int run(const char *const *argv)
{
	free(out);
	free(err);
	out = err = NULL;
	return run_canirun(argv, NULL, &out, &err);
}

static cJSON *run_json(const char *const *argv)
{
	int rc = run(argv);

	CHECK_INT(rc, 0);
	return rc == 0 ? cJSON_Parse(out) : NULL;
}

static const cJSON *pick_for(const cJSON *doc, const char *task)
{
	const cJSON *pk;

	cJSON_ArrayForEach(pk, cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "plan"), "picks"))
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(pk, "task")), task) == 0)
			return pk;
	return NULL;
}

static const cJSON *estimate_of(const cJSON *doc, const char *model, const char *quant)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "estimates"))
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "model")), model) == 0 &&
		    strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "quant")), quant) == 0)
			return e;
	return NULL;
}

static bool has_string(const cJSON *array, const char *s)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, array)
		if (strcmp(cJSON_GetStringValue(v), s) == 0)
			return true;
	return false;
}

static void team_of_ten_on_a_3090(void)
{
	char p3090[512];
	const char *argv[] = { "plan", "--hw", p3090, "--gpu", "RTX 3090", "--ram", "64G",
			       "--users", "10", "--json", NULL };
	cJSON *doc;
	const cJSON *code, *writing, *embed, *est;

	snprintf(p3090, sizeof(p3090), "%s", test_path(P3090));
	doc = run_json(argv);
	code = pick_for(doc, "code");
	writing = pick_for(doc, "writing");
	embed = pick_for(doc, "embedding");
	CHECK(code && writing && embed);
	if (!code || !writing || !embed) {
		cJSON_Delete(doc);
		return;
	}
	/* a ~30B-class coder at a Q4-class quant, whole on the GPU */
	est = estimate_of(doc, json_str(code, "model"), json_str(code, "quant"));
	CHECK(est != NULL);
	CHECK(strstr(json_str(code, "model"), "coder") != NULL);
	CHECK(json_num(est, "params") >= 25e9 && json_num(est, "params") <= 40e9);
	CHECK(strncmp(json_str(code, "quant"), "Q4", 2) == 0);
	CHECK_STR(json_str(est, "placement"), "gpu");
	/* it cannot stay beside the writing model: it swaps in, evicting it */
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(code, "resident")));
	CHECK(json_num(code, "swap_s") > 0 && json_num(code, "swap_s_warm") > 0);
	CHECK(json_num(code, "swap_s_warm") < json_num(code, "swap_s"));
	CHECK(has_string(cJSON_GetObjectItem(code, "evicts"), json_str(writing, "model")));
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(writing, "resident")));
	/* the embedding model stays loaded through every swap */
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(embed, "resident")));
	CHECK(!has_string(cJSON_GetObjectItem(code, "evicts"), json_str(embed, "model")));
	CHECK(json_num(cJSON_GetObjectItem(doc, "plan"), "resident_bytes") <=
	      json_num(cJSON_GetObjectItem(doc, "plan"), "budget_bytes"));
	CHECK_STR(json_str(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "plan"), "settings"),
		      "OLLAMA_NUM_PARALLEL"), "4");
	cJSON_Delete(doc);
}

static void settings_block_is_valid_shell(void)
{
	char p3090[512], path[600], cmd[700];
	const char *argv[] = { "plan", "--hw", p3090, "--gpu", "RTX 3090", "--ram", "64G",
			       "--users", "10", NULL };
	const char *block;

	snprintf(p3090, sizeof(p3090), "%s", test_path(P3090));
	CHECK_INT(run(argv), 0);
	CHECK_CONTAINS(out, "cannot stay loaded beside the others; loading it evicts");
	block = out ? strstr(out, "Settings (POSIX sh):\n") : NULL;
	CHECK(block != NULL);
	if (!block)
		return;
	block += strlen("Settings (POSIX sh):\n");
	CHECK_CONTAINS(block, "export OLLAMA_NUM_PARALLEL=4\n");
	CHECK_CONTAINS(block, "ollama pull qwen2.5-coder:32b\n");
	CHECK_CONTAINS(block, "--models-max");
	snprintf(path, sizeof(path), "%s/settings.sh", test_tmpdir());
	test_write_file(path, block, strlen(block));
	snprintf(cmd, sizeof(cmd), "sh -n '%s'", path);
	CHECK_INT(system(cmd), 0);
}

static void build_vm_picks_small_models(void)
{
	char pvm[512];
	const char *argv[] = { "plan", "--hw", pvm, "--json", NULL };
	const char *tiny[] = { "plan", "--hw", pvm, "--ram", "1G", NULL };
	cJSON *doc;
	const cJSON *pk;

	snprintf(pvm, sizeof(pvm), "%s", test_path(PVM));
	doc = run_json(argv);
	cJSON_ArrayForEach(pk, cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "plan"), "picks")) {
		const cJSON *est = estimate_of(doc, json_str(pk, "model"), json_str(pk, "quant"));

		CHECK(est != NULL);
		CHECK_STR(json_str(est, "placement"), "cpu");
		/* 2 cores at ~7 GB/s: only models reading under 2 GB a token */
		CHECK(json_num(est, "active_params") <= 4e9);
	}
	cJSON_Delete(doc);
	/* with 1 GiB of RAM nothing for reasoning fits: said plainly */
	CHECK_INT(run(tiny), 0);
	CHECK_CONTAINS(out, "Nothing runs at reading speed here for: reasoning");
}

/* Each pick's figures equal `canirun show` at the context it is served
 * with (ctx x its parallel slots), on the same machine (--cpu-only for the
 * CPU instance). */
static void figures_equal_show(void)
{
	char p3090[512], ctx[32];
	const char *argv[] = { "plan", "--hw", p3090, "--gpu", "RTX 3090", "--ram", "64G",
			       "--users", "10", "--json", NULL };
	cJSON *doc;
	const cJSON *pk;
	int compared = 0;

	snprintf(p3090, sizeof(p3090), "%s", test_path(P3090));
	doc = run_json(argv);
	cJSON_ArrayForEach(pk, cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "plan"), "picks")) {
		bool cpu = strcmp(json_str(pk, "instance"), "cpu") == 0;
		const char *show[] = { "show", json_str(pk, "model"), "--quant", json_str(pk, "quant"), "--ctx", ctx,
				       "--hw", p3090, "--gpu", "RTX 3090", "--ram", "64G", "--json",
				       cpu ? "--cpu-only" : NULL, NULL };
		cJSON *s;
		const cJSON *e;

		snprintf(ctx, sizeof(ctx), "%.0f", json_num(pk, "server_ctx"));
		s = run_json(show);
		e = estimate_of(s, json_str(pk, "model"), json_str(pk, "quant"));
		CHECK(e != NULL);
		if (e) {
			CHECK(json_num(e, "decode_tok_s") == json_num(pk, "decode_tok_s"));
			CHECK(json_num(e, "prefill_tok_s") == json_num(pk, "prompt_tok_s"));
			CHECK(json_num(cJSON_GetObjectItem(e, "memory"), "total_bytes") == json_num(pk, "memory_bytes"));
			if (json_num(pk, "swap_s") >= 0) {
				CHECK(json_num(e, "load_s") == json_num(pk, "swap_s"));
				CHECK(json_num(e, "load_s_warm") == json_num(pk, "swap_s_warm"));
			}
			compared++;
		}
		cJSON_Delete(s);
	}
	CHECK(compared >= 5);
	cJSON_Delete(doc);
}

static void usage_errors(void)
{
	const char *bad_task[] = { "plan", "--task", "code,poetry", NULL };
	const char *bad_users[] = { "plan", "--users", "0", NULL };
	const char *model[] = { "plan", "llama3.1:8b", NULL };

	CHECK_INT(run(bad_task), 2);
	CHECK_CONTAINS(err, "--task: unknown task 'poetry'");
	CHECK_INT(run(bad_users), 2);
	CHECK_CONTAINS(err, "--users");
	CHECK_INT(run(model), 2);
	free(out);
	free(err);
	out = err = NULL;
}

TESTS(T(team_of_ten_on_a_3090), T(settings_block_is_valid_shell), T(build_vm_picks_small_models),
      T(figures_equal_show), T(usage_errors));
