/* Ollama's scheduler rules (residency.h) on sizes worked out by hand, and
 * plan_build on the catalogue for a hand-made RTX 3090-like machine: the
 * KV cache grows with OLLAMA_NUM_PARALLEL, embedding models keep one slot,
 * residents fit their budget, batched decode follows its formula. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide/order.h"
#include "decide/plan.h"
#include "decide/residency.h"
#include "estimate/serving.h"
#include "testlib.h"
#include "util/units.h"

static void parallel_rules(void)
{
	CHECK_INT(ollama_parallel(true, 4), 1);
	CHECK_INT(ollama_parallel(false, 4), 4);
	CHECK_INT(ollama_parallel(false, 0), 1);
	CHECK_INT(ollama_server_context(4096, 4), 16384);
	CHECK_INT(ollama_server_context(8192, 1), 8192);
}

static void eighty_percent_rule(void)
{
	/* 10000 free: others loaded on a GPU allow 10000*80/100 = 8000 */
	CHECK(ollama_fits_beside(8000, 10000, true, true));
	CHECK(!ollama_fits_beside(8001, 10000, true, true));
	/* the first model, or the CPU: all of it */
	CHECK(ollama_fits_beside(10000, 10000, false, true));
	CHECK(!ollama_fits_beside(10001, 10000, false, true));
	CHECK(ollama_fits_beside(10000, 10000, true, false));
}

static void eviction_order(void)
{
	/* keep_alive 300 s, forever, 300 s, 60 s: 60 first, then the two 300s
	 * by name, forever last (uint64 of -1 is the largest) */
	struct runner r[] = { { "b", 300, 1 }, { "a", -1, 1 }, { "c", 300, 1 }, { "z", 60, 1 } };
	int order[4];

	ollama_eviction_order(r, 4, order);
	CHECK_INT(order[0], 3);
	CHECK_INT(order[1], 0);
	CHECK_INT(order[2], 2);
	CHECK_INT(order[3], 1);
}

static void swap_evicts_until_it_fits(void)
{
	/* Budget 24 GiB less 457 MiB = 24119 MiB. Loaded: llama 8192 MiB, nomic
	 * 1024 MiB, phi4 10240 MiB, all forever: evicted by name. A 21504 MiB
	 * model: after llama, free 24119-11264 = 12855, 80% = 10284 < 21504;
	 * after nomic free 13879 (11103); after phi4 nothing is loaded: it
	 * loads alone (21504 <= 24119). */
	struct runner r[] = { { "phi4", -1, 10240 * MIB }, { "llama", -1, 8192 * MIB },
			      { "nomic", -1, 1024 * MIB } };
	int evicted[3];

	CHECK_INT(ollama_swap_in(r, 3, 21504 * MIB, 24119 * MIB, true, evicted), 3);
	CHECK_INT(evicted[0], 1);
	CHECK_INT(evicted[1], 2);
	CHECK_INT(evicted[2], 0);
	/* 4096 MiB fits beside all: 24119-19456 = 4663, 80% = 3730 < 4096,
	 * so llama goes: free 12855, 80% = 10284 >= 4096 */
	CHECK_INT(ollama_swap_in(r, 3, 4096 * MIB, 24119 * MIB, true, evicted), 1);
	CHECK_INT(evicted[0], 1);
	/* on the CPU nothing needs to go while it fits */
	CHECK_INT(ollama_swap_in(r, 3, 4096 * MIB, 24119 * MIB, false, evicted), 0);
	CHECK_INT(ollama_swap_in(r, 3, 30000 * MIB, 24119 * MIB, true, evicted), -1);
}

/* ---- plan_build on the catalogue ---- */

static struct catalog cat;
static struct score_table scores;
static struct hardware hw;
static struct plan plan;

static void load_data(void)
{
	struct error err;
	char path[512];
	const char *dir = getenv("CANIRUN_DATA_DIR");

	if (cat.count)
		return;
	snprintf(path, sizeof(path), "%s/models.json", dir ? dir : "data");
	CHECK(catalog_load(path, &cat, &err) == 0);
	snprintf(path, sizeof(path), "%s/scores.json", dir ? dir : "data");
	CHECK(scores_load(path, &cat, &scores, &err) == 0);
}

