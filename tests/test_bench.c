/* test_bench.c - a short bench run, the disk read test, the result cache. */
#include <dirent.h>
#include <pthread.h>
#include <time.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "bench/benchcache.h"
#include "bench/diskspeed.h"
#include "bench/parallel.h"
#include "util/sysfile.h"
#include "testlib.h"

struct progress_log {
	int calls;
	double last, min_fraction, max_fraction;
	char first[16], last_phase[16];
};

static void record(void *ctx, const char *phase, double fraction)
{
	struct progress_log *log = ctx;

	if (log->calls++ == 0)
		snprintf(log->first, sizeof(log->first), "%s", phase);
	snprintf(log->last_phase, sizeof(log->last_phase), "%s", phase);
	log->min_fraction = fmin(log->min_fraction, fraction);
	log->max_fraction = fmax(log->max_fraction, fraction);
}

static bool positive(double v) { return isfinite(v) && v > 0; }

/* Entries in dir other than . and .. */
static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d)
		closedir(d);
	return n;
}

static void test_short_run_gives_positive_rates(void)
{
	struct progress_log log = { .min_fraction = 2, .max_fraction = -1 };
	struct bench_options opts = {
		.threads = 2, .budget_s = 0.3, .llc_bytes = 1 << 20,
		.disk = true, .disk_dir = test_tmpdir(), .disk_mb = 1,
		.progress = record, .ctx = &log,
	};
	struct bench_result r;
	struct error err = { "" };

	CHECK_INT(bench_run(&opts, &r, &err), 0);
	CHECK_STR(err.msg, "");
	for (int f = 0; f < BF_COUNT; f++) {
		CHECK(positive(r.rate[f]));
		/* five trials: the spread is known and not negative */
		CHECK(r.spread[f] >= 0);
	}
	CHECK(r.parallel_share >= 0 && r.parallel_share <= 1.0001);
	CHECK(r.dropped_passes >= 0);
	CHECK(positive(r.disk_read_gbps));
	CHECK_INT(r.threads, 2);
	CHECK(r.seconds > 0 && r.seconds < 10.0); /* 0.3 s asked; held-up trials may run 3x */
	CHECK(r.kernels[0] != '\0');
	CHECK_STR(log.first, "setup");
	CHECK_STR(log.last_phase, "disk");
	CHECK(log.calls > 7);
	CHECK(log.min_fraction >= 0 && log.max_fraction <= 1);
	CHECK_INT(dir_entries(test_tmpdir()), 0);
}

static void test_disk_read_removes_its_file(void)
{
	double gbps = -1;
	bool direct;
	struct error err = { "" };

	CHECK_INT(disk_read_test(test_tmpdir(), 3, &gbps, &direct, &err), 0);
	CHECK(positive(gbps));
	CHECK_INT(dir_entries(test_tmpdir()), 0);
}

static void test_disk_read_missing_dir(void)
{
	double gbps = -1;
	bool direct;
	struct error err = { "" };
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/no/such/dir", test_tmpdir());
	CHECK_INT(disk_read_test(dir, 1, &gbps, &direct, &err), -1);
	CHECK_CONTAINS(err.msg, "no/such/dir: cannot create a test file");
	CHECK(gbps < 0);
}

static void test_cache_path(void)
{
	char path[256];

	CHECK_INT(bench_cache_path(path, sizeof(path), "/x/cache", "/home/u"), 0);
	CHECK_STR(path, "/x/cache/canirun/bench.json");
	/* a relative XDG_CACHE_HOME is invalid by the spec: fall back to HOME */
	CHECK_INT(bench_cache_path(path, sizeof(path), "rel", "/home/u"), 0);
	CHECK_STR(path, "/home/u/.cache/canirun/bench.json");
	CHECK_INT(bench_cache_path(path, sizeof(path), "", "/home/u"), 0);
	CHECK_STR(path, "/home/u/.cache/canirun/bench.json");
	CHECK_INT(bench_cache_path(path, sizeof(path), NULL, NULL), -1);
	CHECK_INT(bench_cache_path(path, 10, "/x/cache", NULL), -1);
}

