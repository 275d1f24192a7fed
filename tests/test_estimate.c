/* The estimator on hand-made models and machines, where every byte and
 * second can be worked out on paper (the arithmetic is in the comments). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate/estimate.h"
#include "estimate/fitted.h"
#include "testlib.h"
#include "util/units.h"

/* The fitted GPU constants (src/estimate/fitted.h, written by make
 * calibrate) are inputs of the formulas checked here, so a refit leaves
 * these tests alone: { efficiency by weight class, layer overhead s, band,
 * prefill efficiency }. */
struct fitted_backend {
	double efficiency[WEIGHT_CLASS_COUNT], layer_overhead_s, band, prefill_efficiency;
};
static const struct fitted_backend cuda = FIT_CUDA, vulkan = FIT_VULKAN;
#define KQUANT_EFF cuda.efficiency[WEIGHT_KQUANT]

/* 4 layers of 256 MiB, token_embd and output 64 MiB each, Q4_K, embd 1024,
 * FFN 4096, 8 heads of 128 with 2 KV heads, vocab 32000. */
static struct model model;
static struct size_model size;
static struct layer_bytes layers[4];
static struct hardware hw;
static struct estimate e;
static const struct estimate_settings set = { 4096, KV_F16, 8, 1024, RUNTIME_OLLAMA, FA_RUNTIME, NULL, NULL };

static void dense_model(void)
{
	test_dense_1b(&model, &size, layers);
	size.file_bytes += 10 * MIB;    /* header and tokenizer */
}

/* FLOPs a prompt token of dense_model() takes: 2 per weight, less the
 * token embedding and the output matrix (32000 x 1024 each, untied). */
#define DENSE_PREFILL_FLOPS (2.0 * (1e9 - 2 * 32000.0 * 1024))
/* On a CPU, attention over set's 1024-token prompt at 0.37 of the batched
 * rate: 4 layers x 4 x 8 heads x 128 x 512 tokens attended on average. */
#define DENSE_ATTENTION_FLOPS (4 * 4 * 8 * 128 * 512.0)
#define DENSE_CPU_PREFILL_FLOPS (DENSE_PREFILL_FLOPS + DENSE_ATTENTION_FLOPS / 0.37)
/* A generated token's attention on a CPU layer of dense_model(): 4 x 8
 * heads x 128 x the 1024 prompt tokens it attends to, at 0.75 of the
 * one-thread Q8_0 rate on each of machine()'s 8 threads; that CPU reports
 * only an all-core rate, 40 GB/s, so one thread's is 40 / 8. */
/* On more than one thread (these machines have 8) the matvec rate is
 * lowered by the 7.7% llama.cpp's threads wait at barriers. */
#define ON_THREADS (1 - 0.077)
#define DENSE_CPU_ATTENTION_S(layers) ((layers) * 4 * 8 * 128 * 1024.0 / (0.75 * 40e9 / 8 * 8))

static void machine(int gpus, int64_t vram_bytes, int64_t ram_bytes)
{
	hw_init(&hw);
	hw.ram.total_bytes = hw.ram.available_bytes = ram_bytes;
	hw.cpu.cores = 8;
	hw.cpu.q4_gbps = 40;
	hw.cpu.prefill_gflops = 500;
	hw.disk.kind = DISK_NVME;
	hw.gpu_count = gpus;
	for (int i = 0; i < gpus; i++) {
		hw_gpu_init(&hw.gpus[i]);
		hw.gpus[i].index = i;
		hw.gpus[i].vendor = GPU_VENDOR_NVIDIA;
		hw.gpus[i].vram_total_bytes = hw.gpus[i].vram_free_bytes = vram_bytes;
		hw.gpus[i].bandwidth_gbps = 1000;
		hw.gpus[i].fp16_tflops = 100;
		hw.gpus[i].pcie.gen = 4;
		hw.gpus[i].pcie.width = 16;
	}
	estimate_model(&hw, &model, &size, &set, &e);
}

static void memory_parts(void)
{
	dense_model();
	machine(0, 0, 64 * GIB);
	/* KV: 2 x 2 heads x 128 x 4096 tokens x 2 B = 4 MiB a layer. */
	CHECK_INT(e.kv_bytes, 16 * MIB);
	CHECK_INT(e.kv_bytes_per_token, 2 * 2 * 128 * 4 * 2);
	/* Compute, the largest of (flash attention on: Ollama's default):
	 * FFN 512 x 4 B x (2 x 4096 + 2 x 1024) = 20 MiB; attention 4096 x 512
	 * x 6 B (mask and its F16 copy) + 4 x 512 x 4 B x 1024 = 12 + 8 MiB;
	 * logits 512 x 4 B x (32000 + 1024) = 67633152 B. */
	CHECK_INT(e.compute_bytes, 67633152);
	CHECK(e.flash_attn);
	CHECK_INT(e.weights_bytes, 1152 * MIB);
	CHECK_INT(e.total_bytes, 1152 * MIB + 16 * MIB + 67633152 + 256 * MIB);
}

/* Without flash attention the scores dominate at long context:
 * 512 x 4 B x (8 heads x n_kv + n_kv + 4 x 1024). */
static void compute_by_context_and_flash_attn(void)
{
	struct estimate_settings s = set;

	dense_model();
	machine(0, 0, 64 * GIB);
	s.flash_attn = FA_OFF;
	estimate_model(&hw, &model, &size, &s, &e);
	/* 4096: 2048 x (9 x 4096 + 4096) = 80 MiB > logits 64.5 MiB */
	CHECK_INT(e.compute_bytes, 2048LL * (9 * 4096 + 4096));
	CHECK(!e.flash_attn);
	CHECK_STR(e.flash_attn_why, "--flash-attn");
	s.ctx = 32768;
	estimate_model(&hw, &model, &size, &s, &e);
	CHECK_INT(e.compute_bytes, 2048LL * (9 * 32768 + 4096));   /* 584 MiB */
	/* a 100-token context: a 100-token batch, n_kv padded to 256:
	 * 100 x 4 x (9 x 256 + 4096) = 2560000 < logits 100 x 4 x 33024 */
	s.ctx = 100;
	estimate_model(&hw, &model, &size, &s, &e);
	CHECK_INT(e.compute_bytes, 100LL * 4 * 33024);
	/* with flash attention at 32768: 32768 x 512 x 6 + 8 MiB = 104 MiB */
	s.ctx = 32768;
	s.flash_attn = FA_RUNTIME;
	estimate_model(&hw, &model, &size, &s, &e);
	CHECK_INT(e.compute_bytes, 32768LL * 512 * 6 + 8 * MIB);
	CHECK_STR(e.flash_attn_why, "Ollama passes --flash-attn auto to llama-server");
}

