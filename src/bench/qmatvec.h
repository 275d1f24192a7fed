/* qmatvec.h - quantized matrix times activations, rows split over threads.
 *
 * This is the shape of LLM token generation on a CPU: every weight byte is
 * read once per token, so the rate of a large matvec is the rate at which
 * the machine can generate. With several activation columns (prompt
 * processing) each weight row is reused from cache and the work turns
 * compute-bound.
 */
#ifndef CANIRUN_QMATVEC_H
#define CANIRUN_QMATVEC_H

#include <stdbool.h>

#include "util/errors.h"
#include "bench/parallel.h"
#include "bench/qblocks.h"

struct qmatrix {
	enum qtype type;
	int rows;
	int cols;               /* a multiple of the type's block */
	const void *data;       /* rows * qtype_row_bytes(type, cols) bytes */
	/* data is in k->packed's layout (qblocks.h), rows a multiple of its
	 * group: only where k->packed.gemm[type] is not NULL */
	bool packed;
	/* data is in the tiled layout (qblocks.h qtype_tile_pack), rows a
	 * multiple of k->tiles->rows: only where qmat_tiles(k, type) */
	bool tiled;
};

/* Whether kernel set k runs type t from packed groups (as llama.cpp runs
 * Q4_0 and Q8_0 on x86); rows in such a matrix must then be a multiple of
 * k->packed.group. */
bool qmat_packs(const struct qkernels *k, enum qtype t);

/* Whether kernel set k has tile products for type t (AMX). */
bool qmat_tiles(const struct qkernels *k, enum qtype t);

/* Whether set k makes one token of type t on the tiled layout (its own
 * one-column kernel there, as llama.cpp's AMX backend does for Q4_K and
 * Q6_K); a tiled matrix of another type takes one column as a batch. */
bool qmat_tiled_token(const struct qkernels *k, enum qtype t);

/* y[c][r] = sum_k W[r][k] * x[c][k] for ncols columns x[c] of w->cols
 * floats (x and y are row-major arrays the caller owns). The activations
 * are quantized once per call; rows (for a tiled matrix: products of
 * k->tiles->rows rows and up to k->tiles->cols columns) are split over
 * 'threads' threads using kernel set k. timing (may be NULL) says how the threads
 * really ran (parallel.h). Returns 0, or -1 with err (out of
 * memory, threads). */
int qmat_mul(const struct qkernels *k, const struct qmatrix *w,
	     const float *x, int ncols, float *y, int threads, struct parallel_timing *timing,
	     struct error *err);

#endif
