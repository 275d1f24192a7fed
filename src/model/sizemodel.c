#include "model/sizemodel.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/arch.h"

struct tensor {
	char name[64];
	int layer;              /* -1 outside the blocks */
	int n_dims;
	int64_t ne[3];
	bool expert;            /* a routed MoE expert tensor */
	enum ggml_type src;     /* the type convert_hf_to_gguf.py writes */
	struct quant_class cls; /* what the quantizer's rules read from the name */
	int position;           /* among the tensors advancing its rule count */
	int kind;               /* into tensor_list.kinds */
	bool single;            /* summed one by one: outside the blocks, or
				 * counted by the rules (quant_counted_as) */
	int twin;               /* the same part a layer before (twin()), or -1 */
};

/* Tensors the rules cannot tell apart unless by position: same class,
 * row length, rank and source type. A file type is worked out once per
 * kind, and per tensor only where the position matters (attn_v, ffn_down):
 * a catalogue report types some million tensors otherwise. */
struct tensor_kind {
	struct quant_class cls;
	int64_t ne[3];
	int n_dims;
	enum ggml_type src;
	enum ggml_type type;    /* at the file type being summed */
	int64_t row_bytes;
	bool positional;        /* there: typed tensor by tensor */
};

struct tensor_list {
	const struct model *m;
	const struct arch_info *arch;
	unsigned flags;
	bool tied;              /* no output.weight */
	struct tensor *t;
	int count, cap;
	bool oom;
	int layer, layer_first, prev_first, pos;  /* where add() is, for twin() */
	/* the last layer of each kind x MoE-or-not (add_or_clone_layer) */
	int sig_first[6], sig_count[6];
	/* what does not depend on the file type, summed once the list is built */
	int64_t info_bytes, params;
	int n_attention_wv;
	struct tensor_kind *kinds;
	int kind_count;
	/* Blocks repeat: a layer whose tensors (kinds, shapes) other than the
	 * single ones match an earlier layer's is summed as that one, its
	 * representative. By layer: first tensor (n_layers + 1 entries), the
	 * representative, how many layers it stands for, and per file type its
	 * dense and expert bytes. singles: the single tensors, in file order. */
	int *layer_first_tensor, *layer_rep, *rep_layers;
	int64_t *rep_dense, *rep_expert;
	int *singles;
	int single_count, list_layers;
};

/* convert_hf_to_gguf.py keeps vectors, biases, norms (Mamba2's ssm_norm is
 * 2-D), MoE routers and BERT's
 * position/token-type tables in F32; gpt-oss ships its experts in MXFP4
 * and the converter keeps them so. */
static enum ggml_type source_type(const struct tensor_list *l,
				  const struct tensor *t)
{
	size_t len = strlen(t->name);

	if (t->n_dims < 2 || len < 7 || strcmp(t->name + len - 7, ".weight") ||
	    strstr(t->name, "_norm.weight") ||
	    strstr(t->name, "ffn_gate_inp") || strstr(t->name, "position_embd") ||
	    strstr(t->name, "token_types"))
		return GGML_TYPE_F32;
	if (t->expert && (l->flags & ARCH_OPENAI_MOE))
		return GGML_TYPE_MXFP4;
	return GGML_TYPE_F16;
}

/* "<part>" (layer < 0) or "blk.<layer>.<part>", cut to size: written by
 * hand because a catalogue report names some 100,000 tensors. */
static void tensor_name(char *out, size_t size, int layer, const char *part)
{
	char digits[12];
	size_t n = 0, d = 0, len = strlen(part);

	if (layer >= 0) {
		memcpy(out, "blk.", 4);
		n = 4;
		do
			digits[d++] = (char)('0' + layer % 10);
		while ((layer /= 10) > 0);
		while (d > 0)
			out[n++] = digits[--d];
		out[n++] = '.';
	}
	if (len > size - 1 - n)
		len = size - 1 - n;
	memcpy(out + n, part, len);
	out[n + len] = '\0';
}

/* The tensor at t's place in the layer before, when it is the same part
 * of the same rank: then everything read from its name but the layer
 * number holds for t too (blocks repeat; reading names is what costs). */
static const struct tensor *twin(struct tensor_list *l, const struct tensor *t, const char *part)
{
	int at = (int)(t - l->t);
	const struct tensor *prev;
	const char *prev_part;

	if (t->layer < 0)
		return NULL;
	if (t->layer != l->layer) {
		l->prev_first = t->layer == l->layer + 1 ? l->layer_first : -1;
		l->layer_first = at;
		l->layer = t->layer;
		l->pos = 0;
	}
	at = l->prev_first < 0 ? -1 : l->prev_first + l->pos;
	l->pos++;
	if (at < 0 || at >= l->layer_first)
		return NULL;
	prev = &l->t[at];
	prev_part = strchr(prev->name + 4, '.');
	return prev->layer == t->layer - 1 && prev->n_dims == t->n_dims && prev_part &&
	       strcmp(prev_part + 1, part) == 0 ? prev : NULL;
}

/* Room for n more tensors; false (and oom set) when memory runs out. */
static bool reserve(struct tensor_list *l, int n)
{
	int cap = l->cap ? l->cap : 256;
	struct tensor *grown;

	if (l->oom)
		return false;
	while (cap < l->count + n)
		cap *= 2;
	if (cap == l->cap)
		return true;
	if (!(grown = realloc(l->t, (size_t)cap * sizeof(*grown)))) {
		l->oom = true;
		return false;
	}
	l->t = grown;
	l->cap = cap;
	return true;
}

