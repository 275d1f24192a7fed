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

static void cache_location(const struct app *app, char *path, size_t path_size,
			   char *key, size_t key_size)
{
	struct utsname u;

	if (bench_cache_path(path, path_size, getenv("XDG_CACHE_HOME"), getenv("HOME")) < 0)
		path[0] = '\0';
	bench_cache_key(key, key_size, &app->hw.cpu, uname(&u) == 0 ? u.release : NULL);
}

static int measure(struct app *app, bool full, bool disk, struct bench_result *r,
		   struct error *err)
{
	struct progress p = { isatty(2) == 1, -1 };
	struct bench_options opts = {
		.threads = app->settings.threads,
		.full = full,
		/* The default run, disk test included, stays under 2 s. */
		.budget_s = !full && disk ? 1.5 : 0,
		.disk_mb = full ? 0 : 64,
		.llc_bytes = app->hw.cpu.l3_bytes,
		.disk = disk,
		.disk_dir = app->hw.disk.path,
		.progress = show_progress,
		.ctx = &p,
	};
	char path[4096], key[BENCH_KEY_MAX];

	if (bench_run(&opts, r, err) < 0)
		return -1;
	show_progress(&p, "done", 1.0);
	bench_apply(r, SRC_BENCH, &app->hw);
	cache_location(app, path, sizeof(path), key, sizeof(key));
	if (path[0] && bench_cache_save(path, key, r, err) < 0)
		warn_add(&app->hw.warnings, "%s", err->msg); /* the result still serves now */
	return 0;
}

int bench_ensure(struct app *app, bool may_run, struct error *err)
{
	struct bench_result r;
	char path[4096], key[BENCH_KEY_MAX];

	/* Only this machine's CPU can be measured here. */
	if (app->hw.cpu.q4_gbps >= 0 || app->cli.hw_file || app->cli.sysroot)
		return 0;
	cache_location(app, path, sizeof(path), key, sizeof(key));
	bench_result_init(&r);
	if (path[0] && bench_cache_load(path, key, &r, &app->hw.warnings) == 0) {
		bench_apply(&r, SRC_CACHED, &app->hw);
		return 0;
	}
	if (!may_run)
		return 0;
	fputs("canirun: no CPU benchmark for this machine yet; measuring it now "
	      "(about 2 s, 'canirun bench' redoes it)\n", stderr);
	return measure(app, false, false, &r, err);
}

static cJSON *result_json(const struct bench_result *r)
{
	cJSON *obj = cJSON_CreateObject();
	const struct { const char *name; double value; } rates[] = {
		{ "q4_0_gbps", r->q4_0_gbps }, { "q4_k_gbps", r->q4_k_gbps },
		{ "q6_k_gbps", r->q6_k_gbps }, { "q8_0_gbps", r->q8_0_gbps },
		{ "mem_read_gbps", r->mem_read_gbps }, { "prefill_gflops", r->prefill_gflops },
		{ "disk_read_gbps", r->disk_read_gbps }, { "seconds", r->seconds },
	};

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (rates[i].value >= 0)
			cJSON_AddNumberToObject(obj, rates[i].name, rates[i].value);
		else
			cJSON_AddNullToObject(obj, rates[i].name);
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

static void print_rate(const char *label, double value, const char *unit)
{
	if (value >= 0)
		printf("  %-22s %8.1f %s\n", label, value, unit);
	else
		printf("  %-22s %8s\n", label, "-");
}

int cmd_bench(struct app *app, struct error *err)
{
	struct bench_result r;

	if (app->cli.hw_file || app->cli.sysroot)
		return error_set(err, "bench measures this machine: drop --hw and --sysroot");
	if (measure(app, app->cli.full, true, &r, err) < 0)
		return -1;
	if (app->cli.json)
		return json_print(bench_document(app, &r), err);
	printf("CPU benchmark: %s, %d threads, %s kernels, %.1f s\n", app->hw.cpu.model,
	       r.threads, r.kernels, r.seconds);
	print_rate("Q4_0 matvec", r.q4_0_gbps, "GB/s of weights");
	print_rate("Q4_K matvec", r.q4_k_gbps, "GB/s of weights");
	print_rate("Q6_K matvec", r.q6_k_gbps, "GB/s of weights");
	print_rate("Q8_0 matvec", r.q8_0_gbps, "GB/s of weights");
	print_rate("memory read", r.mem_read_gbps, "GB/s");
	print_rate("prefill (batched Q4)", r.prefill_gflops, "GFLOP/s");
	print_rate(r.disk_direct ? "disk read (O_DIRECT)" : "disk read (buffered)",
		   r.disk_read_gbps, "GB/s");
	printf("Stored for later estimates.\n");
	return fflush(stdout) == EOF ? error_set(err, "stdout: write failed") : 0;
}
