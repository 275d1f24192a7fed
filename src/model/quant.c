#include "model/quant.h"

#include "model/arch.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Every llama_ftype value llama.cpp has named (include/llama.h, enum
 * llama_ftype; 39-41 from its newest Python bindings, gguf-py
 * constants.py LlamaFileType), the one name table for file types: the
 * GGUF reader names a file's general.file_type with it, --quant parses it.
 * Types the quantizer rules below can size have sized = true and their
 * default_type, from llama_ftype_get_default_type() in src/llama-quant.cpp:
 * the type of every tensor the per-tensor rules leave alone. The rest are
 * names only (removed or newer types): a file of one is sized from its
 * tensors, never from the rules. Sized rows are in ascending bits order. */
struct ftype_info {
	enum ftype ftype;
	const char *name;
	enum ggml_type default_type; /* meaningful when sized */
	bool sized;
};

static const struct ftype_info ftype_table[] = {
	{ FTYPE_IQ1_S, "IQ1_S", GGML_TYPE_IQ1_S, true },
	{ FTYPE_IQ1_M, "IQ1_M", GGML_TYPE_IQ1_M, true },
	{ FTYPE_TQ1_0, "TQ1_0", GGML_TYPE_TQ1_0, true },
	{ FTYPE_IQ2_XXS, "IQ2_XXS", GGML_TYPE_IQ2_XXS, true },
	{ FTYPE_TQ2_0, "TQ2_0", GGML_TYPE_TQ2_0, true },
	{ FTYPE_IQ2_XS, "IQ2_XS", GGML_TYPE_IQ2_XS, true },
	{ FTYPE_IQ2_S, "IQ2_S", GGML_TYPE_IQ2_XS, true },
	{ FTYPE_IQ2_M, "IQ2_M", GGML_TYPE_IQ2_S, true },
	{ FTYPE_Q2_K_S, "Q2_K_S", GGML_TYPE_Q2_K, true },
	{ FTYPE_Q2_K, "Q2_K", GGML_TYPE_Q2_K, true },
	{ FTYPE_IQ3_XXS, "IQ3_XXS", GGML_TYPE_IQ3_XXS, true },
	{ FTYPE_IQ3_XS, "IQ3_XS", GGML_TYPE_IQ3_S, true },
	{ FTYPE_IQ3_S, "IQ3_S", GGML_TYPE_IQ3_S, true },
	{ FTYPE_Q3_K_S, "Q3_K_S", GGML_TYPE_Q3_K, true },
	{ FTYPE_IQ3_M, "IQ3_M", GGML_TYPE_IQ3_S, true },
	{ FTYPE_Q3_K_M, "Q3_K_M", GGML_TYPE_Q3_K, true },
	{ FTYPE_Q3_K_L, "Q3_K_L", GGML_TYPE_Q3_K, true },
	{ FTYPE_IQ4_XS, "IQ4_XS", GGML_TYPE_IQ4_XS, true },
	{ FTYPE_IQ4_NL, "IQ4_NL", GGML_TYPE_IQ4_NL, true },
	{ FTYPE_Q4_0, "Q4_0", GGML_TYPE_Q4_0, true },
	{ FTYPE_MXFP4_MOE, "MXFP4_MOE", GGML_TYPE_MXFP4, true },
	{ FTYPE_Q4_K_S, "Q4_K_S", GGML_TYPE_Q4_K, true },
	{ FTYPE_Q4_K_M, "Q4_K_M", GGML_TYPE_Q4_K, true },
	{ FTYPE_Q4_1, "Q4_1", GGML_TYPE_Q4_1, true },
	{ FTYPE_Q5_0, "Q5_0", GGML_TYPE_Q5_0, true },
	{ FTYPE_Q5_K_S, "Q5_K_S", GGML_TYPE_Q5_K, true },
	{ FTYPE_Q5_K_M, "Q5_K_M", GGML_TYPE_Q5_K, true },
	{ FTYPE_Q5_1, "Q5_1", GGML_TYPE_Q5_1, true },
	{ FTYPE_Q6_K, "Q6_K", GGML_TYPE_Q6_K, true },
	{ FTYPE_Q8_0, "Q8_0", GGML_TYPE_Q8_0, true },
	{ FTYPE_BF16, "BF16", GGML_TYPE_BF16, true },
	{ FTYPE_F16, "F16", GGML_TYPE_F16, true },
	{ FTYPE_F32, "F32", GGML_TYPE_F32, true },
	{ FTYPE_Q1_0, "Q1_0", GGML_TYPE_F32, false },
	{ FTYPE_Q2_0, "Q2_0", GGML_TYPE_F32, false },
	{ FTYPE_NVFP4, "NVFP4", GGML_TYPE_F32, false },
	{ FTYPE_Q4_0_4_4, "Q4_0_4_4", GGML_TYPE_F32, false },
	{ FTYPE_Q4_0_4_8, "Q4_0_4_8", GGML_TYPE_F32, false },
	{ FTYPE_Q4_0_8_8, "Q4_0_8_8", GGML_TYPE_F32, false },
	{ FTYPE_Q4_1_SOME_F16, "Q4_1_SOME_F16", GGML_TYPE_F32, false },
};

