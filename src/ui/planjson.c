#include "ui/planjson.h"

#include "model/quant.h"
#include "ui/estjson.h"
#include "ui/plantext.h"
#include "util/jsonfile.h"

static cJSON *choice_json(const struct plan_choice *c)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "model", c->model->id);
	cJSON_AddStringToObject(o, "quant", ftype_name(c->est.ftype));
	json_add_known(o, "decode_tok_s", c->est.now.decode_tok_s);
	json_add_known(o, "per_user_tok_s", c->per_user_tok_s);
	cJSON_AddStringToObject(o, "basis", c->basis == BASIS_SCORE ? "score" : "rule");
	return o;
}

static cJSON *pick_json(const struct plan *p, const struct plan_pick *pk)
{
	const struct benchmark *b = pk->benchmark;
	const struct plan_model *pm = &p->models[pk->model_index];
	const struct estimate *e = &pk->pick.est;
	cJSON *o = choice_json(&pk->pick), *ev;

	cJSON_AddStringToObject(o, "task", plan_task_name(pk->task));
	json_add_known(o, "prompt_tok_s", e->now.prefill_tok_s);
	cJSON_AddBoolToObject(o, "resident", pm->resident);
	cJSON_AddStringToObject(o, "instance", pm->on_cpu_instance ? "cpu" : "main");
	json_add_known(o, "swap_s", pm->swap_s);
	json_add_known(o, "swap_s_warm", pm->swap_s_warm);
	ev = cJSON_AddArrayToObject(o, "evicts");
	for (int i = 0; i < pm->evict_count; i++)
		cJSON_AddItemToArray(ev, cJSON_CreateString(p->models[pm->evicts[i]].model->id));
	cJSON_AddNumberToObject(o, "memory_bytes", (double)pm->bytes);
	cJSON_AddNumberToObject(o, "server_ctx", (double)p->ctx * pm->parallel);
	cJSON_AddNumberToObject(o, "parallel", pm->parallel);
	json_add_known(o, "aggregate_tok_s", pm->aggregate_tok_s);
	json_add_known(o, "max_users", pm->max_users);
	if (b)
		cJSON_AddStringToObject(o, "benchmark", b->name);
	else
		cJSON_AddNullToObject(o, "benchmark");
	if (pk->pick.score) {
		cJSON_AddNumberToObject(o, "score", pk->pick.score->value);
		cJSON_AddStringToObject(o, "score_source", pk->pick.score->source);
	} else {
		cJSON_AddNullToObject(o, "score");
		cJSON_AddNullToObject(o, "score_source");
	}
	cJSON_AddStringToObject(o, "reason", pk->reason);
	if (pk->runner_up.model)
		cJSON_AddItemToObject(o, "runner_up", choice_json(&pk->runner_up));
	else
		cJSON_AddNullToObject(o, "runner_up");
	return o;
}

void plan_add_json(cJSON *doc, const struct plan *p, const struct hardware *hw,
		   const struct estimate_settings *set)
{
	cJSON *o = cJSON_AddObjectToObject(doc, "plan"), *picks, *unserved, *settings;
	cJSON *estimates = cJSON_GetObjectItem(doc, "estimates");
	const char *names[8];
	char vals[8][PLAN_SETTING_VAL_MAX];
	int n = plan_settings(p, names, vals, 8);

	cJSON_AddNumberToObject(o, "users", p->users);
	cJSON_AddNumberToObject(o, "ctx", p->ctx);
	cJSON_AddNumberToObject(o, "parallel", p->parallel);
	cJSON_AddNumberToObject(o, "decoding", p->decoding);
	cJSON_AddNumberToObject(o, "ollama_default_ctx", p->ollama_default_ctx);
	cJSON_AddStringToObject(o, "budget_memory", p->on_gpus ? "vram" : "ram");
	json_add_known(o, "budget_bytes", (double)p->budget_bytes);
	cJSON_AddNumberToObject(o, "resident_bytes", (double)p->resident_bytes);
	picks = cJSON_AddArrayToObject(o, "picks");
	for (int i = 0; i < p->pick_count; i++)
		cJSON_AddItemToArray(picks, pick_json(p, &p->picks[i]));
	unserved = cJSON_AddArrayToObject(o, "unserved");
	for (int i = 0; i < p->unserved_count; i++)
		cJSON_AddItemToArray(unserved, cJSON_CreateString(plan_task_name(p->unserved[i])));
	settings = cJSON_AddObjectToObject(o, "settings");
	for (int i = 0; i < n; i++)
		cJSON_AddStringToObject(settings, names[i], vals[i]);
	for (int i = 0; i < p->model_count; i++) {
		struct estimate_settings at = *set;

		at.ctx = p->ctx * p->models[i].parallel;
		cJSON_AddItemToArray(estimates, estimate_to_json(p->models[i].est, hw, &at));
	}
}
