/* localstore.c - finds downloaded GGUF models; see localstore.h.
 *
 * Layouts: Ollama's server/modelpath.go and manifest.go (manifests under
 * <host>/<namespace>/<model>/<tag>, blobs named sha256-<hex>, the weights
 * in the layer of mediaType application/vnd.ollama.image.model);
 * huggingface_hub's cache layout (models--<org>--<repo>/snapshots/<rev>,
 * files linked into blobs/); llama.cpp common's fs_get_cache_directory
 * (LLAMA_CACHE, else XDG_CACHE_HOME or ~/.cache, plus "llama.cpp"); LM
 * Studio's <publisher>/<repo> model folders; split-file names from the
 * GGUF naming convention in ggml docs/gguf.md.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "util/jsonfile.h"
#include "util/numparse.h"
#include "model/localstore.h"

#define MANIFEST_MAX_BYTES (1u << 20)
#define NESTED_DIRS 3           /* folders inside a snapshot or repo folder */
#define OLLAMA_MODEL_MEDIA "application/vnd.ollama.image.model"
#define OLLAMA_REGISTRY "registry.ollama.ai"
#define OLLAMA_SYSTEM_DIR "/usr/share/ollama/.ollama/models"
#define SPLIT_SUFFIX_LEN 20     /* "-00001-of-00003.gguf" */

struct seen {
	dev_t dev;
	ino_t ino;
};

struct scan {
	struct local_models *out;
	size_t cap;
	struct seen *seen;
	size_t n_seen, cap_seen;
	struct warnings *w;
	struct error *err;
};

const char *localstore_name(enum local_store store)
{
	static const char *const names[] = {
		[LOCAL_OLLAMA] = "ollama", [LOCAL_HUGGINGFACE] = "huggingface",
		[LOCAL_LLAMACPP] = "llama.cpp", [LOCAL_LMSTUDIO] = "lmstudio",
	};

	return names[store];
}

static int oom(struct scan *s)
{
	return error_set(s->err, "local models: out of memory");
}

/* Grows *v (of *cap items of size item) to hold n + 1 items. */
static int grow(void *v, size_t *cap, size_t n, size_t item)
{
	void **p = v;
	size_t new_cap = *cap ? *cap * 2 : 16;
	void *q;

	if (n < *cap)
		return 0;
	q = realloc(*p, new_cap * item);
	if (!q)
		return -1;
	*p = q;
	*cap = new_cap;
	return 0;
}

