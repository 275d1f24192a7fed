/* parallel.h - run one function on N threads and wait for all of them.
 *
 * Threads are made per call: the callers (matvec, the bench) do
 * milliseconds of work per call, so a pool would save nothing measurable.
 */
#ifndef CANIRUN_PARALLEL_H
#define CANIRUN_PARALLEL_H

#include "util/errors.h"

/* Calls fn(ctx, i, n) for i = 0..n-1, each on its own thread (i = 0 on the
 * caller's), and returns when all have returned. Returns 0, or -1 with err
 * when a thread cannot be started (the started ones are joined first and
 * the missing shares run on the caller's thread, so the work is done). */
int parallel_run(int n, void (*fn)(void *ctx, int i, int n), void *ctx,
		 struct error *err);

/* How a run's threads really ran. share: the lowest, over the threads, of
 * the CPU time a thread spent in fn divided by the span from the first
 * thread's start to the last one's end; near 1 when every thread had a core
 * throughout, about 1/n when they took turns on one. busy_s: the longest
 * CPU time of a thread, what the run takes when no other process
 * interferes. */
struct parallel_timing {
	double share, span_s, busy_s;
};

/* parallel_run that also fills t (may be NULL). */
int parallel_run_timed(int n, void (*fn)(void *ctx, int i, int n), void *ctx,
		       struct parallel_timing *t, struct error *err);

/* The share [*begin, *end) of 'count' items that worker i of n takes. */
void parallel_share(long count, int i, int n, long *begin, long *end);

#endif
