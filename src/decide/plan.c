#include "decide/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide/residency.h"
#include "estimate/serving.h"
#include "model/quant.h"
#include "model/sizemodel.h"

struct task_info {
	const char *name;
	unsigned catalog_task;          /* models listing this task are candidates */
	double floor_tok_s;
};

static const struct task_info task_info[PLAN_TASK_COUNT] = {
	[PLAN_CHAT] = { "chat", TASK_CHAT, FAST_TOK_S },
	[PLAN_WRITING] = { "writing", TASK_CHAT, READING_FLOOR_TOK_S },
	[PLAN_CODE] = { "code", TASK_CODE, READING_FLOOR_TOK_S },
	[PLAN_REASONING] = { "reasoning", TASK_REASONING, READING_FLOOR_TOK_S },
	[PLAN_TOOLS] = { "tools", TASK_TOOLS, READING_FLOOR_TOK_S },
	[PLAN_EMBEDDING] = { "embedding", TASK_EMBEDDING, 0 },
	[PLAN_VISION] = { "vision", TASK_VISION, READING_FLOOR_TOK_S },
};

const char *plan_task_name(enum plan_task t)
{
	return task_info[t].name;
}

int plan_task_parse(const char *name, enum plan_task *out)
{
	for (int t = 0; t < PLAN_TASK_COUNT; t++)
		if (strcmp(name, task_info[t].name) == 0) {
			*out = (enum plan_task)t;
			return 0;
		}
	return -1;
}

int plan_tasks_parse(const char *list, unsigned *tasks, struct error *err)
{
	char buf[256], *save = NULL;

	*tasks = 0;
	if (snprintf(buf, sizeof(buf), "%s", list) >= (int)sizeof(buf))
		return error_set(err, "--task: list too long");
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		enum plan_task t;

		if (plan_task_parse(item, &t) < 0)
			return error_set(err, "--task: unknown task '%s' (chat, writing, code, "
					 "reasoning, tools, embedding, vision)", item);
		*tasks |= 1u << t;
	}
	if (*tasks == 0)
		return error_set(err, "--task: name at least one task");
	return 0;
}

double plan_task_floor_tok_s(enum plan_task t)
{
	return task_info[t].floor_tok_s;
}

/* ---- capability order ---- */

/* The written rule's first key: chat and writing want a generalist (not a
 * coder or a thinking model); other tasks' candidates all list the task. */
static bool specialised(enum plan_task t, const struct model *m)
{
	if (t == PLAN_CHAT || t == PLAN_WRITING)
		return !(m->tasks & (TASK_CODE | TASK_REASONING));
	return (m->tasks & task_info[t].catalog_task) != 0;
}

struct ranked {
	const struct model *model;
	int catalog_index;
	const struct score *score;
	bool specialised;
};

static int by_capability(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	if (!a->score != !b->score)
		return a->score ? -1 : 1;
	if (a->score && a->score->value != b->score->value)
		return a->score->value > b->score->value ? -1 : 1;
	if (a->specialised != b->specialised)
		return a->specialised ? -1 : 1;
	if (a->model->params != b->model->params)
		return a->model->params > b->model->params ? -1 : 1;
	return strcmp(a->model->id, b->model->id);
}

/* ---- estimates, sized once per model ---- */

struct builder {
	const struct hardware *hw;
	struct hardware cpu_hw;         /* the same machine without its GPUs */
	const struct catalog *cat;
	const struct score_table *scores;
	const struct plan_request *req;
	struct estimate_settings set;
	bool have_quant;
	enum ftype quant;
	struct size_model *sizes;       /* by catalogue index; n_layers 0: not yet */
	bool *size_failed;
	struct ranked *ranked[PLAN_TASK_COUNT];
	int ranked_count[PLAN_TASK_COUNT];
	int64_t budget, cpu_budget;
	bool on_gpus;
};

static bool is_embedding(const struct model *m)
{
	return (m->tasks & TASK_EMBEDDING) != 0;
}

/* --quant, else Ollama's library default: Q4_K_M for generative models,
 * F16 for embedding models (ollama.com/library tags). */
static enum ftype plan_ftype(const struct builder *b, const struct model *m)
{
	if (b->have_quant)
		return b->quant;
	if (m->has_default_quant)       /* what `ollama pull` gives (MXFP4 for gpt-oss) */
		return m->default_quant;
	return is_embedding(m) ? FTYPE_F16 : FTYPE_Q4_K_M;
}

