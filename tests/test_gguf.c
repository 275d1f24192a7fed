/* test_gguf.c - the GGUF header reader on good files (every derived fact
 * checked against hand-computed values) and on broken ones (each must fail
 * with "<name>: offset N: <why>", never crash: run it under ASan too). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/gguf.h"
#include "gguf_writer.h"
#include "testlib.h"

/* ---- good files ------------------------------------------------------ */

/* Tiny llama sizes (see gw_llama_tensors): one layer is attn_norm 1024 +
 * attn_q 256x144 + ffn_up 512x144 + ffn_down 256x2x210 bytes. */
#define LLAMA_LAYER_BYTES (1024 + 36864 + 73728 + 107520)
#define LLAMA_NONLAYER_BYTES (14400 + 1024 + 21000)
#define LLAMA_PARAMS (2 * 25600 + 256 + 2 * (256 + 65536 + 131072 + 131072))

static const struct gguf_type_use *find_type(const struct gguf_file *f,
					     uint32_t type)
{
	size_t i;

	for (i = 0; i < f->sizes.n_types; i++)
		if (f->sizes.types[i].type == type)
			return &f->sizes.types[i];
	return NULL;
}

static void check_type_use(const struct gguf_file *f, uint32_t type,
			   uint64_t count, uint64_t bytes, uint64_t params)
{
	const struct gguf_type_use *u = find_type(f, type);

	if (!CHECK(u != NULL))
		return;
	CHECK_INT(u->count, count);
	CHECK_INT(u->bytes, bytes);
	CHECK_INT(u->params, params);
}

static void check_tiny_llama(const struct gguf_file *f, uint32_t version,
			     size_t data_offset, size_t file_bytes)
{
	const struct gguf_arch *a = &f->arch;
	const struct gguf_sizes *s = &f->sizes;
	size_t i;

	CHECK_INT(f->version, version);
	CHECK_INT(f->n_kv, 12);
	CHECK_INT(f->n_tensors, 11);
	CHECK_INT(f->alignment, 32);
	CHECK_INT(f->data_offset, data_offset);
	CHECK_INT(f->file_bytes, file_bytes);
	CHECK_INT(f->file_type, 15);
	CHECK_STR(f->file_type_name, "Q4_K_M");
	CHECK_STR(a->name, "llama");
	CHECK_INT(a->block_count, 2);
	CHECK_INT(a->context_length, 2048);
	CHECK_INT(a->embedding_length, 256);
	CHECK_INT(a->feed_forward_length, 512);
	CHECK_INT(a->head_count, 4);
	CHECK_INT(a->head_count_kv, 2);
	CHECK_INT(a->vocab_size, 100);
	CHECK_INT(a->key_length, -1);
	CHECK_INT(a->expert_count, -1);
	CHECK_INT(a->sliding_window, -1);
	CHECK_INT(a->kv_lora_rank, -1);
	for (i = 0; i < f->n_tensors; i++) {
		CHECK_STR(f->tensors[i].name, gw_llama_tensors[i].name);
		CHECK_INT(f->tensors[i].bytes, gw_llama_tensors[i].bytes);
		CHECK_INT(f->tensors[i].type, gw_llama_tensors[i].type);
	}
	CHECK_INT(f->tensors[6].n_dims, 2);
	CHECK_INT(f->tensors[6].dims[0], 512);
	CHECK_INT(f->tensors[6].dims[1], 256);
	CHECK_INT(f->tensors[6].dims[2], 1);
	CHECK_INT(f->tensors[6].n_elements, 131072);
	/* output.weight (21000 bytes) is padded to 21024 before blk.0 */
	CHECK_INT(f->tensors[3].offset, 14400 + 1024 + 21024);
	CHECK_INT(s->n_layers, 2);
	CHECK_INT(s->layer_bytes[0], LLAMA_LAYER_BYTES);
	CHECK_INT(s->layer_bytes[1], LLAMA_LAYER_BYTES);
	CHECK_INT(s->nonlayer_bytes, LLAMA_NONLAYER_BYTES);
	CHECK_INT(s->tensor_bytes, 2 * LLAMA_LAYER_BYTES + LLAMA_NONLAYER_BYTES);
	CHECK_INT(s->params, LLAMA_PARAMS);
	CHECK_INT(s->active_params, LLAMA_PARAMS);
	CHECK_INT(s->expert_bytes, 0);
	CHECK_INT(s->layer_expert_bytes[1], 0);
	CHECK_INT(s->n_types, 3);
	CHECK_INT(s->types[0].type, GW_T_Q4_K);  /* in order of first use */
	check_type_use(f, GW_T_Q4_K, 5, 14400 + 2 * (36864 + 73728),
		       25600 + 2 * (65536 + 131072));
	check_type_use(f, GW_T_Q6_K, 3, 21000 + 2 * 107520, 25600 + 2 * 131072);
	check_type_use(f, GW_T_F32, 3, 3 * 1024, 3 * 256);
}

