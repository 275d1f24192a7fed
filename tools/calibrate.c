/* calibrate.c - fits the estimator's GPU constants to published llama.cpp
 * runs, and says how well they predict a GPU the fit has not seen.
 *
 * Usage: build/calibrate [--report | --check-model] DATA_DIR CSV
 *   (default)  writes the text of src/estimate/fitted.h to stdout
 *              (`make calibrate`; tests/test-calibration.sh compares it)
 *   --report   prints every row's in-sample and leave-one-GPU-out error and
 *              their medians and 90th percentiles per backend (`make bench`)
 *   --check-model  checks that the fitter's formulas are the estimator's: on
 *              every row whose backend the estimator would pick, the built-in
 *              constants give the estimator's own speeds, and a fit to those
 *              speeds returns the built-in constants (tests/test-calibration.sh)
 *
 * Each GPU row of CSV (data/calibration/llama-tg.csv, fields in
 * data/README.md) runs through the estimator as what-if hardware: the row's
 * GPU from DATA_DIR/gpus.json times its GPU count, the model from
 * DATA_DIR/models.json at the row's quant. That gives the terms of
 *     seconds a token = bytes / (bandwidth x efficiency) + layers x overhead
 *                       + (GPUs - 1) x hop
 *     prompt tokens/s = prefill efficiency x FP16 peak / FLOPs a token
 * that do not depend on the constants. Decode is fitted by least squares on
 * log(predicted / measured): Gauss-Newton whose every step is a linear least
 * squares with the constants kept >= 0 (Lawson-Hanson NNLS), all backends at
 * once because the hop is shared. The prefill efficiency is the geometric
 * mean of measured over peak. The band of a backend is the 90th percentile of
 * its leave-one-GPU-out decode error: how far off a GPU outside the data is.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate/estimate.h"
#include "estimate/fitted.h"
#include "hw/override.h"
#include "util/numparse.h"
#include "util/units.h"

#define MAX_ROWS 512
#define CLASSES WEIGHT_CLASS_COUNT
#define PER_BACKEND (CLASSES + 1)               /* 1/efficiency per class, overhead */
#define HOP_PARAM (BACKEND_COUNT * PER_BACKEND)
#define PARAMS (HOP_PARAM + 1)

/* One GPU row of the CSV as terms of the formulas. */
struct sample {
	char label[112];           /* hardware, GPUs, backend, model, quant as printed */
	char gpu[HW_NAME_MAX];     /* the GPU table entry: what a fold leaves out */
	enum gpu_backend backend;
	enum weight_class cls;
	double unit_s;             /* GPU bytes a token / bandwidth: seconds at efficiency 1 */
	int layers, hops;          /* layers on GPUs; GPUs after the first */
	double tg_tok_s;           /* measured decode */
	double pp_unit_s;          /* FLOPs a token / FP16 peak; < 0: no prompt figure */
	double pp_tok_s;           /* measured prompt processing */
	bool estimator_backend;    /* the estimator picks this backend for the GPU */
	double estimator_tg_tok_s, estimator_pp_tok_s;  /* its speeds; < 0 unknown */
};

struct constants {
	double efficiency[BACKEND_COUNT][CLASSES];     /* <= 0: not fitted */
	double overhead_s[BACKEND_COUNT];
	double band[BACKEND_COUNT];
	double prefill_efficiency[BACKEND_COUNT];      /* <= 0: no rows */
	double hop_s;
	int tg_rows[BACKEND_COUNT][CLASSES], pp_rows[BACKEND_COUNT], hop_rows;
};

struct tables {
	struct gpu_table gpus;
	struct catalog cat;
};

/* ---- the CSV ---- */

/* Splits one CSV line (quotes respected) into at most n fields in place. */
static int csv_fields(char *line, char **fields, int n)
{
	int count = 0;
	char *p = line;

	while (count < n) {
		bool quoted = *p == '"';
		char *start = quoted ? ++p : p;

		while (*p && (quoted ? *p != '"' : *p != ','))
			p++;
		if (quoted && *p == '"')
			*p++ = '\0';
		fields[count++] = start;
		if (*p != ',')
			break;
		*p++ = '\0';
	}
	return count;
}

