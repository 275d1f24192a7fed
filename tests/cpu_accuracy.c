/* cpu_accuracy.c - how far CPU-only decode estimates for a CPU described by
 * --cpu land from published llama.cpp runs: every row of
 * tests/fixtures/cpu-runs.csv (CPU, model, quant, threads, memory speed,
 * test, measured t/s), run as what-if hardware (--cpu-only --cpu CPU
 * --threads N [--ram-speed MTS] --ram 512G): decode for tg rows, prompt
 * processing for pp512 rows. Prints each row, then median and worst error
 * and the share within 25%, for the rows the constants were fitted on and
 * for the others, decode and prefill apart; rows marked superseded (a
 * kernel llama.cpp has sped up since the run) are printed, not counted.
 * Usage: build/cpu-accuracy [data dir] [csv] (run by `make bench`). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate/estimate.h"
#include "hw/override.h"
#include "model/quant.h"
#include "util/numparse.h"
#include "util/units.h"

#define MAX_ROWS 256
#define FIELDS 9

static int compare_abs(const void *a, const void *b)
{
	double x = fabs(*(const double *)a), y = fabs(*(const double *)b);

	return x < y ? -1 : x > y;
}

static void summary(const char *label, double *errs, int n)
{
	int within = 0;

	if (n == 0)
		return;
	qsort(errs, (size_t)n, sizeof(errs[0]), compare_abs);
	for (int i = 0; i < n; i++)
		within += fabs(errs[i]) <= 0.25;
	printf("  %-22s %3d rows: median error %5.1f%%, worst %5.1f%%, %d within 25%%\n", label,
	       n, 100 * fabs(errs[n / 2]), 100 * fabs(errs[n - 1]), within);
}

/* The types the bench (and cpudescribed.c) rate directly; the others borrow
 * Q4_0's or Q4_K's rate in the estimator. */
static bool has_own_rate(const char *quant)
{
	static const char *const own[] = { "F16", "Q8_0", "Q4_0", "Q4_K_S", "Q6_K", NULL };

	for (int i = 0; own[i]; i++)
		if (strcmp(quant, own[i]) == 0)
			return true;
	return false;
}

static void add(double errs[2][3][MAX_ROWS], int n[2][3], int kind, int group, double err)
{
	if (n[kind][group] < MAX_ROWS)
		errs[kind][group][n[kind][group]++] = err;
}

/* Splits a CSV line at commas (the last field may be quoted) in place. */
static int split(char *line, char **f)
{
	int n = 0;

	for (char *p = line; n < FIELDS; n++) {
		if (*p == '"') {
			f[n] = ++p;
			p = strchr(p, '"');
			if (p)
				*p = '\0';
			return n + 1;
		}
		f[n] = p;
		p = strchr(p, ',');
		if (!p)
			return n + 1;
		*p++ = '\0';
	}
	return n;
}

static int predict(const struct cpu_table *cpus, const struct catalog *cat, char **f,
		   double *tok_s)
{
	struct whatif w = { .ram_bytes = 512 * GIB, .vram_bytes = -1, .cpu_only = true,
			    .cpu_name = f[0], .ram_gbps = -1, .ram_mts = -1, .ram_channels = -1,
			    .disk_gbps = -1 };
	/* tg128 runs 64 tokens deep on average; pp512 is one 512-token prompt */
	struct estimate_settings set = { 4096, KV_F16, 0, strcmp(f[5], "pp512") == 0 ? 512 : 64,
					 RUNTIME_LLAMA_CPP, FA_RUNTIME, NULL, NULL };
	const struct model *m = catalog_find(cat, f[1]);
	struct hardware hw;
	struct estimate e;
	struct error err;
	enum ftype ft;

	if (!m || ftype_by_name(f[2], &ft) < 0 || parse_int(f[3], 1, 4096, &w.threads) < 0 ||
	    (f[4][0] && parse_int(f[4], 100, 20000, &w.ram_mts) < 0))
		return -1;
	set.threads = w.threads;
	hw_init(&hw);
	if (whatif_apply(&w, NULL, &hw, &err) < 0 || whatif_apply_host(&w, cpus, &hw, &err) < 0 ||
	    estimate_ftype(&hw, m, ft, &set, &e, &err) < 0 || e.now.decode_tok_s <= 0 ||
	    e.now.prefill_tok_s <= 0) {
		fprintf(stderr, "%s %s %s: %s\n", f[0], f[1], f[2], err.msg);
		return -1;
	}
	*tok_s = strcmp(f[5], "pp512") == 0 ? e.now.prefill_tok_s : e.now.decode_tok_s;
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "data";
	const char *csv = argc > 2 ? argv[2] : "tests/fixtures/cpu-runs.csv";
	/* [decode, prefill][fitted on, not fitted on, not fitted on with a rate of its own] */
	static double errs[2][3][MAX_ROWS];
	int n[2][3] = { { 0 } }, skipped = 0;
	struct cpu_table cpus;
	struct catalog cat;
	struct error err;
	char path[512], line[1024];
	FILE *in;

	snprintf(path, sizeof(path), "%s/cpus.json", dir);
	if (cpu_table_load(path, &cpus, &err) < 0)
		return fprintf(stderr, "%s\n", err.msg), 1;
	snprintf(path, sizeof(path), "%s/models.json", dir);
	if (catalog_load(path, &cat, &err) < 0)
		return fprintf(stderr, "%s\n", err.msg), 1;
	in = fopen(csv, "r");
	if (!in)
		return perror(csv), 1;
	printf("CPU-only decode, --cpu what-if vs published llama.cpp tg128 (%s):\n", csv);
	while (fgets(line, sizeof(line), in)) {
		char *f[FIELDS];
		double measured, predicted, rel_err;
		bool fitted, superseded, prompt;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || strncmp(line, "cpu,", 4) == 0 || split(line, f) < FIELDS ||
		    parse_double(f[6], &measured) < 0)
			continue;
		if (predict(&cpus, &cat, f, &predicted) < 0) {
			skipped++;
			continue;
		}
		fitted = strcmp(f[7], "yes") == 0;
		superseded = strcmp(f[7], "superseded") == 0;
		prompt = strcmp(f[5], "pp512") == 0;
		rel_err = predicted / measured - 1;
		printf("  %-14s %-12s %-7s %3s threads %5s MT/s %-5s measured %6.2f  predicted %6.2f  "
		       "%+6.1f%%%s\n", f[0], f[1], f[2], f[3], f[4][0] ? f[4] : "table", f[5],
		       measured, predicted, 100 * rel_err,
		       fitted ? "  (fit)" : superseded ? "  (superseded: llama.cpp is faster since)" : "");
		if (superseded)
			continue;
		add(errs, n, prompt, fitted ? 0 : 1, rel_err);
		if (!fitted && has_own_rate(f[2]))
			add(errs, n, prompt, 2, rel_err);
	}
	fclose(in);
	printf("Summary (%d skipped):\n", skipped);
	for (int k = 0; k < 2; k++) {
		printf(" %s\n", k ? "prefill (pp512)" : "decode (tg)");
		summary("fitted on (in-sample)", errs[k][0], n[k][0]);
		summary("not fitted on", errs[k][1], n[k][1]);
		summary("  of which own-rate types", errs[k][2], n[k][2]);
	}
	catalog_release(&cat);
	cpu_table_release(&cpus);
	return 0;
}
