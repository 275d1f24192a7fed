#include "ui/explain.h"

#include <string.h>

#include "ui/figures.h"
#include "ui/rpcview.h"
#include "model/quant.h"
#include "ui/table.h"
#include "util/units.h"

#define GB 1e9

static void header(FILE *out, const struct detail *d)
{
	const struct model *m = d->chosen->model;
	char params[32], context[48] = "unknown (not in the file)";

	/* A GGUF header without <arch>.context_length leaves it unknown (< 0). */
	if (m->context > 0)
		snprintf(context, sizeof(context), "%lld tokens", (long long)m->context);
	fprintf(out, "%s  %s\n", m->id, m->name);
	fprintf(out, "  %s, %s params, %d layers, trained context %s%s\n", m->arch,
		cell_params(m, params, sizeof(params)), m->layers, context,
		m->has_moe ? " (mixture of experts: total/active)" : "");
}

static void quant_table(FILE *out, const struct detail *d)
{
	struct rows rows;
	struct rows_layout layout;
	char line[512];

	if (rows_init(&rows, d->quants, d->quant_count) < 0)
		return;
	rows.sort = SORT_SIZE;
	rows_apply(&rows);
	rows_layout(&rows, d->width - 2, ROWS_HIDE(COL_MODEL) | ROWS_HIDE(COL_PARAMS), &layout);
	fprintf(out, "\n  %s\n", rows_format_line(&layout, NULL, line, sizeof(line)));
	for (int i = 0; i < rows.count; i++) {
		const struct estimate *e = &rows.items[rows.order[i]];

		fprintf(out, "%s %s\n", e->ftype == d->chosen->ftype ? ">" : " ",
			rows_format_line(&layout, e, line, sizeof(line)));
	}
	rows_release(&rows);
}

static void memory(FILE *out, const struct detail *d)
{
	const struct estimate *e = d->chosen;
	char a[32], b[32], c[32];
	int64_t need, avail;

	fprintf(out, "\nMemory at %s, context %d tokens (%s), KV cache %s\n", ftype_name(e->ftype),
		e->ctx, e->ctx_why ? e->ctx_why : "", kv_type_name(d->set->kv));
	fprintf(out, "  weights   %10s  GGUF tensors (file %s)\n",
		format_bytes(a, sizeof(a), e->weights_bytes), format_bytes(b, sizeof(b), e->file_bytes));
	fprintf(out, "  KV cache  %10s  %s a token, all layers, %s\n",
		format_bytes(a, sizeof(a), e->kv_bytes), format_bytes(b, sizeof(b), e->kv_bytes_per_token),
		kv_type_name(d->set->kv));
	fprintf(out, "  compute   %10s  peak of a %d-token batch, flash attention %s (%s)\n",
		format_bytes(a, sizeof(a), e->compute_bytes), e->ctx < 512 ? e->ctx : 512,
		e->flash_attn ? "on" : "off", e->flash_attn_why ? e->flash_attn_why : "");
	fprintf(out, "  overhead  %10s  runtime, buffers and the process\n",
		format_bytes(a, sizeof(a), e->overhead_bytes));
	fprintf(out, "  total     %10s\n", format_bytes(a, sizeof(a), e->total_bytes));
	cell_memory(e, &e->now, &need, &avail);
	fprintf(out, "  on the placement's devices: %s of %s available\n",
		format_bytes(b, sizeof(b), need), format_bytes(c, sizeof(c), avail));
}

