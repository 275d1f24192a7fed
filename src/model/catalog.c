#include "model/catalog.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
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

/* Reads an integer field. A missing or null field is an error when
 * required, else leaves *out alone and returns 0. */
static int get_int(const struct json_entry *c, const cJSON *obj,
		   const char *key, const char *field, int64_t min, int64_t max,
		   bool required, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char why[96];

	if (!v || cJSON_IsNull(v))
		return required ? json_entry_error(c, field, "missing") : 0;
	/* 2^53: beyond it a JSON number no longer holds every integer. */
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    fabs(v->valuedouble) > 9007199254740992.0)
		return json_entry_error(c, field, "must be an integer");
	if (v->valuedouble < (double)min || v->valuedouble > (double)max) {
		snprintf(why, sizeof(why), "must be between %lld and %lld",
			 (long long)min, (long long)max);
		return json_entry_error(c, field, why);
	}
	*out = (int64_t)v->valuedouble;
	return 0;
}

static int get_int32(const struct json_entry *c, const cJSON *obj,
		     const char *key, const char *field, int min, int max,
		     bool required, int *out)
{
	int64_t v = *out;

	if (get_int(c, obj, key, field, min, max, required, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static int copy_text(const struct json_entry *c, const cJSON *v,
		     const char *field, char *out, size_t size)
{
	size_t len;

	if (!cJSON_IsString(v))
		return json_entry_error(c, field, "must be a string");
	len = strlen(v->valuestring);
	if (len >= size) {
		char why[64];

		snprintf(why, sizeof(why), "too long (at most %zu bytes)",
			 size - 1);
		return json_entry_error(c, field, why);
	}
	memcpy(out, v->valuestring, len + 1);
	return 0;
}

static int get_text(const struct json_entry *c, const cJSON *obj,
		    const char *key, bool required, char *out, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v || cJSON_IsNull(v))
		return required ? json_entry_error(c, key, "missing") : 0;
	return copy_text(c, v, key, out, size);
}

static int get_bool(const struct json_entry *c, const cJSON *obj,
		    const char *key, bool required, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v || cJSON_IsNull(v))
		return required ? json_entry_error(c, key, "missing") : 0;
	return json_get_bool(c, obj, key, out);
}

/* A nested object that may be null: returns 1 when present, 0 when null,
 * -1 when missing or not an object. */
static int get_section(const struct json_entry *c, const cJSON *obj,
		       const char *key, const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v)
		return json_entry_error(c, key, "missing (use null when absent)");
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return json_entry_error(c, key, "must be an object or null");
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

static int get_tasks(const struct json_entry *c, const cJSON *obj,
		     unsigned *out)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "tasks");
	const cJSON *v;

	if (!cJSON_IsArray(arr))
		return json_entry_error(c, "tasks", "must be an array of task names");
	*out = 0;
	cJSON_ArrayForEach(v, arr) {
		unsigned bit = cJSON_IsString(v) ? model_task_parse(v->valuestring) : 0;

		if (!bit)
			return json_entry_error(c, "tasks", "unknown task (chat, code, "
					   "reasoning, vision, tools, embedding)");
		*out |= bit;
	}
	return 0;
}

static int get_aliases(const struct json_entry *c, const cJSON *obj,
		       struct model *m)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "aliases");
	const cJSON *v;

	if (!arr || cJSON_IsNull(arr))
		return 0;
	if (!cJSON_IsArray(arr))
		return json_entry_error(c, "aliases", "must be an array of strings");
	cJSON_ArrayForEach(v, arr) {
		if (m->alias_count == MODEL_ALIASES_MAX)
			return json_entry_error(c, "aliases", "too many (at most 8)");
		if (copy_text(c, v, "aliases", m->aliases[m->alias_count],
			      MODEL_TEXT_MAX) < 0)
			return -1;
		if (!m->aliases[m->alias_count][0])
			return json_entry_error(c, "aliases", "must not be empty");
		m->alias_count++;
	}
	return 0;
}

static int get_ffn_kind(const struct json_entry *c, const cJSON *obj,
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
		return json_entry_error(c, "ffn_kind", "must be \"swiglu\", \"geglu\", "
				   "\"gelu\" or \"relu2\"");
	return 0;
}

