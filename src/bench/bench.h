/* bench.h - the CPU microbenchmark behind `canirun bench`.
 *
 * Token generation on a CPU streams every weight once per token, so its
 * speed is the rate at which the cores turn quantized weight bytes into dot
 * products. We measure that rate directly: matvecs over ggml-layout weights
 * (Q4_0, Q4_K, Q6_K, Q8_0) larger than the last-level cache, on one thread
 * and on all, next to a plain memory-read probe, a compute-bound batched
 * variant of each type for prompt processing, and optionally a sequential
 * read of the models disk.
 *
 * The bench never prints; it reports progress through a callback. It owns
 * its buffers and frees them before returning.
 */
#ifndef CANIRUN_BENCH_H
#define CANIRUN_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "util/errors.h"

struct bench_options {
	int threads;            /* <= 0: every online CPU; callers pass the physical cores */
	bool full;              /* ~10 s of repetitions instead of ~3 s */
	double budget_s;        /* > 0: this many seconds instead (tests) */
	int64_t llc_bytes;      /* last-level cache; <= 0: 32 MiB assumed */
	bool disk;              /* also time a read from disk_dir */
	const char *disk_dir;   /* the models directory */
	int disk_mb;            /* size of that read; <= 0: 256 MiB (full) or 128 MiB */
	/* called now and then with the phase ("setup", "memory", "Q4_0", ...,
	 * "prefill", "disk") and the fraction of the whole run done; may be NULL */
	void (*progress)(void *ctx, const char *phase, double fraction);
	void *ctx;
};

/* The figures the bench measures. Matvec rates are weight bytes read per
 * second (1e9), "core" ones on one thread, the others on opts.threads
 * (the four prefill type rates have "core" ones too);
 * prefill rates are batched matmuls (16 activation columns per weight row,
 * 32 on AMX tiles, 2 flops per weight and column) in GFLOP/s (1e9). Where
 * the kernels have AMX tiles (kernels "amx-int8") the four prefill type
 * rates are tile products and the Q4_K and Q6_K token rates read the tiled
 * layout with VNNI dot products, as llama.cpp's AMX backend runs those
 * types (its Q4_0 and Q8_0 tokens: the packed gemv, qblocks.h), and
 * BF_PREFILL_SIMD (Q4_K on the SIMD kernels, row by row) and
 * BF_PREFILL_SIMD_Q8_0 (Q8_0 on the SIMD kernels, packed) are the rates of
 * llama.cpp's ordinary paths, which the types without AMX kernels take;
 * elsewhere they time what BF_PREFILL_Q4_K and BF_PREFILL_Q8_0 do. On the
 * avx2 kernels the batched Q8_0 product runs on plain rows in tinyBLAS's
 * 4 x 2 tiles (qkernels.plain_gemm), as llama.cpp runs Q8_0 prompts there. */
enum bench_figure {
	BF_MEM_READ, BF_MEM_READ_CORE,
	BF_Q4_0, BF_Q4_K, BF_Q6_K, BF_Q8_0,
	BF_Q4_0_CORE, BF_Q4_K_CORE, BF_Q6_K_CORE, BF_Q8_0_CORE,
	BF_PREFILL_Q4_0, BF_PREFILL_Q4_K, BF_PREFILL_Q6_K, BF_PREFILL_Q8_0,
	BF_PREFILL_SIMD, BF_PREFILL_SIMD_Q8_0,
	BF_PREFILL_Q4_0_CORE, BF_PREFILL_Q4_K_CORE, BF_PREFILL_Q6_K_CORE, BF_PREFILL_Q8_0_CORE,
	BF_COUNT
};

/* The figure's JSON name (SPEC "bench"): "mem_read_gbps", "q4_0_core_gbps",
 * "prefill_gflops" (Q4_0), "prefill_q8_0_gflops", ... */
const char *bench_figure_name(enum bench_figure f);

/* A figure is the median of BENCH_TRIALS trials, taken in turn with the
 * other figures' so that a passing disturbance costs each figure one trial;
 * a trial is the median of its passes. A pass whose threads did not all run
 * for most of it (another process took a core) is dropped and redone.
 * Many short trials rather than a few long ones: on a shared VM the
 * machine's own speed moves within a second, and more samples over the
 * run settle the median. Ten 3-second runs each, the two counts
 * alternating on the 2-vCPU AMX build VM: worst figure 36.6% from its
 * median of the ten with 9 trials, 12.5% with 25. */
#define BENCH_TRIALS 25

/* A value not measured is -1. */
struct bench_result {
	double rate[BF_COUNT];
	double spread[BF_COUNT];   /* (max - min) / median of the trials */
	double parallel_share;     /* lowest share of a kept pass that every thread ran */
	int dropped_passes;        /* passes redone because a thread was held up */
	double disk_read_gbps;
	bool disk_direct;          /* the disk read bypassed the page cache with O_DIRECT */
	int threads;
	double seconds;            /* the whole run, setup included */
	char kernels[16];          /* kernel set used: "amx-int8", "avx512-vnni", "avx2", ... */
};

/* Whether r's prefill type rates were timed on AMX tiles (kernels
 * "amx-int8"), so that BF_PREFILL_SIMD differs from them in kind. */
bool bench_prefill_tiled(const struct bench_result *r);

/* Sets every rate to unknown. */
void bench_result_init(struct bench_result *r);

/* Runs the bench. Returns 0, or -1 with err (out of memory, threads, the
 * disk test's file). */
int bench_run(const struct bench_options *opts, struct bench_result *r,
	      struct error *err);

#endif
