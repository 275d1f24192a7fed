#include "model/catalog.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "model/arch.h"
#include "util/jsonfile.h"
#include "util/namematch.h"

#define CATALOG_FILE_MAX (16 * 1024 * 1024)

/* Where we are while reading one entry, for error messages. */
struct entry_ctx {
	const char *path;
	int index;
	const char *id;         /* "" until the id is read */
	struct error *err;
};

static int entry_error(const struct entry_ctx *c, const char *field,
		       const char *why)
{
	if (c->id[0])
		return error_set(c->err, "%s: models[%d] (%s): %s: %s",
				 c->path, c->index, c->id, field, why);
	return error_set(c->err, "%s: models[%d]: %s: %s", c->path, c->index,
			 field, why);
}

/* Reads an integer field. A missing or null field is an error when
 * required, else leaves *out alone and returns 0. */
static int get_int(const struct entry_ctx *c, const cJSON *obj,
		   const char *key, const char *field, int64_t min, int64_t max,
		   bool required, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char why[96];

	if (!v || cJSON_IsNull(v))
		return required ? entry_error(c, field, "missing") : 0;
	/* 2^53: beyond it a JSON number no longer holds every integer. */
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    fabs(v->valuedouble) > 9007199254740992.0)
		return entry_error(c, field, "must be an integer");
	if (v->valuedouble < (double)min || v->valuedouble > (double)max) {
		snprintf(why, sizeof(why), "must be between %lld and %lld",
			 (long long)min, (long long)max);
		return entry_error(c, field, why);
	}
	*out = (int64_t)v->valuedouble;
	return 0;
}

static int get_int32(const struct entry_ctx *c, const cJSON *obj,
		     const char *key, const char *field, int min, int max,
		     bool required, int *out)
{
	int64_t v = *out;

	if (get_int(c, obj, key, field, min, max, required, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static int copy_text(const struct entry_ctx *c, const cJSON *v,
		     const char *field, char *out, size_t size)
{
	size_t len;

	if (!cJSON_IsString(v))
		return entry_error(c, field, "must be a string");
	len = strlen(v->valuestring);
	if (len >= size) {
		char why[64];

		snprintf(why, sizeof(why), "too long (at most %zu bytes)",
			 size - 1);
		return entry_error(c, field, why);
	}
	memcpy(out, v->valuestring, len + 1);
	return 0;
}

static int get_text(const struct entry_ctx *c, const cJSON *obj,
		    const char *key, bool required, char *out, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v || cJSON_IsNull(v))
		return required ? entry_error(c, key, "missing") : 0;
	return copy_text(c, v, key, out, size);
}

static int get_bool(const struct entry_ctx *c, const cJSON *obj,
		    const char *key, bool required, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v || cJSON_IsNull(v))
		return required ? entry_error(c, key, "missing") : 0;
	if (!cJSON_IsBool(v))
		return entry_error(c, key, "must be true or false");
	*out = cJSON_IsTrue(v);
	return 0;
}

/* A nested object that may be null: returns 1 when present, 0 when null,
 * -1 when missing or not an object. */
static int get_section(const struct entry_ctx *c, const cJSON *obj,
		       const char *key, const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v)
		return entry_error(c, key, "missing (use null when absent)");
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return entry_error(c, key, "must be an object or null");
	*out = v;
	return 1;
}

static const char *const task_names[] = {
	"chat", "code", "reasoning", "vision", "tools", "embedding",
};

const char *model_task_name(unsigned task)
{
	for (size_t i = 0; i < sizeof(task_names) / sizeof(task_names[0]); i++)
		if (task == 1u << i)
			return task_names[i];
	return NULL;
}

unsigned model_task_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(task_names) / sizeof(task_names[0]); i++)
		if (strcasecmp(name, task_names[i]) == 0)
			return 1u << i;
	return 0;
}