static int read_moe(const struct json_entry *c, const cJSON *obj,
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
		return json_entry_error(c, "moe.experts_used",
				   "must not exceed moe.experts");
	if (e->dense_layers >= m->layers)
		return json_entry_error(c, "moe.dense_layers",
				   "must be below layers");
	if ((e->shared_experts > 0) != (e->shared_ffn > 0))
		return json_entry_error(c, "moe.shared_ffn",
				   "must be set exactly when shared_experts > 0");
	return 0;
}

static int read_swa(const struct json_entry *c, const cJSON *obj,
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

static int read_mla(const struct json_entry *c, const cJSON *obj,
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
		      &a->v_head_dim) < 0 ||
	    get_int32(c, s, "index_n_heads", "mla.index_n_heads", 1, 4096, false,
		      &a->index_heads) < 0 ||
	    get_int32(c, s, "index_head_dim", "mla.index_head_dim", 1, 4096, false,
		      &a->index_head_dim) < 0)
		return -1;
	if ((a->index_heads > 0) != (a->index_head_dim > 0))
		return json_entry_error(c, "mla.index_head_dim",
				   "must be given exactly with mla.index_n_heads");
	return 0;
}

/* Sections an architecture needs (arch.h flags): the lightning indexer of
 * deepseek32, the per-layer embeddings of gemma3n; and only there. */
static int check_arch_sections(const struct json_entry *c, struct model *m)
{
	const struct arch_info *arch = arch_find(m->arch);
	bool dsa = arch->flags & ARCH_DSA, altup = arch->flags & ARCH_ALTUP;

	if (dsa != (m->has_mla && m->mla.index_heads > 0))
		return json_entry_error(c, "mla.index_n_heads", dsa ?
				   "required for arch deepseek32 (its lightning indexer)" :
				   "only for arch deepseek32");
	if (altup != m->has_ple)
		return json_entry_error(c, "ple", altup ? "required for arch gemma3n" :
				   "only for arch gemma3n (src/model/arch.c)");
	m->kv_layers = arch->kv_layers < m->layers ? arch->kv_layers : 0;
	return 0;
}

static int read_ple(const struct json_entry *c, const cJSON *obj, struct model *m)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, "ple");
	struct model_ple *p = &m->ple;

	if (!s || cJSON_IsNull(s))
		return 0;
	if (!cJSON_IsObject(s))
		return json_entry_error(c, "ple", "must be an object or null");
	m->has_ple = true;
	if (get_int(c, s, "embd_per_layer", "ple.embd_per_layer", 1, 1 << 16, true,
		    &p->embd_per_layer) < 0 ||
	    get_int32(c, s, "altup_inputs", "ple.altup_inputs", 2, 64, true,
		      &p->altup_inputs) < 0 ||
	    get_int32(c, s, "laurel_rank", "ple.laurel_rank", 1, 1 << 16, true,
		      &p->laurel_rank) < 0)
		return -1;
	return 0;
}

/* The layer letters: one per layer, each an enum layer_kind. */
static int read_ssm_layers(const struct json_entry *c, const cJSON *s,
			   struct model *m)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, "layers");
	char *text = m->ssm.layers;

	if (copy_text(c, v, "ssm.layers", text, sizeof(m->ssm.layers)) < 0)
		return -1;
	if ((int)strlen(text) != m->layers)
		return json_entry_error(c, "ssm.layers", "must have one letter per layer");
	if (strspn(text, "ARF") != strlen(text))
		return json_entry_error(c, "ssm.layers",
				   "letters must be A (attention), R (recurrent) "
				   "or F (feed-forward only)");
	return 0;
}

