/* `canirun gguf FILE` and `canirun local` end to end: files written by the
 * test GGUF writer, an Ollama store under a fake HOME, a broken file. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gguf_writer.h"
#include "testlib.h"

#define HEX "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static char profile[512];

/* Deterministic hardware: one RTX 3090, 64 GiB, measured CPU rates. */
__attribute__((constructor)) static void set_profile(void)
{
	snprintf(profile, sizeof(profile), "%s", test_path("fixtures/profiles/desktop-3090.json"));
}

static const char *tmp(const char *rel)
{
	static char path[4][600];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, 600, "%s/%s", test_tmpdir(), rel);
	return p;
}

static size_t write_tiny(const char *path)
{
	struct gw w = { 0 };
	size_t len;

	gw_tiny_llama(&w, 3);
	len = w.len;
	gw_save(&w, path);
	return len;
}

static const cJSON *first_estimate(const cJSON *doc)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "estimates"), 0);
}

static void gguf_file_estimated_from_its_header(void)
{
	const char *file = tmp("Tiny-Llama.Q4_K_M.gguf");
	size_t bytes = write_tiny(file);
	const char *argv[] = { "gguf", file, "--json", "--hw", profile, NULL };
	int status;
	cJSON *doc = run_canirun_json(argv, NULL, &status);
	const cJSON *e = first_estimate(doc);

	CHECK_INT(status, 0);
	CHECK_STR(cJSON_GetObjectItem(e, "model")->valuestring, "Tiny-Llama.Q4_K_M");
	CHECK_STR(cJSON_GetObjectItem(e, "quant")->valuestring, "Q4_K_M");
	CHECK_INT(cJSON_GetObjectItem(e, "file_bytes")->valuedouble, bytes);
	CHECK_INT(cJSON_GetObjectItem(e, "layers")->valueint, 2);
	CHECK_STR(cJSON_GetObjectItem(e, "placement")->valuestring, "gpu");
	CHECK_STR(cJSON_GetObjectItem(e, "verdict")->valuestring, "fast");
	cJSON_Delete(doc);
}

static void broken_file_names_the_offset(void)
{
	const char *file = tmp("broken.gguf");
	const char *argv[] = { "gguf", file, NULL };
	char *out, *err;

	test_write_file(file, "GGUF\3\0\0\0\377\377\377\377\377\377\377\177", 16);
	CHECK_INT(run_canirun(argv, NULL, &out, &err), 1);
	CHECK_CONTAINS(err, "canirun: ");
	CHECK_CONTAINS(err, "broken.gguf: offset ");
	CHECK_STR(out, "");
	free(out);
	free(err);
}

static void ollama_store_listed(void)
{
	char manifest[1024], home[600], env_home[640];
	const char *env[] = { env_home, "OLLAMA_MODELS=", "HF_HOME=", "LLAMA_CACHE=",
			      "XDG_CACHE_HOME=", NULL };
	const char *argv[] = { "local", "--json", "--hw", profile, NULL };
	int status;
	cJSON *doc;
	const cJSON *e;

	snprintf(home, sizeof(home), "%s", tmp("home"));
	snprintf(env_home, sizeof(env_home), "HOME=%s", home);
	snprintf(manifest, sizeof(manifest), "mkdir -p %s/.ollama/models/blobs "
		 "%s/.ollama/models/manifests/registry.ollama.ai/library/tiny", home, home);
	CHECK_INT(system(manifest), 0);
	write_tiny(tmp("home/.ollama/models/blobs/sha256-" HEX));
	snprintf(manifest, sizeof(manifest), "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":"
		 "\"application/vnd.ollama.image.model\",\"digest\":\"sha256:" HEX "\",\"size\":1}]}");
	test_write_file(tmp("home/.ollama/models/manifests/registry.ollama.ai/library/tiny/latest"),
			manifest, strlen(manifest));
	doc = run_canirun_json(argv, env, &status);
	e = first_estimate(doc);
	CHECK_INT(status, 0);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "estimates")), 1);
	CHECK_STR(cJSON_GetObjectItem(e, "model")->valuestring, "tiny:latest");
	CHECK_CONTAINS(cJSON_GetObjectItem(e, "file")->valuestring, "sha256-" HEX);
	cJSON_Delete(doc);
}

/* No downloads: the stores looked in are named, the empty one and the
 * missing ones told apart. */
static void empty_stores_named(void)
{
	char home[600], env_home[640], cmd[1400], want[1400];
	const char *env[] = { env_home, "OLLAMA_MODELS=", "HF_HOME=", "HF_HUB_CACHE=",
			      "LLAMA_CACHE=", "XDG_CACHE_HOME=", NULL };
	const char *argv[] = { "local", "--hw", profile, NULL };
	const char *json_argv[] = { "local", "--json", "--hw", profile, NULL };
	char *out, *err;
	int status;
	cJSON *doc;
	const cJSON *first;

	snprintf(home, sizeof(home), "%s", tmp("emptyhome"));
	snprintf(env_home, sizeof(env_home), "HOME=%s", home);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/.ollama/models/manifests", home);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(run_canirun(argv, env, &out, &err), 0);
	CHECK_CONTAINS(out, "No downloaded models found. Looked in:");
	snprintf(want, sizeof(want), "ollama       %s/.ollama/models/manifests (no models)", home);
	CHECK_CONTAINS(out, want);
	snprintf(want, sizeof(want), "huggingface  %s/.cache/huggingface/hub (not there)", home);
	CHECK_CONTAINS(out, want);
	snprintf(want, sizeof(want), "lmstudio     %s/.lmstudio/models (not there)", home);
	CHECK_CONTAINS(out, want);
	free(out);
	free(err);
	doc = run_canirun_json(json_argv, env, &status);
	CHECK_INT(status, 0);
	first = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "stores_searched"), 0);
	if (CHECK(first != NULL)) {
		CHECK_STR(cJSON_GetObjectItem(first, "store")->valuestring, "ollama");
		CHECK(cJSON_IsTrue(cJSON_GetObjectItem(first, "exists")));
		CHECK_INT(cJSON_GetObjectItem(first, "models")->valuedouble, 0);
	}
	cJSON_Delete(doc);
}

TESTS(T(gguf_file_estimated_from_its_header), T(broken_file_names_the_offset),
      T(ollama_store_listed), T(empty_stores_named));
