/* arch.c - the architecture table; see arch.h.
 *
 * Sources, all github:ggml-org/llama.cpp (read through its copy in
 * github:mybigday/llama.rn cpp/, 2026-08): flags from llama-arch.cpp
 * (LLM_TENSOR_NAMES) and each architecture's load_tensors; swa patterns
 * from load_hparams (gemma2 every other layer, gemma3 5 local : 1 global,
 * cohere2 3 : 1, gpt-oss alternating);
 * recurrent mixers from models/granite-hybrid.cpp, nemotron-h.cpp (Mamba2),
 * qwen3next.cpp (gated delta net) and lfm2.cpp (short convolution); the
 * quantizer's cases from llama-quant.cpp and llama-model.cpp's type names;
 * glm4 (models/glm4.cpp): ffn_up holds gate and up, post-attention and
 * post-FFN norms; gemma-embedding (models/gemma-embedding.cpp): the gemma3
 * layout, bidirectional; gemma3n (models/gemma3n.cpp, github:ggml-org/llama.cpp
 * 2026): the gemma3 layout plus per-layer embeddings, AltUp and LAuReL
 * tensors, 4 local : 1 global layers, n_layer_kv_from_start = 20 (its
 * load_arch_hparams); deepseek32 (models/deepseek32.cpp, the deepseek2 MLA
 * layout plus the DSA lightning indexer's tensors and key cache).
 */
#include "model/arch.h"

#include "model/catalog.h"

#include <stddef.h>
#include <string.h>

static const struct arch_info arch_table[] = {
	{ "llama", 0, RECURRENT_NONE, 0, 0, true, false },
	{ "qwen2", 0, RECURRENT_NONE, 0, 0, true, false },
	{ "falcon", 0, RECURRENT_NONE, 0, 0, false, true },
	{ "phi3", ARCH_FUSED_QKV | ARCH_FUSED_GATE_UP, RECURRENT_NONE, 0, 0, false, false },
	{ "gemma", ARCH_SPM_VOCAB, RECURRENT_NONE, 0, 0, false, false },
	{ "gemma2", ARCH_POST_NORMS | ARCH_SPM_VOCAB, RECURRENT_NONE, 2, 0, false, false },
	{ "gemma3", ARCH_POST_NORMS | ARCH_SPM_VOCAB, RECURRENT_NONE, 6, 0, false, false },
	{ "gemma3n", ARCH_POST_NORMS | ARCH_SPM_VOCAB | ARCH_ALTUP, RECURRENT_NONE, 5, 20,
	  false, false },
	{ "gemma-embedding", ARCH_POST_NORMS | ARCH_SPM_VOCAB, RECURRENT_NONE, 6, 0, false, false },
	{ "gpt-oss", ARCH_ATTN_BIAS | ARCH_OPENAI_MOE, RECURRENT_NONE, 2, 0, false, false },
	{ "qwen2moe", ARCH_SHEXP_GATE, RECURRENT_NONE, 0, 0, false, false },
	{ "bert", ARCH_ENCODER | ARCH_POS_EMBD | ARCH_NORM_BIAS | ARCH_ATTN_BIAS |
		  ARCH_FFN_BIAS, RECURRENT_NONE, 0, 0, false, false },
	{ "nomic-bert", ARCH_ENCODER | ARCH_FUSED_QKV | ARCH_NORM_BIAS,
	  RECURRENT_NONE, 0, 0, false, false },
	{ "starcoder2", ARCH_NORM_BIAS | ARCH_ATTN_BIAS | ARCH_FFN_BIAS,
	  RECURRENT_NONE, 0, 0, false, false },
	{ "stablelm", ARCH_NORM_BIAS, RECURRENT_NONE, 0, 0, false, false },
	{ "phi2", ARCH_FUSED_QKV | ARCH_ATTN_BIAS | ARCH_FFN_BIAS | ARCH_NORM_BIAS |
		  ARCH_PARALLEL | ARCH_OUTPUT_BIAS, RECURRENT_NONE, 0, 0, false, false },
	{ "command-r", ARCH_PARALLEL, RECURRENT_NONE, 0, 0, false, false },
	{ "cohere2", ARCH_PARALLEL, RECURRENT_NONE, 4, 0, false, false },
	{ "glm4", ARCH_FUSED_GATE_UP | ARCH_POST_NORMS, RECURRENT_NONE, 0, 0, false, false },
	{ "granitehybrid", 0, RECURRENT_MAMBA2, 0, 0, false, false },
	{ "nemotron_h", ARCH_NO_MIXER_FFN, RECURRENT_MAMBA2, 0, 0, false, false },
	{ "qwen3next", ARCH_GATED_Q | ARCH_SHEXP_GATE, RECURRENT_GATED_DELTANET,
	  0, 0, false, false },
	{ "lfm2", 0, RECURRENT_SHORTCONV, 0, 0, false, false },
	{ "deepseek32", ARCH_DSA, RECURRENT_NONE, 0, 0, false, false },
};

const struct arch_info *arch_find(const char *name)
{
	static const struct arch_info unknown = { NULL, 0, RECURRENT_NONE, 0, 0,
						  false, false };

	if (!name)
		return &unknown;
	for (size_t i = 0; i < sizeof(arch_table) / sizeof(arch_table[0]); i++)
		if (strcmp(arch_table[i].name, name) == 0)
			return &arch_table[i];
	return &unknown;
}

int64_t arch_recurrent_state_elems(const struct model *m)
{
	const struct model_ssm *s = &m->ssm;
	int64_t history = s->conv_kernel > 0 ? s->conv_kernel - 1 : 0;

	if (!m->has_ssm)
		return 0;
	switch (arch_find(m->arch)->recurrent) {
	case RECURRENT_MAMBA2:
	case RECURRENT_GATED_DELTANET:
		return history * (s->inner_size + 2 * (int64_t)s->group_count *
				  s->state_size) +
		       (int64_t)s->state_size * s->inner_size;
	case RECURRENT_SHORTCONV:
		return history * m->embd;
	case RECURRENT_NONE:
		break;
	}
	return 0;
}