static void test_cache_key(void)
{
	struct hardware hw;
	char key[BENCH_KEY_MAX];

	hw_init(&hw);
	snprintf(hw.cpu.model, sizeof(hw.cpu.model), "AMD EPYC 9B45");
	hw.cpu.cores = 8;
	hw.cpu.threads = 16;
	bench_cache_key(key, sizeof(key), &hw.cpu, "6.1.0-18-amd64");
	CHECK_STR(key, "AMD EPYC 9B45; 8 cores; 16 threads; kernel 6.1.0-18-amd64");
}

static struct bench_result sample_result(void)
{
	struct bench_result r;

	bench_result_init(&r);
	for (int f = 0; f < BF_COUNT; f++)
		r.rate[f] = 10 + f;
	r.rate[BF_Q4_0] = 21.5;
	r.rate[BF_Q4_K] = 24.25;
	r.rate[BF_Q6_K] = 30.125;
	r.rate[BF_Q8_0] = 29;
	r.rate[BF_MEM_READ] = 38.5;
	r.rate[BF_PREFILL_Q4_0] = 64.75;
	r.threads = 2;
	r.seconds = 1.9;
	snprintf(r.kernels, sizeof(r.kernels), "avx512-vnni");
	return r;
}

static const char *cache_file(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/cache-%s/canirun/bench.json", test_tmpdir(), name);
	return path;
}

/* One run as the cache holds it. */
static struct bench_runs one_run(struct bench_result r)
{
	struct bench_runs runs = { 0 };

	bench_runs_add(&runs, &r);
	return runs;
}

static void test_cache_round_trip(void)
{
	struct bench_result r = sample_result(), second = sample_result();
	struct bench_runs runs = one_run(r), back;
	struct warnings w = { 0 };
	struct error err = { "" };
	const char *path = cache_file("trip");
	char dir[512];

	CHECK_INT(bench_cache_save(path, "key A", &runs, &err), 0);
	CHECK_INT(bench_cache_load(path, "key A", &back, &w), 0);
	CHECK_INT(w.count, 0);
	CHECK_INT(back.count, 1);
	for (int f = 0; f < BF_COUNT; f++) {
		CHECK_NEAR(back.run[0].rate[f], r.rate[f], 0);
		CHECK_NEAR(back.run[0].spread[f], -1, 0); /* the cache keeps no trials */
	}
	CHECK_NEAR(back.run[0].rate[BF_Q4_0], 21.5, 0);
	CHECK_NEAR(back.run[0].rate[BF_PREFILL_Q4_0], 64.75, 0);
	CHECK_NEAR(back.run[0].seconds, 1.9, 0);
	CHECK_NEAR(back.run[0].disk_read_gbps, -1, 0); /* null: not measured */
	CHECK_INT(back.run[0].threads, 2);
	CHECK_STR(back.run[0].kernels, "avx512-vnni");
	/* a second save replaces the first and leaves no temporary file; the
	 * runs come back oldest first */
	second.rate[BF_Q4_0] = 22.5;
	second.disk_read_gbps = 1.75;
	second.disk_direct = true;
	bench_runs_add(&runs, &second);
	CHECK_INT(bench_cache_save(path, "key A", &runs, &err), 0);
	CHECK_INT(bench_cache_load(path, "key A", &back, &w), 0);
	CHECK_INT(back.count, 2);
	CHECK_NEAR(back.run[0].rate[BF_Q4_0], 21.5, 0);
	CHECK_NEAR(back.run[1].rate[BF_Q4_0], 22.5, 0);
	CHECK_NEAR(back.run[1].disk_read_gbps, 1.75, 0);
	CHECK(back.run[1].disk_direct);
	snprintf(dir, sizeof(dir), "%s/cache-trip/canirun", test_tmpdir());
	CHECK_INT(dir_entries(dir), 1);
}