/* Appends "<part>" (layer < 0) or "blk.<layer>.<part>"; a zero extent ends
 * the shape. */
static void add(struct tensor_list *l, int layer, const char *part,
		int64_t ne0, int64_t ne1, int64_t ne2)
{
	const struct tensor *twin_of;
	struct tensor *t;

	if (!reserve(l, 1))
		return;
	t = &l->t[l->count++];
	memset(t, 0, sizeof(*t));
	tensor_name(t->name, sizeof(t->name), layer, part);
	t->layer = layer;
	t->ne[0] = ne0;
	t->ne[1] = ne1 ? ne1 : 1;
	t->ne[2] = ne2 ? ne2 : 1;
	t->n_dims = ne2 ? 3 : ne1 ? 2 : 1;
	t->twin = -1;
	if ((twin_of = twin(l, t, part))) {
		t->expert = twin_of->expert;
		t->src = twin_of->src;
		t->cls = twin_of->cls;
		t->cls.layer = layer;
		t->twin = (int)(twin_of - l->t);
		return;
	}
	t->expert = strstr(part, "_exps") != NULL;
	t->src = source_type(l, t);
	quant_classify(t->name, t->n_dims, &t->cls);
}

/* a followed by b into out, cut to size: snprintf("%s%s") took a quarter
 * of a catalogue report, called for every tensor of every model. */
static void join(char *out, size_t size, const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);

	if (na > size - 1)
		na = size - 1;
	if (nb > size - 1 - na)
		nb = size - 1 - na;
	memcpy(out, a, na);
	memcpy(out + na, b, nb);
	out[na + nb] = '\0';
}

/* A norm: weight, and bias for LayerNorm architectures. */
static void add_norm(struct tensor_list *l, int layer, const char *what,
		     int64_t n)
{
	char part[48];

	join(part, sizeof(part), what, ".weight");
	add(l, layer, part, n, 0, 0);
	if (l->flags & ARCH_NORM_BIAS) {
		join(part, sizeof(part), what, ".bias");
		add(l, layer, part, n, 0, 0);
	}
}

/* A matrix [n_in, n_out] with an optional bias [n_out]. */
static void add_linear(struct tensor_list *l, int layer, const char *what,
		       int64_t n_in, int64_t n_out, bool bias)
{
	char part[48];

	join(part, sizeof(part), what, ".weight");
	add(l, layer, part, n_in, n_out, 0);
	if (bias) {
		join(part, sizeof(part), what, ".bias");
		add(l, layer, part, n_out, 0, 0);
	}
}

#define PER_LAYER_TOKEN_EMBD "per_layer_token_embd.weight"

/* Gemma 3n's tensors outside the blocks (gemma3n load_arch_tensors): the
 * per-layer embedding table and its projection, AltUp's projections into
 * and out of its extra streams. */
static void add_altup_inputs(struct tensor_list *l)
{
	const struct model *m = l->m;
	int64_t per_layer = m->ple.embd_per_layer * m->layers;
	int64_t streams = m->ple.altup_inputs - 1;

	add(l, -1, "altup_proj.weight", m->embd, m->embd, streams);
	add(l, -1, "altup_unembd_proj.weight", m->embd, m->embd, streams);
	add(l, -1, PER_LAYER_TOKEN_EMBD, per_layer, m->vocab, 0);
	add(l, -1, "per_layer_model_proj.weight", m->embd, per_layer, 0);
	add(l, -1, "per_layer_proj_norm.weight", m->ple.embd_per_layer, 0, 0);
}

/* A Gemma 3n block's own tensors besides attention and FFN: the per-layer
 * input gate and projection, AltUp's predict/correct step, LAuReL. */
static void add_altup_layer(struct tensor_list *l, int i)
{
	const struct model *m = l->m;
	int64_t n = m->ple.altup_inputs, embd = m->embd;

	add(l, i, "inp_gate.weight", embd, m->ple.embd_per_layer, 0);
	add(l, i, "proj.weight", m->ple.embd_per_layer, embd, 0);
	add(l, i, "post_norm.weight", embd, 0, 0);
	add(l, i, "altup_correct_coef.weight", n, n, 0);
	add(l, i, "altup_correct_scale.weight", embd, 0, 0);
	add(l, i, "altup_predict_coef.weight", n, n * n, 0);
	add(l, i, "altup_router.weight", embd, n, 0);
	add(l, i, "altup_router_norm.weight", embd, 0, 0);
	add(l, i, "laurel_l.weight", embd, m->ple.laurel_rank, 0);
	add(l, i, "laurel_r.weight", m->ple.laurel_rank, embd, 0);
	add(l, i, "laurel_post_norm.weight", embd, 0, 0);
}

/* DeepSeek V3.2's lightning indexer (deepseek32 load_tensors): one key
 * head of index_head_dim under a LayerNorm, index_heads query heads from
 * the compressed query, and a weight per query head. */
static void add_indexer(struct tensor_list *l, int i)
{
	const struct model *m = l->m;
	const struct model_mla *a = &m->mla;

	add(l, i, "indexer.k_norm.weight", a->index_head_dim, 0, 0);
	add(l, i, "indexer.k_norm.bias", a->index_head_dim, 0, 0);
	add(l, i, "indexer.proj.weight", m->embd, a->index_heads, 0);
	add(l, i, "indexer.attn_k.weight", m->embd, a->index_head_dim, 0);
	add(l, i, "indexer.attn_q_b.weight", a->q_lora_rank,
	    (int64_t)a->index_heads * a->index_head_dim, 0);
}

