/* catalog.h - the model catalogue, data/models.json: the architecture of
 * each model canirun knows, enough to derive its GGUF tensor list.
 *
 * Format (schema_version 1): { "schema_version": 1, "models": [ {
 *   "id", "aliases": [...], "name", "arch", "params", "params_source",
 *   "active_params", "layers", "embd", "ffn", "heads", "kv_heads",
 *   "head_dim", "vocab", "tied_embeddings", "context",
 *   "moe": null | {"experts", "experts_used", "expert_ffn",
 *                  "shared_experts", "shared_ffn", "dense_layers",
 *                  optional "layer_step"},
 *   "swa": null | {"window", "global_every"},
 *   "mla": null | {"kv_lora_rank", "q_lora_rank" (may be null),
 *                  "rope_dim", "nope_dim", "v_head_dim",
 *                  optional "index_n_heads", "index_head_dim"},
 *   "tasks": [...], "license", "source",
 *   optional "qkv_bias", "qk_norm", "ffn_kind", "notes",
 *   optional "ple": {"embd_per_layer", "altup_inputs", "laurel_rank"},
 *   optional "ssm": {"layers", "conv_kernel", "inner_size", "state_size",
 *                    "group_count", "time_step_rank"},
 *   optional "published_params" with "published_params_source",
 *   optional "published_quants": ["Q4_K_M", ...] (file types published:
 *   Ollama tags, the main GGUF repos), optional "default_quant" (the type of
 *   Ollama's default tag; one of published_quants when both are given) } ] }
 *
 * data/latest.json maps an Ollama family to its :latest tag ("qwen2.5" ->
 * "qwen2.5:7b"); catalog_load_latest() reads it into the catalogue.
 *
 * A loaded catalogue owns its models; release it with catalog_release().
 * Lookups return pointers into it, valid until it is released.
 */
#ifndef CANIRUN_CATALOG_H
#define CANIRUN_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/errors.h"
#include "model/quant.h"

#define MODEL_ID_MAX 64
#define MODEL_TEXT_MAX 128      /* name, arch, license, aliases */
#define MODEL_NOTES_MAX 1024    /* params_source, source, notes */
#define MODEL_ALIASES_MAX 8
#define MODEL_QUANTS_MAX 32     /* published_quants */

enum model_task {
	TASK_CHAT = 1u << 0,
	TASK_CODE = 1u << 1,
	TASK_REASONING = 1u << 2,
	TASK_VISION = 1u << 3,
	TASK_TOOLS = 1u << 4,
	TASK_EMBEDDING = 1u << 5,
};

/* "chat", "code", ...; NULL for a value that is not one task bit. */
const char *model_task_name(unsigned task);
/* The task bit for a name (case-insensitive), or 0 when it names none. The
 * one task name table: the catalogue, --task and the JSON all use it. */
unsigned model_task_parse(const char *name);

enum ffn_kind {
	FFN_GATED = 0,  /* gate, up, down: SwiGLU/GeGLU ("swiglu", "geglu") */
	FFN_PLAIN,      /* up, down without a gate ("gelu", "relu2") */
};

struct model_moe {
	int experts, experts_used;
	int64_t expert_ffn;     /* hidden size of one routed expert */
	int shared_experts;     /* 0 when none */
	int64_t shared_ffn;     /* hidden size of the shared expert block; 0 when none */
	int dense_layers;       /* leading layers with a dense FFN of size ffn */
	int layer_step;         /* after those, layer i is MoE iff (i+1) %
				 * layer_step == 0 (Llama 4
				 * interleave_moe_layer_step); 1: every layer */
};

struct model_swa {
	int window;             /* tokens */
	int global_every;       /* layer i is global iff global_every > 0 &&
				 * (i+1) % global_every == 0; 0: all sliding */
};

struct model_mla {
	int kv_lora_rank;
	int q_lora_rank;        /* 0 when q is not low-rank (JSON null) */
	int rope_dim, nope_dim, v_head_dim;
	/* DeepSeek sparse attention's lightning indexer (arch deepseek32,
	 * config index_n_heads / index_head_dim); 0 without one */
	int index_heads, index_head_dim;
};

/* Gemma 3n's per-layer embeddings, AltUp and LAuReL (arch gemma3n; config
 * hidden_size_per_layer_input, altup_num_inputs, laurel_rank). */
struct model_ple {
	int64_t embd_per_layer; /* per-layer embedding width, each layer */
	int altup_inputs;       /* AltUp streams, the active one included */
	int laurel_rank;        /* rank of the LAuReL low-rank residual */
};

#define MODEL_LAYERS_MAX 256

/* One letter per layer of a hybrid model (model_ssm.layers). */
enum layer_kind {
	LAYER_ATTENTION = 'A',  /* attention mixer (KV cache) */
	LAYER_RECURRENT = 'R',  /* the architecture's recurrent mixer (arch.h):
				 * fixed-size state instead of a KV cache */
	LAYER_FFN_ONLY = 'F',   /* feed-forward only (nemotron_h) */
};

/* The recurrent layers of a hybrid model, named as llama.cpp's GGUF keys
 * <arch>.ssm.* (gguf-py constants.py) that convert_hf_to_gguf.py fills from
 * config.json; 0 where the mixer has no such size. */