static int get_tasks(const struct entry_ctx *c, const cJSON *obj,
		     unsigned *out)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "tasks");
	const cJSON *v;

	if (!cJSON_IsArray(arr))
		return entry_error(c, "tasks", "must be an array of task names");
	*out = 0;
	cJSON_ArrayForEach(v, arr) {
		unsigned bit = cJSON_IsString(v) ? model_task_parse(v->valuestring) : 0;

		if (!bit)
			return entry_error(c, "tasks", "unknown task (chat, code, "
					   "reasoning, vision, tools, embedding)");
		*out |= bit;
	}
	return 0;
}

static int get_aliases(const struct entry_ctx *c, const cJSON *obj,
		       struct model *m)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "aliases");
	const cJSON *v;

	if (!arr || cJSON_IsNull(arr))
		return 0;
	if (!cJSON_IsArray(arr))
		return entry_error(c, "aliases", "must be an array of strings");
	cJSON_ArrayForEach(v, arr) {
		if (m->alias_count == MODEL_ALIASES_MAX)
			return entry_error(c, "aliases", "too many (at most 8)");
		if (copy_text(c, v, "aliases", m->aliases[m->alias_count],
			      MODEL_TEXT_MAX) < 0)
			return -1;
		if (!m->aliases[m->alias_count][0])
			return entry_error(c, "aliases", "must not be empty");
		m->alias_count++;
	}
	return 0;
}

static int get_ffn_kind(const struct entry_ctx *c, const cJSON *obj,
			enum ffn_kind *out)
{
	char kind[16] = "swiglu";

	if (get_text(c, obj, "ffn_kind", false, kind, sizeof(kind)) < 0)
		return -1;
	if (strcmp(kind, "swiglu") == 0 || strcmp(kind, "geglu") == 0)
		*out = FFN_GATED;
	else if (strcmp(kind, "gelu") == 0 || strcmp(kind, "relu2") == 0)
		*out = FFN_PLAIN;
	else
		return entry_error(c, "ffn_kind", "must be \"swiglu\", \"geglu\", "
				   "\"gelu\" or \"relu2\"");
	return 0;
}

static int read_moe(const struct entry_ctx *c, const cJSON *obj,
		    struct model *m)
{
	const cJSON *s = NULL;
	int r = get_section(c, obj, "moe", &s);
	struct model_moe *e = &m->moe;

	if (r <= 0)
		return r;
	m->has_moe = true;
	if (get_int32(c, s, "experts", "moe.experts", 2, 4096, true,
		      &e->experts) < 0 ||
	    get_int32(c, s, "experts_used", "moe.experts_used", 1, 4096, true,
		      &e->experts_used) < 0 ||
	    get_int(c, s, "expert_ffn", "moe.expert_ffn", 1, 1 << 20, true,
		    &e->expert_ffn) < 0 ||
	    get_int32(c, s, "shared_experts", "moe.shared_experts", 0, 64,
		      false, &e->shared_experts) < 0 ||
	    get_int(c, s, "shared_ffn", "moe.shared_ffn", 0, 1 << 20, false,
		    &e->shared_ffn) < 0 ||
	    get_int32(c, s, "dense_layers", "moe.dense_layers", 0, 1024,
		      false, &e->dense_layers) < 0)
		return -1;
	e->layer_step = 1;
	if (get_int32(c, s, "layer_step", "moe.layer_step", 1, 64, false,
		      &e->layer_step) < 0)
		return -1;
	if (e->experts_used > e->experts)
		return entry_error(c, "moe.experts_used",
				   "must not exceed moe.experts");
	if (e->dense_layers >= m->layers)
		return entry_error(c, "moe.dense_layers",
				   "must be below layers");
	if ((e->shared_experts > 0) != (e->shared_ffn > 0))
		return entry_error(c, "moe.shared_ffn",
				   "must be set exactly when shared_experts > 0");
	return 0;
}

static int read_swa(const struct entry_ctx *c, const cJSON *obj,
		    struct model *m)
{
	const cJSON *s = NULL;
	int r = get_section(c, obj, "swa", &s);

	if (r <= 0)
		return r;
	m->has_swa = true;
	if (get_int32(c, s, "window", "swa.window", 1, 1 << 30, true,
		      &m->swa.window) < 0 ||
	    get_int32(c, s, "global_every", "swa.global_every", 0, 1024, true,
		      &m->swa.global_every) < 0)
		return -1;
	return 0;
}

