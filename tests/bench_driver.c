/* bench_driver.c - runs bench_run() and prints its figures, one
 * "name value" pair per line, for tests/bench.sh (built by that script; not
 * a test suite). Usage: bench_driver [--threads N] [--full] [--seconds S]
 * [--llc-kib KIB] [--disk DIR]
 * (--llc-kib sizes the weights at 4x that: small values time the kernels
 * from cache, their compute ceiling) */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "util/numparse.h"

/* one progress line on a terminal, rewritten when the percentage moves */
static void progress(void *ctx, const char *phase, double fraction)
{
	int *shown = ctx, percent = (int)(fraction * 100);

	if (percent != *shown && isatty(2))
		fprintf(stderr, "\r%-8s %3d%%", phase, percent);
	*shown = percent;
}

int main(int argc, char **argv)
{
	int shown = -1;
	struct bench_options opts = { .progress = progress, .ctx = &shown };
	struct bench_result r;
	struct error err;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--full") == 0) {
			opts.full = true;
		} else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0) {
			if (parse_int(argv[++i], 1, 4096, &opts.threads) < 0)
				return 2;
		} else if (i + 1 < argc && strcmp(argv[i], "--seconds") == 0) {
			if (parse_double(argv[++i], &opts.budget_s) < 0)
				return 2;
		} else if (i + 1 < argc && strcmp(argv[i], "--llc-kib") == 0) {
			int kib;

			if (parse_int(argv[++i], 1, 1 << 22, &kib) < 0)
				return 2;
			opts.llc_bytes = (int64_t)kib << 10;
		} else if (i + 1 < argc && strcmp(argv[i], "--disk") == 0) {
			opts.disk = true;
			opts.disk_dir = argv[++i];
		} else {
			fprintf(stderr, "usage: %s [--threads N] [--full] [--seconds S] [--llc-kib KIB] [--disk DIR]\n", argv[0]);
			return 2;
		}
	}
	if (bench_run(&opts, &r, &err) < 0) {
		fprintf(stderr, "\nbench_driver: %s\n", err.msg);
		return 1;
	}
	if (isatty(2))
		fprintf(stderr, "\r%20s\r", "");
	printf("kernels %s\nthreads %d\nseconds %.2f\n", r.kernels, r.threads, r.seconds);
	for (int f = 0; f < BF_COUNT; f++)
		printf("%s %.2f\n", bench_figure_name((enum bench_figure)f), r.rate[f]);
	printf("dropped_passes %d\nparallel_share %.2f\n", r.dropped_passes, r.parallel_share);
	if (opts.disk)
		printf("disk_read_gbps %.3f\ndisk_direct %d\n", r.disk_read_gbps, r.disk_direct);
	return 0;
}