#define FTYPE_COUNT ((int)(sizeof(ftype_table) / sizeof(ftype_table[0])))

static const struct ftype_info *ftype_entry(enum ftype ft)
{
	for (int i = 0; i < FTYPE_COUNT; i++)
		if (ftype_table[i].ftype == ft)
			return &ftype_table[i];
	return NULL;
}

/* The entry of a type the rules can size, else NULL. */
static const struct ftype_info *ftype_info(enum ftype ft)
{
	const struct ftype_info *f = ftype_entry(ft);

	return f && f->sized ? f : NULL;
}

const char *ftype_name(enum ftype ft)
{
	const struct ftype_info *f = ftype_entry(ft);

	return f ? f->name : NULL;
}

bool ftype_is_sized(enum ftype ft)
{
	return ftype_info(ft) != NULL;
}

int ftype_by_name(const char *name, enum ftype *out)
{
	if (strcasecmp(name, "MXFP4") == 0)
		name = "MXFP4_MOE";
	for (int i = 0; i < FTYPE_COUNT; i++) {
		if (ftype_table[i].sized && strcasecmp(ftype_table[i].name, name) == 0) {
			*out = ftype_table[i].ftype;
			return 0;
		}
	}
	return -1;
}

int ftype_by_id(int id, enum ftype *out)
{
	const struct ftype_info *f = ftype_info((enum ftype)id);

	if (!f)
		return -1;
	*out = f->ftype;
	return 0;
}

/* tensor_category in llama-quant.cpp: broad roles found by name. */
enum category {
	CAT_TOKEN_EMBD, CAT_ATTN_Q, CAT_ATTN_V, CAT_ATTN_K, CAT_ATTN_QKV,
	CAT_ATTN_KV_B, CAT_ATTN_OUTPUT, CAT_FFN_UP, CAT_FFN_GATE, CAT_FFN_DOWN,
	CAT_OUTPUT, CAT_OTHER,
};

static enum category tensor_category(const char *name)
{
	static const struct { const char *part; enum category cat; } parts[] = {
		{ "attn_qkv.weight", CAT_ATTN_QKV },
		{ "attn_kv_b.weight", CAT_ATTN_KV_B },
		{ "attn_v.weight", CAT_ATTN_V },
		{ "attn_k.weight", CAT_ATTN_K },
		{ "attn_q.weight", CAT_ATTN_Q },
		{ "attn_output.weight", CAT_ATTN_OUTPUT },
		{ "ffn_up", CAT_FFN_UP },
		{ "ffn_gate", CAT_FFN_GATE },
		{ "ffn_down", CAT_FFN_DOWN },
	};

	const char *attn, *ffn;

