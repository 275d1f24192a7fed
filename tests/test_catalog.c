/* test_catalog.c - loading data/models.json: the shipped catalogue is
 * consistent and its parameter counts match the tensor lists; broken
 * catalogues fail with messages naming file, entry and field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "model/catalog.h"
#include "model/sizemodel.h"
#include "testlib.h"

static const char *data_catalog(void)
{
	static char path[512];
	const char *dir = getenv("CANIRUN_DATA_DIR");

	snprintf(path, sizeof(path), "%s/models.json", dir ? dir : "data");
	return path;
}

/* Within 2% of want (a published figure or the catalogue's count). */
static bool near(int64_t have, int64_t want)
{
	double off = (double)(have - want) / (double)want;

	return off < 0.02 && off > -0.02;
}

/* Every shipped entry names its config.json and its parameter count's
 * origin by public URL. */
static void check_sources(const struct catalog *cat)
{
	for (int i = 0; i < cat->count; i++) {
		const struct model *m = &cat->models[i];

		if (!CHECK(strstr(m->source, "https://") == m->source) ||
		    !CHECK(strstr(m->params_source, "https://") != NULL))
			fprintf(stderr, "  %s: source or params_source without a URL\n", m->id);
	}
}

/* A published parameter count, where the entry carries one, is checked
 * against the count of the tensor list (not against a count computed from
 * the same config). */
static void check_published(const struct model *m, const struct size_model *s)
{
	if (m->published_params <= 0)
		return;
	if (!CHECK(strstr(m->published_params_source, "https://") == m->published_params_source))
		fprintf(stderr, "  %s: published_params_source is not a URL\n", m->id);
	if (!CHECK(near(s->params, m->published_params)))
		fprintf(stderr, "  %s: tensors hold %lld, published %lld (%s)\n", m->id,
			(long long)s->params, (long long)m->published_params,
			m->published_params_source);
}

/* Every model's parameter count, summed over the tensor list the size
 * model derives, is within 2% of the catalogue's and of the published
 * figure. */
static int check_params(const struct catalog *cat)
{
	int published = 0;

	for (int i = 0; i < cat->count; i++) {
		const struct model *m = &cat->models[i];
		struct size_model s;
		struct error err;

		if (!CHECK(gguf_size_compute(m, FTYPE_Q4_K_M, NULL, &s, &err) == 0)) {
			fprintf(stderr, "  %s\n", err.msg);
			continue;
		}
		if (!CHECK(near(s.params, m->params)))
			fprintf(stderr, "  %s: tensors hold %lld, catalogue says %lld\n",
				m->id, (long long)s.params, (long long)m->params);
		check_published(m, &s);
		published += m->published_params > 0;
		CHECK_INT(s.n_layers, m->layers);
		size_model_release(&s);
	}
	return published;
}

static void shipped_catalogue(void)
{
	struct catalog cat;
	struct error err;

	if (!CHECK(catalog_load(data_catalog(), &cat, &err) == 0)) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	CHECK(cat.count >= 50);
	/* 65 entries carry a published count (HF safetensors totals, GGUF
	 * parameter counts, model-card figures) */
	CHECK(check_params(&cat) >= 65);
	check_sources(&cat);
	catalog_release(&cat);
}

static void fixture_catalogue(void)
{
	struct catalog cat;
	struct error err;
	const struct model *m;

	if (!CHECK(catalog_load(test_path("fixtures/models-mini.json"), &cat,
				&err) == 0))
		return;
	check_params(&cat);
	m = catalog_find(&cat, "qwen3:30b");
	if (CHECK(m != NULL)) {
		CHECK(m->has_moe);
		CHECK_INT(m->moe.experts, 128);
		CHECK_INT(m->moe.experts_used, 8);
		CHECK_INT(m->moe.expert_ffn, 768);
		CHECK(m->qk_norm);
		CHECK(!m->has_swa && !m->has_mla);
		CHECK_INT(m->tasks, TASK_CHAT | TASK_REASONING);
	}
	m = catalog_find(&cat, "deepseek-v3:671b");
	if (CHECK(m != NULL)) {
		CHECK(m->has_mla);
		CHECK_INT(m->mla.q_lora_rank, 1536);
		CHECK_INT(m->moe.dense_layers, 3);
	}
	m = catalog_find(&cat, "gemma3:4b");
	if (CHECK(m != NULL)) {
		CHECK(m->tied_embeddings && m->has_swa);
		CHECK_INT(m->swa.global_every, 6);
		CHECK_INT(m->ffn_kind, FFN_GATED);
	}
	catalog_release(&cat);
	CHECK(cat.models == NULL && cat.count == 0);
}