static const struct size_model *size_of(struct builder *b, int i, struct error *err)
{
	const struct model *m = &b->cat->models[i];

	if (b->size_failed[i])
		return NULL;
	if (b->sizes[i].n_layers == 0 &&
	    gguf_size_compute(m, plan_ftype(b, m), NULL, &b->sizes[i], err) < 0) {
		b->size_failed[i] = true;
		return NULL;
	}
	return &b->sizes[i];
}

static void estimate_at(const struct builder *b, const struct hardware *hw, const struct model *m,
			const struct size_model *s, int parallel, struct estimate *out)
{
	struct estimate_settings set = b->set;

	set.ctx = (int)ollama_server_context(b->set.ctx, ollama_parallel(is_embedding(m), parallel));
	if (hw != b->hw)
		set.cluster = NULL; /* the CPU-only instance runs on the host alone */
	estimate_model(hw, m, s, &set, out);
}

static bool placed_whole(const struct estimate *e, bool on_gpus)
{
	enum placement p = e->now.placement;

	if (e->rpc.used)        /* --node: whole over the pooled machines */
		return p == PLACE_RPC && e->now.offload == OFFLOAD_NONE;
	return on_gpus ? p == PLACE_GPU || p == PLACE_MULTI_GPU : p == PLACE_CPU;
}

static int decoding(int users, int parallel)
{
	return users < parallel ? users : parallel;
}

/* Runs here for task t: whole on the GPUs (on the CPU without GPUs), within
 * the budget, and at the task's floor for each user decoding at once. */
static bool serves(const struct builder *b, enum plan_task t, const struct plan_choice *c)
{
	if (!placed_whole(&c->est, b->on_gpus) || c->est.total_bytes > b->budget)
		return false;
	if (t == PLAN_EMBEDDING)
		return true;
	return c->per_user_tok_s >= task_info[t].floor_tok_s;
}

/* Bytes the weights take at least: Q4_K_M is Q4_K (144 bytes a 256-weight
 * block, 4.5 bits) or larger types, F16 16 bits (ggml block sizes). A
 * model above the budget by this bound is not sized at all. */
static int64_t weights_floor_bytes(const struct builder *b, const struct model *m)
{
	if (b->have_quant)
		return 0;
	return (int64_t)((double)m->params * (is_embedding(m) ? 16.0 : 4.5) / 8);
}

static int try_candidate(struct builder *b, const struct ranked *r,
			 int parallel, struct plan_choice *c, struct error *err)
{
	const struct size_model *s;
	int slots;

	memset(c, 0, sizeof(*c));
	c->model = r->model;
	c->score = r->score;
	c->basis = r->score ? BASIS_SCORE : BASIS_RULE;
	if (weights_floor_bytes(b, r->model) > b->budget) {
		c->est.model = r->model;
		c->est.now.placement = PLACE_NONE; /* cannot fit: no estimate needed */
		return 0;
	}
	s = size_of(b, r->catalog_index, err);
	if (!s)
		return -1;
	slots = ollama_parallel(is_embedding(r->model), parallel);
	estimate_at(b, b->hw, r->model, s, parallel, &c->est);
	c->per_user_tok_s = batch_per_user_tok_s(&c->est, decoding(b->req->users, slots));
	return 0;
}

/* The task's pick and runner-up at parallel; the first better-ranked
 * candidate that did not serve goes to *missed. */
static int choose(struct builder *b, enum plan_task t, int parallel, struct plan_pick *pk,
		  struct plan_choice *missed, struct error *err)
{
	struct plan_choice c;

	memset(pk, 0, sizeof(*pk));
	memset(missed, 0, sizeof(*missed));
	pk->task = t;
	for (int i = 0; i < b->ranked_count[t] && !pk->runner_up.model; i++) {
		if (try_candidate(b, &b->ranked[t][i], parallel, &c, err) < 0)
			return -1;
		if (!serves(b, t, &c)) {
			if (!pk->pick.model && !missed->model)
				*missed = c;
			continue;
		}
		if (!pk->pick.model)
			pk->pick = c;
		else
			pk->runner_up = c;
	}
	return 0;
}

static int choose_all(struct builder *b, int parallel, struct plan *p, struct error *err)
{
	struct plan_choice missed;

	p->pick_count = p->unserved_count = 0;
	for (int t = 0; t < PLAN_TASK_COUNT; t++) {
		struct plan_pick *pk = &p->picks[p->pick_count];

		if (!(b->req->tasks & (1u << t)))
			continue;
		if (choose(b, (enum plan_task)t, parallel, pk, &missed, err) < 0)
			return -1;
		if (pk->pick.model)
			p->pick_count++;
		else
			p->unserved[p->unserved_count++] = (enum plan_task)t;
	}
	return 0;
}