/* DeepSeek-V2/V3 multi-head latent attention, as converted since llama.cpp
 * split attn_kv_b into attn_k_b and attn_v_b (deepseek2 load_tensors). */
static void add_mla(struct tensor_list *l, int i)
{
	const struct model *m = l->m;
	const struct model_mla *a = &m->mla;
	int64_t embd = m->embd, h = m->heads;
	int64_t q_dim = h * (a->nope_dim + a->rope_dim);

	if (a->q_lora_rank > 0) {
		add(l, i, "attn_q_a.weight", embd, a->q_lora_rank, 0);
		add(l, i, "attn_q_a_norm.weight", a->q_lora_rank, 0, 0);
		add(l, i, "attn_q_b.weight", a->q_lora_rank, q_dim, 0);
	} else {
		add(l, i, "attn_q.weight", embd, q_dim, 0);
	}
	add(l, i, "attn_kv_a_mqa.weight", embd, a->kv_lora_rank + a->rope_dim, 0);
	add(l, i, "attn_kv_a_norm.weight", a->kv_lora_rank, 0, 0);
	add(l, i, "attn_k_b.weight", a->nope_dim, a->kv_lora_rank, h);
	add(l, i, "attn_v_b.weight", a->kv_lora_rank, a->v_head_dim, h);
	add(l, i, "attn_output.weight", h * a->v_head_dim, embd, 0);
	if (a->index_heads > 0)
		add_indexer(l, i);
}

static void add_attention(struct tensor_list *l, int i)
{
	const struct model *m = l->m;
	int64_t q_dim = (int64_t)m->heads * m->head_dim;
	int64_t q_out = l->flags & ARCH_GATED_Q ? 2 * q_dim : q_dim;
	int64_t kv_dim = (int64_t)m->kv_heads * m->head_dim;
	bool all_bias = l->flags & ARCH_ATTN_BIAS;
	bool qkv_bias = all_bias || m->qkv_bias;

	if (m->has_mla) {
		add_mla(l, i);
		return;
	}
	if (l->flags & ARCH_FUSED_QKV) {
		add_linear(l, i, "attn_qkv", m->embd, q_dim + 2 * kv_dim, qkv_bias);
	} else {
		add_linear(l, i, "attn_q", m->embd, q_out, qkv_bias);
		add_linear(l, i, "attn_k", m->embd, kv_dim, qkv_bias);
		add_linear(l, i, "attn_v", m->embd, kv_dim, qkv_bias);
	}
	if (m->qk_norm) {
		add(l, i, "attn_q_norm.weight", m->head_dim, 0, 0);
		add(l, i, "attn_k_norm.weight", m->head_dim, 0, 0);
	}
	add_linear(l, i, "attn_output", q_dim, m->embd, all_bias);
	if (l->flags & ARCH_OPENAI_MOE)
		add(l, i, "attn_sinks.weight", m->heads, 0, 0);
}

/* A dense FFN of hidden size n; suffix "" or "_shexp" (shared expert). */
static void add_ffn(struct tensor_list *l, int i, const char *suffix,
		    int64_t n)
{
	const struct model *m = l->m;
	bool bias = l->flags & ARCH_FFN_BIAS;
	char gate[32], up[32], down[32];

	join(gate, sizeof(gate), "ffn_gate", suffix);
	join(up, sizeof(up), "ffn_up", suffix);
	join(down, sizeof(down), "ffn_down", suffix);
	if (l->flags & ARCH_FUSED_GATE_UP) {
		add_linear(l, i, up, m->embd, 2 * n, bias);
	} else {
		if (m->ffn_kind == FFN_GATED)
			add_linear(l, i, gate, m->embd, n, bias);
		add_linear(l, i, up, m->embd, n, bias);
	}
	add_linear(l, i, down, n, m->embd, bias);
}

static void add_moe(struct tensor_list *l, int i)
{
	const struct model *m = l->m;
	const struct model_moe *e = &m->moe;
	bool oai = l->flags & ARCH_OPENAI_MOE;
	int64_t embd = m->embd, eff = e->expert_ffn, n = e->experts;

	add_linear(l, i, "ffn_gate_inp", embd, n, oai);
	add(l, i, "ffn_gate_exps.weight", embd, eff, n);
	add(l, i, "ffn_up_exps.weight", embd, eff, n);
	add(l, i, "ffn_down_exps.weight", eff, embd, n);
	if (oai) {
		add(l, i, "ffn_gate_exps.bias", eff, n, 0);
		add(l, i, "ffn_up_exps.bias", eff, n, 0);
		add(l, i, "ffn_down_exps.bias", embd, n, 0);
	}
	if (e->shared_experts > 0) {
		add_ffn(l, i, "_shexp", e->shared_ffn);
		if (l->flags & ARCH_SHEXP_GATE)
			add(l, i, "ffn_gate_inp_shexp.weight", embd, 0, 0);
	}
}

/* Mamba2 (granitehybrid, nemotron_h load_tensors): in_proj packs x, z, B,
 * C and dt; the causal conv runs over x, B and C. */
