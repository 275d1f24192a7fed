/* calibrate.c - `canirun calibrate FILE...`: the user's own llama-bench or
 * Ollama timings compared with canirun's estimates for the same file and
 * settings, the ratios kept beside the bench cache (or, with --hw, only
 * shown: the document's hardware carries them, ready to save as a profile). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/benchcache.h"
#include "cmd/app.h"
#include "cmd/jsonout.h"
#include "estimate/calibrate.h"
#include "estimate/lineup.h"
#include "hw/cpurate.h"
#include "hw/hwjson.h"
#include "util/sysfile.h"

#define RESULTS_MAX_BYTES (16 << 20)

static bool is_gguf(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && strcmp(path + n - 5, ".gguf") == 0;
}

static int read_runs(const struct app *app, struct measured_runs *runs, const char **model,
		     struct error *err)
{
	*model = NULL;
	for (int i = 0; i < app->cli.arg_count; i++) {
		const char *path = app->cli.args[i];
		size_t len;
		char *text;
		int rc;

		if (is_gguf(path)) {
			*model = path;
			continue;
		}
		if (!(text = fs_read_all(path, RESULTS_MAX_BYTES, &len, err)))
			return -1;
		rc = measured_runs_parse(text, path, runs, err);
		free(text);
		if (rc < 0)
			return -1;
	}
	return runs->count > 0 ? 0 : error_set(err, "calibrate: no timings files among the arguments");
}

/* canirun's estimate for run r of file path on hw (calibrations off). */
static int check_run(const struct app *app, const struct measured_run *r, const char *path,
		     struct run_check *c, struct error *err)
{
	static struct hardware hw;
	struct estimate_settings set = app->settings;
	struct lineup l = { 0 };
	const struct fit *f;

	hw = app->hw;
	hw.calibration_count = 0;
	if (r->gpu_layers == 0)
		hw.gpu_count = 0;
	if (r->threads > 0)
		set.threads = r->threads;
	/* llama-bench's context holds the depth, the prompt and the generation */
	set.ctx = r->depth + r->n_prompt + r->n_gen;
	set.prompt_tokens = r->n_prompt > 0 ? r->n_prompt : r->depth + r->n_gen / 2 + 1;
	if (lineup_from_files(&hw, &set, &path, 1, &l, err) < 0)
		return -1;
	f = &l.items[0].now;
	*c = (struct run_check){
		.run = r, .device = f->placement == PLACE_CPU ? CAL_CPU : CAL_GPU,
		.weight = l.items[0].cpu_weight, .threads = f->placement == PLACE_CPU ? set.threads : 0,
		.prefill = r->n_gen == 0,
	};
	c->estimated_tok_s = c->prefill ? f->prefill_tok_s : f->decode_tok_s;
	if (f->placement == PLACE_PARTIAL || f->placement == PLACE_NONE)
		c->estimated_tok_s = -1; /* a split run calibrates neither device */
	lineup_release(&l);
	return 0;
}

static void print_check(const struct run_check *c, const char *path)
{
	const struct measured_run *r = c->run;
	char test[48];

	if (r->depth > 0)
		snprintf(test, sizeof(test), "%s%d @ d%d", c->prefill ? "pp" : "tg",
			 c->prefill ? r->n_prompt : r->n_gen, r->depth);
	else
		snprintf(test, sizeof(test), "%s%d", c->prefill ? "pp" : "tg",
			 c->prefill ? r->n_prompt : r->n_gen);
	printf("  %-28.28s %-14s %s %-4s", path, test, c->device == CAL_CPU ? "CPU" : "GPU",
	       cpu_weight_name((enum cpu_weight)c->weight));
	if (c->device == CAL_CPU)
		printf(" %2dt", c->threads);
	else
		printf("    ");
	if (c->estimated_tok_s > 0)
		printf("  measured %8.2f tok/s, estimated %8.2f: x%.3f\n", r->tok_s, c->estimated_tok_s,
		       r->tok_s / c->estimated_tok_s);
	else
		printf("  measured %8.2f tok/s, not comparable (split over CPU and GPU, or no rate)\n",
		       r->tok_s);
}

static int save(const struct app *app, struct error *err)
{
	char path[4096], cal[4096], key[BENCH_KEY_MAX];

	bench_cache_location(app, path, sizeof(path), key, sizeof(key));
	if (!path[0] || calibration_cache_path(cal, sizeof(cal), path) < 0)
		return error_set(err, "calibrate: no cache directory (set HOME or XDG_CACHE_HOME)");
	if (calibration_cache_save(cal, key, &app->hw, err) < 0)
		return -1;
	if (!app->cli.json)
		printf("Stored in %s; estimates of these kinds of run now say \"calibrated\".\n", cal);
	return 0;
}

int cmd_calibrate(struct app *app, struct error *err)
{
	struct measured_runs runs = { 0 };
	struct run_check *checks = NULL;
	const char *model;
	int rc = -1;

	if (read_runs(app, &runs, &model, err) < 0)
		goto out;
	if (!(checks = calloc((size_t)runs.count, sizeof(*checks)))) {
		error_set(err, "out of memory");
		goto out;
	}
	if (!app->cli.json)
		printf("Runs against canirun's estimates (same file, threads, layers on GPU, context):\n");
	for (int i = 0; i < runs.count; i++) {
		const struct measured_run *r = &runs.items[i];
		const char *path = r->model_path[0] && access(r->model_path, R_OK) == 0 ? r->model_path : model;

		if (!path) {
			error_set(err, "calibrate: the run on line %d names no readable GGUF file (%s): "
				  "give the model's .gguf among the arguments", r->line,
				  r->model_path[0] ? r->model_path : "none named");
			goto out;
		}
		if (check_run(app, r, path, &checks[i], err) < 0)
			goto out;
		if (!app->cli.json)
			print_check(&checks[i], path);
	}
	if (calibration_merge(&app->hw, checks, runs.count, err) < 0)
		goto out;
	if (!app->cli.hw_file && !app->cli.sysroot && save(app, err) < 0)
		goto out;
	rc = app->cli.json ? json_print(json_document(app), err) : 0;
out:
	free(checks);
	measured_runs_release(&runs);
	return rc;
}
