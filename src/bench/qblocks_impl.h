/* qblocks_impl.h - what the kernel files (qblocks.c, qblocks_x86.c,
 * qblocks_arm.c) share; not for other modules. */
#ifndef CANIRUN_QBLOCKS_IMPL_H
#define CANIRUN_QBLOCKS_IMPL_H

#include <stdint.h>
#include <string.h>

#include "bench/qblocks.h"

/* Each is the kernel table of its instruction set when this binary was
 * built for an architecture that has it, else all NULL. The CPU check is
 * qk_get's. */
extern const struct qkernels qk_avx2_kernels;
extern const struct qkernels qk_avx512_kernels;
extern const struct qkernels qk_neon_kernels;
extern const struct qkernels qk_scalar_kernels;
extern const struct qkernels qk_amx_kernels;
extern const struct qtiles qk_amx_tiles;       /* qblocks_amx.c */

/* Q4_K's 12 scale bytes hold eight 6-bit scales and eight 6-bit mins: for
 * j < 4, sc = s[j] & 63 and m = s[j+4] & 63; for j >= 4 the low 4 bits sit
 * in s[j+4] (sc low nibble, m high nibble) and the top 2 bits in the spare
 * top bits of s[j-4] (sc) and s[j] (m) (ggml-quants.c get_scale_min_k4).
 * Done on little-endian 32-bit words, four at a time (x86 and aarch64 are
 * little-endian): out[0..7] = sc, out[8..15] = m. */
static inline void q4k_unpack_scales(const uint8_t s[12], uint8_t out[16])
{
	uint32_t w[3], r[4];

	memcpy(w, s, 12);
	r[0] = w[0] & 0x3f3f3f3fu;
	r[1] = (w[2] & 0x0f0f0f0fu) | (((w[0] >> 6) & 0x03030303u) << 4);
	r[2] = w[1] & 0x3f3f3f3fu;
	r[3] = ((w[2] >> 4) & 0x0f0f0f0fu) | (((w[1] >> 6) & 0x03030303u) << 4);
	memcpy(out, r, 16);
}

/* Weight i (0..255) of a Q6_K block, -32..31 (the bit layout: q6k_pack in
 * qblocks.c). */
static inline int q6k_weight(const struct block_q6_K *b, int i)
{
	int half = i / 128, l = i % 32, part = (i % 128) / 32;
	const uint8_t *ql = b->ql + 64 * half, *qh = b->qh + 32 * half;
	int low = (part & 1) ? ql[l + 32] : ql[l];

	low = (part & 2) ? low >> 4 : low & 0xf;
	return (low | ((qh[l] >> (2 * part)) & 3) << 4) - 32;
}

#endif