static int read_ssm(const struct json_entry *c, const cJSON *obj,
		    struct model *m)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, "ssm");
	struct model_ssm *a = &m->ssm;

	if (!s || cJSON_IsNull(s))
		return 0;
	if (!cJSON_IsObject(s))
		return json_entry_error(c, "ssm", "must be an object or null");
	if (arch_find(m->arch)->recurrent == RECURRENT_NONE)
		return json_entry_error(c, "ssm", "arch has no recurrent layers "
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
static int read_published_params(const struct json_entry *c, const cJSON *obj,
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
		return json_entry_error(c, "published_params_source",
				   "must be given exactly with published_params");
	return 0;
}

static int read_shape(const struct json_entry *c, const cJSON *obj,
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
		return json_entry_error(c, "kv_heads", "must divide heads");
	if (m->active_params > m->params)
		return json_entry_error(c, "active_params", "must not exceed params");
	return 0;
}

static int quant_name(const struct json_entry *c, const cJSON *v, const char *field,
		      enum ftype *out)
{
	if (!cJSON_IsString(v) || ftype_by_name(v->valuestring, out) < 0)
		return json_entry_error(c, field, "must be a GGUF file type name "
				   "(Q4_K_M, Q8_0, MXFP4, F16, ...)");
	return 0;
}

/* published_quants and default_quant: both optional; a default quant must
 * be among the published ones when both are given. */
static int read_quants(const struct json_entry *c, const cJSON *obj, struct model *m)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "published_quants");
	const cJSON *def = cJSON_GetObjectItemCaseSensitive(obj, "default_quant");
	const cJSON *v;
	bool listed = false;

	if (arr && !cJSON_IsNull(arr)) {
		if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
			return json_entry_error(c, "published_quants",
					   "must be a non-empty array of file type names");
		cJSON_ArrayForEach(v, arr) {
			enum ftype ft;

			if (m->published_count == MODEL_QUANTS_MAX)
				return json_entry_error(c, "published_quants", "too many (at most 32)");
			if (quant_name(c, v, "published_quants", &ft) < 0)
				return -1;
			for (int i = 0; i < m->published_count; i++)
				if (m->published[i] == ft)
					return json_entry_error(c, "published_quants", "lists a type twice");
			m->published[m->published_count++] = ft;
		}
	}
	if (!def || cJSON_IsNull(def))
		return 0;
	if (quant_name(c, def, "default_quant", &m->default_quant) < 0)
		return -1;
	m->has_default_quant = true;
	for (int i = 0; i < m->published_count; i++)
		listed = listed || m->published[i] == m->default_quant;
	if (m->published_count > 0 && !listed)
		return json_entry_error(c, "default_quant", "must be one of published_quants");
	return 0;
}

static int read_model(const struct json_entry *c0, const cJSON *obj,
		      struct model *m)
{
	struct json_entry c = *c0;

	if (!cJSON_IsObject(obj))
		return json_entry_error(&c, "entry", "must be an object");
	if (get_text(&c, obj, "id", true, m->id, sizeof(m->id)) < 0)
		return -1;
	if (!m->id[0])
		return json_entry_error(&c, "id", "must not be empty");
	c.name = m->id;
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
	    read_ssm(&c, obj, m) < 0 || read_ple(&c, obj, m) < 0 ||
	    read_published_params(&c, obj, m) < 0 || read_quants(&c, obj, m) < 0 ||
	    check_arch_sections(&c, m) < 0)
		return -1;
	if (!m->has_moe && m->active_params != m->params)
		return json_entry_error(&c, "active_params",
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

/* A name table for check_names_unique: open addressing over
 * case-insensitive hashes, each slot a name's model (-1 empty). Comparing
 * every name with every model's took a few percent of each command. */
struct name_table {
	int *model;             /* by slot */
	const char **name;
	size_t slots;
};

static size_t name_hash(const char *name)
{
	size_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)tolower((unsigned char)*name)) * 16777619u;
	return h;
}

/* The model already holding name, or -1 after adding it for model i. */
static int name_claim(struct name_table *t, const char *name, int i)
{
	size_t at = name_hash(name) % t->slots;

	while (t->model[at] >= 0) {
		if (strcasecmp(t->name[at], name) == 0)
			return t->model[at];
		at = (at + 1) % t->slots;
	}
	t->model[at] = i;
	t->name[at] = name;
	return -1;
}

/* Ids and aliases name one model each, compared case-insensitively; the
 * models from `from` on came from path (models[i - from] there). */
static int check_names_unique(const struct catalog *cat, int from, const char *path,
			      struct error *err)
{
	struct name_table t = { NULL, NULL, 2 * (size_t)cat->count * (MODEL_ALIASES_MAX + 1) + 1 };
	int rc = 0;

