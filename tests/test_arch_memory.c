/* test_arch_memory.c - Gemma 3n (per-layer embeddings, AltUp, LAuReL, KV
 * shared across layers) and DeepSeek V3.2 (MLA with the DSA lightning
 * indexer): tensor lists, quantizer types and cache sizes against
 * llama.cpp's layouts, worked out here from the published configs and
 * llama.cpp's rules, not from the code under test.
 *
 * Sources, github:ggml-org/llama.cpp (2026): src/models/gemma3n.cpp
 * (load_arch_tensors; n_layer_kv_from_start = 20, sliding pattern 5),
 * convert_hf_to_gguf.py Gemma3NModel (both embedding tables padded to
 * vocab_size 262400 rows), src/llama-quant.cpp (per_layer_token_embd is a
 * token embedding; altup*, laurel* and per_layer_model_proj are never
 * quantized), src/llama-arch.cpp (per_layer_token_embd is an input layer:
 * host memory), src/models/deepseek32.cpp and src/llama-kv-cache-dsa.cpp
 * (one indexer key of index_head_dim per token and layer, at the K type). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate/estimate.h"
#include "model/catalog.h"
#include "model/sizemodel.h"
#include "testlib.h"
#include "util/units.h"

static struct catalog cat;

static const struct model *find(const char *id)
{
	char path[512];
	const char *dir = getenv("CANIRUN_DATA_DIR");
	struct error err;

	if (cat.count == 0) {
		snprintf(path, sizeof(path), "%s/models.json", dir ? dir : "data");
		if (catalog_load(path, &cat, &err) < 0) {
			fprintf(stderr, "  %s\n", err.msg);
			return NULL;
		}
	}
	return catalog_find(&cat, id);
}

/* 64 GiB of RAM, 8 cores at 40 GB/s, and a 24 GiB NVIDIA GPU (none when
 * vram_bytes is 0). */
static void machine(struct hardware *hw, int64_t vram_bytes)
{
	hw_init(hw);
	hw->ram.total_bytes = hw->ram.available_bytes = 64 * GIB;
	hw->cpu.cores = 8;
	hw->cpu.q4_gbps = hw->cpu.q4_k_gbps = hw->cpu.q6_k_gbps = hw->cpu.q8_0_gbps = 40;
	hw->disk.kind = DISK_NVME;
	hw->gpu_count = vram_bytes > 0;
	if (vram_bytes > 0) {
		hw_gpu_init(&hw->gpus[0]);
		hw->gpus[0].vendor = GPU_VENDOR_NVIDIA;
		hw->gpus[0].vram_total_bytes = hw->gpus[0].vram_free_bytes = vram_bytes;
		hw->gpus[0].bandwidth_gbps = 936;
	}
}

/* google/gemma-3n-E2B-it config.json text_config: hidden 2048, 30 layers,
 * intermediate 8192, 8 heads, 2 KV heads of 256, vocab 262400, per-layer
 * input 256, altup_num_inputs 4, laurel_rank 64. */
static const int64_t E2B_LAYERS = 30, EMBD = 2048, FFN = 8192, VOCAB = 262400;
static const int64_t PLE = 256, ALTUP = 4, LAUREL = 64, HEAD = 256;

static int64_t gemma3n_e2b_params(void)
{
	int64_t outside = EMBD * VOCAB + EMBD +                 /* token_embd, output_norm */
			  2 * EMBD * EMBD * (ALTUP - 1) +       /* altup_proj, altup_unembd_proj */
			  PLE * E2B_LAYERS * VOCAB +            /* per_layer_token_embd */
			  EMBD * PLE * E2B_LAYERS + PLE;        /* per_layer_model_proj, its norm */
	int64_t attention = EMBD * 8 * HEAD + 2 * EMBD * 2 * HEAD + 8 * HEAD * EMBD + 2 * HEAD;
	int64_t ffn = 3 * EMBD * FFN;
	int64_t norms = 4 * EMBD;                       /* attn, post-attention, ffn, post-ffw */
	int64_t altup = 2 * EMBD * PLE + EMBD +         /* inp_gate, proj, post_norm */
			ALTUP * ALTUP + EMBD + ALTUP * ALTUP * ALTUP + EMBD * ALTUP + EMBD +
			2 * EMBD * LAUREL + EMBD;
	return outside + E2B_LAYERS * (attention + ffn + norms + altup);
}

static void gemma3n_tensors(void)
{
	const struct model *m = find("gemma3n:e2b");
	struct size_model s;
	struct error err;

	if (!CHECK(m != NULL) || !CHECK(gguf_size_compute(m, FTYPE_Q4_K_M, NULL, &s, &err) == 0))
		return;
	CHECK_INT(s.params, gemma3n_e2b_params());
	CHECK_INT(s.params, 4458122848LL);
	/* tied: both embedding tables take the output's Q6_K (210 bytes a
	 * 256-weight block) */
	CHECK_INT(s.input_bytes, PLE * E2B_LAYERS / 256 * 210 * VOCAB);
	CHECK_INT(s.token_embd_bytes, EMBD / 256 * 210 * VOCAB);
	/* n_tensors: 7 outside the blocks, 24 in each */
	CHECK_INT(s.n_tensors, 7 + 24 * E2B_LAYERS);
	size_model_release(&s);
}

