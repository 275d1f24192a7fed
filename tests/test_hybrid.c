/* test_hybrid.c - hybrid models (recurrent layers with a fixed-size state
 * instead of a KV cache) and MoE models whose layers alternate dense and
 * MoE: memory and tensor lists against llama.cpp's sizes, worked out here
 * from the published configs and llama.cpp's formulas, not from the code
 * under test.
 *
 * llama.cpp (github:ggml-org/llama.cpp, src/llama-hparams.cpp): a
 * recurrent layer keeps n_embd_r() = (d_conv - 1) * (d_inner + 2 * n_group
 * * d_state) conv-history values and n_embd_s() = d_state * d_inner state
 * values, both F32 (llama-model.cpp create_memory), per sequence; only the
 * attention layers hold K and V (llama-memory-hybrid.cpp filter_attn). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate/estimate.h"
#include "model/catalog.h"
#include "model/sizemodel.h"
#include "testlib.h"
#include "util/units.h"

/* Loads the shipped catalogue into cat (release it) and finds id; NULL
 * when either fails. */
static const struct model *find(struct catalog *cat, const char *id)
{
	char path[512];
	const char *dir = getenv("CANIRUN_DATA_DIR");
	struct error err;

	snprintf(path, sizeof(path), "%s/models.json", dir ? dir : "data");
	if (catalog_load(path, cat, &err) < 0) {
		fprintf(stderr, "  %s\n", err.msg);
		return NULL;
	}
	return catalog_find(cat, id);
}

/* A CPU-only machine with room for anything: memory figures only. */
static void big_machine(struct hardware *hw)
{
	hw_init(hw);
	hw->ram.total_bytes = hw->ram.available_bytes = (int64_t)4096 * GIB;
	hw->cpu.cores = 8;
	hw->cpu.q4_gbps = 40;
	hw->disk.kind = DISK_NVME;
}

/* Qwen3-Next-80B-A3B-Instruct's config.json (Hugging Face
 * Qwen/Qwen3-Next-80B-A3B-Instruct, copied in github:AI-Hypercomputer/maxtext
 * hf_model_configs.py qwen3_next_80b_a3b_dict): 48 layers, full attention on
 * every 4th (full_attention_interval 4), 2 KV heads of head_dim 256;
 * gated delta net with linear_conv_kernel_dim 4, linear_key_head_dim 128,
 * linear_num_key_heads 16, linear_num_value_heads 32, linear_value_head_dim
 * 128. convert_hf_to_gguf.py (Qwen3NextModel) maps them to ssm_d_conv 4,
 * ssm_d_state 128, ssm_n_group 16, ssm_dt_rank 32, ssm_d_inner 128 x 32. */
static void qwen3_next_memory(void)
{
	struct catalog cat = { 0 };
	const struct model *m = find(&cat, "qwen3-next:80b");
	const int64_t ctx = 4096, attn_layers = 48 / 4, gdn_layers = 48 - 48 / 4;
	const int64_t d_conv = 4, d_state = 128, n_group = 16, d_inner = 128 * 32;
	const int64_t kv_per_token = 2 * 2 * 256;                 /* K and V, 2 heads x 256 */
	const int64_t kv = attn_layers * ctx * kv_per_token * 2;  /* F16 */
	const int64_t state = gdn_layers * 4 *                    /* F32 */
		((d_conv - 1) * (d_inner + 2 * n_group * d_state) + d_state * d_inner);
	struct estimate_settings set = { (int)ctx, KV_F16, 8, 512, RUNTIME_OLLAMA, FA_RUNTIME, NULL, NULL };
	struct hardware hw;
	struct estimate e;
	struct error err;

	if (!CHECK(m != NULL)) {
		catalog_release(&cat);
		return;
	}
	CHECK_INT(m->layers, 48);
	CHECK_INT(m->kv_heads, 2);
	CHECK_INT(m->head_dim, 256);
	CHECK_STR(m->ssm.layers, "RRRARRRARRRARRRARRRARRRARRRARRRARRRARRRARRRARRRA");
	big_machine(&hw);
	if (!CHECK(estimate_ftype(&hw, m, FTYPE_Q4_K_M, &set, &e, &err) == 0)) {
		catalog_release(&cat);
		return;
	}
	/* 100,663,296 B of KV + 79,036,416 B of state = 171.4 MiB */
	CHECK_INT(e.kv_bytes, kv + state);
	CHECK_INT(e.kv_bytes, 179699712);
	CHECK_INT(e.kv_bytes_per_token, attn_layers * kv_per_token * 2);
	/* the state does not grow with the context; the KV cache does */
	set.ctx = 8192;
	if (CHECK(estimate_ftype(&hw, m, FTYPE_Q4_K_M, &set, &e, &err) == 0))
		CHECK_INT(e.kv_bytes, 2 * kv + state);
	catalog_release(&cat);
}

