#include "estimate/lineup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/gguf_model.h"
#include "model/localstore.h"

static int append(struct lineup *l, int *cap, const struct estimate *e)
{
	if (l->count == *cap) {
		int bigger = *cap ? *cap * 2 : 64;
		struct estimate *items = realloc(l->items, (size_t)bigger * sizeof(*items));

		if (!items)
			return -1;
		l->items = items;
		*cap = bigger;
	}
	l->items[l->count++] = *e;
	return 0;
}

static int unknown_model(const struct catalog *cat, const char *name, struct error *err)
{
	const struct model *close[3];
	int n = catalog_suggest(cat, name, close, 3);

	if (n == 0)
		return error_set(err, "unknown model '%s' (see 'canirun report' for the list)", name);
	return error_set(err, "unknown model '%s'; did you mean: %s%s%s%s%s?", name,
			 close[0]->id, n > 1 ? ", " : "", n > 1 ? close[1]->id : "",
			 n > 2 ? ", " : "", n > 2 ? close[2]->id : "");
}

/* The estimates of one model, as the request wants them. */
static int add_model(const struct hardware *hw, const struct model *m,
		     const struct estimate_settings *set, const struct lineup_request *req,
		     struct lineup *out, int *cap, struct error *err)
{
	struct estimate e;
	enum ftype ft;

	if (req->quant) {
		if (ftype_by_name(req->quant, &ft) < 0)
			return error_set(err, "--quant: unknown type '%s' (Q4_K_M, Q8_0, F16, ...)",
					 req->quant);
		if (estimate_ftype(hw, m, ft, set, &e, err) < 0)
			return -1;
		return append(out, cap, &e) < 0 ? error_set(err, "out of memory") : 0;
	}
	if (!req->every_quant) {
		if (estimate_best(hw, m, set, &e, err) < 0)
			return -1;
		return append(out, cap, &e) < 0 ? error_set(err, "out of memory") : 0;
	}
	for (int i = 0; i < estimate_default_ftype_count; i++) {
		if (estimate_ftype(hw, m, estimate_default_ftypes[i], set, &e, err) < 0)
			return -1;
		if (append(out, cap, &e) < 0)
			return error_set(err, "out of memory");
	}
	return 0;
}

int lineup_build(const struct hardware *hw, const struct catalog *cat,
		 const struct estimate_settings *set, const struct lineup_request *req,
		 struct lineup *out, struct error *err)
{
	int cap = 0, n = req->name_count > 0 ? req->name_count : cat->count;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < n; i++) {
		const struct model *m = req->name_count > 0 ?
			catalog_find(cat, req->names[i]) : &cat->models[i];
		if (!m || add_model(hw, m, set, req, out, &cap, err) < 0) {
			lineup_release(out);
			return m ? -1 : unknown_model(cat, req->names[i], err);
		}
	}
	return 0;
}

void lineup_release(struct lineup *l)
{
	for (int i = 0; l->paths && i < l->model_count; i++)
		free(l->paths[i]);
	free(l->paths);
	free(l->models);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* Room for n file-based models, allocated once: items point into it. */
static int reserve_files(struct lineup *l, int n, struct error *err)
{
	memset(l, 0, sizeof(*l));
	l->items = calloc((size_t)(n > 0 ? n : 1), sizeof(*l->items));
	l->models = calloc((size_t)(n > 0 ? n : 1), sizeof(*l->models));
	l->paths = calloc((size_t)(n > 0 ? n : 1), sizeof(*l->paths));
	if (!l->items || !l->models || !l->paths) {
		lineup_release(l);
		return error_set(err, "out of memory");
	}
	return 0;
}

/* Estimates the parsed file f as model m (copied into l). */
static int add_file(const struct hardware *hw, const struct estimate_settings *set,
		    const struct gguf_file *f, const struct model *m, const char *path,
		    struct lineup *l, struct error *err)
{
	struct size_model s;
	int i = l->model_count;

	if (gguf_to_size_model(f, &s, err) < 0)
		return -1;
	l->models[i] = *m;
	l->paths[i] = strdup(path);
	l->model_count++;
	if (!l->paths[i]) {
		size_model_release(&s);
		return error_set(err, "out of memory");
	}
	estimate_model(hw, &l->models[i], &s, set, &l->items[l->count]);
	l->items[l->count++].file_path = l->paths[i];
	size_model_release(&s);
	return 0;
}

/* "dir/Llama-3-8B.Q4_K_M.gguf" -> "Llama-3-8B.Q4_K_M" */
static void file_id(const char *path, char *out, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".gguf") == 0)
		n -= 5;
	snprintf(out, size, "%.*s", (int)n, base);
}

int lineup_from_files(const struct hardware *hw, const struct estimate_settings *set,
		      const char *const *paths, int count, struct lineup *out,
		      struct error *err)
{
	if (reserve_files(out, count, err) < 0)
		return -1;
	for (int i = 0; i < count; i++) {
		struct gguf_file f;
		struct model m;
		char id[MODEL_ID_MAX];
		int rc;

		file_id(paths[i], id, sizeof(id));
		rc = gguf_open(paths[i], &f, err) < 0 || gguf_to_model(&f, id, &m, err) < 0 ||
		     add_file(hw, set, &f, &m, paths[i], out, err) < 0 ? -1 : 0;
		gguf_file_release(&f);
		if (rc < 0) {
			lineup_release(out);
			return -1;
		}
	}
	return 0;
}

/* The catalogue's entry for a local model (architecture details a header
 * lacks: tasks, the sliding-window layout), else the header's own view. */
static int local_model(const struct catalog *cat, const struct local_model *lm,
		       struct model *out, struct error *err)
{
	const struct model *known = catalog_find(cat, lm->id);

	if (known && known->layers == (int)lm->gguf.sizes.n_layers) {
		*out = *known;
		return 0;
	}
	return gguf_to_model(&lm->gguf, lm->id, out, err);
}

int lineup_from_local(const struct hardware *hw, const struct catalog *cat,
		      const struct estimate_settings *set, struct lineup *out,
		      struct warnings *w, struct error *err)
{
	struct local_models found;

	if (localstore_scan(NULL, &found, w, err) < 0)
		return -1;
	if (reserve_files(out, (int)found.count, err) < 0) {
		localstore_release(&found);
		return -1;
	}
	for (size_t i = 0; i < found.count; i++) {
		const struct local_model *lm = &found.items[i];
		struct model m;
		struct error why;

		if (!lm->parsed) {
			warn_add(w, "%s", lm->error); /* it names the file */
			continue;
		}
		if (local_model(cat, lm, &m, &why) < 0 ||
		    add_file(hw, set, &lm->gguf, &m, lm->path, out, &why) < 0)
			warn_add(w, "%s", why.msg);
	}
	localstore_release(&found);
	return 0;
}
