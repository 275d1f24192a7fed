/* test_localstore.c - finding downloaded models in fixture stores built
 * under test_tmpdir(): an Ollama store, a Hugging Face cache with links and
 * a split model, a llama.cpp cache and LM Studio folders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gguf_writer.h"
#include "model/localstore.h"
#include "testlib.h"

#define LLAMA_TENSOR_BYTES 474696   /* test_gguf.c spells it out */
#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define HEX_D "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"

static const char *at(const char *fmt, const char *a)
{
	static char buf[4][1024];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], fmt, test_tmpdir(), a);
	return buf[i];
}

/* mkdir -p of the folder holding path. */
static void make_parent(const char *path)
{
	char dir[1024];
	char *p;

	snprintf(dir, sizeof dir, "%s", path);
	for (p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			abort();
		*p = '/';
	}
}

static size_t write_llama(const char *path)
{
	struct gw w = { 0 };
	size_t len;

	gw_tiny_llama(&w, 3);
	len = w.len;
	make_parent(path);
	gw_save(&w, path);
	return len;
}

static void write_text(const char *path, const char *text)
{
	make_parent(path);
	test_write_file(path, text, strlen(text));
}

static void link_to(const char *target, const char *path)
{
	make_parent(path);
	if (symlink(target, path) != 0)
		abort();
}

/* Split parts holding tensors [from, to) of the tiny llama. */
static size_t write_part(const char *path, size_t from, size_t to)
{
	struct gw w = { 0 };
	size_t len;

	gw_header(&w, 3, to - from, 1);
	gw_kv_str(&w, "general.architecture", "llama");
	gw_tensors(&w, gw_llama_tensors + from, to - from, 32);
	len = w.len;
	make_parent(path);
	gw_save(&w, path);
	return len;
}

static void write_manifest(const char *path, const char *hex)
{
	char json[1024];

	snprintf(json, sizeof json, "{\"schemaVersion\":2,\"layers\":["
		 "{\"mediaType\":\"application/vnd.ollama.image.projector\","
		 "\"digest\":\"sha256:" HEX_D "\",\"size\":1},"
		 "{\"mediaType\":\"application/vnd.ollama.image.model\","
		 "\"digest\":\"sha256:%s\",\"size\":1},"
		 "{\"mediaType\":\"application/vnd.ollama.image.template\","
		 "\"digest\":\"sha256:" HEX_D "\",\"size\":1}]}", hex);
	write_text(path, json);
}

static size_t split_bytes;
static size_t llama_bytes;

static void build_stores(void)
{
	const char *om = "%s/home/.ollama/models/%s";
	const char *hf = "%s/hf/hub/models--org--Repo-GGUF/%s";
	struct gw w = { 0 };

	llama_bytes = write_llama(at(om, "blobs/sha256-" HEX_A));
	write_llama(at(om, "blobs/sha256-" HEX_C));
	test_write_file(at(om, "blobs/sha256-" HEX_B), "GGUF\3\0\0\0\1\0\0", 11);
	write_manifest(at(om, "manifests/registry.ollama.ai/library/tiny/latest"), HEX_A);
	write_manifest(at(om, "manifests/registry.ollama.ai/someone/custom/v1"), HEX_B);
	write_manifest(at(om, "manifests/hf.co/bartowski/x/Q4"), HEX_C);
	write_manifest(at(om, "manifests/registry.ollama.ai/library/gone/latest"),
		       "0123456789012345678901234567890123456789012345678901234567890123");
	write_text(at(om, "manifests/registry.ollama.ai/library/junk/latest"), "{]");

	write_llama(at(hf, "blobs/1111"));
	link_to("../../blobs/1111", at(hf, "snapshots/rev1/tiny-Q4_K_M.gguf"));
	link_to("../../blobs/nothing", at(hf, "snapshots/rev1/gone.gguf"));
	write_llama(at(hf, "snapshots/rev1/mmproj-f16.gguf"));
	split_bytes = write_part(at(hf, "snapshots/rev1/sub/big-00001-of-00002.gguf"), 0, 5);
	split_bytes += write_part(at(hf, "snapshots/rev1/sub/big-00002-of-00002.gguf"), 5, 11);

	write_text(at("%s/llamacache/%s", "broken.gguf"), "GGML");
	write_llama(at("%s/llamacache/%s", "org_repo_tiny.gguf"));
	write_text(at("%s/llamacache/%s", "notes.txt"), "not a model");

	link_to(at(hf, "blobs/1111"),
		at("%s/home/.lmstudio/models/%s", "lmstudio-community/Tiny-GGUF/tiny.gguf"));
	gw_header(&w, 3, 0, 1);
	gw_kv_str(&w, "general.architecture", "clip");
	make_parent(at("%s/home/.lmstudio/models/%s", "pub/Repo/projector.gguf"));
	gw_save(&w, at("%s/home/.lmstudio/models/%s", "pub/Repo/projector.gguf"));
	write_llama(at("%s/home/.lmstudio/models/%s", "pub/Repo/x.gguf"));
}

