/* qblocks_amx.c - batched products on x86 AMX tiles, computed the way
 * llama.cpp's AMX backend computes a prompt's matrix products
 * (ggml/src/ggml-cpu/amx/mmq.cpp, tinygemm_kernel_amx), and the tiled
 * weight layout they read (qblocks.h; mmq.cpp pack_B). The code is ours.
 *
 * A product takes two 16-row weight tiles and up to two 16-column
 * activation tiles into four int32 accumulator tiles: per 32 weights (16
 * for Q6_K) one int8 tile product (TDPBSSD), the results stored and, with
 * AVX-512, scaled into floats per block, as mmq.cpp does. The packing is
 * portable C; the kernels carry their own target attribute so that one
 * binary holds them, and qk_get() offers them only where the CPU has AMX
 * and the kernel grants the process tile data. */
#include "bench/qblocks_impl.h"

#include <stdbool.h>
#include <stddef.h>

/* ggml/src/ggml-cpu/amx/common.h: TILE_M = TILE_N = 16, TILE_K = 32, VNNI_BLK = 4 */
#define TILE_COLS 16            /* TILE_M: activation columns (tokens) of a tile */
#define TILE_K 32               /* weights of a row one tile product takes */
#define VNNI 4                  /* weights of a row side by side in the tile */
#define TILE_BYTES (QTILE_ROWS * TILE_K)        /* an int8 weight tile: 512 */
#define VNNI_ROW_BYTES (QTILE_ROWS * VNNI)      /* one row of it: 64 */

/* Offsets in a block of a tile (the layout in qblocks.h) */
#define Q4_0_D 256
#define Q8_0_D 512
#define Q8_0_COMP 544
#define Q4_K_SCALES 2048
#define Q4_K_MINS 2176
#define Q4_K_D 2304
#define Q4_K_DMIN 2336
#define Q6_K_HIGH 2048
#define Q6_K_SCALES 3072
#define Q6_K_D 3328

/* Bytes of one block of one tile (mmq.cpp get_tile_size). */
static size_t tile_block_bytes(enum qtype t)
{
	switch (t) {
	case QT_Q4_0:
		return QTILE_ROWS * sizeof(struct block_q4_0);
	case QT_Q8_0:
		return QTILE_ROWS * (sizeof(struct block_q8_0) + sizeof(int32_t));
	case QT_Q4_K:
		return QTILE_ROWS * (sizeof(struct block_q4_K) + 4); /* 12 scale bytes unpacked to 16 */
	case QT_Q6_K:
		return QTILE_ROWS * sizeof(struct block_q6_K);
	case QT_COUNT:
		break;
	}
	return 0;
}

size_t qtype_tiled_bytes(enum qtype t, int rows, int n)
{
	return (size_t)(rows / QTILE_ROWS) * (size_t)(n / qtype_block_weights(t)) * tile_block_bytes(t);
}

/* ---- packing (portable) ---- */

/* Where weight k (0..31) of tile row r sits in the int8 tile. */
static int vnni_index(int r, int k)
{
	return k / VNNI * VNNI_ROW_BYTES + r * VNNI + k % VNNI;
}

/* Tile byte i's 4-bit value into nibble storage (qblocks.h: piece i/128,
 * the low nibbles for the first 64 bytes of the piece's 128). */
static void put_nibble(uint8_t *quants, int i, int v)
{
	quants[i / 128 * 64 + i % 64] |= (uint8_t)((v & 0xf) << (i / 64 % 2 * 4));
}

static void put_half(uint8_t *at, qhalf h) { memcpy(at, &h, sizeof(h)); }

static void pack_q4_0(const uint8_t *rows, size_t row_bytes, uint8_t *blk, int b)
{
	for (int r = 0; r < QTILE_ROWS; r++) {
		const struct block_q4_0 *x = (const struct block_q4_0 *)(rows + (size_t)r * row_bytes) + b;

		for (int k = 0; k < QK4_0; k++)
			put_nibble(blk, vnni_index(r, k), k < 16 ? x->qs[k] & 0xf : x->qs[k - 16] >> 4);
		put_half(blk + Q4_0_D + 2 * r, x->d);
	}
}