static void find_and_suggest(void)
{
	struct catalog cat;
	struct error err;
	const struct model *out[4];
	int n;

	if (!CHECK(catalog_load(test_path("fixtures/models-mini.json"), &cat,
				&err) == 0))
		return;
	CHECK_STR(catalog_find(&cat, "llama3:8b")->id, "llama3:8b");
	CHECK_STR(catalog_find(&cat, "LLAMA3:8B")->id, "llama3:8b");
	CHECK_STR(catalog_find(&cat, "meta-llama/llama-3.1-8b-instruct")->id,
		  "llama3.1:8b");
	CHECK(catalog_find(&cat, "llama3:9b") == NULL);
	n = catalog_suggest(&cat, "lama3:8b", out, 4);
	CHECK(n >= 1);
	if (n >= 1)
		CHECK_STR(out[0]->id, "llama3:8b");
	n = catalog_suggest(&cat, "qwen3", out, 4);
	CHECK_INT(n, 4);
	for (int i = 0; i < n; i++)
		CHECK(strncmp(out[i]->id, "qwen3", 5) == 0);
	CHECK_INT(catalog_suggest(&cat, "zzzzzzzzzzzz", out, 4), 0);
	CHECK_INT(catalog_suggest(&cat, "llama3:8b", out, 0), 0);
	catalog_release(&cat);
}

/* One model entry as JSON: a valid template with field `over` replaced by
 * the raw JSON `value`, or removed when value is NULL; `over2`/`value2`
 * likewise (may be ""). */
static size_t append_entry(char *json, size_t size, size_t len,
			   const char *over, const char *value,
			   const char *over2, const char *value2)
{
	static const char *const fields[][2] = {
		{ "id", "\"test:1b\"" }, { "aliases", "[\"Org/Test-1B\"]" },
		{ "name", "\"Test 1B\"" }, { "arch", "\"llama\"" },
		{ "params", "1000000" }, { "params_source", "\"made up\"" },
		{ "active_params", "1000000" }, { "layers", "2" },
		{ "embd", "64" }, { "ffn", "256" }, { "heads", "4" },
		{ "kv_heads", "2" }, { "head_dim", "16" }, { "vocab", "1000" },
		{ "tied_embeddings", "true" }, { "context", "2048" },
		{ "moe", "null" }, { "swa", "null" }, { "mla", "null" },
		{ "tasks", "[\"chat\"]" }, { "license", "\"mit\"" },
		{ "source", "\"test\"" },
		{ "published_quants", "[\"Q4_K_M\", \"Q8_0\", \"mxfp4\"]" },
		{ "default_quant", "\"Q4_K_M\"" },
		{ "ssm", NULL }, { "published_params", NULL },   /* optional: absent */
	};
	const char *sep = "{";

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = fields[i][1];

		if (strcmp(fields[i][0], over) == 0)
			v = value;
		else if (strcmp(fields[i][0], over2) == 0)
			v = value2;
		if (!v)
			continue;
		len += (size_t)snprintf(json + len, size - len, "%s\"%s\": %s",
					sep, fields[i][0], v);
		sep = ", ";
	}
	return len + (size_t)snprintf(json + len, size - len, "}");
}

/* A catalogue of the template with one change, plus optionally a second
 * entry with the given id and aliases (raw JSON). */
static const char *write_catalogue(const char *field, const char *value,
				   const char *id2, const char *aliases2)
{
	static char path[512];
	char json[8192];
	size_t len;

	len = (size_t)snprintf(json, sizeof(json),
			       "{\"schema_version\": 1, \"models\": [");
	len = append_entry(json, sizeof(json), len, field, value, "", NULL);
	if (id2) {
		len += (size_t)snprintf(json + len, sizeof(json) - len, ", ");
		len = append_entry(json, sizeof(json), len, "id", id2,
				   "aliases", aliases2);
	}
	len += (size_t)snprintf(json + len, sizeof(json) - len, "]}");
	snprintf(path, sizeof(path), "%s/models.json", test_tmpdir());
	test_write_file(path, json, len);
	return path;
}

