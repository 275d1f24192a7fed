/* test_qblocks.c - block quantization and every kernel path against the
 * scalar reference. Paths this CPU lacks are skipped and listed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/qblocks.h"
#include "bench/qmatvec.h"
#include "testlib.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static float rnd_float(float lo, float hi)
{
	return lo + (hi - lo) * (float)(rnd() & 0xffffff) / (float)0x1000000;
}

static int rnd_int(int lo, int hi) { return lo + (int)(rnd() % (uint32_t)(hi - lo + 1)); }

static void test_half_known_values(void)
{
	CHECK_INT(qhalf_from_float(1.0f), 0x3c00);
	CHECK_INT(qhalf_from_float(-2.0f), 0xc000);
	CHECK_INT(qhalf_from_float(65504.0f), 0x7bff);
	CHECK_INT(qhalf_from_float(1e6f), 0x7c00);
	CHECK_INT(qhalf_from_float(0.1f), 0x2e66);          /* 0.0999755859375 */
	CHECK_INT(qhalf_from_float(5.9604645e-8f), 0x0001); /* 2^-24 */
	CHECK_INT(qhalf_from_float(1.0f + 1.0f / 2048), 0x3c00); /* tie: to even */
	CHECK_INT(qhalf_from_float(1.0f + 3.0f / 2048), 0x3c02);
	CHECK_NEAR(qhalf_to_float(0x3555), 0.333251953125, 0);
	CHECK_NEAR(qhalf_to_float(0x8001), -5.9604644775390625e-8, 0);
}

static void test_half_round_trip_all(void)
{
	int bad = 0;

	for (int h = 0; h < 0x10000; h++) {
		bool nan = (h & 0x7c00) == 0x7c00 && (h & 0x3ff);

		if (!nan && qhalf_from_float(qhalf_to_float((qhalf)h)) != h)
			bad++;
	}
	CHECK_INT(bad, 0);
}

/* Largest |x - dequantize(quantize(x))| over n uniform values in
 * [-1, 1], each divided by the worst error the type's step allows. */
static double worst_error_ratio(enum qtype t, int n)
{
	float *x = malloc(sizeof(float) * (size_t)n), *back = malloc(sizeof(float) * (size_t)n);
	void *w = malloc(qtype_row_bytes(t, n));
	double worst = 0;

	for (int i = 0; i < n; i++)
		x[i] = rnd_float(-1, 1);
	qtype_quantize(t, x, w, n);
	qtype_dequantize(t, w, back, n);
	/* Allowed, in steps of the type (the data's amax is 1): Q8_0 half
	 * a step of amax/127; Q4_0 one step of amax/8 (the far end clamps to
	 * 15); Q4_K 1.5 steps of a sub-block range/15 (the scale and min are
	 * rounded up); Q6_K one step of amax/31 (its scale is rounded up).
	 * Plus the binary16 scale's rounding, 2^-11 of the largest |q|. */
	double step = t == QT_Q8_0 ? 1.0 / 127 : t == QT_Q4_0 ? 1.0 / 8 :
		      t == QT_Q4_K ? 2.0 / 15 : 1.0 / 31;
	double steps = t == QT_Q8_0 ? 0.5 : t == QT_Q4_K ? 1.5 : 1.0;
	double qmax = t == QT_Q8_0 ? 127 : t == QT_Q4_0 ? 8 : t == QT_Q4_K ? 15 : 32;
	double allowed = step * (steps + qmax / 2048);

	for (int i = 0; i < n; i++) {
		double r = fabs(x[i] - back[i]) / allowed;

		if (r > worst)
			worst = r;
	}
	free(x);
	free(back);
	free(w);
	return worst;
}

static void test_quantize_error_bounds(void)
{
	for (int t = 0; t < QT_COUNT; t++) {
		double r = worst_error_ratio((enum qtype)t, 4096);

		if (!CHECK(r <= 1.0))
			fprintf(stderr, "  %s: worst error %.3f of the bound\n", qtype_name((enum qtype)t), r);
		CHECK(r > 0.2); /* a real quantization, not a copy */
	}
}

