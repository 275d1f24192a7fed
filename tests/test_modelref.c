/* test_modelref.c - names as people type them: catalogue ids and aliases,
 * Ollama family names (:latest), tags with a quant suffix, Hugging Face
 * repositories (hf.co/... and plain), suggestions for unknown names; and
 * data/latest.json, shipped and broken. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/catalog.h"
#include "model/modelref.h"
#include "testlib.h"

static const char *data_file(const char *name)
{
	static char path[512];
	const char *dir = getenv("CANIRUN_DATA_DIR");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "data", name);
	return path;
}

static const char *write_latest(const char *families)
{
	static char path[512];
	char json[4096];
	int len = snprintf(json, sizeof(json), "{\"schema_version\": 1, \"families\": [%s]}",
			   families);

	snprintf(path, sizeof(path), "%s/latest.json", test_tmpdir());
	test_write_file(path, json, (size_t)len);
	return path;
}

/* The mini catalogue with a hand-made latest map: llama3 -> llama3:8b,
 * qwen3 -> qwen3:8b (not what Ollama says for every family; the mapping is
 * the data's, the rules are the code's). */
static int mini(struct catalog *cat)
{
	struct error err;

	if (!CHECK(catalog_load(test_path("fixtures/models-mini.json"), cat, &err) == 0))
		return -1;
	if (!CHECK(catalog_load_latest(write_latest(
		"{\"family\": \"llama3\", \"latest\": \"llama3:8b\", \"source\": \"https://ollama.com/library/llama3\"},"
		"{\"family\": \"qwen3\", \"latest\": \"qwen3:8b\", \"source\": \"https://ollama.com/library/qwen3\"}"),
		cat, &err) == 0)) {
		fprintf(stderr, "  %s\n", err.msg);
		catalog_release(cat);
		return -1;
	}
	return 0;
}

/* name resolves to id, with the quant want ("" when the name sets none). */
static void expect(const struct catalog *cat, const char *name, const char *id, const char *want)
{
	struct model_ref ref;
	struct error err;

	if (!CHECK(model_resolve(cat, name, &ref, &err) == 0)) {
		fprintf(stderr, "  %s: %s\n", name, err.msg);
		return;
	}
	if (!CHECK_STR(ref.model->id, id))
		fprintf(stderr, "  for '%s'\n", name);
	if (!want[0])
		CHECK(!ref.has_ftype);
	else if (CHECK(ref.has_ftype))
		CHECK_STR(ftype_name(ref.ftype), want);
}

static void expect_unknown(const struct catalog *cat, const char *name, const char *want)
{
	struct model_ref ref;
	struct error err;

	CHECK_INT(model_resolve(cat, name, &ref, &err), -1);
	CHECK_CONTAINS(err.msg, want);
	CHECK(ref.model == NULL);
}

static void ids_and_aliases(void)
{
	struct catalog cat;

	if (mini(&cat) < 0)
		return;
	expect(&cat, "llama3.1:8b", "llama3.1:8b", "");
	expect(&cat, "LLAMA3.1:8B", "llama3.1:8b", "");
	expect(&cat, "meta-llama/llama-3.1-8b-instruct", "llama3.1:8b", "");
	catalog_release(&cat);
}

static void ollama_names(void)
{
	struct catalog cat;

	if (mini(&cat) < 0)
		return;
	expect(&cat, "llama3", "llama3:8b", "");
	expect(&cat, "llama3:latest", "llama3:8b", "");
	expect(&cat, "Qwen3", "qwen3:8b", "");
	expect(&cat, "llama3:8b-instruct-q4_K_M", "llama3:8b", "Q4_K_M");
	expect(&cat, "llama3:70b-instruct-q8_0", "llama3:70b", "Q8_0");
	expect(&cat, "llama3:8b-text-fp16", "llama3:8b", "F16");
	expect(&cat, "qwen2.5-coder:7b-instruct-q5_K_M", "qwen2.5-coder:7b", "Q5_K_M");
	expect(&cat, "mixtral:8x7b-instruct-v0.1-q3_K_S", "mixtral:8x7b", "Q3_K_S");
	expect(&cat, "deepseek-r1:7b-qwen-distill-q4_K_M", "deepseek-r1:7b", "Q4_K_M");
	expect(&cat, "gpt-oss:20b", "gpt-oss:20b", "");
	expect(&cat, "qwen3:q4_K_M", "qwen3:8b", "Q4_K_M");   /* a quant alone: :latest's */
	/* no :latest mapping for deepseek-v3, but one size only: that one */
	expect(&cat, "deepseek-v3", "deepseek-v3:671b", "");
	expect(&cat, "deepseek-v3:q4_K_M", "deepseek-v3:671b", "Q4_K_M");
	/* no :latest mapping for gemma3 here and several sizes: unknown */
	expect_unknown(&cat, "gemma3", "unknown model 'gemma3'; did you mean: gemma3:");
	expect_unknown(&cat, "llama3:9b-instruct-q4_K_M", "unknown model 'llama3:9b-instruct-q4_K_M'");
	catalog_release(&cat);
}

