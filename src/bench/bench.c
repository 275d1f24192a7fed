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
#include "util/stats.h"

#define DEFAULT_LLC_BYTES (32LL << 20)
/* Four times the last-level cache: what stays cached between passes is
 * then a small part, so the rate is DRAM's, as for a model's weights. Capped:
 * a VM reports its host's whole cache (300 MiB on a 2-vCPU Xeon), and filling
 * gigabytes would take longer than the bench. */
#define LLC_MULTIPLE 4
#define MAX_WEIGHT_BYTES (256LL << 20)
/* A matvec or read pass takes the next of this many slices of the buffer, so
 * a pass is short (milliseconds) yet reads what the last passes did not. */
#define SLICES 8
#define MATVEC_COLS 4096        /* a 7-8B model's embedding width */
#define PREFILL_ROWS 512        /* 1-2 MB of weights: cache-resident */
#define PREFILL_COLUMNS 16      /* a batch of prompt tokens */
/* The tokens one AMX tile product takes (ggml-cpu/amx/mmq.cpp BLOCK_M = 2 x
 * TILE_M): a prompt of 32 or more fills its tiles, so timing fewer would
 * time half-empty ones. */
#define PREFILL_TILE_COLUMNS 32
/* A pass in which some thread ran for less than this share of it was slowed
 * by another process, not by this machine's speed: it is redone. */
#define MIN_PARALLEL_SHARE 0.8
/* A trial that meets only held-up passes stops after this many times its
 * share of the budget and keeps what it has. */
#define TRIAL_OVERRUN 3
#define MAX_PASSES 256
#define MIB (1LL << 20)

enum kind { K_READ, K_MATVEC, K_BATCH };

static const struct {
	const char *name;
	enum kind kind;
	enum qtype type;
	bool one_thread;
	bool simd;              /* batched on the SIMD kernels even where tiles exist */
} figures[BF_COUNT] = {
	[BF_MEM_READ] = { "mem_read_gbps", K_READ, QT_Q4_0, false, false },
	[BF_MEM_READ_CORE] = { "mem_read_core_gbps", K_READ, QT_Q4_0, true, false },
	[BF_Q4_0] = { "q4_0_gbps", K_MATVEC, QT_Q4_0, false, false },
	[BF_Q4_K] = { "q4_k_gbps", K_MATVEC, QT_Q4_K, false, false },
	[BF_Q6_K] = { "q6_k_gbps", K_MATVEC, QT_Q6_K, false, false },
	[BF_Q8_0] = { "q8_0_gbps", K_MATVEC, QT_Q8_0, false, false },
	[BF_Q4_0_CORE] = { "q4_0_core_gbps", K_MATVEC, QT_Q4_0, true, false },
	[BF_Q4_K_CORE] = { "q4_k_core_gbps", K_MATVEC, QT_Q4_K, true, false },
	[BF_Q6_K_CORE] = { "q6_k_core_gbps", K_MATVEC, QT_Q6_K, true, false },
	[BF_Q8_0_CORE] = { "q8_0_core_gbps", K_MATVEC, QT_Q8_0, true, false },
	[BF_PREFILL_Q4_0] = { "prefill_gflops", K_BATCH, QT_Q4_0, false, false },
	[BF_PREFILL_Q4_K] = { "prefill_q4_k_gflops", K_BATCH, QT_Q4_K, false, false },
	[BF_PREFILL_Q6_K] = { "prefill_q6_k_gflops", K_BATCH, QT_Q6_K, false, false },
	[BF_PREFILL_Q8_0] = { "prefill_q8_0_gflops", K_BATCH, QT_Q8_0, false, false },
	[BF_PREFILL_SIMD] = { "prefill_simd_gflops", K_BATCH, QT_Q4_K, false, true },
	[BF_PREFILL_SIMD_Q8_0] = { "prefill_simd_q8_0_gflops", K_BATCH, QT_Q8_0, false, true },
	[BF_PREFILL_Q4_0_CORE] = { "prefill_core_gflops", K_BATCH, QT_Q4_0, true, false },
	[BF_PREFILL_Q4_K_CORE] = { "prefill_q4_k_core_gflops", K_BATCH, QT_Q4_K, true, false },
	[BF_PREFILL_Q6_K_CORE] = { "prefill_q6_k_core_gflops", K_BATCH, QT_Q6_K, true, false },
	[BF_PREFILL_Q8_0_CORE] = { "prefill_q8_0_core_gflops", K_BATCH, QT_Q8_0, true, false },
};

const char *bench_figure_name(enum bench_figure f)
{
	return f >= 0 && f < BF_COUNT ? figures[f].name : "?";
}

bool bench_prefill_tiled(const struct bench_result *r)
{
	return strcmp(r->kernels, QK_AMX_NAME) == 0;
}