/* "NVIDIA GeForce RTX 3090 24GB" -> "RTX 3090", "Apple M1 Max (32-core GPU) 64GB"
 * -> "M1 Max 32-core"; the trailing memory size goes to *ram_gib. */
static void gpu_query(const char *hardware, char *out, size_t size, int *ram_gib)
{
	char buf[256], *save = NULL;
	size_t used = 0;

	*ram_gib = 0;
	out[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", hardware);
	for (char *w = strtok_r(buf, " ()", &save); w; w = strtok_r(NULL, " ()", &save)) {
		size_t n = strlen(w);

		if (n > 2 && strcmp(w + n - 2, "GB") == 0 && isdigit((unsigned char)w[0])) {
			w[n - 2] = '\0';
			if (parse_int(w, 1, 1 << 20, ram_gib) < 0)
				*ram_gib = 0;
			continue;
		}
		if (strcmp(w, "GPU") == 0 || used >= size)
			continue;
		used += (size_t)snprintf(out + used, size - used, "%s%s", used ? " " : "", w);
	}
}

/* The row's GPUs as what-if hardware; -1 when the table does not know them. */
static int row_hardware(const struct tables *t, char **f, struct hardware *hw)
{
	struct whatif w = { .ram_bytes = HW_UNKNOWN, .vram_bytes = HW_UNKNOWN };
	struct error err;
	char query[160], gpu[200];
	int ram_gib;

	gpu_query(f[0], query, sizeof(query), &ram_gib);
	snprintf(gpu, sizeof(gpu), "%sx %s", f[1], query);
	w.gpu_names[0] = gpu;
	w.gpu_name_count = 1;
	if (ram_gib > 0 && strncmp(f[0], "Apple", 5) == 0)
		w.ram_bytes = ram_gib * GIB;
	hw_init(hw);
	hw->ram.total_bytes = hw->ram.available_bytes = 512 * GIB;
	return whatif_apply(&w, &t->gpus, hw, &err);
}

/* Fills s from CSV fields f; -1 (and why) when the row cannot be a sample. */
static int row_sample(const struct tables *t, char **f, struct sample *s, const char **why)
{
	struct hardware hw;
	/* llama-bench runs: llama.cpp splits layers over every visible GPU */
	struct estimate_settings set = { 4096, KV_F16, 0, 0, RUNTIME_LLAMA_CPP, FA_RUNTIME, NULL, NULL };
	struct estimate e;
	struct error err;
	const struct model *m = catalog_find(&t->cat, f[3]);
	const struct fit *fit = &e.now;
	enum ftype ft;

	memset(s, 0, sizeof(*s));
	*why = "backend not fitted";
	if (gpu_backend_parse(f[2], &s->backend) < 0)
		return -1;
	*why = "GPU or model not in the tables";
	if (!m || ftype_by_name(f[4], &ft) < 0 || row_hardware(t, f, &hw) < 0)
		return -1;
	/* tg512 / tg128: the generated tokens attend to half the test on average. */
	set.prompt_tokens = strstr(f[6], "tg512") ? 256 : 64;
	if (estimate_ftype(&hw, m, ft, &set, &e, &err) < 0 || parse_double(f[5], &s->tg_tok_s) < 0)
		return -1;
	*why = "not entirely on GPUs";
	if ((fit->placement != PLACE_GPU && fit->placement != PLACE_MULTI_GPU) ||
	    fit->terms.gpu_bandwidth_gbps <= 0)
		return -1;
	snprintf(s->label, sizeof(s->label), "%-34.34s %sx %-6s %-15s %-6s", f[0], f[1], f[2], f[3], f[4]);
	snprintf(s->gpu, sizeof(s->gpu), "%s", hw.gpus[0].name);
	s->cls = fit->terms.weight_class;
	s->unit_s = fit->terms.gpu_bytes_per_token / (fit->terms.gpu_bandwidth_gbps * 1e9);
	s->layers = fit->gpu_layers;
	s->hops = fit->gpus_used - 1;
	s->estimator_backend = strcmp(fit->terms.gpu_backend, gpu_backend_name(s->backend)) == 0;
	s->estimator_tg_tok_s = fit->decode_tok_s;
	s->estimator_pp_tok_s = fit->prefill_tok_s;
	s->pp_unit_s = -1;
	if (parse_double(f[7], &s->pp_tok_s) == 0 && s->pp_tok_s > 0 && hw.gpus[0].fp16_tflops > 0)
		s->pp_unit_s = fit->prefill_flops_per_token / (hw.gpus[0].fp16_tflops * 1e12);
	return 0;
}

static int read_samples(const struct tables *t, const char *csv, struct sample *s, int *count)
{
	char line[2048];
	FILE *in = fopen(csv, "r");
	int n = 0, lineno = 0;

	if (!in)
		return perror(csv), -1;
	while (fgets(line, sizeof(line), in)) {
		char *f[10];
		const char *why;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (csv_fields(line, f, 10) < 10 || lineno == 1 || strcmp(f[2], "cpu") == 0)
			continue;
		if (n == MAX_ROWS) {
			fprintf(stderr, "%s: more than %d GPU rows\n", csv, MAX_ROWS);
			fclose(in);
			return -1;
		}
		if (row_sample(t, f, &s[n], &why) == 0)
			n++;
		else
			fprintf(stderr, "calibrate: %s:%d skipped: %s\n", csv, lineno, why);
	}
	fclose(in);
	*count = n;
	return 0;
}

/* ---- least squares ---- */

/* Solves the k x k system g z = r in place (Gaussian elimination, partial
 * pivoting); -1 when singular. */
static int solve(double g[PARAMS][PARAMS], double *r, int k, double *z)
{
	for (int c = 0; c < k; c++) {
		int piv = c;

		for (int i = c + 1; i < k; i++)
			if (fabs(g[i][c]) > fabs(g[piv][c]))
				piv = i;
		if (fabs(g[piv][c]) < 1e-300)
			return -1;
		for (int j = 0; j < k; j++) {
			double tmp = g[c][j];

			g[c][j] = g[piv][j];
			g[piv][j] = tmp;
		}
		double tr = r[c];

		r[c] = r[piv];
		r[piv] = tr;
		for (int i = c + 1; i < k; i++) {
			double f = g[i][c] / g[c][c];

			for (int j = c; j < k; j++)
				g[i][j] -= f * g[c][j];
			r[i] -= f * r[c];
		}
	}
	for (int i = k - 1; i >= 0; i--) {
		double sum = r[i];

		for (int j = i + 1; j < k; j++)
			sum -= g[i][j] * z[j];
		z[i] = sum / g[i][i];
	}
	return 0;
}

/* Least squares of a (m rows, unit-norm columns) on the passive columns
 * only; the others stay 0. */
static int passive_solve(double a[][PARAMS], const double *b, int m, const bool *passive, double *z)
{
	double g[PARAMS][PARAMS], r[PARAMS], sol[PARAMS];
	int idx[PARAMS], k = 0;

	for (int j = 0; j < PARAMS; j++) {
		z[j] = 0;
		if (passive[j])
			idx[k++] = j;
	}
	for (int x = 0; x < k; x++) {
		r[x] = 0;
		for (int i = 0; i < m; i++)
			r[x] += a[i][idx[x]] * b[i];
		for (int y = 0; y < k; y++) {
			g[x][y] = 0;
			for (int i = 0; i < m; i++)
				g[x][y] += a[i][idx[x]] * a[i][idx[y]];
		}
	}
	if (solve(g, r, k, sol) < 0)
		return -1;
	for (int x = 0; x < k; x++)
		z[idx[x]] = sol[x];
	return 0;
}

/* min |a x - b| subject to x >= 0, a with unit-norm or zero columns
 * (Lawson and Hanson, Solving Least Squares Problems, 1974, ch. 23). */
static int nnls(double a[][PARAMS], const double *b, int m, double *x)
{
	bool passive[PARAMS] = { false };
	double z[PARAMS];

	memset(x, 0, sizeof(double) * PARAMS);
	for (int outer = 0; outer < 3 * PARAMS; outer++) {
		int t = -1;
		double best = 1e-12;

		for (int j = 0; j < PARAMS; j++) {
			double w = 0;

			for (int i = 0; i < m && !passive[j]; i++) {
				double res = b[i];

				for (int k = 0; k < PARAMS; k++)
					res -= a[i][k] * x[k];
				w += a[i][j] * res;
			}
			if (!passive[j] && w > best)
				best = w, t = j;
		}
		if (t < 0)
			return 0;
		passive[t] = true;
		for (int inner = 0; inner < 3 * PARAMS; inner++) {
			double alpha = 1;
			bool feasible = true;

			if (passive_solve(a, b, m, passive, z) < 0)
				return -1;
			for (int j = 0; j < PARAMS; j++)
				if (passive[j] && z[j] <= 0) {
					feasible = false;
					if (x[j] / (x[j] - z[j]) < alpha)
						alpha = x[j] / (x[j] - z[j]);
				}
			if (feasible)
				break;
			for (int j = 0; j < PARAMS; j++) {
				x[j] += alpha * (z[j] - x[j]);
				if (passive[j] && x[j] <= 1e-15)
					passive[j] = false, x[j] = 0;
			}
		}
		memcpy(x, z, sizeof(z));
	}
	return 0;
}

/* ---- the fit ---- */

static void design_row(const struct sample *s, double *x)
{
	memset(x, 0, sizeof(double) * PARAMS);
	x[s->backend * PER_BACKEND + s->cls] = s->unit_s;
	x[s->backend * PER_BACKEND + CLASSES] = s->layers;
	x[HOP_PARAM] = s->hops;
}

static double dot(const double *x, const double *p)
{
	double sum = 0;

	for (int j = 0; j < PARAMS; j++)
		sum += x[j] * p[j];
	return sum;
}

/* Gauss-Newton on log(predicted / measured): at p0 with prediction q0,
 * log(x.p / m) ~ log(q0 / m) + x.p / q0 - 1, so each step is the linear
 * problem x.p / q0 = 1 - log(q0 / m), solved with p >= 0. Columns are scaled
 * to unit norm for the solve. */
static int fit_decode_params(const struct sample *s, const int *use, int m, double *p)
{
	static double a[MAX_ROWS][PARAMS], x[MAX_ROWS][PARAMS];
	double b[MAX_ROWS], q[MAX_ROWS], norm[PARAMS];

	for (int i = 0; i < m; i++) {
		design_row(&s[use[i]], x[i]);
		q[i] = 1.0 / s[use[i]].tg_tok_s;        /* start: relative least squares */
	}
	for (int iter = 0; iter < 100; iter++) {
		double change = 0, prev[PARAMS];

		memcpy(prev, p, sizeof(prev));
		for (int j = 0; j < PARAMS; j++) {
			norm[j] = 0;
			for (int i = 0; i < m; i++)
				norm[j] += (x[i][j] / q[i]) * (x[i][j] / q[i]);
			norm[j] = sqrt(norm[j]);
		}
		for (int i = 0; i < m; i++) {
			for (int j = 0; j < PARAMS; j++)
				a[i][j] = norm[j] > 0 ? x[i][j] / q[i] / norm[j] : 0;
			b[i] = 1 - log(q[i] * s[use[i]].tg_tok_s);
		}
		if (nnls(a, b, m, p) < 0)
			return -1;
		for (int j = 0; j < PARAMS; j++)
			p[j] = norm[j] > 0 ? p[j] / norm[j] : 0;
		for (int i = 0; i < m; i++)
			if ((q[i] = dot(x[i], p)) <= 0)
				return -1;
		for (int j = 0; j < PARAMS; j++)
			if (p[j] > 0)
				change = fmax(change, fabs(p[j] - prev[j]) / p[j]);
		if (iter > 0 && change < 1e-12)
			break;
	}
	return 0;
}

static double round_to(double v, double step)
{
	return round(v / step) * step;
}

/* A class without rows takes the mean of its backend's fitted classes. */
static void fill_unfitted_classes(struct constants *c, int b)
{
	double sum = 0;
	int n = 0;

	for (int k = 0; k < CLASSES; k++)
		if (c->efficiency[b][k] > 0)
			sum += c->efficiency[b][k], n++;
	for (int k = 0; k < CLASSES && n > 0; k++)
		if (c->efficiency[b][k] <= 0)
			c->efficiency[b][k] = round_to(sum / n, 1e-3);
}

/* Fits c to the samples whose GPU is not leave_out (NULL: all). */
static int fit(const struct sample *s, int n, const char *leave_out, struct constants *c)
{
	int use[MAX_ROWS], m = 0;
	double p[PARAMS] = { 0 }, log_pp[BACKEND_COUNT] = { 0 };

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < n; i++) {
		if (leave_out && strcmp(s[i].gpu, leave_out) == 0)
			continue;
		use[m++] = i;
		c->tg_rows[s[i].backend][s[i].cls]++;
		c->hop_rows += s[i].hops > 0;
		if (s[i].pp_unit_s > 0) {
			c->pp_rows[s[i].backend]++;
			log_pp[s[i].backend] += log(s[i].pp_tok_s * s[i].pp_unit_s);
		}
	}
	if (fit_decode_params(s, use, m, p) < 0)
		return -1;
	for (int b = 0; b < BACKEND_COUNT; b++) {
		for (int k = 0; k < CLASSES; k++) {
			double inv = p[b * PER_BACKEND + k];

			c->efficiency[b][k] = c->tg_rows[b][k] > 0 && inv > 0 ? round_to(1 / inv, 1e-3) : -1;
		}
		fill_unfitted_classes(c, b);
		c->overhead_s[b] = round_to(p[b * PER_BACKEND + CLASSES], 1e-7);
		c->prefill_efficiency[b] = c->pp_rows[b] > 0 ?
			round_to(exp(log_pp[b] / c->pp_rows[b]), 1e-3) : -1;
	}
	c->hop_s = round_to(p[HOP_PARAM], 1e-6);
	return 0;
}