static void set_env(const char *name, const char *value)
{
	if (value ? setenv(name, value, 1) : unsetenv(name))
		abort();
}

static void use_default_env(void)
{
	set_env("HOME", at("%s/%s", "home"));
	set_env("HF_HOME", at("%s/%s", "hf"));
	set_env("LLAMA_CACHE", at("%s/%s", "llamacache"));
	set_env("OLLAMA_MODELS", NULL);
	set_env("HF_HUB_CACHE", NULL);
	set_env("XDG_CACHE_HOME", NULL);
}

static void check_model(const struct local_model *m, enum local_store store,
			const char *id, const char *file, bool parsed)
{
	CHECK_STR(localstore_name(m->store), localstore_name(store));
	CHECK_STR(m->id, id);
	CHECK_STR(m->file, file);
	CHECK_INT(m->parsed, parsed);
	if (parsed && CHECK(m->gguf.n_tensors > 0))
		CHECK_INT(m->gguf.sizes.tensor_bytes, LLAMA_TENSOR_BYTES);
}

static void finds_every_store(void)
{
	static const struct localstore_options no_system = { "" };
	struct local_models found;
	struct warnings w = { 0 };
	struct error err = { "" };
	const struct local_model *m;

	build_stores();
	use_default_env();
	if (!CHECK(localstore_scan(&no_system, &found, &w, &err) == 0)) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	if (!CHECK_INT(found.count, 8))
		for (size_t i = 0; i < found.count; i++)
			fprintf(stderr, "  found %s %s\n", found.items[i].id,
				found.items[i].path);
	if (found.count != 8)
		goto out;
	m = found.items;
	check_model(&m[0], LOCAL_OLLAMA, "hf.co/bartowski/x:Q4", "sha256-" HEX_C, true);
	check_model(&m[1], LOCAL_OLLAMA, "tiny:latest", "sha256-" HEX_A, true);
	CHECK_STR(m[1].path, at("%s/home/.ollama/models/%s", "blobs/sha256-" HEX_A));
	CHECK_INT(m[1].file_bytes, llama_bytes);
	CHECK_INT(m[1].parts, 1);
	CHECK_STR(m[1].gguf.arch.name, "llama");
	check_model(&m[2], LOCAL_OLLAMA, "someone/custom:v1", "sha256-" HEX_B, false);
	CHECK_CONTAINS(m[2].error, "sha256-" HEX_B ": offset 8: file ends inside "
		       "tensor count");
	CHECK_INT(m[2].file_bytes, 11);
	check_model(&m[3], LOCAL_HUGGINGFACE, "org/Repo-GGUF", "big-00001-of-00002.gguf", true);
	CHECK_INT(m[3].parts, 2);
	CHECK_INT(m[3].file_bytes, split_bytes);
	CHECK_INT(m[3].gguf.n_tensors, 11);
	CHECK_INT(m[3].gguf.sizes.n_layers, 2);
	check_model(&m[4], LOCAL_HUGGINGFACE, "org/Repo-GGUF", "tiny-Q4_K_M.gguf", true);
	CHECK_STR(m[4].gguf.file_type_name, "Q4_K_M");
	check_model(&m[5], LOCAL_LLAMACPP, "broken", "broken.gguf", false);
	CHECK_CONTAINS(m[5].error, "broken.gguf: offset 0: not a GGUF file");
	check_model(&m[6], LOCAL_LLAMACPP, "org_repo_tiny", "org_repo_tiny.gguf", true);
	check_model(&m[7], LOCAL_LMSTUDIO, "pub/Repo", "x.gguf", true);
	/* the LM Studio link to the HF blob is not listed twice */
	CHECK_INT(w.count, 3);
	CHECK_CONTAINS(w.msg[0], "blobs/sha256-0123456789");
	CHECK_CONTAINS(w.msg[1], "junk/latest: line 1: not valid JSON");
	CHECK_CONTAINS(w.msg[2], "snapshots/rev1/gone.gguf: No such file or directory");
out:
	localstore_release(&found);
	CHECK_INT(found.count, 0);
}