static int read_mla(const struct entry_ctx *c, const cJSON *obj,
		    struct model *m)
{
	const cJSON *s = NULL;
	int r = get_section(c, obj, "mla", &s);
	struct model_mla *a = &m->mla;

	if (r <= 0)
		return r;
	m->has_mla = true;
	if (get_int32(c, s, "kv_lora_rank", "mla.kv_lora_rank", 1, 1 << 16,
		      true, &a->kv_lora_rank) < 0 ||
	    get_int32(c, s, "q_lora_rank", "mla.q_lora_rank", 1, 1 << 16,
		      false, &a->q_lora_rank) < 0 ||
	    get_int32(c, s, "rope_dim", "mla.rope_dim", 1, 4096, true,
		      &a->rope_dim) < 0 ||
	    get_int32(c, s, "nope_dim", "mla.nope_dim", 1, 4096, true,
		      &a->nope_dim) < 0 ||
	    get_int32(c, s, "v_head_dim", "mla.v_head_dim", 1, 4096, true,
		      &a->v_head_dim) < 0)
		return -1;
	return 0;
}

/* The layer letters: one per layer, each an enum layer_kind. */
static int read_ssm_layers(const struct entry_ctx *c, const cJSON *s,
			   struct model *m)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, "layers");
	char *text = m->ssm.layers;

	if (copy_text(c, v, "ssm.layers", text, sizeof(m->ssm.layers)) < 0)
		return -1;
	if ((int)strlen(text) != m->layers)
		return entry_error(c, "ssm.layers", "must have one letter per layer");
	if (strspn(text, "ARF") != strlen(text))
		return entry_error(c, "ssm.layers",
				   "letters must be A (attention), R (recurrent) "
				   "or F (feed-forward only)");
	return 0;
}

static int read_ssm(const struct entry_ctx *c, const cJSON *obj,
		    struct model *m)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, "ssm");
	struct model_ssm *a = &m->ssm;

	if (!s || cJSON_IsNull(s))
		return 0;
	if (!cJSON_IsObject(s))
		return entry_error(c, "ssm", "must be an object or null");
	if (arch_find(m->arch)->recurrent == RECURRENT_NONE)
		return entry_error(c, "ssm", "arch has no recurrent layers "
				   "(src/model/arch.c)");
	m->has_ssm = true;
	if (read_ssm_layers(c, s, m) < 0 ||
	    get_int32(c, s, "conv_kernel", "ssm.conv_kernel", 1, 64, true,
		      &a->conv_kernel) < 0 ||
	    get_int(c, s, "inner_size", "ssm.inner_size", 0, 1 << 20, true,
		    &a->inner_size) < 0 ||
	    get_int32(c, s, "state_size", "ssm.state_size", 0, 1 << 16, true,
		      &a->state_size) < 0 ||
	    get_int32(c, s, "group_count", "ssm.group_count", 0, 1 << 16, true,
		      &a->group_count) < 0 ||
	    get_int32(c, s, "time_step_rank", "ssm.time_step_rank", 0, 1 << 16,
		      true, &a->time_step_rank) < 0)
		return -1;
	return 0;
}

/* A published parameter count and the URL it is read from, together. */
static int read_published_params(const struct entry_ctx *c, const cJSON *obj,
				 struct model *m)
{
	const int64_t big = (int64_t)1 << 44;

	if (get_int(c, obj, "published_params", "published_params", 1, big,
		    false, &m->published_params) < 0 ||
	    get_text(c, obj, "published_params_source", false,
		     m->published_params_source,
		     sizeof(m->published_params_source)) < 0)
		return -1;
	if ((m->published_params > 0) != (m->published_params_source[0] != 0))
		return entry_error(c, "published_params_source",
				   "must be given exactly with published_params");
	return 0;
}

static int read_shape(const struct entry_ctx *c, const cJSON *obj,
		      struct model *m)
{
	const int64_t big = (int64_t)1 << 40;

