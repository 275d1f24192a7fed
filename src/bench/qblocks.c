/* qblocks.c - block quantization, the scalar reference kernels, and the
 * run-time choice among kernel sets. Layouts and the activation
 * quantization follow ggml (ggml-common.h, ggml-quants.c); the code is ours. */
#include "bench/qblocks.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bench/qblocks_impl.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#elif defined(__aarch64__)
#include <sys/auxv.h>
#endif

struct qtype_desc {
	const char *name;
	int block_weights;
	size_t block_bytes;
	bool k_quant;           /* activations in Q8_K, else Q8_0 */
};

static const struct qtype_desc qtypes[QT_COUNT] = {
	[QT_Q4_0] = { "Q4_0", QK4_0, sizeof(struct block_q4_0), false },
	[QT_Q8_0] = { "Q8_0", QK8_0, sizeof(struct block_q8_0), false },
	[QT_Q4_K] = { "Q4_K", QK_K, sizeof(struct block_q4_K), true },
	[QT_Q6_K] = { "Q6_K", QK_K, sizeof(struct block_q6_K), true },
};

const char *qtype_name(enum qtype t) { return qtypes[t].name; }
int qtype_block_weights(enum qtype t) { return qtypes[t].block_weights; }

size_t qtype_row_bytes(enum qtype t, int n)
{
	return (size_t)(n / qtypes[t].block_weights) * qtypes[t].block_bytes;
}

size_t qtype_act_row_bytes(enum qtype t, int n)
{
	if (qtypes[t].k_quant)
		return (size_t)(n / QK_K) * sizeof(struct block_q8_K);
	return (size_t)(n / QK8_0) * sizeof(struct block_q8_0);
}

/* ---- binary16 ---------------------------------------------------------- */

static float bits_to_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t float_to_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

float qhalf_to_float(qhalf h)
{
	uint32_t sign = (uint32_t)(h & 0x8000) << 16;
	uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;

	if (exp == 0) /* zero or subnormal: mant * 2^-24 */
		return bits_to_float(sign) + (sign ? -1.0f : 1.0f) * ldexpf((float)mant, -24);
	if (exp == 31)
		return bits_to_float(sign | 0x7f800000u | (mant << 13));
	return bits_to_float(sign | ((exp + 112) << 23) | (mant << 13));
}

qhalf qhalf_from_float(float f)
{
	uint32_t x = float_to_bits(f);
	uint32_t sign = (x >> 16) & 0x8000, a = x & 0x7fffffffu;

	if (a >= 0x7f800000u)                   /* inf, NaN stays NaN */
		return (qhalf)(sign | 0x7c00 | (a > 0x7f800000u ? 0x200 : 0));
	if (a >= 0x477ff000u)                   /* rounds past 65504 */
		return (qhalf)(sign | 0x7c00);
	if (a < 0x38800000u) {                  /* below 2^-14: subnormal */
		/* Adding 0.5 leaves a float whose last bit is worth 2^-24,
		 * the half subnormal step, so the FPU rounds to even for us. */
		float r = bits_to_float(a) + 0.5f;
		return (qhalf)(sign | (float_to_bits(r) - 0x3f000000u));
	}
	/* rebias the exponent (127 -> 15) and round the 13 dropped bits to
	 * nearest even */
	a += 0xc8000fffu + ((a >> 13) & 1);
	return (qhalf)(sign | (a >> 13));
}

/* ---- quantization ------------------------------------------------------- */

static float abs_max(const float *x, int n, float *signed_max)
{
	float amax = 0.0f, max = 0.0f;

	for (int i = 0; i < n; i++) {
		if (fabsf(x[i]) > amax) {
			amax = fabsf(x[i]);
			max = x[i];
		}
	}
	if (signed_max)
		*signed_max = max;
	return amax;
}

/* ggml quantize_row_q8_0_ref: d = amax / 127, q = round(x / d) */
static void quantize_q8_0(const float *x, struct block_q8_0 *y, int n)
{
	for (int b = 0; b < n / QK8_0; b++, x += QK8_0) {
		float d = abs_max(x, QK8_0, NULL) / 127.0f;
		float id = d ? 1.0f / d : 0.0f;

		y[b].d = qhalf_from_float(d);
		for (int j = 0; j < QK8_0; j++)
			y[b].qs[j] = (int8_t)roundf(x[j] * id);
	}
}

