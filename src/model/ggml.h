/* ggml.h - the tensor types a GGUF file can hold: numeric id, name, and how
 * many bytes a row of n weights takes.
 *
 * Facts from ggml (github:ggml-org/llama.cpp): ids from enum ggml_type in
 * ggml/include/ggml.h, names from type_traits[].type_name in
 * ggml/src/ggml.c, block sizes from the block_* structs in
 * ggml/src/ggml-common.h. Ids 4, 5 and 31-38 are retired and unknown here.
 *
 * The table is static: returned strings and records live forever.
 */
#ifndef CANIRUN_GGML_H
#define CANIRUN_GGML_H

#include <stdint.h>

enum ggml_type {
	GGML_TYPE_F32 = 0,
	GGML_TYPE_F16 = 1,
	GGML_TYPE_Q4_0 = 2,
	GGML_TYPE_Q4_1 = 3,
	GGML_TYPE_Q5_0 = 6,
	GGML_TYPE_Q5_1 = 7,
	GGML_TYPE_Q8_0 = 8,
	GGML_TYPE_Q8_1 = 9,
	GGML_TYPE_Q2_K = 10,
	GGML_TYPE_Q3_K = 11,
	GGML_TYPE_Q4_K = 12,
	GGML_TYPE_Q5_K = 13,
	GGML_TYPE_Q6_K = 14,
	GGML_TYPE_Q8_K = 15,
	GGML_TYPE_IQ2_XXS = 16,
	GGML_TYPE_IQ2_XS = 17,
	GGML_TYPE_IQ3_XXS = 18,
	GGML_TYPE_IQ1_S = 19,
	GGML_TYPE_IQ4_NL = 20,
	GGML_TYPE_IQ3_S = 21,
	GGML_TYPE_IQ2_S = 22,
	GGML_TYPE_IQ4_XS = 23,
	GGML_TYPE_I8 = 24,
	GGML_TYPE_I16 = 25,
	GGML_TYPE_I32 = 26,
	GGML_TYPE_I64 = 27,
	GGML_TYPE_F64 = 28,
	GGML_TYPE_IQ1_M = 29,
	GGML_TYPE_BF16 = 30,
	GGML_TYPE_TQ1_0 = 34,
	GGML_TYPE_TQ2_0 = 35,
	GGML_TYPE_MXFP4 = 39,
	GGML_TYPE_NVFP4 = 40,
	GGML_TYPE_Q1_0 = 41,
	GGML_TYPE_ID_LIMIT = 42, /* ids are below this; not every id is a type */
};

struct ggml_type_info {
	enum ggml_type type;
	const char *name;     /* as ggml_type_name() prints it: "q4_K", "f16" */
	int block_weights;    /* weights per block */
	int block_bytes;      /* bytes per block */
};

/* The record of a known type id; NULL for retired or unknown ids. */
const struct ggml_type_info *ggml_type_by_id(int id);

/* By name, case-insensitively ("Q4_K", "q4_k", "bf16"); NULL if unknown. */
const struct ggml_type_info *ggml_type_by_name(const char *name);

/* ggml's spelling of a type id; "?" for unknown ids. */
const char *ggml_type_name(int id);

/* Bytes of a row of n weights of this type; -1 when the id is unknown or n
 * is negative or not a multiple of the block. */
int64_t ggml_row_bytes(int id, int64_t n);

/* True for the block-quantized types (everything but the float and integer
 * element types), as ggml_is_quantized(). */
int ggml_type_is_quantized(int id);

#endif