	t.model = malloc(t.slots * sizeof(*t.model));
	t.name = malloc(t.slots * sizeof(*t.name));
	if (!t.model || !t.name)
		rc = error_set(err, "%s: out of memory", path);
	for (size_t k = 0; rc == 0 && k < t.slots; k++)
		t.model[k] = -1;
	for (int i = 0; rc == 0 && i < cat->count; i++) {
		const struct model *m = &cat->models[i];

		for (int a = -1; rc == 0 && a < m->alias_count; a++) {
			const char *name = a < 0 ? m->id : m->aliases[a];
			int j = name_claim(&t, name, i);

			if (j >= 0 && j != i && i >= from)
				rc = error_set(err, "%s: models[%d] (%s): %s: \"%s\" already names %s",
					       path, i - from, m->id, a < 0 ? "id" : "aliases", name,
					       cat->models[j].id);
		}
	}
	free(t.model);
	free(t.name);
	return rc;
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

/* Appends the models of one file (root) to cat, validated entry by entry. */
static int read_models(const cJSON *root, const char *path,
		       struct catalog *cat, struct error *err)
{
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "models");
	struct model *grown;
	int n, from = cat->count;

	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		return error_set(err, "%s: schema_version: must be 1", path);
	if (!cJSON_IsArray(arr))
		return error_set(err, "%s: models: must be an array", path);
	n = cJSON_GetArraySize(arr);
	if (n == 0)
		return error_set(err, "%s: models: must not be empty", path);
	grown = realloc(cat->models, (size_t)(from + n) * sizeof(*cat->models));
	if (!grown)
		return error_set(err, "%s: out of memory", path);
	cat->models = grown;
	memset(cat->models + from, 0, (size_t)n * sizeof(*cat->models));
	for (int i = 0; i < n; i++) {
		struct json_entry c = { path, "models", i, NULL, err };

		if (read_model(&c, cJSON_GetArrayItem(arr, i), &cat->models[from + i]) < 0)
			return -1;
		cat->count = from + i + 1;
	}
	return check_names_unique(cat, from, path, err);
}

static int load_into(const char *path, struct catalog *cat, struct error *err)
{
	cJSON *root = json_load_file(path, CATALOG_FILE_MAX, err);
	int rc;

	if (!root)
		return -1;
	rc = read_models(root, path, cat, err);
	cJSON_Delete(root);
	return rc;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json names in dir, sorted; *names NULL and 0 when dir is missing. */
static int json_files(const char *dir, char ***names, int *count, struct error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int cap = 0;

	*names = NULL;
	*count = 0;
	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 :
		       error_set(err, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **grown;

		if (len < 6 || e->d_name[0] == '.' || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (*count == cap) {
			cap = cap ? cap * 2 : 16;
			if (!(grown = realloc(*names, (size_t)cap * sizeof(**names))))
				break;
			*names = grown;
		}
		if (!((*names)[*count] = strdup(e->d_name)))
			break;
		(*count)++;
	}
	closedir(d);
	if (e)
		return error_set(err, "%s: out of memory", dir);
	qsort(*names, (size_t)*count, sizeof(**names), compare_names);
	return 0;
}

int catalog_load_extra(const char *dir, struct catalog *cat, struct error *err)
{
	char **names, path[PATH_MAX];
	int count, rc = 0;

	if (json_files(dir, &names, &count, err) < 0)
		return -1;
	for (int i = 0; i < count && rc == 0; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path))
			rc = error_set(err, "%s/%s: path too long", dir, names[i]);
		else
			rc = load_into(path, cat, err);
	}
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rc;
}

int catalog_load(const char *path, struct catalog *cat, struct error *err)
{
	int rc;

	memset(cat, 0, sizeof(*cat));
	rc = load_into(path, cat, err);
	if (rc < 0)
		catalog_release(cat);
	return rc;
}

void catalog_release(struct catalog *cat)
{
	free(cat->models);
	free(cat->latest);
	memset(cat, 0, sizeof(*cat));
}

/* ---- data/latest.json ---- */

static int latest_error(const char *path, int i, const char *family, const char *field,
			const char *why, struct error *err)
{
	if (family)
		return error_set(err, "%s: families[%d] (%s): %s: %s", path, i, family, field, why);
	return error_set(err, "%s: families[%d]: %s: %s", path, i, field, why);
}

