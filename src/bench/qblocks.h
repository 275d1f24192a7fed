/* qblocks.h - ggml-layout quantized blocks and their dot-product kernels,
 * the core of the CPU microbenchmark.
 *
 * The block layouts are ggml's (ggml/src/ggml-common.h): the same bytes a
 * GGUF file holds, so the rates we measure are rates on real model data.
 * Weights come in Q4_0, Q8_0, Q4_K or Q6_K; activations are quantized as
 * ggml does before a dot product: to Q8_0 for Q4_0/Q8_0 weights, to Q8_K
 * for the K-quants (ggml-quants.c quantize_row_q8_0_ref/_q8_K_ref).
 *
 * Every kernel exists as a portable scalar reference; SIMD variants (AVX2,
 * AVX-512 with VNNI, NEON with dotprod) live in one binary and are picked at
 * run time from the CPU's features. Variants agree with the reference up to
 * float summation order; exactly when all scales are integers.
 *
 * Nothing here allocates; buffers are the caller's. n, the number of
 * weights in a row, must be a multiple of the type's block (32 or 256).
 */
#ifndef CANIRUN_QBLOCKS_H
#define CANIRUN_QBLOCKS_H

#include <stddef.h>
#include <stdint.h>

#define QK4_0 32
#define QK8_0 32
#define QK_K 256

typedef uint16_t qhalf; /* IEEE 754 binary16 bits */

struct block_q4_0 {
	qhalf d;                /* value = (q - 8) * d */
	uint8_t qs[QK4_0 / 2];  /* weight j in low nibble of qs[j], j+16 in high */
};

struct block_q8_0 {
	qhalf d;                /* value = q * d */
	int8_t qs[QK8_0];
};

/* 8 sub-blocks of 32: value = d * sc[j] * q - dmin * m[j], q in 0..15 */
struct block_q4_K {
	qhalf d, dmin;
	uint8_t scales[12];     /* 6-bit sc[8] and m[8], packed as ggml does */
	uint8_t qs[QK_K / 2];   /* per 64 weights: 32 bytes, low nibbles first */
};

/* 16 groups of 16: value = d * scales[g] * (q - 32), q in 0..63 */
struct block_q6_K {
	uint8_t ql[QK_K / 2];   /* low 4 bits */
	uint8_t qh[QK_K / 4];   /* high 2 bits */
	int8_t scales[QK_K / 16];
	qhalf d;
};

/* Activations for the K-quants: float scale, sums of 16 for the mins. */
struct block_q8_K {
	float d;
	int8_t qs[QK_K];
	int16_t bsums[QK_K / 16];
};

_Static_assert(sizeof(struct block_q4_0) == 18, "ggml block_q4_0 is 18 bytes");
_Static_assert(sizeof(struct block_q8_0) == 34, "ggml block_q8_0 is 34 bytes");
_Static_assert(sizeof(struct block_q4_K) == 144, "ggml block_q4_K is 144 bytes");
_Static_assert(sizeof(struct block_q6_K) == 210, "ggml block_q6_K is 210 bytes");
_Static_assert(sizeof(struct block_q8_K) == 292, "ggml block_q8_K is 292 bytes");

enum qtype { QT_Q4_0, QT_Q8_0, QT_Q4_K, QT_Q6_K, QT_COUNT };

const char *qtype_name(enum qtype t);          /* "Q4_0", ... */
int qtype_block_weights(enum qtype t);         /* 32 or 256 */
size_t qtype_row_bytes(enum qtype t, int n);   /* weight bytes of n weights */
size_t qtype_act_row_bytes(enum qtype t, int n); /* its activations' bytes */

float qhalf_to_float(qhalf h);
qhalf qhalf_from_float(float f);               /* round to nearest even */

/* Weights, for test data (a plain min/max fit, not ggml's search). */
void qtype_quantize(enum qtype t, const float *x, void *w, int n);
void qtype_dequantize(enum qtype t, const void *w, float *x, int n);
/* Activations in the form t's dot product takes (Q8_0 or Q8_K). */
void qtype_quantize_act(enum qtype t, const float *x, void *a, int n);

/* sum over the row of weight * activation */
typedef float (*qdot_fn)(int n, const void *w, const void *a);

