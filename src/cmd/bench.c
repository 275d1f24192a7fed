/* bench.c - `canirun bench`, and the CPU rates every estimate needs:
 * from the bench cache when this machine was measured before, else from a
 * first measurement now (BENCH_FIRST_RUNS runs, said on stderr). */
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
	int run, runs;  /* the run under way, of runs (1 of 1: said as nothing) */
};

/* One self-overwriting line on a terminal; nothing on a pipe. */
static void show_progress(void *ctx, const char *phase, double fraction)
{
	struct progress *p = ctx;
	int percent = (int)(fraction * 100);
	char of[32] = "";

	if (!p->on || percent == p->last_percent)
		return;
	p->last_percent = percent;
	if (p->runs > 1)
		snprintf(of, sizeof(of), "run %d of %d: ", p->run, p->runs);
	fprintf(stderr, "\rcanirun: %sbenchmarking %-8s %3d%%", of, phase, percent);
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

/* A result that moves a figure by over BENCH_RECHECK_SHARE from the kept
 * ones is measured again and settled to the middle of the three. */
static int recheck(struct bench_options opts, const struct bench_runs *runs,
		   struct bench_result *r, struct error *err)
{
	struct bench_result kept, again;
	enum bench_figure moved;

	if (!bench_runs_comparable(runs, r))
		return 0;
	bench_runs_kept(runs, &kept);
	if ((moved = bench_differs(r, &kept, BENCH_RECHECK_SHARE)) == BF_COUNT)
		return 0;
	fprintf(stderr, "\rcanirun: %s %.2f differs from the kept %.2f by over %.0f%%; "
		"measuring again\n", bench_figure_name(moved), r->rate[moved],
		kept.rate[moved], BENCH_RECHECK_SHARE * 100);
	opts.disk = false;
	if (bench_run(&opts, &again, err) < 0)
		return -1;
	bench_settle(&kept, &again, r);
	return 0;
}

/* Makes the runs bench_runs_to_make asks for and adds them to the cached
 * ones: the first rechecked against those and alone reading the disk. */
static int make_runs(struct bench_options opts, int runs_wanted, struct bench_runs *cached,
		     struct bench_runs *made, struct progress *p, struct error *err)
{
	/* said before the first run ends, as if it joins the cached ones; a
	 * start over (another setup) is known only after it */
	p->runs = bench_runs_to_make(cached->count + 1, runs_wanted);
	for (made->count = 0; made->count < p->runs; made->count++) {
		struct bench_result *r = &made->run[made->count];

		p->run = made->count + 1;
		p->last_percent = -1;
		if (bench_run(&opts, r, err) < 0)
			return -1;
		if (made->count == 0 && recheck(opts, cached, r, err) < 0)
			return -1;
		bench_runs_add(cached, r);
		if (made->count == 0)
			p->runs = bench_runs_to_make(cached->count, runs_wanted);
		opts.disk = false;
	}
	return 0;
}

/* Runs the bench, adds the runs to the cached ones and applies the figures
 * kept (a cache that cannot be written is a warning: the figures still
 * serve this run). */
static int measure(struct app *app, bool full, bool disk, struct bench_outcome *o,
		   struct error *err)
{
	struct progress p = { isatty(2) == 1, -1, 1, 1 };
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
	struct bench_runs runs = { 0 }, made;
	struct warnings unheard = { 0 };  /* bench_ensure has said what is wrong with the file */

	bench_cache_location(app, path, sizeof(path), key, sizeof(key));
	if (path[0])
		bench_cache_load(path, key, &runs, &unheard);
	if (make_runs(opts, app->cli.bench_runs, &runs, &made, &p, err) < 0)
		return -1;
	show_progress(&p, "done", 1.0);
	bench_runs_combine(&made, &o->run);
	o->made = made.count;
	bench_runs_kept(&runs, &o->kept);
	o->runs = runs.count;
	bench_apply(&o->kept, SRC_BENCH, &app->hw);
	o->stored = path[0] && bench_cache_save(path, key, &runs, err) == 0;
	if (path[0] && !o->stored)
		warn_add(&app->hw.warnings, "%s", err->msg);
	else if (!path[0])
		warn_add(&app->hw.warnings, "no cache directory (neither XDG_CACHE_HOME nor HOME is set): the result is not kept");
	return 0;
}

int bench_ensure(struct app *app, bool may_run, struct error *err)
{
	struct bench_runs runs;
	struct bench_outcome o;
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
	if (path[0] && bench_cache_load(path, key, &runs, &app->hw.warnings) == 0) {
		bench_runs_kept(&runs, &o.kept);
		bench_apply(&o.kept, SRC_CACHED, &app->hw);
		return 0;
	}
	if (!may_run)
		return 0;
	fprintf(stderr, "canirun: no CPU benchmark for this machine yet; measuring it now "
		"(%d runs of about 3 s; 'canirun bench' adds more)\n", BENCH_FIRST_RUNS);
	return measure(app, false, false, &o, err);
}

/* The rates and the disk read of r, null where unknown. */
static cJSON *rates_json(const struct bench_result *r)
{
	cJSON *obj = cJSON_CreateObject();

	for (int f = 0; f < BF_COUNT; f++)
		json_add_known(obj, bench_figure_name((enum bench_figure)f), r->rate[f]);
	json_add_known(obj, "disk_read_gbps", r->disk_read_gbps);
	return obj;
}

static cJSON *result_json(const struct bench_outcome *o)
{
	cJSON *obj = rates_json(&o->kept), *spread = cJSON_CreateObject();

	for (int f = 0; f < BF_COUNT; f++)
		json_add_known(spread, bench_figure_name((enum bench_figure)f), o->run.spread[f]);
	cJSON_AddNumberToObject(obj, "runs_kept", o->runs);
	cJSON_AddNumberToObject(obj, "runs_made", o->made);
	cJSON_AddItemToObject(obj, "this_run", rates_json(&o->run));
	json_add_known(obj, "seconds", o->run.seconds);
	cJSON_AddItemToObject(obj, "spread", spread);
	json_add_known(obj, "parallel_share", o->run.parallel_share);
	cJSON_AddNumberToObject(obj, "dropped_passes", o->run.dropped_passes);
	cJSON_AddNumberToObject(obj, "threads", o->kept.threads);
	cJSON_AddStringToObject(obj, "kernels", o->kept.kernels);
	cJSON_AddBoolToObject(obj, "disk_direct", o->kept.disk_direct);
	return obj;
}

cJSON *bench_document(const struct app *app, const struct bench_outcome *o)
{
	cJSON *doc = json_document(app);

	cJSON_AddItemToObject(doc, "bench", result_json(o));
	return doc;
}

/* v with the given decimals, or "-" when unknown. */
static const char *rate_text(char *buf, size_t size, double v, int decimals)
{
	if (v < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.*f", decimals, v);
	return buf;
}

#define ROW_FORMAT "  %-26s %8s %4s %7s %18s %6s\n"

/* A figure's row: this run, its +/- (half its trials' range), the kept
 * value; then the same one-thread figure's, when it has one. */
static void print_rate(const char *label, const struct bench_outcome *o,
		       enum bench_figure all, enum bench_figure one)
{
	char run[16], kept[16], spread[16] = "-", core_run[16] = "", core_kept[16] = "";

	if (o->run.spread[all] >= 0)
		snprintf(spread, sizeof(spread), "%.0f%%", o->run.spread[all] * 50);
	if (one != BF_COUNT) {
		rate_text(core_run, sizeof(core_run), o->run.rate[one], 1);
		rate_text(core_kept, sizeof(core_kept), o->kept.rate[one], 1);
	}
	printf(ROW_FORMAT, label, rate_text(run, sizeof(run), o->run.rate[all], 1), spread,
	       rate_text(kept, sizeof(kept), o->kept.rate[all], 1), core_run, core_kept);
}

static void print_outcome(const struct app *app, const struct bench_outcome *o)
{
	const struct bench_result *r = &o->run;
	char run[16], kept[16];

	printf("CPU benchmark: %s, %d threads, %s kernels, %.1f s\n", app->hw.cpu.model,
	       r->threads, r->kernels, r->seconds);
	printf(ROW_FORMAT, "", "this run", "+/-", "kept", "1 thread: this run", "kept");
	print_rate("Q4_0 matvec, GB/s", o, BF_Q4_0, BF_Q4_0_CORE);
	print_rate("Q4_K matvec, GB/s", o, BF_Q4_K, BF_Q4_K_CORE);
	print_rate("Q6_K matvec, GB/s", o, BF_Q6_K, BF_Q6_K_CORE);
	print_rate("Q8_0 matvec, GB/s", o, BF_Q8_0, BF_Q8_0_CORE);
	print_rate("memory read, GB/s", o, BF_MEM_READ, BF_MEM_READ_CORE);
	print_rate("prefill Q4_0, GFLOP/s", o, BF_PREFILL_Q4_0, BF_PREFILL_Q4_0_CORE);
	print_rate("prefill Q4_K, GFLOP/s", o, BF_PREFILL_Q4_K, BF_PREFILL_Q4_K_CORE);
	print_rate("prefill Q6_K, GFLOP/s", o, BF_PREFILL_Q6_K, BF_PREFILL_Q6_K_CORE);
	print_rate("prefill Q8_0, GFLOP/s", o, BF_PREFILL_Q8_0, BF_PREFILL_Q8_0_CORE);
	if (bench_prefill_tiled(r)) { /* elsewhere the same kernels as prefill Q4_K, Q8_0 */
		print_rate("prefill Q4_K SIMD, GFLOP/s", o, BF_PREFILL_SIMD, BF_COUNT);
		print_rate("prefill Q8_0 SIMD, GFLOP/s", o, BF_PREFILL_SIMD_Q8_0, BF_COUNT);
	}
	if (r->disk_read_gbps >= 0)
		printf(ROW_FORMAT, r->disk_direct ? "disk read O_DIRECT, GB/s" : "disk read buffered, GB/s",
		       rate_text(run, sizeof(run), r->disk_read_gbps, 2), "",
		       rate_text(kept, sizeof(kept), o->kept.disk_read_gbps, 2), "", "");
	if (o->made == 1)
		printf("This run: the median of %d trials each (+/- half their range); threads ran side\n"
		       "by side for at least %.0f%% of every pass kept, %d passes redone.\n", BENCH_TRIALS,
		       r->parallel_share * 100, r->dropped_passes);
	else
		printf("This run: %d runs in a row, each figure the median of theirs, each run's the\n"
		       "median of %d trials (+/- half the widest range); threads ran side by side for at\n"
		       "least %.0f%% of every pass kept, %d passes redone.\n", o->made, BENCH_TRIALS,
		       r->parallel_share * 100, r->dropped_passes);
	if (o->runs == o->made)
		printf("Kept: this run's, which estimates use; later runs join it (the median of the\n"
		       "last %d is kept).\n", BENCH_KEPT_RUNS);
	else
		printf("Kept: the median of the last %d runs on this machine, which estimates use.\n",
		       o->runs);
	printf(o->stored ? "Stored for later estimates.\n" :
	       "Not stored: the cache could not be written (see the warning).\n");
}

int cmd_bench(struct app *app, struct error *err)
{
	struct bench_outcome o;

	if (app->cli.hw_file || app->cli.sysroot)
		return error_set(err, "bench measures this machine: drop --hw and --sysroot");
	if (measure(app, app->cli.full, true, &o, err) < 0)
		return -1;
	if (app->cli.json)
		return json_print(bench_document(app, &o), err);
	print_outcome(app, &o);
	return fflush(stdout) == EOF ? error_set(err, "stdout: write failed") : 0;
}