struct bench {
	const struct bench_options *opts;
	const struct qkernels *k;
	int threads;
	uint8_t *buf;
	size_t buf_bytes;
	int slice;              /* the next pass's slice of buf */
	double start_s, budget_s, trial_s;
	float *x, *y;           /* activations and outputs, big enough for any pass */
	uint64_t sink;          /* read sums land here so no read is optimised away */
	struct bench_result *r;
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
	for (int f = 0; f < BF_COUNT; f++)
		r->rate[f] = r->spread[f] = -1;
	r->parallel_share = r->disk_read_gbps = -1;
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
	int64_t bytes = llc * LLC_MULTIPLE < MAX_WEIGHT_BYTES ? llc * LLC_MULTIPLE : MAX_WEIGHT_BYTES;
	size_t xcount = (size_t)PREFILL_TILE_COLUMNS * MATVEC_COLS;

	/* whole MiB per slice, so every slice holds whole rows of every type */
	b->buf_bytes = (size_t)((bytes + SLICES * MIB - 1) / (SLICES * MIB) * (SLICES * MIB));
	/* 2 MiB aligned so that transparent huge pages can back it: fewer
	 * page faults while filling, fewer TLB misses while streaming */
	if (posix_memalign((void **)&b->buf, 2 * MIB, b->buf_bytes) != 0) {
		b->buf = NULL;
		return error_set(b->err, "bench: out of memory for %zu MiB of weights", b->buf_bytes >> 20);
	}
	madvise(b->buf, b->buf_bytes, MADV_HUGEPAGE);
	b->x = malloc(sizeof(float) * xcount);
	/* outputs: one per row of a slice of the smallest-row type, or the prefill's */
	b->y = malloc(sizeof(float) * (b->buf_bytes / SLICES / qtype_row_bytes(QT_Q4_0, MATVEC_COLS) +
				       (size_t)PREFILL_ROWS * PREFILL_TILE_COLUMNS));
	if (!b->x || !b->y)
		return error_set(b->err, "bench: out of memory for activations");
	for (size_t i = 0; i < xcount; i++)
		b->x[i] = (float)((i * 2654435761u) % 2001) / 1000.0f - 1.0f;
	return parallel_run(b->threads, fill_share, b, b->err);
}

struct read_job {
	struct bench *b;
	const uint8_t *base;
	size_t bytes;
};

static void read_share(void *ctx, int i, int n)
{
	struct read_job *j = ctx;
	long begin, end;
	uint64_t sum;

	/* in 256-byte units, the kernels' stride */
	parallel_share((long)(j->bytes / 256), i, n, &begin, &end);
	sum = j->b->k->read_sum(j->base + (size_t)begin * 256, (size_t)(end - begin) * 256);
	__atomic_fetch_add(&j->b->sink, sum, __ATOMIC_RELAXED);
}

/* One pass of figure f; returns the work it did (bytes or flops), or -1,
 * and how its threads ran in *t. */
static double run_pass(struct bench *b, enum bench_figure f, struct parallel_timing *t)
{
	size_t slice_bytes = b->buf_bytes / SLICES;
	const uint8_t *base = b->buf + (size_t)b->slice * slice_bytes;
	int threads = figures[f].one_thread ? 1 : b->threads;
	/* types llama.cpp repacks are timed packed, as it runs them; the
	 * bytes are random either way, so the same buffer serves both layouts */
	struct qmatrix w = { figures[f].type, 0, MATVEC_COLS, base, qmat_packs(b->k, figures[f].type), false };
	size_t row_bytes = qtype_row_bytes(w.type, MATVEC_COLS);
	int group = w.packed ? b->k->packed.group : 1;

	if (figures[f].kind == K_BATCH) {
		/* on tiles where the set has them, as llama.cpp's AMX backend
		 * runs these types, tiled as its AMX buffer keeps them */
		int columns = PREFILL_COLUMNS;

		/* plain rows where llama.cpp's tinyBLAS takes the type */
		w.packed = w.packed && !b->k->plain_gemm[w.type];
		w.tiled = !figures[f].simd && qmat_tiles(b->k, w.type);
		if (w.tiled) {
			w.packed = false;
			columns = PREFILL_TILE_COLUMNS;
		}
		w.rows = PREFILL_ROWS;
		w.data = b->buf;
		if (qmat_mul(b->k, &w, b->x, columns, b->y, threads, t, b->err) < 0)
			return -1;
		return 2.0 * w.rows * MATVEC_COLS * columns;
	}
	b->slice = (b->slice + 1) % SLICES;
	if (figures[f].kind == K_READ) {
		struct read_job j = { b, base, slice_bytes };

		return parallel_run_timed(threads, read_share, &j, t, b->err) < 0 ? -1 : (double)slice_bytes;
	}
	/* a type llama.cpp makes its tokens of on the tiled layout is timed
	 * there, in whole blocks of tiles of its one-token kernel; the rate
	 * stays in the plain layout's bytes, the file's */
	w.tiled = qmat_tiled_token(b->k, w.type);
	if (w.tiled)
		w.rows = (int)(slice_bytes * QTILE_ROWS / qtype_tiled_bytes(w.type, QTILE_ROWS, MATVEC_COLS)) /
			 (QTILE_ROWS * QTILE_GEMV_TILES) * (QTILE_ROWS * QTILE_GEMV_TILES);
	else
		w.rows = (int)(slice_bytes / row_bytes) / group * group;
	if (qmat_mul(b->k, &w, b->x, 1, b->y, threads, t, b->err) < 0)
		return -1;
	return (double)w.rows * (double)row_bytes;
}