/* ggml quantize_row_q4_0_ref: the value of largest magnitude maps to -8 */
static void quantize_q4_0(const float *x, struct block_q4_0 *y, int n)
{
	for (int b = 0; b < n / QK4_0; b++, x += QK4_0) {
		float max, d, id;

		abs_max(x, QK4_0, &max);
		d = max / -8.0f;
		id = d ? 1.0f / d : 0.0f;
		y[b].d = qhalf_from_float(d);
		for (int j = 0; j < QK4_0 / 2; j++) {
			int lo = (int)(int8_t)(x[j] * id + 8.5f);
			int hi = (int)(int8_t)(x[j + 16] * id + 8.5f);

			y[b].qs[j] = (uint8_t)((lo > 15 ? 15 : lo) | (hi > 15 ? 15 : hi) << 4);
		}
	}
}

/* ggml quantize_row_q8_K_ref: the value of largest magnitude maps to
 * -127, rounding to nearest even; bsums are sums of 16. */
static void quantize_q8_K(const float *x, struct block_q8_K *y, int n)
{
	for (int b = 0; b < n / QK_K; b++, x += QK_K) {
		float max, iscale;

		memset(&y[b], 0, sizeof(y[b]));
		if (abs_max(x, QK_K, &max) == 0.0f)
			continue;
		iscale = -127.0f / max;
		for (int j = 0; j < QK_K; j++) {
			long v = lrintf(iscale * x[j]);

			y[b].qs[j] = (int8_t)(v > 127 ? 127 : v);
			y[b].bsums[j / 16] = (int16_t)(y[b].bsums[j / 16] + y[b].qs[j]);
		}
		y[b].d = 1.0f / iscale;
	}
}

static int clampi(long v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : (int)v;
}

/* The inverse of q4k_unpack_scales. */
static void q4k_pack_scales(const uint8_t sc[8], const uint8_t m[8], uint8_t s[12])
{
	memset(s, 0, 12);
	for (int j = 0; j < 8; j++) {
		if (j < 4) {
			s[j] |= sc[j];
			s[j + 4] |= m[j];
		} else {
			s[j + 4] = (uint8_t)((sc[j] & 0xf) | (m[j] & 0xf) << 4);
			s[j - 4] |= (uint8_t)((sc[j] >> 4) << 6);
			s[j] |= (uint8_t)((m[j] >> 4) << 6);
		}
	}
}

/* A plain fit, enough for test data: each sub-block of 32 spans
 * [-dmin*m, -dmin*m + 15*d*sc] with sc, m rounded up so the span covers it. */
static void quantize_q4_K(const float *x, struct block_q4_K *y, int n)
{
	for (int b = 0; b < n / QK_K; b++, x += QK_K) {
		float scale[8], minus[8], max_scale = 0, max_min = 0, d, dmin;
		uint8_t sc[8], m[8], q[QK_K];

		for (int j = 0; j < 8; j++) {
			float lo = 0, hi = 0;

			for (int l = 0; l < 32; l++) {
				lo = fminf(lo, x[32 * j + l]);
				hi = fmaxf(hi, x[32 * j + l]);
			}
			scale[j] = (hi - lo) / 15;
			minus[j] = -lo;
			max_scale = fmaxf(max_scale, scale[j]);
			max_min = fmaxf(max_min, minus[j]);
		}
		y[b].d = qhalf_from_float(max_scale / 63);
		y[b].dmin = qhalf_from_float(max_min / 63);
		d = qhalf_to_float(y[b].d);
		dmin = qhalf_to_float(y[b].dmin);
		for (int j = 0; j < 8; j++) {
			sc[j] = (uint8_t)(d ? clampi(lrintf(ceilf(scale[j] / d)), 0, 63) : 0);
			m[j] = (uint8_t)(dmin ? clampi(lrintf(ceilf(minus[j] / dmin)), 0, 63) : 0);
			for (int l = 0; l < 32; l++) {
				float step = d * sc[j];
				float v = x[32 * j + l] + dmin * m[j];

				q[32 * j + l] = (uint8_t)(step ? clampi(lrintf(v / step), 0, 15) : 0);
			}
		}
		q4k_pack_scales(sc, m, y[b].scales);
		for (int c = 0; c < 4; c++)
			for (int l = 0; l < 32; l++)
				y[b].qs[32 * c + l] = (uint8_t)(q[64 * c + l] | q[64 * c + 32 + l] << 4);
	}
}

