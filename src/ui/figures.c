#include "ui/figures.h"
#include "ui/rpcview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/numparse.h"

#include "model/quant.h"
#include "util/units.h"

static const struct {
	const char *heading;
	bool right;
} columns[COL_COUNT] = {
	[COL_MODEL] = { "MODEL", false },    [COL_PARAMS] = { "PARAMS", true },
	[COL_QUANT] = { "QUANT", false },    [COL_FILE] = { "FILE", true },
	[COL_MEMORY] = { "MEM GiB", true },  [COL_PLACE] = { "PLACEMENT", false },
	[COL_DECODE] = { "TOK/S", true },    [COL_TTFT] = { "TTFT", true },
	[COL_LOAD] = { "LOAD", true },       [COL_VERDICT] = { "VERDICT", false },
};

const char *cell_heading(enum column c)
{
	return columns[c].heading;
}

bool cell_right_aligned(enum column c)
{
	return columns[c].right;
}

static char *dash(char *buf, size_t size)
{
	snprintf(buf, size, "-");
	return buf;
}

static const char *count_text(int64_t n, char *buf, size_t size)
{
	double v = (double)n;

	if (v >= 0.9995e9)
		snprintf(buf, size, v >= 9.95e9 ? "%.0fB" : "%.1fB", v / 1e9);
	else
		snprintf(buf, size, "%.0fM", v / 1e6);
	return buf;
}

const char *cell_params(const struct model *m, char *buf, size_t size)
{
	char total[16], active[16];

	count_text(m->params, total, sizeof(total));
	if (m->has_moe && m->active_params > 0 && m->active_params < m->params)
		snprintf(buf, size, "%s/%s", total, count_text(m->active_params, active, sizeof(active)));
	else
		snprintf(buf, size, "%s", total);
	return buf;
}

const char *cell_seconds(double s, char *buf, size_t size)
{
	if (s < 0)
		snprintf(buf, size, "?");
	else if (s < 10)
		snprintf(buf, size, "%.1fs", s);
	else if (s < 120)
		snprintf(buf, size, "%.0fs", s);
	else
		snprintf(buf, size, "%.1fm", s / 60);
	return buf;
}

const char *cell_tok_s(double tok_s, char *buf, size_t size)
{
	if (tok_s < 0)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, tok_s < 9.95 ? "%.1f" : "%.0f", tok_s);
	return buf;
}

static int rpc_nodes_holding(const struct rpc_fit *r)
{
	int n = 0;

	for (int k = 0; k < r->cluster->node_count; k++)
		n += r->nodes[k].layers > 0;
	return n;
}

const char *cell_placement(const struct estimate *e, const struct fit *f, char *buf, size_t size)
{
	switch (f->placement) {
	case PLACE_GPU:
		snprintf(buf, size, "GPU");
		break;
	case PLACE_MULTI_GPU:
		snprintf(buf, size, "%dxGPU", f->gpus_used);
		break;
	case PLACE_PARTIAL:
		if (f->offload == OFFLOAD_EXPERTS)
			snprintf(buf, size, "experts->CPU");
		else
			snprintf(buf, size, "partial %d/%d", f->gpu_layers, e->model->layers);
		break;
	case PLACE_CPU:
		snprintf(buf, size, "CPU");
		break;
	case PLACE_RPC:
		snprintf(buf, size, "RPC %d nodes", rpc_nodes_holding(&e->rpc));
		break;
	default:
		snprintf(buf, size, "none");
	}
	return buf;
}

static bool device_used(const struct device_load *d)
{
	return d->layers > 0 || d->expert_layers > 0 || d->weights_bytes > 0;
}

static int64_t device_bytes(const struct device_load *d)
{
	return d->weights_bytes + d->kv_bytes + d->compute_bytes + d->reserve_bytes;
}

static void add_device(const struct device_load *d, int64_t *need, int64_t *avail)
{
	*need += device_bytes(d);
	if (d->budget_bytes < 0 || *avail < 0)
		*avail = -1;
	else
		*avail += d->budget_bytes;
}

