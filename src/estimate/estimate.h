/* estimate.h - does a model fit on this hardware, where does it go, and how
 * fast does it run? Pure arithmetic on the hardware picture, the model's
 * architecture and its GGUF size model: no I/O, no printing.
 *
 * Every figure keeps its inputs in struct estimate so `canirun show` and
 * --json can say how it was computed. The formulas are described in
 * estimate.c next to their constants; the man page summarises them.
 */
#ifndef CANIRUN_ESTIMATE_H
#define CANIRUN_ESTIMATE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/catalog.h"
#include "model/sizemodel.h"
#include "hw/hw.h"
#include "estimate/rpc.h"

/* The human reading floor and the "runs ahead of a reader" line, tok/s. */
#define READING_FLOOR_TOK_S 4.0
#define FAST_TOK_S 15.0

enum kv_type { KV_F16, KV_Q8_0, KV_Q4_0 };
int kv_type_parse(const char *name, enum kv_type *out);
const char *kv_type_name(enum kv_type kv);

/* The runtime whose defaults the estimate follows (--runtime): the context
 * it picks without --ctx, flash attention, how it spreads layers over GPUs. */
enum runtime { RUNTIME_OLLAMA, RUNTIME_LLAMA_CPP };
int runtime_parse(const char *name, enum runtime *out);   /* "ollama", "llama.cpp" */
const char *runtime_name(enum runtime r);

/* Flash attention as the runtime decides it, or forced on/off. */
enum flash_attn { FA_RUNTIME, FA_ON, FA_OFF };

/* settings.ctx: the runtime's own default (Ollama's by total VRAM). */
#define ESTIMATE_CTX_RUNTIME (-1)

/* The CPU threads estimates assume on hw: asked (--threads) when > 0, else
 * the physical cores of its CPU (llama.cpp's default). */
int estimate_threads(const struct hardware *hw, int asked);

struct estimate_settings {
	int ctx;                /* tokens; 0: the trained context ("max"); ESTIMATE_CTX_RUNTIME */
	enum kv_type kv;
	int threads;            /* CPU threads; <= 0: the physical cores */
	int prompt_tokens;      /* prompt for time to first token */
	enum runtime runtime;
	enum flash_attn flash_attn;
	const char *flash_attn_why; /* what forced it ("--flash-attn", ...); NULL for FA_RUNTIME */
	const struct rpc_cluster *cluster; /* --node: the machines pooled (llama.cpp RPC); NULL: one */
};

/* PLACE_RPC: over the machines of settings.cluster (struct estimate.rpc). */
enum placement { PLACE_NONE, PLACE_GPU, PLACE_MULTI_GPU, PLACE_PARTIAL, PLACE_CPU, PLACE_RPC };
const char *placement_name(enum placement p);   /* SPEC: "gpu", "multi-gpu", ..., "rpc" */

/* What a partial placement keeps on the CPU: whole layers (llama.cpp -ngl)
 * or only the MoE experts of some layers (--n-cpu-moe). */
enum offload { OFFLOAD_NONE, OFFLOAD_LAYERS, OFFLOAD_EXPERTS };
const char *offload_name(enum offload o);

/* VERDICT_UNKNOWN: it fits, but a rate it needs (GPU bandwidth, CPU bench)
 * is unknown, so no speed is claimed. */
enum verdict { VERDICT_NO_FIT, VERDICT_UNKNOWN, VERDICT_SLOW, VERDICT_USABLE, VERDICT_FAST };
const char *verdict_name(enum verdict v);       /* "fast", "usable", "slow", "no-fit", "unknown" */

/* Bytes a device holds for the model. */
struct device_load {
	int first_layer;        /* layers first_layer .. first_layer+layers-1 */
	int layers;             /* whole layers (their attention part for OFFLOAD_EXPERTS) */
	int expert_layers;      /* layers whose MoE experts sit here */
	int64_t weights_bytes, kv_bytes, compute_bytes, reserve_bytes;
	int64_t budget_bytes;   /* what it had to offer */
};

/* GPU backends, each with its constants fitted to the calibration data
 * (src/estimate/fitted.h, written by `make calibrate`). The estimator picks
 * one by vendor: CUDA for NVIDIA, Metal for Apple, Vulkan for the rest. */