static void pack_q8_0(const uint8_t *rows, size_t row_bytes, uint8_t *blk, int b)
{
	for (int r = 0; r < QTILE_ROWS; r++) {
		const struct block_q8_0 *x = (const struct block_q8_0 *)(rows + (size_t)r * row_bytes) + b;
		int32_t sum = 0;

		for (int k = 0; k < QK8_0; k++) {
			blk[vnni_index(r, k)] = (uint8_t)x->qs[k];
			sum += x->qs[k];
		}
		put_half(blk + Q8_0_D + 2 * r, x->d);
		sum *= 128;
		memcpy(blk + Q8_0_COMP + 4 * r, &sum, sizeof(sum));
	}
}

static void pack_q4_K(const uint8_t *rows, size_t row_bytes, uint8_t *blk, int b)
{
	for (int r = 0; r < QTILE_ROWS; r++) {
		const struct block_q4_K *x = (const struct block_q4_K *)(rows + (size_t)r * row_bytes) + b;
		uint8_t s[16];

		q4k_unpack_scales(x->scales, s);
		for (int g = 0; g < 8; g++) {
			const uint8_t *q = x->qs + 32 * (g / 2);

			for (int k = 0; k < 32; k++)
				put_nibble(blk + 256 * g, vnni_index(r, k), g % 2 ? q[k] >> 4 : q[k] & 0xf);
			blk[Q4_K_SCALES + QTILE_ROWS * g + r] = s[g];
			blk[Q4_K_MINS + 2 * QTILE_ROWS * (g / 2) + 2 * r + g % 2] = s[8 + g];
		}
		put_half(blk + Q4_K_D + 2 * r, x->d);
		put_half(blk + Q4_K_DMIN + 2 * r, x->dmin);
	}
}

static void pack_q6_K(const uint8_t *rows, size_t row_bytes, uint8_t *blk, int b)
{
	for (int r = 0; r < QTILE_ROWS; r++) {
		const struct block_q6_K *x = (const struct block_q6_K *)(rows + (size_t)r * row_bytes) + b;

		for (int g = 0; g < 16; g++) {
			for (int k = 0; k < 16; k++) {
				int q = q6k_weight(x, 16 * g + k) + 32, i = vnni_index(r, k);

				put_nibble(blk + 128 * g, i, q);
				blk[Q6_K_HIGH + 64 * g + i % 64] |= (uint8_t)((q >> 4) << (2 * (i / 64)));
			}
			blk[Q6_K_SCALES + QTILE_ROWS * g + r] = (uint8_t)x->scales[g];
		}
		put_half(blk + Q6_K_D + 2 * r, x->d);
	}
}

void qtype_tile_pack(enum qtype t, const void *rows, void *tiled, int n)
{
	static void (*const pack[QT_COUNT])(const uint8_t *, size_t, uint8_t *, int) = {
		[QT_Q4_0] = pack_q4_0, [QT_Q8_0] = pack_q8_0, [QT_Q4_K] = pack_q4_K, [QT_Q6_K] = pack_q6_K,
	};
	size_t block_bytes = tile_block_bytes(t), row_bytes = qtype_row_bytes(t, n);
	int nb = n / qtype_block_weights(t);

	memset(tiled, 0, block_bytes * (size_t)nb);
	for (int b = 0; b < nb; b++)
		pack[t](rows, row_bytes, (uint8_t *)tiled + (size_t)b * block_bytes, b);
}

/* ---- the tile products ---- */

#if defined(__x86_64__)

#include <immintrin.h>

#define AMX __attribute__((target("amx-tile,amx-int8,avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")))

/* gcc's AMX intrinsics (amxtileintrin.h) do not tell the compiler which
 * memory LDTILECFG or a tile load reads: this barrier before them keeps
 * the stores they read ahead of them. */
#define TILES_READ_MEMORY() __asm__ volatile("" ::: "memory")

/* Tile registers as mmq.cpp arranges them (its notes on the tile config):
 * weights in 0 and 1, activation columns 0-15 in 2 and 16-31 in 3,
 * results 4 = 2.0, 5 = 3.0, 6 = 2.1, 7 = 3.1. A result tile is stored as
 * 16 int32 a column; acc[2 * weight tile + column half] below. */
enum { ACC_INTS = TILE_COLS * QTILE_ROWS };

/* Activation tile A times both weight tiles into result tiles C0 (weights
 * 0) and C1 (weights 1), stored as int32 at OUT0 and OUT1. */