/* 24 GiB at 936 GB/s, 142 FP16 TFLOPS, PCIe 4.0 x16; 64 GiB RAM, NVMe. */
static void rtx3090(void)
{
	hw_init(&hw);
	hw.ram.total_bytes = hw.ram.available_bytes = 64 * GIB;
	hw.cpu.cores = 16;
	hw.cpu.q4_gbps = hw.cpu.q4_k_gbps = hw.cpu.q8_0_gbps = hw.cpu.q6_k_gbps = 55;
	hw.cpu.prefill_gflops = 450;
	hw.disk.kind = DISK_NVME;
	hw.gpu_count = 1;
	hw_gpu_init(&hw.gpus[0]);
	hw.gpus[0].vendor = GPU_VENDOR_NVIDIA;
	hw.gpus[0].vram_total_bytes = hw.gpus[0].vram_free_bytes = 24 * GIB;
	hw.gpus[0].bandwidth_gbps = 936.2;
	hw.gpus[0].fp16_tflops = 142.3;
	hw.gpus[0].pcie.gen = 4;
	hw.gpus[0].pcie.width = 16;
}

static int build(unsigned tasks, int users)
{
	struct plan_request req = { .tasks = tasks, .users = users };
	struct estimate_settings set = { .ctx = 4096, .kv = KV_F16, .threads = 16, .prompt_tokens = 1024,
					 .runtime = RUNTIME_OLLAMA, .flash_attn = FA_RUNTIME };
	struct error err;

	load_data();
	rtx3090();
	return plan_build(&hw, &cat, &scores, &req, &set, &plan, &err);
}

static const struct plan_pick *pick_for(enum plan_task t)
{
	for (int i = 0; i < plan.pick_count; i++)
		if (plan.picks[i].task == t)
			return &plan.picks[i];
	return NULL;
}

static void kv_grows_with_parallel(void)
{
	const struct plan_pick *pk;
	const struct model *m;

	CHECK(build(1u << PLAN_TOOLS, 4) == 0);
	pk = pick_for(PLAN_TOOLS);
	CHECK(pk != NULL);
	if (!pk)
		return;
	m = pk->pick.model;
	/* llama.cpp allocates -c ctx x parallel: per layer 2 x kv_heads x
	 * head_dim x 2 B (f16) per token, 4096 tokens per slot */
	CHECK(plan.parallel >= 1 && plan.parallel <= 4);
	CHECK_INT(pk->pick.est.kv_bytes, (int64_t)m->layers * 2 * m->kv_heads * m->head_dim * 2 *
					 4096 * plan.parallel);
	CHECK_INT(plan.models[pk->model_index].parallel, plan.parallel);
}

static void embedding_keeps_one_slot(void)
{
	const struct plan_pick *pk;

	CHECK(build((1u << PLAN_EMBEDDING) | (1u << PLAN_CHAT), 8) == 0);
	pk = pick_for(PLAN_EMBEDDING);
	CHECK(pk != NULL);
	CHECK(plan.parallel > 1);
	if (pk)
		CHECK_INT(plan.models[pk->model_index].parallel, 1);
}

static void residents_fit_the_budget(void)
{
	int64_t sum = 0;

	CHECK(build(0, 10) == 0);
	/* 24 GiB less Ollama's 457 MiB reserve */
	CHECK_INT(plan.budget_bytes, 24 * GIB - 457 * MIB);
	for (int i = 0; i < plan.model_count; i++)
		if (plan.models[i].resident && !plan.models[i].on_cpu_instance)
			sum += plan.models[i].bytes;
	CHECK_INT(plan.resident_bytes, sum);
	CHECK(plan.resident_bytes <= plan.budget_bytes);
	for (int i = 0; i < plan.model_count; i++) {
		const struct plan_model *pm = &plan.models[i];

		CHECK_INT(pm->bytes, pm->est->total_bytes);
		if (!pm->resident) {
			CHECK(pm->swap_s > 0 && pm->swap_s == pm->est->load_cold_s);
			CHECK(pm->swap_s_warm == pm->est->load_warm_s);
		}
	}
	CHECK_INT(plan.unserved_count, 0);
}

static void batched_decode_formula(void)
{
	const struct plan_pick *pk;
	const struct estimate *e;
	double t1, per_byte, want;

	CHECK(build(1u << PLAN_WRITING, 4) == 0);
	pk = pick_for(PLAN_WRITING);
	CHECK(pk != NULL);
	if (!pk)
		return;
	e = &pk->pick.est;
	t1 = 1.0 / e->now.decode_tok_s;
	per_byte = (e->now.terms.gpu_seconds_per_token - e->now.terms.overhead_seconds) /
		   e->now.terms.gpu_bytes_per_token;
	want = t1 + 3 * (double)e->kv_read_bytes * per_byte;
	if (4 / e->now.prefill_tok_s > want)
		want = 4 / e->now.prefill_tok_s;
	CHECK_NEAR(batch_step_seconds(e, 4), want, 1e-12);
	CHECK_NEAR(batch_step_seconds(e, 1), t1, 1e-12);
	/* KV read per token: at the 1024-token prompt, f16 */
	CHECK_INT(e->kv_read_bytes, (int64_t)pk->pick.model->layers * 2 * pk->pick.model->kv_heads *
				     pk->pick.model->head_dim * 2 * 1024);
}

