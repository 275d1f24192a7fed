#include "ui/plantext.h"

#include <string.h>

#include "model/quant.h"
#include "ui/figures.h"
#include "util/units.h"

int plan_settings(const struct plan *p, const char **names, char (*vals)[PLAN_SETTING_VAL_MAX],
		  int max)
{
	static const char *const keys[] = {
		"OLLAMA_MAX_LOADED_MODELS", "OLLAMA_NUM_PARALLEL", "OLLAMA_KEEP_ALIVE",
		"OLLAMA_CONTEXT_LENGTH", "OLLAMA_KV_CACHE_TYPE", "OLLAMA_FLASH_ATTENTION",
	};
	int n = (int)(sizeof(keys) / sizeof(keys[0]));

	if (n > max)
		n = max;
	for (int i = 0; i < n; i++)
		names[i] = keys[i];
	if (n < 6)
		return n;
	snprintf(vals[0], PLAN_SETTING_VAL_MAX, "%d", p->max_loaded);
	snprintf(vals[1], PLAN_SETTING_VAL_MAX, "%d", p->parallel);
	/* residents never time out; swaps evict them in Ollama's order */
	snprintf(vals[2], PLAN_SETTING_VAL_MAX, "-1");
	snprintf(vals[3], PLAN_SETTING_VAL_MAX, "%d", p->ctx);
	snprintf(vals[4], PLAN_SETTING_VAL_MAX, "%s", kv_type_name(p->kv));
	/* a quantized KV cache needs flash attention in Ollama */
	snprintf(vals[5], PLAN_SETTING_VAL_MAX, "1");
	return n;
}

const char *plan_where_text(const struct plan_model *pm, char *buf, size_t size)
{
	char cold[16], warm[16];

	if (pm->on_cpu_instance)
		snprintf(buf, size, "resident (CPU instance)");
	else if (pm->resident)
		snprintf(buf, size, "resident");
	else
		snprintf(buf, size, "swap %s (%s warm)", cell_seconds(pm->swap_s, cold, sizeof(cold)),
			 cell_seconds(pm->swap_s_warm, warm, sizeof(warm)));
	return buf;
}

static void write_header(FILE *out, const struct plan *p, const struct hardware *hw)
{
	char line[1024], budget[32], resident[32];

	fprintf(out, "%s\n", cell_hw_summary(hw, line, sizeof(line)));
	fprintf(out, "Plan for %d user%s, context %d tokens", p->users, p->users == 1 ? "" : "s", p->ctx);
	if (p->ollama_default_ctx != p->ctx)
		fprintf(out, " (Ollama alone would use %d here)", p->ollama_default_ctx);
	fprintf(out, ", KV cache %s.\n", kv_type_name(p->kv));
	fprintf(out, "%s for the models: %s; resident together: %s.\n",
		p->on_gpus ? "VRAM" : "RAM", format_bytes(budget, sizeof(budget), p->budget_bytes),
		format_bytes(resident, sizeof(resident), p->resident_bytes));
	fprintf(out, "%d request%s decode at once per model (OLLAMA_NUM_PARALLEL=%d)", p->decoding,
		p->decoding == 1 ? "" : "s", p->parallel);
	if (p->users - p->decoding == 1)
		fprintf(out, "; the other user's requests queue");
	else if (p->users > p->decoding)
		fprintf(out, "; the other %d users' requests queue", p->users - p->decoding);
	fprintf(out, ".\n\n");
}

static void write_picks(FILE *out, const struct plan *p)
{
	fprintf(out, "%-10s %-24s %-7s %7s %8s %9s  %s\n", "TASK", "MODEL", "QUANT", "TOK/S",
		"PER USER", "MEMORY", "WHERE");
	for (int i = 0; i < p->pick_count; i++) {
		const struct plan_pick *pk = &p->picks[i];
		const struct plan_model *pm = &p->models[pk->model_index];
		const struct estimate *e = &pk->pick.est;
		char tok[16], user[16], mem[32], where[64];
		bool embed = pk->task == PLAN_EMBEDDING;

		/* embedding models: prompt tokens/s is their throughput */
		fprintf(out, "%-10s %-24s %-7s %7s %8s %9s  %s\n", plan_task_name(pk->task),
			pk->pick.model->id, ftype_name(e->ftype),
			cell_tok_s(embed ? e->now.prefill_tok_s : e->now.decode_tok_s, tok, sizeof(tok)),
			embed ? "-" : cell_tok_s(pk->pick.per_user_tok_s, user, sizeof(user)),
			format_bytes(mem, sizeof(mem), pm->bytes), plan_where_text(pm, where, sizeof(where)));
	}
	if (p->pick_count == 0)
		fprintf(out, "(no task has a model that runs at reading speed here)\n");
}

static void write_reasons(FILE *out, const struct plan *p)
{
	fprintf(out, "\nWhy (basis \"score\": published benchmark; \"rule\": none published):\n");
	for (int i = 0; i < p->pick_count; i++) {
		const struct plan_pick *pk = &p->picks[i];
		const struct plan_choice *r = &pk->runner_up;
		char tok[16];

		fprintf(out, "  %s: %s [%s]: %s.", plan_task_name(pk->task), pk->pick.model->id,
			pk->pick.basis == BASIS_SCORE ? "score" : "rule", pk->reason);
		if (pk->pick.score)
			fprintf(out, " Source: %s.", pk->pick.score->source);
		if (r->model && pk->task == PLAN_EMBEDDING)
			fprintf(out, " Runner-up: %s %s (%s prompt tok/s).\n", r->model->id,
				ftype_name(r->est.ftype), cell_tok_s(r->est.now.prefill_tok_s, tok, sizeof(tok)));
		else if (r->model)
			fprintf(out, " Runner-up: %s %s (%s tok/s per user).\n", r->model->id,
				ftype_name(r->est.ftype), cell_tok_s(r->per_user_tok_s, tok, sizeof(tok)));
		else
			fprintf(out, " No runner-up runs here.\n");
	}
}