static void test_block_sizes(void)
{
	CHECK_INT(qtype_row_bytes(QT_Q4_0, 4096), 4096 / 32 * 18);
	CHECK_INT(qtype_row_bytes(QT_Q8_0, 4096), 4096 / 32 * 34);
	CHECK_INT(qtype_row_bytes(QT_Q4_K, 4096), 4096 / 256 * 144);
	CHECK_INT(qtype_row_bytes(QT_Q6_K, 4096), 4096 / 256 * 210);
	CHECK_INT(qtype_act_row_bytes(QT_Q4_0, 64), 68);
	CHECK_INT(qtype_act_row_bytes(QT_Q6_K, 512), 584);
}

/* Q4_K scale packing, checked against get_scale_min_k4 of ggml-quants.c
 * written out byte by byte for sub-blocks 1 and 6. */
static void test_q4k_scale_layout(void)
{
	float x[QK_K], back[QK_K];
	struct block_q4_K b;
	int sc1, m1, sc6, m6;

	for (int i = 0; i < QK_K; i++)
		x[i] = rnd_float(-1, 1) * (float)(1 + i / 32);
	qtype_quantize(QT_Q4_K, x, &b, QK_K);
	sc1 = b.scales[1] & 63;
	m1 = b.scales[5] & 63;
	sc6 = (b.scales[10] & 0xf) | ((b.scales[2] >> 6) << 4);
	m6 = (b.scales[10] >> 4) | ((b.scales[6] >> 6) << 4);
	qtype_dequantize(QT_Q4_K, &b, back, QK_K);
	/* weight 32 is the low nibble of qs[32]; weight 6*32 = 192: chunk 3,
	 * low nibble of qs[96] */
	CHECK_NEAR(back[32], qhalf_to_float(b.d) * sc1 * (b.qs[0] >> 4) - qhalf_to_float(b.dmin) * m1, 1e-6);
	CHECK_NEAR(back[192], qhalf_to_float(b.d) * sc6 * (b.qs[96] & 0xf) - qhalf_to_float(b.dmin) * m6, 1e-6);
}

/* Q6_K: weight 64+l = (ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4, less 32 */
static void test_q6k_bit_layout(void)
{
	float x[QK_K], back[QK_K];
	struct block_q6_K b;

	for (int i = 0; i < QK_K; i++)
		x[i] = rnd_float(-1, 1);
	qtype_quantize(QT_Q6_K, x, &b, QK_K);
	qtype_dequantize(QT_Q6_K, &b, back, QK_K);
	for (int l = 0; l < 32; l += 7) {
		int q = ((b.ql[l] >> 4) | ((b.qh[l] >> 4) & 3) << 4) - 32;

		CHECK_NEAR(back[64 + l], qhalf_to_float(b.d) * b.scales[(64 + l) / 16] * q, 1e-6);
	}
}

/* Random blocks with sane scales. exact: every scale 1 and activations
 * in -4..4, so that each sum is an integer a float holds exactly. */
static void fill_weights(enum qtype t, uint8_t *w, int n, bool exact)
{
	size_t bytes = qtype_row_bytes(t, n);
	int bw = qtype_block_weights(t);

	for (size_t i = 0; i < bytes; i++)
		w[i] = (uint8_t)rnd();
	for (int b = 0; b < n / bw; b++) {
		qhalf d = exact ? 0x3c00 : qhalf_from_float(rnd_float(0.001f, 0.1f));

		if (t == QT_Q4_0)
			((struct block_q4_0 *)w)[b].d = d;
		else if (t == QT_Q8_0)
			((struct block_q8_0 *)w)[b].d = d;
		else if (t == QT_Q4_K)
			((struct block_q4_K *)w)[b].d = ((struct block_q4_K *)w)[b].dmin = d;
		else
			((struct block_q6_K *)w)[b].d = d;
	}
}