/* The hand-made 4-layer hybrids below: arch, layer letters, widths and a
 * Mamba2 mixer (conv kernel 4) of d_inner, d_state, groups and heads. */
struct hand_hybrid {
	const char *arch, *layers;
	int64_t embd, ffn;
	int heads, kv_heads;
	int64_t d_inner;
	int d_state, groups, ssm_heads;
};

static void hand_model(struct model *m, const struct hand_hybrid *h)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->id, sizeof(m->id), "test:%s", h->arch);
	snprintf(m->arch, sizeof(m->arch), "%s", h->arch);
	m->layers = 4;
	m->embd = h->embd;
	m->ffn = h->ffn;
	m->heads = h->heads;
	m->kv_heads = h->kv_heads;
	m->head_dim = 128;
	m->vocab = 1000;
	m->context = 4096;
	m->tasks = TASK_CHAT;
	m->has_ssm = true;
	snprintf(m->ssm.layers, sizeof(m->ssm.layers), "%s", h->layers);
	m->ssm.conv_kernel = 4;
	m->ssm.inner_size = h->d_inner;
	m->ssm.state_size = h->d_state;
	m->ssm.group_count = h->groups;
	m->ssm.time_step_rank = h->ssm_heads;
}

/* A Granite-4.0-H-like model made by hand: 4 layers, the 3rd attention,
 * Mamba2 mixers with d_inner 2 x embd, 1 group, 64 heads. Tensor shapes per
 * layer from llama.cpp models/granite-hybrid.cpp load_tensors:
 *   ssm_in [embd, 2 d_inner + 2 n_group d_state + heads], ssm_conv1d
 *   [d_conv, d_inner + 2 n_group d_state] and its bias, ssm_dt bias [heads],
 *   ssm_a, ssm_d [1, heads], ssm_norm [d_inner / n_group, n_group],
 *   ssm_out [d_inner, embd]. */
static void mamba2_layers(void)
{
	struct model m;
	struct size_model s;
	struct estimate_settings set = { 1024, KV_F16, 8, 512, RUNTIME_OLLAMA, FA_RUNTIME, NULL, NULL };
	struct hardware hw;
	struct estimate e;
	struct error err;
	const int64_t embd = 1024, d_inner = 2048, d_state = 128, heads = 64, d_conv = 4;
	const int64_t conv_ch = d_inner + 2 * d_state;
	const int64_t mixer = embd * (2 * d_inner + 2 * d_state + heads) +
			      d_conv * conv_ch + conv_ch + heads + 2 * heads +
			      d_inner + d_inner * embd;
	const int64_t attention = embd * (8 * 128) * 2 + embd * (2 * 128) * 2;
	const int64_t ffn = 3 * embd * 4096, norms = 2 * embd;

	const struct hand_hybrid h = { "granitehybrid", "RRAR", embd, 4096, 8, 2,
				       d_inner, (int)d_state, 1, (int)heads };

	hand_model(&m, &h);
	m.tied_embeddings = true;
	if (!CHECK(gguf_size_compute(&m, FTYPE_F32, NULL, &s, &err) == 0))
		return;
	CHECK_INT(s.params, 1000 * embd + embd + 3 * (mixer + ffn + norms) +
			    attention + ffn + norms);
	CHECK_INT(s.layers[0].dense_bytes, 4 * (mixer + ffn + norms));
	CHECK_INT(s.layers[2].dense_bytes, 4 * (attention + ffn + norms));
	big_machine(&hw);
	estimate_model(&hw, &m, &s, &set, &e);
	/* one attention layer: 1024 tokens x 2 x 2 x 128 x 2 B; three Mamba2
	 * layers: ((4 - 1) x (2048 + 2 x 128) + 128 x 2048) x 4 B */
	CHECK_INT(e.kv_bytes, 1024 * 2 * 2 * 128 * 2 + 3 * (3 * 2304 + 128 * 2048) * 4);
	size_model_release(&s);
}

