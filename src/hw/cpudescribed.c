#include "hw/cpudescribed.h"

#include <math.h>

#include "hw/cpurate.h"

/* Every constant below comes from one table of llama.cpp CPU runs:
 * github:ikawrakow/ik_llama.cpp README.md at commit 25ade2452 (2024-08-12),
 * column "t/s (llama.cpp)" (llama.cpp build 081fe431, llama-bench -p 0
 * -n 128 for TG, -p 512 -n 0 for PP). x86: a 16-core Ryzen 9 7950X (DDR5,
 * 83.2 GB/s at the supported DDR5-5200), LLaMA-3-8B. Arm: an M2 Max (8
 * P-cores, 400 GB/s), LLaMA-2-7B. Weight GB/s = t/s x the file size given
 * there (GiB x 1.0737).
 *
 * Per-thread matvec rates, from the 2-thread TG rows (compute-bound there):
 *   7950X: Q4_0 6.36 t/s x 4.671 GB / 2 = 14.9; Q4_K_S 9.61 x 4.682 / 2 =
 *   22.5; Q6_K 7.53 x 6.593 / 2 = 24.8; Q8_0 5.03 x 8.536 / 2 = 21.5.
 *   M2 Max: Q4_0 9.77 x 3.833 / 2 = 18.7; Q4_K_S 11.15 x 3.855 / 2 = 21.5;
 *   Q6_K 6.85 x 5.530 / 2 = 18.9; Q8_0 8.29 x 7.162 / 2 = 29.7. */
enum { RATE_Q4_0, RATE_Q4_K, RATE_Q6_K, RATE_Q8_0, RATE_TYPES };
static const double x86_thread_gbps[RATE_TYPES] = { 14.9, 22.5, 24.8, 21.5 };
static const double arm_thread_gbps[RATE_TYPES] = { 18.7, 21.5, 18.9, 29.7 };

/* Memory efficiency: the 7950X's 4-thread TG rows that are memory-bound
 * (F16 4.20 t/s x 16.06 GB = 67.5, Q8_0 63.2, Q4_K_S 62.0, Q6_K 64.2 GB/s)
 * average 64.2 GB/s of 83.2. */
#define MEMORY_EFFICIENCY 0.772

/* Apple's CPU side: the M2 Max's 8-thread TG rows level off at 99-116 GB/s
 * (Q4_0 102.1, Q4_K_S 99.3, Q6_K 102.4, Q8_0 116.3; mean 105) of the SoC's
 * 400 GB/s, 13.1 GB/s per P-core. */
#define APPLE_PCORE_GBPS 13.1

/* Prefill GFLOPS per thread, from the pp512 rows at one thread per core,
 * FLOPs a prompt token as the estimator counts them (2 per weight less the
 * token embedding and output, 128256 x 4096 each for LLaMA-3-8B, 32000 x
 * 4096 for LLaMA-2-7B): 7950X Q4_0 104.46 t/s x 2 x (8.03e9 - 1.051e9) / 16
 * = 91.1; M2 Max Q4_0 65.46 t/s x 2 x (6.74e9 - 0.262e9) / 8 = 106.0. The
 * other types' rates are their pp512 t/s over Q4_0's in the same table:
 * x86 Q4_K_S 98.92, Q6_K 74.89, Q8_0 118.07; Arm Q4_K_S 46.55, Q6_K 28.12,
 * Q8_0 77.25. */
#define X86_PREFILL_THREAD_GFLOPS 91.1
#define ARM_PREFILL_THREAD_GFLOPS 106.0
static const double x86_prefill_share[RATE_TYPES] = { 1, 98.92 / 104.46, 74.89 / 104.46, 118.07 / 104.46 };
static const double arm_prefill_share[RATE_TYPES] = { 1, 46.55 / 65.46, 28.12 / 65.46, 77.25 / 65.46 };

double cpu_described_memory_limit_gbps(const struct cpu_described *d)
{
	double limit = d->bandwidth_gbps * MEMORY_EFFICIENCY;
	int pcores = d->performance_cores > 0 ? d->performance_cores : d->threads;

	if (d->apple)
		limit = fmin(limit, pcores * APPLE_PCORE_GBPS);
	return limit;
}

void cpu_described_rates(const struct cpu_described *d, struct cpu_info *cpu)
{
	const double *per_thread = d->arm ? arm_thread_gbps : x86_thread_gbps;
	const double *share = d->arm ? arm_prefill_share : x86_prefill_share;
	double memory = cpu_described_memory_limit_gbps(d), prefill;
	double *all[RATE_TYPES] = { &cpu->q4_gbps, &cpu->q4_k_gbps, &cpu->q6_k_gbps, &cpu->q8_0_gbps };
	double *core[RATE_TYPES] = {
		&cpu->q4_core_gbps, &cpu->q4_k_core_gbps, &cpu->q6_k_core_gbps, &cpu->q8_0_core_gbps,
	};

	/* the bench's own model (hw/cpurate.h): one thread's rate, and the
	 * rate the described threads reach together */
	for (int t = 0; t < RATE_TYPES; t++) {
		*core[t] = per_thread[t];
		*all[t] = cpu_memory_bound_gbps(per_thread[t], memory, d->threads);
	}
	cpu->mem_read_gbps = memory;
	cpu->mem_read_core_gbps = -1; /* not published per thread */
	prefill = d->threads * (d->arm ? ARM_PREFILL_THREAD_GFLOPS : X86_PREFILL_THREAD_GFLOPS);
	cpu->prefill_gflops = prefill * share[RATE_Q4_0];
	cpu->prefill_q4_k_gflops = prefill * share[RATE_Q4_K];
	cpu->prefill_q6_k_gflops = prefill * share[RATE_Q6_K];
	cpu->prefill_q8_0_gflops = prefill * share[RATE_Q8_0];
	cpu->prefill_simd_gflops = -1; /* the rates above are for SIMD kernels */
	cpu->q4_source = SRC_WHATIF;
}
