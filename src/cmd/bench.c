/* bench.c - `canirun bench`, and the CPU rates every estimate needs:
 * from the bench cache when this machine was measured before, else from a
 * quick run now (said on stderr). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd/app.h"
#include "bench/bench.h"
#include "bench/benchcache.h"
#include "cmd/jsonout.h"
#include "util/jsonfile.h"

struct progress {
	bool on;        /* stderr is a terminal */
	int last_percent;
};

/* One self-overwriting line on a terminal; nothing on a pipe. */
static void show_progress(void *ctx, const char *phase, double fraction)
{
	struct progress *p = ctx;
	int percent = (int)(fraction * 100);

	if (!p->on || percent == p->last_percent)
		return;
	p->last_percent = percent;
	fprintf(stderr, "\rcanirun: benchmarking %-8s %3d%%", phase, percent);
	if (percent >= 100)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

void bench_cache_location(const struct app *app, char *path, size_t path_size,
			  char *key, size_t key_size)
{
	struct utsname u;

	if (bench_cache_path(path, path_size, getenv("XDG_CACHE_HOME"), getenv("HOME")) < 0)
		path[0] = '\0';
	bench_cache_key(key, key_size, &app->hw.cpu, uname(&u) == 0 ? u.release : NULL);
}

/* Runs the bench and keeps its result; *stored (may be NULL) says whether
 * the cache took it (a cache that cannot be written is a warning: the
 * result still serves this run). */
static int measure(struct app *app, bool full, bool disk, struct bench_result *r,
		   bool *stored, struct error *err)
{
	struct progress p = { isatty(2) == 1, -1 };
	struct bench_options opts = {
		.threads = app->settings.threads,
		.full = full,
		/* The default run, disk test included, takes about 3 s. */
		.budget_s = !full && disk ? 2.5 : 0,
		.disk_mb = full ? 0 : 64,
		.llc_bytes = app->hw.cpu.l3_bytes,
		.disk = disk,
		.disk_dir = app->hw.disk.path,
		.progress = show_progress,
		.ctx = &p,
	};
	char path[4096], key[BENCH_KEY_MAX];
	bool ok;
	struct bench_result cached, again;
	struct warnings unheard = { 0 };  /* bench_ensure has said what is wrong with the file */
	enum bench_figure moved;

	if (bench_run(&opts, r, err) < 0)
		return -1;
	bench_cache_location(app, path, sizeof(path), key, sizeof(key));
	if (path[0] && bench_cache_load(path, key, &cached, &unheard) == 0 &&
	    (moved = bench_differs(r, &cached, BENCH_RECHECK_SHARE)) != BF_COUNT) {
		fprintf(stderr, "\rcanirun: %s %.2f differs from the stored %.2f by over %.0f%%; "
			"measuring again\n", bench_figure_name(moved), r->rate[moved],
			cached.rate[moved], BENCH_RECHECK_SHARE * 100);
		opts.disk = false;
		if (bench_run(&opts, &again, err) < 0)
			return -1;
		bench_settle(&cached, &again, r);
	}
	show_progress(&p, "done", 1.0);
	bench_apply(r, SRC_BENCH, &app->hw);
	ok = path[0] && bench_cache_save(path, key, r, err) == 0;
	if (path[0] && !ok)
		warn_add(&app->hw.warnings, "%s", err->msg);
	else if (!path[0])
		warn_add(&app->hw.warnings, "no cache directory (neither XDG_CACHE_HOME nor HOME is set): the result is not kept");
	if (stored)
		*stored = ok;
	return 0;
}

int bench_ensure(struct app *app, bool may_run, struct error *err)
{
	struct bench_result r;
	char path[4096], key[BENCH_KEY_MAX];

	/* Only this machine's CPU can be measured here. */
	if (app->hw.cpu.q4_gbps >= 0 || app->cli.hw_file || app->cli.sysroot)
		return 0;
	bench_cache_location(app, path, sizeof(path), key, sizeof(key));
	if (path[0]) {
		char cal[4096];

		if (calibration_cache_path(cal, sizeof(cal), path) == 0)
			calibration_cache_load(cal, key, &app->hw, &app->hw.warnings);
	}
	bench_result_init(&r);
	if (path[0] && bench_cache_load(path, key, &r, &app->hw.warnings) == 0) {
		bench_apply(&r, SRC_CACHED, &app->hw);
		return 0;
	}
	if (!may_run)
		return 0;
	fputs("canirun: no CPU benchmark for this machine yet; measuring it now "
	      "(about 3 s, 'canirun bench' redoes it)\n", stderr);
	return measure(app, false, false, &r, NULL, err);
}

static cJSON *result_json(const struct bench_result *r)
{
	cJSON *obj = cJSON_CreateObject(), *spread = cJSON_CreateObject();

	for (int f = 0; f < BF_COUNT; f++) {
		json_add_known(obj, bench_figure_name((enum bench_figure)f), r->rate[f]);
		json_add_known(spread, bench_figure_name((enum bench_figure)f), r->spread[f]);
	}
	json_add_known(obj, "disk_read_gbps", r->disk_read_gbps);
	json_add_known(obj, "seconds", r->seconds);
	cJSON_AddItemToObject(obj, "spread", spread);
	json_add_known(obj, "parallel_share", r->parallel_share);
	cJSON_AddNumberToObject(obj, "dropped_passes", r->dropped_passes);
	cJSON_AddNumberToObject(obj, "threads", r->threads);
	cJSON_AddStringToObject(obj, "kernels", r->kernels);
	cJSON_AddBoolToObject(obj, "disk_direct", r->disk_direct);
	return obj;
}

cJSON *bench_document(const struct app *app, const struct bench_result *r)
{
	cJSON *doc = json_document(app);

	cJSON_AddItemToObject(doc, "bench", result_json(r));
	return doc;
}

static void print_rate(const char *label, const struct bench_result *r,
		       enum bench_figure all, enum bench_figure one, const char *unit)
{
	char core[48] = "";

	if (one != BF_COUNT && r->rate[one] >= 0)
		snprintf(core, sizeof(core), "  (1 thread %.1f)", r->rate[one]);
	if (r->rate[all] >= 0)
		printf("  %-22s %8.1f %-16s +/-%3.0f%%%s\n", label, r->rate[all], unit,
		       r->spread[all] >= 0 ? r->spread[all] * 50 : 0, core);
	else
		printf("  %-22s %8s\n", label, "-");
}

int cmd_bench(struct app *app, struct error *err)
{
	struct bench_result r;
	bool stored;

	if (app->cli.hw_file || app->cli.sysroot)
		return error_set(err, "bench measures this machine: drop --hw and --sysroot");
	if (measure(app, app->cli.full, true, &r, &stored, err) < 0)
		return -1;
	if (app->cli.json)
		return json_print(bench_document(app, &r), err);
	printf("CPU benchmark: %s, %d threads, %s kernels, %.1f s\n", app->hw.cpu.model,
	       r.threads, r.kernels, r.seconds);
	print_rate("Q4_0 matvec", &r, BF_Q4_0, BF_Q4_0_CORE, "GB/s of weights");
	print_rate("Q4_K matvec", &r, BF_Q4_K, BF_Q4_K_CORE, "GB/s of weights");
	print_rate("Q6_K matvec", &r, BF_Q6_K, BF_Q6_K_CORE, "GB/s of weights");
	print_rate("Q8_0 matvec", &r, BF_Q8_0, BF_Q8_0_CORE, "GB/s of weights");
	print_rate("memory read", &r, BF_MEM_READ, BF_MEM_READ_CORE, "GB/s");
	print_rate("prefill Q4_0", &r, BF_PREFILL_Q4_0, BF_COUNT, "GFLOP/s");
	print_rate("prefill Q4_K", &r, BF_PREFILL_Q4_K, BF_COUNT, "GFLOP/s");
	print_rate("prefill Q6_K", &r, BF_PREFILL_Q6_K, BF_COUNT, "GFLOP/s");
	print_rate("prefill Q8_0", &r, BF_PREFILL_Q8_0, BF_COUNT, "GFLOP/s");
	if (bench_prefill_tiled(&r)) /* elsewhere the same kernel as prefill Q4_K */
		print_rate("prefill Q4_K on SIMD", &r, BF_PREFILL_SIMD, BF_COUNT, "GFLOP/s");
	if (r.disk_read_gbps >= 0)
		printf("  %-22s %8.2f GB/s\n", r.disk_direct ? "disk read (O_DIRECT)" : "disk read (buffered)",
		       r.disk_read_gbps);
	printf("Median of %d trials each (+/- half their range); threads ran side by side "
	       "for at least %.0f%% of every pass kept, %d passes redone.\n", BENCH_TRIALS,
	       r.parallel_share * 100, r.dropped_passes);
	printf(stored ? "Stored for later estimates.\n" :
	       "Not stored: the cache could not be written (see the warning).\n");
	return fflush(stdout) == EOF ? error_set(err, "stdout: write failed") : 0;
}