static void hugging_face_names(void)
{
	struct catalog cat;

	if (mini(&cat) < 0)
		return;
	expect(&cat, "hf.co/bartowski/Meta-Llama-3-8B-Instruct-GGUF:Q4_K_M", "llama3:8b", "Q4_K_M");
	expect(&cat, "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:q6_k", "llama3.2:1b", "Q6_K");
	expect(&cat, "huggingface.co/Qwen/Qwen2.5-14B-Instruct-GGUF", "qwen2.5:14b", "");
	expect(&cat, "https://huggingface.co/Qwen/Qwen2.5-14B-Instruct", "qwen2.5:14b", "");
	expect(&cat, "bartowski/meta-llama_Llama-3.1-8B-Instruct-GGUF", "llama3.1:8b", "");
	expect(&cat, "unsloth/Llama-3.1-8B-Instruct", "llama3.1:8b", "");
	expect_unknown(&cat, "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q9_X",
		       "unknown file type 'Q9_X'");
	expect_unknown(&cat, "hf.co/someone/Nothing-Like-It-GGUF", "unknown model");
	catalog_release(&cat);
}

/* Ollama's library pages (https://ollama.com/library/<family>/tags): the
 * latest tag of qwen2.5 is the 7B, of llama3.1 the 8B, of nomic-embed-text
 * v1.5, of gpt-oss the 20B. */
static void shipped_latest(void)
{
	struct catalog cat;
	struct error err;

	if (!CHECK(catalog_load(data_file("models.json"), &cat, &err) == 0))
		return;
	if (!CHECK(catalog_load_latest(data_file("latest.json"), &cat, &err) == 0)) {
		fprintf(stderr, "  %s\n", err.msg);
		catalog_release(&cat);
		return;
	}
	CHECK(cat.latest_count >= 50);
	expect(&cat, "qwen2.5", "qwen2.5:7b", "");
	expect(&cat, "llama3.1", "llama3.1:8b", "");
	expect(&cat, "nomic-embed-text", "nomic-embed-text:v1.5", "");
	expect(&cat, "gpt-oss:latest", "gpt-oss:20b", "");
	expect(&cat, "qwen2.5:7b-instruct-q4_K_M", "qwen2.5:7b", "Q4_K_M");
	expect(&cat, "llama3.1:8b-instruct-q8_0", "llama3.1:8b", "Q8_0");
	catalog_release(&cat);
}

static void broken_latest(void)
{
	static const struct { const char *families, *want; } cases[] = {
		{ "{\"family\": \"llama3\", \"latest\": \"llama3:9b\", \"source\": \"https://x\"}",
		  "families[0] (llama3): latest: not a catalogue id" },
		{ "{\"family\": \"llama3\", \"latest\": \"qwen3:8b\", \"source\": \"https://x\"}",
		  "families[0] (llama3): latest: must be \"<family>:<tag>\"" },
		{ "{\"family\": \"llama3\", \"latest\": \"llama3:8b\", \"source\": \"123\"}",
		  "families[0] (llama3): source: must be an https:// URL" },
		{ "{\"family\": \"llama3:8b\", \"latest\": \"llama3:8b\", \"source\": \"https://x\"}",
		  "families[0]: family: must be a non-empty name without ':'" },
		{ "{\"family\": \"llama3\", \"latest\": \"llama3:8b\", \"source\": \"https://x\"},"
		  "{\"family\": \"llama3\", \"latest\": \"llama3:70b\", \"source\": \"https://x\"}",
		  "families[1] (llama3): family: listed twice" },
	};
	struct catalog cat;
	struct error err;

	if (!CHECK(catalog_load(test_path("fixtures/models-mini.json"), &cat, &err) == 0))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path = write_latest(cases[i].families);

		CHECK_INT(catalog_load_latest(path, &cat, &err), -1);
		CHECK_CONTAINS(err.msg, path);
		CHECK_CONTAINS(err.msg, cases[i].want);
		CHECK_INT(cat.latest_count, 0);
	}
	catalog_release(&cat);
}

TESTS(T(ids_and_aliases), T(ollama_names), T(hugging_face_names), T(shipped_latest),
      T(broken_latest));