static void check_ignored(const char *name, const char *content, const char *key,
			  const char *why)
{
	struct bench_runs runs = one_run(sample_result()), back;
	struct warnings w = { 0 };
	struct error err = { "" };
	const char *path = cache_file(name);

	CHECK_INT(bench_cache_save(path, "key A", &runs, &err), 0);
	if (content)
		test_write_file(path, content, strlen(content));
	CHECK_INT(bench_cache_load(path, key, &back, &w), -1);
	CHECK_INT(w.count, 1);
	CHECK_CONTAINS(w.msg[0], why);
	CHECK_CONTAINS(w.msg[0], "ignored");
	CHECK_INT(back.count, 0);
	/* and the next save repairs it */
	CHECK_INT(bench_cache_save(path, key, &runs, &err), 0);
	CHECK_INT(bench_cache_load(path, key, &back, &w), 0);
}

/* the current format as text, for caches written by hand */
#define TEXT(x) #x
#define AS_TEXT(x) TEXT(x)
#define CACHE_FORMAT AS_TEXT(BENCH_CACHE_FORMAT)

static void test_cache_corrupt_ignored(void)
{
	check_ignored("corrupt", "{\"format\": 1, \"key\": \"key A\", \"q4_0", "key A", "not a JSON object");
}

#define HEAD "{\"format\": " CACHE_FORMAT ", \"key\": \"key A\", \"runs\": "

static void test_cache_bad_value_ignored(void)
{
	check_ignored("badvalue", HEAD "[{\"threads\": 2, \"kernels\": \"avx2\", \"q4_0_gbps\": -3}]}",
		      "key A", "runs[0]: mem_read_gbps: must be a number from");
}

/* A rate no machine measures (the profiles' limits): the cache is ignored
 * and the warning names the run, the field and the range. */
static void test_cache_absurd_value_ignored(void)
{
	check_ignored("absurd", HEAD "[{\"threads\": 2, \"kernels\": \"avx2\", \"mem_read_gbps\": 1e300}]}",
		      "key A", "runs[0]: mem_read_gbps: must be a number from 0.01 to 100000 GB/s");
	check_ignored("nothreads", HEAD "[{\"threads\": 0}]}", "key A",
		      "runs[0]: threads: must be a number from 1 to 65536");
}

/* The runs' list: one to BENCH_KEPT_RUNS, all of one setup. */
static void test_cache_bad_runs_ignored(void)
{
	struct bench_runs runs = one_run(sample_result());
	struct bench_result other = sample_result();
	struct error err = { "" };
	char *text;
	size_t len;

	check_ignored("noruns", "{\"format\": " CACHE_FORMAT ", \"key\": \"key A\"}", "key A",
		      "runs: must be an array of 1 to 20 runs");
	check_ignored("emptyruns", HEAD "[]}", "key A", "runs: must be an array of 1 to 20 runs");
	check_ignored("21runs", HEAD "[{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {},"
		      " {}, {}, {}, {}]}", "key A", "runs: must be an array of 1 to 20 runs");
	/* two runs of different thread counts, as no save writes them */
	other.threads = 1;
	runs.run[runs.count++] = other;
	CHECK_INT(bench_cache_save(cache_file("mixed"), "key A", &runs, &err), 0);
	text = fs_read_all(cache_file("mixed"), 1 << 16, &len, &err);
	CHECK(text != NULL);
	check_ignored("mixed", text, "key A", "runs[1]: threads or kernels differ from runs[0]'s");
	free(text);
}

static void test_cache_key_mismatch_ignored(void)
{
	check_ignored("mismatch", NULL, "key B", "another machine");
}

static void test_cache_stale_format_ignored(void)
{
	check_ignored("stale", "{\"format\": 0, \"key\": \"key A\"}", "key A", "another version");
	/* format 1 had no one-thread or per-type prefill figures */
	check_ignored("format1", "{\"format\": 1, \"key\": \"key A\"}", "key A", "another version");
	/* format 2 had no SIMD prefill figure beside the AMX ones */
	check_ignored("format2", "{\"format\": 2, \"key\": \"key A\"}", "key A", "another version");
	/* format 3 timed AMX batches adding into the output block by block
	 * and the Q4_K/Q6_K tokens off the tiled layout */
	check_ignored("format3", "{\"format\": 3, \"key\": \"key A\"}", "key A", "another version");
	/* format 4 held one run, its figures at the top level */
	check_ignored("format4", "{\"format\": 4, \"key\": \"key A\", \"threads\": 2}", "key A",
		      "another version");
	/* format 5 had no one-thread prefill figures */
	check_ignored("format5", "{\"format\": 5, \"key\": \"key A\", \"runs\": []}", "key A",
		      "another version");
}

