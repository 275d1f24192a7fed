#include "ui/estjson.h"

#include "model/catalog.h"
#include "model/quant.h"
#include "ui/figures.h"
#include "ui/rpcview.h"
#include "util/jsonfile.h"

/* A number, or null when the estimator left it unknown (< 0). */
static cJSON *memory_json(const struct estimate *e)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddNumberToObject(m, "weights_bytes", (double)e->weights_bytes);
	cJSON_AddNumberToObject(m, "kv_bytes", (double)e->kv_bytes);
	cJSON_AddNumberToObject(m, "compute_bytes", (double)e->compute_bytes);
	cJSON_AddNumberToObject(m, "process_bytes", (double)e->overhead_bytes);
	/* SPEC "overhead": everything that is neither weights nor KV. */
	cJSON_AddNumberToObject(m, "overhead_bytes", (double)(e->compute_bytes + e->overhead_bytes));
	cJSON_AddNumberToObject(m, "total_bytes", (double)e->total_bytes);
	return m;
}

static cJSON *device_json(const struct device_load *d)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "first_layer", d->first_layer);
	cJSON_AddNumberToObject(o, "layers", d->layers);
	cJSON_AddNumberToObject(o, "expert_layers", d->expert_layers);
	cJSON_AddNumberToObject(o, "weights_bytes", (double)d->weights_bytes);
	cJSON_AddNumberToObject(o, "kv_bytes", (double)d->kv_bytes);
	cJSON_AddNumberToObject(o, "compute_bytes", (double)d->compute_bytes);
	cJSON_AddNumberToObject(o, "reserve_bytes", (double)d->reserve_bytes);
	json_add_known(o, "budget_bytes", (double)d->budget_bytes);
	return o;
}

/* The GPUs that hold part of the model, by hardware index. */
static cJSON *devices_json(const struct fit *f, const struct hardware *hw)
{
	cJSON *arr = cJSON_CreateArray();

	for (int g = 0; g < hw->gpu_count; g++) {
		const struct device_load *d = &f->gpu[g];
		cJSON *o;

		if (d->layers == 0 && d->expert_layers == 0 && d->weights_bytes == 0)
			continue;
		o = device_json(d);
		cJSON_AddNumberToObject(o, "index", g);
		cJSON_AddStringToObject(o, "name", hw->gpus[g].name);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *formula_json(const struct decode_terms *t, const struct hardware *hw)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "gpu_bytes_per_token", t->gpu_bytes_per_token);
	cJSON_AddNumberToObject(o, "cpu_bytes_per_token", t->cpu_bytes_per_token);
	cJSON_AddNumberToObject(o, "gpu_seconds_per_token", t->gpu_seconds_per_token);
	cJSON_AddNumberToObject(o, "cpu_seconds_per_token", t->cpu_seconds_per_token);
	json_add_known(o, "gpu_bandwidth_gbps", t->gpu_bandwidth_gbps);
	cJSON_AddNumberToObject(o, "gpu_efficiency", t->gpu_efficiency);
	json_add_string_or_null(o, "backend", t->gpu_backend);
	json_add_known(o, "cpu_gbps", t->cpu_gbps);
	cJSON_AddNumberToObject(o, "cpu_sync_share", t->cpu_sync_share);
	cJSON_AddNumberToObject(o, "cpu_attention_flops_per_token", t->cpu_attention_flops_per_token);
	json_add_known(o, "cpu_attention_gflops", t->cpu_attention_gflops > 0 ? t->cpu_attention_gflops : -1);
	/* Which CPU the rate describes and how it was had: "bench", "cached",
	 * "profile", or "what-if" (--cpu/--ram-gbps, src/hw/cpudescribed.c). */
	json_add_string_or_null(o, "cpu_source", hw->cpu.q4_source == SRC_UNKNOWN ? NULL :
			   fact_source_name(hw->cpu.q4_source));
	json_add_string_or_null(o, "cpu_model", hw->cpu.model[0] ? hw->cpu.model : NULL);
	cJSON_AddNumberToObject(o, "overhead_seconds", t->overhead_seconds);
	cJSON_AddNumberToObject(o, "band", t->band);
	return o;
}

static cJSON *load_json(const struct estimate *e, const struct hardware *hw)
{
	cJSON *o = cJSON_CreateObject();

	json_add_known(o, "disk_gbps", e->disk_gbps);
	json_add_string_or_null(o, "disk_source", fact_source_name(e->disk_source));
	cJSON_AddStringToObject(o, "disk_kind", disk_kind_name(hw->disk.kind));
	json_add_known(o, "pcie_gbps", e->pcie_gbps);
	return o;
}