static void add_mamba2(struct tensor_list *l, int i)
{
	const struct model *m = l->m;
	const struct model_ssm *s = &m->ssm;
	int64_t bc = 2 * (int64_t)s->group_count * s->state_size;
	int64_t heads = s->time_step_rank;

	add(l, i, "ssm_in.weight", m->embd, 2 * s->inner_size + bc + heads, 0);
	add(l, i, "ssm_conv1d.weight", s->conv_kernel, s->inner_size + bc, 0);
	add(l, i, "ssm_conv1d.bias", s->inner_size + bc, 0, 0);
	add(l, i, "ssm_dt.bias", heads, 0, 0);
	add(l, i, "ssm_a", 1, heads, 0);
	add(l, i, "ssm_d", 1, heads, 0);
	add(l, i, "ssm_norm.weight", s->inner_size / s->group_count,
	    s->group_count, 0);
	add(l, i, "ssm_out.weight", s->inner_size, m->embd, 0);
}

/* Gated delta net (qwen3next load_tensors): key heads of state_size,
 * value heads (time_step_rank) of state_size too. */
static void add_delta_net(struct tensor_list *l, int i)
{
	const struct model *m = l->m;
	const struct model_ssm *s = &m->ssm;
	int64_t key_dim = (int64_t)s->state_size * s->group_count;
	int64_t value_dim = (int64_t)s->state_size * s->time_step_rank;

	add(l, i, "attn_qkv.weight", m->embd, 2 * key_dim + value_dim, 0);
	add(l, i, "attn_gate.weight", m->embd, value_dim, 0);
	add(l, i, "ssm_conv1d.weight", s->conv_kernel, 2 * key_dim + value_dim, 0);
	add(l, i, "ssm_dt.bias", s->time_step_rank, 0, 0);
	add(l, i, "ssm_a", s->time_step_rank, 0, 0);
	add(l, i, "ssm_ba.weight", m->embd, 2 * (int64_t)s->time_step_rank, 0);
	add(l, i, "ssm_norm.weight", s->state_size, 0, 0);
	add(l, i, "ssm_out.weight", value_dim, m->embd, 0);
}

/* LFM2's gated short convolution (lfm2 load_tensors). */
static void add_shortconv(struct tensor_list *l, int i)
{
	const struct model *m = l->m;

	add(l, i, "shortconv.conv.weight", m->ssm.conv_kernel, m->embd, 0);
	add(l, i, "shortconv.in_proj.weight", m->embd, 3 * m->embd, 0);
	add(l, i, "shortconv.out_proj.weight", m->embd, m->embd, 0);
}

static void add_mixer(struct tensor_list *l, int i, enum layer_kind kind)
{
	if (kind == LAYER_ATTENTION) {
		add_attention(l, i);
		return;
	}
	switch (l->arch->recurrent) {
	case RECURRENT_MAMBA2:
		add_mamba2(l, i);
		break;
	case RECURRENT_GATED_DELTANET:
		add_delta_net(l, i);
		break;
	case RECURRENT_SHORTCONV:
		add_shortconv(l, i);
		break;
	case RECURRENT_NONE:
		break;
	}
}

/* The FFN half of a block: norm, then the layer's dense or MoE FFN. */
static void add_ffn_block(struct tensor_list *l, int i)
{
	const struct model *m = l->m;

	if (!(l->flags & (ARCH_PARALLEL | ARCH_NO_MIXER_FFN)))
		add_norm(l, i, "ffn_norm", m->embd);
	if (model_layer_is_moe(m, i))
		add_moe(l, i);
	else
		add_ffn(l, i, "", m->ffn);
	if (l->flags & ARCH_POST_NORMS)
		add_norm(l, i, "post_ffw_norm", m->embd);
}

/* One block: a mixer (attention or recurrent) and an FFN, or for
 * ARCH_NO_MIXER_FFN architectures one of the three alone. */
static void add_layer(struct tensor_list *l, int i)
{
	const struct model *m = l->m;
	enum layer_kind kind = model_layer_kind(m, i);
	bool no_mixer_ffn = l->flags & ARCH_NO_MIXER_FFN;

	add_norm(l, i, "attn_norm", m->embd);
	if (kind != LAYER_FFN_ONLY) {
		add_mixer(l, i, kind);
		if (l->flags & ARCH_POST_NORMS)
			add_norm(l, i, "post_attention_norm", m->embd);
	}
	if (kind == LAYER_FFN_ONLY || !no_mixer_ffn)
		add_ffn_block(l, i);
	if ((l->flags & ARCH_ALTUP) && l->m->has_ple)
		add_altup_layer(l, i);
}

/* Layer i as a copy of layer `from`'s count tensors starting at first,
 * renamed: a layer's tensors depend only on its kind and whether its FFN
 * is MoE, and copying them costs a fraction of building them. */
static void clone_layer(struct tensor_list *l, int i, int first, int count)
{
	int at = l->count;
	char prefix[16];

	if (!reserve(l, count))
		return;
	tensor_name(prefix, sizeof(prefix), i, "");
	memcpy(&l->t[at], &l->t[first], (size_t)count * sizeof(*l->t));
	for (int k = 0; k < count; k++) {
		struct tensor *t = &l->t[at + k];

		join(t->name, sizeof(t->name), prefix, strchr(l->t[first + k].name + 4, '.') + 1);
		t->layer = t->cls.layer = i;
		t->twin = first + k;
	}
	l->count += count;
	/* add() may twin the next layer with this one */
	l->layer = i;
	l->layer_first = at;
	l->pos = count;
}

/* Builds layer i, or copies the last layer of the same kind and FFN. */
static void add_or_clone_layer(struct tensor_list *l, int i)
{
	const struct model *m = l->m;
	int sig = 0, first = l->count;

	switch (model_layer_kind(m, i)) {
	case LAYER_ATTENTION: sig = 0; break;
	case LAYER_RECURRENT: sig = 1; break;
	case LAYER_FFN_ONLY: sig = 2; break;
	}
	sig = 2 * sig + model_layer_is_moe(m, i);
	if (l->sig_first[sig] >= 0)
		clone_layer(l, i, l->sig_first[sig], l->sig_count[sig]);
	else
		add_layer(l, i);
	l->sig_first[sig] = first;
	l->sig_count[sig] = l->count - first;
}

