/* cpudescribed.h - the rates `canirun bench` would measure on a CPU that is
 * described rather than measured (--cpu, --ram-gbps): matvec weight GB/s
 * per block type, memory read and batched prefill GFLOPS, from the CPU's
 * cores, instruction-set family and memory bandwidth.
 *
 * The model is the one the bench's figures obey: a matvec runs at what
 * the threads compute as it approaches what the memory delivers,
 *   rate(type) = cpu_memory_bound_gbps(per-thread rate(arch, type),
 *                                      memory limit, threads) (hw/cpurate.h),
 *   memory limit = bandwidth x efficiency (Apple: also P-cores x a per-core
 *   share; its CPU clusters cannot draw the whole SoC bandwidth),
 *   prefill(type) = threads x per-thread GFLOPS(arch) x share(arch, type),
 * with the constants fitted on published llama.cpp CPU runs (sources in
 * cpudescribed.c; tests/fixtures/cpu-runs.csv and `make bench` show the fit).
 */
#ifndef CANIRUN_CPUDESCRIBED_H
#define CANIRUN_CPUDESCRIBED_H

#include <stdbool.h>

#include "hw/hw.h"

struct cpu_described {
	int threads;            /* the threads the rates are for (> 0) */
	bool arm;               /* Arm (NEON) rather than x86 (AVX2/AVX-512) */
	bool apple;             /* Apple silicon: the per-P-core memory share applies */
	int performance_cores;  /* Apple's P-cores; <= 0: threads */
	double bandwidth_gbps;  /* theoretical memory bandwidth (> 0) */
};

/* Fills cpu's rate fields for d's threads and marks them SRC_WHATIF: the
 * one-thread matvec rates (q4_core_gbps, ...), the rates d->threads reach
 * together by hw/cpurate.h's model (q4_gbps, q4_k_gbps, q6_k_gbps,
 * q8_0_gbps), mem_read_gbps and the prefill rate of each type; the
 * one-thread memory read is unknown (-1). */
void cpu_described_rates(const struct cpu_described *d, struct cpu_info *cpu);

/* The memory limit of the model above, GB/s (for explanations). */
double cpu_described_memory_limit_gbps(const struct cpu_described *d);

#endif