static double predict_tg(const struct constants *c, const struct sample *s)
{
	double eff = c->efficiency[s->backend][s->cls];

	if (eff <= 0)
		return -1;
	return 1.0 / (s->unit_s / eff + s->layers * c->overhead_s[s->backend] + s->hops * c->hop_s);
}

static double predict_pp(const struct constants *c, const struct sample *s)
{
	double eff = c->prefill_efficiency[s->backend];

	return s->pp_unit_s > 0 && eff > 0 ? eff / s->pp_unit_s : -1;
}

/* ---- in-sample and out-of-sample errors ---- */

/* predicted / measured - 1 for decode (tg) and prompt (pp); NAN: none. */
struct errors {
	double tg_in[MAX_ROWS], tg_out[MAX_ROWS], pp_in[MAX_ROWS], pp_out[MAX_ROWS];
};

static double rel_error(double predicted, double measured)
{
	return predicted > 0 && measured > 0 ? predicted / measured - 1 : NAN;
}

/* Every GPU left out in turn: the constants refitted on the other GPUs'
 * rows predict its rows. */
static int cross_validate(const struct sample *s, int n, const struct constants *all, struct errors *e)
{
	for (int i = 0; i < n; i++) {
		e->tg_in[i] = rel_error(predict_tg(all, &s[i]), s[i].tg_tok_s);
		e->pp_in[i] = rel_error(predict_pp(all, &s[i]), s[i].pp_tok_s);
		e->tg_out[i] = e->pp_out[i] = NAN;
	}
	for (int i = 0; i < n; i++) {
		struct constants fold;

		if (!isnan(e->tg_out[i]))
			continue;       /* its GPU's fold ran already */
		if (fit(s, n, s[i].gpu, &fold) < 0)
			return -1;
		for (int j = i; j < n; j++)
			if (strcmp(s[j].gpu, s[i].gpu) == 0) {
				e->tg_out[j] = rel_error(predict_tg(&fold, &s[j]), s[j].tg_tok_s);
				e->pp_out[j] = rel_error(predict_pp(&fold, &s[j]), s[j].pp_tok_s);
				if (isnan(e->tg_out[j]))
					e->tg_out[j] = INFINITY; /* not predictable: marks the fold done */
			}
	}
	return 0;
}