static int join(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* 1 when st's file was met before (it is remembered), 0 if not, -1 on OOM. */
static int seen_before(struct scan *s, const struct stat *st)
{
	size_t i;

	for (i = 0; i < s->n_seen; i++)
		if (s->seen[i].dev == st->st_dev && s->seen[i].ino == st->st_ino)
			return 1;
	if (grow(&s->seen, &s->cap_seen, s->n_seen, sizeof *s->seen))
		return -1;
	s->seen[s->n_seen++] = (struct seen){ st->st_dev, st->st_ino };
	return 0;
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

typedef int (*entry_fn)(struct scan *s, const char *dir, const char *name,
			void *ctx);

/* Calls fn on each visible entry of dir, in name order so that results do
 * not depend on the file system; a missing dir has no entries. */
static int each_entry(struct scan *s, const char *dir, entry_fn fn, void *ctx)
{
	struct dirent **names;
	int n = scandir(dir, &names, not_hidden, alphasort), i, rc = 0;

	/* A store that is absent is no news; one that cannot be listed (not a
	 * directory, a symlink loop, no permission) is said. */
	if (n < 0 && errno != ENOENT)
		warn_add(s->w, "%s: cannot list: %s", dir, strerror(errno));
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = fn(s, dir, names[i]->d_name, ctx);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return rc;
}

/* ---- one model file ---------------------------------------------------- */

static bool ends_with_gguf(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcasecmp(name + n - 5, ".gguf") == 0;
}

/* "<stem>-00001-of-00003.gguf": sets part and total; -1 when not split. */
static int split_name(const char *name, int *part, int *total)
{
	size_t n = strlen(name);
	const char *p = name + n - SPLIT_SUFFIX_LEN;
	char a[6], b[6];
	int i;

	if (n <= SPLIT_SUFFIX_LEN || p[0] != '-' || strncmp(p + 6, "-of-", 4) ||
	    strcasecmp(p + 15, ".gguf"))
		return -1;
	for (i = 0; i < 5; i++)
		if (!isdigit((unsigned char)p[1 + i]) ||
		    !isdigit((unsigned char)p[10 + i]))
			return -1;
	memcpy(a, p + 1, 5);
	memcpy(b, p + 10, 5);
	a[5] = b[5] = '\0';
	if (parse_int(a, 1, 99999, part) || parse_int(b, 1, 99999, total) ||
	    *part > *total)
		return -1;
	return 0;
}

static void mark_broken(struct local_model *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void mark_broken(struct local_model *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->error, sizeof m->error, fmt, ap);
	va_end(ap);
	if (m->parsed)
		gguf_file_release(&m->gguf);
	m->parsed = false;
}

/* Parts 2..total of a split model: their bytes, and their tensors merged
 * into the first part's header. */
static void add_parts(struct local_model *m, const char *dir, int total)
{
	size_t stem = strlen(m->file) - SPLIT_SUFFIX_LEN;
	int k;

	for (k = 2; k <= total; k++) {
		char name[NAME_MAX + 1], path[PATH_MAX];
		struct gguf_file part;
		struct error e;
		struct stat st;

		snprintf(name, sizeof name, "%.*s-%05d-of-%05d.gguf", (int)stem,
			 m->file, k, total);
		if (join(path, dir, name) || stat(path, &st) != 0) {
			mark_broken(m, "%s: split part %d of %d is missing",
				    m->path, k, total);
			return;
		}
		m->file_bytes += (uint64_t)st.st_size;
		m->parts++;
		if (!m->parsed)
			continue;
		if (gguf_open(path, &part, &e) || gguf_add_split(&m->gguf, &part, &e))
			mark_broken(m, "%s", e.msg);
		gguf_file_release(&part);
	}
}

static int dup_fields(struct local_model *m, const char *id, const char *file,
		      const char *path)
{
	m->file = strdup(file);
	m->path = strdup(path);
	if (id)
		m->id = strdup(id);
	else if (m->file)               /* llama.cpp cache: the file's stem */
		m->id = strndup(file, strlen(file) - 5);
	return m->id && m->file && m->path ? 0 : -1;
}

static void release_model(struct local_model *m)
{
	free(m->id);
	free(m->file);
	free(m->path);
	gguf_file_release(&m->gguf);
}

/* Lists dir/file unless it is a projector, a later split part, or a file
 * already listed. id NULL: the file's stem. */
static int add_model(struct scan *s, enum local_store store, const char *id,
		     const char *dir, const char *file)
{
	char path[PATH_MAX];
	struct local_model *m;
	struct stat st;
	struct error e;
	int part = 1, total = 1, seen;

	if (strcasestr(file, "mmproj") ||
	    (split_name(file, &part, &total) == 0 && part != 1))
		return 0;
	if (join(path, dir, file) || stat(path, &st) != 0) {
		warn_add(s->w, "%s/%s: %s", dir, file, strerror(errno));
		return 0;
	}
	seen = S_ISREG(st.st_mode) ? seen_before(s, &st) : 1;
	if (seen)
		return seen < 0 ? oom(s) : 0;
	if (grow(&s->out->items, &s->cap, s->out->count, sizeof *m))
		return oom(s);
	m = &s->out->items[s->out->count];
	memset(m, 0, sizeof *m);
	m->store = store;
	m->file_bytes = (uint64_t)st.st_size;
	m->parts = 1;
	if (dup_fields(m, id, file, path)) {
		release_model(m);
		return oom(s);
	}
	m->parsed = gguf_open(path, &m->gguf, &e) == 0;
	if (!m->parsed)
		snprintf(m->error, sizeof m->error, "%s", e.msg);
	if (m->parsed && m->gguf.arch.name && strcmp(m->gguf.arch.name, "clip") == 0) {
		release_model(m);       /* a projector without "mmproj" in its name */
		return 0;
	}
	if (total > 1)
		add_parts(m, dir, total);
	s->out->count++;
	return 0;
}

/* ---- folders of .gguf files (HF snapshots, LM Studio, llama.cpp) ------ */

struct walk {
	enum local_store store;
	const char *id;
	int depth;              /* folders still to descend */
};

static int walk_entry(struct scan *s, const char *dir, const char *name,
		      void *ctx)
{
	const struct walk *wk = ctx;
	char path[PATH_MAX];
	struct walk sub = *wk;

	if (ends_with_gguf(name))
		return add_model(s, wk->store, wk->id, dir, name);
	if (wk->depth == 0 || join(path, dir, name) || !is_dir(path))
		return 0;
	sub.depth--;
	return each_entry(s, path, walk_entry, &sub);
}

/* models--<org>--<repo>: id "org/repo", files under snapshots/<rev>/. */
static int hf_repo(struct scan *s, const char *hub, const char *name, void *ctx)
{
	char id[NAME_MAX + 1], path[PATH_MAX];
	const char *sep;
	struct walk wk = { LOCAL_HUGGINGFACE, id, 1 + NESTED_DIRS };
	int n;

	(void)ctx;
	if (strncmp(name, "models--", 8) != 0 || !(sep = strstr(name + 8, "--")))
		return 0;
	n = snprintf(id, sizeof id, "%.*s/%s", (int)(sep - name - 8), name + 8,
		     sep + 2);
	if (n < 0 || (size_t)n >= sizeof id)
		return 0;
	n = snprintf(path, sizeof path, "%s/%s/snapshots", hub, name);
	if (n < 0 || (size_t)n >= sizeof path)
		return 0;
	return each_entry(s, path, walk_entry, &wk);
}

/* <publisher>/<repo>/...: id "publisher/repo". */
static int lms_repo(struct scan *s, const char *dir, const char *name, void *ctx)
{
	const char *publisher = ctx;
	char id[2 * NAME_MAX + 2], path[PATH_MAX];
	struct walk wk = { LOCAL_LMSTUDIO, id, NESTED_DIRS };

	snprintf(id, sizeof id, "%s/%s", publisher, name);
	if (join(path, dir, name) || !is_dir(path))
		return 0;
	return each_entry(s, path, walk_entry, &wk);
}

static int lms_publisher(struct scan *s, const char *dir, const char *name,
			 void *ctx)
{
	char path[PATH_MAX];

	(void)ctx;
	if (join(path, dir, name) || !is_dir(path))
		return 0;
	return each_entry(s, path, lms_repo, (void *)name);
}

/* ---- Ollama ------------------------------------------------------------ */

/* The hex digest of the model layer, or NULL. */
static const char *ollama_model_digest(const cJSON *manifest)
{
	const cJSON *layer;

	cJSON_ArrayForEach(layer, cJSON_GetObjectItemCaseSensitive(manifest, "layers")) {
		const char *media = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(layer, "mediaType"));
		const char *digest = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(layer, "digest"));
		size_t i;

		if (!media || strcmp(media, OLLAMA_MODEL_MEDIA) != 0 || !digest ||
		    strncmp(digest, "sha256:", 7) != 0 || strlen(digest) != 7 + 64)
			continue;
		for (i = 7; digest[i]; i++)
			if (!isxdigit((unsigned char)digest[i]))
				return NULL;
		return digest + 7;
	}
	return NULL;
}

