/* bench.h - the CPU microbenchmark behind `canirun bench`.
 *
 * Token generation on a CPU streams every weight once per token, so its
 * speed is the rate at which the cores turn quantized weight bytes into dot
 * products. We measure that rate directly: matvecs over ggml-layout weights
 * (Q4_0, Q4_K, Q6_K, Q8_0) far larger than the last-level cache, next to a
 * plain memory-read probe, a compute-bound batched variant for prompt
 * processing, and optionally a sequential read of the models disk.
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
	bool full;              /* ~10 s of repetitions instead of ~2 s */
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

/* Rates in GB/s are 1e9 bytes per second; a rate not measured is -1. */
struct bench_result {
	double q4_0_gbps, q4_k_gbps, q6_k_gbps, q8_0_gbps; /* weight bytes read per second */
	double mem_read_gbps;   /* plain read of the same buffer */
	double prefill_gflops;  /* Q4_0 weights x 16 columns, 2 flops per weight and column */
	double disk_read_gbps;
	bool disk_direct;       /* the disk read bypassed the page cache with O_DIRECT */
	int threads;
	double seconds;         /* the whole run, setup included */
	char kernels[16];       /* kernel set used: "avx512-vnni", "avx2", ... */
};

/* Sets every rate to unknown. */
void bench_result_init(struct bench_result *r);

/* Runs the bench. Returns 0, or -1 with err (out of memory, threads, the
 * disk test's file). */
int bench_run(const struct bench_options *opts, struct bench_result *r,
	      struct error *err);

#endif