static int compare_abs(const void *a, const void *b)
{
	double x = fabs(*(const double *)a), y = fabs(*(const double *)b);

	return x < y ? -1 : x > y;
}

/* Absolute errors of backend b (< 0: all) that are known, sorted. */
static int sorted_abs(const struct sample *s, int n, const double *err, int b, double *out)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		if ((b < 0 || (int)s[i].backend == b) && isfinite(err[i]))
			out[k++] = fabs(err[i]);
	qsort(out, (size_t)k, sizeof(out[0]), compare_abs);
	return k;
}

static void set_bands(const struct sample *s, int n, const struct errors *e, struct constants *c)
{
	double v[MAX_ROWS];

	for (int b = 0; b < BACKEND_COUNT; b++) {
		int k = sorted_abs(s, n, e->tg_out, b, v);

		if (k == 0)
			k = sorted_abs(s, n, e->tg_in, b, v);
		c->band[b] = k > 0 ? ceil(v[(int)(k * 0.9)] * 100 - 1e-9) / 100 : -1;
	}
}

/* ---- output ---- */

/* Every backend needs decode rows: the estimator has no default. Without
 * prompt rows its prefill efficiency is 0, which the estimator reads as
 * unknown. */
static int complete(struct constants *c)
{
	for (int b = 0; b < BACKEND_COUNT; b++) {
		if (c->prefill_efficiency[b] < 0)
			c->prefill_efficiency[b] = 0;
		if (c->efficiency[b][0] <= 0 || c->band[b] <= 0) {
			fprintf(stderr, "calibrate: no decode rows for backend %s\n",
				gpu_backend_name((enum gpu_backend)b));
			return -1;
		}
	}
	return 0;
}