/* Q6_K bit layout, per 128 weights q[0..127] (6 bits, offset by 32):
 * ql[l] holds q[l] (low nibble) and q[l+64] (high nibble), ql[l+32] holds
 * q[l+32] and q[l+96], qh[l] the top two bits of q[l], q[l+32], q[l+64],
 * q[l+96] from the low end (ggml-quants.c dequantize_row_q6_K). */
static void q6k_pack(const uint8_t *q, uint8_t *ql, uint8_t *qh)
{
	for (int l = 0; l < 32; l++) {
		ql[l] = (uint8_t)((q[l] & 0xf) | (q[l + 64] & 0xf) << 4);
		ql[l + 32] = (uint8_t)((q[l + 32] & 0xf) | (q[l + 96] & 0xf) << 4);
		qh[l] = (uint8_t)(q[l] >> 4 | (q[l + 32] >> 4) << 2 |
				  (q[l + 64] >> 4) << 4 | (q[l + 96] >> 4) << 6);
	}
}

/* A plain fit: each group of 16 gets scale amax/31; the int8 group scales
 * are rounded up against d so that no weight leaves -32..31. */
static void quantize_q6_K(const float *x, struct block_q6_K *y, int n)
{
	for (int b = 0; b < n / QK_K; b++, x += QK_K) {
		float scale[16], max_scale = 0, d;
		uint8_t q[QK_K];

		for (int g = 0; g < 16; g++) {
			scale[g] = abs_max(x + 16 * g, 16, NULL) / 31;
			max_scale = fmaxf(max_scale, scale[g]);
		}
		y[b].d = qhalf_from_float(max_scale / 127);
		d = qhalf_to_float(y[b].d);
		for (int i = 0; i < QK_K; i++) {
			int g = i / 16;
			float step;

			if (i % 16 == 0)
				y[b].scales[g] = (int8_t)(d ? clampi(lrintf(ceilf(scale[g] / d)), 0, 127) : 0);
			step = d * y[b].scales[g];
			q[i] = (uint8_t)(32 + (step ? clampi(lrintf(x[i] / step), -32, 31) : 0));
		}
		q6k_pack(q, y[b].ql, y[b].qh);
		q6k_pack(q + 128, y[b].ql + 64, y[b].qh + 32);
	}
}

void qtype_quantize(enum qtype t, const float *x, void *w, int n)
{
	switch (t) {
	case QT_Q4_0: quantize_q4_0(x, w, n); break;
	case QT_Q8_0: quantize_q8_0(x, w, n); break;
	case QT_Q4_K: quantize_q4_K(x, w, n); break;
	case QT_Q6_K: quantize_q6_K(x, w, n); break;
	case QT_COUNT: break;
	}
}

void qtype_quantize_act(enum qtype t, const float *x, void *a, int n)
{
	if (qtypes[t].k_quant)
		quantize_q8_K(x, a, n);
	else
		quantize_q8_0(x, a, n);
}