static void fill_acts(enum qtype t, void *a, int n, bool exact)
{
	int lim = exact ? 4 : 127;

	if (t == QT_Q4_0 || t == QT_Q8_0) {
		struct block_q8_0 *y = a;

		for (int b = 0; b < n / QK8_0; b++) {
			y[b].d = exact ? 0x3c00 : qhalf_from_float(rnd_float(0.001f, 0.05f));
			for (int j = 0; j < QK8_0; j++)
				y[b].qs[j] = (int8_t)rnd_int(-lim, lim);
		}
	} else {
		struct block_q8_K *y = a;

		for (int b = 0; b < n / QK_K; b++) {
			y[b].d = exact ? 1.0f : rnd_float(0.001f, 0.05f);
			memset(y[b].bsums, 0, sizeof(y[b].bsums));
			for (int j = 0; j < QK_K; j++) {
				y[b].qs[j] = (int8_t)rnd_int(-lim, lim);
				y[b].bsums[j / 16] = (int16_t)(y[b].bsums[j / 16] + y[b].qs[j]);
			}
		}
	}
}

/* sum of |w * a| from the dequantized values: the scale of rounding error */
static double abs_dot(enum qtype t, const void *w, const void *a, int n)
{
	float *wx = malloc(sizeof(float) * (size_t)n), *ax = malloc(sizeof(float) * (size_t)n);
	double s = 0;

	qtype_dequantize(t, w, wx, n);
	for (int i = 0; i < n; i++) {
		if (t == QT_Q4_0 || t == QT_Q8_0) {
			const struct block_q8_0 *y = a;

			ax[i] = y[i / 32].qs[i % 32] * qhalf_to_float(y[i / 32].d);
		} else {
			const struct block_q8_K *y = a;

			ax[i] = y[i / QK_K].qs[i % QK_K] * y[i / QK_K].d;
		}
		s += fabs((double)wx[i] * ax[i]);
	}
	free(wx);
	free(ax);
	return s;
}

static const int block_counts[] = { 1, 2, 3, 5, 7, 33, 129 };

/* Compares kernel set k with the scalar reference on every type, block
 * count and many random rows; returns the number of mismatches. */
static int compare_with_scalar(const struct qkernels *k, bool exact)
{
	const struct qkernels *ref = qk_get(QISA_SCALAR);
	int bad = 0;

	for (int t = 0; t < QT_COUNT; t++) {
		for (size_t c = 0; c < sizeof(block_counts) / sizeof(block_counts[0]); c++) {
			int n = block_counts[c] * qtype_block_weights((enum qtype)t);
			uint8_t *w = malloc(qtype_row_bytes((enum qtype)t, n));
			void *a = malloc(qtype_act_row_bytes((enum qtype)t, n));

			for (int rep = 0; rep < 20; rep++) {
				float want, got;
				double tol;

				fill_weights((enum qtype)t, w, n, exact);
				fill_acts((enum qtype)t, a, n, exact);
				want = ref->dot[t](n, w, a);
				got = k->dot[t](n, w, a);
				tol = exact ? 0 : 1e-5 * abs_dot((enum qtype)t, w, a, n);
				if (!(fabs(want - got) <= tol)) {
					if (bad++ < 5)
						fprintf(stderr, "  %s %s n=%d: got %.9g, want %.9g\n", k->name,
							qtype_name((enum qtype)t), n, got, want);
				}
			}
			free(w);
			free(a);
		}
	}
	return bad;
}

/* How many of the product out[c * rows + r] (plain rows at w, columns at
 * a, of n weights) differ from the scalar dots; the first few are printed
 * while earlier ones (already_bad) leave room. */
static int mismatches(const struct qkernels *k, enum qtype t, const char *what, int n, const uint8_t *w,
		      const uint8_t *a, int rows, int cols, const float *out, int already_bad)
{
	const struct qkernels *ref = qk_get(QISA_SCALAR);
	size_t rb = qtype_row_bytes(t, n), ab = qtype_act_row_bytes(t, n);
	int bad = 0;

	for (int i = 0; i < rows; i++)
		for (int c = 0; c < cols; c++) {
			float want = ref->dot[t](n, w + i * rb, a + c * ab), got = out[c * rows + i];

			if (got != want && already_bad + bad++ < 5)
				fprintf(stderr, "  %s %s %s n=%d row %d col %d: got %.9g, want %.9g\n", k->name,
					qtype_name(t), what, n, i, c, got, want);
		}
	return bad;
}