/* "model:tag" for the library, "ns/model:tag" for other namespaces of the
 * registry, "host/ns/model:tag" for other hosts (as Ollama shows them). */
static void ollama_id(char *out, size_t size, const char *const part[3],
		      const char *tag)
{
	if (strcmp(part[0], OLLAMA_REGISTRY) != 0)
		snprintf(out, size, "%s/%s/%s:%s", part[0], part[1], part[2], tag);
	else if (strcmp(part[1], "library") != 0)
		snprintf(out, size, "%s/%s:%s", part[1], part[2], tag);
	else
		snprintf(out, size, "%s:%s", part[2], tag);
}

struct ollama_walk {
	const char *root;
	const char *part[3];    /* host, namespace, model */
	int level;
};

static int ollama_manifest(struct scan *s, const struct ollama_walk *ow,
			   const char *tag, const char *path)
{
	char id[4 * NAME_MAX + 4], blobs[PATH_MAX], blob[80];
	struct error e;
	const char *hex;
	cJSON *json = json_load_file(path, MANIFEST_MAX_BYTES, &e);
	int rc = 0;

	if (!json) {
		warn_add(s->w, "%s", e.msg);
		return 0;
	}
	hex = ollama_model_digest(json);
	if (!hex) {
		warn_add(s->w, "%s: not an Ollama manifest with a model layer", path);
	} else {
		ollama_id(id, sizeof id, ow->part, tag);
		snprintf(blob, sizeof blob, "sha256-%s", hex);
		if (join(blobs, ow->root, "blobs") == 0)
			rc = add_model(s, LOCAL_OLLAMA, id, blobs, blob);
	}
	cJSON_Delete(json);
	return rc;
}

/* manifests/<host>/<namespace>/<model>/<tag> */
static int ollama_entry(struct scan *s, const char *dir, const char *name,
			void *ctx)
{
	const struct ollama_walk *ow = ctx;
	struct ollama_walk sub = *ow;
	char path[PATH_MAX];

	if (join(path, dir, name))
		return 0;
	if (ow->level == 3)
		return is_dir(path) ? 0 : ollama_manifest(s, ow, name, path);
	if (!is_dir(path))
		return 0;
	sub.part[sub.level++] = name;
	return each_entry(s, path, ollama_entry, &sub);
}