static void write_header(const char *csv, const struct constants *c)
{
	printf("/* fitted.h - the estimator's GPU constants, written by `make calibrate`\n"
	       " * (tools/calibrate.c) from %s, data/gpus.json and\n"
	       " * data/models.json. Do not edit: tests/test-calibration.sh fails when\n"
	       " * this file differs from the fit. Read by src/estimate/estimate.c only.\n"
	       " *\n"
	       " * FIT_<BACKEND>: { efficiency { float, legacy, kquant } (share of spec\n"
	       " *   bandwidth), layer overhead s, band (90th percentile leave-one-GPU-out\n"
	       " *   error), prefill efficiency (share of FP16 tensor peak; 0: no prompt rows\n"
	       " *   with a known peak, prefill unknown) }. A weight class without rows\n"
	       " *   takes the mean of the backend's fitted classes.\n"
	       " */\n#ifndef CANIRUN_FITTED_H\n#define CANIRUN_FITTED_H\n\n", csv);
	for (int b = 0; b < BACKEND_COUNT; b++) {
		char upper[16];
		const char *name = gpu_backend_name((enum gpu_backend)b);
		size_t i;

		for (i = 0; name[i] && i + 1 < sizeof(upper); i++)
			upper[i] = (char)toupper((unsigned char)name[i]);
		upper[i] = '\0';
		printf("/* %s: decode rows float %d, legacy %d, kquant %d; prefill rows %d%s */\n",
		       name, c->tg_rows[b][0], c->tg_rows[b][1], c->tg_rows[b][2], c->pp_rows[b],
		       c->pp_rows[b] ? "" : " (prefill unknown)");
		printf("#define FIT_%s { { %.3f, %.3f, %.3f }, %.4fe-3, %.2f, %.3f }\n", upper,
		       c->efficiency[b][0], c->efficiency[b][1], c->efficiency[b][2],
		       c->overhead_s[b] * 1e3, c->band[b], c->prefill_efficiency[b]);
	}
	printf("/* a hand-over per further GPU in a layer split: %d rows on 2-8 GPUs */\n"
	       "#define FIT_GPU_HOP_S %.3fe-3\n\n#endif\n", c->hop_rows, c->hop_s * 1e3);
}