/* Set k's packed kernel for type t, on a group packed by qtype_pack from
 * exact plain rows, gives each row's reference dot with each of 6 columns
 * (a pass of 4 and one of 2); returns the number of mismatches. */
static int compare_packed(const struct qkernels *k, enum qtype t)
{
	enum { COLS = 6 };
	int group = k->packed.group, bad = 0;

	for (size_t bc = 0; bc < sizeof(block_counts) / sizeof(block_counts[0]); bc++) {
		int n = block_counts[bc] * qtype_block_weights(t), nb = n / QK8_0;
		size_t rb = qtype_row_bytes(t, n), ab = qtype_act_row_bytes(t, n);
		uint8_t *w = malloc(rb * (size_t)group), *p = malloc(rb * (size_t)group), *a = malloc(ab * COLS);
		int32_t *sums = malloc(sizeof(*sums) * (size_t)nb * COLS);
		float *out = malloc(sizeof(float) * (size_t)group * COLS);

		for (int i = 0; i < group; i++)
			fill_weights(t, w + i * rb, n, true);
		for (int c = 0; c < COLS; c++) {
			fill_acts(t, a + c * ab, n, true);
			qtype_act_sums(a + c * ab, n, sums + c * nb);
		}
		qtype_pack(t, group, w, p, n);
		k->packed.gemm[t](n, p, a, ab, sums, COLS, out, (size_t)group);
		bad += mismatches(k, t, "packed", n, w, a, group, COLS, out, bad);
		free(w);
		free(p);
		free(a);
		free(sums);
		free(out);
	}
	return bad;
}

/* A set's plain-row tiles against the scalar dots, exactly (integer
 * scales): two tiles of rows by 5 columns (the last alone in its tile),
 * at every row length. */
static int compare_plain(const struct qkernels *k, enum qtype t)
{
	enum { ROWS = 2 * QPLAIN_ROWS, COLS = 5 };
	int bad = 0;

	for (size_t bc = 0; bc < sizeof(block_counts) / sizeof(block_counts[0]); bc++) {
		int n = block_counts[bc] * qtype_block_weights(t);
		size_t rb = qtype_row_bytes(t, n), ab = qtype_act_row_bytes(t, n);
		uint8_t *w = malloc(rb * ROWS), *a = malloc(ab * COLS);
		float out[ROWS * COLS];

		for (int i = 0; i < ROWS; i++)
			fill_weights(t, w + i * rb, n, true);
		for (int c = 0; c < COLS; c++)
			fill_acts(t, a + c * ab, n, true);
		k->plain_gemm[t](n, w, rb, ROWS, a, ab, COLS, out, ROWS);
		bad += mismatches(k, t, "plain tiles", n, w, a, ROWS, COLS, out, bad);
		free(w);
		free(a);
	}
	return bad;
}

static bool has_plain(const struct qkernels *k, enum qtype t)
{
	return k->plain_gemm[t] != NULL;
}

/* compare(k, t) for every type t of set k that has(k, t) */
static int compare_types(const struct qkernels *k, bool (*has)(const struct qkernels *, enum qtype),
			 int (*compare)(const struct qkernels *, enum qtype))
{
	int bad = 0;

	for (int t = 0; t < QT_COUNT; t++)
		if (has(k, (enum qtype)t))
			bad += compare(k, (enum qtype)t);
	return bad;
}