/* Ollama's context by total VRAM: below 23 GiB 4096, from 23 GiB 32768,
 * from 47 GiB 262144, clamped to the trained 8192 here; llama.cpp 4096. */
static void runtime_default_context(void)
{
	struct estimate_settings s = set;
	const char *why;

	dense_model();
	model.context = 1 << 20;
	s.ctx = ESTIMATE_CTX_RUNTIME;
	machine(1, 16 * GIB, 64 * GIB);
	CHECK_INT(estimate_context(&hw, &model, &s, &why), 4096);
	CHECK_STR(why, "Ollama's default below 23 GiB of VRAM");
	machine(1, 24 * GIB, 64 * GIB);
	CHECK_INT(estimate_context(&hw, &model, &s, &why), 32768);
	machine(2, 24 * GIB, 64 * GIB);        /* 48 GiB in all */
	CHECK_INT(estimate_context(&hw, &model, &s, &why), 262144);
	CHECK_STR(why, "Ollama's default from 47 GiB of VRAM");
	model.context = 8192;
	CHECK_INT(estimate_context(&hw, &model, &s, &why), 8192);
	CHECK_STR(why, "Ollama's default, clamped to the trained context");
	s.runtime = RUNTIME_LLAMA_CPP;
	CHECK_INT(estimate_context(&hw, &model, &s, &why), 4096);
	CHECK_STR(why, "llama.cpp's default -c 4096");
	/* the estimate carries it */
	estimate_model(&hw, &model, &size, &s, &e);
	CHECK_INT(e.ctx, 4096);
}

/* Ollama retries a load that ran out of memory once, one tier lower. KV
 * is 4 layers x 2 x 2 x 128 x 2 B = 4 KiB a token: 1 GiB at 262144. */
static void ollama_steps_down_when_out_of_memory(void)
{
	struct estimate_settings s = set;

	dense_model();
	model.context = 1 << 20;
	s.ctx = ESTIMATE_CTX_RUNTIME;
	machine(2, 24 * GIB, 64 * GIB);        /* 48 GiB of VRAM: 262144, fits */
	estimate_model(&hw, &model, &size, &s, &e);
	CHECK_INT(e.ctx, 262144);
	CHECK_STR(e.ctx_why, "Ollama's default from 47 GiB of VRAM");
	/* the same tier on GPUs with nothing free and 2 GiB of RAM: weights
	 * 1.1 GiB + 1 GiB of KV + compute do not fit; at 32768 they do */
	machine(2, 24 * GIB, 2 * GIB);
	for (int i = 0; i < 2; i++)
		hw.gpus[i].vram_free_bytes = 0;
	estimate_model(&hw, &model, &size, &s, &e);
	CHECK_INT(e.ctx, 32768);
	CHECK_STR(e.ctx_why, "Ollama's default, one tier lower after running out of memory");
	CHECK(e.now.placement != PLACE_NONE);
}

/* llama.cpp's -sm layer spreads the layers over both GPUs by memory even
 * when one would hold them; Ollama keeps them on one. */
static void llama_cpp_splits_layers_over_gpus(void)
{
	struct estimate_settings s = set;

	dense_model();
	machine(2, 24 * GIB, 64 * GIB);
	CHECK_INT(e.now.gpus_used, 1);
	s.runtime = RUNTIME_LLAMA_CPP;
	estimate_model(&hw, &model, &size, &s, &e);
	CHECK_INT(e.now.gpus_used, 2);
	CHECK_INT(e.now.gpu[0].layers, 2);     /* 4 layers x 24/48 */
	CHECK_INT(e.now.gpu[1].layers, 2);
	CHECK_INT(e.now.gpu[1].first_layer, 2);
	CHECK_STR(placement_name(e.now.placement), "multi-gpu");
}

static void kv_types_and_windows(void)
{
	struct estimate_settings q8 = set;

	dense_model();
	machine(0, 0, 64 * GIB);
	q8.kv = KV_Q8_0;
	estimate_model(&hw, &model, &size, &q8, &e);
	CHECK_INT(e.kv_bytes, 4 * 512 * 4096 * 34 / 32);   /* Q8_0: 34 B per 32 */
	/* Sliding window 1024 on 3 layers of 4 (every 4th global): those hold
	 * pad256(1024 + 512) = 1536 tokens. */
	model.has_swa = true;
	model.swa.window = 1024;
	model.swa.global_every = 4;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_INT(e.kv_bytes, (3 * 1536 + 4096) * 512 * 2);
	/* MLA caches kv_lora_rank + rope_dim per token per layer. */
	model.has_swa = false;
	model.has_mla = true;
	model.mla.kv_lora_rank = 512;
	model.mla.rope_dim = 64;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_INT(e.kv_bytes, 4 * (512 + 64) * 4096 * 2);
	/* Embedding models keep no cache. */
	model.has_mla = false;
	model.tasks = TASK_EMBEDDING;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_INT(e.kv_bytes, 0);
}

