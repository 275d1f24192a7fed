/* test_bench.c - a short bench run, the disk read test, the result cache. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "bench/benchcache.h"
#include "bench/diskspeed.h"
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
	CHECK(positive(r.q4_0_gbps) && positive(r.q4_k_gbps));
	CHECK(positive(r.q6_k_gbps) && positive(r.q8_0_gbps));
	CHECK(positive(r.mem_read_gbps) && positive(r.prefill_gflops));
	CHECK(positive(r.disk_read_gbps));
	CHECK_INT(r.threads, 2);
	CHECK(r.seconds > 0 && r.seconds < 2.0);
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
	r.q4_0_gbps = 21.5;
	r.q4_k_gbps = 24.25;
	r.q6_k_gbps = 30.125;
	r.q8_0_gbps = 29;
	r.mem_read_gbps = 38.5;
	r.prefill_gflops = 64.75;
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

static void test_cache_round_trip(void)
{
	struct bench_result r = sample_result(), back;
	struct warnings w = { 0 };
	struct error err = { "" };
	const char *path = cache_file("trip");
	char dir[512];

	CHECK_INT(bench_cache_save(path, "key A", &r, &err), 0);
	CHECK_INT(bench_cache_load(path, "key A", &back, &w), 0);
	CHECK_INT(w.count, 0);
	CHECK_NEAR(back.q4_0_gbps, 21.5, 0);
	CHECK_NEAR(back.q4_k_gbps, 24.25, 0);
	CHECK_NEAR(back.q6_k_gbps, 30.125, 0);
	CHECK_NEAR(back.q8_0_gbps, 29, 0);
	CHECK_NEAR(back.mem_read_gbps, 38.5, 0);
	CHECK_NEAR(back.prefill_gflops, 64.75, 0);
	CHECK_NEAR(back.disk_read_gbps, -1, 0); /* null: not measured */
	CHECK_INT(back.threads, 2);
	CHECK_STR(back.kernels, "avx512-vnni");
	/* a second save replaces the first and leaves no temporary file */
	r.disk_read_gbps = 1.75;
	r.disk_direct = true;
	CHECK_INT(bench_cache_save(path, "key A", &r, &err), 0);
	CHECK_INT(bench_cache_load(path, "key A", &back, &w), 0);
	CHECK_NEAR(back.disk_read_gbps, 1.75, 0);
	CHECK(back.disk_direct);
	snprintf(dir, sizeof(dir), "%s/cache-trip/canirun", test_tmpdir());
	CHECK_INT(dir_entries(dir), 1);
}

static void check_ignored(const char *name, const char *content, const char *key,
			  const char *why)
{
	struct bench_result r = sample_result(), back;
	struct warnings w = { 0 };
	struct error err = { "" };
	const char *path = cache_file(name);

	CHECK_INT(bench_cache_save(path, "key A", &r, &err), 0);
	if (content)
		test_write_file(path, content, strlen(content));
	CHECK_INT(bench_cache_load(path, key, &back, &w), -1);
	CHECK_INT(w.count, 1);
	CHECK_CONTAINS(w.msg[0], why);
	CHECK_CONTAINS(w.msg[0], "ignored");
	CHECK_NEAR(back.q4_0_gbps, -1, 0);
	/* and the next save repairs it */
	CHECK_INT(bench_cache_save(path, key, &r, &err), 0);
	CHECK_INT(bench_cache_load(path, key, &back, &w), 0);
}

static void test_cache_corrupt_ignored(void)
{
	check_ignored("corrupt", "{\"format\": 1, \"key\": \"key A\", \"q4_0", "key A", "not a JSON object");
}

static void test_cache_bad_value_ignored(void)
{
	check_ignored("badvalue",
		      "{\"format\": 1, \"key\": \"key A\", \"threads\": 2, \"kernels\": \"avx2\", "
		      "\"q4_0_gbps\": -3}", "key A", "not positive");
}

static void test_cache_key_mismatch_ignored(void)
{
	check_ignored("mismatch", NULL, "key B", "another machine");
}

static void test_cache_stale_format_ignored(void)
{
	check_ignored("stale", "{\"format\": 0, \"key\": \"key A\"}", "key A", "another version");
}

static void test_cache_missing_is_silent(void)
{
	struct bench_result back;
	struct warnings w = { 0 };

	CHECK_INT(bench_cache_load(cache_file("none"), "key A", &back, &w), -1);
	CHECK_INT(w.count, 0);
}

static void test_apply_to_hardware(void)
{
	struct hardware hw;
	struct bench_result r = sample_result();

	hw_init(&hw);
	bench_apply(&r, SRC_CACHED, &hw);
	CHECK_NEAR(hw.cpu.q4_gbps, 21.5, 0);
	CHECK_NEAR(hw.cpu.mem_read_gbps, 38.5, 0);
	CHECK_INT(hw.cpu.q4_source, SRC_CACHED);
	CHECK(hw.disk.read_gbps < 0); /* not measured: left unknown */
	r.disk_read_gbps = 2.5;
	bench_apply(&r, SRC_BENCH, &hw);
	CHECK_NEAR(hw.disk.read_gbps, 2.5, 0);
	CHECK_INT(hw.disk.read_source, SRC_BENCH);
	CHECK_INT(hw.cpu.q4_source, SRC_BENCH);
}

TESTS(T(test_short_run_gives_positive_rates), T(test_disk_read_removes_its_file),
      T(test_disk_read_missing_dir), T(test_cache_path), T(test_cache_key),
      T(test_cache_round_trip), T(test_cache_corrupt_ignored),
      T(test_cache_bad_value_ignored), T(test_cache_key_mismatch_ignored),
      T(test_cache_stale_format_ignored), T(test_cache_missing_is_silent),
      T(test_apply_to_hardware));
