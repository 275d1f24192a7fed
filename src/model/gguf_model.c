/* gguf_model.c - a parsed GGUF header as a struct model; see gguf_model.h.
 *
 * Key names as llama.cpp's gguf-py constants.py writes them; tensor names
 * as llama-arch.cpp (ffn_up, ffn_up_exps, ffn_up_shexp, attn_q.bias,
 * attn_q_norm, output). DeepSeek-style MLA files written since 2025 carry
 * the per-head sizes in attention.key_length_mla / value_length_mla, older
 * ones in attention.key_length / value_length.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/gguf_model.h"

#include "model/arch.h"

static const struct gguf_tensor *find_tensor(const struct gguf_file *f,
					     const char *name)
{
	size_t i;

	for (i = 0; i < f->n_tensors; i++)
		if (strcmp(f->tensors[i].name, name) == 0)
			return &f->tensors[i];
	return NULL;
}

/* dims[1] (the output width) of the first "blk.N.<suffix>" tensor, or
 * fallback when no layer has one. */
static int64_t layer_dim1(const struct gguf_file *f, const char *suffix,
			  int64_t fallback)
{
	size_t i;

	for (i = 0; i < f->n_tensors; i++) {
		const char *name = f->tensors[i].name, *rest;

		if (strncmp(name, "blk.", 4) != 0)
			continue;
		rest = name + 4 + strspn(name + 4, "0123456789");
		if (rest > name + 4 && *rest == '.' && strcmp(rest + 1, suffix) == 0)
			return f->tensors[i].dims[1] <= INT64_MAX
				? (int64_t)f->tensors[i].dims[1] : fallback;
	}
	return fallback;
}

static bool has_layer_tensor(const struct gguf_file *f, const char *suffix)
{
	return layer_dim1(f, suffix, -1) >= 0;
}

/* "<arch>.<suffix>" as a non-negative integer, or fallback. */
static int64_t arch_key(const struct gguf_file *f, const char *suffix,
			int64_t fallback)
{
	char key[192];
	uint64_t v;

	if (snprintf(key, sizeof key, "%s.%s", f->arch.name, suffix) >=
	    (int)sizeof key || gguf_get_u64(f, key, &v) || v > INT64_MAX)
		return fallback;
	return (int64_t)v;
}

/* A count that fits an int, else 0 (unknown). */
static int small(int64_t v)
{
	return v > 0 && v <= INT_MAX ? (int)v : 0;
}

static int need(const struct gguf_file *f, const char *suffix, int64_t v,
		struct error *err)
{
	if (v > 0 && v <= INT_MAX)
		return 0;
	return error_set(err, "%s: %s.%s: missing or not a positive integer",
			 f->name, f->arch.name, suffix);
}

static void fill_moe(const struct gguf_file *f, struct model *m)
{
	const struct gguf_arch *a = &f->arch;
	struct model_moe *e = &m->moe;

	m->has_moe = true;
	e->experts = small(a->expert_count);
	e->experts_used = small(a->expert_used_count);
	e->expert_ffn = layer_dim1(f, "ffn_up_exps.weight",
				   a->expert_feed_forward_length > 0
				   ? a->expert_feed_forward_length
				   : a->feed_forward_length);
	e->shared_ffn = layer_dim1(f, "ffn_up_shexp.weight",
				   arch_key(f, "expert_shared_feed_forward_length", 0));
	e->shared_experts = small(a->expert_shared_count);
	if (e->shared_ffn > 0 && e->shared_experts == 0)
		e->shared_experts = 1;
	e->dense_layers = small(a->leading_dense_block_count);
}