	if (strcmp(name, "output.weight") == 0)
		return CAT_OUTPUT;
	/* gemma3n's per-layer table is quantized as an embedding too */
	if (strcmp(name, "token_embd.weight") == 0 ||
	    strcmp(name, "per_layer_token_embd.weight") == 0)
		return CAT_TOKEN_EMBD;
	/* every part starts "attn_" or "ffn_": most names are decided here */
	attn = strstr(name, "attn_");
	ffn = strstr(name, "ffn_");
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if ((parts[i].part[0] == 'a' ? attn : ffn) &&
		    strstr(parts[i].part[0] == 'a' ? attn : ffn, parts[i].part))
			return parts[i].cat;
	return CAT_OTHER;
}

static bool category_is_attn_v(enum category c)
{
	return c == CAT_ATTN_V || c == CAT_ATTN_QKV || c == CAT_ATTN_KV_B;
}

void quant_begin(struct quant_state *qs, const struct quant_model *m,
		 enum ftype ft, int n_attention_wv, bool tied, bool imatrix)
{
	const struct arch_info *arch = arch_find(m->arch);
	const struct ftype_info *f = ftype_info(ft);

	memset(qs, 0, sizeof(*qs));
	qs->m = *m;
	qs->ftype = ft;
	qs->default_type = f ? f->default_type : GGML_TYPE_F32;
	qs->tied = tied;
	qs->imatrix = imatrix;
	qs->token_embd_type = -1;
	qs->is_70b = arch->quant_70b_at_80_layers && m->n_layer == 80;
	qs->is_falcon = arch->quant_falcon;
	qs->n_attention_wv = n_attention_wv;
}

/* tensor_allows_quantization(): matrices named *.weight, except norms,
 * MoE routers, BERT's position and token-type embeddings, and Gemma 3n's
 * small AltUp and LAuReL matrices and its per-layer projection. (llama.cpp
 * also keeps the recurrent layers' conv weights; their rows of 3-4 fall
 * back to F16 here anyway, and an F32 file keeps them F32.) */
static bool allows_quantization(const char *name, int n_dims)
{
	static const char *const kept[] = {
		"_norm.weight", "ffn_gate_inp.weight", "altup", "laurel", "per_layer_model_proj",
	};
	size_t len = strlen(name);

	if (n_dims < 2 || len < 6 || strcmp(name + len - 6, "weight") != 0)
		return false;
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (strstr(name, kept[i]))
			return false;
	return strcmp(name, "position_embd.weight") != 0 &&
	       strcmp(name, "token_types.weight") != 0;
}

/* llama_tensor_get_type_impl(): use_more_bits picks the first and last
 * eighth of the layers and every third one between. */
static bool use_more_bits(int i_layer, int n_layers)
{
	return i_layer < n_layers / 8 || i_layer >= 7 * n_layers / 8 ||
	       (i_layer - n_layers / 8) % 3 == 2;
}

static bool ftype_in(enum ftype ft, const enum ftype *set, int n)
{
	for (int i = 0; i < n; i++)
		if (set[i] == ft)
			return true;
	return false;
}

#define FT_IN(ft, ...) ftype_in((ft), (const enum ftype[]){ __VA_ARGS__ }, \
	(int)(sizeof((const enum ftype[]){ __VA_ARGS__ }) / sizeof(enum ftype)))

/* output.weight, and token_embd.weight when tied to it. */
static enum ggml_type output_type(const struct quant_state *qs, int64_t nx,
				  enum ggml_type t)
{
	const struct ggml_type_info *info = ggml_type_by_id(t);
	enum ftype ft = qs->ftype;

	if (ft == FTYPE_MXFP4_MOE || qs->is_falcon ||
	    nx % info->block_weights != 0)
		return GGML_TYPE_Q8_0;
	if (FT_IN(ft, FTYPE_IQ2_XXS, FTYPE_IQ2_XS, FTYPE_IQ3_XXS, FTYPE_IQ1_S,
		  FTYPE_IQ2_S, FTYPE_IQ2_M, FTYPE_IQ1_M))
		return GGML_TYPE_Q5_K;
	return t != GGML_TYPE_Q8_0 ? GGML_TYPE_Q6_K : t;
}