static void open_tiny_llama_v3(void)
{
	char path[512];
	struct gw w = { 0 };
	size_t data = gw_tiny_llama(&w, 3), len = w.len;
	struct gguf_file f;
	struct error err = { "" };

	snprintf(path, sizeof path, "%s/tiny.gguf", test_tmpdir());
	gw_save(&w, path);
	if (!CHECK(gguf_open(path, &f, &err) == 0)) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	CHECK_STR(f.name, path);
	check_tiny_llama(&f, 3, data, len);
	gguf_file_release(&f);
}

static void parse_tiny_llama_v2_from_memory(void)
{
	struct gw w = { 0 };
	size_t data = gw_tiny_llama(&w, 2);
	struct gguf_file f;
	struct error err = { "" };

	if (CHECK(gguf_parse_mem(w.p, w.len, "mem", &f, &err) == 0))
		check_tiny_llama(&f, 2, data, w.len);
	else
		fprintf(stderr, "  %s\n", err.msg);
	gguf_file_release(&f);
	free(w.p);
}

static void lookups_are_typed(void)
{
	struct gw w = { 0 };
	struct gguf_file f;
	struct error err;
	const char *s = NULL;
	uint64_t u = 0;
	float x = 0;

	gw_tiny_llama(&w, 3);
	if (!CHECK(gguf_parse_mem(w.p, w.len, "mem", &f, &err) == 0))
		return;
	CHECK(gguf_get_str(&f, "general.name", &s) == 0);
	CHECK_STR(s, "Tiny Llama");
	CHECK(gguf_get_u64(&f, "llama.context_length", &u) == 0);
	CHECK_INT(u, 2048);
	CHECK(gguf_get_f32(&f, "llama.rope.freq_base", &x) == 0);
	CHECK_NEAR(x, 500000.0, 0);
	CHECK(gguf_get_u64(&f, "general.name", &u) == -1);
	CHECK(gguf_get_str(&f, "llama.block_count", &s) == -1);
	CHECK(gguf_get_f32(&f, "llama.block_count", &x) == -1);
	CHECK(gguf_get_u64(&f, "no.such.key", &u) == -1);
	CHECK(gguf_arr_len(&f, "tokenizer.ggml.tokens", &u) == 0);
	CHECK_INT(u, 100);
	CHECK(gguf_arr_len(&f, "general.name", &u) == -1);
	/* string arrays are skipped, so have no elements to read */
	CHECK(gguf_arr_u64(&f, "tokenizer.ggml.tokens", 0, &u) == -1);
	gguf_file_release(&f);
	free(w.p);
}

/* A one-layer MoE with every scalar type, per-layer arrays, alignment 64.
 * Experts: 4, 2 used. Bytes: Q8_0 34 per 32 values, Q4_K 144 per 256, F16
 * 2 per value. */
static const struct gw_tensor moe_tensors[] = {
	{ "token_embd.weight", 2, { 256, 10 }, GW_T_Q8_0, 10 * 8 * 34 },
	{ "blk.0.ffn_gate_exps.weight", 3, { 256, 64, 4 }, GW_T_Q4_K, 256 * 144 },
	{ "blk.0.ffn_down_exps.weight", 3, { 64, 256, 4 }, GW_T_Q8_0, 1024 * 2 * 34 },
	{ "blk.0.ffn_gate_inp.weight", 2, { 256, 4 }, GW_T_F32, 4096 },
	{ "blk.0.attn_k.weight", 2, { 256, 128 }, GW_T_F16, 65536 },
};