static void test_cache_missing_is_silent(void)
{
	struct bench_runs back;
	struct warnings w = { 0 };

	CHECK_INT(bench_cache_load(cache_file("none"), "key A", &back, &w), -1);
	CHECK_INT(w.count, 0);
	CHECK_INT(back.count, 0);
}

/* sample_result with Q4_0 at q4 GB/s and the disk read at disk (-1: not read) */
static struct bench_result run_at(double q4, double disk, bool direct)
{
	struct bench_result r = sample_result();

	r.rate[BF_Q4_0] = q4;
	r.disk_read_gbps = disk;
	r.disk_direct = direct;
	return r;
}

/* The kept figures are each figure's median over the runs that measured
 * it; the disk read's too, its O_DIRECT flag the newest reader's. */
static void test_runs_kept_median(void)
{
	struct bench_runs runs = { 0 };
	struct bench_result r, kept;

	r = run_at(20, 1.5, true);
	bench_runs_add(&runs, &r);
	r = run_at(24, -1, false);   /* the quick run: no disk read */
	r.rate[BF_Q6_K] = -1;        /* and a figure not measured */
	bench_runs_add(&runs, &r);
	r = run_at(22, 1.25, false);
	bench_runs_add(&runs, &r);
	bench_runs_kept(&runs, &kept);
	CHECK_INT(runs.count, 3);
	CHECK_NEAR(kept.rate[BF_Q4_0], 22, 0);          /* of 20, 24, 22 */
	CHECK_NEAR(kept.rate[BF_Q6_K], 30.125, 0);      /* of the two that measured it */
	CHECK_NEAR(kept.disk_read_gbps, 1.375, 1e-12);  /* of 1.5 and 1.25 */
	CHECK(!kept.disk_direct);
	CHECK_NEAR(kept.spread[BF_Q4_0], -1, 0);
	r = run_at(26, -1, false);
	bench_runs_add(&runs, &r);
	bench_runs_kept(&runs, &kept);
	CHECK_NEAR(kept.rate[BF_Q4_0], 23, 0);          /* of 20, 22, 24, 26 */
	CHECK(!kept.disk_direct);                       /* the newest reader's */
}

/* Twenty runs are kept, the oldest going first. */
static void test_runs_drop_oldest(void)
{
	struct bench_runs runs = { 0 };
	struct bench_result kept;

	for (int i = 0; i < BENCH_KEPT_RUNS + 2; i++) {
		struct bench_result r = run_at(20 + i, -1, false);

		bench_runs_add(&runs, &r);
	}
	CHECK_INT(runs.count, 20);
	CHECK_NEAR(runs.run[0].rate[BF_Q4_0], 22, 0);
	CHECK_NEAR(runs.run[19].rate[BF_Q4_0], 41, 0);
	bench_runs_kept(&runs, &kept);
	CHECK_NEAR(kept.rate[BF_Q4_0], 31.5, 0);       /* of 22 ... 41 */
}

/* A first measurement, or a start over, is eight runs; later ones one;
 * --runs N is N either way. */
static void test_runs_to_make(void)
{
	struct bench_runs runs = { 0 };
	struct bench_result r = run_at(20, -1, false);

	bench_runs_add(&runs, &r);                     /* the first run on this machine */
	CHECK_INT(bench_runs_to_make(runs.count, 0), 8);
	CHECK_INT(bench_runs_to_make(runs.count, 2), 2);
	bench_runs_add(&runs, &r);
	CHECK_INT(bench_runs_to_make(runs.count, 0), 1);
	CHECK_INT(bench_runs_to_make(runs.count, 3), 3);
	r.threads = 1;                                 /* --threads 1: starts over */
	bench_runs_add(&runs, &r);
	CHECK_INT(bench_runs_to_make(runs.count, 0), 8);
}

/* The runs one bench made, as its "this run": medians, the widest spread,
 * the seconds and redone passes summed, the lowest thread share, the disk
 * read of the run that made it. */