static enum ggml_type token_embd_type(enum ftype ft, enum ggml_type t)
{
	if (FT_IN(ft, FTYPE_IQ2_XXS, FTYPE_IQ2_XS, FTYPE_IQ1_S, FTYPE_IQ1_M))
		return GGML_TYPE_Q2_K;
	if (FT_IN(ft, FTYPE_IQ2_S, FTYPE_IQ2_M, FTYPE_IQ3_XXS))
		return GGML_TYPE_IQ3_S;
	if (FT_IN(ft, FTYPE_TQ1_0, FTYPE_TQ2_0))
		return GGML_TYPE_Q4_K;
	return t;
}

/* The IQ1/IQ2 branch of llama_tensor_get_type_impl. */
static enum ggml_type low_bit_type(struct quant_state *qs, enum category cat,
				   enum ggml_type t)
{
	enum ftype ft = qs->ftype;
	bool s_or_m = ft == FTYPE_IQ2_S || ft == FTYPE_IQ2_M;

	if (category_is_attn_v(cat)) {
		qs->i_attention_wv++;
		if (qs->m.n_gqa >= 4 || qs->m.n_expert >= 4)
			return GGML_TYPE_Q4_K;
		return s_or_m ? GGML_TYPE_IQ3_S : GGML_TYPE_Q2_K;
	}
	if (qs->m.n_expert == 8 && cat == CAT_ATTN_K)
		return GGML_TYPE_Q4_K;
	if (cat == CAT_FFN_DOWN) {
		bool first = qs->i_ffn_down < qs->m.n_layer / 8;

		qs->i_ffn_down++;
		if (first)
			return s_or_m ? GGML_TYPE_IQ3_S : GGML_TYPE_Q2_K;
		return t;
	}
	if (cat == CAT_ATTN_OUTPUT) {
		if (qs->m.n_expert == 8)
			return GGML_TYPE_Q5_K;
		if (ft == FTYPE_IQ1_S || ft == FTYPE_IQ1_M)
			return GGML_TYPE_IQ2_XXS;
		if (s_or_m)
			return GGML_TYPE_IQ3_S;
	}
	return t;
}

static enum ggml_type attn_v_type(struct quant_state *qs, enum ggml_type t)
{
	enum ftype ft = qs->ftype;
	int gqa = qs->m.n_gqa, i = qs->i_attention_wv;

	if (ft == FTYPE_Q2_K)
		t = gqa >= 4 ? GGML_TYPE_Q4_K : GGML_TYPE_Q3_K;
	else if (ft == FTYPE_Q2_K_S && gqa >= 4)
		t = GGML_TYPE_Q4_K;
	else if (ft == FTYPE_IQ3_XXS)
		t = gqa >= 4 ? GGML_TYPE_Q4_K :
		    qs->imatrix ? GGML_TYPE_IQ3_XXS : GGML_TYPE_IQ3_S;
	else if (FT_IN(ft, FTYPE_IQ3_XS, FTYPE_IQ3_S) && gqa >= 4)
		t = GGML_TYPE_Q4_K;
	else if (ft == FTYPE_IQ3_M)
		t = GGML_TYPE_Q4_K;
	else if (ft == FTYPE_Q3_K_M)
		t = i < 2 ? GGML_TYPE_Q5_K : GGML_TYPE_Q4_K;
	else if (ft == FTYPE_Q3_K_L)
		t = GGML_TYPE_Q5_K;
	else if (FT_IN(ft, FTYPE_IQ4_NL, FTYPE_IQ4_XS) && gqa >= 4)
		t = GGML_TYPE_Q5_K;
	else if (FT_IN(ft, FTYPE_Q4_K_M, FTYPE_Q5_K_M) &&
		 use_more_bits(i, qs->n_attention_wv))
		t = GGML_TYPE_Q6_K;
	else if (ft == FTYPE_Q4_K_S && i < 4)
		t = GGML_TYPE_Q5_K;
	/* 70B: attn_v is 8x smaller than attn_q, so more bits cost little */
	if (qs->is_70b && (t == GGML_TYPE_Q3_K || t == GGML_TYPE_Q4_K))
		t = GGML_TYPE_Q5_K;
	if (qs->m.n_expert == 8)
		t = GGML_TYPE_Q8_0;
	qs->i_attention_wv++;
	return t;
}

