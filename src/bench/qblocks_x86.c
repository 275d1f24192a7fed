/* qblocks_x86.c - AVX2 and AVX-512 (VNNI) dot-product kernels.
 *
 * Every function carries its own target attribute so that one binary,
 * built for baseline x86-64, holds all paths; qk_get() hands them out only
 * when the CPU has the features. Products of unsigned and signed bytes
 * are summed with maddubs+madd (AVX2) or vpdpbusd (VNNI); signed weights
 * are made unsigned first (|w| with the sign moved to the activation on
 * AVX2, w+128 with 128*sum(a) taken off on AVX-512). */
#include "bench/qblocks_impl.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <stdbool.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))
#define AVX512 __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")))

AVX2 static inline float h2f(qhalf h) { return _cvtsh_ss(h); }

AVX2 static inline float hsum256(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));

	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

/* signed x * signed y, summed in fours, as floats */
AVX2 static inline __m256 mul_sum_i8(__m256i x, __m256i y)
{
	__m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));

	return _mm256_cvtepi32_ps(_mm256_madd_epi16(p, _mm256_set1_epi16(1)));
}

/* 32 nibbles: the low ones are weights 0..15, the high ones 16..31 */
AVX2 static inline __m256i nibbles32(const uint8_t *qs)
{
	__m128i q = _mm_loadu_si128((const __m128i *)qs);
	__m128i m = _mm_set1_epi8(0x0f);

	return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), m), _mm_and_si128(q, m));
}

AVX2 static inline __m256 q4_0_block(const void *w, const struct block_q8_0 *y, __m256 acc)
{
	const struct block_q4_0 *x = w;
	__m256i wv = _mm256_sub_epi8(nibbles32(x->qs), _mm256_set1_epi8(8));
	__m256i a = _mm256_loadu_si256((const __m256i *)y->qs);

	return _mm256_fmadd_ps(_mm256_set1_ps(h2f(x->d) * h2f(y->d)), mul_sum_i8(wv, a), acc);
}

AVX2 static inline __m256 q8_0_block(const void *w, const struct block_q8_0 *y, __m256 acc)
{
	const struct block_q8_0 *x = w;
	__m256i wv = _mm256_loadu_si256((const __m256i *)x->qs);
	__m256i a = _mm256_loadu_si256((const __m256i *)y->qs);

	return _mm256_fmadd_ps(_mm256_set1_ps(h2f(x->d) * h2f(y->d)), mul_sum_i8(wv, a), acc);
}

/* Two accumulators over 32-weight blocks; block is inlined as a constant. */
AVX2 static inline float dot_blocks32(int n, const uint8_t *w, size_t block_bytes, const struct block_q8_0 *y,
				      __m256 (*block)(const void *, const struct block_q8_0 *, __m256))
{
	__m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
	int nb = n / QK8_0, b = 0;

	for (; b + 1 < nb; b += 2) {
		acc0 = block(w + b * block_bytes, &y[b], acc0);
		acc1 = block(w + (b + 1) * block_bytes, &y[b + 1], acc1);
	}
	if (b < nb)
		acc0 = block(w + b * block_bytes, &y[b], acc0);
	return hsum256(_mm256_add_ps(acc0, acc1));
}

AVX2 static float dot_q4_0_avx2(int n, const void *w, const void *a)
{
	return dot_blocks32(n, w, sizeof(struct block_q4_0), a, q4_0_block);
}

AVX2 static float dot_q8_0_avx2(int n, const void *w, const void *a)
{
	return dot_blocks32(n, w, sizeof(struct block_q8_0), a, q8_0_block);
}

/* sum_j m_j * (bsums[2j] + bsums[2j+1]) in eight int32 lanes */
AVX2 static inline __m256i q4k_mins(const uint8_t s[16], const int16_t *bsums)
{
	__m128i m = _mm_loadl_epi64((const __m128i *)(s + 8));
	__m256i m16 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(m, m));

	return _mm256_madd_epi16(m16, _mm256_loadu_si256((const __m256i *)bsums));
}

AVX2 static float dot_q4_K_avx2(int n, const void *w, const void *a)
{
	const struct block_q4_K *x = w;
	const struct block_q8_K *y = a;
	const __m256i low4 = _mm256_set1_epi8(0x0f);
	__m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();

	for (int b = 0; b < n / QK_K; b++) {
		uint8_t s[16];
		__m256i sumi = _mm256_setzero_si256();

		q4k_unpack_scales(x[b].scales, s);
		for (int c = 0; c < 4; c++) {
			__m256i q = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * c));
			__m256i lo = _mm256_and_si256(q, low4);
			__m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
			__m256i plo = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)(y[b].qs + 64 * c)));
			__m256i phi = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(y[b].qs + 64 * c + 32)));

			sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(plo, _mm256_set1_epi16(s[2 * c])));
			sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(phi, _mm256_set1_epi16(s[2 * c + 1])));
		}
		acc = _mm256_fmadd_ps(_mm256_set1_ps(y[b].d * h2f(x[b].d)), _mm256_cvtepi32_ps(sumi), acc);
		accm = _mm256_fmadd_ps(_mm256_set1_ps(y[b].d * h2f(x[b].dmin)),
				       _mm256_cvtepi32_ps(q4k_mins(s, y[b].bsums)), accm);
	}
	return hsum256(_mm256_sub_ps(acc, accm));
}