static void test_runs_combine(void)
{
	struct bench_runs made = { 0 };
	struct bench_result out;
	const double q4[] = { 20, 26, 22 }, spread[] = { 0.1, 0.3, 0.2 }, share[] = { 0.9, 0.85, 0.95 };

	for (int i = 0; i < 3; i++) {
		struct bench_result *r = &made.run[made.count++];

		*r = run_at(q4[i], i == 0 ? 1.5 : -1, i == 0);
		r->spread[BF_Q4_0] = spread[i];
		r->parallel_share = share[i];
		r->dropped_passes = i;
		r->seconds = 3 + i;
	}
	bench_runs_combine(&made, &out);
	CHECK_NEAR(out.rate[BF_Q4_0], 22, 0);
	CHECK_NEAR(out.rate[BF_Q8_0], 29, 0);
	CHECK_NEAR(out.spread[BF_Q4_0], 0.3, 0);
	CHECK_NEAR(out.spread[BF_Q8_0], -1, 0);        /* no run knew it */
	CHECK_NEAR(out.seconds, 12, 1e-12);
	CHECK_INT(out.dropped_passes, 3);
	CHECK_NEAR(out.parallel_share, 0.85, 0);
	CHECK_NEAR(out.disk_read_gbps, 1.5, 0);
	CHECK(out.disk_direct);
}

/* Runs of another setup start the list over; a move past the recheck
 * share (confirmed: the caller measured it again) joins the kept runs. */
static void test_runs_start_over(void)
{
	struct bench_runs runs = { 0 };
	struct bench_result r = run_at(20, -1, false);

	CHECK(!bench_runs_comparable(&runs, &r));
	bench_runs_add(&runs, &r);
	r = run_at(24.9, -1, false);                 /* +24.5%: joins */
	CHECK(bench_runs_comparable(&runs, &r));
	bench_runs_add(&runs, &r);
	CHECK_INT(runs.count, 2);
	r = run_at(40, -1, false);                   /* +78% of the median 22.45 */
	bench_runs_add(&runs, &r);
	CHECK_INT(runs.count, 3);
	CHECK_NEAR(runs.run[2].rate[BF_Q4_0], 40, 0);
	r = run_at(28, -1, false);
	r.threads = 1;                               /* --threads 1 */
	CHECK(!bench_runs_comparable(&runs, &r));
	bench_runs_add(&runs, &r);
	CHECK_INT(runs.count, 1);
	CHECK_INT(runs.run[0].threads, 1);
	r = run_at(28, -1, false);
	r.threads = 1;
	snprintf(r.kernels, sizeof(r.kernels), "avx2");
	CHECK(!bench_runs_comparable(&runs, &r));
}

static void test_apply_to_hardware(void)
{
	struct hardware hw;
	struct bench_result r = sample_result();

	hw_init(&hw);
	bench_apply(&r, SRC_CACHED, &hw);
	CHECK_NEAR(hw.cpu.q4_gbps, 21.5, 0);
	CHECK_NEAR(hw.cpu.mem_read_gbps, 38.5, 0);
	CHECK_NEAR(hw.cpu.q8_0_gbps, 29, 0);
	CHECK_NEAR(hw.cpu.q4_core_gbps, 10 + BF_Q4_0_CORE, 0);
	CHECK_NEAR(hw.cpu.mem_read_core_gbps, 10 + BF_MEM_READ_CORE, 0);
	CHECK_NEAR(hw.cpu.prefill_q8_0_gflops, 10 + BF_PREFILL_Q8_0, 0);
	CHECK_NEAR(hw.cpu.prefill_core_gflops, 10 + BF_PREFILL_Q4_0_CORE, 0);
	CHECK_NEAR(hw.cpu.prefill_q8_0_core_gflops, 10 + BF_PREFILL_Q8_0_CORE, 0);
	CHECK_INT(hw.cpu.q4_source, SRC_CACHED);
	/* the SIMD prefill figures count only beside AMX ones */
	CHECK(hw.cpu.prefill_simd_gflops < 0 && hw.cpu.prefill_simd_q8_0_gflops < 0);
	snprintf(r.kernels, sizeof(r.kernels), "amx-int8");
	bench_apply(&r, SRC_CACHED, &hw);
	CHECK_NEAR(hw.cpu.prefill_simd_gflops, 10 + BF_PREFILL_SIMD, 0);
	CHECK_NEAR(hw.cpu.prefill_simd_q8_0_gflops, 10 + BF_PREFILL_SIMD_Q8_0, 0);
	CHECK(hw.disk.read_gbps < 0); /* not measured: left unknown */
	r.disk_read_gbps = 2.5;
	bench_apply(&r, SRC_BENCH, &hw);
	CHECK_NEAR(hw.disk.read_gbps, 2.5, 0);
	CHECK_INT(hw.disk.read_source, SRC_BENCH);
	CHECK_INT(hw.cpu.q4_source, SRC_BENCH);
}