static void device_line(FILE *out, const char *label, const struct device_load *d)
{
	char w[32], kv[32], comp[32], res[32], budget[32], layers[48] = "";

	if (d->layers > 0)
		snprintf(layers, sizeof(layers), "layers %d-%d", d->first_layer,
			 d->first_layer + d->layers - 1);
	if (d->expert_layers > 0)
		snprintf(layers + strlen(layers), sizeof(layers) - strlen(layers), "%sexperts of %d layers",
			 d->layers > 0 ? ", " : "", d->expert_layers);
	fprintf(out, "  %-26.26s %s%sweights %s, KV %s, compute %s", label, layers, layers[0] ? "; " : "",
		format_bytes(w, sizeof(w), d->weights_bytes), format_bytes(kv, sizeof(kv), d->kv_bytes),
		format_bytes(comp, sizeof(comp), d->compute_bytes));
	if (d->reserve_bytes > 0)
		fprintf(out, ", process %s", format_bytes(res, sizeof(res), d->reserve_bytes));
	fprintf(out, "; budget %s\n", format_bytes(budget, sizeof(budget), d->budget_bytes));
}

static void placement(FILE *out, const struct detail *d, const struct fit *f)
{
	char text[48], label[64];

	fprintf(out, "\nPlacement: %s", cell_placement(d->chosen, f, text, sizeof(text)));
	if (f->offload == OFFLOAD_LAYERS)
		fprintf(out, " (layers %d of %d on GPUs, llama.cpp -ngl %d)", f->gpu_layers,
			d->chosen->model->layers, f->gpu_layers);
	else if (f->offload == OFFLOAD_EXPERTS)
		fprintf(out, " (attention on the GPU, %d layers' experts in RAM, llama.cpp --n-cpu-moe)",
			f->cpu.expert_layers);
	else if (f->placement == PLACE_NONE)
		fprintf(out, " (does not fit in GPU memory and RAM together; loads as tried:)");
	fputc('\n', out);
	for (int g = 0; g < d->hw->gpu_count; g++) {
		const struct device_load *dl = &f->gpu[g];

		if (dl->layers == 0 && dl->expert_layers == 0 && dl->weights_bytes == 0)
			continue;
		snprintf(label, sizeof(label), "GPU%d %s", g, d->hw->gpus[g].name);
		device_line(out, label, dl);
	}
	device_line(out, "CPU (system RAM)", &f->cpu);
}

/* Where the CPU rate came from, when that is not plain: a what-if CPU's
 * model, or, on a what-if machine without one, this machine's CPU. */
static void cpu_rate_origin(FILE *out, const struct hardware *hw, double cpu_gbps)
{
	const struct cpu_info *cpu = &hw->cpu;
	char threads[48] = "";

	if (cpu->q4_source == SRC_WHATIF) {
		if (cpu->performance_cores > 0)
			snprintf(threads, sizeof(threads), ", %d P-cores", cpu->performance_cores);
		fprintf(out, "      what-if CPU %s (%d cores%s): memory %.1f GB/s (%s) x efficiency = "
			"%.1f GB/s%s; constants fitted on published llama.cpp CPU runs "
			"(src/hw/cpudescribed.c)\n", cpu->model[0] ? cpu->model : "(this machine's)",
			cpu->cores, threads, cpu->memory_bandwidth_gbps,
			fact_source_name(cpu->memory_source), cpu->mem_read_gbps,
			cpu_gbps < cpu->mem_read_gbps * 0.999 ? ", but the threads compute these "
			"weights slower, and that binds" : ", which binds");
		return;
	}
	if (hw->origin == HW_FROM_WHATIF)
		fprintf(out, "      this machine's CPU %s (%s): the what-if machine's CPU share uses this "
			"machine's CPU; --cpu NAME or --ram-gbps N describes another\n",
			cpu->model[0] ? cpu->model : "(unknown model)", fact_source_name(cpu->q4_source));
}