/* 32 * sum_g scales[g] * bsums[g]: the offset of 32 in Q6_K's weights */
AVX2 static inline __m256i q6k_offset(const int8_t *scales, const int16_t *bsums)
{
	__m256i s16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)scales));
	__m256i p = _mm256_madd_epi16(s16, _mm256_loadu_si256((const __m256i *)bsums));

	return _mm256_slli_epi32(p, 5);
}

/* The four 32-weight vectors of 128 Q6_K weights, as unsigned 0..63. */
AVX2 static inline void q6k_weights_avx2(const uint8_t *ql, const uint8_t *qh, __m256i w[4])
{
	const __m256i low4 = _mm256_set1_epi8(0x0f), bits45 = _mm256_set1_epi8(0x30);
	__m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
	__m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
	__m256i h = _mm256_loadu_si256((const __m256i *)qh);

	w[0] = _mm256_or_si256(_mm256_and_si256(l0, low4), _mm256_and_si256(_mm256_slli_epi16(h, 4), bits45));
	w[1] = _mm256_or_si256(_mm256_and_si256(l1, low4), _mm256_and_si256(_mm256_slli_epi16(h, 2), bits45));
	w[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low4), _mm256_and_si256(h, bits45));
	w[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low4),
			       _mm256_and_si256(_mm256_srli_epi16(h, 2), bits45));
}

AVX2 static float dot_q6_K_avx2(int n, const void *w, const void *a)
{
	const struct block_q6_K *x = w;
	const struct block_q8_K *y = a;
	__m256 acc = _mm256_setzero_ps();
	/* per 32 weights k: int16 element 2k of the scales in the low lane,
	 * 2k+1 in the high lane (of the 8 scales of one half) */
	__m256i pick[4];

	for (int k = 0; k < 4; k++)
		pick[k] = _mm256_setr_epi8(
			4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1,
			4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1,
			4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3,
			4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3);
	for (int b = 0; b < n / QK_K; b++) {
		__m256i sumi = _mm256_sub_epi32(_mm256_setzero_si256(), q6k_offset(x[b].scales, y[b].bsums));

		for (int half = 0; half < 2; half++) {
			__m256i wv[4];
			__m256i s16 = _mm256_broadcastsi128_si256(
				_mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(x[b].scales + 8 * half))));
			const int8_t *act = y[b].qs + 128 * half;

			q6k_weights_avx2(x[b].ql + 64 * half, x[b].qh + 32 * half, wv);
			for (int k = 0; k < 4; k++) {
				__m256i p = _mm256_maddubs_epi16(wv[k], _mm256_loadu_si256((const __m256i *)(act + 32 * k)));

				sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, _mm256_shuffle_epi8(s16, pick[k])));
			}
		}
		acc = _mm256_fmadd_ps(_mm256_set1_ps(y[b].d * h2f(x[b].d)), _mm256_cvtepi32_ps(sumi), acc);
	}
	return hsum256(acc);
}

AVX2 static uint64_t read_sum_avx2(const void *buf, size_t bytes)
{
	const __m256i *p = buf;
	__m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
	uint64_t out[4];

	for (size_t i = 0; i < bytes / 32; i += 8) {
		s0 = _mm256_add_epi64(s0, _mm256_add_epi64(_mm256_load_si256(p + i), _mm256_load_si256(p + i + 4)));
		s1 = _mm256_add_epi64(s1, _mm256_add_epi64(_mm256_load_si256(p + i + 1), _mm256_load_si256(p + i + 5)));
		s2 = _mm256_add_epi64(s2, _mm256_add_epi64(_mm256_load_si256(p + i + 2), _mm256_load_si256(p + i + 6)));
		s3 = _mm256_add_epi64(s3, _mm256_add_epi64(_mm256_load_si256(p + i + 3), _mm256_load_si256(p + i + 7)));
	}
	_mm256_storeu_si256((__m256i *)out, _mm256_add_epi64(_mm256_add_epi64(s0, s1), _mm256_add_epi64(s2, s3)));
	return out[0] + out[1] + out[2] + out[3];
}

/* ---- packed groups (qblocks.h struct qpacked) ---- */

#define GEMM_CHUNK_BLOCKS 32    /* blocks a column pass takes: they stay in L1 */
#define GEMM_PASS_MAX 8         /* the widest pass a kernel set has */

/* One pass of a packed kernel: blocks [first, last) of a group against
 * its width's columns, adding to out when first > 0. */
typedef void (*gemm_pass_fn)(int n, int first, int last, const uint8_t *w, const uint8_t *act,
			     size_t act_bytes, const int32_t *sums, float *out, size_t out_stride);

/* A kernel set's passes by width (pass[k]: k columns), widest = width. */
struct gemm_passes {
	int width;
	gemm_pass_fn pass[GEMM_PASS_MAX + 1];
};

/* All columns: the blocks a chunk at a time, within a chunk the columns
 * `width` at a time (the rest in one narrower pass), so the chunk's
 * weights and activations stay in L1 while every column meets them. */
