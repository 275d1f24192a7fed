/* quant.h - GGUF file types (Q4_K_M, Q8_0, ...) and the ggml type llama.cpp's
 * quantizer gives each tensor of a file of that type.
 *
 * The rules follow src/llama-quant.cpp of github:ggml-org/llama.cpp
 * (llama_tensor_get_type, llama_tensor_get_type_impl,
 * tensor_allows_quantization, tensor_type_fallback and
 * llama_ftype_get_default_type), without tensor-type overrides or --pure.
 * Float files (F32, F16, BF16) are what convert_hf_to_gguf.py writes.
 *
 * Usage: quant_begin() once per file with the tensor list's counts, then
 * quant_tensor_type() for every tensor in file order (non-layer tensors
 * first, then by layer, as llama.cpp sorts them): the rules count attn_v
 * and ffn_* tensors as they go.
 */
#ifndef CANIRUN_QUANT_H
#define CANIRUN_QUANT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/ggml.h"

/* Values are llama.cpp's enum llama_ftype (include/llama.h), the number a
 * GGUF file stores in general.file_type. */
enum ftype {
	FTYPE_F32 = 0,
	FTYPE_F16 = 1,
	FTYPE_Q4_0 = 2,
	FTYPE_Q4_1 = 3,
	FTYPE_Q8_0 = 7,
	FTYPE_Q5_0 = 8,
	FTYPE_Q5_1 = 9,
	FTYPE_Q2_K = 10,
	FTYPE_Q3_K_S = 11,
	FTYPE_Q3_K_M = 12,
	FTYPE_Q3_K_L = 13,
	FTYPE_Q4_K_S = 14,
	FTYPE_Q4_K_M = 15,
	FTYPE_Q5_K_S = 16,
	FTYPE_Q5_K_M = 17,
	FTYPE_Q6_K = 18,
	FTYPE_IQ2_XXS = 19,
	FTYPE_IQ2_XS = 20,
	FTYPE_Q2_K_S = 21,
	FTYPE_IQ3_XS = 22,
	FTYPE_IQ3_XXS = 23,
	FTYPE_IQ1_S = 24,
	FTYPE_IQ4_NL = 25,
	FTYPE_IQ3_S = 26,
	FTYPE_IQ3_M = 27,
	FTYPE_IQ2_S = 28,
	FTYPE_IQ2_M = 29,
	FTYPE_IQ4_XS = 30,
	FTYPE_IQ1_M = 31,
	FTYPE_BF16 = 32,
	FTYPE_TQ1_0 = 36,
	FTYPE_TQ2_0 = 37,
	FTYPE_MXFP4_MOE = 38,
	/* Named, but not sized by the quantizer rules (removed or newer). */
	FTYPE_Q4_1_SOME_F16 = 4,
	FTYPE_Q4_0_4_4 = 33,
	FTYPE_Q4_0_4_8 = 34,
	FTYPE_Q4_0_8_8 = 35,
	FTYPE_NVFP4 = 39,
	FTYPE_Q1_0 = 40,
	FTYPE_Q2_0 = 41,
};

/* "Q4_K_M", "MXFP4_MOE", "Q4_0_4_4"; NULL for a value llama.cpp never named.
 * The one file-type name table (the GGUF reader uses it too). */
const char *ftype_name(enum ftype ft);
/* Whether the quantizer rules below can size a file of this type. */
bool ftype_is_sized(enum ftype ft);
/* A type the rules can size, by name: case-insensitive; "MXFP4" is
 * accepted for MXFP4_MOE. 0, or -1 if unknown or names-only. */
int ftype_by_name(const char *name, enum ftype *out);
/* 0 when id is a general.file_type value the rules can size (sets *out),
 * else -1 (unknown, or named but not sized: size such a file from its
 * tensors). */
int ftype_by_id(int id, enum ftype *out);

/* What the rules need to know about the model. */
struct quant_model {
	const char *arch;       /* general.architecture */
	int n_layer;
	int n_expert;           /* 0 for dense models */
	int n_gqa;              /* heads / kv_heads */
};

struct quant_state {
	struct quant_model m;
	enum ftype ftype;
	enum ggml_type default_type; /* ftype's type for tensors the rules leave
				      * alone (set by quant_begin) */
	bool tied;              /* no output.weight: token_embd takes its rules */
	bool imatrix;           /* quantized with an importance matrix */
	int token_embd_type;    /* --token-embedding-type; -1 (the default
				 * quant_begin sets): the rules decide */
	bool is_70b, is_falcon; /* llama.cpp's LLM_TYPE_70B and LLM_ARCH_FALCON */
	int n_attention_wv, i_attention_wv;
	int i_ffn_down, i_ffn_gate, i_ffn_up;
};

/* Starts a file. n_attention_wv: how many attn_v, attn_qkv and attn_kv_b
 * tensors the list has; tied: whether output.weight is absent; imatrix:
 * whether an importance matrix was given (bartowski's and unsloth's files
 * use one, Ollama's do not). */
void quant_begin(struct quant_state *qs, const struct quant_model *m,
		 enum ftype ft, int n_attention_wv, bool tied, bool imatrix);

/* The type of one tensor. name is the GGUF name ("blk.3.attn_v.weight"),
 * ne its shape (ne[0] the row length), n_dims its rank, src_type the
 * type the converter wrote (F32 for vectors, biases and routers). */
enum ggml_type quant_tensor_type(struct quant_state *qs, const char *name,
				 const int64_t ne[3], int n_dims,
				 enum ggml_type src_type);

/* What the rules read from a tensor's name and rank, worked out once so a
 * tensor list can be typed for many file types without reading names
 * again (quant_tensor_type is quant_classify then quant_classified_type). */
struct quant_class {
	bool quantizable;       /* tensor_allows_quantization */
	bool token_embd;        /* an embedding table: "token_embd.weight" or
				 * gemma3n's "per_layer_token_embd.weight" */
	bool attn_v;            /* counts among the attention-v tensors */
	int category;           /* the rules' role of the tensor */
	int layer;              /* from "blk.N."; -1 outside the blocks */
};

void quant_classify(const char *name, int n_dims, struct quant_class *out);
enum ggml_type quant_classified_type(struct quant_state *qs, const struct quant_class *c,
				     const int64_t ne[3], int n_dims, enum ggml_type src_type);

/* The running count of the rules a tensor advances as they go through a
 * file in order (attn_v-like, ffn_down, ffn_gate, ffn_up), or none. A
 * tensor's position is how many tensors before it advance the same one;
 * it does not depend on the file type. */
enum quant_count {
	QUANT_COUNT_NONE, QUANT_COUNT_ATTN_V, QUANT_COUNT_FFN_DOWN,
	QUANT_COUNT_FFN_GATE, QUANT_COUNT_FFN_UP,
};
enum quant_count quant_counted_as(const struct quant_class *c);
/* Whether c's type at ft can depend on its position (or, for MoE, its
 * layer): when not, every tensor of the same class, shape and source type
 * gets the same type, and one call answers for all of them. */
bool quant_type_depends_on_position(enum ftype ft, const struct quant_class *c);
/* quant_classified_type for a tensor at position (as quant_counted_as
 * defines it), in any order: for typing a list without walking it. */
enum ggml_type quant_type_at(struct quant_state *qs, const struct quant_class *c, int position,
			     const int64_t ne[3], int n_dims, enum ggml_type src_type);

#endif