static bool same_models(const struct plan *a, const struct plan *b)
{
	if (a->pick_count != b->pick_count)
		return false;
	for (int i = 0; i < a->pick_count; i++)
		if (a->picks[i].pick.model != b->picks[i].pick.model)
			return false;
	return true;
}

/* OLLAMA_NUM_PARALLEL: the most requests decoding at once, up to the users
 * (and PLAN_PARALLEL_MAX), that costs no task its parallel-1 pick: more
 * slots multiply every model's KV cache, so past some count the best
 * models stop fitting or fall under the floor. */
static int choose_parallel(struct builder *b, struct plan *p, struct plan *scratch,
			   struct error *err)
{
	int top = b->req->users < PLAN_PARALLEL_MAX ? b->req->users : PLAN_PARALLEL_MAX;

	if (choose_all(b, 1, p, err) < 0)
		return -1;
	p->parallel = 1;
	for (int par = top; par > 1; par--) {
		if (choose_all(b, par, scratch, err) < 0)
			return -1;
		if (same_models(p, scratch)) {
			memcpy(p->picks, scratch->picks, sizeof(p->picks));
			p->parallel = par;
			break;
		}
	}
	return 0;
}

/* ---- the loaded set ---- */

static int add_model(struct plan *p, const struct plan_choice *c)
{
	for (int i = 0; i < p->model_count; i++)
		if (p->models[i].model == c->model)
			return i;
	p->models[p->model_count] = (struct plan_model){
		.model = c->model, .est = &c->est, .bytes = c->est.total_bytes,
		.parallel = ollama_parallel(is_embedding(c->model), p->parallel),
		.swap_s = -1, .swap_s_warm = -1, .max_users = -1, .aggregate_tok_s = -1,
	};
	return p->model_count++;
}

/* Load order: embedding models first (used beside every other), then the
 * smallest first, so the most picks fit together. */
static int load_order(const void *pa, const void *pb, void *ctx)
{
	const struct plan_model *models = ctx;
	const struct plan_model *a = &models[*(const int *)pa], *b = &models[*(const int *)pb];

	if (is_embedding(a->model) != is_embedding(b->model))
		return is_embedding(a->model) ? -1 : 1;
	if (a->bytes != b->bytes)
		return a->bytes < b->bytes ? -1 : 1;
	return strcmp(a->model->id, b->model->id);
}

/* Residents, in load order, while each fits beside the ones before it;
 * then each other model's swap: what it evicts (all residents run with
 * OLLAMA_KEEP_ALIVE=-1) and its load time. Returns the index of an
 * embedding model some swap evicts, or -1. */
static int place_models(struct plan *p)
{
	int order[PLAN_TASK_COUNT], resident_idx[PLAN_TASK_COUNT], n = 0, evicted_embedding = -1;
	struct runner runners[PLAN_TASK_COUNT];
	int64_t used = 0;

	for (int i = 0; i < p->model_count; i++)
		order[i] = i;
	qsort_r(order, (size_t)p->model_count, sizeof(*order), load_order, p->models);
	for (int k = 0; k < p->model_count; k++) {
		struct plan_model *pm = &p->models[order[k]];

		pm->resident = false;
		pm->evict_count = 0;
		if (pm->on_cpu_instance) {
			pm->resident = true;
			continue;
		}
		if (!ollama_fits_beside(pm->bytes, p->budget_bytes - used, n > 0, p->on_gpus))
			continue;
		pm->resident = true;
		used += pm->bytes;
		runners[n] = (struct runner){ pm->model->id, -1, pm->bytes };
		resident_idx[n++] = order[k];
	}
	p->resident_bytes = used;
	for (int i = 0; i < p->model_count; i++) {
		struct plan_model *pm = &p->models[i];
		int evicted[PLAN_TASK_COUNT], count;

		if (pm->resident)
			continue;
		pm->swap_s = pm->est->load_cold_s;
		pm->swap_s_warm = pm->est->load_warm_s;
		count = ollama_swap_in(runners, n, pm->bytes, p->budget_bytes, p->on_gpus, evicted);
		for (int e = 0; e < count; e++) {
			pm->evicts[pm->evict_count++] = resident_idx[evicted[e]];
			if (is_embedding(p->models[resident_idx[evicted[e]]].model))
				evicted_embedding = resident_idx[evicted[e]];
		}
	}
	p->max_loaded = n > 0 ? n : 1;
	return evicted_embedding;
}

/* An embedding model a GPU swap would evict goes to a second, CPU-only
 * runtime instead, when it fits in RAM there: it then stays loaded beside
 * everything. Its estimate becomes the CPU one. */
