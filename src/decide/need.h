/* need.h - the inverse question: which hardware runs a model well enough?
 *
 * Every configuration the tables describe is tried: each discrete GPU of
 * data/gpus.json alone, and two and four of it (desktop, workstation and
 * datacenter cards); each unified-memory part at the memory size the table
 * gives it; CPU-only machines, one per data/cpus.json CPU (or the CPU
 * given), at the smallest RAM size of NEED_RAM_SIZES_GIB that holds the
 * model (or the RAM given). A configuration's hardware is built exactly as
 * `canirun report` builds its what-if hardware (hw/override.h over the
 * machine's picture: its CPU and RAM take the CPU share of a GPU
 * configuration), and every figure is the estimator's (estimate.h), so a
 * row equals `canirun report` with the row's report_args.
 *
 * A configuration serves a model when, at the context asked for (--ctx,
 * else NEED_DEFAULT_CTX) and with `users` requests decoding at once
 * (batched decode, serving.h), each user gets at least min_tok_s. The
 * row's quant is, of the model's listed types (estimate.h
 * estimate_listed_ftypes), the floor type (the lowest at or above
 * ESTIMATE_QUANT_FLOOR, Ollama's default tag) when it serves, so rows
 * compare at one quant; else the best above it that does; only then the
 * best below it (below_floor, with what the floor type gets there: how slow
 * splitting with the CPU is). best_ftype is the highest quality that serves.
 * Among types that serve, one entirely on GPUs wins over a better one that
 * is not (as estimate_best prefers). A configuration of two or four cards
 * whose placement leaves a card idle is left out: fewer cards do the same.
 *
 * Rows are ordered by the configuration's price where gpus.json has a
 * dated, sourced one (count x the card's), then those without a price by
 * their memory (VRAM, unified memory or RAM), smallest first, then by
 * speed. struct need_result owns its arrays: release it with
 * need_result_release(). It points into the tables and the catalogue,
 * which must outlive it.
 */
#ifndef CANIRUN_NEED_H
#define CANIRUN_NEED_H

#include <stdbool.h>
#include <stdint.h>

#include "decide/plan.h"
#include "estimate/estimate.h"
#include "hw/cputable.h"
#include "hw/gputable.h"
#include "hw/hw.h"
#include "hw/override.h"
#include "model/modelref.h"
#include "model/scores.h"

/* The context a row must hold without --ctx: llama.cpp's default -c and
 * Ollama's below 23 GiB (the tiers above it would make every large card
 * look short of memory); max_ctx says how far each configuration goes. */
#define NEED_DEFAULT_CTX 4096

/* RAM sizes a CPU-only machine is tried at, GiB: what two to sixteen
 * DIMMs of common capacities add up to. */
#define NEED_RAM_SIZES_GIB { 8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048 }

/* Counts a discrete card is tried at. */
#define NEED_GPU_COUNTS { 1, 2, 4 }

enum need_kind { NEED_DISCRETE, NEED_UNIFIED, NEED_CPU_ONLY };

struct need_config {
	enum need_kind kind;
	const struct gpu_spec *gpu;     /* NULL: CPU-only */
	int gpu_count;                  /* 0 for CPU-only */
	const struct cpu_spec *cpu;     /* CPU-only: the table's CPU; NULL: the machine's */
	int64_t memory_bytes;           /* unified: the machine's memory; discrete: the
					 * VRAM of all cards; CPU-only: its RAM (0: per row) */
	int64_t ram_bytes;              /* CPU-only: the RAM it has; -1: the machine's
					 * (--ram), or for CPU-only the least that serves */
	double price_usd;               /* gpu_count x the card's; < 0: none known */
	const struct gpu_price *price;  /* the card's dated price; NULL: none */
};

/* What to look for. The base picture and whatif are the machine as the
 * command line describes it, without GPUs of its own choosing (no --gpu,
 * --vram or --cpu-only): each configuration is laid over them. */
struct need_request {
	const struct hardware *base;
	const struct whatif *whatif;            /* the command line's (--ram, --cpu, ...) */
	const struct gpu_table *gpus;
	const struct cpu_table *cpus;           /* NULL: no CPU-only configurations */
	const struct estimate_settings *set;    /* ctx: --ctx, or ESTIMATE_CTX_RUNTIME */
	const struct model_ref *models;
	int model_count;
	const char *quant;                      /* --quant; NULL: the search above */
	double min_tok_s;                       /* per user, > 0 */
	int users;                              /* requests decoding at once, >= 1 */
	/* Called now and then with the share done (0..1); may be NULL. */
	void (*progress)(void *ctx, double done);
	void *progress_ctx;
};