void qtype_pack(enum qtype t, int group, const void *rows, void *packed, int n)
{
	const uint8_t *src = rows;
	uint8_t *dst = packed;
	int nb = n / QK8_0, pieces = t == QT_Q4_0 ? QK4_0 / 8 : QK8_0 / 4;
	size_t block_bytes = t == QT_Q4_0 ? sizeof(struct block_q4_0) : sizeof(struct block_q8_0);
	size_t row_bytes = qtype_row_bytes(t, n);

	for (int b = 0; b < nb; b++) {
		for (int r = 0; r < group; r++) /* the scales */
			memcpy(dst + 2 * r, src + r * row_bytes + b * block_bytes, 2);
		dst += 2 * group;
		for (int g = 0; g < pieces; g++)
			for (int r = 0; r < group; r++) {
				const uint8_t *q = src + r * row_bytes + b * block_bytes + 2 + 4 * g;

				for (int i = 0; i < 4; i++)
					*dst++ = t == QT_Q4_0 ? q[i] : (uint8_t)(q[i] ^ 0x80);
			}
	}
}

void qtype_act_sums(const void *a, int n, int32_t *sums)
{
	const struct block_q8_0 *y = a;

	for (int b = 0; b < n / QK8_0; b++) {
		sums[b] = 0;
		for (int j = 0; j < QK8_0; j++)
			sums[b] += y[b].qs[j];
	}
}

static void dequantize_block(enum qtype t, const void *w, float *x)
{
	if (t == QT_Q4_0) {
		const struct block_q4_0 *b = w;
		float d = qhalf_to_float(b->d);

		for (int j = 0; j < 16; j++) {
			x[j] = ((b->qs[j] & 0xf) - 8) * d;
			x[j + 16] = ((b->qs[j] >> 4) - 8) * d;
		}
	} else if (t == QT_Q8_0) {
		const struct block_q8_0 *b = w;

		for (int j = 0; j < QK8_0; j++)
			x[j] = b->qs[j] * qhalf_to_float(b->d);
	} else if (t == QT_Q4_K) {
		const struct block_q4_K *b = w;
		uint8_t s[16];

		q4k_unpack_scales(b->scales, s);
		for (int i = 0; i < QK_K; i++) {
			int j = i / 32, byte = b->qs[32 * (i / 64) + i % 32];
			int q = (j & 1) ? byte >> 4 : byte & 0xf;

			x[i] = qhalf_to_float(b->d) * s[j] * q - qhalf_to_float(b->dmin) * s[8 + j];
		}
	} else {
		const struct block_q6_K *b = w;

		for (int i = 0; i < QK_K; i++)
			x[i] = qhalf_to_float(b->d) * b->scales[i / 16] * q6k_weight(b, i);
	}
}

void qtype_dequantize(enum qtype t, const void *w, float *x, int n)
{
	const uint8_t *p = w;
	int bw = qtypes[t].block_weights;

	for (int i = 0; i < n / bw; i++)
		dequantize_block(t, p + i * qtypes[t].block_bytes, x + i * bw);
}

/* ---- scalar reference kernels ------------------------------------------ */

/* Q4_0 and Q8_0 blocks both start with their binary16 scale d */
static float dot_blocks32(int n, const uint8_t *w, size_t block_bytes, const struct block_q8_0 *y,
			  int (*block_dot)(const uint8_t *blk, const int8_t *act))
{
	float sum = 0;

	for (int b = 0; b < n / QK8_0; b++, w += block_bytes) {
		qhalf d;

		memcpy(&d, w, sizeof(d));
		sum += (float)block_dot(w, y[b].qs) * (qhalf_to_float(d) * qhalf_to_float(y[b].d));
	}
	return sum;
}

static int block_dot_q4_0(const uint8_t *blk, const int8_t *act)
{
	const struct block_q4_0 *x = (const struct block_q4_0 *)blk;
	int sumi = 0;

	for (int j = 0; j < 16; j++)
		sumi += ((x->qs[j] & 0xf) - 8) * act[j] + ((x->qs[j] >> 4) - 8) * act[j + 16];
	return sumi;
}

static int block_dot_q8_0(const uint8_t *blk, const int8_t *act)
{
	const struct block_q8_0 *x = (const struct block_q8_0 *)blk;
	int sumi = 0;

	for (int j = 0; j < QK8_0; j++)
		sumi += x->qs[j] * act[j];
	return sumi;
}

static float dot_q4_0_scalar(int n, const void *w, const void *a)
{
	return dot_blocks32(n, w, sizeof(struct block_q4_0), a, block_dot_q4_0);
}