static size_t write_moe(struct gw *w)
{
	static const int32_t kv_heads[] = { 2, 8, 4 };
	size_t n = sizeof moe_tensors / sizeof moe_tensors[0];

	gw_header(w, 3, n, 17);
	gw_kv_str(w, "general.architecture", "qwen3moe");
	gw_kv_u32(w, "general.alignment", 64);
	gw_kv_u32(w, "general.file_type", 7);
	gw_kv_u32(w, "qwen3moe.block_count", 1);
	gw_kv_u32(w, "qwen3moe.expert_count", 4);
	gw_kv_u64(w, "qwen3moe.expert_used_count", 2);
	gw_kv_u32(w, "qwen3moe.expert_feed_forward_length", 64);
	gw_kv_u32(w, "qwen3moe.attention.sliding_window", 1024);
	gw_kv_i32s(w, "qwen3moe.attention.head_count_kv", kv_heads, 3);
	gw_key(w, "t.u8", GW_U8);
	gw_le(w, 200, 1);
	gw_key(w, "t.i8", GW_I8);
	gw_le(w, 0x80, 1);             /* -128 */
	gw_key(w, "t.u16", GW_U16);
	gw_le(w, 65535, 2);
	gw_key(w, "t.i16", GW_I16);
	gw_le(w, 300, 2);
	gw_key(w, "t.i64", GW_I64);
	gw_u64(w, (uint64_t)-5);
	gw_key(w, "t.f64", GW_F64);
	gw_u64(w, 0x3ff8000000000000ull); /* 1.5 */
	gw_key(w, "t.bool", GW_BOOL);
	gw_le(w, 1, 1);
	gw_key(w, "t.floats", GW_ARR);  /* skipped, length kept */
	gw_u32(w, GW_F32);
	gw_u64(w, 3);
	gw_zeros(w, 12);
	return gw_tensors(w, moe_tensors, n, 64);
}

static void moe_facts_and_scalar_types(void)
{
	struct gw w = { 0 };
	size_t data = write_moe(&w);
	struct gguf_file f;
	struct error err = { "" };
	const struct gguf_sizes *s = &f.sizes;
	uint64_t u = 0;
	float x = 0;

	if (!CHECK(gguf_parse_mem(w.p, w.len, "moe", &f, &err) == 0)) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	CHECK_INT(f.alignment, 64);
	CHECK_INT(f.data_offset, data);
	CHECK_INT(data % 64, 0);
	CHECK_STR(f.file_type_name, "Q8_0");
	CHECK_INT(f.arch.expert_count, 4);
	CHECK_INT(f.arch.expert_used_count, 2);
	CHECK_INT(f.arch.expert_feed_forward_length, 64);
	CHECK_INT(f.arch.sliding_window, 1024);
	CHECK_INT(f.arch.head_count_kv, 8);     /* largest of the per-layer array */
	CHECK_INT(f.arch.vocab_size, -1);
	CHECK(gguf_arr_u64(&f, "qwen3moe.attention.head_count_kv", 2, &u) == 0);
	CHECK_INT(u, 4);
	CHECK(gguf_arr_u64(&f, "qwen3moe.attention.head_count_kv", 3, &u) == -1);
	CHECK(gguf_get_u64(&f, "t.u8", &u) == 0);
	CHECK_INT(u, 200);
	CHECK(gguf_get_u64(&f, "t.i8", &u) == -1);       /* negative */
	CHECK_INT(gguf_find(&f, "t.i8")->bits, (uint64_t)-128);
	CHECK(gguf_get_u64(&f, "t.u16", &u) == 0);
	CHECK_INT(u, 65535);
	CHECK(gguf_get_u64(&f, "t.i16", &u) == 0);
	CHECK_INT(u, 300);
	CHECK(gguf_get_u64(&f, "t.i64", &u) == -1);
	CHECK(gguf_get_f32(&f, "t.f64", &x) == 0);
	CHECK_NEAR(x, 1.5, 0);
	CHECK(gguf_get_u64(&f, "t.bool", &u) == -1);
	CHECK_INT(gguf_find(&f, "t.bool")->bits, 1);
	CHECK(gguf_arr_len(&f, "t.floats", &u) == 0);
	CHECK_INT(u, 3);
	CHECK(gguf_arr_u64(&f, "t.floats", 0, &u) == -1);
	CHECK_INT(s->expert_bytes, 36864 + 69632);
	CHECK_INT(s->expert_params, 2 * 65536);
	CHECK_INT(s->layer_expert_bytes[0], 36864 + 69632);
	CHECK_INT(s->layer_bytes[0], 36864 + 69632 + 4096 + 65536);
	CHECK_INT(s->nonlayer_bytes, 2720);
	CHECK_INT(s->params, 2560 + 65536 + 65536 + 1024 + 32768);
	/* routed experts count at 2/4 per token */
	CHECK_INT(s->active_params, 2560 + 1024 + 32768 + 65536);
	check_type_use(&f, GW_T_Q8_0, 2, 2720 + 69632, 2560 + 65536);
	check_type_use(&f, GW_T_F16, 1, 65536, 32768);
	gguf_file_release(&f);
	free(w.p);
}