static void task_names(void)
{
	unsigned t;
	struct error err;

	CHECK(plan_tasks_parse("code,chat", &t, &err) == 0);
	CHECK_INT(t, (1u << PLAN_CODE) | (1u << PLAN_CHAT));
	CHECK(plan_tasks_parse("code,poetry", &t, &err) < 0);
	CHECK_CONTAINS(err.msg, "poetry");
	CHECK_INT(PLAN_DEFAULT_TASKS & (1u << PLAN_VISION), 0);
}

/* The default listing order on hand-made estimates: picks (task order),
 * usable by capability (score order merged with size), slow, embedding,
 * no-fit. */
static void useful_order(void)
{
	static struct model m[8];
	static struct estimate e[8];
	static struct plan p;
	static struct score sc[2] = { { 70.0, "https://example.org/a" }, { 60.0, "https://example.org/b" } };
	static struct score_table t;
	/* id, params B, tasks, placement, verdict */
	const struct { const char *id; double b; unsigned tasks; enum placement pl; enum verdict v; } rows[8] = {
		{ "big-unscored:70b", 70, TASK_CHAT, PLACE_PARTIAL, VERDICT_USABLE },
		{ "scored-a:14b", 14, TASK_CHAT, PLACE_GPU, VERDICT_FAST },     /* 70.0 */
		{ "scored-b:32b", 32, TASK_CHAT, PLACE_GPU, VERDICT_FAST },     /* 60.0 */
		{ "mid-unscored:20b", 20, TASK_CHAT, PLACE_GPU, VERDICT_FAST },
		{ "slow:8b", 8, TASK_CHAT, PLACE_CPU, VERDICT_SLOW },
		{ "embed:137m", 0.137, TASK_EMBEDDING, PLACE_GPU, VERDICT_FAST },
		{ "huge:671b", 671, TASK_CHAT, PLACE_NONE, VERDICT_NO_FIT },
		{ "picked:7b", 7, TASK_CODE, PLACE_GPU, VERDICT_FAST },
	};
	int rank[8];

	memset(&t, 0, sizeof(t));
	snprintf(t.benchmarks[0].name, SCORES_NAME_MAX, "MMLU-Pro");
	snprintf(t.benchmarks[0].tasks[0], SCORES_NAME_MAX, "chat");
	t.benchmarks[0].task_count = t.bench_count = 1;
	t.models = (struct model_scores[2]){ { 0 } };
	t.count = 2;
	for (int i = 0; i < 8; i++) {
		snprintf(m[i].id, sizeof(m[i].id), "%s", rows[i].id);
		m[i].params = (int64_t)(rows[i].b * 1e9);
		m[i].tasks = rows[i].tasks;
		e[i].model = &m[i];
		e[i].now.placement = rows[i].pl;
		e[i].now.verdict = rows[i].v;
	}
	t.models[0] = (struct model_scores){ .model = &m[1], .known = { true }, .by_bench = { sc[0] } };
	t.models[1] = (struct model_scores){ .model = &m[2], .known = { true }, .by_bench = { sc[1] } };
	memset(&p, 0, sizeof(p));
	p.pick_count = 1;
	p.picks[0].pick.model = &m[7];
	CHECK_INT(useful_ranks(e, 8, &p, &t, rank), 0);
	CHECK_INT(rank[7], 0);  /* the plan's pick */
	/* usable: scored a (70.0, 14B) before b (60.0, 32B); the unscored
	 * 70B and 20B are larger than a, the head of the scored list, so they
	 * go first: 70B, 20B, a, b */
	CHECK_INT(rank[0], 1);
	CHECK_INT(rank[3], 2);
	CHECK_INT(rank[1], 3);
	CHECK_INT(rank[2], 4);
	CHECK_INT(rank[4], 5);  /* slow */
	CHECK_INT(rank[5], 6);  /* embedding group */
	CHECK_INT(rank[6], 7);  /* no fit */
	CHECK_INT(useful_group(&e[5], NULL), GROUP_EMBEDDING);
}

static void release_data(void)
{
	scores_release(&scores);
	catalog_release(&cat);
	CHECK_INT(cat.count, 0);
}

TESTS(T(parallel_rules), T(eighty_percent_rule), T(eviction_order), T(swap_evicts_until_it_fits),
      T(kv_grows_with_parallel), T(embedding_keeps_one_slot),
      T(residents_fit_the_budget), T(batched_decode_formula), T(task_names), T(useful_order), T(release_data));
