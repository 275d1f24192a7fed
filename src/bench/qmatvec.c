/* qmatvec.c - threaded quantized matrix multiplication. */
#include "bench/qmatvec.h"

#include <stdint.h>
#include <stdlib.h>

#include "bench/parallel.h"

struct job {
	const struct qkernels *k;
	const struct qmatrix *w;
	const uint8_t *act;     /* ncols rows of quantized activations */
	size_t act_row_bytes, w_row_bytes;
	int ncols;
	float *y;
};

/* One thread's rows; each weight row meets every column while it is in L1. */
static void mul_rows(void *ctx, int i, int n)
{
	const struct job *j = ctx;
	qdot_fn dot = j->k->dot[j->w->type];
	const uint8_t *wdata = j->w->data;
	long begin, end;

	parallel_share(j->w->rows, i, n, &begin, &end);
	for (long r = begin; r < end; r++) {
		const uint8_t *row = wdata + (size_t)r * j->w_row_bytes;

		for (int c = 0; c < j->ncols; c++)
			j->y[(size_t)c * (size_t)j->w->rows + (size_t)r] =
				dot(j->w->cols, row, j->act + (size_t)c * j->act_row_bytes);
	}
}

int qmat_mul(const struct qkernels *k, const struct qmatrix *w,
	     const float *x, int ncols, float *y, int threads, struct parallel_timing *timing,
	     struct error *err)
{
	struct job j = {
		.k = k, .w = w, .ncols = ncols, .y = y,
		.act_row_bytes = qtype_act_row_bytes(w->type, w->cols),
		.w_row_bytes = qtype_row_bytes(w->type, w->cols),
	};
	uint8_t *act = malloc(j.act_row_bytes * (size_t)ncols);
	int rc;

	if (!act)
		return error_set(err, "matmul: out of memory for activations");
	for (int c = 0; c < ncols; c++)
		qtype_quantize_act(w->type, x + (size_t)c * (size_t)w->cols,
				   act + (size_t)c * j.act_row_bytes, w->cols);
	j.act = act;
	rc = parallel_run_timed(threads < 1 ? 1 : threads, mul_rows, &j, timing, err);
	free(act);
	return rc;
}