static const char *string_field(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static int index_of_id(const struct catalog *cat, const char *id)
{
	for (int i = 0; i < cat->count; i++)
		if (strcmp(cat->models[i].id, id) == 0)
			return i;
	return -1;
}

static int read_family(const char *path, int i, const cJSON *e, struct catalog *cat,
		       struct error *err)
{
	const char *family = string_field(e, "family"), *latest = string_field(e, "latest");
	const char *source = string_field(e, "source");
	struct family_latest *f = &cat->latest[i];
	size_t n;

	if (!family || strchr(family, ':') || strlen(family) >= sizeof(f->family))
		return latest_error(path, i, NULL, "family",
				    "must be a non-empty name without ':' (at most 63 bytes)", err);
	if (!latest)
		return latest_error(path, i, family, "latest", "must be a catalogue id", err);
	f->model_index = index_of_id(cat, latest);
	n = strlen(family);
	if (f->model_index < 0)
		return latest_error(path, i, family, "latest", "not a catalogue id", err);
	if (strncmp(latest, family, n) != 0 || latest[n] != ':')
		return latest_error(path, i, family, "latest", "must be \"<family>:<tag>\"", err);
	if (!source || strncmp(source, "https://", 8) != 0)
		return latest_error(path, i, family, "source", "must be an https:// URL", err);
	if (catalog_latest(cat, family, n))
		return latest_error(path, i, family, "family", "listed twice", err);
	memcpy(f->family, family, n + 1);
	cat->latest_count = i + 1;
	return 0;
}

int catalog_load_latest(const char *path, struct catalog *cat, struct error *err)
{
	cJSON *root = json_load_file(path, CATALOG_FILE_MAX, err);
	const cJSON *ver, *arr, *e;
	int rc = 0, i = 0;

	free(cat->latest);
	cat->latest = NULL;
	cat->latest_count = 0;
	if (!root)
		return -1;
	ver = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
	arr = cJSON_GetObjectItemCaseSensitive(root, "families");
	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		rc = error_set(err, "%s: schema_version: must be 1", path);
	else if (!cJSON_IsArray(arr))
		rc = error_set(err, "%s: families: must be an array", path);
	else if (!(cat->latest = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*cat->latest))))
		rc = error_set(err, "%s: out of memory", path);
	if (rc == 0)
		cJSON_ArrayForEach(e, arr)
			if ((rc = read_family(path, i++, e, cat, err)) < 0)
				break;
	cJSON_Delete(root);
	if (rc < 0) {
		free(cat->latest);
		cat->latest = NULL;
		cat->latest_count = 0;
	}
	return rc;
}

