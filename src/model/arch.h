/* arch.h - what an architecture (GGUF general.architecture) is, in one
 * place: how its tensor list differs from the llama layout, what its
 * recurrent layers keep instead of a KV cache, which layers slide, and the
 * quantizer's special cases for it. The size model (sizemodel.c), the
 * quantizer rules (quant.c), the GGUF reader (gguf_model.c) and the
 * estimator's cache layout (estimate.c) all read this table; adding an
 * architecture is one entry in arch.c.
 *
 * Facts from github:ggml-org/llama.cpp: tensor names and shapes in
 * src/llama-arch.cpp and the per-architecture load_tensors (src/models/
 * *.cpp since 2026), sliding-window patterns and recurrent-layer rules in
 * the same files' load_hparams, state sizes in src/llama-hparams.cpp
 * (n_embd_r, n_embd_s). Entries point into static storage.
 */
#ifndef CANIRUN_ARCH_H
#define CANIRUN_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* How an architecture's tensors differ from the llama layout (attn_q/k/v/
 * output, gate/up/down FFN, RMS norms without bias). */
enum arch_flag {
	ARCH_FUSED_QKV = 1 << 0,     /* attn_qkv [embd, (heads + 2 kv) * head_dim] */
	ARCH_FUSED_GATE_UP = 1 << 1, /* ffn_up [embd, 2 ffn] holds gate and up */
	ARCH_POST_NORMS = 1 << 2,    /* post_attention_norm, post_ffw_norm */
	ARCH_ATTN_BIAS = 1 << 3,     /* biases on q, k, v and attn_output */
	ARCH_FFN_BIAS = 1 << 4,      /* biases on ffn_up and ffn_down */
	ARCH_NORM_BIAS = 1 << 5,     /* LayerNorm: every norm has a bias */
	ARCH_OPENAI_MOE = 1 << 6,    /* gpt-oss: sinks, router and expert biases,
				      * experts shipped in MXFP4 */
	ARCH_ENCODER = 1 << 7,       /* BERT-like: token_types, token_embd_norm,
				      * no output_norm or output */
	ARCH_POS_EMBD = 1 << 8,      /* learned position_embd [embd, context] */
	ARCH_SHEXP_GATE = 1 << 9,    /* ffn_gate_inp_shexp [embd] (qwen2moe, qwen3next) */
	ARCH_PARALLEL = 1 << 10,     /* attention and FFN share attn_norm: no ffn_norm */
	ARCH_OUTPUT_BIAS = 1 << 11,  /* output.bias [vocab] */
	ARCH_SPM_VOCAB = 1 << 12,    /* SentencePiece vocabulary at any size (Gemma) */
	ARCH_GATED_Q = 1 << 13,      /* attn_q is twice as wide: query and its
				      * output gate (qwen3next) */
	ARCH_NO_MIXER_FFN = 1 << 14, /* recurrent and attention layers carry no
				      * FFN; FFN-only layers do (nemotron_h) */
	ARCH_ALTUP = 1 << 15,        /* per-layer embeddings, AltUp and LAuReL
				      * tensors (gemma3n; the model's ple) */
	ARCH_DSA = 1 << 16,          /* MLA with a lightning indexer for sparse
				      * attention (deepseek32; mla.index_*) */
};

/* The recurrent mixer of a hybrid architecture's non-attention layers. */
enum arch_recurrent {
	RECURRENT_NONE = 0,
	RECURRENT_MAMBA2,        /* granitehybrid, nemotron_h */
	RECURRENT_GATED_DELTANET,/* qwen3next */
	RECURRENT_SHORTCONV,     /* lfm2 */
};

struct arch_info {
	const char *name;           /* GGUF general.architecture */
	unsigned flags;             /* enum arch_flag bits */
	enum arch_recurrent recurrent;
	/* llama.cpp's hard-coded sliding-window pattern: layer i is global iff
	 * (i+1) % swa_global_every == 0; 0 when the architecture has none or
	 * the pattern is not hard-coded. */
	int swa_global_every;
	/* llama.cpp's hard-coded n_layer_kv_from_start: only the first this
	 * many layers keep a KV cache, the later ones attend to an earlier
	 * layer's (gemma3n: 20); 0: every attention layer has its own. */
	int kv_layers;
	bool quant_70b_at_80_layers; /* llama-model.cpp names 80-layer models
				      * LLM_TYPE_70B, which the quantizer's
				      * attn_v rule keys on */
	bool quant_falcon;          /* the quantizer's falcon exceptions */
};

struct model;

/* Elements of the fixed-size state one recurrent layer of m keeps per
 * sequence, llama.cpp's n_embd_r() + n_embd_s() (src/llama-hparams.cpp):
 * the causal-conv history, (conv_kernel - 1) x (inner_size + 2 x
 * group_count x state_size) for Mamba2 and the gated delta net, embd x
 * (conv_kernel - 1) for LFM2's short conv; plus the SSM / delta-rule state,
 * state_size x inner_size. llama.cpp keeps both in F32 (llama-model.cpp
 * create_memory: recurrent_type_r/_s). 0 for a model without ssm. */
int64_t arch_recurrent_state_elems(const struct model *m);

/* The entry for name; for an architecture not in the table, an entry with
 * the given name's defaults (llama layout, no special cases) whose name is
 * NULL. Never NULL. */
const struct arch_info *arch_find(const char *name);

#endif
