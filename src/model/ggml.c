#include "model/ggml.h"

#include <stddef.h>
#include <strings.h>

/* Block geometry from the block_* structs of ggml/src/ggml-common.h
 * (github:ggml-org/llama.cpp), names from type_traits[] in ggml/src/ggml.c.
 * K- and IQ-quants use 256-weight super-blocks (QK_K), the legacy quants
 * 32 (QK4_0 ... QK8_1); MXFP4 is 32 weights + one E8M0 exponent byte,
 * NVFP4 64 weights + four E4M3 scales, Q1_0 128 sign bits + an f16 scale.
 * Indexed by id (sizing a catalogue looks types up some million times);
 * retired ids have no name. */
#define T(id, name, weights, bytes) [id] = { id, name, weights, bytes }
static const struct ggml_type_info type_table[GGML_TYPE_ID_LIMIT] = {
	T(GGML_TYPE_F32, "f32", 1, 4),
	T(GGML_TYPE_F16, "f16", 1, 2),
	T(GGML_TYPE_Q4_0, "q4_0", 32, 18),
	T(GGML_TYPE_Q4_1, "q4_1", 32, 20),
	T(GGML_TYPE_Q5_0, "q5_0", 32, 22),
	T(GGML_TYPE_Q5_1, "q5_1", 32, 24),
	T(GGML_TYPE_Q8_0, "q8_0", 32, 34),
	T(GGML_TYPE_Q8_1, "q8_1", 32, 36),
	T(GGML_TYPE_Q2_K, "q2_K", 256, 84),
	T(GGML_TYPE_Q3_K, "q3_K", 256, 110),
	T(GGML_TYPE_Q4_K, "q4_K", 256, 144),
	T(GGML_TYPE_Q5_K, "q5_K", 256, 176),
	T(GGML_TYPE_Q6_K, "q6_K", 256, 210),
	T(GGML_TYPE_Q8_K, "q8_K", 256, 292),
	T(GGML_TYPE_IQ2_XXS, "iq2_xxs", 256, 66),
	T(GGML_TYPE_IQ2_XS, "iq2_xs", 256, 74),
	T(GGML_TYPE_IQ3_XXS, "iq3_xxs", 256, 98),
	T(GGML_TYPE_IQ1_S, "iq1_s", 256, 50),
	T(GGML_TYPE_IQ4_NL, "iq4_nl", 32, 18),
	T(GGML_TYPE_IQ3_S, "iq3_s", 256, 110),
	T(GGML_TYPE_IQ2_S, "iq2_s", 256, 82),
	T(GGML_TYPE_IQ4_XS, "iq4_xs", 256, 136),
	T(GGML_TYPE_I8, "i8", 1, 1),
	T(GGML_TYPE_I16, "i16", 1, 2),
	T(GGML_TYPE_I32, "i32", 1, 4),
	T(GGML_TYPE_I64, "i64", 1, 8),
	T(GGML_TYPE_F64, "f64", 1, 8),
	T(GGML_TYPE_IQ1_M, "iq1_m", 256, 56),
	T(GGML_TYPE_BF16, "bf16", 1, 2),
	T(GGML_TYPE_TQ1_0, "tq1_0", 256, 54),
	T(GGML_TYPE_TQ2_0, "tq2_0", 256, 66),
	T(GGML_TYPE_MXFP4, "mxfp4", 32, 17),
	T(GGML_TYPE_NVFP4, "nvfp4", 64, 36),
	T(GGML_TYPE_Q1_0, "q1_0", 128, 18),
};
#undef T

const struct ggml_type_info *ggml_type_by_id(int id)
{
	return id >= 0 && id < GGML_TYPE_ID_LIMIT && type_table[id].name ? &type_table[id] : NULL;
}

const struct ggml_type_info *ggml_type_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < GGML_TYPE_ID_LIMIT; i++)
		if (type_table[i].name && strcasecmp(type_table[i].name, name) == 0)
			return &type_table[i];
	return NULL;
}

const char *ggml_type_name(int id)
{
	const struct ggml_type_info *t = ggml_type_by_id(id);

	return t ? t->name : "?";
}

int64_t ggml_row_bytes(int id, int64_t n)
{
	const struct ggml_type_info *t = ggml_type_by_id(id);

	if (!t || n < 0 || n % t->block_weights != 0)
		return -1;
	return n / t->block_weights * t->block_bytes;
}

int ggml_type_is_quantized(int id)
{
	const struct ggml_type_info *t = ggml_type_by_id(id);

	return t && t->block_weights > 1;
}