void cell_memory(const struct estimate *e, const struct fit *f, int64_t *need_bytes,
		 int64_t *avail_bytes)
{
	bool none = f->placement == PLACE_NONE;

	*need_bytes = *avail_bytes = 0;
	if (e->rpc.used) {      /* every node's devices */
		for (int k = 0; k < e->rpc.cluster->node_count; k++) {
			*need_bytes += e->rpc.nodes[k].memory_bytes;
			*avail_bytes += e->rpc.nodes[k].budget_bytes;
		}
		return;
	}
	for (int g = 0; g < HW_MAX_GPUS; g++)
		if (device_used(&f->gpu[g]) || (none && f->gpu[g].budget_bytes > 0))
			add_device(&f->gpu[g], need_bytes, avail_bytes);
	if (none || f->placement == PLACE_CPU || f->placement == PLACE_PARTIAL)
		add_device(&f->cpu, need_bytes, avail_bytes);
}

static const char *memory_text(const struct estimate *e, const struct fit *f, char *buf,
			       size_t size)
{
	int64_t need, avail;

	cell_memory(e, f, &need, &avail);
	if (avail < 0)
		snprintf(buf, size, "%.1f/?", (double)need / GIB);
	else
		snprintf(buf, size, "%.1f/%.1f", (double)need / GIB, (double)avail / GIB);
	return buf;
}

static const char *decode_text(const struct fit *f, char *buf, size_t size)
{
	char mid[16], low[16], high[16];

	if (f->placement == PLACE_NONE)
		dash(buf, size);
	else if (f->decode_tok_s < 0)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "%s (%s-%s)", cell_tok_s(f->decode_tok_s, mid, sizeof(mid)),
			 cell_tok_s(f->decode_low_tok_s, low, sizeof(low)),
			 cell_tok_s(f->decode_high_tok_s, high, sizeof(high)));
	return buf;
}

const char *cell_text(const struct estimate *e, enum column c, char *buf, size_t size)
{
	const struct fit *f = &e->now;
	bool none = f->placement == PLACE_NONE;

	switch (c) {
	case COL_MODEL: snprintf(buf, size, "%s", e->model->id); return buf;
	case COL_PARAMS: return cell_params(e->model, buf, size);
	case COL_QUANT: /* '*': below the floor because nothing above it fits */
		snprintf(buf, size, "%s%s", ftype_name(e->ftype), e->quant_lowered_for_memory ? "*" : "");
		return buf;
	case COL_FILE: return format_bytes(buf, size, e->file_bytes);
	case COL_MEMORY: return memory_text(e, f, buf, size);
	case COL_PLACE: return cell_placement(e, f, buf, size);
	case COL_DECODE:
		/* an embedding model's throughput is prompt tokens it reads */
		if ((e->model->tasks & TASK_EMBEDDING) && !none && f->prefill_tok_s >= 0) {
			char n[24];

			snprintf(buf, size, "%s prompt", cell_tok_s(f->prefill_tok_s, n, sizeof(n)));
			return buf;
		}
		return decode_text(f, buf, size);
	case COL_TTFT: return none ? dash(buf, size) : cell_seconds(f->ttft_s, buf, size);
	case COL_LOAD: return none ? dash(buf, size) : cell_seconds(e->load_cold_s, buf, size);
	case COL_VERDICT: snprintf(buf, size, "%s", verdict_name(f->verdict)); return buf;
	default: buf[0] = '\0'; return buf;
	}
}

const char *cell_hw_summary(const struct hardware *hw, char *buf, size_t size)
{
	char a[32], b[32];
	size_t used = 0;

#define APPEND(...) (used += used < size ? (size_t)snprintf(buf + used, size - used, __VA_ARGS__) : 0)
	buf[0] = '\0';
	for (int i = 0; i < hw->gpu_count; i++) {
		const struct gpu_info *g = &hw->gpus[i];

		APPEND("GPU%d %s %s/%s free, ", i, g->name,
		       format_bytes(a, sizeof(a), g->vram_free_bytes),
		       format_bytes(b, sizeof(b), g->vram_total_bytes));
	}
	if (hw->gpu_count == 0)
		APPEND("no GPU, ");
	APPEND("RAM %s/%s available, ", format_bytes(a, sizeof(a), hw->ram.available_bytes),
	       format_bytes(b, sizeof(b), hw->ram.total_bytes));
	if (hw->cpu.q4_source == SRC_WHATIF)
		APPEND("CPU %s what-if, %d cores", hw->cpu.model[0] ? hw->cpu.model : "(this machine's)",
		       hw->cpu.cores);
	else if (hw->origin == HW_FROM_WHATIF && hw->cpu.cores > 0)
		APPEND("CPU this machine's, %d cores", hw->cpu.cores); /* what-if GPUs, real CPU */
	else if (hw->cpu.cores > 0)
		APPEND("CPU %d cores", hw->cpu.cores);
	else
		APPEND("CPU ? cores");
	if (hw->cpu.q4_gbps > 0)
		APPEND(" Q4 %.1f GB/s, ", hw->cpu.q4_gbps);
	else
		APPEND(" Q4 not measured, ");
	APPEND("disk %s", disk_kind_name(hw->disk.kind));
#undef APPEND
	return buf;
}