static void expect_failure(const char *path, const char *want)
{
	struct catalog cat;
	struct error err;

	if (!CHECK_INT(catalog_load(path, &cat, &err), -1)) {
		catalog_release(&cat);
		return;
	}
	CHECK_CONTAINS(err.msg, path);
	CHECK_CONTAINS(err.msg, want);
	CHECK(cat.models == NULL && cat.count == 0);
}

static void expect_error(const char *field, const char *value,
			 const char *want)
{
	expect_failure(write_catalogue(field, value, NULL, NULL), want);
}

static void expect_duplicate(const char *id2, const char *aliases2,
			     const char *want)
{
	expect_failure(write_catalogue("", NULL, id2, aliases2), want);
}

static void broken_catalogues(void)
{
	struct catalog cat;
	struct error err;

	/* the template itself loads */
	CHECK_INT(catalog_load(write_catalogue("", NULL, NULL, NULL), &cat, &err), 0);
	CHECK_INT(cat.models[0].published_count, 3);
	CHECK_INT(cat.models[0].published[1], FTYPE_Q8_0);
	CHECK_INT(cat.models[0].published[2], FTYPE_MXFP4_MOE);
	CHECK(cat.models[0].has_default_quant);
	CHECK_INT(cat.models[0].default_quant, FTYPE_Q4_K_M);
	catalog_release(&cat);
	/* both are optional */
	CHECK_INT(catalog_load(write_catalogue("published_quants", NULL, NULL, NULL), &cat, &err), 0);
	CHECK_INT(cat.models[0].published_count, 0);
	catalog_release(&cat);
	CHECK_INT(catalog_load(write_catalogue("", NULL, "\"other:1b\"", "[]"),
			       &cat, &err), 0);
	CHECK_INT(cat.count, 2);
	catalog_release(&cat);

	static const struct { const char *field, *value, *want; } cases[] = {
		{ "layers", "\"32\"", "models[0] (test:1b): layers: must be an integer" },
		{ "layers", "2.5", "models[0] (test:1b): layers: must be an integer" },
		{ "layers", "0", "layers: must be between 1 and 1024" },
		{ "vocab", NULL, "models[0] (test:1b): vocab: missing" },
		{ "id", NULL, "models[0]: id: missing" },
		{ "name", "7", "models[0] (test:1b): name: must be a string" },
		{ "tied_embeddings", "1", "tied_embeddings: must be true or false" },
		{ "kv_heads", "3", "models[0] (test:1b): kv_heads: must divide heads" },
		{ "active_params", "2000000", "active_params: must not exceed params" },
		{ "active_params", "900000", "active_params: must equal params for a dense model" },
		{ "moe", "{\"experts\": 4, \"experts_used\": 8, \"expert_ffn\": 64}", "moe.experts_used: must not exceed moe.experts" },
		{ "moe", "{\"experts\": 4, \"expert_ffn\": 64}", "moe.experts_used: missing" },
		{ "moe", NULL, "moe: missing (use null when absent)" },
		{ "mla", "[]", "mla: must be an object or null" },
		{ "swa", "{\"window\": 4096}", "swa.global_every: missing" },
		{ "tasks", "[\"dancing\"]", "tasks: unknown task" },
		{ "aliases", "[\"\"]", "aliases: must not be empty" },
		{ "published_quants", "[\"Q9_K\"]", "models[0] (test:1b): published_quants: must be a GGUF file type name" },
		{ "published_quants", "[]", "published_quants: must be a non-empty array" },
		{ "published_quants", "[\"Q4_K_M\", \"q4_k_m\"]", "published_quants: lists a type twice" },
		{ "default_quant", "\"Q6_K\"", "models[0] (test:1b): default_quant: must be one of published_quants" },
		{ "default_quant", "4", "default_quant: must be a GGUF file type name" },
		{ "ssm", "{\"layers\": \"AR\"}", "ssm: arch has no recurrent layers" },
		{ "ssm", "3", "ssm: must be an object or null" },
		{ "published_params", "1000000", "published_params_source: must be given exactly with published_params" },
		{ "published_params", "0", "published_params: must be between 1 and" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].field, cases[i].value, cases[i].want);
	expect_duplicate("\"TEST:1B\"", "[]",
			 "models[1] (TEST:1B): id: \"TEST:1B\" already names test:1b");
	expect_duplicate("\"other:1b\"", "[\"org/test-1b\"]",
			 "models[1] (other:1b): aliases: \"org/test-1b\" already names test:1b");
}