enum gpu_backend { BACKEND_CUDA, BACKEND_METAL, BACKEND_VULKAN, BACKEND_COUNT };
const char *gpu_backend_name(enum gpu_backend b);           /* "cuda", "metal", "vulkan" */
int gpu_backend_parse(const char *name, enum gpu_backend *out); /* 0, or -1 unknown */

/* What the type holding most of a model's weight bytes is, for the GPU
 * efficiencies fitted per class: a float type, a legacy block type (Q4_0,
 * Q8_0, ..., MXFP4) or a k-quant/IQ type. */
enum weight_class { WEIGHT_FLOAT, WEIGHT_LEGACY, WEIGHT_KQUANT, WEIGHT_CLASS_COUNT };
const char *weight_class_name(enum weight_class c);         /* "float", "legacy", "kquant" */
enum weight_class estimate_weight_class(const struct size_model *s);

/* The inputs of the decode formula, kept for explanation. */
struct decode_terms {
	double gpu_bytes_per_token, cpu_bytes_per_token;
	double gpu_seconds_per_token, cpu_seconds_per_token;
	/* Spec bandwidth and the fraction of it reached; over several GPUs the
	 * effective ones: bytes / (bandwidth x efficiency) is the GPUs' memory
	 * time together. Bandwidth < 0 when a GPU's is unknown. */
	double gpu_efficiency;
	double gpu_bandwidth_gbps;
	double cpu_gbps;                /* CPU matvec rate used, less cpu_sync_share */
	double cpu_sync_share;          /* share of a token its threads wait at barriers (0: one thread) */
	/* attention over the context on the CPU's layers: FLOPs a token and
	 * the rate they run at (0 when no attention layer is on the CPU) */
	double cpu_attention_flops_per_token, cpu_attention_gflops;
	double cpu_prefill_gflops;      /* CPU batched rate used for prefill; 0 when none */
	/* the rate the prompt's attention takes ESTIMATE_CPU_ATTENTION_SHARE
	 * of: the prefill rate, but off AMX tiles (their ordinary path) */
	double cpu_prefill_attention_gflops;
	int decode_calibration_runs;    /* > 0: decode scaled by this machine's own runs */
	int prefill_calibration_runs;   /* the same for prefill */
	double overhead_seconds;        /* per-token launch overhead */
	const char *gpu_backend;        /* "cuda", "metal", "vulkan"; "mixed" over several */
	enum weight_class weight_class; /* which efficiency applied */
	double band;                    /* relative half-width of low/high: each device's by its time */
};

/* One placement and what it runs at. */
/* On a CPU attention runs far below the weight products' rate (F16 K and V,
 * softmax, no tiles): this share of the batched rate, from published
 * llama-bench pp512 and pp4096 pairs, solving t(P) = weights / R +
 * attention(P) / (share x R) per machine: CIX CP8180 TinyLlama-1.1B 194.05
 * and 115.50 t/s (github:geerlingguy/ai-benchmarks issue #51) 0.22; Radxa
 * Dragon Q8B 194.49 and 132.65 (issue #54) 0.33; Core i5-4278U
 * Llama-3.2-3B 17.70 and 14.06 (issue #53) 0.41; Core i3-1315U 28.67 and
 * 23.91 (github:geerlingguy/sbc-reviews issue #107) 0.53; the median.
 * Each machine's pp4096 predicted from its pp512 with the other three's
 * median: -8.7% to +21.1%, median 7.2% (without the term: +20% to +68%). */
#define ESTIMATE_CPU_ATTENTION_SHARE 0.37

