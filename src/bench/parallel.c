/* parallel.c - fork-join over pthreads. */
#include "bench/parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct worker {
	pthread_t thread;
	void (*fn)(void *ctx, int i, int n);
	void *ctx;
	int i, n;
	double start_s, end_s, cpu_s;   /* monotonic wall clock; thread CPU time */
};

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void run_one(struct worker *w)
{
	double cpu0 = clock_s(CLOCK_THREAD_CPUTIME_ID);

	w->start_s = clock_s(CLOCK_MONOTONIC);
	w->fn(w->ctx, w->i, w->n);
	w->end_s = clock_s(CLOCK_MONOTONIC);
	w->cpu_s = clock_s(CLOCK_THREAD_CPUTIME_ID) - cpu0;
}

static void *worker_main(void *arg)
{
	run_one(arg);
	return NULL;
}

static void timing(const struct worker *w, int n, struct parallel_timing *t)
{
	double first = w[0].start_s, last = w[0].end_s;

	t->busy_s = 0;
	for (int i = 0; i < n; i++) {
		first = w[i].start_s < first ? w[i].start_s : first;
		last = w[i].end_s > last ? w[i].end_s : last;
		t->busy_s = w[i].cpu_s > t->busy_s ? w[i].cpu_s : t->busy_s;
	}
	t->span_s = last - first;
	t->share = 1;
	for (int i = 0; i < n && t->span_s > 0; i++)
		if (w[i].cpu_s / t->span_s < t->share)
			t->share = w[i].cpu_s / t->span_s;
}

int parallel_run(int n, void (*fn)(void *ctx, int i, int n), void *ctx,
		 struct error *err)
{
	return parallel_run_timed(n, fn, ctx, NULL, err);
}

int parallel_run_timed(int n, void (*fn)(void *ctx, int i, int n), void *ctx,
		       struct parallel_timing *t, struct error *err)
{
	struct worker *w = calloc((size_t)(n > 1 ? n : 1), sizeof(*w));
	int started = 1, rc = 0;

	if (!w)
		return error_set(err, "threads: out of memory");
	for (; started < n; started++) {
		w[started] = (struct worker){ .fn = fn, .ctx = ctx, .i = started, .n = n };
		if (pthread_create(&w[started].thread, NULL, worker_main, &w[started]) != 0)
			break;
	}
	w[0] = (struct worker){ .fn = fn, .ctx = ctx, .i = 0, .n = n };
	run_one(&w[0]);
	for (int i = started; i < n; i++) { /* could not start: do it here */
		w[i] = (struct worker){ .fn = fn, .ctx = ctx, .i = i, .n = n };
		run_one(&w[i]);
	}
	for (int i = 1; i < started; i++)
		pthread_join(w[i].thread, NULL);
	if (t)
		timing(w, n > 1 ? n : 1, t);
	if (started < n)
		rc = error_set(err, "threads: could not start thread %d of %d", started, n);
	free(w);
	return rc;
}

void parallel_share(long count, int i, int n, long *begin, long *end)
{
	*begin = count * i / n;
	*end = count * (i + 1) / n;
}