struct need_row {
	int config;                     /* into need_result.configs */
	int model;                      /* into need_request.models */
	int64_t ram_bytes;              /* the system RAM the configuration has; -1 unknown */
	struct estimate est;            /* at the row's quant and context */
	enum ftype best_ftype;          /* the highest quality that serves here */
	double per_user_tok_s;          /* each of `users` at once; -1 unknown */
	int ctx;                        /* the context held (KV for users x this) */
	int max_ctx;                    /* the largest that still fits and serves */
	int64_t memory_left_bytes;      /* unused by the devices holding it, at ctx */
	bool below_floor;               /* only a type below ESTIMATE_QUANT_FLOOR serves */
	/* When the floor type does not serve: the floor type there. */
	enum ftype floor_ftype;
	enum placement floor_placement;
	double floor_tok_s;             /* per user; -1 unknown */
	int floor_gpu_layers;           /* of the model's layers, on GPUs */
};

struct need_result {
	struct need_config *configs;
	int config_count;
	struct need_row *rows;          /* ordered as above, model by model */
	int row_count;
	int ctx;                        /* the context asked for; 0: each model's trained */
	int users;
	double min_tok_s;
};

/* Searches every configuration for every model. 0, or -1 with err (an
 * unknown --quant, a size model failure, out of memory). */
int need_search(const struct need_request *req, struct need_result *out, struct error *err);
void need_result_release(struct need_result *r);

/* The configurations need_search tries, in table order (gpus, then cpus).
 * The caller frees *out. 0, or -1 with err (out of memory). */
int need_configs(const struct gpu_table *gpus, const struct cpu_table *cpus,
		 const struct whatif *whatif, struct need_config **out, int *count,
		 struct error *err);

/* The hardware of configuration c with ram_bytes of RAM (CPU-only; < 0:
 * the machine's or --ram), built as report builds its what-if hardware. */
int need_config_hardware(const struct need_request *req, const struct need_config *c,
			 int64_t ram_bytes, struct hardware *out, struct error *err);

/* The `canirun report` options that describe c ("--gpu '2x GeForce RTX
 * 3090'", "--cpu-only --cpu 'EPYC 9654' --ram 64G"), besides the options
 * the command line already gave. */
void need_config_args(const struct need_config *c, int64_t ram_bytes, char *buf, size_t size);

/* A short name: "2x GeForce RTX 3090", "M2 Ultra 76-core 64 GB", "EPYC 9654, 64 GB". */
void need_config_name(const struct need_config *c, int64_t ram_bytes, char *buf, size_t size);

/* The stack (`canirun need --plan`): canirun plan's picks for the tasks
 * on the machine described (this one, --hw, --gpu, ...) are the stack;
 * each configuration, in the rows' order, is planned with only the
 * stack's models as candidates. The answers: the cheapest (or, without a
 * price, the smallest) configuration on which every task the stack serves
 * is served and every pick stays loaded, and the cheapest on which they
 * are served with swaps (only when it comes before the resident one).
 * struct need_stack owns its arrays and points into itself: fill it in
 * place, release it with need_stack_release(), never copy it. */
struct need_stack_answer {
	bool found;
	int config;                     /* into need_stack.configs */
	int64_t ram_bytes;
};

struct need_stack {
	struct need_config *configs;
	int config_count;
	struct plan *reference;         /* the stack: the plan on the machine described */
	const struct model *models[PLAN_TASK_COUNT]; /* its distinct models */
	struct plan_request restricted; /* the request with only those as candidates */
	/* [0] among priced configurations, [1] among the rest */
	struct need_stack_answer resident[2], swaps[2];
	int tried;                      /* configurations planned */
};

struct need_stack_request {
	struct need_request base;       /* base, whatif, gpus, set, progress */
	const struct catalog *catalog;
	const struct score_table *scores;
	struct plan_request plan;
};

/* 0, or -1 with err (an unknown --quant, a size model failure, out of memory). */
int need_stack_search(const struct need_stack_request *req, struct need_stack *out,
		      struct error *err);
void need_stack_release(struct need_stack *s);

/* The plan on answer a's configuration (to show its picks): into *out,
 * which the caller allocates (struct plan is large and never copied). */
int need_stack_plan(const struct need_stack_request *req, const struct need_stack *s,
		    const struct need_stack_answer *a, struct plan *out, struct error *err);

#endif