/* A generated token's attention over the context on a CPU (llama.cpp
 * without flash attention: an F16 dot product per head and cached token,
 * softmax, F16 weights.V) runs at this share of the one-thread Q8_0 matvec
 * rate per thread. Fitted on this project's own llama-batched-bench runs
 * (ggerganov/llama.cpp snapshot, 2-vCPU Xeon with AMX, 2026-12-02; tg at
 * 544 and 4128 tokens of context, tests/fixtures/cpu-depth-runs.csv):
 * the time a token gained between the two depths less the extra KV bytes
 * at the memory read rate, over the extra attention FLOPs, gave shares
 * 0.755 0.656 0.689 2.031 0.753 for Qwen2.5-0.5B Q8_0 2 threads, Llama-3.2-1B
 * Q8_0 2, Qwen Q8_0 1, Llama Q4_0 1, Qwen Q4_0 2; the median. Each tg at 4128
 * predicted from its tg at 544 with the other four's median: -2%, +4%, +4%,
 * -20%, -2% (KV bytes alone: +53%, +44%, +68%, +16%, +74%). Held out
 * (measured after the fit): canirun's decode at 4128 tokens beside
 * llama.cpp's, Llama-3.2-3B Q8_0 3.57 vs 3.85 t/s (-7%), Llama-3.2-1B
 * Q4_K_M 6.98 vs 6.91 (+1%); at 544 tokens 5.47 vs 5.47 and 10.4 vs
 * 10.36; at 16416 tokens (2026-12-02, -npp 16384 -ntg 32) Qwen2.5-0.5B
 * Q4_0 10.48 and 9.77 (a bench before and after) vs 9.44 (+11%, +3%), Q8_0
 * 8.37 and 8.65 vs 10.57 (-21%, -18%); llama.cpp's Q8_0 ran faster than
 * its Q4_0 there although it reads more, so the two runs met different
 * spells of this VM. Measured without flash attention (llama.cpp's CPU
 * default then). With -fa this snapshot (2025-02-20) was slower at depth
 * (tg at 4160 tokens -26% for Llama-3.2-1B Q8_0, -9% for Qwen Q4_0), but
 * newer llama.cpp's CPU flash attention differs by CPU (ggml-org/llama.cpp
 * issues 26559, 27086), so the same share serves both. */
#define ESTIMATE_CPU_DECODE_ATTENTION_SHARE 0.75

/* On more than one thread llama.cpp's threads meet at a barrier after each
 * graph node and wait there for the slowest; the bench's products, one
 * call each, do not. Share of a token's time in that wait, perf on
 * llama-bench tg128 at 2 threads (ggerganov/llama.cpp snapshot, OpenMP,
 * 2-vCPU Xeon with AMX, 2026-12-02): libgomp took 5.1% (Llama-3.2-3B Q4_0),
 * 6.5% (1B Q4_0), 7.7% (1B Q4_K_M), 7.8% (Qwen2.5-0.5B Q8_0), 11.2% (Qwen
 * Q4_0); the median. At 1 thread 0.3%: none is counted. Measured at 2
 * threads only (more threads may wait longer); not for a described CPU,
 * whose rates are fitted to whole llama.cpp runs. */
#define ESTIMATE_CPU_SYNC_SHARE 0.077

struct fit {
	enum placement placement;
	enum offload offload;
	int gpu_layers;         /* layers run on GPUs (attention part for OFFLOAD_EXPERTS) */
	int gpus_used;
	bool output_on_gpu;     /* output matrix offloaded (llama.cpp does it first) */
	int output_gpu;         /* the GPU holding it, by hw index (when output_on_gpu) */
	struct device_load gpu[HW_MAX_GPUS]; /* by hw GPU index */
	struct device_load cpu; /* system RAM */
	struct decode_terms terms;
	double decode_tok_s, decode_low_tok_s, decode_high_tok_s;   /* < 0 unknown */
	double prefill_tok_s, ttft_s;   /* < 0 unknown */
	double prefill_flops_per_token; /* 2 x active weights less embeddings and output */
	double prefill_attention_flops_per_token; /* attention over the prompt, averaged */
	enum verdict verdict;
};

struct estimate {
	const struct model *model;
	const char *file_path;          /* the GGUF file read for it; NULL: catalogue sizes */
	enum ftype ftype;
	int64_t file_bytes;
	/* What the whole model needs, wherever it runs (SPEC "memory"). */
	int64_t weights_bytes, kv_bytes, compute_bytes, overhead_bytes, total_bytes;
	int64_t kv_bytes_per_token;     /* all layers, at full attention */
	int cpu_weight;                 /* enum cpu_weight of the file's main type (hw/cpurate.h) */
	int ctx;                        /* the context estimated at, tokens */
	const char *ctx_why;            /* why that context (static text) */
	bool flash_attn;                /* assumed on */
	const char *flash_attn_why;     /* why (static text) */
	int64_t kv_read_bytes;          /* KV one generated token reads at the prompt's context */
	struct fit now;                 /* with free VRAM and MemAvailable */
	struct fit idle;                /* with total VRAM and RAM less an OS reserve */
	double load_cold_s, load_warm_s;/* for the `now` placement (idle if none); < 0 unknown */
	double disk_gbps, pcie_gbps;    /* inputs of the load times; < 0 unknown */
	enum fact_source disk_source;
	bool quant_lowered_for_memory;  /* estimate_best went below the floor: nothing at
					 * or above it fits */
	/* With settings.cluster: the placement over the nodes (now and idle
	 * are then that placement; now.gpu/now.cpu the host's share) and each
	 * node's speed with the model alone. rpc.used false otherwise. */
	struct rpc_fit rpc;
};