static bool move_to_cpu(struct builder *b, struct plan *p, int mi)
{
	struct plan_model *pm = &p->models[mi];
	int ci = (int)(pm->model - b->cat->models);
	struct estimate cpu;
	struct error ignored;
	const struct size_model *s = size_of(b, ci, &ignored);

	if (!s || !b->on_gpus)
		return false;
	estimate_at(b, &b->cpu_hw, pm->model, s, 1, &cpu);
	if (cpu.now.placement != PLACE_CPU || cpu.total_bytes > b->cpu_budget)
		return false;
	for (int i = 0; i < p->pick_count; i++)
		if (p->picks[i].pick.model == pm->model) {
			p->picks[i].pick.est = cpu;
			p->picks[i].pick.per_user_tok_s = batch_per_user_tok_s(&cpu, 1);
			pm->est = &p->picks[i].pick.est;
		}
	pm->on_cpu_instance = true;
	pm->bytes = cpu.total_bytes;
	p->cpu_instance = true;
	return true;
}

/* Per model: users decoding at once, their aggregate rate, and the user
 * count at which each one's rate falls under the floor or the KV cache for
 * them no longer fits (the model alone in the budget). */
static void concurrency(const struct builder *b, struct plan *p, struct plan_model *pm,
			enum plan_task t)
{
	int64_t kv_per_user = pm->est->kv_bytes / pm->parallel;
	int64_t fixed = pm->bytes - pm->est->kv_bytes;
	int64_t budget = pm->on_cpu_instance ? b->cpu_budget : p->budget_bytes;
	int users = decoding(p->users, pm->parallel);
	double rate = batch_per_user_tok_s(pm->est, users);

	pm->aggregate_tok_s = rate > 0 ? rate * users : -1;
	if (is_embedding(pm->model))
		return;
	pm->max_users = 0;
	for (int n = 1; n <= 4096; n++) {
		double per_user = batch_per_user_tok_s(pm->est, n);

		if (per_user < 0) {
			pm->max_users = -1;
			return;
		}
		if (per_user < task_info[t].floor_tok_s || fixed + kv_per_user * n > budget)
			return;
		pm->max_users = n;
	}
}

static void write_reason(const struct plan *p, struct plan_pick *pk, const struct plan_choice *missed,
			 const struct benchmark *bench)
{
	const struct plan_choice *c = &pk->pick;
	char why[160] = "", ahead[160] = "";
	int users = decoding(p->users, p->parallel);

	if (c->basis == BASIS_SCORE)
		snprintf(why, sizeof(why), "highest published %s (%.1f) among models that run here",
			 bench ? bench->name : "score", c->score->value);
	else
		snprintf(why, sizeof(why), "no published %s score runs here: rule (%s family first, "
			 "then size)", bench ? bench->name : "task", plan_task_name(pk->task));
	if (missed->model && missed->est.now.placement != PLACE_NONE &&
	    placed_whole(&missed->est, p->on_gpus) && missed->est.total_bytes <= p->budget_bytes)
		snprintf(ahead, sizeof(ahead), "; %s ranks higher but runs %.1f tok/s per user",
			 missed->model->id, missed->per_user_tok_s);
	else if (missed->model)
		snprintf(ahead, sizeof(ahead), "; %s ranks higher but does not fit %s", missed->model->id,
			 p->on_gpus ? "on the GPUs" : "in RAM");
	if (pk->task == PLAN_EMBEDDING)
		snprintf(pk->reason, sizeof(pk->reason), "%s%s", why, ahead);
	else
		snprintf(pk->reason, sizeof(pk->reason), "%s at >= %.0f tok/s for each of %d user%s%s",
			 why, task_info[pk->task].floor_tok_s, users, users == 1 ? "" : "s", ahead);
}

/* ---- the whole plan ---- */

static bool allowed(const struct plan_request *req, const struct model *m)
{
	for (int i = 0; i < req->only_count; i++)
		if (req->only[i] == m)
			return true;
	return req->only_count == 0;
}

static int rank_candidates(struct builder *b)
{
	for (int t = 0; t < PLAN_TASK_COUNT; t++) {
		const struct benchmark *bench = scores_benchmark_for(b->scores, task_info[t].name);
		int n = 0;

		b->ranked[t] = calloc((size_t)b->cat->count + 1, sizeof(**b->ranked));
		if (!b->ranked[t])
			return -1;
		for (int i = 0; i < b->cat->count; i++) {
			const struct model *m = &b->cat->models[i];

			if (!(m->tasks & task_info[t].catalog_task) || !allowed(b->req, m))
				continue;
			b->ranked[t][n++] = (struct ranked){ m, i, bench ? scores_find(b->scores, m, bench) : NULL,
							     specialised((enum plan_task)t, m) };
		}
		qsort(b->ranked[t], (size_t)n, sizeof(**b->ranked), by_capability);
		b->ranked_count[t] = n;
	}
	return 0;
}