	if (get_int(c, obj, "params", "params", 1, big * 16, true,
		    &m->params) < 0 ||
	    get_int(c, obj, "active_params", "active_params", 1, big * 16,
		    true, &m->active_params) < 0 ||
	    get_int32(c, obj, "layers", "layers", 1, 1024, true,
		      &m->layers) < 0 ||
	    get_int(c, obj, "embd", "embd", 1, 1 << 20, true, &m->embd) < 0 ||
	    get_int(c, obj, "ffn", "ffn", 0, 1 << 22, true, &m->ffn) < 0 ||
	    get_int32(c, obj, "heads", "heads", 1, 4096, true, &m->heads) < 0 ||
	    get_int32(c, obj, "kv_heads", "kv_heads", 1, 4096, true,
		      &m->kv_heads) < 0 ||
	    get_int32(c, obj, "head_dim", "head_dim", 1, 4096, true,
		      &m->head_dim) < 0 ||
	    get_int(c, obj, "vocab", "vocab", 1, 1 << 24, true, &m->vocab) < 0 ||
	    get_int(c, obj, "context", "context", 1, big, true,
		    &m->context) < 0)
		return -1;
	if (m->heads % m->kv_heads != 0)
		return entry_error(c, "kv_heads", "must divide heads");
	if (m->active_params > m->params)
		return entry_error(c, "active_params", "must not exceed params");
	return 0;
}

static int read_model(const struct entry_ctx *c0, const cJSON *obj,
		      struct model *m)
{
	struct entry_ctx c = *c0;

	if (!cJSON_IsObject(obj))
		return entry_error(&c, "entry", "must be an object");
	if (get_text(&c, obj, "id", true, m->id, sizeof(m->id)) < 0)
		return -1;
	if (!m->id[0])
		return entry_error(&c, "id", "must not be empty");
	c.id = m->id;
	if (get_aliases(&c, obj, m) < 0 ||
	    get_text(&c, obj, "name", true, m->name, sizeof(m->name)) < 0 ||
	    get_text(&c, obj, "arch", true, m->arch, sizeof(m->arch)) < 0 ||
	    get_text(&c, obj, "params_source", true, m->params_source,
		     sizeof(m->params_source)) < 0 ||
	    read_shape(&c, obj, m) < 0 ||
	    get_bool(&c, obj, "tied_embeddings", true,
		     &m->tied_embeddings) < 0 ||
	    read_moe(&c, obj, m) < 0 || read_swa(&c, obj, m) < 0 ||
	    read_mla(&c, obj, m) < 0 || get_tasks(&c, obj, &m->tasks) < 0 ||
	    get_text(&c, obj, "license", true, m->license,
		     sizeof(m->license)) < 0 ||
	    get_text(&c, obj, "source", true, m->source,
		     sizeof(m->source)) < 0 ||
	    get_bool(&c, obj, "qkv_bias", false, &m->qkv_bias) < 0 ||
	    get_bool(&c, obj, "qk_norm", false, &m->qk_norm) < 0 ||
	    get_ffn_kind(&c, obj, &m->ffn_kind) < 0 ||
	    get_text(&c, obj, "notes", false, m->notes, sizeof(m->notes)) < 0 ||
	    read_ssm(&c, obj, m) < 0 || read_published_params(&c, obj, m) < 0)
		return -1;
	if (!m->has_moe && m->active_params != m->params)
		return entry_error(&c, "active_params",
				   "must equal params for a dense model");
	return 0;
}

static bool model_has_name(const struct model *m, const char *name)
{
	if (strcasecmp(m->id, name) == 0)
		return true;
	for (int a = 0; a < m->alias_count; a++)
		if (strcasecmp(m->aliases[a], name) == 0)
			return true;
	return false;
}

/* Ids and aliases name one model each, compared case-insensitively. */
static int check_names_unique(const struct catalog *cat, const char *path,
			      struct error *err)
{
	for (int i = 0; i < cat->count; i++) {
		const struct model *m = &cat->models[i];

		for (int a = -1; a < m->alias_count; a++) {
			const char *name = a < 0 ? m->id : m->aliases[a];

			for (int j = 0; j < i; j++)
				if (model_has_name(&cat->models[j], name))
					return error_set(err,
						"%s: models[%d] (%s): %s: \"%s\" already names %s",
						path, i, m->id,
						a < 0 ? "id" : "aliases", name,
						cat->models[j].id);
		}
	}
	return 0;
}