static void gemm_drive(const struct gemm_passes *p, int n, const void *w, const void *act, size_t act_bytes,
		       const int32_t *sums, int cols, float *out, size_t out_stride)
{
	int nb = n / QK8_0;

	for (int first = 0; first < nb; first += GEMM_CHUNK_BLOCKS) {
		int last = first + GEMM_CHUNK_BLOCKS < nb ? first + GEMM_CHUNK_BLOCKS : nb;

		for (int c = 0; c < cols; c += p->width)
			p->pass[cols - c < p->width ? cols - c : p->width](
				n, first, last, w, (const uint8_t *)act + (size_t)c * act_bytes, act_bytes,
				sums + (size_t)c * (size_t)nb, out + (size_t)c * out_stride, out_stride);
	}
}

/* name_k: kernel's pass at width k for Q4_0 (q4) or Q8_0. */
#define GEMM_PASS(name, TARGET, kernel, k, q4)                                                            \
	TARGET static void name##_##k(int n, int first, int last, const uint8_t *w, const uint8_t *a,     \
				      size_t ab, const int32_t *s, float *o, size_t os)                   \
	{                                                                                                 \
		kernel(n, first, last, w, a, ab, s, k, o, os, q4);                                        \
	}

/* ---- AVX2 packed groups of 8 rows ---- */

#define GROUP_AVX2 8
#define GEMM_COLS_AVX2 4

/* u8 weights . the four activations at a, in each row's lane (int32). Q4_0
 * nibbles times int8 fit maddubs' int16 sums; Q8_0's do not (255 x 127 x 2),
 * so those go back to signed with the sign moved onto the activation. */
AVX2 static inline __m256i piece_dot_avx2(__m256i u, const int8_t *a, bool signed_weights)
{
	int32_t four;
	__m256i y;

	memcpy(&four, a, 4);
	y = _mm256_set1_epi32(four);
	if (signed_weights) {
		__m256i w = _mm256_xor_si256(u, _mm256_set1_epi8((char)0x80));

		return _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(y, w)),
					 _mm256_set1_epi16(1));
	}
	return _mm256_madd_epi16(_mm256_maddubs_epi16(u, y), _mm256_set1_epi16(1));
}

/* As gemm16_avx512, eight rows to a vector; Q8_0's sums need no offset. */
AVX2 __attribute__((always_inline)) static inline void
gemm8_avx2(int n, int first, int last, const uint8_t *w, const uint8_t *act, size_t act_bytes,
	   const int32_t *sums, int cols, float *out, size_t out_stride, bool q4)
{
	const int nb = n / QK8_0, pieces = q4 ? QK4_0 / 8 : QK8_0 / 4;
	const size_t block_bytes = 2 * GROUP_AVX2 + 32 * (size_t)pieces;
	const __m256i low4 = _mm256_set1_epi8(0x0f);
	__m256 acc[GEMM_COLS_AVX2];

	for (int c = 0; c < cols; c++)
		acc[c] = first == 0 ? _mm256_setzero_ps() : _mm256_loadu_ps(out + (size_t)c * out_stride);
	for (int b = first; b < last; b++) {
		const uint8_t *blk = w + (size_t)b * block_bytes;
		__m256 dw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)blk));
		__m256i sum[GEMM_COLS_AVX2];

		for (int c = 0; c < cols; c++)
			sum[c] = _mm256_set1_epi32(q4 ? -8 * sums[c * nb + b] : 0);
		for (int g = 0; g < pieces; g++) {
			__m256i v = _mm256_loadu_si256((const __m256i *)(blk + 2 * GROUP_AVX2 + 32 * g));
			__m256i lo = q4 ? _mm256_and_si256(v, low4) : v;
			__m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low4);

			for (int c = 0; c < cols; c++) {
				const struct block_q8_0 *y = (const struct block_q8_0 *)(act + (size_t)c * act_bytes) + b;

				sum[c] = _mm256_add_epi32(sum[c], piece_dot_avx2(lo, y->qs + 4 * g, !q4));
				if (q4)
					sum[c] = _mm256_add_epi32(sum[c], piece_dot_avx2(hi, y->qs + 16 + 4 * g, false));
			}
		}
		for (int c = 0; c < cols; c++) {
			const struct block_q8_0 *y = (const struct block_q8_0 *)(act + (size_t)c * act_bytes) + b;

			acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum[c]), _mm256_mul_ps(dw, _mm256_set1_ps(h2f(y->d))),
						 acc[c]);
		}
	}
	for (int c = 0; c < cols; c++)
		_mm256_storeu_ps(out + (size_t)c * out_stride, acc[c]);
}

GEMM_PASS(q4_0_avx2, AVX2, gemm8_avx2, 1, true)
GEMM_PASS(q4_0_avx2, AVX2, gemm8_avx2, 2, true)
GEMM_PASS(q4_0_avx2, AVX2, gemm8_avx2, 3, true)
GEMM_PASS(q4_0_avx2, AVX2, gemm8_avx2, 4, true)
GEMM_PASS(q8_0_avx2, AVX2, gemm8_avx2, 1, false)
GEMM_PASS(q8_0_avx2, AVX2, gemm8_avx2, 2, false)
GEMM_PASS(q8_0_avx2, AVX2, gemm8_avx2, 3, false)
GEMM_PASS(q8_0_avx2, AVX2, gemm8_avx2, 4, false)

static void gemm_q4_0_avx2(int n, const void *w, const void *act, size_t act_bytes,
			   const int32_t *sums, int cols, float *out, size_t out_stride)
{
	static const struct gemm_passes p = {
		GEMM_COLS_AVX2, { NULL, q4_0_avx2_1, q4_0_avx2_2, q4_0_avx2_3, q4_0_avx2_4 } };

	gemm_drive(&p, n, w, act, act_bytes, sums, cols, out, out_stride);
}