#define TILE_PRODUCTS(A, C0, C1, OUT0, OUT1)                                    \
	do {                                                                    \
		_tile_zero(C0);                                                 \
		_tile_zero(C1);                                                 \
		_tile_dpbssd(C0, A, 0);                                         \
		_tile_dpbssd(C1, A, 1);                                         \
		_tile_stored(C0, OUT0, QTILE_ROWS * sizeof(int32_t));           \
		_tile_stored(C1, OUT1, QTILE_ROWS * sizeof(int32_t));           \
	} while (0)

/* LDTILECFG's 64-byte operand (Intel SDM vol. 2, LDTILECFG). */
struct tile_config {
	uint8_t palette, start_row, reserved[14];
	uint16_t bytes_per_row[16];
	uint8_t rows[16];
};

/* Palette 1 with m0 activation columns in tile 2, m1 (maybe 0: tiles 3, 5
 * and 7 unused) in tile 3: a tile reads only the columns that exist. */
AMX static void configure_tiles(int m0, int m1)
{
	struct tile_config c;

	memset(&c, 0, sizeof(c));
	c.palette = 1;
	for (int t = 0; t < 2; t++) {
		c.rows[t] = TILE_K / VNNI;
		c.bytes_per_row[t] = VNNI_ROW_BYTES;
	}
	c.rows[2] = c.rows[4] = c.rows[6] = (uint8_t)m0;
	c.rows[3] = c.rows[5] = c.rows[7] = (uint8_t)m1;
	c.bytes_per_row[2] = TILE_K;
	c.bytes_per_row[3] = m1 ? TILE_K : 0;
	c.bytes_per_row[4] = c.bytes_per_row[6] = QTILE_ROWS * sizeof(int32_t);
	c.bytes_per_row[5] = c.bytes_per_row[7] = m1 ? QTILE_ROWS * sizeof(int32_t) : 0;
	TILES_READ_MEMORY();
	_tile_loadconfig(&c);
}

/* 4-bit tile storage (pieces of 64 bytes) to the int8 tile, less offset. */
AMX static inline void unpack_nibbles(const uint8_t *src, int8_t *dst, int pieces, char offset)
{
	const __m512i low4 = _mm512_set1_epi8(0x0f), off = _mm512_set1_epi8(offset);

	for (int p = 0; p < pieces; p++) {
		__m512i v = _mm512_loadu_si512((const void *)(src + 64 * p));

		_mm512_storeu_si512(dst + 128 * p, _mm512_sub_epi8(_mm512_and_si512(v, low4), off));
		_mm512_storeu_si512(dst + 128 * p + 64,
				    _mm512_sub_epi8(_mm512_and_si512(_mm512_srli_epi16(v, 4), low4), off));
	}
}

/* VNNI step `step` (0..3: weights 4 step..4 step + 3 of every row) of
 * Q6_K group g of a block of a tile as unsigned 6-bit bytes, q + 32. */
AMX static inline __m512i q6k_step(const uint8_t *blk, int g, int step)
{
	const __m512i low4 = _mm512_set1_epi8(0x0f), two = _mm512_set1_epi8(3);
	__m512i v = _mm512_loadu_si512((const void *)(blk + 128 * g + 64 * (step / 2)));
	__m512i high = _mm512_loadu_si512((const void *)(blk + Q6_K_HIGH + 64 * g));
	__m512i q = _mm512_and_si512(step % 2 ? _mm512_srli_epi16(v, 4) : v, low4);
	/* the step's top bits sit in bits 2 step..2 step + 1 of each byte (& 3: bytes do not mix) */
	__m512i top = _mm512_and_si512(_mm512_srli_epi16(high, 2 * step), two);

	return _mm512_or_si512(q, _mm512_slli_epi16(top, 4));
}

/* Q6_K group g of a block of a tile to the int8 tile's first 4 rows. */
AMX static inline void unpack_q6_K(const uint8_t *blk, int g, int8_t *dst)
{
	const __m512i off = _mm512_set1_epi8(32);

	for (int step = 0; step < 4; step++)
		_mm512_storeu_si512(dst + 64 * step, _mm512_sub_epi8(q6k_step(blk, g, step), off));
}

AMX static inline float h2f_amx(qhalf h) { return _cvtsh_ss(h); }

/* A product's floats while its blocks add up: a column's 32 rows (both
 * weight tiles) side by side. They are summed here, in L1, and written
 * to the output once: the output's columns lie a whole matrix height
 * apart, a multiple of 4 KiB for most models' matrices, so adding into
 * them block by block kept evicting one another from the same L1 sets
 * (Q8_0 at 2048 rows x 2048 x 256 columns: 157 GFLOP/s there, 236 at
 * 2080 rows). */