static void whole_model_on_one_gpu(void)
{
	dense_model();
	machine(1, 2 * GIB, 64 * GIB);
	CHECK_STR(placement_name(e.now.placement), "gpu");
	CHECK_INT(e.now.gpu_layers, 4);
	CHECK(e.now.output_on_gpu);
	/* GPU: output 64 MiB + 4 layers; compute 20 MiB + logits; budget less 457 MiB. */
	CHECK_INT(e.now.gpu[0].weights_bytes, 64 * MIB + 4 * 256 * MIB);
	CHECK_INT(e.now.gpu[0].kv_bytes, 16 * MIB);
	CHECK_INT(e.now.gpu[0].budget_bytes, 2 * GIB - 457 * MIB);
	/* RAM keeps token_embd only. */
	CHECK_INT(e.now.cpu.weights_bytes, 64 * MIB);
	/* Decode reads output + 4 x (256 MiB + KV of 1024 tokens = 1 MiB):
	 * 1092 MiB / (1000 GB/s x CUDA k-quant efficiency) + 4 layers x overhead. */
	double t = 1092.0 * MIB / (1000e9 * KQUANT_EFF) + 4 * cuda.layer_overhead_s;
	CHECK_NEAR(e.now.decode_tok_s, 1 / t, 1e-6);
	CHECK_NEAR(e.now.decode_low_tok_s, 1 / t * (1 - cuda.band), 1e-6);
	CHECK_STR(e.now.terms.gpu_backend, "cuda");
	CHECK_STR(verdict_name(e.now.verdict), "fast");
	/* Prefill: DENSE_PREFILL_FLOPS a token over 100 TFLOPS x the prefill efficiency. */
	CHECK_NEAR(e.now.prefill_tok_s, 100e12 * cuda.prefill_efficiency / DENSE_PREFILL_FLOPS, 1e-6);
	CHECK_NEAR(e.now.ttft_s, 1024 / e.now.prefill_tok_s + t, 1e-9);
	/* Load: file over NVMe at 3.5 GB/s (970 EVO Plus rating) + 1088 MiB over PCIe 4.0 x16 x 0.8 + 0.5 s. */
	double upload = 1088.0 * MIB / (1.969e9 * 16 * 0.8);
	CHECK_NEAR(e.load_warm_s, upload + 0.5, 1e-9);
	CHECK_NEAR(e.load_cold_s, upload + 0.5 + (double)size.file_bytes / 3.5e9, 1e-9);
}

static void split_over_gpus(void)
{
	dense_model();
	/* 1 GiB cards: budget 567 MiB. GPU 0: output 64 + compute 20 + logits
	 * 62.5 + one layer of 260 = 406.5 MiB; each further card takes two. */
	machine(3, GIB, 64 * GIB);
	CHECK_STR(placement_name(e.now.placement), "multi-gpu");
	CHECK_INT(e.now.gpus_used, 3);
	CHECK_INT(e.now.gpu[0].layers, 1);
	CHECK_INT(e.now.gpu[1].layers, 2);
	CHECK_INT(e.now.gpu[2].layers, 1);
	CHECK_INT(e.now.gpu[1].first_layer, 1);
	/* Layers run one after another: the split adds no speed, and each
	 * further GPU a hand-over. */
	double t = 1092.0 * MIB / (1000e9 * KQUANT_EFF) + 4 * cuda.layer_overhead_s + 2 * FIT_GPU_HOP_S;
	CHECK_NEAR(e.now.decode_tok_s, 1 / t, 1e-6);
}

/* GPU0 an NVIDIA card (CUDA), GPUs 1 and 2 AMD (Vulkan) at half the
 * bandwidth and 60 TFLOPS: the split_over_gpus layout, 1 + 2 + 1 layers. */
static void mixed_machine(void)
{
	dense_model();
	machine(3, GIB, 64 * GIB);
	for (int i = 1; i < 3; i++) {
		hw.gpus[i].vendor = GPU_VENDOR_AMD;
		hw.gpus[i].bandwidth_gbps = 500;
		hw.gpus[i].fp16_tflops = 60;
	}
	estimate_model(&hw, &model, &size, &set, &e);
}

static void mixed_gpus_decode_terms(void)
{
	mixed_machine();
	CHECK_INT(e.now.gpu[0].layers, 1);
	CHECK_INT(e.now.gpu[1].layers, 2);
	CHECK_INT(e.now.gpu[2].layers, 1);
	/* Each GPU at its own backend: GPU0 reads output + 1 layer (321 MiB),
	 * GPUs 1 and 2 two and one layers of 257 MiB. */
	double s0 = 321.0 * MIB / (1000e9 * KQUANT_EFF) + cuda.layer_overhead_s;
	double s12 = 771.0 * MIB / (500e9 * vulkan.efficiency[WEIGHT_KQUANT]) +
		     3 * vulkan.layer_overhead_s;
	CHECK_NEAR(e.now.decode_tok_s, 1 / (s0 + s12 + 2 * FIT_GPU_HOP_S), 1e-6);
	/* The band weighs each backend's by its GPUs' time, not the last GPU's. */
	CHECK_NEAR(e.now.terms.band, (s0 * cuda.band + s12 * vulkan.band) / (s0 + s12), 1e-9);
	CHECK_STR(e.now.terms.gpu_backend, "mixed");
	/* Effective bandwidth and efficiency: bytes / (bandwidth x efficiency)
	 * gives the memory time of all GPUs together. */
	double unit = 321.0 * MIB / 1000e9 + 771.0 * MIB / 500e9;
	double memory = 321.0 * MIB / (1000e9 * KQUANT_EFF) +
			771.0 * MIB / (500e9 * vulkan.efficiency[WEIGHT_KQUANT]);
	CHECK_NEAR(e.now.terms.gpu_bandwidth_gbps, 1092.0 * MIB / unit / 1e9, 1e-9);
	CHECK_NEAR(e.now.terms.gpu_efficiency, unit / memory, 1e-12);
}

static void mixed_gpus_prefill(void)
{
	mixed_machine();
	/* Layers run one after another: each GPU's share of the DENSE_PREFILL_FLOPS a
	 * token at its own FP16 peak x its backend's prefill efficiency. */
	double seconds = DENSE_PREFILL_FLOPS * 0.25 / (100e12 * cuda.prefill_efficiency) +
			 DENSE_PREFILL_FLOPS * 0.75 / (60e12 * vulkan.prefill_efficiency);
	CHECK_NEAR(e.now.prefill_tok_s, 1 / seconds, 1e-6);
	/* A GPU holding layers at an unknown peak leaves prefill unknown. */
	hw.gpus[2].fp16_tflops = HW_UNKNOWN;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK(e.now.prefill_tok_s < 0);
	CHECK(e.now.ttft_s < 0);
}