/* A Nemotron-H-like stack made by hand: "RFAF" = Mamba2, MLP, attention,
 * MLP. llama.cpp models/nemotron-h.cpp gives each layer one norm (attn_norm)
 * and one of the three blocks: the Mamba2 tensors, attention without an FFN
 * (n_ff(il) == 0), or a 2-matrix squared-ReLU FFN (ffn_up, ffn_down); only
 * the attention layer has a KV cache and only the Mamba2 layer a state
 * (llama-model.cpp create_memory's filter_attn / filter_recr for
 * NEMOTRON_H). */
static void nemotron_h_layers(void)
{
	struct model m;
	struct size_model s;
	struct estimate_settings set = { 2048, KV_F16, 8, 512, RUNTIME_OLLAMA, FA_RUNTIME, NULL, NULL };
	struct hardware hw;
	struct estimate e;
	struct error err;
	const int64_t embd = 512, d_inner = 1024, d_state = 64, heads = 16, groups = 2;
	const int64_t bc = 2 * groups * d_state;
	const int64_t mamba = embd * (2 * d_inner + bc + heads) + 4 * (d_inner + bc) +
			      (d_inner + bc) + heads + 2 * heads + d_inner + d_inner * embd;
	const int64_t mlp = 2 * embd * 2048, attention = 2 * embd * 512 + 2 * embd * 128;

	const struct hand_hybrid h = { "nemotron_h", "RFAF", embd, 2048, 4, 1,
				       d_inner, (int)d_state, (int)groups, (int)heads };

	hand_model(&m, &h);
	m.ffn_kind = FFN_PLAIN;
	if (!CHECK(gguf_size_compute(&m, FTYPE_F32, NULL, &s, &err) == 0))
		return;
	CHECK_INT(s.layers[0].dense_bytes, 4 * (embd + mamba));
	CHECK_INT(s.layers[1].dense_bytes, 4 * (embd + mlp));
	CHECK_INT(s.layers[2].dense_bytes, 4 * (embd + attention));
	CHECK_INT(s.layers[3].dense_bytes, 4 * (embd + mlp));
	big_machine(&hw);
	estimate_model(&hw, &m, &s, &set, &e);
	/* attention: 2048 tokens x 2 x 1 x 128 x 2 B; Mamba2: ((4 - 1) x (1024
	 * + 2 x 2 x 64) + 64 x 1024) x 4 B; MLP layers: nothing */
	CHECK_INT(e.kv_bytes, 2048 * 2 * 128 * 2 + (3 * (1024 + 256) + 64 * 1024) * 4);
	CHECK_INT(e.kv_bytes_per_token, 2 * 128 * 2);
	size_model_release(&s);
}

/* Llama-4-Maverick-17B-128E: interleave_moe_layer_step 2, so layers 1, 3,
 * ..., 47 hold the 128 routed experts (llama.cpp llama4 load_tensors:
 * (i + 1) % n_moe_layer_step == 0) and the others a dense FFN of
 * intermediate_size_mlp 16384. Meta's model card: 400B total, 17B active. */
static void maverick_alternates(void)
{
	struct catalog cat = { 0 };
	const struct model *m = find(&cat, "llama4:128x17b");
	struct size_model s;
	struct error err;
	int moe_layers = 0, odd = 0;

	if (!CHECK(m != NULL) ||
	    !CHECK(gguf_size_compute(m, FTYPE_Q4_K_M, NULL, &s, &err) == 0)) {
		catalog_release(&cat);
		return;
	}
	for (int i = 0; i < s.n_layers; i++) {
		moe_layers += s.layers[i].expert_bytes > 0;
		odd += s.layers[i].expert_bytes > 0 && i % 2 == 1;
	}
	CHECK_INT(moe_layers, 24);
	CHECK_INT(odd, 24);
	CHECK(s.params > 392000000000LL && s.params < 408000000000LL);
	CHECK(m->active_params > 16660000000LL && m->active_params < 17340000000LL);
	size_model_release(&s);
	catalog_release(&cat);
}

TESTS(T(qwen3_next_memory), T(mamba2_layers), T(nemotron_h_layers), T(maverick_alternates));