static void test_simd_paths_match_scalar(void)
{
	int tested = 0, skipped = 0;
	static const char *const names[QISA_COUNT] = { "scalar", "avx2", "avx512-vnni", "neon-dotprod", "amx-int8" };

	for (int isa = QISA_SCALAR + 1; isa < QISA_COUNT; isa++) {
		const struct qkernels *k = qk_get((enum qisa)isa);

		if (!k) {
			printf("qblocks: skipped %s (not on this CPU or build)\n", names[isa]);
			skipped++;
			continue;
		}
		CHECK_INT(compare_with_scalar(k, false), 0);
		CHECK_INT(compare_with_scalar(k, true), 0);
		CHECK_INT(compare_types(k, qmat_packs, compare_packed), 0);
		CHECK_INT(compare_types(k, has_plain, compare_plain), 0);
		tested++;
	}
	printf("qblocks: SIMD kernel paths tested %d, skipped %d\n", tested, skipped);
	CHECK_INT(tested + skipped, QISA_COUNT - 1);
}

/* The scalar kernels against a double-precision dot of dequantized data. */
static void test_scalar_dot_matches_dequantized(void)
{
	enum { N = 1024 };
	float x[N], act[N], wx[N];

	for (int t = 0; t < QT_COUNT; t++) {
		uint8_t w[N * 2], a[N * 2];
		double want = 0, absum = 0;

		for (int i = 0; i < N; i++) {
			x[i] = rnd_float(-1, 1);
			act[i] = rnd_float(-1, 1);
		}
		qtype_quantize((enum qtype)t, x, w, N);
		qtype_quantize_act((enum qtype)t, act, a, N);
		qtype_dequantize((enum qtype)t, w, wx, N);
		absum = abs_dot((enum qtype)t, w, a, N);
		/* activations round to 1/127 of their block's amax */
		for (int i = 0; i < N; i++)
			want += (double)wx[i] * act[i];
		CHECK_NEAR(qk_get(QISA_SCALAR)->dot[t](N, w, a), want, absum * 0.01);
	}
}

static void test_read_sum_paths(void)
{
	enum { BYTES = 4096 };
	uint64_t *buf = aligned_alloc(64, BYTES), want = 0;

	for (int i = 0; i < BYTES / 8; i++) {
		buf[i] = (uint64_t)rnd() << 20 | rnd();
		want += buf[i];
	}
	for (int isa = 0; isa < QISA_COUNT; isa++) {
		const struct qkernels *k = qk_get((enum qisa)isa);

		if (k)
			CHECK(k->read_sum(buf, BYTES) == want);
	}
	free(buf);
}

static void test_best_and_features(void)
{
	char names[24][16];
	int n = qk_cpu_simd(names, 24);
	const struct qkernels *best = qk_best();

	CHECK(best != NULL);
	CHECK(n >= 0 && n <= 24);
	/* the best set's features are among those reported */
	if (strcmp(best->name, "avx2") == 0 || strcmp(best->name, "avx512-vnni") == 0) {
		bool avx2 = false;

		for (int i = 0; i < n; i++)
			avx2 |= strcmp(names[i], "avx2") == 0;
		CHECK(avx2);
	}
	CHECK_INT(qk_cpu_simd(names, 1), n > 0 ? 1 : 0);
}

/* qmat_mul gives each row's dot with each column on two threads, for 6
 * columns and for one (token generation: the kernel set's gemv, several
 * groups at once), over 7 plain rows or, where the best kernel set packs
 * the type, 7 groups packed by qtype_pack (split 4 + 3 over the threads:
 * a whole gemv pass and a partial one); and over 7 plain rows where the
 * set packs the type, for 5 columns (its plain-row tiles, where it has
 * them, take 4 rows on one thread and leave 3 to dots on the other). */