static void gemm_q8_0_avx2(int n, const void *w, const void *act, size_t act_bytes,
			   const int32_t *sums, int cols, float *out, size_t out_stride)
{
	static const struct gemm_passes p = {
		GEMM_COLS_AVX2, { NULL, q8_0_avx2_1, q8_0_avx2_2, q8_0_avx2_3, q8_0_avx2_4 } };

	gemm_drive(&p, n, w, act, act_bytes, sums, cols, out, out_stride);
}

/* ---- AVX2 plain-row tiles: llama.cpp's tinyBLAS Q8_0 ---- */

/* Block l of four weight rows times one column, added into the rows'
 * sums: tinyBLAS_Q0_AVX's step (ggml-cpu/llamafile/sgemm.cpp), the four
 * rows' scales converted together and times the column's, each product a
 * sign-fixed maddubs and madd, as a float times its scale. */
AVX2 static inline void tile_block_q8_0(const __m256i a[4], __m128 row_scales, const struct block_q8_0 *x,
					__m256 sums[4])
{
	__m128 d = _mm_mul_ps(row_scales, _mm_set1_ps(h2f(x->d)));
	__m256 dv = _mm256_set_m128(d, d);
	__m256i b = _mm256_loadu_si256((const __m256i *)x->qs);

	sums[0] = _mm256_fmadd_ps(_mm256_shuffle_ps(dv, dv, 0x00), mul_sum_i8(a[0], b), sums[0]);
	sums[1] = _mm256_fmadd_ps(_mm256_shuffle_ps(dv, dv, 0x55), mul_sum_i8(a[1], b), sums[1]);
	sums[2] = _mm256_fmadd_ps(_mm256_shuffle_ps(dv, dv, 0xaa), mul_sum_i8(a[2], b), sums[2]);
	sums[3] = _mm256_fmadd_ps(_mm256_shuffle_ps(dv, dv, 0xff), mul_sum_i8(a[3], b), sums[3]);
}

/* Four rows at w (row_bytes apart) times columns x0 and x1: the 4 x 2 tile
 * tinyBLAS takes with AVX2's 16 registers (gemm4xN<2>), over every block,
 * the sums reduced at the end. The tile's steps are written out rather
 * than looped: gcc -O2 kept a looped tile in memory (35 against 47
 * GFLOP/s at -O3 on the Zen 3 build VM). */
AVX2 static void tile_q8_0_avx2(int nb, const uint8_t *w, size_t row_bytes, const struct block_q8_0 *x0,
				const struct block_q8_0 *x1, float out0[4], float out1[4])
{
	__m256 s0[4], s1[4];

	for (int i = 0; i < 4; i++)
		s0[i] = s1[i] = _mm256_setzero_ps();
	for (int l = 0; l < nb; l++) {
		const struct block_q8_0 *r0 = (const struct block_q8_0 *)w + l;
		const struct block_q8_0 *r1 = (const struct block_q8_0 *)(w + row_bytes) + l;
		const struct block_q8_0 *r2 = (const struct block_q8_0 *)(w + 2 * row_bytes) + l;
		const struct block_q8_0 *r3 = (const struct block_q8_0 *)(w + 3 * row_bytes) + l;
		__m128 scales = _mm_cvtph_ps(_mm_set_epi16(0, 0, 0, 0, (short)r3->d, (short)r2->d, (short)r1->d,
							   (short)r0->d));
		__m256i a[4] = {
			_mm256_loadu_si256((const __m256i *)r0->qs), _mm256_loadu_si256((const __m256i *)r1->qs),
			_mm256_loadu_si256((const __m256i *)r2->qs), _mm256_loadu_si256((const __m256i *)r3->qs),
		};

		tile_block_q8_0(a, scales, x0 + l, s0);
		tile_block_q8_0(a, scales, x1 + l, s1);
	}
	for (int i = 0; i < 4; i++) {
		out0[i] = hsum256(s0[i]);
		out1[i] = hsum256(s1[i]);
	}
}

/* Every 4 x 2 tile of the rows and columns; an odd last column takes a
 * tile with itself twice. */
static void plain_gemm_q8_0_avx2(int n, const void *rows, size_t row_bytes, int nrows, const void *act,
				 size_t act_bytes, int cols, float *out, size_t out_stride)
{
	for (int c = 0; c < cols; c += 2) {
		const struct block_q8_0 *x0 = (const void *)((const uint8_t *)act + (size_t)c * act_bytes);
		const struct block_q8_0 *x1 = c + 1 < cols ? (const void *)((const uint8_t *)x0 + act_bytes) : x0;

		for (int r = 0; r < nrows; r += QPLAIN_ROWS) {
			float o0[4], o1[4];

			tile_q8_0_avx2(n / QK8_0, (const uint8_t *)rows + (size_t)r * row_bytes, row_bytes, x0, x1, o0, o1);
			memcpy(out + (size_t)c * out_stride + r, o0, sizeof(o0));
			if (c + 1 < cols)
				memcpy(out + (size_t)(c + 1) * out_stride + r, o1, sizeof(o1));
		}
	}
}

/* Q8_0 prompts run on plain rows through tinyBLAS on AVX2 (llama.cpp
 * repacks only Q4_0 there), so its batched product is the plain tile; its
 * tokens stay on the packed gemm, matched to llama.cpp's decode. */