static void partial_offload(void)
{
	dense_model();
	machine(1, GIB, 64 * GIB);
	CHECK_STR(placement_name(e.now.placement), "partial");
	CHECK_STR(offload_name(e.now.offload), "layers");
	CHECK_INT(e.now.gpu_layers, 1);
	CHECK_INT(e.now.cpu.layers, 3);
	CHECK_INT(e.now.cpu.weights_bytes, 64 * MIB + 3 * 256 * MIB);
	CHECK_INT(e.now.cpu.kv_bytes, 12 * MIB);
	/* GPU reads output + 1 layer; CPU 3 layers at 40 GB/s and their attention. */
	double gpu = 321.0 * MIB / (1000e9 * KQUANT_EFF) + cuda.layer_overhead_s;
	double cpu = 771.0 * MIB / (40e9 * ON_THREADS) + DENSE_CPU_ATTENTION_S(3);
	CHECK_NEAR(e.now.decode_tok_s, 1 / (gpu + cpu), 1e-6);
	/* The band weighs the GPU's and the CPU's (25%) by their time. */
	CHECK_NEAR(e.now.terms.band, (gpu * cuda.band + cpu * 0.25) / (gpu + cpu), 1e-9);
	/* Fewer threads than cores scale the CPU rate down. */
	struct estimate_settings four = set;
	four.threads = 4;
	estimate_model(&hw, &model, &size, &four, &e);
	CHECK_NEAR(e.now.terms.cpu_gbps, 20 * ON_THREADS, 1e-9);
}

static void cpu_only_and_no_fit(void)
{
	dense_model();
	machine(0, 0, 2 * GIB);
	CHECK_STR(placement_name(e.now.placement), "cpu");
	CHECK_INT(e.now.cpu.weights_bytes, 1152 * MIB);
	CHECK_NEAR(e.now.decode_tok_s, 1 / (1092.0 * MIB / (40e9 * ON_THREADS) + DENSE_CPU_ATTENTION_S(4)), 1e-6);
	CHECK_NEAR(e.now.terms.cpu_attention_flops_per_token, 4 * 4 * 8 * 128 * 1024.0, 1e-3);
	CHECK_NEAR(e.now.terms.cpu_attention_gflops, 0.75 * 40 / 8 * 8, 1e-9);
	CHECK_STR(verdict_name(e.now.verdict), "fast");
	CHECK_NEAR(e.now.prefill_tok_s, 500e9 / DENSE_CPU_PREFILL_FLOPS, 1e-9);
	machine(0, 0, GIB);
	CHECK_STR(placement_name(e.now.placement), "none");
	CHECK_STR(verdict_name(e.now.verdict), "no-fit");
	CHECK(e.now.decode_tok_s < 0);
	/* Idle: the same 1 GiB less the 1 GiB OS reserve: still none. */
	CHECK_STR(placement_name(e.idle.placement), "none");
}

static void busy_gpu_fits_when_idle(void)
{
	dense_model();
	machine(1, 2 * GIB, 64 * GIB);
	hw.gpus[0].vram_free_bytes = GIB;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_STR(placement_name(e.now.placement), "partial");
	CHECK_STR(placement_name(e.idle.placement), "gpu");
}

static void unknown_rates_claim_no_speed(void)
{
	dense_model();
	machine(0, 0, 2 * GIB);
	hw.cpu.q4_gbps = HW_UNKNOWN;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_STR(placement_name(e.now.placement), "cpu");
	CHECK(e.now.decode_tok_s < 0);
	CHECK_STR(verdict_name(e.now.verdict), "unknown");
	machine(1, 2 * GIB, 64 * GIB);
	hw.gpus[0].bandwidth_gbps = HW_UNKNOWN;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_STR(placement_name(e.now.placement), "gpu");
	CHECK_STR(verdict_name(e.now.verdict), "unknown");
	/* Unknown VRAM is no VRAM to plan with. */
	machine(1, HW_UNKNOWN, 64 * GIB);
	CHECK_STR(placement_name(e.now.placement), "cpu");
}

/* 4 layers of 32 MiB attention + 480 MiB of 16 experts, 2 used. */
static void moe_model(void)
{
	dense_model();
	model.has_moe = true;
	model.moe.experts = 16;
	model.moe.experts_used = 2;
	model.moe.expert_ffn = 512;
	for (int i = 0; i < 4; i++)
		layers[i] = (struct layer_bytes){ 32 * MIB, 480 * MIB };
	size.tensor_bytes = 4 * 512 * MIB + 128 * MIB;
}

/* The barrier wait is counted on several threads only, and not for a
 * described CPU (its rates are fitted to whole llama.cpp runs). */
static void sync_share_on_threads_only(void)
{
	struct estimate_settings one = set;

	dense_model();
	machine(0, 0, 2 * GIB);
	CHECK_NEAR(e.now.terms.cpu_sync_share, 0.077, 1e-12);
	one.threads = 1;
	estimate_model(&hw, &model, &size, &one, &e);
	CHECK_NEAR(e.now.terms.cpu_sync_share, 0, 1e-12);
	hw.cpu.q4_source = SRC_WHATIF;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_NEAR(e.now.terms.cpu_sync_share, 0, 1e-12);
	CHECK_NEAR(e.now.terms.cpu_gbps, 40, 1e-9);
}

static void moe_experts_stay_in_ram(void)
{
	moe_model();
	/* 1 GiB card (567 MiB budget): attention of all layers (128 MiB + 16
	 * MiB KV) + output 64 + compute 20 + logits 62.5 = 290.5 MiB; experts
	 * of no layer fit beside that (480 MiB), so all experts go to RAM.
	 * Layer offload would fit only one whole layer: experts win. */
	machine(1, GIB, 64 * GIB);
	CHECK_STR(placement_name(e.now.placement), "partial");
	CHECK_STR(offload_name(e.now.offload), "experts");
	CHECK_INT(e.now.gpu_layers, 4);
	CHECK_INT(e.now.cpu.expert_layers, 4);
	CHECK_INT(e.now.cpu.weights_bytes, 64 * MIB + 4 * 480 * MIB);
	/* Per token: GPU output + 4 x (32 MiB + 1 MiB KV); CPU 4 x 480 x 2/16 MiB. */
	double gpu = (64.0 + 4 * 33) * MIB / (1000e9 * KQUANT_EFF) + 4 * cuda.layer_overhead_s;
	double cpu = 4 * 60.0 * MIB / (40e9 * ON_THREADS);
	CHECK_NEAR(e.now.decode_tok_s, 1 / (gpu + cpu), 1e-6);
}

