/* parallel.c - fork-join over pthreads. */
#include "bench/parallel.h"

#include <pthread.h>
#include <stdlib.h>

struct worker {
	pthread_t thread;
	void (*fn)(void *ctx, int i, int n);
	void *ctx;
	int i, n;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->fn(w->ctx, w->i, w->n);
	return NULL;
}

int parallel_run(int n, void (*fn)(void *ctx, int i, int n), void *ctx,
		 struct error *err)
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
	fn(ctx, 0, n);
	for (int i = started; i < n; i++) /* could not start: do it here */
		fn(ctx, i, n);
	for (int i = 1; i < started; i++)
		pthread_join(w[i].thread, NULL);
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