const struct qkernels qk_avx2_kernels = {
	"avx2",
	{ dot_q4_0_avx2, dot_q8_0_avx2, dot_q4_K_avx2, dot_q6_K_avx2 },
	read_sum_avx2,
	{ GROUP_AVX2, { gemm_q4_0_avx2, gemm_q8_0_avx2, NULL, NULL }, { NULL } },
	NULL,
	{ NULL, plain_gemm_q8_0_avx2, NULL, NULL },
};

/* ---- AVX-512 with VNNI: two 32-blocks or a 64-weight slice per vector -- */

AVX512 static inline __m512i join256(__m256i lo, __m256i hi)
{
	return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

/* sum of u * a in fours, minus 'offset' times the sum of a */
AVX512 static inline __m512 dot_u8_offset(__m512i u, __m512i act, __m512i offset)
{
	__m512i zero = _mm512_setzero_si512();

	return _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_dpbusd_epi32(zero, u, act),
						   _mm512_dpbusd_epi32(zero, offset, act)));
}

/* Two Q4_0 blocks against their activations: the nibbles laid out as
 * [q0 q0>>4 q1 q1>>4] to match the 32 activations of each block. */
AVX512 static inline __m512 q4_0_pair(const uint8_t *w, const struct block_q8_0 *y)
{
	const struct block_q4_0 *x = (const struct block_q4_0 *)w;
	__m256i q = _mm256_set_m128i(_mm_loadu_si128((const __m128i *)x[1].qs),
				     _mm_loadu_si128((const __m128i *)x[0].qs));
	__m512i z = join256(q, _mm256_srli_epi16(q, 4)); /* [q0 q1 q0>>4 q1>>4] */
	__m512i u = _mm512_and_si512(_mm512_shuffle_i64x2(z, z, _MM_SHUFFLE(3, 1, 2, 0)),
				     _mm512_set1_epi8(0x0f));
	__m512i act = join256(_mm256_loadu_si256((const __m256i *)y[0].qs),
			      _mm256_loadu_si256((const __m256i *)y[1].qs));

	return dot_u8_offset(u, act, _mm512_set1_epi8(8));
}

/* Two Q8_0 blocks: w + 128 is w ^ 0x80 read as unsigned. */
AVX512 static inline __m512 q8_0_pair(const uint8_t *w, const struct block_q8_0 *y)
{
	const struct block_q8_0 *x = (const struct block_q8_0 *)w;
	const __m512i bias = _mm512_set1_epi8((char)0x80);
	__m512i wv = join256(_mm256_loadu_si256((const __m256i *)x[0].qs),
			     _mm256_loadu_si256((const __m256i *)x[1].qs));
	__m512i act = join256(_mm256_loadu_si256((const __m256i *)y[0].qs),
			      _mm256_loadu_si256((const __m256i *)y[1].qs));

	return dot_u8_offset(_mm512_xor_si512(wv, bias), act, bias);
}

/* The binary16 scales at the start of 8 blocks 'stride' bytes apart, as
 * floats: one vector conversion instead of eight scalar ones. */
AVX512 static inline __m256 scales8(const void *first, int stride)
{
	const uint8_t *p = first;
	uint16_t h[8];

	for (int i = 0; i < 8; i++)
		memcpy(&h[i], p + i * stride, 2);
	return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)h));
}

/* Q4_0 and Q8_0 dot products, eight blocks a step: the eight scale
 * products are made at once and spread to the pairs' lanes by a permute. */
AVX512 static inline float dot_blocks32_avx512(int n, const uint8_t *w, int block_bytes, const struct block_q8_0 *y,
					       __m512 (*pair)(const uint8_t *, const struct block_q8_0 *),
					       __m256 (*block)(const void *, const struct block_q8_0 *, __m256))
{
	__m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
	__m256 tail = _mm256_setzero_ps();
	__m512i pick[4];
	int nb = n / QK8_0, b = 0;

	for (int k = 0; k < 4; k++) /* lanes of pair k: blocks 2k and 2k+1 */
		pick[k] = _mm512_mask_blend_epi32(0xff00, _mm512_set1_epi32(2 * k), _mm512_set1_epi32(2 * k + 1));
	for (; b + 7 < nb; b += 8) {
		const uint8_t *wb = w + (size_t)b * (size_t)block_bytes;
		__m512 d = _mm512_castps256_ps512(_mm256_mul_ps(scales8(wb, block_bytes),
								scales8(&y[b], sizeof(struct block_q8_0))));

		acc0 = _mm512_fmadd_ps(_mm512_permutexvar_ps(pick[0], d), pair(wb, &y[b]), acc0);
		acc1 = _mm512_fmadd_ps(_mm512_permutexvar_ps(pick[1], d), pair(wb + 2 * block_bytes, &y[b + 2]), acc1);
		acc0 = _mm512_fmadd_ps(_mm512_permutexvar_ps(pick[2], d), pair(wb + 4 * block_bytes, &y[b + 4]), acc0);
		acc1 = _mm512_fmadd_ps(_mm512_permutexvar_ps(pick[3], d), pair(wb + 6 * block_bytes, &y[b + 6]), acc1);
	}
	for (; b < nb; b++)
		tail = block(w + (size_t)b * (size_t)block_bytes, &y[b], tail);
	return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1)) + hsum256(tail);
}