/* The whole list in llama.cpp's order: non-layer tensors, then by layer. */
static void build_tensors(struct tensor_list *l)
{
	const struct model *m = l->m;
	bool encoder = l->flags & ARCH_ENCODER;

	add(l, -1, "token_embd.weight", m->embd, m->vocab, 0);
	if (l->flags & ARCH_POS_EMBD)
		add(l, -1, "position_embd.weight", m->embd, m->context, 0);
	if (encoder) {
		add(l, -1, "token_types.weight", m->embd, 2, 0);
		add_norm(l, -1, "token_embd_norm", m->embd);
	} else {
		add_norm(l, -1, "output_norm", m->embd);
		if ((l->flags & ARCH_ALTUP) && m->has_ple)
			add_altup_inputs(l);
		if (!l->tied)
			add_linear(l, -1, "output", m->embd, m->vocab,
				   l->flags & ARCH_OUTPUT_BIAS);
	}
	for (int i = 0; i < m->layers; i++)
		add_or_clone_layer(l, i);
}

/* GGUF layout (llama.cpp ggml/src/gguf.cpp, docs gguf.md): a 24-byte header
 * (magic, version, tensor count, key/value count), the key/values, one info
 * per tensor (name as u64 length + bytes, u32 n_dims, u64 per dim, u32
 * type, u64 offset), padding to the alignment, then each tensor's data
 * padded to the alignment (general.alignment, 32 by default). */
#define GGUF_HEADER_BYTES 24
#define GGUF_ALIGNMENT 32
#define GGUF_STRING_BYTES(len) (8 + (len))

/* Metadata besides the tokenizer arrays: general.* (name, license, tags,
 * ...), the architecture's hyperparameters, tokenizer scalars (bos/eos ids,
 * pre-tokenizer) and usually a chat template of a few KiB. Estimates,
 * checked with the per-token constants below against the byte-exact rows of
 * tests/fixtures/gguf-sizes.csv (sizes of published files): the
 * real metadata of Phi-3 (SentencePiece, 32k) matches within 14 KB; Llama 3
 * files carry ~1.5 MB more than estimated and Qwen2.5 files ~1.5 MB less
 * (merge lists of 280k and 151k entries for similar vocabularies), under
 * 0.2% of the smallest of those files. */
#define META_OTHER_BYTES 8192
/* Tokenizer arrays (tokenizer.ggml.*): tokens as GGUF strings of about
 * TOKEN_TEXT_BYTES bytes each, an i32 token_type per token, an f32 score
 * per token for SentencePiece vocabularies, and for byte-level BPE a merges
 * array of about MERGES_PER_TOKEN strings per token, MERGE_TEXT_BYTES each. */
#define TOKEN_TEXT_BYTES 7
#define MERGES_PER_TOKEN 1.6
#define MERGE_TEXT_BYTES 11

static int64_t align_up(int64_t n)
{
	return (n + GGUF_ALIGNMENT - 1) / GGUF_ALIGNMENT * GGUF_ALIGNMENT;
}

/* SentencePiece ("llama" tokenizer model) for Gemma and the 32k
 * vocabularies of Llama 2, Mistral and Phi-3; byte-level BPE ("gpt2") for
 * the large vocabularies of Llama 3, Qwen, DeepSeek, gpt-oss. */
static int64_t tokenizer_bytes(const struct model *m)
{
	bool spm = (arch_find(m->arch)->flags & ARCH_SPM_VOCAB) ||
		   m->vocab < 40000;
	int64_t per_token = GGUF_STRING_BYTES(TOKEN_TEXT_BYTES) + 4;
	int64_t merges = 0;

	if (spm)
		per_token += 4;
	else
		merges = (int64_t)(MERGES_PER_TOKEN * (double)m->vocab) *
			 GGUF_STRING_BYTES(MERGE_TEXT_BYTES);
	return m->vocab * per_token + merges;
}

static int64_t tensor_info_bytes(const struct tensor *t)
{
	return GGUF_STRING_BYTES((int64_t)strlen(t->name)) + 4 +
	       8 * t->n_dims + 4 + 8;
}

static int check_shape(const struct model *m, struct error *err)
{
	if (m->has_moe && (m->moe.dense_layers > 0 || m->moe.layer_step > 1) &&
	    m->ffn <= 0)
		return error_set(err, "%s: ffn: must be set for dense layers",
				 m->id);
	if (m->has_ssm && arch_find(m->arch)->recurrent == RECURRENT_MAMBA2 &&
	    (m->ssm.group_count <= 0 || m->ssm.inner_size % m->ssm.group_count))
		return error_set(err, "%s: ssm.group_count: must divide ssm.inner_size",
				 m->id);
	if (!m->has_moe && m->ffn <= 0)
		return error_set(err, "%s: ffn: must be positive", m->id);
	if (m->has_ple && (m->ple.embd_per_layer <= 0 || m->ple.altup_inputs < 2 ||
			   m->ple.laurel_rank <= 0))
		return error_set(err, "%s: ple: per-layer embedding sizes missing", m->id);
	if (m->has_mla && m->mla.index_heads > 0 && m->mla.q_lora_rank <= 0)
		return error_set(err, "%s: mla.q_lora_rank: the indexer needs one", m->id);
	return 0;
}