static void builder_release(struct builder *b)
{
	for (int i = 0; b->sizes && i < b->cat->count; i++)
		size_model_release(&b->sizes[i]);
	free(b->sizes);
	free(b->size_failed);
	for (int t = 0; t < PLAN_TASK_COUNT; t++)
		free(b->ranked[t]);
}

static int builder_init(struct builder *b, const struct hardware *hw, const struct catalog *cat,
			const struct score_table *scores, const struct plan_request *req,
			const struct estimate_settings *set, struct error *err)
{
	bool cpu_on_gpus;

	memset(b, 0, sizeof(*b));
	b->hw = hw;
	b->cpu_hw = *hw;
	b->cpu_hw.gpu_count = 0;
	b->cat = cat;
	b->scores = scores;
	b->req = req;
	b->set = *set;
	if (req->quant) {
		if (ftype_by_name(req->quant, &b->quant) < 0)
			return error_set(err, "--quant: unknown type '%s'", req->quant);
		b->have_quant = true;
	}
	b->budget = estimate_memory_budget(hw, &b->on_gpus);
	if (set->cluster && set->cluster->node_count > 1)
		b->budget = estimate_cluster_budget(set->cluster);
	b->cpu_budget = estimate_memory_budget(&b->cpu_hw, &cpu_on_gpus);
	b->sizes = calloc((size_t)cat->count + 1, sizeof(*b->sizes));
	b->size_failed = calloc((size_t)cat->count + 1, sizeof(*b->size_failed));
	if (!b->sizes || !b->size_failed || rank_candidates(b) < 0)
		return error_set(err, "out of memory");
	return 0;
}

static void finish(struct builder *b, struct plan *p)
{
	int evicted;

	p->model_count = 0;
	for (int i = 0; i < p->pick_count; i++)
		p->picks[i].model_index = add_model(p, &p->picks[i].pick);
	while ((evicted = place_models(p)) >= 0 && move_to_cpu(b, p, evicted))
		;
	for (int i = 0; i < p->pick_count; i++) {
		struct plan_model *pm = &p->models[p->picks[i].model_index];

		if (pm->max_users < 0 && pm->aggregate_tok_s < 0)
			concurrency(b, p, pm, p->picks[i].task);
	}
}

int plan_build(const struct hardware *hw, const struct catalog *cat,
	       const struct score_table *scores, const struct plan_request *req_in,
	       const struct estimate_settings *set, struct plan *out, struct error *err)
{
	struct plan_request req = *req_in;
	struct estimate_settings served = *set;
	struct builder b;
	struct plan *scratch = calloc(1, sizeof(*scratch));
	const char *why;
	int rc;

	if (served.ctx == ESTIMATE_CTX_RUNTIME)
		served.ctx = PLAN_DEFAULT_CTX;
	set = &served;
	if (req.tasks == 0)
		req.tasks = PLAN_DEFAULT_TASKS;
	if (req.users < 1)
		req.users = 1;
	memset(out, 0, sizeof(*out));
	rc = scratch ? builder_init(&b, hw, cat, scores, &req, set, err) :
		       error_set(err, "out of memory");
	if (rc == 0) {
		out->users = req.users;
		out->ctx = set->ctx;
		out->kv = set->kv;
		out->ollama_default_ctx = estimate_runtime_context(hw, RUNTIME_OLLAMA, &why);
		out->on_gpus = b.on_gpus;
		out->budget_bytes = b.budget;
		out->cpu_budget_bytes = b.cpu_budget;
		rc = choose_parallel(&b, out, scratch, err);
	}
	if (rc == 0) {
		out->decoding = decoding(out->users, out->parallel);
		finish(&b, out);
		for (int i = 0; i < out->pick_count; i++) {
			struct plan_choice missed;
			struct plan_pick again;

			/* the first better-ranked model that did not serve, for the reason */
			choose(&b, out->picks[i].task, out->parallel, &again, &missed, err);
			out->picks[i].benchmark = scores_benchmark_for(scores,
								       plan_task_name(out->picks[i].task));
			write_reason(out, &out->picks[i], &missed, out->picks[i].benchmark);
		}
	}
	if (scratch)
		builder_release(&b);
	free(scratch);
	return rc;
}

bool plan_has_model(const struct plan *p, const struct model *m)
{
	for (int i = 0; i < p->pick_count; i++)
		if (p->picks[i].pick.model == m)
			return true;
	return false;
}