AVX512 static float dot_q4_0_avx512(int n, const void *w, const void *a)
{
	return dot_blocks32_avx512(n, w, sizeof(struct block_q4_0), a, q4_0_pair, q4_0_block);
}

AVX512 static float dot_q8_0_avx512(int n, const void *w, const void *a)
{
	return dot_blocks32_avx512(n, w, sizeof(struct block_q8_0), a, q8_0_pair, q8_0_block);
}

/* ---- AVX-512 packed groups of 16 rows (qblocks.h struct qpacked) ---- */

#define GROUP_AVX512 16
#define GEMM_COLS 8     /* columns a pass keeps in registers */

/* Rows of one packed group against `cols` (a constant once inlined, at most
 * GEMM_COLS) columns: per block, each 64-byte piece holds four weights of
 * each of the 16 rows, each column's four matching activations are
 * broadcast, and vpdpbusd sums them in the row's lane; the offset (8 or
 * 128, which made the weights unsigned) times the block's activation sum
 * starts each sum. */
AVX512 __attribute__((always_inline)) static inline void
gemm16_avx512(int n, int first, int last, const uint8_t *w, const uint8_t *act, size_t act_bytes,
	      const int32_t *sums, int cols, float *out, size_t out_stride, bool q4)
{
	const int nb = n / QK8_0, pieces = q4 ? QK4_0 / 8 : QK8_0 / 4, offset = q4 ? 8 : 128;
	const size_t block_bytes = 2 * GROUP_AVX512 + 64 * (size_t)pieces;
	const __m512i low4 = _mm512_set1_epi8(0x0f);
	__m512 acc[GEMM_COLS];

	for (int c = 0; c < cols; c++)
		acc[c] = first == 0 ? _mm512_setzero_ps() : _mm512_loadu_ps(out + (size_t)c * out_stride);
	for (int b = first; b < last; b++) {
		const uint8_t *blk = w + (size_t)b * block_bytes;
		__m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)blk));
		__m512i sum[GEMM_COLS];

		for (int c = 0; c < cols; c++)
			sum[c] = _mm512_set1_epi32(-offset * sums[c * nb + b]);
		for (int g = 0; g < pieces; g++) {
			__m512i v = _mm512_loadu_si512((const void *)(blk + 2 * GROUP_AVX512 + 64 * g));
			__m512i lo = q4 ? _mm512_and_si512(v, low4) : v;
			__m512i hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), low4);

			for (int c = 0; c < cols; c++) {
				const struct block_q8_0 *y = (const struct block_q8_0 *)(act + (size_t)c * act_bytes) + b;
				int32_t a0, a1;

				memcpy(&a0, y->qs + 4 * g, 4);
				sum[c] = _mm512_dpbusd_epi32(sum[c], lo, _mm512_set1_epi32(a0));
				if (q4) {
					memcpy(&a1, y->qs + 16 + 4 * g, 4);
					sum[c] = _mm512_dpbusd_epi32(sum[c], hi, _mm512_set1_epi32(a1));
				}
			}
		}
		for (int c = 0; c < cols; c++) {
			const struct block_q8_0 *y = (const struct block_q8_0 *)(act + (size_t)c * act_bytes) + b;

			acc[c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum[c]), _mm512_mul_ps(dw, _mm512_set1_ps(h2f(y->d))),
						 acc[c]);
		}
	}
	for (int c = 0; c < cols; c++)
		_mm512_storeu_ps(out + (size_t)c * out_stride, acc[c]);
}

GEMM_PASS(q4_0_avx512, AVX512, gemm16_avx512, 1, true)
GEMM_PASS(q4_0_avx512, AVX512, gemm16_avx512, 2, true)
GEMM_PASS(q4_0_avx512, AVX512, gemm16_avx512, 3, true)
GEMM_PASS(q4_0_avx512, AVX512, gemm16_avx512, 4, true)
GEMM_PASS(q4_0_avx512, AVX512, gemm16_avx512, 5, true)
GEMM_PASS(q4_0_avx512, AVX512, gemm16_avx512, 6, true)
GEMM_PASS(q4_0_avx512, AVX512, gemm16_avx512, 7, true)
GEMM_PASS(q4_0_avx512, AVX512, gemm16_avx512, 8, true)
GEMM_PASS(q8_0_avx512, AVX512, gemm16_avx512, 1, false)
GEMM_PASS(q8_0_avx512, AVX512, gemm16_avx512, 2, false)
GEMM_PASS(q8_0_avx512, AVX512, gemm16_avx512, 3, false)
GEMM_PASS(q8_0_avx512, AVX512, gemm16_avx512, 4, false)
GEMM_PASS(q8_0_avx512, AVX512, gemm16_avx512, 5, false)
GEMM_PASS(q8_0_avx512, AVX512, gemm16_avx512, 6, false)
GEMM_PASS(q8_0_avx512, AVX512, gemm16_avx512, 7, false)
GEMM_PASS(q8_0_avx512, AVX512, gemm16_avx512, 8, false)

static void gemm_q4_0_avx512(int n, const void *w, const void *act, size_t act_bytes,
			     const int32_t *sums, int cols, float *out, size_t out_stride)
{
	static const struct gemm_passes p = { GEMM_COLS, { NULL, q4_0_avx512_1, q4_0_avx512_2,
		q4_0_avx512_3, q4_0_avx512_4, q4_0_avx512_5, q4_0_avx512_6, q4_0_avx512_7, q4_0_avx512_8 } };

	gemm_drive(&p, n, w, act, act_bytes, sums, cols, out, out_stride);
}

