/* catalog.h - the model catalogue, data/models.json: the architecture of
 * each model canirun knows, enough to derive its GGUF tensor list.
 *
 * Format (schema_version 1): { "schema_version": 1, "models": [ {
 *   "id", "aliases": [...], "name", "arch", "params", "params_source",
 *   "active_params", "layers", "embd", "ffn", "heads", "kv_heads",
 *   "head_dim", "vocab", "tied_embeddings", "context",
 *   "moe": null | {"experts", "experts_used", "expert_ffn",
 *                  "shared_experts", "shared_ffn", "dense_layers"},
 *   "swa": null | {"window", "global_every"},
 *   "mla": null | {"kv_lora_rank", "q_lora_rank" (may be null),
 *                  "rope_dim", "nope_dim", "v_head_dim"},
 *   "tasks": [...], "license", "source",
 *   optional "qkv_bias", "qk_norm", "ffn_kind", "notes" } ] }
 *
 * A loaded catalogue owns its models; release it with catalog_release().
 * Lookups return pointers into it, valid until it is released.
 */
#ifndef CANIRUN_CATALOG_H
#define CANIRUN_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "util/errors.h"

#define MODEL_ID_MAX 64
#define MODEL_TEXT_MAX 128      /* name, arch, license, aliases */
#define MODEL_NOTES_MAX 1024    /* params_source, source, notes */
#define MODEL_ALIASES_MAX 8

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
	FFN_PLAIN,      /* up, down without a gate ("gelu") */
};

struct model_moe {
	int experts, experts_used;
	int64_t expert_ffn;     /* hidden size of one routed expert */
	int shared_experts;     /* 0 when none */
	int64_t shared_ffn;     /* hidden size of the shared expert block; 0 when none */
	int dense_layers;       /* leading layers with a dense FFN of size ffn */
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
	bool has_moe, has_swa, has_mla;
	struct model_moe moe;
	struct model_swa swa;
	struct model_mla mla;
	unsigned tasks;                         /* enum model_task bits */
	char license[MODEL_TEXT_MAX];
	char source[MODEL_NOTES_MAX];
	bool qkv_bias, qk_norm;
	enum ffn_kind ffn_kind;
	char notes[MODEL_NOTES_MAX];
};

struct catalog {
	struct model *models;
	int count;
};

/* Loads and validates path. On error returns -1 with err naming the file,
 * the entry and the field ("data/models.json: models[7] (qwen2.5:14b):
 * kv_heads: must divide heads"); cat is left empty then. */
int catalog_load(const char *path, struct catalog *cat, struct error *err);
void catalog_release(struct catalog *cat);

/* The model whose id or alias is name, compared case-insensitively (the
 * loader keeps those unique); NULL when none. */
const struct model *catalog_find(const struct catalog *cat, const char *name);

/* For an unknown name: up to n models whose id or an alias is closest to it
 * (edit distance, shared prefix), best first, into out. Returns how many;
 * 0 when nothing is close enough to be worth suggesting. */
int catalog_suggest(const struct catalog *cat, const char *name,
		    const struct model **out, int n);

#endif