/* ffn_down: i_layer from the name for MoE models, else the running count. */
static enum ggml_type ffn_down_type(struct quant_state *qs, int layer,
				    enum ggml_type t)
{
	enum ftype ft = qs->ftype;
	int n = qs->m.n_layer;
	int i = qs->m.n_expert > 1 ? layer : qs->i_ffn_down;
	bool more = use_more_bits(i, n);

	qs->i_ffn_down++;
	if (ft == FTYPE_Q2_K)
		return GGML_TYPE_Q3_K;
	if (ft == FTYPE_Q2_K_S)
		return i < n / 8 ? GGML_TYPE_Q4_K : t;
	if (ft == FTYPE_IQ3_XXS && !qs->imatrix)
		return i < n / 8 ? GGML_TYPE_Q4_K : GGML_TYPE_Q3_K;
	if (ft == FTYPE_Q3_K_M)
		return i < n / 16 ? GGML_TYPE_Q5_K :
		       !qs->is_falcon || more ? GGML_TYPE_Q4_K : GGML_TYPE_Q3_K;
	if (ft == FTYPE_IQ3_M && (i < n / 8 || (qs->m.n_expert == 8 && more)))
		return GGML_TYPE_Q4_K;
	if (ft == FTYPE_Q3_K_L)
		return qs->is_falcon ? GGML_TYPE_Q4_K : GGML_TYPE_Q5_K;
	if (ft == FTYPE_Q4_K_M) {
		if (qs->is_falcon)
			return i < n / 16 ? GGML_TYPE_Q6_K :
			       more ? GGML_TYPE_Q5_K : GGML_TYPE_Q4_K;
		return more ? GGML_TYPE_Q6_K : t;
	}
	if (i < n / 8 && FT_IN(ft, FTYPE_IQ4_NL, FTYPE_IQ4_XS) && !qs->imatrix)
		return GGML_TYPE_Q5_K;
	if (ft == FTYPE_Q5_K_M && more)
		return GGML_TYPE_Q6_K;
	if (ft == FTYPE_Q4_K_S && !qs->is_falcon && i < n / 8)
		return GGML_TYPE_Q5_K;
	/* even with an imatrix the first Q4_0/Q5_0 ffn_down layers misbehave */
	if (FT_IN(ft, FTYPE_Q4_0, FTYPE_Q5_0) && qs->imatrix && i < n / 8)
		return ft == FTYPE_Q4_0 ? GGML_TYPE_Q4_1 : GGML_TYPE_Q5_1;
	return t;
}

static enum ggml_type attn_output_type(const struct quant_state *qs,
				       enum ggml_type t)
{
	enum ftype ft = qs->ftype;

	if (qs->is_falcon)
		return ft == FTYPE_Q3_K_L ? GGML_TYPE_Q4_K : t;
	if (qs->m.n_expert == 8)
		return FT_IN(ft, FTYPE_Q2_K, FTYPE_IQ3_XS, FTYPE_IQ3_XXS,
			     FTYPE_Q3_K_S, FTYPE_Q3_K_M, FTYPE_IQ4_NL,
			     FTYPE_Q4_K_S, FTYPE_Q4_K_M, FTYPE_IQ3_S,
			     FTYPE_IQ3_M, FTYPE_IQ4_XS) ? GGML_TYPE_Q5_K : t;
	if (ft == FTYPE_Q2_K)
		return GGML_TYPE_Q3_K;
	if (ft == FTYPE_IQ3_XXS)
		return GGML_TYPE_IQ3_S;
	if (ft == FTYPE_Q3_K_M || ft == FTYPE_IQ3_M)
		return GGML_TYPE_Q4_K;
	if (ft == FTYPE_Q3_K_L)
		return GGML_TYPE_Q5_K;
	return t;
}

/* ffn_gate / ffn_up: only IQ3_XS lowers the middle layers. */
static enum ggml_type gate_up_type(const struct quant_state *qs, int i_layer,
				   enum ggml_type t)
{
	int n = qs->m.n_layer;

