/* test_gguf_model.c - GGUF headers seen as catalogue models. */
#include <stdio.h>
#include <stdlib.h>

#include "model/gguf_model.h"
#include "gguf_writer.h"
#include "testlib.h"

static int parse(struct gw *w, struct gguf_file *f)
{
	struct error err = { "" };
	int rc = gguf_parse_mem(w->p, w->len, "mem", f, &err);

	if (rc)
		fprintf(stderr, "  %s\n", err.msg);
	free(w->p);
	*w = (struct gw){ 0 };
	return rc;
}

/* Parses w (freeing it) and converts it; -1 (and nothing to release) on
 * failure. */
static int load(struct gw *w, const char *id, struct gguf_file *f,
		struct model *m)
{
	struct error err = { "" };

	if (parse(w, f))
		return -1;
	if (gguf_to_model(f, id, m, &err) == 0)
		return 0;
	fprintf(stderr, "  %s\n", err.msg);
	gguf_file_release(f);
	return -1;
}

static void tiny_llama_as_a_model(void)
{
	struct gw w = { 0 };
	struct gguf_file f;
	struct model m;

	gw_tiny_llama(&w, 3);
	if (!CHECK(load(&w, "tiny.gguf", &f, &m) == 0))
		return;
	CHECK_STR(m.id, "tiny.gguf");
	CHECK_STR(m.name, "Tiny Llama");
	CHECK_STR(m.arch, "llama");
	CHECK_STR(m.source, "mem");
	CHECK_INT(m.params, 2 * 25600 + 256 + 2 * (256 + 65536 + 131072 + 131072));
	CHECK_INT(m.active_params, m.params);
	CHECK_INT(m.layers, 2);
	CHECK_INT(m.embd, 256);
	CHECK_INT(m.ffn, 512);
	CHECK_INT(m.heads, 4);
	CHECK_INT(m.kv_heads, 2);
	CHECK_INT(m.head_dim, 64);
	CHECK_INT(m.vocab, 100);
	CHECK_INT(m.context, 2048);
	CHECK(!m.tied_embeddings);
	CHECK(!m.has_moe && !m.has_mla && !m.has_swa);
	CHECK(!m.qkv_bias && !m.qk_norm);
	CHECK_INT(m.ffn_kind, FFN_PLAIN);    /* ffn_up without ffn_gate */
	gguf_file_release(&f);
}

/* A two-layer DeepSeek-style file: a dense first layer, then 8 routed
 * experts (2 used) and a shared expert; MLA attention; tied embeddings. */
static const struct gw_tensor ds_tensors[] = {
	{ "token_embd.weight", 2, { 256, 50 }, GW_T_F32, 256 * 50 * 4 },
	{ "blk.0.attn_q.bias", 1, { 8 }, GW_T_F32, 32 },
	{ "blk.0.attn_q_norm.weight", 1, { 8 }, GW_T_F32, 32 },
	{ "blk.0.ffn_gate.weight", 2, { 256, 1024 }, GW_T_F16, 256 * 1024 * 2 },
	{ "blk.0.ffn_up.weight", 2, { 256, 1024 }, GW_T_F16, 256 * 1024 * 2 },
	{ "blk.1.ffn_up_exps.weight", 3, { 256, 64, 8 }, GW_T_F16, 256 * 64 * 8 * 2 },
	{ "blk.1.ffn_up_shexp.weight", 2, { 256, 128 }, GW_T_F16, 256 * 128 * 2 },
};

static void deepseek_style_moe_and_mla(void)
{
	size_t n = sizeof ds_tensors / sizeof ds_tensors[0];
	struct gw w = { 0 };
	struct gguf_file f;
	struct model m;

	gw_header(&w, 3, n, 14);
	gw_kv_str(&w, "general.architecture", "deepseek2");
	gw_kv_str(&w, "general.license", "mit");
	gw_kv_u32(&w, "deepseek2.block_count", 2);
	gw_kv_u32(&w, "deepseek2.embedding_length", 256);
	gw_kv_u32(&w, "deepseek2.attention.head_count", 4);
	gw_kv_u32(&w, "deepseek2.expert_count", 8);
	gw_kv_u32(&w, "deepseek2.expert_used_count", 2);
	gw_kv_u32(&w, "deepseek2.leading_dense_block_count", 1);
	gw_kv_u32(&w, "deepseek2.attention.kv_lora_rank", 512);
	gw_kv_u32(&w, "deepseek2.rope.dimension_count", 64);
	gw_kv_u32(&w, "deepseek2.attention.key_length", 576);
	gw_kv_u32(&w, "deepseek2.attention.value_length", 512);
	gw_kv_u32(&w, "deepseek2.attention.key_length_mla", 192);
	gw_kv_u32(&w, "deepseek2.attention.value_length_mla", 128);
	gw_tensors(&w, ds_tensors, n, 32);
	if (!CHECK(load(&w, "ds", &f, &m) == 0))
		return;
	CHECK_STR(m.name, "ds");
	CHECK_STR(m.license, "mit");
	CHECK_INT(m.kv_heads, 4);
	CHECK_INT(m.ffn, 1024);
	CHECK_INT(m.vocab, 50);
	CHECK_INT(m.context, -1);
	CHECK(m.tied_embeddings);
	CHECK(m.qkv_bias && m.qk_norm);
	CHECK_INT(m.ffn_kind, FFN_GATED);
	CHECK(m.has_moe);
	CHECK_INT(m.moe.experts, 8);
	CHECK_INT(m.moe.experts_used, 2);
	CHECK_INT(m.moe.expert_ffn, 64);
	CHECK_INT(m.moe.shared_experts, 1);
	CHECK_INT(m.moe.shared_ffn, 128);
	CHECK_INT(m.moe.dense_layers, 1);
	CHECK(m.has_mla);
	CHECK_INT(m.mla.kv_lora_rank, 512);
	CHECK_INT(m.mla.q_lora_rank, 0);
	CHECK_INT(m.mla.rope_dim, 64);
	CHECK_INT(m.mla.nope_dim, 128);
	CHECK_INT(m.mla.v_head_dim, 128);
	CHECK_INT(m.head_dim, 192);
	/* 8 experts of 256x64, 2 of them used per token */
	CHECK_INT(m.params - m.active_params, 6 * 256 * 64);
	gguf_file_release(&f);
}

