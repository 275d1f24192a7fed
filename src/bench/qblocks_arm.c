/* qblocks_arm.c - NEON dot-product kernels with the Armv8.2 dot product
 * (SDOT: four signed byte products summed into each int32 lane), built on
 * aarch64 only and handed out by qk_get() when the CPU reports asimddp.
 *
 * The functions are built for dotprod by attribute, since this file must
 * also build for plain Armv8. Under clang SDOT is inline assembly: its
 * arm_neon.h before 16 offers vdotq_s32 only when the whole file is built
 * for dotprod. */
#include "bench/qblocks_impl.h"

#if defined(__aarch64__)

#include <arm_neon.h>

#if defined(__clang__)
#define DOTPROD __attribute__((target("dotprod")))
#else
#define DOTPROD __attribute__((target("arch=armv8.2-a+dotprod")))
#endif


static inline float h2f(qhalf h)
{
	__fp16 f;

	memcpy(&f, &h, sizeof(f));
	return (float)f;
}

DOTPROD static inline int32x4_t dot16(int32x4_t acc, int8x16_t w, const int8_t *act)
{
	int8x16_t a = vld1q_s8(act);

#if defined(__clang__)
	__asm__("sdot %0.4s, %1.16b, %2.16b" : "+w"(acc) : "w"(w), "w"(a));
	return acc;
#else
	return vdotq_s32(acc, w, a); /* gcc's arm_neon.h follows the target attribute */
#endif
}

DOTPROD static float dot_q4_0_neon(int n, const void *w, const void *a)
{
	const struct block_q4_0 *x = w;
	const struct block_q8_0 *y = a;
	float32x4_t acc = vdupq_n_f32(0);

	for (int b = 0; b < n / QK4_0; b++) {
		uint8x16_t q = vld1q_u8(x[b].qs);
		int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q, vdupq_n_u8(0x0f))), vdupq_n_s8(8));
		int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(q, 4)), vdupq_n_s8(8));
		int32x4_t p = dot16(dot16(vdupq_n_s32(0), lo, y[b].qs), hi, y[b].qs + 16);

		acc = vmlaq_n_f32(acc, vcvtq_f32_s32(p), h2f(x[b].d) * h2f(y[b].d));
	}
	return vaddvq_f32(acc);
}

DOTPROD static float dot_q8_0_neon(int n, const void *w, const void *a)
{
	const struct block_q8_0 *x = w;
	const struct block_q8_0 *y = a;
	float32x4_t acc = vdupq_n_f32(0);

	for (int b = 0; b < n / QK8_0; b++) {
		int32x4_t p = dot16(dot16(vdupq_n_s32(0), vld1q_s8(x[b].qs), y[b].qs),
				    vld1q_s8(x[b].qs + 16), y[b].qs + 16);

		acc = vmlaq_n_f32(acc, vcvtq_f32_s32(p), h2f(x[b].d) * h2f(y[b].d));
	}
	return vaddvq_f32(acc);
}

/* sum_j m_j * (bsums[2j] + bsums[2j+1]) */
static inline int32_t q4k_mins(const uint8_t s[16], const int16_t *bsums)
{
	int16x8_t pairs = vpaddq_s16(vld1q_s16(bsums), vld1q_s16(bsums + 8));
	int16x8_t m = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(s + 8)));

	return vaddvq_s32(vmull_s16(vget_low_s16(pairs), vget_low_s16(m))) +
	       vaddvq_s32(vmull_high_s16(pairs, m));
}