typedef float product_sums[2 * TILE_COLS][2 * QTILE_ROWS];

/* sum (+)= v; set on a product's first block */
AMX static inline void put_sum(float *sum, __m512 v, bool first)
{
	_mm512_storeu_ps(sum, first ? v : _mm512_add_ps(_mm512_loadu_ps(sum), v));
}

/* The product's columns into the output. */
static void store_sums(const product_sums sums, int cols, float *out, size_t out_stride)
{
	for (int c = 0; c < cols; c++)
		memcpy(out + (size_t)c * out_stride, sums[c], sizeof(sums[c]));
}

/* Block b's four result tiles (acc) times the weights' and each column's
 * scale, into sums: mmq.cpp's acc_C for Q4_0 and Q8_0. */
AMX static void scale_blocks32(const uint8_t *const blk[2], size_t d_at, const uint8_t *act, size_t act_bytes,
			       int b, int cols, const int32_t (*acc)[ACC_INTS], product_sums sums)
{
	for (int t = 0; t < 2; t++) {
		__m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(blk[t] + d_at)));

		for (int c = 0; c < cols; c++) {
			const struct block_q8_0 *y = (const struct block_q8_0 *)(act + (size_t)c * act_bytes) + b;
			const int32_t *p = acc[2 * t + c / TILE_COLS] + c % TILE_COLS * QTILE_ROWS;
			__m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_loadu_si512((const void *)p)),
						 _mm512_mul_ps(dw, _mm512_set1_ps(h2f_amx(y->d))));

			put_sum(sums[c] + QTILE_ROWS * t, v, b == 0);
		}
	}
}

/* Q4_0 and Q8_0 (q4: Q4_0): per 32-weight block, the weight tiles (Q4_0's
 * unpacked to int8 first), the activation tiles read in place from the
 * Q8_0 rows, four tile products; the block before is scaled while these
 * run (mmq.cpp double-buffers its results the same way). */
AMX __attribute__((always_inline)) static inline void
gemm_blocks32(int n, const uint8_t *tiled, const uint8_t *act, size_t act_bytes, int cols, float *out,
	      size_t out_stride, bool q4)
{
	const int nb = n / QK8_0, m0 = cols < TILE_COLS ? cols : TILE_COLS, m1 = cols - m0;
	const size_t block_bytes = tile_block_bytes(q4 ? QT_Q4_0 : QT_Q8_0), d_at = q4 ? Q4_0_D : Q8_0_D;
	const uint8_t *tile1 = tiled + (size_t)nb * block_bytes;
	int8_t w[2][TILE_BYTES];
	int32_t acc[2][4][ACC_INTS];
	product_sums sums;

	configure_tiles(m0, m1);
	for (int b = 0; b <= nb; b++) {
		if (b < nb) {
			const uint8_t *blk0 = tiled + (size_t)b * block_bytes, *blk1 = tile1 + (size_t)b * block_bytes;
			const uint8_t *a = act + (size_t)b * sizeof(struct block_q8_0) + offsetof(struct block_q8_0, qs);
			int32_t (*c)[ACC_INTS] = acc[b % 2];

			if (q4) {
				unpack_nibbles(blk0, w[0], 4, 8);
				unpack_nibbles(blk1, w[1], 4, 8);
				TILES_READ_MEMORY();
				_tile_loadd(0, w[0], VNNI_ROW_BYTES);
				_tile_loadd(1, w[1], VNNI_ROW_BYTES);
			} else {
				_tile_loadd(0, blk0, VNNI_ROW_BYTES);
				_tile_loadd(1, blk1, VNNI_ROW_BYTES);
			}
			_tile_loadd(2, a, act_bytes);
			TILE_PRODUCTS(2, 4, 6, c[0], c[2]);
			if (m1 > 0) {
				_tile_loadd(3, a + TILE_COLS * act_bytes, act_bytes);
				TILE_PRODUCTS(3, 5, 7, c[1], c[3]);
			}
		}
		if (b > 0) {
			const uint8_t *blk[2] = { tiled + (size_t)(b - 1) * block_bytes, tile1 + (size_t)(b - 1) * block_bytes };

			scale_blocks32(blk, d_at, act, act_bytes, b - 1, cols, (const int32_t (*)[ACC_INTS])acc[(b - 1) % 2],
				       sums);
		}
	}
	_tile_release();
	store_sums((const float (*)[2 * QTILE_ROWS])sums, cols, out, out_stride);
}

