/* figures.h - an estimate's figures as short text, the way the report, the
 * browser and `canirun show` print them. Formatting only: every number comes
 * from struct estimate or struct hardware as the estimator left it.
 *
 * Conventions: "?" for a figure that is unknown (a rate the machine did not
 * report), "-" for one that does not apply (no placement, so no speed).
 * Sizes are GiB, speeds tokens/s, times seconds. Every function writes into
 * the caller's buffer (truncating safely) and returns it.
 */
#ifndef CANIRUN_FIGURES_H
#define CANIRUN_FIGURES_H

#include <stdbool.h>
#include <stddef.h>

#include "estimate/estimate.h"
#include "hw/hw.h"

/* The table's columns, in display order. */
enum column {
	COL_MODEL, COL_PARAMS, COL_QUANT, COL_FILE, COL_MEMORY, COL_PLACE,
	COL_DECODE, COL_TTFT, COL_LOAD, COL_VERDICT, COL_COUNT
};

const char *cell_heading(enum column c);
bool cell_right_aligned(enum column c);
const char *cell_text(const struct estimate *e, enum column c, char *buf, size_t size);

/* "8.0B", "30B/3.3B" (total/active for MoE), "560M". */
const char *cell_params(const struct model *m, char *buf, size_t size);
/* "1.2s", "45s", "3.5m"; "?" when negative. */
const char *cell_seconds(double s, char *buf, size_t size);
/* "116", "3.4"; "?" when negative. */
const char *cell_tok_s(double tok_s, char *buf, size_t size);
/* "GPU", "2xGPU", "partial 20/32", "experts->CPU", "CPU", "none". */
const char *cell_placement(const struct estimate *e, const struct fit *f, char *buf, size_t size);

/* Memory on the placement's devices: what the estimator put on the GPUs it
 * uses (and on system RAM when layers or experts run there; on every device
 * for no placement) and the budgets those devices offered; over a cluster
 * (e->rpc.used) every node's. *avail_bytes is
 * -1 when a budget is unknown. */
void cell_memory(const struct estimate *e, const struct fit *f, int64_t *need_bytes,
		 int64_t *avail_bytes);

/* One line on the hardware: each GPU's free/total memory, RAM
 * available/total, CPU cores and Q4 rate, disk kind. */
const char *cell_hw_summary(const struct hardware *hw, char *buf, size_t size);
/* One line on the settings: context, KV type, prompt. */
const char *cell_settings_summary(const struct hardware *hw, const struct estimate_settings *set,
				  char *buf, size_t size);
/* The llama-bench command that would measure estimate e (its file, or
 * "MODEL.gguf" for a catalogue model; threads, layers on GPU, flash
 * attention, prompt): what `show` prints to verify it. */
const char *cell_llama_bench_command(const struct estimate *e, const struct estimate_settings *set,
				     const struct hardware *hw, char *buf, size_t size);

/* Why the runtime's default context was taken, or NULL when --ctx gave one. */
const char *cell_context_reason(const struct hardware *hw, const struct estimate_settings *set,
				char *buf, size_t size);

/* Columns for text output: the terminal's width when stdout is one, else
 * $COLUMNS, else 100. */
int cell_output_columns(void);

#endif