static void vocab_only_file_has_no_tensors(void)
{
	struct gw w = { 0 };
	struct gguf_file f;
	struct error err;

	gw_header(&w, 3, 0, 1);
	gw_kv_tokens(&w, "tokenizer.ggml.tokens", 5);
	if (!CHECK(gguf_parse_mem(w.p, w.len, "vocab", &f, &err) == 0))
		return;
	CHECK_INT(f.n_tensors, 0);
	CHECK_INT(f.sizes.n_layers, 0);
	CHECK_INT(f.sizes.tensor_bytes, 0);
	CHECK(f.arch.name == NULL);
	CHECK_INT(f.arch.block_count, -1);
	CHECK_INT(f.file_type, -1);
	CHECK(f.file_type_name == NULL);
	gguf_file_release(&f);
	free(w.p);
}

/* Split parts: the tiny llama's tensors spread over two files. */
static void write_part(struct gw *w, size_t from, size_t to)
{
	gw_header(w, 3, to - from, 1);
	gw_kv_str(w, "general.architecture", "llama");
	gw_tensors(w, gw_llama_tensors + from, to - from, 32);
}

static void split_parts_add_up(void)
{
	struct gw a = { 0 }, b = { 0 };
	struct gguf_file f, g, h;
	struct error err = { "" };

	write_part(&a, 0, 5);
	write_part(&b, 5, 11);
	if (!CHECK(gguf_parse_mem(a.p, a.len, "part1", &f, &err) == 0 &&
		   gguf_parse_mem(b.p, b.len, "part2", &g, &err) == 0))
		return;
	if (!CHECK(gguf_add_split(&f, &g, &err) == 0))
		fprintf(stderr, "  %s\n", err.msg);
	CHECK_INT(f.n_tensors, 11);
	CHECK_INT(g.n_tensors, 0);
	CHECK_INT(f.file_bytes, a.len + b.len);
	CHECK_INT(f.sizes.layer_bytes[1], LLAMA_LAYER_BYTES);
	CHECK_INT(f.sizes.tensor_bytes, 2 * LLAMA_LAYER_BYTES + LLAMA_NONLAYER_BYTES);
	CHECK_INT(f.sizes.params, LLAMA_PARAMS);
	/* adding a part again repeats its tensor names */
	CHECK(gguf_parse_mem(a.p, a.len, "part1", &h, &err) == 0);
	CHECK(gguf_add_split(&f, &h, &err) == -1);
	CHECK_STR(err.msg, "part1: a tensor name repeats one of an earlier split part");
	gguf_file_release(&f);
	gguf_file_release(&g);
	gguf_file_release(&h);
	free(a.p);
	free(b.p);
}