static void summary_line(const struct sample *s, int n, const double *in, const double *out, int b)
{
	double v[MAX_ROWS];
	int k_in = sorted_abs(s, n, in, b, v);
	double med_in = k_in ? v[k_in / 2] : NAN, p90_in = k_in ? v[(int)(k_in * 0.9)] : NAN;
	int k_out = sorted_abs(s, n, out, b, v);

	if (k_in == 0)
		return;
	printf("  %-7s %3d rows  in-sample: median %5.1f%%, p90 %5.1f%%", b < 0 ? "all" :
	       gpu_backend_name((enum gpu_backend)b), k_in, 100 * med_in, 100 * p90_in);
	if (k_out)
		printf("   out-of-sample (%d rows): median %5.1f%%, p90 %5.1f%%\n", k_out,
		       100 * v[k_out / 2], 100 * v[(int)(k_out * 0.9)]);
	else
		printf("   out-of-sample: no row predictable\n");
}

static void print_error(double err)
{
	if (isfinite(err))
		printf(" %+7.1f%%", 100 * err);
	else
		printf(" %8s", "-");
}

/* Share of rows whose measured decode lies inside the band. */
static double band_coverage(const struct sample *s, int n, const double *err, const struct constants *c)
{
	int inside = 0, k = 0;

	for (int i = 0; i < n; i++) {
		double lo, hi;

		if (!isfinite(err[i]))
			continue;
		k++;
		/* inside when predicted x (1 - band) <= measured <= predicted x (1 + band) */
		lo = (1 + err[i]) * (1 - c->band[s[i].backend]);
		hi = (1 + err[i]) * (1 + c->band[s[i].backend]);
		inside += lo <= 1 && hi >= 1;
	}
	return k ? 100.0 * inside / k : NAN;
}