static void decode(FILE *out, const struct hardware *hw, const struct fit *f)
{
	const struct decode_terms *t = &f->terms;
	char mid[16], low[16], high[16];

	fprintf(out, "\nSpeed\n  decode: seconds a token = bytes each device reads / its rate + launch overhead\n");
	if (t->gpu_bytes_per_token > 0) {
		if (t->gpu_bandwidth_gbps > 0)
			fprintf(out, "    GPU: %.2f GB / (%.0f GB/s x %.3f %s efficiency) + %.1f ms overhead"
				" (%d layers) = %.2f ms\n", t->gpu_bytes_per_token / GB,
				t->gpu_bandwidth_gbps, t->gpu_efficiency, t->gpu_backend,
				t->overhead_seconds * 1e3, f->gpu_layers, t->gpu_seconds_per_token * 1e3);
		else
			fprintf(out, "    GPU: %.2f GB at an unknown memory bandwidth\n",
				t->gpu_bytes_per_token / GB);
	}
	if (t->cpu_bytes_per_token > 0) {
		char rate[96] = "CPU matvec rate for these weights";

		if (t->cpu_sync_share > 0)
			snprintf(rate, sizeof(rate), "CPU matvec rate for these weights, less %.1f%% waiting at barriers",
				 t->cpu_sync_share * 100);
		if (t->cpu_gbps > 0 && t->cpu_attention_gflops > 0)
			fprintf(out, "    CPU: %.2f GB / %.1f GB/s (%s) + attention"
				" over the context, %.2f GFLOPs / %.1f GFLOPS (%.2f of the one-thread Q8_0 rate"
				" a thread, fitted with flash attention off) = %.2f ms\n", t->cpu_bytes_per_token / GB, t->cpu_gbps, rate,
				t->cpu_attention_flops_per_token / 1e9, t->cpu_attention_gflops,
				ESTIMATE_CPU_DECODE_ATTENTION_SHARE, t->cpu_seconds_per_token * 1e3);
		else if (t->cpu_gbps > 0)
			fprintf(out, "    CPU: %.2f GB / %.1f GB/s (%s) = %.2f ms\n",
				t->cpu_bytes_per_token / GB, t->cpu_gbps, rate, t->cpu_seconds_per_token * 1e3);
		else
			fprintf(out, "    CPU: %.2f GB at an unknown rate (run 'canirun bench')\n",
				t->cpu_bytes_per_token / GB);
		cpu_rate_origin(out, hw, t->cpu_gbps);
	}
	if (f->decode_tok_s < 0) {
		fprintf(out, "    = unknown\n");
		return;
	}
	if (t->decode_calibration_runs > 0)
		fprintf(out, "    scaled to this machine's own measurements ('canirun calibrate', %d run%s)\n",
			t->decode_calibration_runs, t->decode_calibration_runs > 1 ? "s" : "");
	fprintf(out, "    = %s tok/s, band +-%.0f%% from calibration: %s-%s tok/s (%s)\n",
		cell_tok_s(f->decode_tok_s, mid, sizeof(mid)), t->band * 100,
		cell_tok_s(f->decode_low_tok_s, low, sizeof(low)),
		cell_tok_s(f->decode_high_tok_s, high, sizeof(high)), verdict_name(f->verdict));
}

/* The llama-bench command that would check each estimate of the table. */
static void verify(FILE *out, const struct detail *d)
{
	char cmd[HW_PATH_MAX + 256];

	fprintf(out, "\nVerify with llama-bench (pp%d at depth 0 is the prefill, tg128 at depth %d the decode):\n",
		d->set->prompt_tokens, d->set->prompt_tokens);
	for (int i = 0; i < d->quant_count; i++)
		fprintf(out, "  %-7s %s\n", ftype_name(d->quants[i].ftype),
			cell_llama_bench_command(&d->quants[i], d->set, d->hw, cmd, sizeof(cmd)));
}