static void file_type_names(void)
{
	CHECK_STR(gguf_file_type_name(0), "F32");
	CHECK_STR(gguf_file_type_name(18), "Q6_K");
	CHECK_STR(gguf_file_type_name(38), "MXFP4_MOE");
	CHECK(gguf_file_type_name(5) == NULL);
	CHECK(gguf_file_type_name(-1) == NULL);
	CHECK(gguf_file_type_name(1024) == NULL);
}

/* ---- broken files ----------------------------------------------------- */

/* Parses buf and checks that it fails as "<name>: offset <off>: ...why...". */
static void expect_broken(const void *buf, size_t len, const char *name,
			  uint64_t off, const char *why)
{
	struct gguf_file f;
	struct error err = { "" };
	char prefix[128];

	snprintf(prefix, sizeof prefix, "%s: offset %" PRIu64 ": ", name, off);
	if (!CHECK(gguf_parse_mem(buf, len, name, &f, &err) == -1)) {
		fprintf(stderr, "  (%s parsed)\n", name);
		gguf_file_release(&f);
		return;
	}
	if (!CHECK(strncmp(err.msg, prefix, strlen(prefix)) == 0))
		fprintf(stderr, "  got \"%s\", want prefix \"%s\"\n", err.msg, prefix);
	CHECK_CONTAINS(err.msg, why);
	CHECK(f.kv == NULL && f.tensors == NULL && f.name == NULL);
}

static void broken_header(void)
{
	struct gw w = { 0 };

	gw_raw(&w, "GGML", 4);
	gw_zeros(&w, 60);
	expect_broken(w.p, w.len, "magic", 0, "not a GGUF file");
	expect_broken(w.p, 2, "short", 0, "file ends inside the magic");
	memcpy(w.p, "GGUF\1\0\0\0", 8);
	expect_broken(w.p, w.len, "v1", 4, "GGUF version 1 is not supported");
	memcpy(w.p, "GGUF\4\0\0\0", 8);
	expect_broken(w.p, w.len, "v4", 4, "GGUF version 4 is not supported");
	memcpy(w.p, "GGUF\0\0\0\3", 8);
	expect_broken(w.p, w.len, "be", 4, "big-endian");
	free(w.p);
}

static void broken_counts(void)
{
	struct gw w = { 0 };

	gw_header(&w, 3, 1ull << 32, 0);
	gw_zeros(&w, 1000);
	expect_broken(w.p, w.len, "model.gguf", 8,
		      "tensor count 4294967296 exceeds the file size");
	free(w.p);
	w = (struct gw){ 0 };
	gw_header(&w, 3, 0, 1ull << 40);
	expect_broken(w.p, w.len, "kv", 16, "metadata key count 1099511627776 "
		      "exceeds the file size");
	free(w.p);
	w = (struct gw){ 0 };
	gw_header(&w, 3, 0, 1ull << 60);
	gw_zeros(&w, 64);
	expect_broken(w.p, w.len, "kv2", 16, "exceeds the file size");
	free(w.p);
}

/* A header with one key "a.b" of the given type; returns the buffer so the
 * caller appends the value. The value starts at offset 39. */
static struct gw one_key(uint32_t type)
{
	struct gw w = { 0 };

	gw_header(&w, 3, 0, 1);
	gw_key(&w, "a.b", type);
	return w;
}

static void broken_values(void)
{
	struct gw w = { 0 };

	gw_header(&w, 3, 0, 1);
	gw_u64(&w, 1ull << 60);
	gw_zeros(&w, 1000);
	expect_broken(w.p, w.len, "keylen", 24, "key: string length "
		      "1152921504606846976 exceeds the file size");
	free(w.p);
	w = one_key(GW_U32);
	memset(w.p + 24, 0, 8);      /* key length 0 */
	expect_broken(w.p, w.len, "empty", 24, "key is empty");
	free(w.p);
	w = one_key(13);
	gw_u32(&w, 0);
	expect_broken(w.p, w.len, "vtype", 35, "key 'a.b': unknown value type 13");
	free(w.p);
	w = one_key(GW_BOOL);
	gw_le(&w, 2, 1);
	expect_broken(w.p, w.len, "bool", 39, "bool value 2 is neither 0 nor 1");
	free(w.p);
	w = one_key(GW_STR);
	gw_u64(&w, 1ull << 40);
	expect_broken(w.p, w.len, "strlen", 39, "string length 1099511627776 "
		      "exceeds the file size");
	free(w.p);
	w = one_key(GW_U64);
	gw_u32(&w, 7);
	expect_broken(w.p, w.len, "short", 39, "file ends inside key 'a.b' "
		      "(8 bytes needed, 4 left)");
	free(w.p);
}