/* The quantizer's choices for Gemma 3n's own tensors at Q4_K_M. */
static void gemma3n_quant_types(void)
{
	struct quant_model qm = { "gemma3n", 30, 0, 4 };
	struct quant_state qs;
	const int64_t square[3] = { 2048, 2048, 3 }, proj[3] = { 2048, 7680, 1 };
	const int64_t table[3] = { 7680, 262400, 1 }, gate[3] = { 2048, 256, 1 };
	const int64_t laurel[3] = { 2048, 64, 1 };

	quant_begin(&qs, &qm, FTYPE_Q4_K_M, 30, true, false);
	CHECK_INT(quant_tensor_type(&qs, "altup_proj.weight", square, 3, GGML_TYPE_F16),
		  GGML_TYPE_F16);
	CHECK_INT(quant_tensor_type(&qs, "per_layer_model_proj.weight", proj, 2, GGML_TYPE_F16),
		  GGML_TYPE_F16);
	CHECK_INT(quant_tensor_type(&qs, "blk.0.laurel_l.weight", laurel, 2, GGML_TYPE_F16),
		  GGML_TYPE_F16);
	CHECK_INT(quant_tensor_type(&qs, "per_layer_token_embd.weight", table, 2, GGML_TYPE_F16),
		  GGML_TYPE_Q6_K);
	CHECK_INT(quant_tensor_type(&qs, "blk.0.inp_gate.weight", gate, 2, GGML_TYPE_F16),
		  GGML_TYPE_Q4_K);
}

/* KV: only layers 0-19 keep a cache; of those 4, 9, 14, 19 are global
 * (ctx tokens), the other 16 slide (a 512 window + a 512 micro-batch, 1024
 * cells). 2 KV heads x 256, K and V, F16: 2048 bytes a token a layer. */
static void gemma3n_memory(void)
{
	const struct model *m = find("gemma3n:e2b");
	const int64_t ctx = 4096, per_token_layer = 2 * 2 * 256 * 2;
	struct estimate_settings set = { (int)ctx, KV_F16, 8, 512, RUNTIME_LLAMA_CPP, FA_RUNTIME, NULL, NULL };
	struct hardware hw;
	struct size_model s;
	struct estimate e;
	struct error err;

	if (!CHECK(m != NULL))
		return;
	CHECK_INT(m->kv_layers, 20);
	machine(&hw, 24 * GIB);
	if (!CHECK(estimate_ftype(&hw, m, FTYPE_Q4_K_M, &set, &e, &err) == 0) ||
	    !CHECK(gguf_size_compute(m, FTYPE_Q4_K_M, NULL, &s, &err) == 0))
		return;
	CHECK_INT(e.kv_bytes, per_token_layer * (4 * ctx + 16 * 1024));
	CHECK_INT(e.kv_bytes, 64 * MIB);
	CHECK_INT(e.kv_bytes_per_token, 20 * per_token_layer);
	/* on the GPU: everything but the per-layer table (token_embd twice
	 * over: tied, the output copy is on the GPU); in RAM: both tables */
	CHECK_INT(e.now.placement, PLACE_GPU);
	CHECK_INT(e.now.gpu[0].weights_bytes, s.tensor_bytes - s.input_bytes);
	CHECK_INT(e.now.cpu.weights_bytes, s.token_embd_bytes + s.input_bytes);
	size_model_release(&s);
}

/* deepseek-ai/DeepSeek-V3.2 config.json: the V3 geometry (61 layers,
 * hidden 7168, q_lora_rank 1536, kv_lora_rank 512, rope 64) plus the
 * indexer, index_n_heads 64 and index_head_dim 128: per layer a k_norm
 * with bias [128], proj [7168, 64], attn_k [7168, 128], attn_q_b [1536,
 * 64 x 128]. */
static void deepseek32_indexer(void)
{
	const struct model *v3 = find("deepseek-v3.1:671b"), *v32 = find("deepseek-v3.2:671b");
	const int64_t indexer = 2 * 128 + 7168 * 64 + 7168 * 128 + 1536 * 64 * 128;
	struct estimate_settings set = { 4096, KV_F16, 8, 512, RUNTIME_LLAMA_CPP, FA_RUNTIME, NULL, NULL };
	struct size_model a, b;
	struct hardware hw;
	struct estimate e;
	struct error err;

	if (!CHECK(v3 != NULL && v32 != NULL) ||
	    !CHECK(gguf_size_compute(v3, FTYPE_Q4_K_M, NULL, &a, &err) == 0))
		return;
	if (!CHECK(gguf_size_compute(v32, FTYPE_Q4_K_M, NULL, &b, &err) == 0)) {
		size_model_release(&a);
		return;
	}
	CHECK_INT(b.params - a.params, 61 * indexer);
	CHECK_INT(b.n_tensors - a.n_tensors, 61 * 5);
	size_model_release(&a);
	size_model_release(&b);
	/* the cache: latent 512 + rope key 64 + indexer key 128, F16 */
	machine(&hw, 0);
	if (CHECK(estimate_ftype(&hw, v32, FTYPE_Q4_K_M, &set, &e, &err) == 0)) {
		CHECK_INT(e.kv_bytes_per_token, 61 * (512 + 64 + 128) * 2);
		CHECK_INT(e.kv_bytes, 4096LL * 61 * (512 + 64 + 128) * 2);
	}
}

static void release(void)
{
	catalog_release(&cat);
	size_model_cache_release();
}

TESTS(T(gemma3n_tensors), T(gemma3n_quant_types), T(gemma3n_memory), T(deepseek32_indexer),
      T(release));