static void default_quants_and_context(void)
{
	CHECK_STR(ftype_name(estimate_default_ftypes[0]), "Q8_0");
	CHECK_INT(estimate_default_ftypes[estimate_default_ftype_count - 1], FTYPE_Q2_K);
	struct estimate_settings max = set, given = set;

	max.ctx = 0;
	given.ctx = 2048;
	CHECK_INT(estimate_context(&hw, &model, &max, NULL), 8192);
	CHECK_INT(estimate_context(&hw, &model, &given, NULL), 2048);
}

/* ---- estimate_best: its ranking on a catalogue model (the fixture's
 * llama3.1:8b) and machines built around that model's needs, each need
 * read from estimate_ftype at that quant. ---- */

static struct catalog cat;

static void release_catalog(void)
{
	catalog_release(&cat);
}

static const struct model *llama8b(void)
{
	struct error err;

	if (cat.count == 0) {
		if (catalog_load(test_path("fixtures/models-mini.json"), &cat, &err) < 0)
			return fprintf(stderr, "  %s\n", err.msg), NULL;
		atexit(release_catalog);
	}
	return catalog_find(&cat, "llama3.1:8b");
}

/* A machine with ram_bytes, CPU rates cpu_gbps for every weight type, and
 * one NVIDIA GPU of vram_bytes (none when 0) at 1000 GB/s. */
static void best_machine(int64_t vram_bytes, int64_t ram_bytes, double cpu_gbps)
{
	hw_init(&hw);
	hw.ram.total_bytes = hw.ram.available_bytes = ram_bytes;
	hw.cpu.cores = 8;
	hw.cpu.q4_gbps = hw.cpu.q4_k_gbps = hw.cpu.q6_k_gbps = hw.cpu.q8_0_gbps = cpu_gbps;
	hw.cpu.prefill_gflops = 500;
	hw.disk.kind = DISK_NVME;
	hw.gpu_count = vram_bytes > 0;
	if (vram_bytes > 0) {
		hw_gpu_init(&hw.gpus[0]);
		hw.gpus[0].vendor = GPU_VENDOR_NVIDIA;
		hw.gpus[0].vram_total_bytes = hw.gpus[0].vram_free_bytes = vram_bytes;
		hw.gpus[0].bandwidth_gbps = 1000;
		hw.gpus[0].fp16_tflops = 100;
	}
}

static struct estimate at(enum ftype ft)
{
	struct estimate out;
	struct error err;

	memset(&out, 0, sizeof(out));
	if (!CHECK_INT(estimate_ftype(&hw, llama8b(), ft, &set, &out, &err), 0))
		fprintf(stderr, "  %s\n", err.msg);
	return out;
}

static struct estimate best(void)
{
	struct estimate out;
	struct error err;

	memset(&out, 0, sizeof(out));
	if (!CHECK_INT(estimate_best(&hw, llama8b(), &set, &out, &err), 0))
		fprintf(stderr, "  %s\n", err.msg);
	return out;
}

static int64_t gpu_need(enum ftype ft)     /* on an 80 GiB GPU */
{
	struct estimate x;

	best_machine(80 * GIB, 64 * GIB, 40);
	x = at(ft);
	return x.now.gpu[0].weights_bytes + x.now.gpu[0].kv_bytes + x.now.gpu[0].compute_bytes;
}

static int64_t ram_need(enum ftype ft)     /* CPU only, 64 GiB */
{
	struct estimate x;

	best_machine(0, 64 * GIB, 40);
	x = at(ft);
	return x.now.cpu.weights_bytes + x.now.cpu.kv_bytes + x.now.cpu.compute_bytes +
	       x.now.cpu.reserve_bytes;
}

static void best_is_highest_quant_whole_on_gpu(void)
{
	/* A GPU halfway between Q6_K's and Q8_0's needs (plus the 457 MiB
	 * reserve): Q8_0 spills to the CPU, Q6_K and below fit whole; the
	 * highest of those wins over the partial Q8_0, however fast that is. */
	int64_t vram = (gpu_need(FTYPE_Q8_0) + gpu_need(FTYPE_Q6_K)) / 2 + 457 * MIB;
	struct estimate b;

	best_machine(vram, 64 * GIB, 40);
	CHECK_STR(placement_name(at(FTYPE_Q8_0).now.placement), "partial");
	CHECK(at(FTYPE_Q8_0).now.verdict >= VERDICT_USABLE);
	b = best();
	CHECK_STR(ftype_name(b.ftype), "Q6_K");
	CHECK_STR(placement_name(b.now.placement), "gpu");
	/* More VRAM: Q8_0 whole on the GPU. */
	best_machine(gpu_need(FTYPE_Q8_0) + 457 * MIB + 64 * MIB, 64 * GIB, 40);
	CHECK_STR(ftype_name(best().ftype), "Q8_0");
}

static void best_is_highest_usable_elsewhere(void)
{
	struct estimate q8, q6, b;
	double slow;

	/* CPU only at a rate where Q8_0 reads too much a token to keep up
	 * with a reader (under 4 tok/s) and Q6_K does not: halfway (in ratio)
	 * between the rates at which each would run exactly 4 tok/s. */
	best_machine(0, 64 * GIB, 1);
	q8 = at(FTYPE_Q8_0);
	q6 = at(FTYPE_Q6_K);
	slow = sqrt(READING_FLOOR_TOK_S / q8.now.decode_tok_s * READING_FLOOR_TOK_S / q6.now.decode_tok_s);
	best_machine(0, 64 * GIB, slow);
	CHECK_STR(verdict_name(at(FTYPE_Q8_0).now.verdict), "slow");
	CHECK_STR(verdict_name(at(FTYPE_Q6_K).now.verdict), "usable");
	b = best();
	CHECK_STR(ftype_name(b.ftype), "Q6_K");
	CHECK_STR(placement_name(b.now.placement), "cpu");
	/* A GPU of 60% of what Q2_K needs holds no quant whole: the highest
	 * usable, partial or not. */
	best_machine(gpu_need(FTYPE_Q2_K) * 6 / 10 + 457 * MIB, 64 * GIB, 40);
	CHECK_STR(placement_name(at(FTYPE_Q2_K).now.placement), "partial");
	CHECK(at(FTYPE_Q8_0).now.verdict >= VERDICT_USABLE);
	b = best();
	CHECK_STR(ftype_name(b.ftype), "Q8_0");
	CHECK_STR(placement_name(b.now.placement), "partial");
}