static void broken_arrays(void)
{
	struct gw w = one_key(GW_ARR);

	gw_u32(&w, GW_ARR);
	gw_u64(&w, 1);
	expect_broken(w.p, w.len, "nested", 39, "nested arrays are not supported");
	free(w.p);
	w = one_key(GW_ARR);
	gw_u32(&w, GW_U32);
	gw_u64(&w, 1ull << 62);
	gw_zeros(&w, 100);
	expect_broken(w.p, w.len, "arrlen", 43, "array length 4611686018427387904 "
		      "exceeds the file size");
	free(w.p);
	w = one_key(GW_ARR);
	gw_u32(&w, GW_STR);
	gw_u64(&w, 2);
	gw_str(&w, "x");
	gw_u64(&w, 1ull << 50);
	expect_broken(w.p, w.len, "arrstr", 60, "exceeds the file size");
	free(w.p);
	w = one_key(GW_ARR);
	gw_u32(&w, 77);
	expect_broken(w.p, w.len, "arrtype", 39, "unknown value type 77");
	free(w.p);
}

static void broken_keys(void)
{
	struct gw w = { 0 };

	gw_header(&w, 3, 0, 2);
	gw_kv_u32(&w, "a.b", 1);
	gw_kv_u32(&w, "a.b", 2);
	expect_broken(w.p, w.len, "dupkey", 43, "duplicate key 'a.b'");
	free(w.p);
	w = (struct gw){ 0 };
	gw_header(&w, 3, 0, 1);
	gw_kv_u32(&w, "general.alignment", 24);
	expect_broken(w.p, w.len, "align", 24, "general.alignment is not a power of two");
	free(w.p);
	w = (struct gw){ 0 };
	gw_header(&w, 3, 0, 1);
	gw_kv_str(&w, "general.alignment", "32");
	expect_broken(w.p, w.len, "align2", 24, "general.alignment");
	free(w.p);
	w = (struct gw){ 0 };
	gw_header(&w, 3, 0, 1);
	gw_key(&w, "x.\x1b[31m", GW_BOOL);
	gw_le(&w, 9, 1);
	expect_broken(w.p, w.len, "escape", 24 + 8 + 7 + 4,
		      "key 'x.?[31m': bool value 9");
	free(w.p);
}

/* One tensor "t" per case; its info starts at 24: name 8+1, n_dims at 33,
 * dims at 37, then the type and the offset. */
static const struct {
	const char *name;
	uint32_t n_dims;
	uint64_t dims[5];
	uint32_t type;
	uint64_t data_offset;
	uint64_t off;
	const char *why;
} bad_tensors[] = {
	{ "ndims", 5, { 1, 1, 1, 1, 1 }, GW_T_F32, 0, 33,
	  "tensor 't': 5 dimensions, more than 4" },
	{ "type", 1, { 8 }, 99, 0, 45, "tensor 't': unknown ggml type id 99" },
	{ "row", 1, { 100 }, GW_T_Q4_K, 0, 45,
	  "tensor 't': rows of 100 elements do not divide into" },
	{ "dims", 2, { 1ull << 32, 1ull << 32 }, GW_T_F32, 0, 37,
	  "more than 2^63 elements" },
	{ "zdims", 4, { 0, 1ull << 40, 1ull << 40, 1ull << 40 }, GW_T_F32, 0, 37,
	  "more than 2^63 elements" },
	{ "align", 1, { 8 }, GW_T_F32, 16, 49,
	  "tensor 't': data offset 16 is not a multiple of the alignment 32" },
	{ "eof", 1, { 8 }, GW_T_F32, 64, 24, "tensor 't': its 32 bytes at data "
	  "offset 64 extend past the end of the file" },
	{ "eof2", 1, { 8 }, GW_T_F32, 1ull << 62, 24,
	  "extend past the end of the file" },
};