static void gemm_q8_0_avx512(int n, const void *w, const void *act, size_t act_bytes,
			     const int32_t *sums, int cols, float *out, size_t out_stride)
{
	static const struct gemm_passes p = { GEMM_COLS, { NULL, q8_0_avx512_1, q8_0_avx512_2,
		q8_0_avx512_3, q8_0_avx512_4, q8_0_avx512_5, q8_0_avx512_6, q8_0_avx512_7, q8_0_avx512_8 } };

	gemm_drive(&p, n, w, act, act_bytes, sums, cols, out, out_stride);
}

/* One column against `groups` consecutive packed groups of 16 rows: per
 * block the column's quants are broadcast once and meet every group's
 * block, so `groups` weight streams are read side by side. */
AVX512 __attribute__((always_inline)) static inline void
gemv16_avx512(int n, const uint8_t *w, int groups, const uint8_t *act, const int32_t *sums, float *out, bool q4)
{
	const int nb = n / QK8_0, pieces = q4 ? QK4_0 / 8 : QK8_0 / 4, offset = q4 ? 8 : 128;
	const size_t block_bytes = 2 * GROUP_AVX512 + 64 * (size_t)pieces, group_bytes = block_bytes * (size_t)nb;
	const __m512i low4 = _mm512_set1_epi8(0x0f);
	const struct block_q8_0 *y = (const struct block_q8_0 *)act;
	__m512 acc[QGEMV_GROUPS];

	for (int k = 0; k < groups; k++)
		acc[k] = _mm512_setzero_ps();
	for (int b = 0; b < nb; b++) {
		__m512i a[QK8_0 / 4];
		__m512 dy = _mm512_set1_ps(h2f(y[b].d));

		for (int g = 0; g < QK8_0 / 4; g++) {
			int32_t four;

			memcpy(&four, y[b].qs + 4 * g, 4);
			a[g] = _mm512_set1_epi32(four);
		}
		for (int k = 0; k < groups; k++) {
			const uint8_t *blk = w + (size_t)k * group_bytes + (size_t)b * block_bytes;
			__m512i sum = _mm512_set1_epi32(-offset * sums[b]);

			for (int g = 0; g < pieces; g++) {
				__m512i v = _mm512_loadu_si512((const void *)(blk + 2 * GROUP_AVX512 + 64 * g));

				if (q4) {
					sum = _mm512_dpbusd_epi32(sum, _mm512_and_si512(v, low4), a[g]);
					sum = _mm512_dpbusd_epi32(sum, _mm512_and_si512(_mm512_srli_epi16(v, 4), low4),
								  a[4 + g]);
				} else {
					sum = _mm512_dpbusd_epi32(sum, v, a[g]);
				}
			}
			acc[k] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum),
						 _mm512_mul_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)blk)), dy),
						 acc[k]);
		}
	}
	for (int k = 0; k < groups; k++)
		_mm512_storeu_ps(out + (size_t)k * GROUP_AVX512, acc[k]);
}

AVX512 static void gemv_q4_0_avx512(int n, const void *w, int groups, const void *act, const int32_t *sums,
				     float *out)
{
	gemv16_avx512(n, w, groups, act, sums, out, true);
}

AVX512 static void gemv_q8_0_avx512(int n, const void *w, int groups, const void *act, const int32_t *sums,
				     float *out)
{
	gemv16_avx512(n, w, groups, act, sums, out, false);
}

AVX512 static float dot_q4_K_avx512(int n, const void *w, const void *a)
{
	const struct block_q4_K *x = w;
	const struct block_q8_K *y = a;
	const __m256i low4 = _mm256_set1_epi8(0x0f);
	__m512 acc = _mm512_setzero_ps();
	__m256 accm = _mm256_setzero_ps();
	__m512i pick[4];

	for (int c = 0; c < 4; c++) /* scales of sub-blocks 2c and 2c+1 */
		pick[c] = _mm512_mask_blend_epi32(0xff00, _mm512_set1_epi32(2 * c), _mm512_set1_epi32(2 * c + 1));
	for (int b = 0; b < n / QK_K; b++) {
		uint8_t s[16];
		__m512i sc, sumi = _mm512_setzero_si512();

		q4k_unpack_scales(x[b].scales, s);
		sc = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)s));
		for (int c = 0; c < 4; c++) {
			__m256i q = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * c));
			__m512i u = join256(_mm256_and_si256(q, low4), _mm256_and_si256(_mm256_srli_epi16(q, 4), low4));
			__m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u,
							_mm512_loadu_si512((const void *)(y[b].qs + 64 * c)));

			sumi = _mm512_add_epi32(sumi, _mm512_mullo_epi32(p, _mm512_permutexvar_epi32(pick[c], sc)));
		}
		acc = _mm512_fmadd_ps(_mm512_set1_ps(y[b].d * h2f(x[b].d)), _mm512_cvtepi32_ps(sumi), acc);
		accm = _mm256_fmadd_ps(_mm256_set1_ps(y[b].d * h2f(x[b].dmin)),
				       _mm256_cvtepi32_ps(q4k_mins(s, y[b].bsums)), accm);
	}
	return _mm512_reduce_add_ps(acc) - hsum256(accm);
}