/* name: kernel for one type (flag: its bool), as a qtile_gemm_fn */
#define TILE_GEMM(name, kernel, flag)                                                                 \
	AMX static void name(int n, const void *w, const void *act, size_t act_bytes, int cols, float *out, \
			     size_t out_stride)                                                          \
	{                                                                                             \
		kernel(n, w, act, act_bytes, cols, out, out_stride, flag);                            \
	}

TILE_GEMM(gemm_q4_0_amx, gemm_blocks32, true)
TILE_GEMM(gemm_q8_0_amx, gemm_blocks32, false)

/* Columns first..first+count-1's activations of group g (width weights)
 * of block b copied into a tile's rows of 32 bytes: mmq.cpp's unpack_A
 * (Q6_K's 16 leave the rest of each row zero). */
static inline void copy_act_group(const uint8_t *act, size_t act_bytes, int b, int g, int width, int first,
				  int count, int8_t *tile)
{
	for (int c = 0; c < count; c++) {
		const struct block_q8_K *y = (const struct block_q8_K *)(act + (size_t)(first + c) * act_bytes) + b;

		memcpy(tile + TILE_K * c, y->qs + width * g, (size_t)width);
	}
}

/* sums (+)= a group's result tile x its per-row scale (mmq.cpp scale_C). */
AMX static inline void scale_group(const int32_t *prod, int32_t *sums, const uint8_t *scales, bool q6, int count,
				   bool first)
{
	__m128i s8 = _mm_loadu_si128((const __m128i *)scales);
	__m512i s = q6 ? _mm512_cvtepi8_epi32(s8) : _mm512_cvtepu8_epi32(s8);

	for (int c = 0; c < count; c++) {
		__m512i p = _mm512_mullo_epi32(_mm512_loadu_si512((const void *)(prod + QTILE_ROWS * c)), s);

		if (!first)
			p = _mm512_add_epi32(p, _mm512_loadu_si512((const void *)(sums + QTILE_ROWS * c)));
		_mm512_storeu_si512(sums + QTILE_ROWS * c, p);
	}
}

/* sum over Q4_K's 8 groups of the row's min x the column's group sum, for
 * the 16 rows: the mins as [group / 2][row][group % 2] pair with the
 * column's sums two groups at a time (mmq.cpp acc_C for Q4_K). */
AMX static inline __m512i q4k_min_sums(const uint8_t *mins, const int16_t *bsums)
{
	__m512i m = _mm512_setzero_si512();

	for (int k = 0; k < 4; k++) {
		uint16_t lo = (uint16_t)(bsums[4 * k] + bsums[4 * k + 1]), hi = (uint16_t)(bsums[4 * k + 2] + bsums[4 * k + 3]);
		__m512i pair = _mm512_set1_epi32((int)((uint32_t)hi << 16 | lo));
		__m512i w = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(mins + 2 * QTILE_ROWS * k)));

		m = _mm512_dpwssd_epi32(m, pair, w);
	}
	return m;
}

/* The 16 rows' int32 sums of block blk of a Q4_K or Q6_K tile (q6) with
 * the Q8_K block y, into floats: x d x y's d, less Q4_K's mins term
 * (mmq.cpp acc_C for these types). */
AMX static inline __m512 k_block_floats(const uint8_t *blk, const struct block_q8_K *y, __m512i isums, bool q6)
{
	__m512 d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(blk + (q6 ? Q6_K_D : Q4_K_D))));
	__m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(isums), _mm512_mul_ps(d, _mm512_set1_ps(y->d)));
	__m512 dmin;

	if (q6)
		return v;
	dmin = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(blk + Q4_K_DMIN)));
	return _mm512_fnmadd_ps(_mm512_cvtepi32_ps(q4k_min_sums(blk + Q4_K_MINS, y->bsums)),
				_mm512_mul_ps(dmin, _mm512_set1_ps(y->d)), v);
}