static float dot_q8_0_scalar(int n, const void *w, const void *a)
{
	return dot_blocks32(n, w, sizeof(struct block_q8_0), a, block_dot_q8_0);
}

/* The mins enter through the activation sums: sum(a * (d*sc*q - dmin*m))
 * = d * sum_j sc_j * sum(q*a) - dmin * sum_j m_j * (bsums of sub-block j). */
static float dot_q4_K_scalar(int n, const void *w, const void *a)
{
	const struct block_q4_K *x = w;
	const struct block_q8_K *y = a;
	float sum = 0;

	for (int b = 0; b < n / QK_K; b++) {
		uint8_t s[16];
		int sumi = 0, summ = 0;

		q4k_unpack_scales(x[b].scales, s);
		for (int j = 0; j < 8; j++) {
			const uint8_t *q = x[b].qs + 32 * (j / 2);
			const int8_t *act = y[b].qs + 32 * j;
			int dot = 0;

			for (int l = 0; l < 32; l++)
				dot += ((j & 1) ? q[l] >> 4 : q[l] & 0xf) * act[l];
			sumi += s[j] * dot;
			summ += s[8 + j] * (y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
		}
		sum += y[b].d * (qhalf_to_float(x[b].d) * (float)sumi -
				 qhalf_to_float(x[b].dmin) * (float)summ);
	}
	return sum;
}

static float dot_q6_K_scalar(int n, const void *w, const void *a)
{
	const struct block_q6_K *x = w;
	const struct block_q8_K *y = a;
	float sum = 0;

	for (int b = 0; b < n / QK_K; b++) {
		int sumi = 0;

		for (int g = 0; g < 16; g++) {
			int dot = 0;

			for (int i = 16 * g; i < 16 * g + 16; i++)
				dot += q6k_weight(&x[b], i) * y[b].qs[i];
			sumi += x[b].scales[g] * dot;
		}
		sum += y[b].d * (qhalf_to_float(x[b].d) * (float)sumi);
	}
	return sum;
}

static uint64_t read_sum_scalar(const void *buf, size_t bytes)
{
	const uint64_t *p = buf;
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;

	for (size_t i = 0; i < bytes / 8; i += 4) {
		s0 += p[i];
		s1 += p[i + 1];
		s2 += p[i + 2];
		s3 += p[i + 3];
	}
	return s0 + s1 + s2 + s3;
}

const struct qkernels qk_scalar_kernels = {
	"scalar",
	{ dot_q4_0_scalar, dot_q8_0_scalar, dot_q4_K_scalar, dot_q6_K_scalar },
	read_sum_scalar,
	{ 0, { NULL }, { NULL } }, /* rows one at a time: the reference */
	NULL,
	{ NULL },
};

/* ---- CPU features and the choice of kernels ----------------------------- */

enum cpu_feature {
	CF_AVX2, CF_FMA, CF_F16C, CF_AVX512F, CF_AVX512BW, CF_AVX512VL,
	CF_AVX512VNNI, CF_AMX_TILE, CF_AMX_INT8, CF_NEON, CF_DOTPROD, CF_COUNT
};

static const char *const feature_names[CF_COUNT] = {
	"avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl",
	"avx512_vnni", "amx_tile", "amx_int8", "neon", "dotprod",
};

#if defined(__x86_64__) || defined(__i386__)
static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

/* CPUID leaf 1 and leaf 7 bits (Intel SDM vol. 2A, CPUID), honoured only
 * when the OS saves the registers (XCR0: SSE+AVX state 0x6, opmask and
 * upper ZMM state 0xe0, tile config and data 0x60000). */
static unsigned cpu_features(void)
{
	unsigned a, b, c, d, f = 0;
	uint64_t xcr0 = 0;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (c & (1u << 27)) /* OSXSAVE */
		xcr0 = xgetbv0();
	if ((xcr0 & 0x6) != 0x6)
		return 0;
	f |= (c & (1u << 12)) ? 1u << CF_FMA : 0;
	f |= (c & (1u << 29)) ? 1u << CF_F16C : 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return f;
	f |= (b & (1u << 5)) ? 1u << CF_AVX2 : 0;
	if ((xcr0 & 0xe0) == 0xe0) {
		f |= (b & (1u << 16)) ? 1u << CF_AVX512F : 0;
		f |= (b & (1u << 30)) ? 1u << CF_AVX512BW : 0;
		f |= (b & (1u << 31)) ? 1u << CF_AVX512VL : 0;
		f |= (c & (1u << 11)) ? 1u << CF_AVX512VNNI : 0;
	}
	if ((xcr0 & 0x60000) == 0x60000) {
		f |= (d & (1u << 24)) ? 1u << CF_AMX_TILE : 0;
		f |= (d & (1u << 25)) ? 1u << CF_AMX_INT8 : 0;
	}
	return f;
}
#elif defined(__aarch64__)
/* AArch64 Linux hwcaps (asm/hwcap.h): ASIMD is bit 1, ASIMDDP bit 20. */
static unsigned cpu_features(void)
{
	unsigned long hw = getauxval(AT_HWCAP);
	unsigned f = 0;

	f |= (hw & (1ul << 1)) ? 1u << CF_NEON : 0;
	f |= (hw & (1ul << 20)) ? 1u << CF_DOTPROD : 0;
	return f;
}
#else
static unsigned cpu_features(void) { return 0; }
#endif

static bool has_all(unsigned f, unsigned need) { return (f & need) == need; }

#if defined(__linux__) && defined(__x86_64__)
/* Linux gives AMX tile data to a process only when it asks (the first
 * tile instruction faults otherwise): arch_prctl(ARCH_REQ_XCOMP_PERM =
 * 0x1023, XFEATURE_XTILEDATA = 18), arch/x86/include/uapi/asm/prctl.h and
 * Documentation/arch/x86/xstate.rst. Asking again is harmless. */
static bool tiles_granted(void)
{
	return syscall(SYS_arch_prctl, 0x1023, 18) == 0;
}
#else
static bool tiles_granted(void) { return false; }
#endif

const struct qkernels *qk_get(enum qisa isa)
{
	unsigned f = cpu_features();
	const struct qkernels *k = NULL;
	unsigned need = 0;

	switch (isa) {
	case QISA_SCALAR:
		return &qk_scalar_kernels;
	case QISA_AVX2:
		k = &qk_avx2_kernels;
		need = 1u << CF_AVX2 | 1u << CF_FMA | 1u << CF_F16C;
		break;
	case QISA_AVX512:
		k = &qk_avx512_kernels;
		need = 1u << CF_AVX2 | 1u << CF_FMA | 1u << CF_F16C |
		       1u << CF_AVX512F | 1u << CF_AVX512BW |
		       1u << CF_AVX512VL | 1u << CF_AVX512VNNI;
		break;
	case QISA_NEON:
		k = &qk_neon_kernels;
		need = 1u << CF_NEON | 1u << CF_DOTPROD;
		break;
	case QISA_AMX:
		k = &qk_amx_kernels;
		need = 1u << CF_AVX2 | 1u << CF_FMA | 1u << CF_F16C |
		       1u << CF_AVX512F | 1u << CF_AVX512BW |
		       1u << CF_AVX512VL | 1u << CF_AVX512VNNI |
		       1u << CF_AMX_TILE | 1u << CF_AMX_INT8;
		if (!k->name || !has_all(f, need) || !tiles_granted())
			return NULL;
		break;
	case QISA_COUNT:
		return NULL;
	}
	return (k->name && has_all(f, need)) ? k : NULL;
}

const struct qkernels *qk_best(void)
{
	for (int isa = QISA_COUNT - 1; isa > QISA_SCALAR; isa--) {
		const struct qkernels *k = qk_get((enum qisa)isa);

		if (k)
			return k;
	}
	return &qk_scalar_kernels;
}

int qk_cpu_simd(char names[][16], int max)
{
	unsigned f = cpu_features();
	int count = 0;

	for (int i = 0; i < CF_COUNT && count < max; i++)
		if (f & (1u << i))
			snprintf(names[count++], 16, "%s", feature_names[i]);
	return count;
}