static void fill_mla(const struct gguf_file *f, struct model *m)
{
	const struct gguf_arch *a = &f->arch;
	struct model_mla *l = &m->mla;
	int64_t key = arch_key(f, "attention.key_length_mla", a->key_length);
	int64_t value = arch_key(f, "attention.value_length_mla", a->value_length);

	m->has_mla = true;
	l->kv_lora_rank = small(a->kv_lora_rank);
	l->q_lora_rank = small(a->q_lora_rank);
	l->rope_dim = small(a->rope_dimension_count);
	l->nope_dim = small(key - a->rope_dimension_count);
	l->v_head_dim = small(value);
	m->head_dim = small(key);
}

static void fill_shape(const struct gguf_file *f, struct model *m)
{
	const struct gguf_arch *a = &f->arch;
	const struct gguf_tensor *embd = find_tensor(f, "token_embd.weight");

	m->layers = (int)a->block_count;
	m->embd = a->embedding_length;
	m->heads = (int)a->head_count;
	m->kv_heads = small(a->head_count_kv) ? small(a->head_count_kv) : m->heads;
	m->head_dim = small(a->key_length) ? small(a->key_length)
					   : small(a->embedding_length / a->head_count);
	m->ffn = layer_dim1(f, "ffn_up.weight",
			    a->feed_forward_length > 0 ? a->feed_forward_length : 0);
	m->vocab = a->vocab_size > 0 ? a->vocab_size
		 : embd && embd->dims[1] <= INT64_MAX ? (int64_t)embd->dims[1] : -1;
	m->tied_embeddings = find_tensor(f, "output.weight") == NULL;
	m->context = a->context_length > 0 ? a->context_length : -1;
	m->qkv_bias = has_layer_tensor(f, "attn_q.bias") ||
		      has_layer_tensor(f, "attn_qkv.bias");
	m->qk_norm = has_layer_tensor(f, "attn_q_norm.weight");
	m->ffn_kind = has_layer_tensor(f, "ffn_up.weight") &&
		      !has_layer_tensor(f, "ffn_gate.weight") ? FFN_PLAIN : FFN_GATED;
}

/* Which layers slide is hard-coded per architecture in llama.cpp (arch.h
 * swa_global_every); the window itself is in the file. */
static void fill_swa(const struct gguf_file *f, struct model *out)
{
	int global_every = arch_find(f->arch.name)->swa_global_every;

	if (f->arch.sliding_window <= 0 || f->arch.sliding_window > INT32_MAX ||
	    global_every <= 0)
		return;
	out->has_swa = true;
	out->swa.window = (int)f->arch.sliding_window;
	out->swa.global_every = global_every;
}

/* What layer i's tensors make it: a recurrent mixer (Mamba2 ssm_conv1d,
 * LFM2 shortconv; checked first, as qwen3next's delta-net layers also carry
 * attn_qkv), attention, or feed-forward only (nemotron_h). */
static char layer_letter(const struct gguf_file *f, int i)
{
	static const char *const recurrent[] = { "ssm_conv1d.weight", "shortconv.conv.weight" };
	static const char *const attention[] = { "attn_q.weight", "attn_qkv.weight", "attn_q_a.weight" };
	char name[96];

	for (size_t k = 0; k < sizeof(recurrent) / sizeof(recurrent[0]); k++) {
		snprintf(name, sizeof name, "blk.%d.%s", i, recurrent[k]);
		if (find_tensor(f, name))
			return LAYER_RECURRENT;
	}
	for (size_t k = 0; k < sizeof(attention) / sizeof(attention[0]); k++) {
		snprintf(name, sizeof name, "blk.%d.%s", i, attention[k]);
		if (find_tensor(f, name))
			return LAYER_ATTENTION;
	}
	return LAYER_FFN_ONLY;
}

/* The recurrent layers of a hybrid architecture (arch.h): which layers hold
 * a state, from the tensors, and its sizes from the <arch>.ssm.* keys
 * (LFM2: <arch>.shortconv.l_cache), as llama.cpp's load_hparams reads them. */