const char *cell_settings_summary(const struct hardware *hw, const struct estimate_settings *set,
				  char *buf, size_t size)
{
	char ctx[64];
	const char *why;

	if (set->ctx > 0)
		snprintf(ctx, sizeof(ctx), "%d tokens", set->ctx);
	else if (set->ctx == 0)
		snprintf(ctx, sizeof(ctx), "max (each model's trained context)");
	else
		snprintf(ctx, sizeof(ctx), "%d (%s default)",
			 estimate_runtime_context(hw, set->runtime, &why), runtime_name(set->runtime));
	snprintf(buf, size, "context %s, KV cache %s, prompt %d tokens", ctx,
		 kv_type_name(set->kv), set->prompt_tokens);
	return buf;
}

/* The same over a cluster: the RPC servers, its -ngl and split. */
static const char *rpc_bench_command(const struct estimate *e, const struct estimate_settings *set,
				     const char *model, char *buf, size_t size)
{
	char endpoints[RPC_MAX_NODES * 80], split[RPC_MAX_DEVICES * 8];

	rpc_tensor_split(&e->rpc, split, sizeof(split));
	snprintf(buf, size, "llama-bench -m %s --rpc %s -t %d -ngl %d%s%s -fa %d -p %d -n 128 -d 0,%d",
		 model, rpc_endpoints(&e->rpc, endpoints, sizeof(endpoints)),
		 set->threads > 0 ? set->threads : 1, e->rpc.ngl, split[0] ? " -ts " : "", split,
		 e->flash_attn ? 1 : 0, set->prompt_tokens, set->prompt_tokens);
	return buf;
}

const char *cell_llama_bench_command(const struct estimate *e, const struct estimate_settings *set,
				     const struct hardware *hw, char *buf, size_t size)
{
	const struct fit *f = &e->now;
	int ngl = f->placement == PLACE_CPU ? 0 : f->offload == OFFLOAD_NONE ? 99 : f->gpu_layers;
	char model[HW_PATH_MAX + 16], split[48] = "";

	if (e->file_path)
		snprintf(model, sizeof(model), "%s", e->file_path);
	else
		snprintf(model, sizeof(model), "%s-%s.gguf", e->model->id, ftype_name(e->ftype));
	/* Ollama keeps a model on one GPU; llama-bench would split it over all */
	if (hw->gpu_count > 1 && f->gpus_used == 1 && f->output_on_gpu)
		snprintf(split, sizeof(split), " -sm none -mg %d", f->output_gpu);
	if (e->rpc.used)
		return rpc_bench_command(e, set, model, buf, size);
	snprintf(buf, size, "llama-bench -m %s -t %d -ngl %d%s -fa %d -p %d -n 128 -d 0,%d", model,
		 set->threads > 0 ? set->threads : 1, ngl, split, e->flash_attn ? 1 : 0,
		 set->prompt_tokens, set->prompt_tokens);
	return buf;
}

const char *cell_context_reason(const struct hardware *hw, const struct estimate_settings *set,
				char *buf, size_t size)
{
	const char *why;
	int tokens;

	if (set->ctx != ESTIMATE_CTX_RUNTIME)
		return NULL;
	tokens = estimate_runtime_context(hw, set->runtime, &why);
	snprintf(buf, size, "Context %d tokens: %s, at most each model's trained context "
		 "(--ctx overrides, --runtime ollama|llama.cpp)", tokens, why);
	return buf;
}

int cell_output_columns(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	int cols;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (env && parse_int(env, 20, 10000, &cols) == 0)
		return cols;
	return 100;
}