static int distinct_gpus(const struct sample *s, int n)
{
	int count = 0;

	for (int i = 0; i < n; i++) {
		int j = 0;

		while (j < i && strcmp(s[j].gpu, s[i].gpu) != 0)
			j++;
		count += j == i;
	}
	return count;
}

static void write_report(const char *csv, const struct sample *s, int n, const struct constants *c,
			 const struct errors *e)
{
	printf("GPU estimates vs published llama.cpp runs (%s, %d GPU rows, %d GPUs).\n"
	       "in-sample: constants fitted to every row, this one included.\n"
	       "out-of-sample: constants refitted without any row of this row's GPU\n"
	       "(leave-one-GPU-out), so the figure is for a GPU the fit has not seen.\n\n", csv, n,
	       distinct_gpus(s, n));
	printf("  %-69s %8s %9s %9s %9s %9s\n", "row", "tg tok/s", "tg in", "tg out", "pp in", "pp out");
	for (int i = 0; i < n; i++) {
		printf("  %-69s %8.1f", s[i].label, s[i].tg_tok_s);
		print_error(e->tg_in[i]);
		print_error(e->tg_out[i]);
		print_error(e->pp_in[i]);
		print_error(e->pp_out[i]);
		putchar('\n');
	}
	printf("\nDecode (tg) error, |predicted / measured - 1|:\n");
	for (int b = -1; b < BACKEND_COUNT; b++)
		summary_line(s, n, e->tg_in, e->tg_out, b);
	printf("Prompt processing (pp) error:\n");
	for (int b = -1; b < BACKEND_COUNT; b++)
		summary_line(s, n, e->pp_in, e->pp_out, b);
	printf("Measured decode inside the printed band: in-sample %.0f%%, out-of-sample %.0f%%\n",
	       band_coverage(s, n, e->tg_in, c), band_coverage(s, n, e->tg_out, c));
}

/* ---- the fitter's formulas against the estimator's ---- */

/* The constants the estimator was built with. */
static void built_in_constants(struct constants *c)
{
	static const struct {
		double efficiency[CLASSES], layer_overhead_s, band, prefill_efficiency;
	} built[BACKEND_COUNT] = {
		[BACKEND_CUDA] = FIT_CUDA, [BACKEND_METAL] = FIT_METAL, [BACKEND_VULKAN] = FIT_VULKAN,
	};

	memset(c, 0, sizeof(*c));
	for (int b = 0; b < BACKEND_COUNT; b++) {
		memcpy(c->efficiency[b], built[b].efficiency, sizeof(c->efficiency[b]));
		c->overhead_s[b] = built[b].layer_overhead_s;
		c->band[b] = built[b].band;
		c->prefill_efficiency[b] = built[b].prefill_efficiency;
	}
	c->hop_s = FIT_GPU_HOP_S;
}

static int differs(const char *what, double got, double want, double tolerance)
{
	if (fabs(got - want) <= tolerance)
		return 0;
	printf("calibration model: %s: %.9g, want %.9g\n", what, got, want);
	return 1;
}

/* The built-in constants in the fitter's formulas give the estimator's
 * speeds; returns the rows that disagree. */