static void fill_ssm(const struct gguf_file *f, struct model *m)
{
	struct model_ssm *s = &m->ssm;

	if (arch_find(f->arch.name)->recurrent == RECURRENT_NONE ||
	    m->layers > MODEL_LAYERS_MAX)
		return;
	m->has_ssm = true;
	for (int i = 0; i < m->layers; i++)
		s->layers[i] = layer_letter(f, i);
	s->layers[m->layers] = '\0';
	s->conv_kernel = small(arch_key(f, "ssm.conv_kernel",
					arch_key(f, "shortconv.l_cache", 0)));
	s->inner_size = arch_key(f, "ssm.inner_size", 0);
	s->state_size = small(arch_key(f, "ssm.state_size", 0));
	s->group_count = small(arch_key(f, "ssm.group_count", 0));
	s->time_step_rank = small(arch_key(f, "ssm.time_step_rank", 0));
}

/* What llama.cpp hard-codes per architecture (arch.h kv_layers) and the
 * sections arch.h flags: gemma3n's per-layer embeddings (<arch>.
 * embedding_length_per_layer_input, altup.num_inputs, LAuReL's rank as
 * laurel_l's width), deepseek32's lightning indexer (<arch>.attention.
 * indexer.head_count / key_length). */
static void fill_arch_extras(const struct gguf_file *f, struct model *m)
{
	const struct arch_info *arch = arch_find(f->arch.name);

	m->kv_layers = arch->kv_layers < m->layers ? arch->kv_layers : 0;
	if (arch->flags & ARCH_ALTUP) {
		m->has_ple = true;
		m->ple.embd_per_layer = arch_key(f, "embedding_length_per_layer_input", 0);
		m->ple.altup_inputs = small(arch_key(f, "altup.num_inputs", 0));
		m->ple.laurel_rank = small(layer_dim1(f, "laurel_l.weight", 0));
	}
	if ((arch->flags & ARCH_DSA) && m->has_mla) {
		m->mla.index_heads = small(arch_key(f, "attention.indexer.head_count", 0));
		m->mla.index_head_dim = small(arch_key(f, "attention.indexer.key_length", 0));
	}
}

/* general.file_type, else the file type its main tensor type implies. */
static enum ftype file_ftype(const struct gguf_file *f)
{
	static const struct { int type; enum ftype ft; } by_type[] = {
		{ GGML_TYPE_F32, FTYPE_F32 },   { GGML_TYPE_F16, FTYPE_F16 },
		{ GGML_TYPE_BF16, FTYPE_BF16 }, { GGML_TYPE_Q8_0, FTYPE_Q8_0 },
		{ GGML_TYPE_Q4_0, FTYPE_Q4_0 }, { GGML_TYPE_Q4_1, FTYPE_Q4_1 },
		{ GGML_TYPE_Q5_0, FTYPE_Q5_0 }, { GGML_TYPE_Q5_1, FTYPE_Q5_1 },
		{ GGML_TYPE_Q2_K, FTYPE_Q2_K }, { GGML_TYPE_Q3_K, FTYPE_Q3_K_M },
		{ GGML_TYPE_Q4_K, FTYPE_Q4_K_M }, { GGML_TYPE_Q5_K, FTYPE_Q5_K_M },
		{ GGML_TYPE_Q6_K, FTYPE_Q6_K }, { GGML_TYPE_IQ4_XS, FTYPE_IQ4_XS },
		{ GGML_TYPE_MXFP4, FTYPE_MXFP4_MOE },
	};
	uint64_t most = 0;
	int main_type = GGML_TYPE_F16;
	enum ftype ft;

	if (f->file_type >= 0 && f->file_type < INT32_MAX && ftype_by_id((int)f->file_type, &ft) == 0)
		return ft;
	for (size_t i = 0; i < f->sizes.n_types; i++)
		if (f->sizes.types[i].bytes > most) {
			most = f->sizes.types[i].bytes;
			main_type = (int)f->sizes.types[i].type;
		}
	for (size_t i = 0; i < sizeof(by_type) / sizeof(by_type[0]); i++)
		if (by_type[i].type == main_type)
			return by_type[i].ft;
	return FTYPE_F16;
}