AVX512 static float dot_q6_K_avx512(int n, const void *w, const void *a)
{
	const struct block_q6_K *x = w;
	const struct block_q8_K *y = a;
	const __m512i low4 = _mm512_set1_epi8(0x0f), bits45 = _mm512_set1_epi8(0x30);
	__m512 acc = _mm512_setzero_ps();
	__m256 acco = _mm256_setzero_ps();
	__m512i pick[4];

	for (int k = 0; k < 4; k++) /* the scales of 64 weights: 4 groups of 16 */
		pick[k] = _mm512_setr_epi32(4 * k, 4 * k, 4 * k, 4 * k, 4 * k + 1, 4 * k + 1, 4 * k + 1, 4 * k + 1,
					    4 * k + 2, 4 * k + 2, 4 * k + 2, 4 * k + 2, 4 * k + 3, 4 * k + 3, 4 * k + 3, 4 * k + 3);
	for (int b = 0; b < n / QK_K; b++) {
		__m512i sc = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)x[b].scales));
		__m512i sumi = _mm512_setzero_si512();

		for (int half = 0; half < 2; half++) {
			__m512i l = _mm512_loadu_si512((const void *)(x[b].ql + 64 * half));
			__m256i h = _mm256_loadu_si256((const __m256i *)(x[b].qh + 32 * half));
			/* bits 0-1 of hz serve weights 0..63, bits 4-5 weights 64..127 */
			__m512i hz = join256(h, _mm256_srli_epi16(h, 2));
			__m512i w0 = _mm512_or_si512(_mm512_and_si512(l, low4), _mm512_and_si512(_mm512_slli_epi16(hz, 4), bits45));
			__m512i w1 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l, 4), low4), _mm512_and_si512(hz, bits45));
			const int8_t *act = y[b].qs + 128 * half;
			__m512i p0 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), w0, _mm512_loadu_si512((const void *)act));
			__m512i p1 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), w1, _mm512_loadu_si512((const void *)(act + 64)));

			sumi = _mm512_add_epi32(sumi, _mm512_mullo_epi32(p0, _mm512_permutexvar_epi32(pick[2 * half], sc)));
			sumi = _mm512_add_epi32(sumi, _mm512_mullo_epi32(p1, _mm512_permutexvar_epi32(pick[2 * half + 1], sc)));
		}
		acc = _mm512_fmadd_ps(_mm512_set1_ps(y[b].d * h2f(x[b].d)), _mm512_cvtepi32_ps(sumi), acc);
		acco = _mm256_fmadd_ps(_mm256_set1_ps(y[b].d * h2f(x[b].d)),
				       _mm256_cvtepi32_ps(q6k_offset(x[b].scales, y[b].bsums)), acco);
	}
	return _mm512_reduce_add_ps(acc) - hsum256(acco);
}

AVX512 static uint64_t read_sum_avx512(const void *buf, size_t bytes)
{
	const __m512i *p = buf;
	__m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
	uint64_t out[8], total = 0;

	for (size_t i = 0; i < bytes / 64; i += 4) {
		s0 = _mm512_add_epi64(s0, _mm512_load_si512(p + i));
		s1 = _mm512_add_epi64(s1, _mm512_load_si512(p + i + 1));
		s2 = _mm512_add_epi64(s2, _mm512_load_si512(p + i + 2));
		s3 = _mm512_add_epi64(s3, _mm512_load_si512(p + i + 3));
	}
	/* summed here: gcc's _mm512_reduce_add_epi64 adds as signed, and
	 * wraps around, which UBSan rightly flags */
	_mm512_storeu_si512(out, _mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3)));
	for (int i = 0; i < 8; i++)
		total += out[i];
	return total;
}

const struct qkernels qk_avx512_kernels = {
	"avx512-vnni",
	{ dot_q4_0_avx512, dot_q8_0_avx512, dot_q4_K_avx512, dot_q6_K_avx512 },
	read_sum_avx512,
	/* one group at a time for one column too: without AMX, llama.cpp runs
	 * Q4_0 tokens from ggml-cpu-aarch64.cpp's repacked rows, group after
	 * group (ggml_gemv_q4_0_8x8_q8_0); the several-stream gemv is its AMX
	 * buffer's (the amx-int8 set below) */
	{ GROUP_AVX512, { gemm_q4_0_avx512, gemm_q8_0_avx512, NULL, NULL }, { NULL } },
	NULL,
	{ NULL },
};

/* AVX-512 VNNI for everything but the batched products, which run on AMX
 * tiles (qblocks_amx.c) as llama.cpp runs a prompt where it has them. */
const struct qkernels qk_amx_kernels = {
	QK_AMX_NAME,
	{ dot_q4_0_avx512, dot_q8_0_avx512, dot_q4_K_avx512, dot_q6_K_avx512 },
	read_sum_avx512,
	{ GROUP_AVX512, { gemm_q4_0_avx512, gemm_q8_0_avx512, NULL, NULL },
	  { gemv_q4_0_avx512, gemv_q8_0_avx512, NULL, NULL } },
	&qk_amx_tiles,
	{ NULL },
};

#else
const struct qkernels qk_avx2_kernels;
const struct qkernels qk_avx512_kernels;
const struct qkernels qk_amx_kernels;
#endif