static void count_tensor(struct size_model *out, const struct tensor *t,
			 enum ggml_type type, int64_t bytes)
{
	out->tensor_bytes += bytes;
	out->type_bytes[type] += bytes;
	if (t->layer < 0) {
		out->nonlayer_bytes += bytes;
		if (strcmp(t->name, "token_embd.weight") == 0) {
			out->token_embd_bytes = bytes;
			out->token_embd_type = (int)type;
		} else if (strcmp(t->name, "output.weight") == 0) {
			out->output_bytes = bytes;
			out->output_type = (int)type;
		} else if (strcmp(t->name, PER_LAYER_TOKEN_EMBD) == 0) {
			out->input_bytes = bytes;
			out->input_type = (int)type;
		}
	} else if (t->expert) {
		out->layers[t->layer].expert_bytes += bytes;
	} else {
		out->layers[t->layer].dense_bytes += bytes;
	}
}

static int row_error(const struct model *m, const struct tensor *t, enum ggml_type type,
		     struct error *err)
{
	return error_set(err, "%s: %s: row of %lld does not fit type %s", m->id, t->name,
			 (long long)t->ne[0], ggml_type_name(type));
}

/* The block tensors that are not single, by representative layer (their
 * kinds typed already): each once, counted for every layer it stands for. */
static int sum_representatives(const struct model *m, struct tensor_list *l,
			       struct size_model *out, int64_t *padded, struct error *err)
{
	for (int r = 0; r < l->list_layers; r++) {
		int64_t n = l->rep_layers[r];

		l->rep_dense[r] = l->rep_expert[r] = 0;
		if (n == 0)
			continue;
		for (int i = l->layer_first_tensor[r]; i < l->layer_first_tensor[r + 1]; i++) {
			const struct tensor *t = &l->t[i];
			const struct tensor_kind *kind = &l->kinds[t->kind];
			int64_t bytes = kind->row_bytes < 0 ? -1 : kind->row_bytes * t->ne[1] * t->ne[2];

			if (t->single)
				continue;
			if (bytes < 0)
				return row_error(m, t, kind->type, err);
			*(t->expert ? &l->rep_expert[r] : &l->rep_dense[r]) += bytes;
			out->tensor_bytes += n * bytes;
			out->type_bytes[kind->type] += n * bytes;
			*padded += n * align_up(bytes);
		}
	}
	for (int i = 0; i < l->list_layers; i++) {
		out->layers[i].dense_bytes += l->rep_dense[l->layer_rep[i]];
		out->layers[i].expert_bytes += l->rep_expert[l->layer_rep[i]];
	}
	return 0;
}

/* Types and sums l's tensors as a file of type ft; l may have been built
 * for another model of m's shape. */
static int sum_tensors(const struct model *m, struct tensor_list *l, enum ftype ft,
		       const struct size_options *opt, struct size_model *out,
		       struct error *err)
{
	struct quant_model qm = { m->arch, m->layers,
				  m->has_moe ? m->moe.experts : 0,
				  m->heads / m->kv_heads };
	struct quant_state qs;
	int64_t padded = 0;

	quant_begin(&qs, &qm, ft, l->n_attention_wv, l->tied, opt->imatrix);
	if (opt->token_embd_type)
		qs.token_embd_type = (int)opt->token_embd_type->type;
	for (int k = 0; k < l->kind_count; k++) {
		struct tensor_kind *kind = &l->kinds[k];

		kind->positional = quant_type_depends_on_position(ft, &kind->cls);
		kind->type = quant_classified_type(&qs, &kind->cls, kind->ne, kind->n_dims, kind->src);
		kind->row_bytes = ggml_row_bytes(kind->type, kind->ne[0]);
	}
	if (sum_representatives(m, l, out, &padded, err) < 0)
		return -1;
	for (int i = 0; i < l->single_count; i++) {
		const struct tensor *t = &l->t[l->singles[i]];
		const struct tensor_kind *kind = &l->kinds[t->kind];
		enum ggml_type type = kind->type;
		int64_t row = kind->row_bytes, bytes;

		if (kind->positional) {
			type = quant_type_at(&qs, &t->cls, t->position, t->ne, t->n_dims, t->src);
			row = ggml_row_bytes(type, t->ne[0]);
		}
		bytes = row < 0 ? -1 : row * t->ne[1] * t->ne[2];
		if (bytes < 0)
			return row_error(m, t, type, err);
		count_tensor(out, t, type, bytes);
		padded += align_up(bytes);
	}
	out->n_tensors = l->count;
	out->params = l->params;
	out->meta_bytes = align_up(GGUF_HEADER_BYTES + META_OTHER_BYTES +
				   tokenizer_bytes(m) + l->info_bytes) +
			  padded - out->tensor_bytes;
	out->file_bytes = out->tensor_bytes + out->meta_bytes;
	return 0;
}

static bool same_kind(const struct tensor_kind *k, const struct tensor *t)
{
	return k->cls.quantizable == t->cls.quantizable && k->cls.token_embd == t->cls.token_embd &&
	       k->cls.attn_v == t->cls.attn_v && k->cls.category == t->cls.category &&
	       k->ne[0] == t->ne[0] && k->n_dims == t->n_dims &&
	       (k->ne[2] > 1) == (t->ne[2] > 1) && k->src == t->src;
}