static void check_matmul(enum qtype t, int cols, bool plain)
{
	enum { GROUPS = 7, MAX_COLS = 6, N = 256 }; /* a whole Q8_K block: the k-quant dots take 256-weight rows */
	const struct qkernels *k = qk_best();
	bool packed = !plain && qmat_packs(k, t);
	int rows = packed ? GROUPS * k->packed.group : 7;
	size_t rb = qtype_row_bytes(t, N), ab = qtype_act_row_bytes(t, N);
	uint8_t *w = malloc(rb * (size_t)rows), *p = malloc(rb * (size_t)rows), *act = malloc(ab);
	float x[MAX_COLS * N], *y = malloc(sizeof(float) * MAX_COLS * (size_t)rows);
	struct qmatrix m = { t, rows, N, packed ? p : w, packed, false };
	struct parallel_timing timing;
	struct error err = { 0 };

	for (int r = 0; r < rows; r++)
		fill_weights(t, w + r * rb, N, false);
	for (int g = 0; packed && g < GROUPS; g++)
		qtype_pack(t, k->packed.group, w + (size_t)g * k->packed.group * rb,
			   p + (size_t)g * k->packed.group * rb, N);
	for (int i = 0; i < MAX_COLS * N; i++)
		x[i] = (float)((i * 37) % 29) / 7.0f - 2.0f;
	CHECK_INT(qmat_mul(k, &m, x, cols, y, 2, &timing, &err), 0);
	for (int c = 0; c < cols; c++) {
		qtype_quantize_act(t, x + c * N, act, N);
		for (int r = 0; r < rows; r++) {
			double want = k->dot[t](N, w + r * rb, act);

			CHECK_NEAR(y[c * rows + r], want, 1e-5 * abs_dot(t, w + r * rb, act, N));
		}
	}
	free(w);
	free(p);
	free(act);
	free(y);
}

static void test_matmul_matches_dots(void)
{
	for (int t = 0; t < QT_COUNT; t++) {
		check_matmul((enum qtype)t, 6, false);
		check_matmul((enum qtype)t, 1, false);
		check_matmul((enum qtype)t, 5, true);
	}
}

/* `rows` (a multiple of QTILE_ROWS) plain rows of n weights of type t at
 * w into the tiled layout at tiled, tile after tile. */
static void tile_rows(enum qtype t, const uint8_t *w, int rows, int n, uint8_t *tiled)
{
	size_t rb = qtype_row_bytes(t, n);

	for (int g = 0; g < rows / QTILE_ROWS; g++)
		qtype_tile_pack(t, w + (size_t)g * QTILE_ROWS * rb, tiled + qtype_tiled_bytes(t, g * QTILE_ROWS, n), n);
}

/* Two row tiles (32 rows) of exact weights, tiled by qtype_tile_pack,
 * against `cols` exact activation columns through set k's tile product:
 * every result must equal the scalar dot (integer sums a float holds);
 * returns the number of mismatches. */
static int compare_tiles(const struct qkernels *k, enum qtype t, int blocks, int cols)
{
	int n = blocks * qtype_block_weights(t), rows = k->tiles->rows, bad = 0;
	size_t rb = qtype_row_bytes(t, n), ab = qtype_act_row_bytes(t, n);
	uint8_t *w = malloc(rb * (size_t)rows), *a = malloc(ab * (size_t)cols);
	uint8_t *tiled = malloc(qtype_tiled_bytes(t, rows, n));
	float *out = malloc(sizeof(float) * (size_t)rows * (size_t)cols);

	for (int r = 0; r < rows; r++)
		fill_weights(t, w + r * rb, n, true);
	for (int c = 0; c < cols; c++)
		fill_acts(t, a + c * ab, n, true);
	tile_rows(t, w, rows, n, tiled);
	k->tiles->gemm[t](n, tiled, a, ab, cols, out, (size_t)rows);
	for (int c = 0; c < cols; c++)
		for (int r = 0; r < rows; r++) {
			float want = qk_get(QISA_SCALAR)->dot[t](n, w + r * rb, a + c * ab);

			if (out[c * rows + r] != want && bad++ < 5)
				fprintf(stderr, "  %s tiles n=%d cols=%d row %d col %d: got %.9g, want %.9g\n",
					qtype_name(t), n, cols, r, c, out[c * rows + r], want);
		}
	free(w);
	free(a);
	free(tiled);
	free(out);
	return bad;
}

/* The AMX tile products of every type equal the scalar reference on
 * uneven sizes: 1 to 9 blocks, 1 to 32 columns (one tile of columns, part
 * of one, two, part of the second). Skipped where the CPU has no AMX or
 * the kernel grants no tile data. */