/* A three-layer nemotron_h file: Mamba2, attention, MLP only, as
 * llama.cpp's converter writes them (nemotron-h load_tensors); the state
 * sizes come from the nemotron_h.ssm.* keys. */
static const struct gw_tensor hybrid_tensors[] = {
	{ "token_embd.weight", 2, { 256, 50 }, GW_T_F32, 256 * 50 * 4 },
	{ "blk.0.ssm_conv1d.weight", 2, { 4, 768 }, GW_T_F32, 4 * 768 * 4 },
	{ "blk.0.ssm_in.weight", 2, { 256, 1296 }, GW_T_F16, 256 * 1296 * 2 },
	{ "blk.1.attn_q.weight", 2, { 256, 256 }, GW_T_F16, 256 * 256 * 2 },
	{ "blk.2.ffn_up.weight", 2, { 256, 1024 }, GW_T_F16, 256 * 1024 * 2 },
};

static void hybrid_layers_from_tensors(void)
{
	size_t n = sizeof hybrid_tensors / sizeof hybrid_tensors[0];
	struct gw w = { 0 };
	struct gguf_file f;
	struct model m;

	gw_header(&w, 3, n, 9);
	gw_kv_str(&w, "general.architecture", "nemotron_h");
	gw_kv_u32(&w, "nemotron_h.block_count", 3);
	gw_kv_u32(&w, "nemotron_h.embedding_length", 256);
	gw_kv_u32(&w, "nemotron_h.attention.head_count", 4);
	gw_kv_u32(&w, "nemotron_h.ssm.conv_kernel", 4);
	gw_kv_u32(&w, "nemotron_h.ssm.inner_size", 512);
	gw_kv_u32(&w, "nemotron_h.ssm.state_size", 64);
	gw_kv_u32(&w, "nemotron_h.ssm.group_count", 2);
	gw_kv_u32(&w, "nemotron_h.ssm.time_step_rank", 16);
	gw_tensors(&w, hybrid_tensors, n, 32);
	if (!CHECK(load(&w, "nh", &f, &m) == 0))
		return;
	CHECK(m.has_ssm);
	CHECK_STR(m.ssm.layers, "RAF");
	CHECK_INT(m.ssm.conv_kernel, 4);
	CHECK_INT(m.ssm.inner_size, 512);
	CHECK_INT(m.ssm.state_size, 64);
	CHECK_INT(m.ssm.group_count, 2);
	CHECK_INT(m.ssm.time_step_rank, 16);
	gguf_file_release(&f);
}

static void missing_keys_are_named(void)
{
	struct gw w = { 0 };
	struct gguf_file f;
	struct model m;
	struct error err;

	gw_header(&w, 3, 0, 1);
	gw_kv_u32(&w, "llama.block_count", 2);
	if (CHECK(parse(&w, &f) == 0)) {
		CHECK(gguf_to_model(&f, "x", &m, &err) == -1);
		CHECK_STR(err.msg, "mem: general.architecture: missing");
		gguf_file_release(&f);
	}
	gw_header(&w, 3, 0, 3);
	gw_kv_str(&w, "general.architecture", "llama");
	gw_kv_u32(&w, "llama.block_count", 2);
	gw_kv_u32(&w, "llama.embedding_length", 0);
	if (CHECK(parse(&w, &f) == 0)) {
		CHECK(gguf_to_model(&f, "x", &m, &err) == -1);
		CHECK_STR(err.msg, "mem: llama.embedding_length: missing or not a "
			  "positive integer");
		gguf_file_release(&f);
	}
}

TESTS(T(tiny_llama_as_a_model), T(deepseek_style_moe_and_mla), T(hybrid_layers_from_tensors),
      T(missing_keys_are_named));
