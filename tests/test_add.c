/* `canirun add` and the user's models.d end to end: a config.json and a
 * GGUF header become catalogue entries every later command finds; a broken
 * models.d entry is refused naming its file, entry and field. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gguf_writer.h"
#include "testlib.h"

static char xdg[600], env_xdg[640], profile[512];

static const char *const *env(void)
{
	static const char *list[2];

	snprintf(xdg, sizeof(xdg), "%s/xdg", test_tmpdir());
	snprintf(env_xdg, sizeof(env_xdg), "XDG_DATA_HOME=%s", xdg);
	snprintf(profile, sizeof(profile), "%s", test_path("fixtures/profiles/desktop-3090.json"));
	list[0] = env_xdg;
	list[1] = NULL;
	return list;
}

static const char *tmp(const char *rel)
{
	static char path[4][700];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, 700, "%s/%s", test_tmpdir(), rel);
	return p;
}

static int run(const char *const argv[], char **out, char **err)
{
	return run_canirun(argv, env(), out, err);
}

/* Qwen/Qwen3-8B's config.json (its architecture fields); the published
 * parameter count is 8,190,735,360 (models.json qwen3:8b params_source). */
static const char qwen3_8b[] =
	"{\"architectures\": [\"Qwen3ForCausalLM\"], \"attention_bias\": false, "
	"\"head_dim\": 128, \"hidden_size\": 4096, \"intermediate_size\": 12288, "
	"\"max_position_embeddings\": 40960, \"model_type\": \"qwen3\", "
	"\"num_attention_heads\": 32, \"num_hidden_layers\": 36, \"num_key_value_heads\": 8, "
	"\"tie_word_embeddings\": false, \"vocab_size\": 151936}";

static void config_json_added_and_found(void)
{
	const char *cfg = tmp("My-Qwen3-8B/config.json");
	const char *add[] = { "add", cfg, NULL };
	const char *show[] = { "show", "My-Qwen3-8B", "--json", "--hw", NULL, NULL };
	char *out, *err, want[900];
	cJSON *doc, *e;

	snprintf(want, sizeof(want), "mkdir -p %s", tmp("My-Qwen3-8B"));
	CHECK_INT(system(want), 0);
	test_write_file(cfg, qwen3_8b, strlen(qwen3_8b));
	CHECK_INT(run(add, &out, &err), 0);
	snprintf(want, sizeof(want), "added My-Qwen3-8B (qwen3, 8190735360 parameters) to "
		 "%s/canirun/models.d/My-Qwen3-8B.json", xdg);
	CHECK_CONTAINS(out, want);
	free(out);
	free(err);
	show[4] = profile;
	CHECK_INT(run(show, &out, &err), 0);
	doc = cJSON_Parse(out);
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "estimates"), 0);
	if (CHECK(e != NULL)) {
		CHECK_STR(cJSON_GetObjectItem(e, "model")->valuestring, "My-Qwen3-8B");
		CHECK_INT(cJSON_GetObjectItem(e, "params")->valuedouble, 8190735360LL);
		CHECK_INT(cJSON_GetObjectItem(e, "layers")->valuedouble, 36);
	}
	cJSON_Delete(doc);
	free(out);
	free(err);
	/* a second add of the same id is refused */
	CHECK_INT(run(add, &out, &err), 1);
	CHECK_CONTAINS(err, "add: 'My-Qwen3-8B' is already in the catalogue");
	free(out);
	free(err);
}

static void gguf_header_added(void)
{
	struct gw w = { 0 };
	const char *file = tmp("Tiny-1B-Q4_K_M.gguf");
	const char *add[] = { "add", file, "--id", "tiny:1b", NULL };
	const char *report[] = { "report", "tiny:1b", "--json", "--hw", NULL, NULL };
	char *out, *err, path[800];
	cJSON *doc, *entry;
	FILE *f;
	char text[8192];
	size_t n;

	gw_tiny_llama(&w, 3);
	gw_save(&w, file);
	CHECK_INT(run(add, &out, &err), 0);
	free(out);
	free(err);
	snprintf(path, sizeof(path), "%s/canirun/models.d/tiny_1b.json", xdg);
	f = fopen(path, "r");
	if (!CHECK(f != NULL))
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	doc = cJSON_Parse(text);
	entry = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "models"), 0);
	if (CHECK(entry != NULL)) {
		CHECK_STR(cJSON_GetObjectItem(entry, "arch")->valuestring, "llama");
		CHECK_INT(cJSON_GetObjectItem(entry, "layers")->valuedouble, 2);
		CHECK_INT(cJSON_GetObjectItem(entry, "embd")->valuedouble, 256);
		CHECK_INT(cJSON_GetObjectItem(entry, "context")->valuedouble, 2048);
		/* general.file_type 15: the file is Q4_K_M, its one published type */
		if (CHECK(cJSON_IsString(cJSON_GetObjectItem(entry, "default_quant"))))
			CHECK_STR(cJSON_GetObjectItem(entry, "default_quant")->valuestring, "Q4_K_M");
	}
	cJSON_Delete(doc);
	report[4] = profile;
	CHECK_INT(run(report, &out, &err), 0);
	doc = cJSON_Parse(out);
	entry = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "estimates"), 0);
	if (CHECK(entry != NULL))
		CHECK_STR(cJSON_GetObjectItem(entry, "quant")->valuestring, "Q4_K_M");
	cJSON_Delete(doc);
	free(out);
	free(err);
	/* without --id: the file's name less its quant */
	add[2] = NULL;
	CHECK_INT(run(add, &out, &err), 0);
	CHECK_CONTAINS(out, "added Tiny-1B (llama,");
	free(out);
	free(err);
}

static void bad_inputs_refused(void)
{
	const char *cfg = tmp("odd/config.json");
	const char *add[] = { "add", cfg, NULL };
	const char *report[] = { "report", "--hw", NULL, NULL };
	char *out, *err, cmd[900];
	static const char odd[] = "{\"model_type\": \"rwkv7\", \"hidden_size\": 64}";
	static const char broken[] = "{\"schema_version\": 1, \"models\": [{\"id\": \"x:1b\"}]}";

	snprintf(cmd, sizeof(cmd), "mkdir -p %s %s/canirun/models.d", tmp("odd"), xdg);
	CHECK_INT(system(cmd), 0);
	test_write_file(cfg, odd, strlen(odd));
	CHECK_INT(run(add, &out, &err), 1);
	CHECK_CONTAINS(err, "odd/config.json: model_type: 'rwkv7' is not an architecture");
	free(out);
	free(err);
	snprintf(cmd, sizeof(cmd), "%s/canirun/models.d/zz-broken.json", xdg);
	test_write_file(cmd, broken, strlen(broken));
	report[2] = profile;
	CHECK_INT(run(report, &out, &err), 1);
	CHECK_CONTAINS(err, "models.d/zz-broken.json: models[0] (x:1b): name: missing");
	free(out);
	free(err);
	remove(cmd);
}

TESTS(T(config_json_added_and_found), T(gguf_header_added), T(bad_inputs_refused));