/* Computes the estimate of model m at size s on hw. Never fails: facts that
 * are unknown leave the figures that need them unknown. */
void estimate_model(const struct hardware *hw, const struct model *m,
		    const struct size_model *s, const struct estimate_settings *set,
		    struct estimate *out);

/* Bytes a model may use to run entirely on the GPUs now (their free
 * memory less Ollama's reserve, summed), or in RAM (MemAvailable, else the
 * total less an OS reserve) when there are none; *on_gpus says which. The
 * same budgets the `now` placement fills; < 0 unknown. */
int64_t estimate_memory_budget(const struct hardware *hw, bool *on_gpus);

/* The same over every node of a cluster, summed (each node's devices as
 * llama.cpp's RPC uses them: its GPUs, a remote node without GPUs its RAM);
 * < 0 when one is unknown. */
int64_t estimate_cluster_budget(const struct rpc_cluster *c);

/* The context a setting means for m on hw: ctx; the trained context for
 * 0 ("--ctx max"); for ESTIMATE_CTX_RUNTIME the runtime's default: Ollama
 * picks 4096 below 23 GiB of total VRAM, 32768 from 23 GiB, 262144 from
 * 47 GiB (ollama/ollama server/routes.go), llama.cpp 4096 (common/common.h
 * n_ctx); either clamped to the trained context. *why (may be NULL) says
 * which rule gave it (static text). */
int estimate_context(const struct hardware *hw, const struct model *m,
		     const struct estimate_settings *set, const char **why);

/* The runtime's default context on hw before any model's clamp, and why. */
int estimate_runtime_context(const struct hardware *hw, enum runtime rt, const char **why);

/* canirun's default set of file types, best quality first: what a model
 * without published_quants is chosen among. */
extern const enum ftype estimate_default_ftypes[];
extern const int estimate_default_ftype_count;

/* Every file type, best quality first, bits per weight and format
 * generation deciding (F32 > F16/BF16 > Q8_0 > Q6_K > Q5_K_M > ... > IQ1_S). */
extern const enum ftype estimate_quality_order[];
extern const int estimate_quality_order_count;
/* ft's place in that order (0: the best); the order's length for a type
 * not in it. */
int estimate_quality_index(enum ftype ft);

/* Speed alone never picks a type of lower quality than this (Ollama's
 * default tags are Q4_K_M); only memory may. */
#define ESTIMATE_QUANT_FLOOR FTYPE_Q4_K_M

/* The types the choice is made among, best quality first, into out (room
 * for MODEL_QUANTS_MAX + the default set): the published ones (floats only
 * when nothing quantized is published), else the default set. With
 * beyond_published (--all): every published type and the default set.
 * Returns how many. */
int estimate_listed_ftypes(const struct model *m, bool beyond_published, enum ftype *out);
#define ESTIMATE_LISTED_MAX (MODEL_QUANTS_MAX + 8)

/* Estimates m at each listed type (beyond_published false) and keeps the
 * best. Among the types at or above ESTIMATE_QUANT_FLOOR (the best listed
 * one when none is): the highest quality whose `now` placement is entirely
 * on GPUs and at least usable; else the highest at least usable anywhere;
 * else (all slow) the lowest, the fastest the floor allows. Only when none
 * of them fits does it go below the floor: the highest that fits, by the
 * same preference for GPUs and usable speed, with quant_lowered_for_memory
 * set. When nothing fits: the lowest type at or above the floor (no fit). Returns 0,
 * or -1 with err from the size model. */
int estimate_best(const struct hardware *hw, const struct model *m,
		  const struct estimate_settings *set, struct estimate *out,
		  struct error *err);

/* Estimates m at file type ft (computing its size model). */
int estimate_ftype(const struct hardware *hw, const struct model *m, enum ftype ft,
		   const struct estimate_settings *set, struct estimate *out,
		   struct error *err);

#endif