static void prefill_and_load(FILE *out, const struct detail *d, const struct fit *f)
{
	const struct estimate *e = d->chosen;
	char a[16], b[16], c[16], size[32];

	fprintf(out, "  prefill: 2 FLOPs a token per active weight (%.2f GFLOPs less embeddings)",
		f->prefill_flops_per_token / 1e9);
	for (int g = 0; g < d->hw->gpu_count; g++)
		if (f->gpu[g].layers > 0) {
			fprintf(out, " on GPU%d's FP16 tensor rate (%.0f TFLOPS spec)", g,
				d->hw->gpus[g].fp16_tflops);
			break;
		}
	if (f->cpu.layers > 0) {
		char of[64] = "it"; /* attention's rate: off AMX tiles where the weights' is on them */

		if (f->terms.cpu_prefill_attention_gflops > 0 &&
		    f->terms.cpu_prefill_attention_gflops != f->terms.cpu_prefill_gflops)
			snprintf(of, sizeof(of), "the rate off AMX tiles, %.0f GFLOPS",
				 f->terms.cpu_prefill_attention_gflops);
		fprintf(out, "%s the CPU's batched rate for these weights at %d threads (%.0f GFLOPS;"
			" attention over the %d-token prompt, %.2f GFLOPs a token, at %.2f of %s)",
			f->gpu_layers ? " and" : " on", d->set->threads, f->terms.cpu_prefill_gflops,
			d->set->prompt_tokens, f->prefill_attention_flops_per_token / 1e9,
			ESTIMATE_CPU_ATTENTION_SHARE, of);
	}
	fprintf(out, " = %s tok/s\n", cell_tok_s(f->prefill_tok_s, a, sizeof(a)));
	fprintf(out, "  time to first token: %d-token prompt / %s tok/s + one decode step = %s\n",
		d->set->prompt_tokens, cell_tok_s(f->prefill_tok_s, a, sizeof(a)),
		cell_seconds(f->ttft_s, b, sizeof(b)));
	if (e->pcie_gbps > 0)
		fprintf(out, "  load, warm: weights to the GPUs at %.1f GB/s + runtime start = %s\n",
			e->pcie_gbps, cell_seconds(e->load_warm_s, a, sizeof(a)));
	else
		fprintf(out, "  load, warm: runtime start, nothing to copy to a GPU = %s\n",
			cell_seconds(e->load_warm_s, a, sizeof(a)));
	fprintf(out, "  load, cold: warm + %s file read at %.2f GB/s (%s%s%s%s) = %s\n",
		format_bytes(size, sizeof(size), e->file_bytes), e->disk_gbps,
		fact_source_name(e->disk_source), d->hw->disk.kind != DISK_UNKNOWN ? " " : "",
		d->hw->disk.kind != DISK_UNKNOWN ? disk_kind_name(d->hw->disk.kind) : "",
		d->hw->origin == HW_FROM_WHATIF && e->disk_source != SRC_WHATIF ?
		"; this machine's disk, --disk sets another" : "", cell_seconds(e->load_cold_s, c, sizeof(c)));
}

static void when_idle(FILE *out, const struct detail *d)
{
	const struct fit *now = &d->chosen->now, *idle = &d->chosen->idle;
	char text[48], speed[16];

	if (now->placement == idle->placement && now->gpu_layers == idle->gpu_layers &&
	    now->offload == idle->offload)
		return;
	fprintf(out, "\nFits when idle (all VRAM free, RAM less an OS reserve): %s, %s tok/s (%s)\n",
		cell_placement(d->chosen, idle, text, sizeof(text)),
		cell_tok_s(idle->decode_tok_s, speed, sizeof(speed)), verdict_name(idle->verdict));
}

void detail_explain(FILE *out, const struct detail *d)
{
	const struct fit *f = &d->chosen->now;

	memory(out, d);
	if (d->chosen->rpc.used) {
		rpc_write_text(out, d->chosen, d->set, d->quants, d->quant_count);
		return;
	}
	placement(out, d, f);
	if (f->placement != PLACE_NONE) {
		decode(out, d->hw, f);
		prefill_and_load(out, d, f);
	}
	when_idle(out, d);
}

void detail_write(FILE *out, const struct detail *d)
{
	header(out, d);
	quant_table(out, d);
	detail_explain(out, d);
	verify(out, d);
}