const struct model *catalog_latest(const struct catalog *cat, const char *family,
				   size_t family_len)
{
	for (int i = 0; i < cat->latest_count; i++)
		if (strlen(cat->latest[i].family) == family_len &&
		    strncasecmp(cat->latest[i].family, family, family_len) == 0)
			return &cat->models[cat->latest[i].model_index];
	return NULL;
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

/* ---- an entry written back (canirun add) ---- */

static void add_tasks(cJSON *o, unsigned tasks)
{
	cJSON *arr = cJSON_AddArrayToObject(o, "tasks");

	for (size_t i = 0; i < sizeof(task_names) / sizeof(task_names[0]); i++)
		if (tasks & (1u << i))
			cJSON_AddItemToArray(arr, cJSON_CreateString(task_names[i]));
}

static void add_sections(cJSON *o, const struct model *m)
{
	cJSON *s;

	if (!m->has_moe) {
		cJSON_AddNullToObject(o, "moe");
	} else {
		s = cJSON_AddObjectToObject(o, "moe");
		cJSON_AddNumberToObject(s, "experts", m->moe.experts);
		cJSON_AddNumberToObject(s, "experts_used", m->moe.experts_used);
		cJSON_AddNumberToObject(s, "expert_ffn", (double)m->moe.expert_ffn);
		cJSON_AddNumberToObject(s, "shared_experts", m->moe.shared_experts);
		cJSON_AddNumberToObject(s, "shared_ffn", (double)m->moe.shared_ffn);
		cJSON_AddNumberToObject(s, "dense_layers", m->moe.dense_layers);
		if (m->moe.layer_step > 1)
			cJSON_AddNumberToObject(s, "layer_step", m->moe.layer_step);
	}
	if (!m->has_swa) {
		cJSON_AddNullToObject(o, "swa");
	} else {
		s = cJSON_AddObjectToObject(o, "swa");
		cJSON_AddNumberToObject(s, "window", m->swa.window);
		cJSON_AddNumberToObject(s, "global_every", m->swa.global_every);
	}
	if (!m->has_mla) {
		cJSON_AddNullToObject(o, "mla");
		return;
	}
	s = cJSON_AddObjectToObject(o, "mla");
	cJSON_AddNumberToObject(s, "kv_lora_rank", m->mla.kv_lora_rank);
	if (m->mla.q_lora_rank > 0)
		cJSON_AddNumberToObject(s, "q_lora_rank", m->mla.q_lora_rank);
	else
		cJSON_AddNullToObject(s, "q_lora_rank");
	cJSON_AddNumberToObject(s, "rope_dim", m->mla.rope_dim);
	cJSON_AddNumberToObject(s, "nope_dim", m->mla.nope_dim);
	cJSON_AddNumberToObject(s, "v_head_dim", m->mla.v_head_dim);
	if (m->mla.index_heads > 0) {
		cJSON_AddNumberToObject(s, "index_n_heads", m->mla.index_heads);
		cJSON_AddNumberToObject(s, "index_head_dim", m->mla.index_head_dim);
	}
}

/* The optional sections: a hybrid's recurrent layers, Gemma 3n's
 * per-layer embeddings. */
static void add_optional_sections(cJSON *o, const struct model *m)
{
	cJSON *s;

	if (m->has_ssm) {
		s = cJSON_AddObjectToObject(o, "ssm");
		cJSON_AddStringToObject(s, "layers", m->ssm.layers);
		cJSON_AddNumberToObject(s, "conv_kernel", m->ssm.conv_kernel);
		cJSON_AddNumberToObject(s, "inner_size", (double)m->ssm.inner_size);
		cJSON_AddNumberToObject(s, "state_size", m->ssm.state_size);
		cJSON_AddNumberToObject(s, "group_count", m->ssm.group_count);
		cJSON_AddNumberToObject(s, "time_step_rank", m->ssm.time_step_rank);
	}
	if (!m->has_ple)
		return;
	s = cJSON_AddObjectToObject(o, "ple");
	cJSON_AddNumberToObject(s, "embd_per_layer", (double)m->ple.embd_per_layer);
	cJSON_AddNumberToObject(s, "altup_inputs", m->ple.altup_inputs);
	cJSON_AddNumberToObject(s, "laurel_rank", m->ple.laurel_rank);
}

struct cJSON *catalog_entry_json(const struct model *m)
{
	cJSON *o = cJSON_CreateObject(), *aliases;

	cJSON_AddStringToObject(o, "id", m->id);
	aliases = cJSON_AddArrayToObject(o, "aliases");
	for (int a = 0; a < m->alias_count; a++)
		cJSON_AddItemToArray(aliases, cJSON_CreateString(m->aliases[a]));
	cJSON_AddStringToObject(o, "name", m->name);
	cJSON_AddStringToObject(o, "arch", m->arch);
	cJSON_AddNumberToObject(o, "params", (double)m->params);
	cJSON_AddStringToObject(o, "params_source", m->params_source);
	cJSON_AddNumberToObject(o, "active_params", (double)m->active_params);
	cJSON_AddNumberToObject(o, "layers", m->layers);
	cJSON_AddNumberToObject(o, "embd", (double)m->embd);
	cJSON_AddNumberToObject(o, "ffn", (double)m->ffn);
	cJSON_AddNumberToObject(o, "heads", m->heads);
	cJSON_AddNumberToObject(o, "kv_heads", m->kv_heads);
	cJSON_AddNumberToObject(o, "head_dim", m->head_dim);
	cJSON_AddNumberToObject(o, "vocab", (double)m->vocab);
	cJSON_AddBoolToObject(o, "tied_embeddings", m->tied_embeddings);
	cJSON_AddNumberToObject(o, "context", (double)m->context);
	add_sections(o, m);
	add_optional_sections(o, m);
	add_tasks(o, m->tasks);
	cJSON_AddStringToObject(o, "license", m->license);
	cJSON_AddStringToObject(o, "source", m->source);
	cJSON_AddBoolToObject(o, "qkv_bias", m->qkv_bias);
	cJSON_AddBoolToObject(o, "qk_norm", m->qk_norm);
	cJSON_AddStringToObject(o, "ffn_kind", m->ffn_kind == FFN_PLAIN ? "gelu" : "swiglu");
	if (m->notes[0])
		cJSON_AddStringToObject(o, "notes", m->notes);
	if (m->published_count > 0) {
		cJSON *quants = cJSON_AddArrayToObject(o, "published_quants");

		for (int i = 0; i < m->published_count; i++)
			cJSON_AddItemToArray(quants, cJSON_CreateString(ftype_name(m->published[i])));
	}
	if (m->has_default_quant)
		cJSON_AddStringToObject(o, "default_quant", ftype_name(m->default_quant));
	return o;
}

int catalog_entry_check(const struct cJSON *entry, const char *path, struct error *err)
{
	struct json_entry c = { path, "models", 0, NULL, err };
	struct model *m = calloc(1, sizeof(*m));
	int rc;

	if (!m)
		return error_set(err, "%s: out of memory", path);
	rc = read_model(&c, entry, m);
	free(m);
	return rc;
}