static int formulas_agree(const struct sample *s, int n, const struct constants *built, int *rows)
{
	int bad = 0;

	*rows = 0;
	for (int i = 0; i < n; i++) {
		double pp = predict_pp(built, &s[i]);

		if (!s[i].estimator_backend)
			continue;
		(*rows)++;
		bad += differs(s[i].label, predict_tg(built, &s[i]) / s[i].estimator_tg_tok_s, 1, 1e-9);
		if (pp > 0 || s[i].estimator_pp_tok_s > 0)
			bad += differs(s[i].label, pp / s[i].estimator_pp_tok_s, 1, 1e-9);
	}
	return bad;
}

/* A fit to the estimator's own speeds returns the built-in constants (to
 * their rounding) wherever it has rows to fit them. */
static int fit_returns_constants(const struct sample *s, int n, const struct constants *built)
{
	static struct sample own[MAX_ROWS];
	struct constants c;
	int m = 0, bad = 0;

	for (int i = 0; i < n; i++)
		if (s[i].estimator_backend) {
			own[m] = s[i];
			own[m].tg_tok_s = s[i].estimator_tg_tok_s;
			own[m].pp_tok_s = s[i].estimator_pp_tok_s;
			if (own[m].pp_tok_s <= 0)
				own[m].pp_unit_s = -1;
			m++;
		}
	if (fit(own, m, NULL, &c) < 0)
		return printf("calibration model: no fit to the estimator's speeds\n"), 1;
	for (int b = 0; b < BACKEND_COUNT; b++) {
		const char *name = gpu_backend_name((enum gpu_backend)b);

		for (int k = 0; k < CLASSES; k++)
			if (c.tg_rows[b][k] > 0)
				bad += differs(name, c.efficiency[b][k], built->efficiency[b][k], 1.5e-3);
		if (c.tg_rows[b][0] + c.tg_rows[b][1] + c.tg_rows[b][2] > 0)
			bad += differs(name, c.overhead_s[b], built->overhead_s[b], 1.5e-7);
		if (c.pp_rows[b] > 0)
			bad += differs(name, c.prefill_efficiency[b], built->prefill_efficiency[b], 1.5e-3);
	}
	if (c.hop_rows > 0)
		bad += differs("hop", c.hop_s, built->hop_s, 1.5e-6);
	return bad;
}

static int check_model(const struct sample *s, int n)
{
	struct constants built;
	int rows, bad;

	built_in_constants(&built);
	bad = formulas_agree(s, n, &built, &rows) + fit_returns_constants(s, n, &built);
	printf("calibration model: %d rows at the estimator's backend, %d disagreements\n", rows, bad);
	return bad == 0 && rows > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	static struct sample samples[MAX_ROWS];
	static struct errors errs;
	struct tables t;
	struct constants c;
	struct error err;
	char path[512];
	bool report = argc > 1 && strcmp(argv[1], "--report") == 0;
	bool model = argc > 1 && strcmp(argv[1], "--check-model") == 0;
	int n, first = report || model ? 2 : 1, rc = 0;

	if (argc != first + 2) {
		fprintf(stderr, "usage: %s [--report | --check-model] DATA_DIR CSV\n", argv[0]);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/gpus.json", argv[first]);
	if (gpu_table_load(path, &t.gpus, &err) < 0)
		return fprintf(stderr, "%s\n", err.msg), 1;
	snprintf(path, sizeof(path), "%s/models.json", argv[first]);
	if (catalog_load(path, &t.cat, &err) < 0) {
		gpu_table_release(&t.gpus);
		return fprintf(stderr, "%s\n", err.msg), 1;
	}
	if (read_samples(&t, argv[first + 1], samples, &n) < 0 || fit(samples, n, NULL, &c) < 0 ||
	    cross_validate(samples, n, &c, &errs) < 0) {
		fprintf(stderr, "calibrate: %s: no fit\n", argv[first + 1]);
		rc = 1;
	} else {
		set_bands(samples, n, &errs, &c);
		if (complete(&c) < 0)
			rc = 1;
		else if (model)
			rc = check_model(samples, n);
		else if (report)
			write_report(argv[first + 1], samples, n, &c, &errs);
		else
			write_header(argv[first + 1], &c);
	}
	catalog_release(&t.cat);
	gpu_table_release(&t.gpus);
	return rc;
}