	if (qs->ftype == FTYPE_IQ3_XS && i_layer >= n / 8 && i_layer < 7 * n / 8)
		return GGML_TYPE_IQ3_XXS;
	return t;
}

static enum ggml_type per_tensor_type(struct quant_state *qs, enum category cat,
				      int64_t nx, int layer, enum ggml_type t)
{
	enum ftype ft = qs->ftype;
	int i;

	if (cat == CAT_OUTPUT || (qs->tied && cat == CAT_TOKEN_EMBD))
		return output_type(qs, nx, t);
	if (ft == FTYPE_MXFP4_MOE)
		return GGML_TYPE_Q8_0; /* experts were handled by the caller */
	if (cat == CAT_TOKEN_EMBD)
		return token_embd_type(ft, t);
	if (FT_IN(ft, FTYPE_IQ2_XXS, FTYPE_IQ2_XS, FTYPE_IQ1_S, FTYPE_IQ2_S,
		  FTYPE_IQ2_M, FTYPE_IQ1_M))
		return low_bit_type(qs, cat, t);
	if (category_is_attn_v(cat))
		return attn_v_type(qs, t);
	if (cat == CAT_ATTN_K || cat == CAT_ATTN_Q) {
		if (cat == CAT_ATTN_K && qs->m.n_expert == 8)
			return GGML_TYPE_Q8_0;
		if (ft == FTYPE_IQ3_XS)
			return GGML_TYPE_IQ3_XXS;
		return ft == FTYPE_IQ3_XXS ? GGML_TYPE_IQ2_S : t;
	}
	if (cat == CAT_FFN_DOWN)
		return ffn_down_type(qs, layer, t);
	if (cat == CAT_ATTN_OUTPUT)
		return attn_output_type(qs, t);
	if (cat == CAT_FFN_GATE || cat == CAT_FFN_UP) {
		int *counter = cat == CAT_FFN_GATE ? &qs->i_ffn_gate : &qs->i_ffn_up;

		i = qs->m.n_expert > 1 ? layer : *counter;
		(*counter)++;
		return gate_up_type(qs, i, t);
	}
	return t;
}

/* tensor_type_fallback(): a row that is not a whole number of blocks gets a
 * type with smaller blocks, and F16 when even that does not fit. */
static enum ggml_type fallback_type(int64_t nx, enum ggml_type t)
{
	enum ggml_type r;

	if (ggml_row_bytes(t, nx) >= 0)
		return t;
	switch (t) {
	case GGML_TYPE_IQ1_S: case GGML_TYPE_IQ1_M: case GGML_TYPE_IQ2_XXS:
	case GGML_TYPE_IQ2_XS: case GGML_TYPE_IQ2_S: case GGML_TYPE_IQ3_XXS:
	case GGML_TYPE_IQ3_S: case GGML_TYPE_IQ4_XS:
		r = GGML_TYPE_IQ4_NL;
		break;
	case GGML_TYPE_Q2_K: case GGML_TYPE_Q3_K: case GGML_TYPE_TQ1_0:
	case GGML_TYPE_TQ2_0:
		r = GGML_TYPE_Q4_0;
		break;
	case GGML_TYPE_Q4_K: r = GGML_TYPE_Q5_0; break;
	case GGML_TYPE_Q5_K: r = GGML_TYPE_Q5_1; break;
	case GGML_TYPE_Q6_K: r = GGML_TYPE_Q8_0; break;
	default: r = GGML_TYPE_F16; break;
	}
	return ggml_row_bytes(r, nx) >= 0 ? r : GGML_TYPE_F16;
}

/* "blk.N." -> N, else -1 (llama-quant.cpp reads it with sscanf). */
static int layer_of(const char *name)
{
	long layer;
	char *end;

	if (strncmp(name, "blk.", 4) != 0 || name[4] < '0' || name[4] > '9')
		return -1;
	layer = strtol(name + 4, &end, 10);
	return end > name + 4 && layer <= INT32_MAX ? (int)layer : -1;
}

