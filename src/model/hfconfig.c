#include "model/hfconfig.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "model/arch.h"
#include "model/sizemodel.h"
#include "util/jsonfile.h"

#define CONFIG_MAX_BYTES (4u << 20)

/* model_type -> GGUF general.architecture, as convert_hf_to_gguf.py
 * (github:ggml-org/llama.cpp) registers its model classes. */
static const struct { const char *model_type, *arch; } arch_names[] = {
	{ "llama", "llama" },         { "mistral", "llama" },      { "mixtral", "llama" },
	{ "qwen2", "qwen2" },         { "qwen2_moe", "qwen2moe" }, { "qwen3", "qwen3" },
	{ "qwen3_moe", "qwen3moe" },  { "gemma", "gemma" },        { "gemma2", "gemma2" },
	{ "gemma3", "gemma3" },       { "gemma3_text", "gemma3" }, { "phi3", "phi3" },
	{ "starcoder2", "starcoder2" }, { "olmo2", "olmo2" },      { "deepseek_v2", "deepseek2" },
	{ "deepseek_v3", "deepseek2" }, { "cohere", "command-r" }, { "cohere2", "cohere2" },
	{ "granite", "granite" },     { "granitemoe", "granitemoe" }, { "gpt_oss", "gpt-oss" },
	{ "stablelm", "stablelm" },   { "llama4", "llama4" },
};

struct config {
	const char *path;
	const cJSON *root, *text;       /* text: "text_config", else root */
	struct error *err;
};

static const cJSON *field(const struct config *c, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->text, key);

	return v ? v : cJSON_GetObjectItemCaseSensitive(c->root, key);
}

/* The first of keys that is present, as a positive integer; 0 when none
 * is present (or null); -1 with err when one is present but not that. */
static int64_t number(const struct config *c, const char *const *keys)
{
	for (; *keys; keys++) {
		const cJSON *v = field(c, *keys);

		if (!v || cJSON_IsNull(v))
			continue;
		if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 9.0e15 ||
		    v->valuedouble != floor(v->valuedouble))
			return error_set(c->err, "%s: %s: must be a positive integer", c->path, *keys);
		return (int64_t)v->valuedouble;
	}
	return 0;
}

#define KEYS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int required(const struct config *c, const char *key, int64_t max, int64_t *out)
{
	int64_t v = number(c, KEYS(key));

	if (v < 0)
		return -1;
	if (v == 0 || v > max)
		return error_set(c->err, "%s: %s: missing or out of range", c->path, key);
	*out = v;
	return 0;
}

static bool flag(const struct config *c, const char *key, bool absent)
{
	const cJSON *v = field(c, key);

	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : absent;
}

static bool arch_is(const struct model *m, const char *arch)
{
	return strcmp(m->arch, arch) == 0;
}

static int read_arch(const struct config *c, struct model *m)
{
	const cJSON *type = field(c, "model_type");

	if (!cJSON_IsString(type))
		return error_set(c->err, "%s: model_type: missing", c->path);
	for (size_t i = 0; i < sizeof(arch_names) / sizeof(arch_names[0]); i++)
		if (strcmp(type->valuestring, arch_names[i].model_type) == 0) {
			snprintf(m->arch, sizeof(m->arch), "%s", arch_names[i].arch);
			return 0;
		}
	return error_set(c->err, "%s: model_type: '%s' is not an architecture canirun knows "
			 "(llama, mistral, mixtral, qwen2, qwen3, qwen3_moe, gemma2, gemma3, "
			 "deepseek_v3, gpt_oss, ...)", c->path, type->valuestring);
}

static int read_shape(const struct config *c, struct model *m)
{
	int64_t layers, heads, kv_heads, head_dim;

	if (required(c, "num_hidden_layers", 1024, &layers) < 0 ||
	    required(c, "hidden_size", 1 << 20, &m->embd) < 0 ||
	    required(c, "num_attention_heads", 4096, &heads) < 0 ||
	    required(c, "vocab_size", 1 << 24, &m->vocab) < 0 ||
	    (kv_heads = number(c, KEYS("num_key_value_heads"))) < 0 ||
	    (head_dim = number(c, KEYS("head_dim"))) < 0 ||
	    (m->ffn = number(c, KEYS("intermediate_size"))) < 0 ||
	    (m->context = number(c, KEYS("max_position_embeddings", "n_positions"))) < 0)
		return -1;
	m->layers = (int)layers;
	m->heads = (int)heads;
	m->kv_heads = kv_heads > 0 && kv_heads <= heads ? (int)kv_heads : (int)heads;
	m->head_dim = head_dim > 0 && head_dim <= 4096 ? (int)head_dim : (int)(m->embd / heads);
	if (m->context == 0)
		return error_set(c->err, "%s: max_position_embeddings: missing", c->path);
	/* LlamaConfig and most others default to untied; Gemma always ties. */
	m->tied_embeddings = flag(c, "tie_word_embeddings", strncmp(m->arch, "gemma", 5) == 0);
	return 0;
}

/* Routed experts (num_local_experts: Mixtral, gpt-oss; num_experts: Qwen;
 * n_routed_experts: DeepSeek), shared experts and leading dense layers. */
