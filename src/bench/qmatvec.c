/* qmatvec.c - threaded quantized matrix multiplication. */
#include "bench/qmatvec.h"

#include <stdint.h>
#include <stdlib.h>

#include "bench/parallel.h"

struct job {
	const struct qkernels *k;
	const struct qmatrix *w;
	const uint8_t *act;     /* ncols rows of quantized activations */
	const int32_t *act_sums; /* packed matrices: ncols x blocks sums of act */
	size_t act_row_bytes, w_row_bytes;
	int ncols;
	float *y;
};

bool qmat_packs(const struct qkernels *k, enum qtype t)
{
	return k->packed.group > 0 && k->packed.gemm[t] != NULL;
}

bool qmat_tiles(const struct qkernels *k, enum qtype t)
{
	return k->tiles && k->tiles->gemm[t] != NULL;
}

/* One thread's rows; each weight row meets every column while it is in L1.
 * Several columns go through the set's plain-row tiles where it has them,
 * QPLAIN_ROWS rows at a time (the rows past the last whole tile by dots). */
static void mul_rows(void *ctx, int i, int n)
{
	const struct job *j = ctx;
	qdot_fn dot = j->k->dot[j->w->type];
	qplain_gemm_fn tiles = j->ncols > 1 ? j->k->plain_gemm[j->w->type] : NULL;
	const uint8_t *wdata = j->w->data;
	long unit = tiles ? QPLAIN_ROWS : 1, begin, end;

	parallel_share((j->w->rows + unit - 1) / unit, i, n, &begin, &end);
	begin *= unit;
	end = end * unit < j->w->rows ? end * unit : j->w->rows;
	if (tiles) {
		long whole = (end - begin) / QPLAIN_ROWS * QPLAIN_ROWS;

		tiles(j->w->cols, wdata + (size_t)begin * j->w_row_bytes, j->w_row_bytes, (int)whole, j->act,
		      j->act_row_bytes, j->ncols, j->y + begin, (size_t)j->w->rows);
		begin += whole;
	}
	for (long r = begin; r < end; r++) {
		const uint8_t *row = wdata + (size_t)r * j->w_row_bytes;

		for (int c = 0; c < j->ncols; c++)
			j->y[(size_t)c * (size_t)j->w->rows + (size_t)r] =
				dot(j->w->cols, row, j->act + (size_t)c * j->act_row_bytes);
	}
}

/* One thread's packed groups, every column at once; one column a few
 * groups at once where the set has a gemv. */
static void mul_groups(void *ctx, int i, int n)
{
	const struct job *j = ctx;
	int group = j->k->packed.group;
	size_t group_bytes = (size_t)group * j->w_row_bytes;
	qgemv_fn gemv = j->k->packed.gemv[j->w->type];
	long begin, end;

	parallel_share(j->w->rows / group, i, n, &begin, &end);
	if (j->ncols == 1 && gemv) {
		for (long g = begin; g < end; g += QGEMV_GROUPS)
			gemv(j->w->cols, (const uint8_t *)j->w->data + (size_t)g * group_bytes,
			     end - g < QGEMV_GROUPS ? (int)(end - g) : QGEMV_GROUPS, j->act, j->act_sums,
			     j->y + (size_t)g * (size_t)group);
		return;
	}
	for (long g = begin; g < end; g++)
		j->k->packed.gemm[j->w->type](j->w->cols, (const uint8_t *)j->w->data + (size_t)g * group_bytes,
					      j->act, j->act_row_bytes, j->act_sums, j->ncols,
					      j->y + (size_t)g * (size_t)group, (size_t)j->w->rows);
}

/* One thread's tile products, numbered column block after column block
 * (mmq.cpp's order: a thread's products share activations). */
static void mul_tiles(void *ctx, int i, int n)
{
	const struct job *j = ctx;
	const struct qtiles *tl = j->k->tiles;
	int row_blocks = j->w->rows / tl->rows, col_blocks = (j->ncols + tl->cols - 1) / tl->cols;
	size_t block_bytes = qtype_tiled_bytes(j->w->type, tl->rows, j->w->cols);
	long begin, end;

	parallel_share((long)row_blocks * col_blocks, i, n, &begin, &end);
	for (long p = begin; p < end; p++) {
		int first = (int)(p / row_blocks) * tl->cols, rb = (int)(p % row_blocks);
		int cols = j->ncols - first < tl->cols ? j->ncols - first : tl->cols;

		tl->gemm[j->w->type](j->w->cols, (const uint8_t *)j->w->data + (size_t)rb * block_bytes,
				     j->act + (size_t)first * j->act_row_bytes, j->act_row_bytes, cols,
				     j->y + (size_t)first * (size_t)j->w->rows + (size_t)rb * (size_t)tl->rows,
				     (size_t)j->w->rows);
	}
}

bool qmat_tiled_token(const struct qkernels *k, enum qtype t)
{
	return qmat_tiles(k, t) && k->tiles->gemv[t] != NULL;
}

/* One thread's tiles for one column, QTILE_GEMV_TILES at a time (mmq.cpp
 * shares a token's rows between threads in blocks of 64). */
static void mul_tile_column(void *ctx, int i, int n)
{
	const struct job *j = ctx;
	long tiles = j->w->rows / QTILE_ROWS, begin, end;
	size_t tile_bytes = qtype_tiled_bytes(j->w->type, QTILE_ROWS, j->w->cols);

	parallel_share((tiles + QTILE_GEMV_TILES - 1) / QTILE_GEMV_TILES, i, n, &begin, &end);
	for (long b = begin; b < end; b++) {
		long first = b * QTILE_GEMV_TILES, count = tiles - first < QTILE_GEMV_TILES ? tiles - first : QTILE_GEMV_TILES;

		j->k->tiles->gemv[j->w->type](j->w->cols, (const uint8_t *)j->w->data + (size_t)first * tile_bytes,
					      (int)count, j->act, j->y + (size_t)first * QTILE_ROWS);
	}
}

static void (*worker_for(const struct qkernels *k, const struct qmatrix *w, int ncols))(void *, int, int)
{
	if (w->tiled)
		return ncols == 1 && qmat_tiled_token(k, w->type) ? mul_tile_column : mul_tiles;
	return w->packed ? mul_groups : mul_rows;
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
	int nb = w->cols / qtype_block_weights(w->type);
	uint8_t *act = malloc(j.act_row_bytes * (size_t)ncols);
	int32_t *sums = w->packed ? malloc(sizeof(*sums) * (size_t)nb * (size_t)ncols) : NULL;
	int rc;

	if (!act || (w->packed && !sums)) {
		free(act);
		free(sums);
		return error_set(err, "matmul: out of memory for activations");
	}
	for (int c = 0; c < ncols; c++) {
		uint8_t *a = act + (size_t)c * j.act_row_bytes;

		qtype_quantize_act(w->type, x + (size_t)c * (size_t)w->cols, a, w->cols);
		if (sums)
			qtype_act_sums(a, w->cols, sums + (size_t)c * (size_t)nb);
	}
	j.act = act;
	j.act_sums = sums;
	rc = parallel_run_timed(threads < 1 ? 1 : threads, worker_for(k, w, ncols), &j, timing, err);
	free(act);
	free(sums);
	return rc;
}