/* Two workers that take turns on one lock ran one after the other: the
 * check must see it (share about 1/2); two that run freely share ~1. */
static pthread_mutex_t turn = PTHREAD_MUTEX_INITIALIZER;

static void spin_ms(double ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	while ((t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) * 1e-6 < ms);
}

static void serial_work(void *ctx, int i, int n)
{
	(void)ctx, (void)i, (void)n;
	pthread_mutex_lock(&turn);
	spin_ms(40);
	pthread_mutex_unlock(&turn);
}

static void test_parallel_check_sees_serial_threads(void)
{
	struct parallel_timing t;
	struct error err = { "" };

	CHECK_INT(parallel_run_timed(2, serial_work, NULL, &t, &err), 0);
	CHECK(t.share < 0.6);
	CHECK(t.span_s >= 0.079);
	CHECK(t.busy_s >= 0.039 && t.busy_s < 0.06);
}

static void test_differs_and_settle(void)
{
	struct bench_result cached = sample_result(), fresh = sample_result(), again = sample_result();

	CHECK_INT(bench_differs(&fresh, &cached, BENCH_RECHECK_SHARE), BF_COUNT);
	/* Q4_K dropped from 24.25 to 12 (-51%): past 25% */
	fresh.rate[BF_Q4_K] = 12;
	fresh.rate[BF_Q8_0] = 31; /* +7%: within */
	CHECK_INT(bench_differs(&fresh, &cached, BENCH_RECHECK_SHARE), BF_Q4_K);
	/* measured again at 23: the middle of 24.25, 23, 12 is 23 */
	again.rate[BF_Q4_K] = 23;
	again.spread[BF_Q4_K] = 0.04;
	again.seconds = 2;
	bench_settle(&cached, &again, &fresh);
	CHECK_NEAR(fresh.rate[BF_Q4_K], 23, 0);
	CHECK_NEAR(fresh.spread[BF_Q4_K], 0.04, 0);
	/* Q8_0: 29 cached, 29 again, 31 new: 29 */
	CHECK_NEAR(fresh.rate[BF_Q8_0], 29, 0);
	CHECK_NEAR(fresh.seconds, 3.9, 1e-9);
	/* a machine that really changed: two new figures agree, one is kept */
	fresh = sample_result();
	again = sample_result();
	fresh.rate[BF_Q4_0] = 40;
	again.rate[BF_Q4_0] = 42;
	bench_settle(&cached, &again, &fresh);
	CHECK_NEAR(fresh.rate[BF_Q4_0], 40, 0);
}

TESTS(T(test_short_run_gives_positive_rates), T(test_disk_read_removes_its_file),
      T(test_disk_read_missing_dir), T(test_cache_path), T(test_cache_key),
      T(test_cache_round_trip), T(test_cache_corrupt_ignored),
      T(test_cache_bad_value_ignored), T(test_cache_absurd_value_ignored),
      T(test_cache_key_mismatch_ignored),
      T(test_cache_stale_format_ignored), T(test_cache_missing_is_silent),
      T(test_apply_to_hardware), T(test_parallel_check_sees_serial_threads),
      T(test_differs_and_settle), T(test_runs_kept_median), T(test_runs_drop_oldest),
      T(test_runs_to_make), T(test_runs_combine),
      T(test_runs_start_over), T(test_cache_bad_runs_ignored));