/* Repacked weights, as llama.cpp keeps Q4_0 and Q8_0 on x86 (its AMX
 * buffer's VNNI layout, ggml-cpu-aarch64.cpp's q4_0_8x8 for AVX2): a group
 * of `rows` rows interleaved block by block, so that one vector holds four
 * weights of every row of the group and the dot products of all its rows
 * build up in the lanes of one register, with no per-row sums. A packed
 * block of a group is the rows' binary16 scales, then their quants in
 * 4-byte pieces, row after row for each piece (Q4_0: piece g holds quants
 * 4g..4g+3 of ggml's qs, weights 4g.. in the low nibbles and 16+4g.. in the
 * high; Q8_0: weights 4g..4g+3, stored plus 128 as unsigned bytes). Same
 * bytes per weight as the plain layout. */
/* out[c * out_stride + r] = row r of the packed group . activation column
 * c, for `cols` Q8_0 columns act_bytes apart; act_sums[c * (n / 32) + b] is
 * the sum of column c's block b quants (qtype_act_sums). */
typedef void (*qgemm_fn)(int n, const void *packed, const void *act, size_t act_bytes,
			 const int32_t *act_sums, int cols, float *out, size_t out_stride);

/* out[r] = row r of `groups` consecutive packed groups . the one Q8_0
 * activation column act (act_sums as above): token generation's product,
 * the groups' weights streamed side by side as llama.cpp's one-token AMX
 * kernel streams up to eight 16-row tiles (amx/mmq.cpp
 * tinygemm_kernel_vnni, BLOCK_N = 128 when M = 1), so the next blocks of
 * several streams are in flight at once. groups is 1..QGEMV_GROUPS. */
#define QGEMV_GROUPS 4
typedef void (*qgemv_fn)(int n, const void *packed, int groups, const void *act,
			 const int32_t *act_sums, float *out);

struct qpacked {
	int group;              /* rows per packed group; 0: the set packs nothing */
	qgemm_fn gemm[QT_COUNT];        /* NULL: the type is not packed */
	qgemv_fn gemv[QT_COUNT];        /* NULL: one column goes through gemm */
};

/* Packs `group` plain rows of n weights of type t (Q4_0 or Q8_0; contiguous
 * at rows) into packed, the layout above; the same number of bytes. */
void qtype_pack(enum qtype t, int group, const void *rows, void *packed, int n);

/* The per-block sums of Q8_0 activations a of n weights, into sums[n/32]. */
void qtype_act_sums(const void *a, int n, int32_t *sums);

/* Tiled weights, as llama.cpp's AMX backend keeps them (its AMX buffer:
 * ggml/src/ggml-cpu/amx/mmq.cpp pack_B): rows in tiles of QTILE_ROWS
 * (amx/common.h TILE_N), a tile's blocks one after another, then the next
 * tile's. A block of a tile holds the rows' quants as the int8 tile that a
 * tile product reads (VNNI order: for each 4 weights of the 32 a product
 * takes, those 4 of every row, row after row), then the rows' scales, one
 * after another. Bytes of a block of a tile (mmq.cpp get_tile_size):
 *   Q4_0: the tile's 512 quants in 4 bits, 64-byte piece p holding tile
 *         bytes 128p..128p+63 in its low nibbles and the next 64 in its high
 *         ones; 16 binary16 d: 288 bytes.
 *   Q8_0: the 512 int8 quants; 16 d; 16 int32 compensations, 128 x the
 *         row's quant sum (read by llama.cpp's one-token path, not by tile
 *         products; kept so that the bytes are its): 608.
 *   Q4_K: its 8 groups of 32 weights, each as Q4_0's 256 bytes (q 0..15);
 *         the 8 6-bit scales as bytes [group][row]; the 8 mins as bytes
 *         [group / 2][row][group % 2]; 16 d; 16 dmin: 2368.
 *   Q6_K: its 16 groups of 16 weights (half a tile: VNNI rows 0..3), each
 *         128 bytes of low nibbles as Q4_0's; then per group 64 bytes of
 *         high bits, bits 2r..2r+1 of byte i for tile byte 64r+i; the 16 int8
 *         scales as [group][row]; 16 d: 3360. */