static void broken_files(void)
{
	char path[512];
	struct catalog cat;
	struct error err;

	snprintf(path, sizeof(path), "%s/bad.json", test_tmpdir());
	test_write_file(path, "{\"models\": [", 12);
	CHECK_INT(catalog_load(path, &cat, &err), -1);
	CHECK_CONTAINS(err.msg, "bad.json: line 1: not valid JSON");
	test_write_file(path, "{\"schema_version\": 2, \"models\": []}", 35);
	CHECK_INT(catalog_load(path, &cat, &err), -1);
	CHECK_CONTAINS(err.msg, "bad.json: schema_version: must be 1");
	test_write_file(path, "{\"schema_version\": 1, \"models\": []}", 35);
	CHECK_INT(catalog_load(path, &cat, &err), -1);
	CHECK_CONTAINS(err.msg, "models: must not be empty");
	test_write_file(path, "{\"schema_version\": 1, \"models\": [3]}", 36);
	CHECK_INT(catalog_load(path, &cat, &err), -1);
	CHECK_CONTAINS(err.msg, "models[0]: entry: must be an object");
	CHECK_INT(catalog_load("/nonexistent/models.json", &cat, &err), -1);
	CHECK_CONTAINS(err.msg, "/nonexistent/models.json");
}

/* What `canirun add` writes for a model reads back as the same model: the
 * hybrid's layer letters, Maverick's interleave, Gemma 3n's per-layer
 * embeddings and V3.2's indexer included (each changes the tensor list). */
static void entries_round_trip(void)
{
	static const char *const ids[] = { "granite4:tiny-h", "llama4:128x17b", "gemma3n:e2b",
					   "deepseek-v3.2:671b" };
	struct catalog cat = { 0 };
	struct error err;

	if (!CHECK(catalog_load(data_catalog(), &cat, &err) == 0))
		return;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct model *m = catalog_find(&cat, ids[i]);
		cJSON *entry = m ? catalog_entry_json(m) : NULL;
		cJSON *root = cJSON_CreateObject(), *models = cJSON_AddArrayToObject(root, "models");
		char *text, path[] = "/tmp/canirun-roundtrip-XXXXXX";
		struct catalog back = { 0 };
		int fd = mkstemp(path);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
		struct size_model a, b;

		if (!CHECK(entry != NULL && f != NULL)) {
			cJSON_Delete(entry);
			cJSON_Delete(root);
			if (f)
				fclose(f);
			continue;
		}
		cJSON_AddNumberToObject(root, "schema_version", 1);
		cJSON_AddItemToArray(models, entry);
		text = cJSON_Print(root);
		fputs(text, f);
		fclose(f);
		free(text);
		cJSON_Delete(root);
		if (CHECK(catalog_load(path, &back, &err) == 0) && CHECK_INT(back.count, 1) &&
		    CHECK(gguf_size_compute(m, FTYPE_Q4_K_M, NULL, &a, &err) == 0)) {
			if (CHECK(gguf_size_compute(&back.models[0], FTYPE_Q4_K_M, NULL, &b, &err) == 0)) {
				CHECK_INT(b.n_tensors, a.n_tensors);
				CHECK_INT(b.params, a.params);
				CHECK_INT(b.file_bytes, a.file_bytes);
				CHECK_INT(back.models[0].kv_layers, m->kv_layers);
				size_model_release(&b);
			}
			size_model_release(&a);
		}
		catalog_release(&back);
		unlink(path);
	}
	catalog_release(&cat);
}

TESTS(T(shipped_catalogue), T(fixture_catalogue), T(find_and_suggest),
      T(broken_catalogues), T(broken_files), T(entries_round_trip));