/* Block b's integer sums (sums, [2 * tile + column half]) into floats. */
AMX static void scale_block_k(const uint8_t *const blk[2], const uint8_t *act, size_t act_bytes, int b, int cols,
			      const int32_t (*sums)[ACC_INTS], product_sums fsums, bool q6)
{
	for (int t = 0; t < 2; t++)
		for (int c = 0; c < cols; c++) {
			const struct block_q8_K *y = (const struct block_q8_K *)(act + (size_t)c * act_bytes) + b;
			const int32_t *s = sums[2 * t + c / TILE_COLS] + c % TILE_COLS * QTILE_ROWS;

			put_sum(fsums[c] + QTILE_ROWS * t,
				k_block_floats(blk[t], y, _mm512_loadu_si512((const void *)s), q6), b == 0);
		}
}

/* Q4_K and Q6_K (q6: Q6_K): per 256-weight block and per group (32
 * weights, Q6_K's 16), both weight tiles unpacked to int8, the columns'
 * group copied into activation tiles, four tile products, each result
 * times the rows' group scales summed in int32; then the block's sums
 * into floats with d (and Q4_K's mins): mmq.cpp's order for these types. */
AMX __attribute__((always_inline)) static inline void
gemm_k(int n, const uint8_t *tiled, const uint8_t *act, size_t act_bytes, int cols, float *out,
       size_t out_stride, bool q6)
{
	const int nb = n / QK_K, m0 = cols < TILE_COLS ? cols : TILE_COLS, m1 = cols - m0;
	const int groups = q6 ? 16 : 8, width = QK_K / groups;
	const size_t block_bytes = tile_block_bytes(q6 ? QT_Q6_K : QT_Q4_K);
	const size_t scales_at = q6 ? Q6_K_SCALES : Q4_K_SCALES;
	int8_t w[2][TILE_BYTES], a[2][TILE_COLS * TILE_K];
	int32_t prod[4][ACC_INTS], sums[4][ACC_INTS];
	product_sums fsums;

	memset(w, 0, sizeof(w)); /* Q6_K fills half of each tile: the rest stays zero */
	memset(a, 0, sizeof(a));
	configure_tiles(m0, m1);
	for (int b = 0; b < nb; b++) {
		const uint8_t *blk[2] = { tiled + (size_t)b * block_bytes, tiled + (size_t)(nb + b) * block_bytes };

		for (int g = 0; g < groups; g++) {
			for (int t = 0; t < 2; t++) {
				if (q6)
					unpack_q6_K(blk[t], g, w[t]);
				else
					unpack_nibbles(blk[t] + 256 * g, w[t], 4, 0);
			}
			copy_act_group(act, act_bytes, b, g, width, 0, m0, a[0]);
			TILES_READ_MEMORY();
			_tile_loadd(0, w[0], VNNI_ROW_BYTES);
			_tile_loadd(1, w[1], VNNI_ROW_BYTES);
			_tile_loadd(2, a[0], TILE_K);
			TILE_PRODUCTS(2, 4, 6, prod[0], prod[2]);
			scale_group(prod[0], sums[0], blk[0] + scales_at + QTILE_ROWS * g, q6, m0, g == 0);
			scale_group(prod[2], sums[2], blk[1] + scales_at + QTILE_ROWS * g, q6, m0, g == 0);
			if (m1 > 0) {
				copy_act_group(act, act_bytes, b, g, width, TILE_COLS, m1, a[1]);
				TILES_READ_MEMORY();
				_tile_loadd(3, a[1], TILE_K);
				TILE_PRODUCTS(3, 5, 7, prod[1], prod[3]);
				scale_group(prod[1], sums[1], blk[0] + scales_at + QTILE_ROWS * g, q6, m1, g == 0);
				scale_group(prod[3], sums[3], blk[1] + scales_at + QTILE_ROWS * g, q6, m1, g == 0);
			}
		}
		scale_block_k(blk, act, act_bytes, b, cols, (const int32_t (*)[ACC_INTS])sums, fsums, q6);
	}
	_tile_release();
	store_sums((const float (*)[2 * QTILE_ROWS])fsums, cols, out, out_stride);
}

TILE_GEMM(gemm_q4_K_amx, gemm_k, false)
TILE_GEMM(gemm_q6_K_amx, gemm_k, true)

/* ---- one token on the tiled layout ---- */

/* 4 activation bytes as one int32, for a VNNI broadcast */
static inline int32_t act4(const int8_t *qs)
{
	int32_t v;

	memcpy(&v, qs, sizeof(v));
	return v;
}