struct model_ssm {
	char layers[MODEL_LAYERS_MAX + 1]; /* enum layer_kind per layer */
	int conv_kernel;        /* ssm_d_conv; lfm2: the short conv's L_cache */
	int64_t inner_size;     /* ssm_d_inner */
	int state_size;         /* ssm_d_state */
	int group_count;        /* ssm_n_group */
	int time_step_rank;     /* ssm_dt_rank: Mamba2 heads, delta-net value heads */
};

struct model {
	char id[MODEL_ID_MAX];                  /* "llama3.1:8b" */
	int alias_count;
	char aliases[MODEL_ALIASES_MAX][MODEL_TEXT_MAX];
	char name[MODEL_TEXT_MAX];
	char arch[MODEL_TEXT_MAX];              /* GGUF general.architecture */
	int64_t params, active_params;
	char params_source[MODEL_NOTES_MAX];
	int layers;
	int64_t embd, ffn;                      /* ffn: dense FFN hidden size */
	int heads, kv_heads, head_dim;
	int64_t vocab;
	bool tied_embeddings;
	int64_t context;                        /* trained context, tokens */
	bool has_moe, has_swa, has_mla, has_ssm, has_ple;
	struct model_moe moe;
	struct model_ssm ssm;
	struct model_swa swa;
	struct model_mla mla;
	struct model_ple ple;
	int kv_layers;                          /* layers from the first that keep a
						 * KV cache, the rest reusing one
						 * (arch.h); 0: every attention layer */
	unsigned tasks;                         /* enum model_task bits */
	char license[MODEL_TEXT_MAX];
	char source[MODEL_NOTES_MAX];
	bool qkv_bias, qk_norm;
	enum ffn_kind ffn_kind;
	char notes[MODEL_NOTES_MAX];
	int64_t published_params;               /* 0 when none is published */
	char published_params_source[MODEL_NOTES_MAX];
	int published_count;                    /* 0: published_quants not given */
	enum ftype published[MODEL_QUANTS_MAX]; /* in the entry's order */
	bool has_default_quant;
	enum ftype default_quant;               /* Ollama's default tag's type */
};

/* An Ollama family's :latest tag: what a bare family name means. */
struct family_latest {
	char family[MODEL_ID_MAX];              /* "qwen2.5" */
	int model_index;                        /* into catalog.models: "qwen2.5:7b" */
};

/* What layer i of m holds: enum layer_kind; LAYER_ATTENTION for every
 * layer of a model without ssm. */
enum layer_kind model_layer_kind(const struct model *m, int layer);

/* Layer i has a routed-expert FFN (moe.dense_layers, moe.layer_step). */
bool model_layer_is_moe(const struct model *m, int layer);

struct catalog {
	struct model *models;
	int count;
	struct family_latest *latest;
	int latest_count;
};

/* Loads and validates path. On error returns -1 with err naming the file,
 * the entry and the field ("data/models.json: models[7] (qwen2.5:14b):
 * kv_heads: must divide heads"); cat is left empty then. */
int catalog_load(const char *path, struct catalog *cat, struct error *err);
void catalog_release(struct catalog *cat);

/* Appends the models of every .json file in dir (models.json's format, validated
 * the same way, file names in byte order) to cat: $XDG_DATA_HOME/canirun/
 * models.d, where `canirun add` writes. A missing dir adds nothing. On
 * error returns -1 with err naming the file, entry and field ("models.d/
 * x.json: models[0] (x:1b): layers: missing"), and cat keeps the models
 * read before the bad entry (the caller releases it). */
int catalog_load_extra(const char *dir, struct catalog *cat, struct error *err);

struct cJSON;

/* m as a models.json entry (every field, optional ones included); the
 * caller frees it with cJSON_Delete. NULL when out of memory. */
struct cJSON *catalog_entry_json(const struct model *m);

/* Validates entry as models.json entry 0 of path, by the loader's rules.
 * 0, or -1 with err "PATH: models[0] (ID): FIELD: why". */
int catalog_entry_check(const struct cJSON *entry, const char *path, struct error *err);

/* Reads data/latest.json ({"schema_version": 1, "families": [{"family",
 * "latest", "source"}]}) into cat: each latest must be a catalogue id of
 * that family ("family:tag"), each family listed once, each source a URL.
 * -1 with err naming the file, entry and field; cat's map is then empty. */
int catalog_load_latest(const char *path, struct catalog *cat, struct error *err);

/* The model a bare family name means (its :latest tag), or NULL. */
const struct model *catalog_latest(const struct catalog *cat, const char *family,
				   size_t family_len);

/* The model whose id or alias is name, compared case-insensitively (the
 * loader keeps those unique); NULL when none. */
const struct model *catalog_find(const struct catalog *cat, const char *name);

/* For an unknown name: up to n models whose id or an alias is closest to it
 * (edit distance, shared prefix), best first, into out. Returns how many;
 * 0 when nothing is close enough to be worth suggesting. */
int catalog_suggest(const struct catalog *cat, const char *name,
		    const struct model **out, int n);

#endif
