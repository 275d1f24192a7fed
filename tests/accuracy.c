/* accuracy.c - how far the decode estimate is from measured llama.cpp
 * speeds: every row of tests/fixtures/calibration-tg.csv (a copy of
 * shared/reference/calibration-tg.csv) whose GPU the table knows, run as
 * what-if hardware with the row's GPU count, at the row's test length.
 * Prints each row and the median and 90th-percentile error per backend.
 * Usage: build/accuracy [data dir] [csv] (run by `make bench`). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate/estimate.h"
#include "util/sysfile.h"
#include "util/units.h"
#include "hw/override.h"

#define MAX_ROWS 256

struct row_error {
	char backend[16];
	double error;   /* predicted / measured - 1 */
};

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
	snprintf(buf, sizeof(buf), "%s", hardware);
	for (char *w = strtok_r(buf, " ()", &save); w; w = strtok_r(NULL, " ()", &save)) {
		size_t n = strlen(w);

		if (n > 2 && strcmp(w + n - 2, "GB") == 0 && isdigit((unsigned char)w[0])) {
			parse_int(strtok(w, "G"), 1, 1 << 20, ram_gib);
			continue;
		}
		if (strcmp(w, "GPU") == 0)
			continue;
		used += (size_t)snprintf(out + used, size - used, "%s%s", used ? " " : "", w);
	}
}

static int compare_abs(const void *a, const void *b)
{
	double x = fabs(*(const double *)a), y = fabs(*(const double *)b);

	return x < y ? -1 : x > y;
}

static void summary(const struct row_error *rows, int n, const char *backend)
{
	double errs[MAX_ROWS];
	int k = 0;

	for (int i = 0; i < n; i++)
		if (!backend || strcmp(rows[i].backend, backend) == 0)
			errs[k++] = rows[i].error;
	if (k == 0)
		return;
	qsort(errs, (size_t)k, sizeof(errs[0]), compare_abs);
	printf("  %-8s %3d rows: median error %5.1f%%, 90th percentile %5.1f%%\n",
	       backend ? backend : "all", k, 100 * fabs(errs[k / 2]),
	       100 * fabs(errs[(int)(k * 0.9)]));
}

/* Estimates one row; 0 and *predicted, or -1 when the row cannot be run. */
static int predict(const struct gpu_table *table, const struct catalog *cat, char **f,
		   double *predicted)
{
	struct hardware hw;
	struct whatif w = { .ram_bytes = -1, .vram_bytes = -1 };
	struct estimate_settings set = { 4096, KV_F16, 0, 0, RUNTIME_OLLAMA, FA_RUNTIME, NULL };
	struct estimate e;
	struct error err;
	const struct model *m = catalog_find(cat, f[3]);
	char query[160], gpu[200];
	int ram_gib, test_tokens;
	enum ftype ft;

	gpu_query(f[0], query, sizeof(query), &ram_gib);
	snprintf(gpu, sizeof(gpu), "%sx %s", f[1], query);
	w.gpu_names[0] = gpu;
	w.gpu_name_count = 1;
	if (ram_gib > 0 && strncmp(f[0], "Apple", 5) == 0)
		w.ram_bytes = ram_gib * GIB;
	hw_init(&hw);
	hw.ram.total_bytes = hw.ram.available_bytes = 512 * GIB;
	if (!m || ftype_by_name(f[4], &ft) < 0 || whatif_apply(&w, table, &hw, &err) < 0)
		return -1;
	/* tg512 / tg128: tokens attend to half the test on average. */
	test_tokens = strstr(f[6], "tg512") ? 512 : 128;
	set.prompt_tokens = test_tokens / 2;
	if (estimate_ftype(&hw, m, ft, &set, &e, &err) < 0 || e.now.decode_tok_s <= 0)
		return -1;
	*predicted = e.now.decode_tok_s;
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "data";
	const char *csv = argc > 2 ? argv[2] : "tests/fixtures/calibration-tg.csv";
	static struct row_error rows[MAX_ROWS];
	struct gpu_table table;
	struct catalog cat;
	struct error err;
	char path[512], line[2048];
	FILE *in;
	int n = 0, skipped = 0;

	snprintf(path, sizeof(path), "%s/gpus.json", dir);
	if (gpu_table_load(path, &table, &err) < 0)
		return fprintf(stderr, "%s\n", err.msg), 1;
	snprintf(path, sizeof(path), "%s/models.json", dir);
	if (catalog_load(path, &cat, &err) < 0)
		return fprintf(stderr, "%s\n", err.msg), 1;
	in = fopen(csv, "r");
	if (!in)
		return perror(csv), 1;
	printf("Decode estimate vs measured llama.cpp tg (%s):\n", csv);
	while (fgets(line, sizeof(line), in) && n < MAX_ROWS) {
		char *f[10];
		double measured, predicted;

		line[strcspn(line, "\r\n")] = '\0';
		if (csv_fields(line, f, 10) < 7 || strcmp(f[0], "hardware") == 0 ||
		    strcmp(f[2], "cpu") == 0 || parse_double(f[5], &measured) < 0)
			continue;
		if (predict(&table, &cat, f, &predicted) < 0) {
			skipped++;
			continue;
		}
		snprintf(rows[n].backend, sizeof(rows[n].backend), "%s", f[2]);
		rows[n].error = predicted / measured - 1;
		printf("  %-36.36s %sx %-7s %-15s %-7s measured %7.1f  predicted %7.1f  %+6.1f%%\n",
		       f[0], f[1], f[2], f[3], f[4], measured, predicted, 100 * rows[n].error);
		n++;
	}
	fclose(in);
	printf("Summary (%d rows, %d skipped: GPU or model not in the tables):\n", n, skipped);
	summary(rows, n, "cuda");
	summary(rows, n, "metal");
	summary(rows, n, "vulkan");
	summary(rows, n, NULL);
	catalog_release(&cat);
	gpu_table_release(&table);
	return 0;
}
