/* bench.c - timing the quantized matvec kernels, memory reads and prefill. */
#include "bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench/diskspeed.h"
#include "bench/parallel.h"
#include "bench/qblocks.h"
#include "bench/qmatvec.h"

#define DEFAULT_LLC_BYTES (32LL << 20)
/* Four times the last-level cache: what stays cached between passes is
 * then a small part, so the rate is DRAM's, as for a model's weights. */
#define LLC_MULTIPLE 4
#define MATVEC_COLS 4096        /* a 7-8B model's embedding width */
#define PREFILL_ROWS 2048       /* 4.6 MB of Q4_0: cache-resident */
#define PREFILL_COLUMNS 16      /* a batch of prompt tokens */
#define MAX_PASSES 4096
#define MIB (1LL << 20)

/* The timed phases after setup, each given an equal share of the budget. */
enum phase { PH_MEMORY, PH_Q4_0, PH_Q4_K, PH_Q6_K, PH_Q8_0, PH_PREFILL, PH_COUNT };
static const char *const phase_names[PH_COUNT] = {
	"memory", "Q4_0", "Q4_K", "Q6_K", "Q8_0", "prefill",
};

struct bench {
	const struct bench_options *opts;
	const struct qkernels *k;
	int threads;
	uint8_t *buf;
	size_t buf_bytes;
	double start_s, budget_s, phase_s;
	float *x, *y;           /* activations and outputs, big enough for any phase */
	uint64_t sink;          /* read sums land here so no read is optimised away */
	struct error *err;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void progress(const struct bench *b, const char *phase, double fraction)
{
	if (b->opts->progress)
		b->opts->progress(b->opts->ctx, phase, fraction > 1 ? 1 : fraction);
}

void bench_result_init(struct bench_result *r)
{
	memset(r, 0, sizeof(*r));
	r->q4_0_gbps = r->q4_k_gbps = r->q6_k_gbps = r->q8_0_gbps = -1;
	r->mem_read_gbps = r->prefill_gflops = r->disk_read_gbps = -1;
}

/* Random bytes with bit 6 clear and bit 5 set: read as the high byte of a
 * binary16 scale that gives an exponent of 8..15, a normal number in
 * [2^-7, 2), so every block's scales are sane whatever the layout and
 * no pass meets NaNs or subnormals. Quicker than quantizing floats. */
static void fill_share(void *ctx, int i, int n)
{
	struct bench *b = ctx;
	long begin, end;
	uint64_t s = 0x2545f4914f6cdd1dull * (uint64_t)(i + 1);
	uint64_t *p = (uint64_t *)b->buf;

	parallel_share((long)(b->buf_bytes / 8), i, n, &begin, &end);
	for (long w = begin; w < end; w++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		p[w] = (s & 0x9f9f9f9f9f9f9f9full) | 0x2020202020202020ull;
	}
}

static int setup(struct bench *b)
{
	int64_t llc = b->opts->llc_bytes > 0 ? b->opts->llc_bytes : DEFAULT_LLC_BYTES;
	size_t xcount = (size_t)PREFILL_COLUMNS * MATVEC_COLS;

	b->buf_bytes = (size_t)((llc * LLC_MULTIPLE + MIB - 1) / MIB * MIB);
	/* 2 MiB aligned so that transparent huge pages can back it: fewer
	 * page faults while filling, fewer TLB misses while streaming */
	if (posix_memalign((void **)&b->buf, 2 * MIB, b->buf_bytes) != 0) {
		b->buf = NULL;
		return error_set(b->err, "bench: out of memory for %zu MiB of weights", b->buf_bytes >> 20);
	}
	madvise(b->buf, b->buf_bytes, MADV_HUGEPAGE);
	b->x = malloc(sizeof(float) * xcount);
	/* outputs: one per row of the smallest-row type, or the prefill's */
	b->y = malloc(sizeof(float) * (b->buf_bytes / qtype_row_bytes(QT_Q4_0, MATVEC_COLS) +
				       (size_t)PREFILL_ROWS * PREFILL_COLUMNS));
	if (!b->x || !b->y)
		return error_set(b->err, "bench: out of memory for activations");
	for (size_t i = 0; i < xcount; i++)
		b->x[i] = (float)((i * 2654435761u) % 2001) / 1000.0f - 1.0f;
	return parallel_run(b->threads, fill_share, b, b->err);
}

static void read_share(void *ctx, int i, int n)
{
	struct bench *b = ctx;
	long begin, end;
	uint64_t sum;

	/* in 256-byte units, the kernels' stride */
	parallel_share((long)(b->buf_bytes / 256), i, n, &begin, &end);
	sum = b->k->read_sum(b->buf + (size_t)begin * 256, (size_t)(end - begin) * 256);
	__atomic_fetch_add(&b->sink, sum, __ATOMIC_RELAXED);
}

/* One pass of a phase; returns the work it did (bytes or flops), or -1. */
static double run_pass(struct bench *b, enum phase ph)
{
	static const enum qtype types[PH_COUNT] = {
		[PH_Q4_0] = QT_Q4_0, [PH_PREFILL] = QT_Q4_0, [PH_Q4_K] = QT_Q4_K, [PH_Q6_K] = QT_Q6_K, [PH_Q8_0] = QT_Q8_0,
	};
	struct qmatrix w = { types[ph], 0, MATVEC_COLS, b->buf };
	size_t row_bytes = qtype_row_bytes(w.type, MATVEC_COLS);

	if (ph == PH_MEMORY)
		return parallel_run(b->threads, read_share, b, b->err) < 0 ? -1 : (double)b->buf_bytes;
	w.rows = (int)(b->buf_bytes / row_bytes);
	if (ph == PH_PREFILL) {
		if (w.rows > PREFILL_ROWS)
			w.rows = PREFILL_ROWS;
		if (qmat_mul(b->k, &w, b->x, PREFILL_COLUMNS, b->y, b->threads, b->err) < 0)
			return -1;
		return 2.0 * w.rows * MATVEC_COLS * PREFILL_COLUMNS;
	}
	if (qmat_mul(b->k, &w, b->x, 1, b->y, b->threads, b->err) < 0)
		return -1;
	return (double)w.rows * (double)row_bytes;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Repeats passes for the phase's share of the budget (at least two, the
 * first a warm-up) and returns the median rate in units of 1e9 per second,
 * or -1 on error. */
static double run_phase(struct bench *b, enum phase ph)
{
	double rates[MAX_PASSES], phase_start = now_s(), median;
	int count = 0, passes = 0;

	do {
		double t0 = now_s(), work = run_pass(b, ph), t1 = now_s();

		if (work < 0)
			return -1;
		if (passes++ > 0 && count < MAX_PASSES)
			rates[count++] = work / (t1 - t0) / 1e9;
		progress(b, phase_names[ph], (t1 - b->start_s) / b->budget_s);
	} while (passes < 2 || (now_s() - phase_start < b->phase_s && count < MAX_PASSES));
	qsort(rates, (size_t)count, sizeof(rates[0]), cmp_double);
	median = count % 2 ? rates[count / 2] : (rates[count / 2 - 1] + rates[count / 2]) / 2;
	return median;
}

static int run_all(struct bench *b, struct bench_result *r)
{
	double *slots[PH_COUNT] = {
		&r->mem_read_gbps, &r->q4_0_gbps, &r->q4_k_gbps, &r->q6_k_gbps,
		&r->q8_0_gbps, &r->prefill_gflops,
	};

	progress(b, "setup", 0);
	if (setup(b) < 0)
		return -1;
	/* what is left after setup, with a tenth kept for the last passes'
	 * overrun, shared equally */
	b->phase_s = (b->budget_s - (now_s() - b->start_s)) * 0.9 / PH_COUNT;
	for (int ph = 0; ph < PH_COUNT; ph++) {
		*slots[ph] = run_phase(b, (enum phase)ph);
		if (*slots[ph] < 0)
			return -1;
	}
	if (b->opts->disk) {
		int mb = b->opts->disk_mb > 0 ? b->opts->disk_mb : b->opts->full ? 256 : 128;

		progress(b, "disk", 1);
		if (disk_read_test(b->opts->disk_dir, mb, &r->disk_read_gbps, &r->disk_direct, b->err) < 0)
			return -1;
	}
	return 0;
}

int bench_run(const struct bench_options *opts, struct bench_result *r,
	      struct error *err)
{
	struct bench b = {
		.opts = opts, .k = qk_best(), .err = err, .start_s = now_s(),
		.budget_s = opts->budget_s > 0 ? opts->budget_s : opts->full ? 10 : 2,
	};
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	bench_result_init(r);
	if (opts->disk && !opts->disk_dir)
		return error_set(err, "bench: the disk test needs a directory");
	b.threads = opts->threads > 0 ? opts->threads : online > 0 ? (int)online : 1;
	rc = run_all(&b, r);
	free(b.buf);
	free(b.x);
	free(b.y);
	if (rc < 0) {
		bench_result_init(r);
		return -1;
	}
	r->threads = b.threads;
	r->seconds = now_s() - b.start_s;
	snprintf(r->kernels, sizeof(r->kernels), "%s", b.k->name);
	return 0;
}