static cJSON *idle_json(const struct fit *f)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "placement", placement_name(f->placement));
	cJSON_AddStringToObject(o, "offload", offload_name(f->offload));
	cJSON_AddNumberToObject(o, "gpu_layers", f->gpu_layers);
	json_add_known(o, "decode_tok_s", f->decode_tok_s);
	cJSON_AddStringToObject(o, "verdict", verdict_name(f->verdict));
	return o;
}

static cJSON *tasks_json(unsigned tasks)
{
	cJSON *arr = cJSON_CreateArray();

	for (unsigned bit = 1; bit != 0; bit <<= 1)
		if ((tasks & bit) && model_task_name(bit))
			cJSON_AddItemToArray(arr, cJSON_CreateString(model_task_name(bit)));
	return arr;
}

/* The SPEC.md fields, in its order. */
static void add_spec_fields(cJSON *o, const struct estimate *e)
{
	const struct model *m = e->model;
	const struct fit *f = &e->now;

	cJSON_AddStringToObject(o, "model", m->id);
	cJSON_AddStringToObject(o, "name", m->name);
	if (e->file_path)
		cJSON_AddStringToObject(o, "file", e->file_path);
	else
		cJSON_AddNullToObject(o, "file");
	cJSON_AddStringToObject(o, "quant", ftype_name(e->ftype));
	cJSON_AddNumberToObject(o, "params", (double)m->params);
	cJSON_AddNumberToObject(o, "active_params",
				(double)(m->active_params > 0 ? m->active_params : m->params));
	cJSON_AddNumberToObject(o, "layers", m->layers);
	cJSON_AddNumberToObject(o, "file_bytes", (double)e->file_bytes);
	cJSON_AddItemToObject(o, "memory", memory_json(e));
	cJSON_AddStringToObject(o, "placement", placement_name(f->placement));
	cJSON_AddNumberToObject(o, "gpu_layers", f->gpu_layers);
	json_add_known(o, "decode_tok_s", f->decode_tok_s);
	json_add_known(o, "decode_tok_s_low", f->decode_low_tok_s);
	json_add_known(o, "decode_tok_s_high", f->decode_high_tok_s);
	json_add_known(o, "prefill_tok_s", f->prefill_tok_s);
	json_add_known(o, "load_s", e->load_cold_s);
	json_add_known(o, "load_s_warm", e->load_warm_s);
	cJSON_AddStringToObject(o, "verdict", verdict_name(f->verdict));
}

cJSON *estimate_to_json(const struct estimate *e, const struct hardware *hw,
			const struct estimate_settings *set)
{
	cJSON *o = cJSON_CreateObject();
	const struct fit *f = &e->now;
	char command[HW_PATH_MAX + 256];

	add_spec_fields(o, e);
	cJSON_AddStringToObject(o, "source", f->terms.decode_calibration_runs > 0 ? "calibrated" : "estimated");
	cJSON_AddNumberToObject(o, "calibration_runs", f->terms.decode_calibration_runs);
	cJSON_AddNumberToObject(o, "prefill_calibration_runs", f->terms.prefill_calibration_runs);
	cJSON_AddStringToObject(o, "offload", offload_name(f->offload));
	cJSON_AddBoolToObject(o, "quant_lowered_for_memory", e->quant_lowered_for_memory);
	cJSON_AddItemToObject(o, "fits_when_idle", idle_json(&e->idle));
	json_add_known(o, "ttft_s", f->ttft_s);
	cJSON_AddNumberToObject(o, "prompt_tokens", set->prompt_tokens);
	cJSON_AddNumberToObject(o, "ctx", e->ctx);
	cJSON_AddStringToObject(o, "ctx_reason", e->ctx_why ? e->ctx_why : "");
	cJSON_AddStringToObject(o, "runtime", runtime_name(set->runtime));
	cJSON_AddStringToObject(o, "verify_command",
				cell_llama_bench_command(e, set, hw, command, sizeof(command)));
	cJSON_AddBoolToObject(o, "flash_attn", e->flash_attn);
	cJSON_AddStringToObject(o, "flash_attn_reason", e->flash_attn_why ? e->flash_attn_why : "");
	cJSON_AddStringToObject(o, "kv_type", kv_type_name(set->kv));
	cJSON_AddNumberToObject(o, "kv_bytes_per_token", (double)e->kv_bytes_per_token);
	cJSON_AddItemToObject(o, "devices", devices_json(f, hw));
	cJSON_AddItemToObject(o, "cpu", device_json(&f->cpu));
	cJSON_AddItemToObject(o, "formula", formula_json(&f->terms, hw));
	cJSON_AddItemToObject(o, "load", load_json(e, hw));
	cJSON_AddItemToObject(o, "tasks", tasks_json(e->model->tasks));
	rpc_json_add(o, e, set);
	return o;
}