static int read_moe(const struct config *c, struct model *m)
{
	struct model_moe *e = &m->moe;
	int64_t experts = number(c, KEYS("num_local_experts", "num_experts", "n_routed_experts"));
	int64_t used = number(c, KEYS("num_experts_per_tok"));
	int64_t expert_ffn = number(c, KEYS("moe_intermediate_size"));
	int64_t shared_ffn = number(c, KEYS("shared_expert_intermediate_size"));
	int64_t shared = number(c, KEYS("n_shared_experts"));
	int64_t dense = number(c, KEYS("first_k_dense_replace"));

	if (experts < 0 || used < 0 || expert_ffn < 0 || shared_ffn < 0 || shared < 0 || dense < 0)
		return -1;
	if (experts < 2)
		return 0;
	if (used == 0 || used > experts || experts > 4096)
		return error_set(c->err, "%s: num_experts_per_tok: missing or above the experts", c->path);
	m->has_moe = true;
	e->experts = (int)experts;
	e->experts_used = (int)used;
	e->expert_ffn = expert_ffn > 0 ? expert_ffn : m->ffn;
	if (shared_ffn > 0) {                   /* Qwen2-MoE: one shared block */
		e->shared_experts = 1;
		e->shared_ffn = shared_ffn;
	} else if (shared > 0) {                /* DeepSeek: n x expert size */
		e->shared_experts = (int)shared;
		e->shared_ffn = shared * e->expert_ffn;
	}
	e->dense_layers = dense < m->layers ? (int)dense : 0;
	if (e->dense_layers == 0)
		m->ffn = 0;
	return 0;
}

static int read_mla(const struct config *c, struct model *m)
{
	struct model_mla *a = &m->mla;
	int64_t kv = number(c, KEYS("kv_lora_rank")), q = number(c, KEYS("q_lora_rank"));
	int64_t rope = number(c, KEYS("qk_rope_head_dim")), nope = number(c, KEYS("qk_nope_head_dim"));
	int64_t v = number(c, KEYS("v_head_dim"));

	if (kv < 0 || q < 0 || rope < 0 || nope < 0 || v < 0)
		return -1;
	if (kv == 0)
		return 0;
	if (rope == 0 || nope == 0 || v == 0 || kv > 65536 || rope + nope > 4096 || v > 4096)
		return error_set(c->err, "%s: qk_rope_head_dim, qk_nope_head_dim, v_head_dim: "
				 "needed with kv_lora_rank", c->path);
	m->has_mla = true;
	a->kv_lora_rank = (int)kv;
	a->q_lora_rank = q <= 65536 ? (int)q : 0;
	a->rope_dim = (int)rope;
	a->nope_dim = (int)nope;
	a->v_head_dim = (int)v;
	m->head_dim = (int)(rope + nope);
	return 0;
}

/* Sliding windows only where llama.cpp applies them (arch.h). */
static int read_swa(const struct config *c, struct model *m)
{
	int64_t window = number(c, KEYS("sliding_window"));
	int64_t every = number(c, KEYS("sliding_window_pattern"));
	int pattern = arch_find(m->arch)->swa_global_every;

	if (window < 0 || every < 0)
		return -1;
	if (pattern == 0 || window == 0 || window > (1 << 30))
		return 0;
	m->has_swa = true;
	m->swa.window = (int)window;
	m->swa.global_every = every > 0 && every <= 1024 ? (int)every : pattern;
	return 0;
}

static void read_flags(const struct config *c, struct model *m)
{
	m->qkv_bias = flag(c, "attention_bias", false) || arch_is(m, "qwen2") ||
		      arch_is(m, "qwen2moe") || arch_is(m, "gpt-oss") ||
		      (arch_is(m, "starcoder2") && flag(c, "use_bias", true));
	m->qk_norm = arch_is(m, "qwen3") || arch_is(m, "qwen3moe") || arch_is(m, "olmo2") ||
		     arch_is(m, "gemma3");
	m->ffn_kind = arch_is(m, "starcoder2") ? FFN_PLAIN : FFN_GATED;
	m->tasks = TASK_CHAT;
}

/* params from the tensor list; active: less the experts not routed to. */
static int count_params(const struct config *c, struct model *m)
{
	struct size_model s;

	m->params = m->active_params = 1;       /* the size model reads neither */
	if (gguf_size_compute(m, FTYPE_F16, NULL, &s, c->err) < 0)
		return error_prefix(c->err, "%s", c->path);
	m->params = m->active_params = s.params;
	size_model_release(&s);
	if (m->has_moe) {
		int64_t per_expert = (m->ffn_kind == FFN_GATED ? 3 : 2) * m->embd * m->moe.expert_ffn;

		m->active_params -= (int64_t)(m->layers - m->moe.dense_layers) *
				    (m->moe.experts - m->moe.experts_used) * per_expert;
	}
	snprintf(m->params_source, sizeof(m->params_source),
		 "computed from the config.json architecture by canirun add (F16 tensor list)");
	return 0;
}

int hf_config_to_model(const char *path, const char *id, struct model *out, struct error *err)
{
	cJSON *root = json_load_file(path, CONFIG_MAX_BYTES, err);
	struct config c = { path, root, root, err };
	const cJSON *text;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!root)
		return -1;
	text = cJSON_GetObjectItemCaseSensitive(root, "text_config");
	if (cJSON_IsObject(text))
		c.text = text;
	snprintf(out->id, sizeof(out->id), "%s", id);
	snprintf(out->name, sizeof(out->name), "%s", id);
	snprintf(out->license, sizeof(out->license), "unknown");
	snprintf(out->source, sizeof(out->source), "%s", path);
	rc = read_arch(&c, out) < 0 || read_shape(&c, out) < 0 || read_moe(&c, out) < 0 ||
	     read_mla(&c, out) < 0 || read_swa(&c, out) < 0 ? -1 : 0;
	if (rc == 0) {
		read_flags(&c, out);
		rc = count_params(&c, out);
	}
	cJSON_Delete(root);
	return rc;
}