int gguf_to_size_model(const struct gguf_file *f, struct size_model *out, struct error *err)
{
	const struct gguf_sizes *z = &f->sizes;
	const struct gguf_tensor *embd = find_tensor(f, "token_embd.weight");
	const struct gguf_tensor *output = find_tensor(f, "output.weight");
	const struct gguf_tensor *per_layer = find_tensor(f, "per_layer_token_embd.weight");

	memset(out, 0, sizeof(*out));
	if (z->n_layers == 0)
		return error_set(err, "%s: no blk.N tensors: not a layered model", f->name);
	out->layers = calloc(z->n_layers, sizeof(*out->layers));
	if (!out->layers)
		return error_set(err, "%s: out of memory", f->name);
	out->n_layers = (int)z->n_layers;
	for (uint32_t i = 0; i < z->n_layers; i++) {
		out->layers[i].expert_bytes = (int64_t)z->layer_expert_bytes[i];
		out->layers[i].dense_bytes = (int64_t)(z->layer_bytes[i] - z->layer_expert_bytes[i]);
	}
	out->ftype = file_ftype(f);
	out->file_bytes = (int64_t)f->file_bytes;
	out->tensor_bytes = (int64_t)z->tensor_bytes;
	out->meta_bytes = (int64_t)f->data_offset;
	out->nonlayer_bytes = (int64_t)z->nonlayer_bytes;
	out->token_embd_bytes = embd ? (int64_t)embd->bytes : 0;
	out->output_bytes = output ? (int64_t)output->bytes : 0;
	out->token_embd_type = embd ? (int)embd->type : -1;
	out->output_type = output ? (int)output->type : -1;
	out->input_bytes = per_layer ? (int64_t)per_layer->bytes : 0;
	out->input_type = per_layer ? (int)per_layer->type : -1;
	out->params = (int64_t)z->params;
	out->n_tensors = (int)f->n_tensors;
	for (size_t i = 0; i < z->n_types; i++)
		if (z->types[i].type < GGML_TYPE_ID_LIMIT)
			out->type_bytes[z->types[i].type] += (int64_t)z->types[i].bytes;
	return 0;
}

int gguf_to_model(const struct gguf_file *f, const char *id, struct model *out,
		  struct error *err)
{
	const struct gguf_arch *a = &f->arch;
	const char *text;

	memset(out, 0, sizeof *out);
	if (!a->name)
		return error_set(err, "%s: general.architecture: missing", f->name);
	if (need(f, "block_count", a->block_count, err) ||
	    need(f, "embedding_length", a->embedding_length, err) ||
	    need(f, "attention.head_count", a->head_count, err))
		return -1;
	if (f->sizes.params > INT64_MAX)
		return error_set(err, "%s: more than 2^63 parameters", f->name);
	snprintf(out->id, sizeof out->id, "%s", id);
	snprintf(out->name, sizeof out->name, "%s",
		 gguf_get_str(f, "general.name", &text) == 0 ? text : id);
	snprintf(out->arch, sizeof out->arch, "%s", a->name);
	out->params = (int64_t)f->sizes.params;
	out->active_params = (int64_t)f->sizes.active_params;
	snprintf(out->params_source, sizeof out->params_source,
		 "GGUF tensor shapes");
	fill_shape(f, out);
	if (a->expert_count > 0)
		fill_moe(f, out);
	if (a->kv_lora_rank > 0)
		fill_mla(f, out);
	fill_swa(f, out);
	fill_ssm(f, out);
	fill_arch_extras(f, out);
	if (gguf_get_str(f, "general.license", &text) == 0)
		snprintf(out->license, sizeof out->license, "%s", text);
	snprintf(out->source, sizeof out->source, "%s", f->name);
	return 0;
}