static void broken_tensors(void)
{
	size_t i;

	for (i = 0; i < sizeof bad_tensors / sizeof bad_tensors[0]; i++) {
		struct gw w = { 0 };

		gw_header(&w, 3, 1, 0);
		gw_tensor_info(&w, "t", bad_tensors[i].n_dims, bad_tensors[i].dims,
			       bad_tensors[i].type, bad_tensors[i].data_offset);
		gw_pad(&w, 32);
		gw_zeros(&w, 64);
		expect_broken(w.p, w.len, bad_tensors[i].name, bad_tensors[i].off,
			      bad_tensors[i].why);
		free(w.p);
	}
}

static void broken_tensor_sets(void)
{
	static const uint64_t d8[1] = { 8 };
	char name[80];
	struct gw w = { 0 };

	gw_header(&w, 3, 2, 0);
	gw_tensor_info(&w, "t", 1, d8, GW_T_F32, 0);
	gw_tensor_info(&w, "t", 1, d8, GW_T_F32, 32);
	gw_pad(&w, 32);
	gw_zeros(&w, 64);
	expect_broken(w.p, w.len, "dup", 24 + 33, "duplicate tensor name 't'");
	free(w.p);
	w = (struct gw){ 0 };
	gw_header(&w, 3, 1, 0);
	gw_tensor_info(&w, "blk.4000000000.x", 1, d8, GW_T_F32, 0);
	gw_pad(&w, 32);
	gw_zeros(&w, 32);
	expect_broken(w.p, w.len, "layer", 24, "layer number of 65536 or more");
	free(w.p);
	w = (struct gw){ 0 };
	memset(name, 'n', 65);
	name[65] = '\0';
	gw_header(&w, 3, 1, 0);
	gw_tensor_info(&w, name, 1, d8, GW_T_F32, 0);
	expect_broken(w.p, w.len, "name", 24, "string length 65 exceeds the limit of 64");
	free(w.p);
	w = (struct gw){ 0 };
	gw_header(&w, 3, 1, 0);
	gw_tensor_info(&w, "t", 1, d8, GW_T_F32, 0);
	expect_broken(w.p, w.len, "nodata", 57, "the data section would start at 64");
	free(w.p);
}

static void broken_long_string(void)
{
	struct gw w = one_key(GW_STR);

	gw_u64(&w, GGUF_MAX_STRING + 1);
	gw_zeros(&w, GGUF_MAX_STRING + 1);
	expect_broken(w.p, w.len, "long", 39, "string length 1048577 exceeds the "
		      "limit of 1048576 bytes");
	free(w.p);
}

/* The offset in "<name>: offset N: ...", or UINT64_MAX. */
static uint64_t error_offset(const char *msg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(msg, name, n) != 0 || strncmp(msg + n, ": offset ", 9) != 0)
		return UINT64_MAX;
	return strtoull(msg + n + 9, NULL, 10);
}

/* Every cut through the header and a sample of cuts through the data. */
static void truncations_fail_cleanly(void)
{
	struct gw w = { 0 };
	size_t data = gw_tiny_llama(&w, 3), cut;
	int bad = 0;

	for (cut = 0; cut < w.len; cut += cut < data + 64 ? 1 : 997) {
		struct gguf_file f;
		struct error err = { "" };
		uint64_t off;

		if (gguf_parse_mem(w.p, cut, "cut", &f, &err) == 0) {
			gguf_file_release(&f);
			bad += !CHECK(!"a truncated file parsed");
			continue;
		}
		off = error_offset(err.msg, "cut");
		if (off > cut && bad++ < 5)
			CHECK(!"the error names an offset past the cut");
	}
	CHECK_INT(bad, 0);
	free(w.p);
}

