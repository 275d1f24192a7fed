#include "ui/needjson.h"

#include "model/quant.h"
#include "ui/needtext.h"
#include "util/jsonfile.h"

/* What every configuration object has: the hardware, its price, how to
 * ask report for it. */
static void add_config(cJSON *o, const struct need_config *c, int64_t ram_bytes,
		       const struct hardware *base)
{
	char args[384];

	json_add_string_or_null(o, "gpu", c->gpu ? c->gpu->name : NULL);
	cJSON_AddNumberToObject(o, "gpu_count", c->gpu_count);
	cJSON_AddStringToObject(o, "kind", c->kind == NEED_DISCRETE ? "discrete" :
					   c->kind == NEED_UNIFIED ? "unified" : "cpu-only");
	json_add_known(o, "ram_bytes", (double)ram_bytes);
	json_add_string_or_null(o, "cpu", c->cpu ? c->cpu->name : base->cpu.model[0] ? base->cpu.model : NULL);
	json_add_known(o, "price", c->price_usd);
	json_add_string_or_null(o, "price_date", c->price ? c->price->date : NULL);
	json_add_string_or_null(o, "price_source", c->price ? c->price->source : NULL);
	need_config_args(c, ram_bytes, args, sizeof(args));
	cJSON_AddStringToObject(o, "report_args", args);
}

static cJSON *row_json(const struct need_request *req, const struct need_result *r,
		       const struct need_row *row)
{
	cJSON *o = cJSON_CreateObject();
	const struct fit *f = &row->est.now;

	add_config(o, &r->configs[row->config], row->ram_bytes, req->base);
	cJSON_AddStringToObject(o, "model", req->models[row->model].model->id);
	cJSON_AddStringToObject(o, "quant", ftype_name(row->est.ftype));
	cJSON_AddStringToObject(o, "best_quant", ftype_name(row->best_ftype));
	cJSON_AddStringToObject(o, "placement", placement_name(f->placement));
	cJSON_AddNumberToObject(o, "gpu_layers", f->gpu_layers);
	json_add_known(o, "decode_tok_s", f->decode_tok_s);
	json_add_known(o, "decode_tok_s_low", f->decode_low_tok_s);
	json_add_known(o, "per_user_tok_s", row->per_user_tok_s);
	cJSON_AddNumberToObject(o, "ctx", row->ctx);
	cJSON_AddNumberToObject(o, "max_ctx", row->max_ctx);
	cJSON_AddNumberToObject(o, "memory_left_bytes", (double)row->memory_left_bytes);
	cJSON_AddNumberToObject(o, "total_bytes", (double)row->est.total_bytes);
	cJSON_AddBoolToObject(o, "below_floor", row->below_floor);
	if (row->below_floor) {
		cJSON *fl = cJSON_AddObjectToObject(o, "floor");

		cJSON_AddStringToObject(fl, "quant", ftype_name(row->floor_ftype));
		cJSON_AddStringToObject(fl, "placement", placement_name(row->floor_placement));
		cJSON_AddNumberToObject(fl, "gpu_layers", row->floor_gpu_layers);
		json_add_known(fl, "per_user_tok_s", row->floor_tok_s);
	} else {
		cJSON_AddNullToObject(o, "floor");
	}
	return o;
}

void need_add_json(cJSON *doc, const struct need_request *req, const struct need_result *r)
{
	cJSON *list = cJSON_AddArrayToObject(doc, "need");
	cJSON *about = cJSON_AddObjectToObject(doc, "need_search");
	char share[256];

	for (int i = 0; i < r->row_count; i++)
		cJSON_AddItemToArray(list, row_json(req, r, &r->rows[i]));
	cJSON_AddNumberToObject(about, "min_tok_s", r->min_tok_s);
	cJSON_AddNumberToObject(about, "users", r->users);
	json_add_known(about, "ctx", r->ctx > 0 ? r->ctx : -1);
	cJSON_AddNumberToObject(about, "configurations", r->config_count);
	cJSON_AddStringToObject(about, "cpu_share", need_cpu_share_text(req->base, share, sizeof(share)));
}

static cJSON *picks_json(const struct plan *p)
{
	cJSON *picks = cJSON_CreateArray();

	for (int i = 0; i < p->pick_count; i++) {
		const struct plan_pick *pk = &p->picks[i];
		cJSON *po = cJSON_CreateObject();

		cJSON_AddStringToObject(po, "task", plan_task_name(pk->task));
		cJSON_AddStringToObject(po, "model", pk->pick.model->id);
		cJSON_AddStringToObject(po, "quant", ftype_name(pk->pick.est.ftype));
		json_add_known(po, "per_user_tok_s", pk->pick.per_user_tok_s);
		cJSON_AddBoolToObject(po, "resident", p->models[pk->model_index].resident);
		cJSON_AddItemToArray(picks, po);
	}
	return picks;
}

static cJSON *answer_json(const struct need_stack_request *req, const struct need_stack *s,
			  const struct need_stack_answer *a, const struct plan *p,
			  const char *condition, bool priced)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "condition", condition);
	cJSON_AddBoolToObject(o, "priced", priced);
	add_config(o, &s->configs[a->config], a->ram_bytes, req->base.base);
	json_add_known(o, "budget_bytes", (double)p->budget_bytes);
	cJSON_AddNumberToObject(o, "resident_bytes", (double)p->resident_bytes);
	cJSON_AddItemToObject(o, "picks", picks_json(p));
	return o;
}

void need_stack_add_json(cJSON *doc, const struct need_stack_request *req,
			 const struct need_stack *s, const struct plan *plans[2][2])
{
	cJSON *o = cJSON_AddObjectToObject(doc, "need_plan");
	cJSON *list;

	cJSON_AddItemToObject(o, "stack", picks_json(s->reference));
	cJSON_AddNumberToObject(o, "configurations_planned", s->tried);
	list = cJSON_AddArrayToObject(o, "answers");
	for (int g = 0; g < 2; g++) {
		if (s->resident[g].found && plans[g][0])
			cJSON_AddItemToArray(list, answer_json(req, s, &s->resident[g], plans[g][0],
							       "resident", g == 0));
		if (s->swaps[g].found && plans[g][1])
			cJSON_AddItemToArray(list, answer_json(req, s, &s->swaps[g], plans[g][1],
							       "swaps", g == 0));
	}
}