#define QTILE_ROWS 16

/* Bytes of `rows` (a multiple of QTILE_ROWS) rows of n weights of type t in
 * the tiled layout. */
size_t qtype_tiled_bytes(enum qtype t, int rows, int n);

/* Packs QTILE_ROWS plain rows of n weights of type t (contiguous at rows)
 * into one tile at tiled (qtype_tiled_bytes(t, QTILE_ROWS, n) bytes). */
void qtype_tile_pack(enum qtype t, const void *rows, void *tiled, int n);

/* out[c * out_stride + r] = row r of the two tiles at tiled (32 rows: the
 * first tile, then the one after it) . activation column c, for `cols`
 * (1..32) columns act_bytes apart, in the form t's dot takes (Q8_0 or Q8_K). */
typedef void (*qtile_gemm_fn)(int n, const void *tiled, const void *act, size_t act_bytes, int cols,
			      float *out, size_t out_stride);

/* out[r] = row r of `tiles` (1..QTILE_GEMV_TILES) consecutive tiles at
 * tiled . the one activation column act (Q8_K): a token's product on the
 * tiled layout, AVX-512 VNNI dot products rather than tile products, as
 * llama.cpp's AMX backend makes one token (mmq.cpp tinygemm_kernel_vnni,
 * M = 1, 4 tiles a call). */
#define QTILE_GEMV_TILES 4
typedef void (*qtile_gemv_fn)(int n, const void *tiled, int tiles, const void *act, float *out);

struct qtiles {
	int rows;               /* weight rows a product takes: 2 tiles (mmq.cpp BLOCK_N) */
	int cols;               /* activation columns it takes at most: 32 (mmq.cpp BLOCK_M) */
	qtile_gemm_fn gemm[QT_COUNT];
	qtile_gemv_fn gemv[QT_COUNT];   /* NULL: one column goes through gemm */
};

/* out[c * out_stride + r] = row r . activation column c (Q8_0) for nrows
 * (a multiple of QPLAIN_ROWS) plain rows of n weights row_bytes apart and
 * `cols` columns act_bytes apart. */
#define QPLAIN_ROWS 4
typedef void (*qplain_gemm_fn)(int n, const void *rows, size_t row_bytes, int nrows, const void *act,
			       size_t act_bytes, int cols, float *out, size_t out_stride);

enum qisa { QISA_SCALAR, QISA_AVX2, QISA_AVX512, QISA_NEON, QISA_AMX, QISA_COUNT };

/* The name of the set that adds AMX tiles to AVX-512 VNNI. */
#define QK_AMX_NAME "amx-int8"

struct qkernels {
	const char *name;       /* "scalar", "avx2", "avx512-vnni", "neon-dotprod", "amx-int8" */
	qdot_fn dot[QT_COUNT];
	/* Reads bytes (a multiple of 256) at buf, 64-byte aligned; returns a
	 * sum of them so the reads cannot be optimised away. */
	uint64_t (*read_sum)(const void *buf, size_t bytes);
	struct qpacked packed;
	/* Batched products on matrix tiles, as llama.cpp runs a prompt's
	 * batch where it has them (x86 AMX-INT8); NULL: none. The amx-int8
	 * set is avx512-vnni's kernels plus these. */
	const struct qtiles *tiles;
	/* Batched products on plain rows, as llama.cpp's tinyBLAS runs a
	 * prompt of a type it does not repack (llamafile/sgemm.cpp); NULL:
	 * none (the set's packed or row-by-row products stand for it). */
	qplain_gemm_fn plain_gemm[QT_COUNT];
};

/* The kernels of one instruction set, or NULL when this binary or CPU has
 * not got it (amx-int8 also needs the OS to grant the process tile data).
 * qk_best() is the fastest available; never NULL. */
const struct qkernels *qk_get(enum qisa isa);
const struct qkernels *qk_best(void);

/* Fills names with the SIMD features of this CPU that matter to the
 * kernels ("avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl",
 * "avx512_vnni", "amx_tile", "amx_int8", "neon", "dotprod"); returns how
 * many (at most max). */
int qk_cpu_simd(char names[][16], int max);

#endif