static void write_residency(FILE *out, const struct plan *p)
{
	fprintf(out, "\nResidency (Ollama server/sched.go: a model loads beside others only within "
		"80%% of free VRAM; evictions shortest keep_alive first, then by name):\n");
	for (int i = 0; i < p->model_count; i++) {
		const struct plan_model *pm = &p->models[i];
		char where[64];

		fprintf(out, "  %s: %s", pm->model->id, plan_where_text(pm, where, sizeof(where)));
		if (pm->on_cpu_instance)
			fprintf(out, "; on a second, CPU-only instance so that GPU swaps never evict it");
		if (!pm->resident) {
			fprintf(out, "; cannot stay loaded beside the others");
			for (int e = 0; e < pm->evict_count; e++)
				fprintf(out, "%s%s", e ? ", " : "; loading it evicts ",
					p->models[pm->evicts[e]].model->id);
		}
		fprintf(out, ".\n");
	}
}

static void write_concurrency(FILE *out, const struct plan *p)
{
	fprintf(out, "\nConcurrency (batched decode: t(B) = max(t1 + (B-1) x KV bytes one token reads "
		"/ read rate, B / prompt tok/s); per user 1/t(B), together B/t(B)):\n");
	for (int i = 0; i < p->model_count; i++) {
		const struct plan_model *pm = &p->models[i];
		char per[16], agg[16];
		int users = p->users < pm->parallel ? p->users : pm->parallel;

		if (pm->model->tasks & TASK_EMBEDDING)
			continue;
		fprintf(out, "  %s: %d decoding at once, %s tok/s together (%s each)", pm->model->id, users,
			cell_tok_s(pm->aggregate_tok_s, agg, sizeof(agg)),
			cell_tok_s(pm->aggregate_tok_s > 0 ? pm->aggregate_tok_s / users : -1, per, sizeof(per)));
		if (pm->max_users > 0)
			fprintf(out, "; holds its floor up to %d users decoding at once", pm->max_users);
		fprintf(out, ".\n");
	}
}

static void write_unserved(FILE *out, const struct plan *p)
{
	if (p->unserved_count == 0) {
		fprintf(out, "\nEvery task asked for has a model at its speed floor here.\n");
		return;
	}
	fprintf(out, "\nNothing runs at reading speed here for:");
	for (int i = 0; i < p->unserved_count; i++)
		fprintf(out, "%s %s", i ? "," : "", plan_task_name(p->unserved[i]));
	fprintf(out, " (no candidate fits whole %s at >= its floor per user).\n",
		p->on_gpus ? "on the GPUs" : "in RAM");
}

static void write_router(FILE *out, const struct plan *p)
{
	fprintf(out, "# llama-server router equivalent (llama.cpp router mode; it evicts by count, "
		"least recently used):\n#   llama-server --models-preset canirun.ini --models-max %d\n"
		"#   canirun.ini, a section per model (model = the GGUF file), alone as\n"
		"#   llama-server -m FILE -c CTX -np PARALLEL -ngl LAYERS:\n", p->max_loaded);
	for (int i = 0; i < p->model_count; i++) {
		const struct plan_model *pm = &p->models[i];
		int ngl = pm->on_cpu_instance || !p->on_gpus ? 0 : 999;
		long long ctx = (long long)p->ctx * pm->parallel;

		fprintf(out, "#     [%s]   (-c %lld -np %d -ngl %d)\n#     c = %lld\n#     parallel = %d\n"
			"#     n-gpu-layers = %d\n", pm->model->id, ctx, pm->parallel, ngl, ctx,
			pm->parallel, ngl);
	}
}

void plan_write_settings(FILE *out, const struct plan *p)
{
	const char *names[8];
	char vals[8][PLAN_SETTING_VAL_MAX];
	int n = plan_settings(p, names, vals, 8);

	fprintf(out, "# Ollama (envconfig/config.go names; server/sched.go behaviour)\n");
	for (int i = 0; i < n; i++)
		fprintf(out, "export %s=%s\n", names[i], vals[i]);
	for (int i = 0; i < p->model_count; i++)
		if (!p->models[i].on_cpu_instance)
			fprintf(out, "ollama pull %s\n", p->models[i].model->id);
	if (p->cpu_instance) {
		fprintf(out, "# second instance, CPU only, for what must never be evicted:\n"
			"#   OLLAMA_HOST=127.0.0.1:11435 CUDA_VISIBLE_DEVICES=-1 ollama serve\n");
		for (int i = 0; i < p->model_count; i++)
			if (p->models[i].on_cpu_instance)
				fprintf(out, "#   OLLAMA_HOST=127.0.0.1:11435 ollama pull %s\n",
					p->models[i].model->id);
	}
	write_router(out, p);
}

void plan_write(FILE *out, const struct plan *p, const struct hardware *hw)
{
	write_header(out, p, hw);
	write_picks(out, p);
	write_unserved(out, p);
	write_reasons(out, p);
	write_residency(out, p);
	write_concurrency(out, p);
	fprintf(out, "\nSettings (POSIX sh):\n");
	plan_write_settings(out, p);
}