static void a_missing_split_part_is_reported(void)
{
	static const struct localstore_options no_system = { "" };
	struct local_models found;
	struct warnings w = { 0 };
	struct error err;

	write_part(at("%s/split/cache/%s", "m-00001-of-00003.gguf"), 0, 5);
	write_part(at("%s/split/cache/%s", "m-00002-of-00003.gguf"), 5, 11);
	set_env("HOME", at("%s/%s", "split/nohome"));
	set_env("LLAMA_CACHE", at("%s/%s", "split/cache"));
	set_env("HF_HOME", NULL);
	if (!CHECK(localstore_scan(&no_system, &found, &w, &err) == 0))
		return;
	if (CHECK_INT(found.count, 1)) {
		CHECK_STR(found.items[0].id, "m-00001-of-00003");
		CHECK_INT(found.items[0].parsed, false);
		CHECK_INT(found.items[0].parts, 2);
		CHECK_CONTAINS(found.items[0].error, "m-00001-of-00003.gguf: split "
			       "part 3 of 3 is missing");
	}
	localstore_release(&found);
}

/* OLLAMA_MODELS replaces the home store; HF_HUB_CACHE and XDG_CACHE_HOME
 * name the caches; with an empty HOME nothing else is looked at. */
static void environment_picks_the_stores(void)
{
	static const struct localstore_options no_system = { "" };
	struct local_models found;
	struct warnings w = { 0 };
	struct error err;

	write_llama(at("%s/env/om/%s", "blobs/sha256-" HEX_A));
	write_manifest(at("%s/env/om/%s", "manifests/registry.ollama.ai/library/m/7b"), HEX_A);
	write_llama(at("%s/env/hub/%s", "models--a--b/snapshots/r/f.gguf"));
	write_llama(at("%s/env/xdg/%s", "llama.cpp/c.gguf"));
	set_env("HOME", at("%s/%s", "env/emptyhome"));
	set_env("OLLAMA_MODELS", at("%s/%s", "env/om"));
	set_env("HF_HUB_CACHE", at("%s/%s", "env/hub"));
	set_env("HF_HOME", at("%s/%s", "hf"));
	set_env("LLAMA_CACHE", "");
	set_env("XDG_CACHE_HOME", at("%s/%s", "env/xdg"));
	if (!CHECK(localstore_scan(&no_system, &found, &w, &err) == 0))
		return;
	if (CHECK_INT(found.count, 3)) {
		CHECK_STR(found.items[0].id, "m:7b");
		CHECK_STR(found.items[1].id, "a/b");
		CHECK_STR(found.items[2].id, "c");
	}
	CHECK_INT(w.count, 0);
	localstore_release(&found);
}

static void no_stores_no_models(void)
{
	struct local_models found;
	struct warnings w = { 0 };
	struct error err;
	struct localstore_options sys = { at("%s/%s", "nowhere") };

	set_env("HOME", at("%s/%s", "nowhere"));
	set_env("OLLAMA_MODELS", NULL);
	set_env("HF_HUB_CACHE", NULL);
	set_env("HF_HOME", NULL);
	set_env("LLAMA_CACHE", NULL);
	set_env("XDG_CACHE_HOME", NULL);
	CHECK(localstore_scan(&sys, &found, &w, &err) == 0);
	CHECK_INT(found.count, 0);
	CHECK_INT(w.count, 0);
	localstore_release(&found);
}

TESTS(T(finds_every_store), T(a_missing_split_part_is_reported),
      T(environment_picks_the_stores), T(no_stores_no_models));