static void best_is_the_floor_when_all_slow(void)
{
	/* RAM halfway between Q6_K's and Q8_0's needs, and a CPU slow for
	 * every quant (0.1 GB/s): Q8_0 does not fit; of the rest at or above
	 * Q4_K_M, none usable, the fastest is Q4_K_M itself (speed may push
	 * the choice down to the floor, never below it). */
	int64_t ram = (ram_need(FTYPE_Q8_0) + ram_need(FTYPE_Q6_K)) / 2;
	struct estimate b;

	best_machine(0, ram, 0.1);
	CHECK_STR(placement_name(at(FTYPE_Q8_0).now.placement), "none");
	CHECK_STR(verdict_name(at(FTYPE_Q2_K).now.verdict), "slow");
	b = best();
	CHECK_STR(ftype_name(b.ftype), "Q4_K_M");
	CHECK_STR(verdict_name(b.now.verdict), "slow");
	CHECK(!b.quant_lowered_for_memory);
}

static void best_without_fit_is_q4_k_m(void)
{
	struct estimate b;

	best_machine(0, 2 * GIB, 40);
	CHECK_STR(placement_name(at(FTYPE_Q2_K).now.placement), "none");
	b = best();
	CHECK_STR(ftype_name(b.ftype), "Q4_K_M");
	CHECK_STR(placement_name(b.now.placement), "none");
	CHECK_STR(verdict_name(b.now.verdict), "no-fit");
}

/* ---- the default quant (estimate_best) on a Llama-3.1-8B-shaped model ---- */

static void llama8b_shape(void)
{
	memset(&model, 0, sizeof(model));
	snprintf(model.id, sizeof(model.id), "test:8b");
	snprintf(model.arch, sizeof(model.arch), "llama");
	model.params = model.active_params = 8030261248;
	model.layers = 32;
	model.embd = 4096;
	model.ffn = 14336;
	model.heads = 32;
	model.kv_heads = 8;
	model.head_dim = 128;
	model.vocab = 128256;
	model.context = 8192;
	model.tasks = TASK_CHAT;
}

static void published(int n, const enum ftype *types)
{
	model.published_count = n;
	memcpy(model.published, types, (size_t)n * sizeof(*types));
}

/* CPU-only machine whose every matvec rate is gbps. */
static void cpu_machine(int64_t ram_bytes, double gbps)
{
	machine(0, 0, ram_bytes);
	hw.cpu.q4_gbps = hw.cpu.q4_k_gbps = hw.cpu.q6_k_gbps = hw.cpu.q8_0_gbps = gbps;
}

static struct estimate quant_at(enum ftype ft)
{
	struct estimate out;
	struct error err;

	if (!CHECK(estimate_ftype(&hw, &model, ft, &set, &out, &err) == 0))
		memset(&out, 0, sizeof(out));
	return out;
}

static void expect_best(const char *want, bool lowered)
{
	struct error err;

	if (!CHECK(estimate_best(&hw, &model, &set, &e, &err) == 0))
		return;
	CHECK_STR(ftype_name(e.ftype), want);
	CHECK_INT(e.quant_lowered_for_memory, lowered);
}

/* Every file type the size model can produce (general.file_type ids are
 * below 64) ranks exactly once. */
static void quality_order_has_every_type_once(void)
{
	enum ftype ft;

	for (int id = 0; id < 64; id++) {
		int seen = 0;

		if (ftype_by_id(id, &ft) < 0 || !ftype_is_sized(ft))
			continue;

		for (int q = 0; q < estimate_quality_order_count; q++)
			seen += estimate_quality_order[q] == ft;
		if (!CHECK_INT(seen, 1))
			fprintf(stderr, "  %s\n", ftype_name(ft));
	}
	CHECK_INT(estimate_quality_order[0], FTYPE_F32);
	CHECK_INT(estimate_quality_order[estimate_quality_order_count - 1], FTYPE_IQ1_S);
}

static void listed_types_are_the_published_ones(void)
{
	enum ftype out[ESTIMATE_LISTED_MAX];
	const enum ftype pub[] = { FTYPE_F16, FTYPE_Q4_K_M, FTYPE_Q8_0 };
	int n;

	llama8b_shape();
	n = estimate_listed_ftypes(&model, false, out);
	CHECK_INT(n, 6);                            /* none published: the default set */
	CHECK_INT(out[0], FTYPE_Q8_0);
	CHECK_INT(out[5], FTYPE_Q2_K);
	published(3, pub);
	n = estimate_listed_ftypes(&model, false, out);   /* floats dropped, best first */
	CHECK_INT(n, 2);
	CHECK_INT(out[0], FTYPE_Q8_0);
	CHECK_INT(out[1], FTYPE_Q4_K_M);
	n = estimate_listed_ftypes(&model, true, out);    /* --all: F16 and the default set */
	CHECK_INT(n, 7);
	CHECK_INT(out[0], FTYPE_F16);
	CHECK_INT(out[1], FTYPE_Q8_0);
	published(1, (const enum ftype[]){ FTYPE_F16 });  /* only floats: they are the choice */
	n = estimate_listed_ftypes(&model, false, out);
	CHECK_INT(n, 1);
	CHECK_INT(out[0], FTYPE_F16);
}

/* The case: on a CPU only a low quant clears 4 tok/s. The rate is
 * 4 x the Q4_K_M file per second (after the barrier wait), so Q4_K_M runs below 4 tok/s (its KV
 * read and its attention over the prompt add to the file) and Q2_K, 2/3
 * the size, above 4: speed alone would pick Q2_K; the floor keeps Q4_K_M. */