/* t's kind, added when new; -1 when out of memory. */
static int kind_of(struct tensor_list *l, const struct tensor *t)
{
	struct tensor_kind *k;

	if (t->twin >= 0 && same_kind(&l->kinds[l->t[t->twin].kind], t))
		return l->t[t->twin].kind;
	for (int i = 0; i < l->kind_count; i++)
		if (same_kind(&l->kinds[i], t))
			return i;
	if (!l->kinds && !(l->kinds = malloc((size_t)l->count * sizeof(*l->kinds))))
		return -1;
	k = &l->kinds[l->kind_count];
	*k = (struct tensor_kind){ .cls = t->cls, .n_dims = t->n_dims, .src = t->src };
	memcpy(k->ne, t->ne, sizeof(k->ne));
	return l->kind_count++;
}

/* Layers a and b hold the same tensors but for their single ones. */
static bool same_layer(const struct tensor_list *l, int a, int b)
{
	int from_a = l->layer_first_tensor[a], from_b = l->layer_first_tensor[b];
	int n = l->layer_first_tensor[a + 1] - from_a;

	if (n != l->layer_first_tensor[b + 1] - from_b)
		return false;
	for (int i = 0; i < n; i++) {
		const struct tensor *x = &l->t[from_a + i], *y = &l->t[from_b + i];

		if (x->single != y->single || x->kind != y->kind || x->expert != y->expert ||
		    x->ne[1] * x->ne[2] != y->ne[1] * y->ne[2])
			return false;
	}
	return true;
}

/* Each layer's first tensor and representative (the blocks follow the
 * tensors outside them, layer by layer); -1 when out of memory. */
static int find_representatives(struct tensor_list *l)
{
	int n = l->m->layers, at = 0;

	l->list_layers = n;
	l->layer_first_tensor = malloc(((size_t)n + 1) * sizeof(int));
	l->layer_rep = calloc((size_t)n + 1, sizeof(int));
	l->rep_layers = calloc((size_t)n + 1, sizeof(int));
	l->rep_dense = malloc(((size_t)n + 1) * sizeof(int64_t));
	l->rep_expert = malloc(((size_t)n + 1) * sizeof(int64_t));
	if (!l->layer_first_tensor || !l->layer_rep || !l->rep_layers || !l->rep_dense ||
	    !l->rep_expert)
		return -1;
	while (at < l->count && l->t[at].layer < 0)
		at++;
	for (int i = 0; i < n; i++) {
		l->layer_first_tensor[i] = at;
		while (at < l->count && l->t[at].layer == i)
			at++;
	}
	l->layer_first_tensor[n] = at;
	for (int i = 0; i < n; i++) {
		int r = 0;

		while (r < i && !(l->layer_rep[r] == r && same_layer(l, r, i)))
			r++;
		l->layer_rep[i] = r;
		l->rep_layers[r]++;
	}
	return 0;
}

/* What does not depend on the file type: totals, each tensor's kind and
 * position, the single tensors and each layer's representative. -1 when
 * out of memory. */
static int sum_type_free(struct tensor_list *l)
{
	int counts[QUANT_COUNT_FFN_UP + 1] = { 0 };

	if (!(l->singles = malloc(((size_t)l->count + 1) * sizeof(int))))
		return -1;
	for (int i = 0; i < l->count; i++) {
		struct tensor *t = &l->t[i];
		enum quant_count c = quant_counted_as(&t->cls);

		l->params += t->ne[0] * t->ne[1] * t->ne[2];
		l->info_bytes += tensor_info_bytes(t);
		l->n_attention_wv += t->cls.attn_v;
		t->position = c == QUANT_COUNT_NONE ? 0 : counts[c]++;
		t->single = t->layer < 0 || c != QUANT_COUNT_NONE;
		if (t->single)
			l->singles[l->single_count++] = i;
		if ((t->kind = kind_of(l, t)) < 0)
			return -1;
	}
	return find_representatives(l);
}

/* The parts of struct model a size depends on: everything but the free
 * text (aliases, name, sources, license, notes), which is most of its
 * bytes; hashing and comparing the whole struct took a microsecond a
 * call. A field added among the shape fields is covered. */
static const struct { size_t from, to; } shape_parts[] = {
	{ offsetof(struct model, arch), offsetof(struct model, params_source) },
	{ offsetof(struct model, layers), offsetof(struct model, license) },
	{ offsetof(struct model, qkv_bias), offsetof(struct model, notes) },
};

#define SHAPE_PARTS (sizeof(shape_parts) / sizeof(shape_parts[0]))

static bool same_shape(const struct model *a, const struct model *b)
{
	for (size_t i = 0; i < SHAPE_PARTS; i++)
		if (memcmp((const char *)a + shape_parts[i].from, (const char *)b + shape_parts[i].from,
			   shape_parts[i].to - shape_parts[i].from) != 0)
			return false;
	return true;
}

/* The tensor list of the model last sized, kept for its next file type:
 * estimate_best sizes one model at up to six types in a row, and the list
 * (names, shapes, the quantizer's reading of each name) does not depend on
 * the type. Keyed by the model's shape (same_shape), so a changed model
 * is rebuilt. */
static struct {
	struct model model;
	bool tied, valid;
	struct tensor_list list;
} last;

/* What a list keeps besides its tensors. */
static void free_list_sums(struct tensor_list *l)
{
	free(l->kinds);
	free(l->singles);
	free(l->layer_first_tensor);
	free(l->layer_rep);
	free(l->rep_layers);
	free(l->rep_dense);
	free(l->rep_expert);
}

static void forget_last(void)
{
	free(last.list.t);
	free_list_sums(&last.list);
	memset(&last, 0, sizeof(last));
}

