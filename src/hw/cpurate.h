/* cpurate.h - the CPU performance model: the rate at which a CPU turns
 * weight bytes into tokens, by weight type and thread count, from what the
 * bench measured (or, for a CPU not measured here, what describes it).
 *
 * Decode streams every weight once per token. One thread is limited by
 * its core (decoding blocks is compute); each further thread adds a core's
 * rate until the memory system caps them all, so the rate is not linear in
 * threads: on the 2-vCPU build VM llama.cpp keeps 55-58% of its two-thread
 * speed on one thread. Prefill (a batch of tokens per weight row) is
 * compute-bound and scales with threads.
 *
 * Pure arithmetic; the single home of this model, for the estimator and
 * for what-if CPUs alike.
 */
#ifndef CANIRUN_CPURATE_H
#define CANIRUN_CPURATE_H

#include "hw/hw.h"

/* The weight types the bench measures; other types use the nearest one
 * (cpu_weight_for in estimate). */
enum cpu_weight { CPU_W_Q4_0, CPU_W_Q4_K, CPU_W_Q6_K, CPU_W_Q8_0, CPU_W_COUNT };
const char *cpu_weight_name(enum cpu_weight w);     /* "Q4_0", ... */
int cpu_weight_parse(const char *name, enum cpu_weight *out);  /* 0, or -1 */

/* The threads a run uses: `threads`, or every core when it is <= 0. */
int cpu_threads_used(const struct cpu_info *cpu, int threads);

/* Matvec rate (weight GB/s) on `threads` threads: min(threads x core_gbps,
 * ceiling_gbps). core_gbps: one thread's rate; ceiling_gbps: the rate all
 * cores reach together (measured by the bench), or for a CPU not measured
 * the rate its memory bandwidth allows. -1 when core_gbps is unknown;
 * an unknown ceiling (< 0) caps nothing. */
double cpu_threads_gbps(double core_gbps, double ceiling_gbps, int threads);

/* Matvec rate (weight GB/s) on `threads` threads against a memory limit
 * rather than a measured all-core matvec rate: the threads' rate meets the
 * limit gradually (they queue for memory before they saturate it),
 *   rate = n c / (1 + (n c / limit)^4)^(1/4),
 * within 1.2% of n c at half the limit and 16% under the limit where n c
 * reaches it. The exponent is fitted on the published runs marked fitted in
 * tests/fixtures/cpu-runs.csv. -1 when core_gbps is unknown; an unknown
 * limit (< 0) caps nothing. */
double cpu_memory_bound_gbps(double core_gbps, double limit_gbps, int threads);

/* Decode matvec rate of weight type w on cpu with `threads` threads (<= 0:
 * every core): cpu_threads_gbps of the bench's one-thread and all-core
 * rates. A picture with only the all-core rate (an older profile) scales
 * it by threads / cores; one without any rate for w uses Q4_0's. -1 when
 * unknown. */
double cpu_decode_gbps(const struct cpu_info *cpu, enum cpu_weight w, int threads);

/* Memory read rate (GB/s) on `threads` threads (<= 0: every core):
 * cpu_threads_gbps of the bench's one-thread and all-core reads, or the
 * all-core read when only that is known (a described CPU's bandwidth
 * limit). -1 when unknown. */
double cpu_memory_gbps(const struct cpu_info *cpu, int threads);

/* Batched (prefill) rate of weight type w in GFLOP/s on `threads` threads
 * (<= 0: every core), falling back to the Q4_0 rates for a type not
 * measured: between the bench's one-thread and all-core rates, linear in
 * the threads (the product is compute-bound; how far short of threads x
 * the one-thread rate all cores fall, shared caches, SMT siblings, is
 * what the two measure); without a one-thread rate the all-core rate x
 * threads / cores. Beyond the cores, the all-core rate. -1 when unknown. */
double cpu_prefill_gflops(const struct cpu_info *cpu, enum cpu_weight w, int threads);

/* Where the bench timed those rates on AMX tiles: its rate for class w on
 * the SIMD kernels (llama.cpp's paths for the types without AMX kernels):
 * CPU_W_Q4_K row by row, CPU_W_Q8_0 in packed blocks of 32; scaled as they
 * are. -1 for another class, or elsewhere (the rates above are SIMD ones
 * already). */
double cpu_prefill_simd_gflops(const struct cpu_info *cpu, enum cpu_weight w, int threads);

#endif