static void speed_alone_never_goes_below_q4_k_m(void)
{
	struct estimate q4, q2;

	llama8b_shape();
	cpu_machine(64 * GIB, 1);
	q4 = quant_at(FTYPE_Q4_K_M);
	cpu_machine(64 * GIB, 4 * (double)q4.file_bytes / 1e9 / ON_THREADS);
	q4 = quant_at(FTYPE_Q4_K_M);
	q2 = quant_at(FTYPE_Q2_K);
	CHECK_INT(q4.now.verdict, VERDICT_SLOW);
	CHECK(q2.now.verdict >= VERDICT_USABLE);
	expect_best("Q4_K_M", false);
	/* with a fast CPU every type is usable: the best quality, Q8_0 */
	cpu_machine(64 * GIB, 200);
	CHECK(quant_at(FTYPE_Q8_0).now.verdict >= VERDICT_USABLE);
	expect_best("Q8_0", false);
}

/* RAM between what Q3_K_M and Q4_K_M need: memory, not speed, pushes the
 * choice below the floor, and the estimate says so. */
static void memory_may_go_below_and_says_so(void)
{
	struct estimate q4, q3;

	llama8b_shape();
	cpu_machine(64 * GIB, 200);
	q4 = quant_at(FTYPE_Q4_K_M);
	q3 = quant_at(FTYPE_Q3_K_M);
	cpu_machine((q3.total_bytes + q4.total_bytes) / 2, 200);
	CHECK_INT(quant_at(FTYPE_Q4_K_M).now.placement, PLACE_NONE);
	CHECK(quant_at(FTYPE_Q3_K_M).now.placement == PLACE_CPU);
	expect_best("Q3_K_M", true);
	/* nothing fits at all: Q4_K_M, no fit, not marked lowered */
	cpu_machine(GIB, 200);
	expect_best("Q4_K_M", false);
	CHECK_INT(e.now.placement, PLACE_NONE);
}

static int64_t gpu_need_of(const struct estimate *x)
{
	const struct device_load *d = &x->now.gpu[0];

	return d->weights_bytes + d->kv_bytes + d->compute_bytes + d->reserve_bytes;
}

/* A GPU that holds Q4_K_M but not Q5_K_M whole: the GPU-resident usable
 * type beats a partial offload of a better one. */
static void gpu_resident_beats_partial(void)
{
	struct estimate q4, q5;

	llama8b_shape();
	machine(1, 80 * GIB, 64 * GIB);
	q4 = quant_at(FTYPE_Q4_K_M);
	q5 = quant_at(FTYPE_Q5_K_M);
	/* 457 MiB: the reserve estimate.c keeps free on a discrete GPU (Ollama's) */
	machine(1, 457 * MIB + (gpu_need_of(&q4) + gpu_need_of(&q5)) / 2, 64 * GIB);
	hw.cpu.q4_k_gbps = hw.cpu.q6_k_gbps = hw.cpu.q8_0_gbps = 40;
	CHECK_INT(quant_at(FTYPE_Q4_K_M).now.placement, PLACE_GPU);
	CHECK_INT(quant_at(FTYPE_Q5_K_M).now.placement, PLACE_PARTIAL);
	expect_best("Q4_K_M", false);
}

/* Only published types are chosen among: gpt-oss ships MXFP4 alone, so it
 * is MXFP4 on a machine where Q8_0 would fit; F16 is not picked while a
 * quantized type is published; a model published only below the floor
 * takes its best type for speed alone. */
static void only_published_types(void)
{
	llama8b_shape();
	machine(1, 80 * GIB, 64 * GIB);
	published(1, (const enum ftype[]){ FTYPE_MXFP4_MOE });
	expect_best("MXFP4_MOE", false);
	published(3, (const enum ftype[]){ FTYPE_F16, FTYPE_Q8_0, FTYPE_Q4_K_M });
	expect_best("Q8_0", false);
	published(2, (const enum ftype[]){ FTYPE_Q2_K, FTYPE_Q4_0 });
	cpu_machine(64 * GIB, 1);
	CHECK_INT(quant_at(FTYPE_Q4_0).now.verdict, VERDICT_SLOW);
	expect_best("Q4_0", false);
}

/* The approach to a memory limit (hw/cpurate.h): n c / (1 + (n c / limit)^4)^(1/4). */
static double toward(double nc, double limit)
{
	return nc / pow(1 + pow(nc / limit, 4), 0.25);
}

/* CPU rates per weight type, on 8 cores. A Q2_K tensor runs the Q4_K
 * class's one-thread rate (1 GB/s) x Q2_K's x86 kernel factor 0.753 on
 * each of 8 threads, 6.024 GB/s, toward the memory's 40 GB/s read (6.02);
 * with the memory at 5 GB/s, 4.54. Its Q6_K output streams at Q6_K's own 10 GB/s. A prompt
 * multiplies neither token_embd nor output: a Q6_K output whose prefill
 * rate is 1 GFLOPS leaves prefill at the layers' rate, Q4_K's x Q2_K's
 * prompt factor 1.113. */
/* The dense 1B on a CPU-only machine with Q2_K layers (1 GiB) and a Q6_K
 * token_embd and output (128 MiB), Q4_K at 400 GFLOPS and Q6_K at 1. */
static void q2_k_layers_q6_k_output(void)
{
	dense_model();
	machine(0, 0, 64 * GIB);
	size.type_bytes[GGML_TYPE_Q4_K] = 0;
	size.type_bytes[GGML_TYPE_Q2_K] = 4 * 256 * MIB;
	size.type_bytes[GGML_TYPE_Q6_K] = 128 * MIB;
	size.token_embd_type = size.output_type = GGML_TYPE_Q6_K;
	hw.cpu.prefill_q4_k_gflops = 400;
	hw.cpu.prefill_q6_k_gflops = 1;
}