static void test_tiles_match_scalar(void)
{
	static const int block_list[] = { 1, 2, 3, 9 }, col_list[] = { 1, 5, 16, 17, 32 };
	const struct qkernels *k = qk_get(QISA_AMX);

	if (!k) {
		printf("qblocks: skipped amx-int8 tile products (not on this CPU, build or kernel)\n");
		return;
	}
	for (int t = 0; t < QT_COUNT; t++) {
		CHECK(qmat_tiles(k, (enum qtype)t));
		for (size_t b = 0; b < sizeof(block_list) / sizeof(block_list[0]); b++)
			for (size_t c = 0; c < sizeof(col_list) / sizeof(col_list[0]); c++)
				CHECK_INT(compare_tiles(k, (enum qtype)t, block_list[b], col_list[c]), 0);
	}
}

/* qmat_mul on a tiled matrix of 96 rows (three tile pairs) on two
 * threads, against each row's dot with the quantized columns: 40 columns
 * (a full block of 32 and 8 more), and one (Q4_K and Q6_K through the
 * one-token kernel: a call of 4 tiles on one thread, of 2 on the other). */
static void check_tiled_matmul(enum qtype t, int cols)
{
	enum { ROWS = 96, N = 512 };
	const struct qkernels *k = qk_get(QISA_AMX);
	size_t rb = qtype_row_bytes(t, N), ab = qtype_act_row_bytes(t, N);
	uint8_t *w = malloc(rb * ROWS), *tiled = malloc(qtype_tiled_bytes(t, ROWS, N)), *act = malloc(ab);
	float *x = malloc(sizeof(float) * (size_t)cols * N), *y = malloc(sizeof(float) * (size_t)cols * ROWS);
	struct qmatrix m = { t, ROWS, N, tiled, false, true };
	struct parallel_timing timing;
	struct error err = { 0 };

	for (int r = 0; r < ROWS; r++)
		fill_weights(t, w + r * rb, N, false);
	tile_rows(t, w, ROWS, N, tiled);
	for (int i = 0; i < cols * N; i++)
		x[i] = (float)((i * 37) % 29) / 7.0f - 2.0f;
	CHECK_INT(qmat_mul(k, &m, x, cols, y, 2, &timing, &err), 0);
	for (int c = 0; c < cols; c++) {
		qtype_quantize_act(t, x + c * N, act, N);
		for (int r = 0; r < ROWS; r++)
			CHECK_NEAR(y[c * ROWS + r], qk_get(QISA_SCALAR)->dot[t](N, w + r * rb, act),
				   1e-5 * abs_dot(t, w + r * rb, act, N));
	}
	free(w);
	free(tiled);
	free(act);
	free(x);
	free(y);
}

static void test_tiled_matmul_matches_dots(void)
{
	const struct qkernels *k = qk_get(QISA_AMX);

	if (!k) {
		printf("qblocks: skipped tiled qmat_mul (no amx-int8 here)\n");
		return;
	}
	CHECK(qmat_tiled_token(k, QT_Q4_K) && qmat_tiled_token(k, QT_Q6_K));
	CHECK(!qmat_tiled_token(k, QT_Q4_0) && !qmat_tiled_token(k, QT_Q8_0));
	for (int t = 0; t < QT_COUNT; t++) {
		check_tiled_matmul((enum qtype)t, 40);
		check_tiled_matmul((enum qtype)t, 1);
	}
}

/* `tiles` tiles of exact weights against one exact Q8_K column through
 * set k's one-token kernel: every row must equal the scalar dot; returns
 * the number of mismatches. */