/* Deterministic byte flips of the header: parse or fail, never crash. */
static void mutations_never_crash(void)
{
	struct gw w = { 0 };
	size_t data = gw_tiny_llama(&w, 3);
	unsigned char *copy = malloc(w.len);
	uint32_t x = 2463534242u;
	int i, j, parsed = 0;

	for (i = 0; i < 3000; i++) {
		struct gguf_file f;
		struct error err;

		memcpy(copy, w.p, w.len);
		for (j = 0; j < 1 + i % 4; j++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			copy[x % data] ^= (unsigned char)(x >> 24 | 1);
		}
		if (gguf_parse_mem(copy, w.len, "m", &f, &err) == 0) {
			parsed++;
			gguf_file_release(&f);
		} else {
			CHECK(error_offset(err.msg, "m") < w.len);
		}
	}
	CHECK(parsed > 0 && parsed < 3000);
	free(copy);
	free(w.p);
}

/* tests/fixtures/gguf-broken/EXPECTED: "<file> <offset> <why>" lines. */
static void fixture_corpus(void)
{
	char line[512], path[600], list[600];
	FILE *in;
	int n = 0;

	snprintf(list, sizeof list, "%s", test_path("fixtures/gguf-broken/EXPECTED"));
	in = fopen(list, "r");
	if (!CHECK(in != NULL))
		return;
	while (fgets(line, sizeof line, in)) {
		char file[128], why[300];
		unsigned long long off;
		struct gguf_file f;
		struct error err = { "" };
		char prefix[700];

		if (line[0] == '#' || sscanf(line, "%127s %llu %299[^\n]", file,
					     &off, why) != 3)
			continue;
		snprintf(path, sizeof path, "%s%s",
			 test_path("fixtures/gguf-broken/"), file);
		snprintf(prefix, sizeof prefix, "%s: offset %llu: ", path, off);
		n++;
		if (!CHECK(gguf_open(path, &f, &err) == -1)) {
			gguf_file_release(&f);
			continue;
		}
		if (!CHECK(strncmp(err.msg, prefix, strlen(prefix)) == 0))
			fprintf(stderr, "  got \"%s\", want prefix \"%s\"\n",
				err.msg, prefix);
		CHECK_CONTAINS(err.msg, why);
	}
	fclose(in);
	CHECK(n >= 5);
}

/* The fuzzer's seeds, written by a second, independent writer, parse. */
static void seed_corpus_parses(void)
{
	static const char *const seeds[] = { "llama-v2.gguf", "llama-v3.gguf",
					     "moe-all-types.gguf" };
	size_t i;

	for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
		char path[600];
		struct gguf_file f;
		struct error err = { "" };

		snprintf(path, sizeof path, "%s%s",
			 test_path("fixtures/gguf-seeds/"), seeds[i]);
		if (!CHECK(gguf_open(path, &f, &err) == 0)) {
			fprintf(stderr, "  %s\n", err.msg);
			continue;
		}
		CHECK(f.sizes.n_layers > 0);
		CHECK(f.sizes.tensor_bytes > 0);
		gguf_file_release(&f);
	}
}

static void open_errors_name_the_file(void)
{
	struct gguf_file f;
	struct error err;

	CHECK(gguf_open("/nonexistent/x.gguf", &f, &err) == -1);
	CHECK_STR(err.msg, "/nonexistent/x.gguf: No such file or directory");
	CHECK(gguf_open(test_tmpdir(), &f, &err) == -1);
	CHECK_CONTAINS(err.msg, ": not a regular file");
}

TESTS(T(open_tiny_llama_v3), T(parse_tiny_llama_v2_from_memory),
      T(lookups_are_typed), T(moe_facts_and_scalar_types),
      T(vocab_only_file_has_no_tensors), T(split_parts_add_up),
      T(file_type_names), T(broken_header), T(broken_counts),
      T(broken_values), T(broken_arrays), T(broken_keys), T(broken_tensors),
      T(broken_tensor_sets), T(broken_long_string),
      T(truncations_fail_cleanly), T(mutations_never_crash),
      T(fixture_corpus), T(seed_corpus_parses), T(open_errors_name_the_file));