/* One trial of figure f: passes for trial_s (at least one kept; the very
 * first pass of a figure is a warm-up), held-up passes redone. Returns the
 * median rate of the kept passes in units of 1e9 per second, or -1. A trial
 * that meets only held-up passes (a machine busy with other work) rates
 * them by their threads' CPU time instead: what they took while they ran. */
static double run_trial(struct bench *b, enum bench_figure f, bool warm_up)
{
	double kept[MAX_PASSES], held[MAX_PASSES], start, kept_low = 1, held_low = 1;
	int nkept = 0, nheld = 0;
	struct parallel_timing t;

	if (warm_up && run_pass(b, f, &t) < 0)
		return -1;
	start = now_s();
	while (nkept + nheld < MAX_PASSES) {
		double work = run_pass(b, f, &t), elapsed = now_s() - start;

		if (work < 0)
			return -1;
		if (t.share >= MIN_PARALLEL_SHARE) {
			kept[nkept++] = work / t.span_s / 1e9;
			kept_low = t.share < kept_low ? t.share : kept_low;
		} else {
			held[nheld++] = work / t.busy_s / 1e9;
			held_low = t.share < held_low ? t.share : held_low;
			b->r->dropped_passes++;
		}
		progress(b, figures[f].name, (now_s() - b->start_s) / b->budget_s);
		if ((nkept > 0 && elapsed >= b->trial_s) || elapsed >= b->trial_s * TRIAL_OVERRUN)
			break;
	}
	if (nkept == 0) {
		memcpy(kept, held, sizeof(held[0]) * (size_t)nheld);
		nkept = nheld;
		kept_low = held_low;
	}
	if (b->r->parallel_share < 0 || kept_low < b->r->parallel_share)
		b->r->parallel_share = kept_low;
	return median_in_place(kept, nkept);
}

/* The trials, in turn across the figures; each figure keeps the median. */
static int run_trials(struct bench *b)
{
	double trials[BF_COUNT][BENCH_TRIALS];

	for (int t = 0; t < BENCH_TRIALS; t++)
		for (int f = 0; f < BF_COUNT; f++)
			if ((trials[f][t] = run_trial(b, (enum bench_figure)f, t == 0)) < 0)
				return -1;
	for (int f = 0; f < BF_COUNT; f++) {
		double m = median_in_place(trials[f], BENCH_TRIALS);

		b->r->rate[f] = m;
		b->r->spread[f] = (trials[f][BENCH_TRIALS - 1] - trials[f][0]) / m; /* sorted now */
	}
	return 0;
}

static int run_all(struct bench *b)
{
	progress(b, "setup", 0);
	if (setup(b) < 0)
		return -1;
	/* what is left after setup, with a tenth kept for the last passes'
	 * overrun and the warm-ups, shared equally */
	b->trial_s = (b->budget_s - (now_s() - b->start_s)) * 0.9 / (BF_COUNT * BENCH_TRIALS);
	if (run_trials(b) < 0)
		return -1;
	if (b->opts->disk) {
		int mb = b->opts->disk_mb > 0 ? b->opts->disk_mb : b->opts->full ? 256 : 128;

		progress(b, "disk", 1);
		if (disk_read_test(b->opts->disk_dir, mb, &b->r->disk_read_gbps, &b->r->disk_direct, b->err) < 0)
			return -1;
	}
	return 0;
}

int bench_run(const struct bench_options *opts, struct bench_result *r,
	      struct error *err)
{
	struct bench b = {
		.opts = opts, .k = qk_best(), .err = err, .start_s = now_s(), .r = r,
		.budget_s = opts->budget_s > 0 ? opts->budget_s : opts->full ? 10 : 3,
	};
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	bench_result_init(r);
	if (opts->disk && !opts->disk_dir)
		return error_set(err, "bench: the disk test needs a directory");
	b.threads = opts->threads > 0 ? opts->threads : online > 0 ? (int)online : 1;
	rc = run_all(&b);
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