void quant_classify(const char *name, int n_dims, struct quant_class *out)
{
	enum category cat = tensor_category(name);

	out->quantizable = allows_quantization(name, n_dims);
	out->token_embd = cat == CAT_TOKEN_EMBD;
	out->attn_v = category_is_attn_v(cat);
	out->category = (int)cat;
	out->layer = layer_of(name);
}

enum ggml_type quant_classified_type(struct quant_state *qs, const struct quant_class *c,
				     const int64_t ne[3], int n_dims, enum ggml_type src_type)
{
	enum ggml_type t = qs->default_type;

	if (!c->quantizable)
		return src_type;
	if (qs->token_embd_type >= 0 && c->token_embd)
		return (enum ggml_type)qs->token_embd_type;
	/* A float file keeps what the converter wrote already quantized
	 * (gpt-oss's MXFP4 experts); llama-quant only changes float types. */
	if (!ggml_type_is_quantized(t))
		return ggml_type_is_quantized(src_type) ? src_type : t;
	if (qs->ftype == FTYPE_MXFP4_MOE && n_dims == 3 && ne[2] > 1)
		return fallback_type(ne[0], GGML_TYPE_MXFP4);
	t = per_tensor_type(qs, (enum category)c->category, ne[0], c->layer, t);
	return fallback_type(ne[0], t);
}

enum quant_count quant_counted_as(const struct quant_class *c)
{
	if (!c->quantizable)
		return QUANT_COUNT_NONE;   /* returned before the rules count it */
	if (c->attn_v)
		return QUANT_COUNT_ATTN_V;
	switch ((enum category)c->category) {
	case CAT_FFN_DOWN: return QUANT_COUNT_FFN_DOWN;
	case CAT_FFN_GATE: return QUANT_COUNT_FFN_GATE;
	case CAT_FFN_UP: return QUANT_COUNT_FFN_UP;
	default: return QUANT_COUNT_NONE;
	}
}

/* The file types whose rules read a tensor's position: attn_v_type's
 * (i < 2, i < 4, use_more_bits), ffn_down_type's and low_bit_type's
 * (n/8, n/16, use_more_bits), gate_up_type's (IQ3_XS). The others give
 * every tensor of a kind the same type. */
bool quant_type_depends_on_position(enum ftype ft, const struct quant_class *c)
{
	switch (quant_counted_as(c)) {
	case QUANT_COUNT_ATTN_V:
		return FT_IN(ft, FTYPE_Q3_K_M, FTYPE_Q4_K_S, FTYPE_Q4_K_M, FTYPE_Q5_K_M);
	case QUANT_COUNT_FFN_DOWN:
		return FT_IN(ft, FTYPE_Q2_K_S, FTYPE_IQ3_XXS, FTYPE_Q3_K_M, FTYPE_IQ3_M, FTYPE_Q4_K_M,
			     FTYPE_IQ4_NL, FTYPE_IQ4_XS, FTYPE_Q5_K_M, FTYPE_Q4_K_S, FTYPE_Q4_0,
			     FTYPE_Q5_0, FTYPE_IQ2_XXS, FTYPE_IQ2_XS, FTYPE_IQ1_S, FTYPE_IQ2_S,
			     FTYPE_IQ2_M, FTYPE_IQ1_M);
	case QUANT_COUNT_FFN_GATE:
	case QUANT_COUNT_FFN_UP:
		return ft == FTYPE_IQ3_XS;
	case QUANT_COUNT_NONE:
		break;
	}
	return false;
}

enum ggml_type quant_type_at(struct quant_state *qs, const struct quant_class *c, int position,
			     const int64_t ne[3], int n_dims, enum ggml_type src_type)
{
	/* each rule reads only its own category's count */
	qs->i_attention_wv = qs->i_ffn_down = qs->i_ffn_gate = qs->i_ffn_up = position;
	return quant_classified_type(qs, c, ne, n_dims, src_type);
}

enum ggml_type quant_tensor_type(struct quant_state *qs, const char *name,
				 const int64_t ne[3], int n_dims,
				 enum ggml_type src_type)
{
	struct quant_class c;

	quant_classify(name, n_dims, &c);
	return quant_classified_type(qs, &c, ne, n_dims, src_type);
}