enum layer_kind model_layer_kind(const struct model *m, int layer)
{
	if (!m->has_ssm || layer < 0 || layer >= m->layers)
		return LAYER_ATTENTION;
	return (enum layer_kind)m->ssm.layers[layer];
}

bool model_layer_is_moe(const struct model *m, int layer)
{
	const struct model_moe *e = &m->moe;

	return m->has_moe && layer >= e->dense_layers &&
	       (layer + 1) % (e->layer_step > 0 ? e->layer_step : 1) == 0;
}

static int read_models(const cJSON *root, const char *path,
		       struct catalog *cat, struct error *err)
{
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "models");
	int n;

	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		return error_set(err, "%s: schema_version: must be 1", path);
	if (!cJSON_IsArray(arr))
		return error_set(err, "%s: models: must be an array", path);
	n = cJSON_GetArraySize(arr);
	if (n == 0)
		return error_set(err, "%s: models: must not be empty", path);
	cat->models = calloc((size_t)n, sizeof(*cat->models));
	if (!cat->models)
		return error_set(err, "%s: out of memory", path);
	for (int i = 0; i < n; i++) {
		struct entry_ctx c = { path, i, "", err };

		if (read_model(&c, cJSON_GetArrayItem(arr, i),
			       &cat->models[i]) < 0)
			return -1;
		cat->count = i + 1;
	}
	return check_names_unique(cat, path, err);
}

int catalog_load(const char *path, struct catalog *cat, struct error *err)
{
	cJSON *root;
	int rc;

	memset(cat, 0, sizeof(*cat));
	root = json_load_file(path, CATALOG_FILE_MAX, err);
	if (!root)
		return -1;
	rc = read_models(root, path, cat, err);
	cJSON_Delete(root);
	if (rc < 0)
		catalog_release(cat);
	return rc;
}

void catalog_release(struct catalog *cat)
{
	free(cat->models);
	cat->models = NULL;
	cat->count = 0;
}

const struct model *catalog_find(const struct catalog *cat, const char *name)
{
	for (int i = 0; i < cat->count; i++)
		if (model_has_name(&cat->models[i], name))
			return &cat->models[i];
	return NULL;
}

/* Lower is closer. A candidate that starts with what was typed ("qwen2.5"
 * for "qwen2.5:14b") counts as close however long its tail. */
static int name_score(const char *typed, const char *candidate)
{
	size_t n = strlen(typed);

	if (n >= 3 && strncasecmp(typed, candidate, n) == 0)
		return 1;
	return edit_distance(typed, candidate);
}

static int model_score(const char *typed, const struct model *m)
{
	int best = name_score(typed, m->id);

	for (int a = 0; a < m->alias_count; a++) {
		int s = name_score(typed, m->aliases[a]);

		if (s < best)
			best = s;
	}
	return best;
}

int catalog_suggest(const struct catalog *cat, const char *name,
		    const struct model **out, int n)
{
	/* Worth suggesting: a third of the typed name may be wrong, at least 2. */
	int limit = (int)strlen(name) / 3;
	int found = 0, scores[64];

	if (limit < 2)
		limit = 2;
	if (n <= 0)
		return 0;
	if (n > 64)
		n = 64;
	for (int i = 0; i < cat->count; i++) {
		int s = model_score(name, &cat->models[i]);
		int pos = found, last = found < n ? found : n - 1;

		if (s > limit)
			continue;
		while (pos > 0 && scores[pos - 1] > s)
			pos--;
		if (pos >= n)
			continue;
		for (int k = last; k > pos; k--) {
			scores[k] = scores[k - 1];
			out[k] = out[k - 1];
		}
		scores[pos] = s;
		out[pos] = &cat->models[i];
		if (found < n)
			found++;
	}
	return found;
}
