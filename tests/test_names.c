/* test_names.c - one name table per enum: file types (llama.cpp's
 * llama_ftype names, include/llama.h), KV cache types, sort keys and
 * tasks, each parsed and printed from its one table, case-insensitively
 * wherever a user types it. */
#include <string.h>

#include "estimate/estimate.h"
#include "model/catalog.h"
#include "model/gguf.h"
#include "model/quant.h"
#include "testlib.h"
#include "ui/table.h"

/* llama_ftype values and names, copied by hand from llama.cpp
 * include/llama.h (39-41: gguf-py LlamaFileType); NULL = never named
 * (5 and 6 were removed). */
static const char *const llama_ftypes[] = {
	"F32", "F16", "Q4_0", "Q4_1", "Q4_1_SOME_F16", NULL, NULL, "Q8_0", "Q5_0", "Q5_1",
	"Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M",
	"Q6_K", "IQ2_XXS", "IQ2_XS", "Q2_K_S", "IQ3_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL",
	"IQ3_S", "IQ3_M", "IQ2_S", "IQ2_M", "IQ4_XS", "IQ1_M", "BF16", "Q4_0_4_4",
	"Q4_0_4_8", "Q4_0_8_8", "TQ1_0", "TQ2_0", "MXFP4_MOE", "NVFP4", "Q1_0", "Q2_0",
};
#define LLAMA_FTYPES ((int)(sizeof(llama_ftypes) / sizeof(llama_ftypes[0])))

/* The ones the quantizer rules cannot size: removed repacks and the
 * newest types. */
static bool names_only(int id)
{
	return id == 4 || (id >= 33 && id <= 35) || id >= 39;
}

static void file_type_names_are_llamas(void)
{
	for (int id = 0; id < LLAMA_FTYPES; id++) {
		const char *want = llama_ftypes[id];
		const char *got = ftype_name((enum ftype)id);

		if (!want) {
			CHECK(got == NULL);
			CHECK(gguf_file_type_name(id) == NULL);
			continue;
		}
		CHECK(got && strcmp(got, want) == 0);
		/* the GGUF reader names a file's type from the same table */
		CHECK(gguf_file_type_name(id) == got);
	}
	CHECK(ftype_name((enum ftype)LLAMA_FTYPES) == NULL);
	CHECK(gguf_file_type_name(-1) == NULL);
}

static void sized_file_types_parse_back(void)
{
	enum ftype ft;

	for (int id = 0; id < LLAMA_FTYPES; id++) {
		if (!llama_ftypes[id])
			continue;
		CHECK_INT(ftype_is_sized((enum ftype)id), !names_only(id));
		CHECK_INT(ftype_by_id(id, &ft), names_only(id) ? -1 : 0);
		if (names_only(id)) {
			/* --quant refuses what it cannot size */
			CHECK_INT(ftype_by_name(llama_ftypes[id], &ft), -1);
			continue;
		}
		CHECK_INT(ftype_by_name(llama_ftypes[id], &ft), 0);
		CHECK_INT(ft, id);
	}
	CHECK_INT(ftype_by_name("q4_k_m", &ft), 0);
	CHECK_INT(ft, FTYPE_Q4_K_M);
	CHECK_INT(ftype_by_name("MXFP4", &ft), 0);
	CHECK_INT(ft, FTYPE_MXFP4_MOE);
}

static void kv_types(void)
{
	const char *const names[] = { "f16", "q8_0", "q4_0" };
	enum kv_type kv;

	for (int i = 0; i < 3; i++) {
		CHECK_INT(kv_type_parse(names[i], &kv), 0);
		CHECK_STR(kv_type_name(kv), names[i]);
	}
	CHECK_INT(kv_type_parse("Q8_0", &kv), 0);
	CHECK_INT(kv, KV_Q8_0);
	CHECK_INT(kv_type_parse("q2", &kv), -1);
}

static void sort_keys(void)
{
	const char *const names[] = { "fit", "speed", "size", "params", "name" };
	enum sort_key k;

	CHECK_INT(SORT_COUNT, 5);
	for (int i = 0; i < 5; i++) {
		CHECK_INT(sort_key_parse(names[i], &k), 0);
		CHECK_STR(sort_key_name(k), names[i]);
	}
	CHECK_INT(sort_key_parse("Speed", &k), 0);
	CHECK_INT(k, SORT_SPEED);
	CHECK_INT(sort_key_parse("fast", &k), -1);
}

static void tasks(void)
{
	const char *const names[] = { "chat", "code", "reasoning", "vision", "tools", "embedding" };
	int n = 0;

	for (unsigned bit = 1; model_task_name(bit); bit <<= 1, n++) {
		CHECK_STR(model_task_name(bit), names[n]);
		CHECK_INT(model_task_parse(names[n]), bit);
	}
	CHECK_INT(n, 6);
	CHECK_INT(model_task_parse("CODE"), TASK_CODE);
	CHECK_INT(model_task_parse("poetry"), 0);
}

TESTS(T(file_type_names_are_llamas), T(sized_file_types_parse_back), T(kv_types),
      T(sort_keys), T(tasks));