static int compare_tile_gemv(const struct qkernels *k, enum qtype t, int blocks, int tiles)
{
	int n = blocks * QK_K, rows = tiles * QTILE_ROWS, bad = 0;
	size_t rb = qtype_row_bytes(t, n), ab = qtype_act_row_bytes(t, n);
	uint8_t *w = malloc(rb * (size_t)rows), *a = malloc(ab), *tiled = malloc(qtype_tiled_bytes(t, rows, n));
	float out[QTILE_GEMV_TILES * QTILE_ROWS];

	for (int r = 0; r < rows; r++)
		fill_weights(t, w + r * rb, n, true);
	fill_acts(t, a, n, true);
	tile_rows(t, w, rows, n, tiled);
	k->tiles->gemv[t](n, tiled, tiles, a, out);
	for (int r = 0; r < rows; r++) {
		float want = qk_get(QISA_SCALAR)->dot[t](n, w + r * rb, a);

		if (out[r] != want && bad++ < 5)
			fprintf(stderr, "  %s one-token n=%d tiles=%d row %d: got %.9g, want %.9g\n",
				qtype_name(t), n, tiles, r, out[r], want);
	}
	free(w);
	free(a);
	free(tiled);
	return bad;
}

/* The one-token kernels on the tiled layout equal the scalar reference
 * exactly on exact data (integer sums a float holds): Q4_K and Q6_K, 1 to
 * 9 blocks, 1 to 4 tiles a call. */
static void test_tile_gemv_matches_scalar(void)
{
	static const int block_list[] = { 1, 2, 9 };
	static const enum qtype types[] = { QT_Q4_K, QT_Q6_K };
	const struct qkernels *k = qk_get(QISA_AMX);

	if (!k) {
		printf("qblocks: skipped amx-int8 one-token kernels (no amx-int8 here)\n");
		return;
	}
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
		for (size_t b = 0; b < sizeof(block_list) / sizeof(block_list[0]); b++)
			for (int tiles = 1; tiles <= QTILE_GEMV_TILES; tiles++)
				CHECK_INT(compare_tile_gemv(k, types[t], block_list[b], tiles), 0);
}

/* The tiled layout's sizes (mmq.cpp get_tile_size: per 16 rows and block,
 * Q4_0 16 x 18, Q8_0 16 x (34 + 4), Q4_K 16 x (144 + 4), Q6_K 16 x 210)
 * and bytes that can be read back: row 5's weight 37 of a Q4_0 tile. */
static void test_tile_layout(void)
{
	struct block_q4_0 rows[QTILE_ROWS * 2], *r5 = rows + 5 * 2;
	uint8_t tiled[2 * 288];

	memset(rows, 0, sizeof(rows));

	CHECK_INT((int)qtype_tiled_bytes(QT_Q4_0, 32, 64), 2 * 2 * 288);
	CHECK_INT((int)qtype_tiled_bytes(QT_Q8_0, 16, 32), 608);
	CHECK_INT((int)qtype_tiled_bytes(QT_Q4_K, 16, 512), 2 * 2368);
	CHECK_INT((int)qtype_tiled_bytes(QT_Q6_K, 48, 256), 3 * 3360);
	/* row 5's weight 37 (block 1's weight 5, qs[5]'s low nibble) is tile
	 * byte 64 + 5 x 4 + 1 = 85 (VNNI row 1, row 5's second byte): the
	 * high nibble of piece 0's byte 21 (tile bytes 64..127 are piece 0's
	 * high nibbles); its d is the 6th of the block's scales, after 256 */
	r5[1].qs[5] = 0x0b;
	r5[1].d = 0x3c00;
	qtype_tile_pack(QT_Q4_0, rows, tiled, 64);
	CHECK_INT(tiled[288 + 21] >> 4, 0x0b);
	CHECK_INT(tiled[288 + 256 + 10] | tiled[288 + 256 + 11] << 8, 0x3c00);
}

TESTS(T(test_half_known_values), T(test_half_round_trip_all), T(test_block_sizes),
      T(test_quantize_error_bounds), T(test_q4k_scale_layout), T(test_q6k_bit_layout),
      T(test_scalar_dot_matches_dequantized), T(test_simd_paths_match_scalar),
      T(test_read_sum_paths), T(test_best_and_features), T(test_matmul_matches_dots),
      T(test_tile_layout), T(test_tiles_match_scalar), T(test_tiled_matmul_matches_dots),
      T(test_tile_gemv_matches_scalar));