DOTPROD static float dot_q4_K_neon(int n, const void *w, const void *a)
{
	const struct block_q4_K *x = w;
	const struct block_q8_K *y = a;
	const uint8x16_t low4 = vdupq_n_u8(0x0f);
	float sum = 0;

	for (int b = 0; b < n / QK_K; b++) {
		uint8_t s[16];
		int32x4_t sumi = vdupq_n_s32(0);

		q4k_unpack_scales(x[b].scales, s);
		for (int c = 0; c < 4; c++) {
			const int8_t *act = y[b].qs + 64 * c;
			uint8x16_t q0 = vld1q_u8(x[b].qs + 32 * c), q1 = vld1q_u8(x[b].qs + 32 * c + 16);
			int32x4_t plo = dot16(dot16(vdupq_n_s32(0), vreinterpretq_s8_u8(vandq_u8(q0, low4)), act),
					      vreinterpretq_s8_u8(vandq_u8(q1, low4)), act + 16);
			int32x4_t phi = dot16(dot16(vdupq_n_s32(0), vreinterpretq_s8_u8(vshrq_n_u8(q0, 4)), act + 32),
					      vreinterpretq_s8_u8(vshrq_n_u8(q1, 4)), act + 48);

			sumi = vmlaq_n_s32(vmlaq_n_s32(sumi, plo, s[2 * c]), phi, s[2 * c + 1]);
		}
		sum += y[b].d * (h2f(x[b].d) * (float)vaddvq_s32(sumi) -
				 h2f(x[b].dmin) * (float)q4k_mins(s, y[b].bsums));
	}
	return sum;
}

/* 16 Q6_K weights: low nibbles (or high when shift is 4) and two bits of
 * qh at 'hshift', less the offset of 32 */
static inline int8x16_t q6k16(uint8x16_t ql, int high, uint8x16_t qh, int hshift)
{
	uint8x16_t lo = high ? vshrq_n_u8(ql, 4) : vandq_u8(ql, vdupq_n_u8(0x0f));
	uint8x16_t top = vandq_u8(vshlq_u8(qh, vdupq_n_s8((int8_t)(4 - hshift))), vdupq_n_u8(0x30));

	return vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(lo, top)), vdupq_n_s8(32));
}

DOTPROD static float dot_q6_K_neon(int n, const void *w, const void *a)
{
	const struct block_q6_K *x = w;
	const struct block_q8_K *y = a;
	float sum = 0;

	for (int b = 0; b < n / QK_K; b++) {
		int32x4_t sumi = vdupq_n_s32(0);

		/* group g of 16: part = g / 2 % 4 picks ql half and qh bits */
		for (int g = 0; g < 16; g++) {
			int half = g / 8, part = (g % 8) / 2, sub = g % 2;
			const uint8_t *ql = x[b].ql + 64 * half + 32 * (part & 1) + 16 * sub;
			const uint8_t *qh = x[b].qh + 32 * half + 16 * sub;
			int8x16_t wv = q6k16(vld1q_u8(ql), part >> 1, vld1q_u8(qh), 2 * part);

			sumi = vmlaq_n_s32(sumi, dot16(vdupq_n_s32(0), wv, y[b].qs + 16 * g), x[b].scales[g]);
		}
		sum += y[b].d * (h2f(x[b].d) * (float)vaddvq_s32(sumi));
	}
	return sum;
}

static uint64_t read_sum_neon(const void *buf, size_t bytes)
{
	const uint8_t *p = buf;
	uint64x2_t s0 = vdupq_n_u64(0), s1 = s0, s2 = s0, s3 = s0;

	for (size_t i = 0; i < bytes; i += 64) {
		s0 = vaddq_u64(s0, vreinterpretq_u64_u8(vld1q_u8(p + i)));
		s1 = vaddq_u64(s1, vreinterpretq_u64_u8(vld1q_u8(p + i + 16)));
		s2 = vaddq_u64(s2, vreinterpretq_u64_u8(vld1q_u8(p + i + 32)));
		s3 = vaddq_u64(s3, vreinterpretq_u64_u8(vld1q_u8(p + i + 48)));
	}
	return vaddvq_u64(vaddq_u64(vaddq_u64(s0, s1), vaddq_u64(s2, s3)));
}

const struct qkernels qk_neon_kernels = {
	"neon-dotprod",
	{ dot_q4_0_neon, dot_q8_0_neon, dot_q4_K_neon, dot_q6_K_neon },
	read_sum_neon,
	{ 0, { NULL }, { NULL } },
	NULL,
	{ NULL },
};

#else
const struct qkernels qk_neon_kernels;
#endif