static struct tensor_list *tensor_list_for(const struct model *m, bool tied)
{
	/* the next model reuses the tensor buffer: growing it anew for each
	 * model cost a tenth of a catalogue report in copies */
	struct tensor *buffer = last.list.t;
	int cap = last.list.cap;

	if (last.valid && last.tied == tied && same_shape(&last.model, m))
		return &last.list;
	free_list_sums(&last.list);
	memset(&last, 0, sizeof(last));
	last.model = *m;
	last.tied = tied;
	last.list = (struct tensor_list){ .m = &last.model, .arch = arch_find(m->arch),
					  .flags = arch_find(m->arch)->flags, .tied = tied,
					  .t = buffer, .cap = cap, .layer = -1, .prev_first = -1,
					  .sig_first = { -1, -1, -1, -1, -1, -1 } };
	build_tensors(&last.list);
	if (last.list.oom || sum_type_free(&last.list) < 0) {
		forget_last();
		return NULL;
	}
	last.valid = true;
	return &last.list;
}

/* Size models already computed with the default options, by model shape and id
 * and file type: the browser re-estimates every row when the context
 * changes, and the sizes do not depend on it. Open addressing; when full,
 * new results are simply not kept. */
#define MEMO_SLOTS 4096

struct memo_slot {
	uint64_t key;           /* 0: empty */
	enum ftype ft;
	char id[MODEL_ID_MAX];
	struct size_model *value;
};

static struct memo_slot *memo;

/* FNV-1a over 8-byte words of the shape parts (their tail bytes too). */
static uint64_t model_key(const struct model *m, enum ftype ft)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)ft, w;

	for (size_t p = 0; p < SHAPE_PARTS; p++) {
		const unsigned char *b = (const unsigned char *)m + shape_parts[p].from;
		size_t n = shape_parts[p].to - shape_parts[p].from, i;

		for (i = 0; i + 8 <= n; i += 8) {
			memcpy(&w, b + i, 8);
			h = (h ^ w) * 1099511628211ull;
		}
		for (; i < n; i++)
			h = (h ^ b[i]) * 1099511628211ull;
	}
	return h ? h : 1;
}

static struct memo_slot *memo_slot(const struct model *m, enum ftype ft, uint64_t key)
{
	if (!memo && !(memo = calloc(MEMO_SLOTS, sizeof(*memo))))
		return NULL;
	for (size_t i = 0, at = key % MEMO_SLOTS; i < MEMO_SLOTS; i++, at = (at + 1) % MEMO_SLOTS)
		if (!memo[at].key || (memo[at].key == key && memo[at].ft == ft &&
				      strcmp(memo[at].id, m->id) == 0))
			return &memo[at];
	return NULL;
}

static int copy_size_model(const struct size_model *from, struct size_model *to)
{
	*to = *from;
	to->layers = malloc((size_t)from->n_layers * sizeof(*to->layers));
	if (!to->layers) {
		memset(to, 0, sizeof(*to));
		return -1;
	}
	memcpy(to->layers, from->layers, (size_t)from->n_layers * sizeof(*to->layers));
	return 0;
}

/* Keeps a copy of value in the empty slot; nothing when memory runs out. */
static void memo_keep(struct memo_slot *slot, uint64_t key, enum ftype ft, const char *id,
		      const struct size_model *value)
{
	if (!(slot->value = malloc(sizeof(*slot->value))))
		return;
	if (copy_size_model(value, slot->value) < 0) {
		free(slot->value);
		slot->value = NULL;
		return;
	}
	slot->key = key;
	slot->ft = ft;
	snprintf(slot->id, sizeof(slot->id), "%s", id);
}

void size_model_cache_release(void)
{
	forget_last();
	for (int i = 0; memo && i < MEMO_SLOTS; i++)
		if (memo[i].value) {
			free(memo[i].value->layers);
			free(memo[i].value);
		}
	free(memo);
	memo = NULL;
}

int gguf_size_compute(const struct model *m, enum ftype ft,
		      const struct size_options *opt, struct size_model *out,
		      struct error *err)
{
	static const struct size_options defaults = { false, false, NULL };
	struct tensor_list *l;
	struct memo_slot *slot = NULL;
	uint64_t key = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!ftype_is_sized(ft))
		return error_set(err, "%s: file type %s: not one the quantizer rules size",
				 m->id, ftype_name(ft) ? ftype_name(ft) : "unknown");
	if (check_shape(m, err) < 0)
		return -1;
	if (!opt || memcmp(opt, &defaults, sizeof(defaults)) == 0) {
		key = model_key(m, ft);
		slot = memo_slot(m, ft, key);
		if (slot && slot->key && copy_size_model(slot->value, out) == 0)
			return 0;
	}
	if (!opt)
		opt = &defaults;
	out->ftype = ft;
	out->token_embd_type = out->output_type = out->input_type = -1;
	out->n_layers = m->layers;
	out->layers = calloc((size_t)m->layers, sizeof(*out->layers));
	l = tensor_list_for(m, m->tied_embeddings && !opt->untied_output);
	if (!out->layers || !l) {
		size_model_release(out);
		return error_set(err, "%s: out of memory", m->id);
	}
	rc = sum_tensors(m, l, ft, opt, out, err);
	if (rc < 0)
		size_model_release(out);
	else if (slot)
		memo_keep(slot, key, ft, m->id, out);
	return rc;
}

void size_model_release(struct size_model *s)
{
	free(s->layers);
	memset(s, 0, sizeof(*s));
}