/* Block blk of a Q4_K tile . the Q8_K block y, the 16 rows' int32 sums:
 * per group its 4-bit weights' VNNI dot times the rows' scales (mmq.cpp
 * tinygemm_kernel_vnni for Q4_K). */
AMX static inline __m512i q4k_block_dot(const uint8_t *blk, const struct block_q8_K *y)
{
	const __m512i low4 = _mm512_set1_epi8(0x0f);
	__m512i acc = _mm512_setzero_si512();

	for (int g = 0; g < 8; g++) {
		__m512i dot = _mm512_setzero_si512();
		__m512i scale = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(blk + Q4_K_SCALES + QTILE_ROWS * g)));

#pragma GCC unroll 4
		for (int p = 0; p < 4; p++) {
			__m512i v = _mm512_loadu_si512((const void *)(blk + 256 * g + 64 * p));
			const int8_t *a = y->qs + 32 * g + 8 * p;

			dot = _mm512_dpbusd_epi32(dot, _mm512_and_si512(v, low4), _mm512_set1_epi32(act4(a)));
			dot = _mm512_dpbusd_epi32(dot, _mm512_and_si512(_mm512_srli_epi16(v, 4), low4),
						  _mm512_set1_epi32(act4(a + 4)));
		}
		acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(dot, scale));
	}
	return acc;
}

/* The same for Q6_K: per group of 16 its q + 32 bytes' dot less 32 x the
 * group's activation sum, times the rows' scales (mmq.cpp's Q6_K one). */
AMX static inline __m512i q6k_block_dot(const uint8_t *blk, const struct block_q8_K *y)
{
	__m512i acc = _mm512_setzero_si512();

	for (int g = 0; g < 16; g++) {
		__m512i dot = _mm512_set1_epi32(-32 * y->bsums[g]);
		__m512i scale = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(blk + Q6_K_SCALES + QTILE_ROWS * g)));

		/* unrolled: the steps' shifts then are constants */
#pragma GCC unroll 4
		for (int step = 0; step < 4; step++)
			dot = _mm512_dpbusd_epi32(dot, q6k_step(blk, g, step), _mm512_set1_epi32(act4(y->qs + 16 * g + 4 * step)));
		acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(dot, scale));
	}
	return acc;
}

/* out[0..16 tiles) = the rows of `tiles` consecutive tiles . one Q8_K
 * column: block after block, every tile's block in turn, so that the
 * tiles' streams are read side by side as mmq.cpp's one-token kernel
 * reads its 4 (BLOCK_N = 64 rows). */
AMX __attribute__((always_inline)) static inline void
gemv_k(int n, const uint8_t *tiled, int tiles, const void *act, float *out, bool q6)
{
	const int nb = n / QK_K;
	const size_t block_bytes = tile_block_bytes(q6 ? QT_Q6_K : QT_Q4_K);
	const struct block_q8_K *y = act;
	__m512 sums[QTILE_GEMV_TILES];

	for (int t = 0; t < tiles; t++)
		sums[t] = _mm512_setzero_ps();
	for (int b = 0; b < nb; b++)
		for (int t = 0; t < tiles; t++) {
			const uint8_t *blk = tiled + ((size_t)t * (size_t)nb + (size_t)b) * block_bytes;

			__m512i isums = q6 ? q6k_block_dot(blk, y + b) : q4k_block_dot(blk, y + b);

			sums[t] = _mm512_add_ps(sums[t], k_block_floats(blk, y + b, isums, q6));
		}
	for (int t = 0; t < tiles; t++)
		_mm512_storeu_ps(out + QTILE_ROWS * t, sums[t]);
}

#define TILE_GEMV(name, flag)                                                                  \
	AMX static void name(int n, const void *tiled, int tiles, const void *act, float *out) \
	{                                                                                      \
		gemv_k(n, tiled, tiles, act, out, flag);                                       \
	}

TILE_GEMV(gemv_q4_K_amx, false)
TILE_GEMV(gemv_q6_K_amx, true)

const struct qtiles qk_amx_tiles = {
	2 * QTILE_ROWS, 2 * TILE_COLS,
	{ gemm_q4_0_amx, gemm_q8_0_amx, gemm_q4_K_amx, gemm_q6_K_amx },
	/* Q4_0 and Q8_0 take a token through the packed gemv instead */
	{ [QT_Q4_K] = gemv_q4_K_amx, [QT_Q6_K] = gemv_q6_K_amx },
};

#else
const struct qtiles qk_amx_tiles;
#endif