static void cpu_rates_by_weight_type(void)
{
	double layer_bytes = 4 * 256.0 * MIB, out_bytes = 64.0 * MIB;

	q2_k_layers_q6_k_output();
	hw.cpu.q4_k_gbps = 8;
	hw.cpu.q4_k_core_gbps = 1;
	hw.cpu.q6_k_gbps = 10;
	hw.cpu.mem_read_gbps = 40;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_NEAR(e.now.terms.cpu_gbps,
		   ON_THREADS * (layer_bytes + out_bytes) / (layer_bytes / toward(8 * 0.753, 40) + out_bytes / 10), 1e-9);
	CHECK_NEAR(e.now.prefill_tok_s, 400e9 * 1.113 / DENSE_CPU_PREFILL_FLOPS, 1e-6);
	hw.cpu.mem_read_gbps = 5;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_NEAR(e.now.terms.cpu_gbps,
		   ON_THREADS * (layer_bytes + out_bytes) / (layer_bytes / toward(8 * 0.753, 5) + out_bytes / 10), 1e-9);
}

/* A CPU whose bench ran the batched products on AMX tiles (AMX Q4_K 400
 * GFLOPS, the SIMD Q4_K rate 100, SIMD Q8_0 200): Q2_K layers (no AMX
 * kernels in llama.cpp, row by row) run the SIMD Q4_K rate x Q2_K's prompt
 * factor 1.113; Q5_K layers (AMX kernels) the AMX Q4_K rate x 0.702; F16
 * ones (tinyBLAS) the SIMD Q8_0 rate x 0.952 (F16 against Q8_0); Q5_0 ones
 * (tinyBLAS) the SIMD Q8_0 rate x 0.541 (against Q4_K_S, row by row) x
 * 53.26 / 26.10 (tinyBLAS over row by row, llama.cpp pull 10010) x 98.92 /
 * 118.07 (Q4_K_S against Q8_0, same table); without the SIMD figures Q2_K
 * and Q5_0 take their class's rate (Q4_K's) x their factors. Attention
 * never runs on tiles: beside Q5_K's AMX rate it takes 0.37 of Q5_K's SIMD
 * one, 100 x 0.702. */
static void prefill_off_amx_types(void)
{
	q2_k_layers_q6_k_output();
	hw.cpu.prefill_simd_gflops = 100;
	hw.cpu.prefill_simd_q8_0_gflops = 200;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_NEAR(e.now.prefill_tok_s, 100e9 * 1.113 / DENSE_CPU_PREFILL_FLOPS, 1e-6);
	size.type_bytes[GGML_TYPE_Q2_K] = 0;
	size.type_bytes[GGML_TYPE_Q5_K] = 4 * 256 * MIB;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_NEAR(e.now.prefill_tok_s,
		   1 / (DENSE_PREFILL_FLOPS / (400e9 * 0.702) + DENSE_ATTENTION_FLOPS / 0.37 / (100e9 * 0.702)), 1e-6);
	size.type_bytes[GGML_TYPE_Q5_K] = 0;
	size.type_bytes[GGML_TYPE_F16] = 4 * 256 * MIB;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_NEAR(e.now.prefill_tok_s, 200e9 * 0.952 / DENSE_CPU_PREFILL_FLOPS, 1e-6);
	size.type_bytes[GGML_TYPE_F16] = 0;
	size.type_bytes[GGML_TYPE_Q5_0] = 4 * 256 * MIB;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_NEAR(e.now.prefill_tok_s, 200e9 * 0.541 * 53.26 / 26.10 * 98.92 / 118.07 / DENSE_CPU_PREFILL_FLOPS, 1e-6);
	size.type_bytes[GGML_TYPE_Q5_0] = 0;
	size.type_bytes[GGML_TYPE_Q2_K] = 4 * 256 * MIB;
	hw.cpu.prefill_simd_gflops = hw.cpu.prefill_simd_q8_0_gflops = -1;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_NEAR(e.now.prefill_tok_s, 400e9 * 1.113 / DENSE_CPU_PREFILL_FLOPS, 1e-6);
	size.type_bytes[GGML_TYPE_Q2_K] = 0;
	size.type_bytes[GGML_TYPE_Q5_0] = 4 * 256 * MIB;
	estimate_model(&hw, &model, &size, &set, &e);
	CHECK_NEAR(e.now.prefill_tok_s, 400e9 * 0.541 * 53.26 / 26.10 / DENSE_CPU_PREFILL_FLOPS, 1e-6);
}

/* Sliding layers attend to at most their window: over a 1024-token prompt
 * a 256-token window averages 256 - 256^2 / 2048 = 224 tokens a position,
 * every second layer global (512). */
static void prompt_attention_in_windows(void)
{
	dense_model();
	model.has_swa = true;
	model.swa.window = 256;
	model.swa.global_every = 2;
	machine(0, 0, 64 * GIB);
	CHECK_NEAR(e.now.prefill_attention_flops_per_token, 4 * 8 * 128 * (2 * 224.0 + 2 * 512.0), 1e-6);
	CHECK_NEAR(e.now.prefill_tok_s,
		   500e9 / (DENSE_PREFILL_FLOPS + 4 * 8 * 128 * (2 * 224.0 + 2 * 512.0) / 0.37), 1e-9);
}

TESTS(T(cpu_rates_by_weight_type), T(prefill_off_amx_types), T(prompt_attention_in_windows), T(memory_parts), T(compute_by_context_and_flash_attn), T(runtime_default_context),
      T(ollama_steps_down_when_out_of_memory), T(llama_cpp_splits_layers_over_gpus),
      T(kv_types_and_windows), T(whole_model_on_one_gpu), T(split_over_gpus),
      T(mixed_gpus_decode_terms), T(mixed_gpus_prefill), T(partial_offload), T(cpu_only_and_no_fit), T(sync_share_on_threads_only), T(busy_gpu_fits_when_idle),
      T(unknown_rates_claim_no_speed), T(moe_experts_stay_in_ram),
      T(default_quants_and_context), T(best_is_highest_quant_whole_on_gpu),
      T(best_is_highest_usable_elsewhere), T(best_is_the_floor_when_all_slow),
      T(best_without_fit_is_q4_k_m),
      T(quality_order_has_every_type_once), T(listed_types_are_the_published_ones),
      T(speed_alone_never_goes_below_q4_k_m), T(memory_may_go_below_and_says_so),
      T(gpu_resident_beats_partial), T(only_published_types));
