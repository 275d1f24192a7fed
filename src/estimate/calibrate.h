/* calibrate.h - this machine's own speed measurements read back and turned
 * into calibrations (`canirun calibrate FILE...`).
 *
 * Reads what the user ran here: llama-bench output in any of its formats
 * (-o csv, -o json, -o jsonl, the default markdown table) and `ollama run
 * --verbose` timings. Each measurement is compared with canirun's own
 * estimate for the same file and settings; the ratio, per device (CPU only,
 * or all layers on GPUs), weight type and thread count, is the calibration
 * (hw.h struct calibration) that later estimates apply.
 *
 * The parser never prints; runs live in a growable array the caller
 * releases.
 */
#ifndef CANIRUN_CALIBRATE_H
#define CANIRUN_CALIBRATE_H

#include "estimate/estimate.h"
#include "hw/hw.h"
#include "util/errors.h"

struct measured_run {
	char model_path[HW_PATH_MAX];   /* llama-bench model_filename; "" when not given */
	int n_prompt, n_gen, depth;     /* pp: n_prompt > 0, n_gen 0; tg: n_gen > 0 */
	int threads;                    /* -1: not given (the runtime's default) */
	int gpu_layers;                 /* -1: not given */
	int line;                       /* where it was read, for messages */
	double tok_s;
};

struct measured_runs {
	struct measured_run *items;
	int count, cap;
};

/* Parses one file's text (named file in errors: "FILE: line N: why") and
 * appends its runs. Returns 0, or -1 with err (no runs found, a malformed
 * row, out of memory). */
int measured_runs_parse(const char *text, const char *file, struct measured_runs *out,
			struct error *err);
void measured_runs_release(struct measured_runs *r);

/* One run compared with canirun's estimate for it. */
struct run_check {
	const struct measured_run *run;
	enum calibration_device device;
	int weight;                     /* enum cpu_weight */
	int threads;
	double estimated_tok_s;         /* < 0: canirun could not estimate it */
	bool prefill;
};

/* Adds the checks' factors (measured / estimated) to hw's calibrations:
 * per device, weight type and threads the geometric mean of the factors,
 * replacing an older entry for the same kind of run. Returns the number of
 * entries written, or -1 with err when they do not fit. */
int calibration_merge(struct hardware *hw, const struct run_check *checks, int count,
		      struct error *err);

#endif