/* Scans dir with fn, recording it in the list of directories looked in. */
static int scan_store(struct scan *s, enum local_store store, const char *dir, entry_fn fn,
		      void *ctx)
{
	struct local_models *out = s->out;
	struct local_store_dir *d = &out->dirs[out->dir_count];
	size_t before = out->count;
	int rc;

	if (out->dir_count == LOCAL_STORE_DIRS_MAX)
		return each_entry(s, dir, fn, ctx);
	if (!(d->path = strdup(dir)))
		return error_set(s->err, "out of memory");
	d->store = store;
	d->exists = is_dir(dir);
	out->dir_count++;
	rc = each_entry(s, dir, fn, ctx);
	d->models = out->count - before;
	return rc;
}

static int scan_ollama(struct scan *s, const char *root)
{
	struct ollama_walk ow = { root, { NULL, NULL, NULL }, 0 };
	char path[PATH_MAX];

	if (join(path, root, "manifests"))
		return 0;
	return scan_store(s, LOCAL_OLLAMA, path, ollama_entry, &ow);
}

/* ---- where the stores are ---------------------------------------------- */

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* $dir_var, else $base_var + base_suffix, else ${XDG_CACHE_HOME:-
 * $HOME/.cache} + cache_suffix. -1 when none is set. */
static int cache_dir(char *out, const char *dir_var, const char *base_var,
		     const char *base_suffix, const char *cache_suffix)
{
	const char *v;
	int n;

	if ((v = env(dir_var)))
		n = snprintf(out, PATH_MAX, "%s", v);
	else if (base_var && (v = env(base_var)))
		n = snprintf(out, PATH_MAX, "%s%s", v, base_suffix);
	else if ((v = env("XDG_CACHE_HOME")))
		n = snprintf(out, PATH_MAX, "%s%s", v, cache_suffix);
	else if ((v = env("HOME")))
		n = snprintf(out, PATH_MAX, "%s/.cache%s", v, cache_suffix);
	else
		return -1;
	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

static int scan_ollama_stores(struct scan *s, const struct localstore_options *o)
{
	const char *sys = o && o->ollama_system_dir ? o->ollama_system_dir
						    : OLLAMA_SYSTEM_DIR;
	char path[PATH_MAX];

	if (env("OLLAMA_MODELS"))
		return scan_ollama(s, env("OLLAMA_MODELS"));
	if (env("HOME") && join(path, env("HOME"), ".ollama/models") == 0 &&
	    scan_ollama(s, path))
		return -1;
	return *sys ? scan_ollama(s, sys) : 0;
}

static int scan_folder_stores(struct scan *s)
{
	static const char *const lms_dirs[] = { ".lmstudio/models",
						".cache/lm-studio/models" };
	struct walk llama = { LOCAL_LLAMACPP, NULL, 0 };
	char path[PATH_MAX];
	size_t i;

	if (cache_dir(path, "HF_HUB_CACHE", "HF_HOME", "/hub", "/huggingface/hub") == 0 &&
	    scan_store(s, LOCAL_HUGGINGFACE, path, hf_repo, NULL))
		return -1;
	if (cache_dir(path, "LLAMA_CACHE", NULL, NULL, "/llama.cpp") == 0 &&
	    scan_store(s, LOCAL_LLAMACPP, path, walk_entry, &llama))
		return -1;
	for (i = 0; i < 2 && env("HOME"); i++)
		if (join(path, env("HOME"), lms_dirs[i]) == 0 &&
		    scan_store(s, LOCAL_LMSTUDIO, path, lms_publisher, NULL))
			return -1;
	return 0;
}

int localstore_scan(const struct localstore_options *opts,
		    struct local_models *out, struct warnings *w,
		    struct error *err)
{
	struct scan s = { out, 0, NULL, 0, 0, w, err };
	int rc;

	memset(out, 0, sizeof *out);
	rc = scan_ollama_stores(&s, opts) || scan_folder_stores(&s) ? -1 : 0;
	free(s.seen);
	if (rc)
		localstore_release(out);
	return rc;
}

void localstore_release(struct local_models *m)
{
	size_t i;

	for (i = 0; i < m->count; i++)
		release_model(&m->items[i]);
	for (int d = 0; d < m->dir_count; d++)
		free(m->dirs[d].path);
	free(m->items);
	memset(m, 0, sizeof *m);
}
