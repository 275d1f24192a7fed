/* plan.h - the stack a machine should serve, task by task: for each task
 * the most capable model that runs at or above its speed floor per user,
 * which of the picks stay loaded together under Ollama's scheduler rules
 * (residency.h) and which swap in, how many requests decode at once, and
 * the settings that make a runtime do it.
 *
 * Capability: a task's published benchmark score (scores.h, basis
 * "score"); models without one come after every scored model, ordered by
 * the written rule (basis "rule"): the task's specialised family first
 * (plan_task_specialised), then more parameters first.
 *
 * plan_build reads estimates only (it never prints); struct plan owns no
 * heap memory and points into the catalogue and score table, which must
 * outlive it, and into itself (models[].est), so it is filled in place and
 * never copied.
 */
#ifndef CANIRUN_PLAN_H
#define CANIRUN_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "estimate/estimate.h"
#include "hw/hw.h"
#include "model/catalog.h"
#include "model/scores.h"

enum plan_task {
	PLAN_CHAT, PLAN_WRITING, PLAN_CODE, PLAN_REASONING, PLAN_TOOLS, PLAN_EMBEDDING,
	PLAN_VISION, PLAN_TASK_COUNT,
};
/* The context a plan serves at without --ctx: it exports it as
 * OLLAMA_CONTEXT_LENGTH, so Ollama's VRAM-tiered default does not apply;
 * 4096 is Ollama's own default below 23 GiB (server/routes.go). */
#define PLAN_DEFAULT_CTX 4096
#define PLAN_DEFAULT_TASKS (((1u << PLAN_TASK_COUNT) - 1) & ~(1u << PLAN_VISION))

/* "chat", "writing", ...; parse: 0, or -1 for an unknown name. */
const char *plan_task_name(enum plan_task t);
int plan_task_parse(const char *name, enum plan_task *out);
/* A comma-separated list ("code,chat") as task bits. 0, or -1 with err
 * naming the unknown task and the allowed ones. */
int plan_tasks_parse(const char *list, unsigned *tasks, struct error *err);
/* The speed each user needs for t: quick chat the "fast" line (15 tok/s),
 * every other task the 4 tok/s reading floor; embedding none (0). */
double plan_task_floor_tok_s(enum plan_task t);

/* Users whose requests may decode at once, at most (the parallel search's
 * ceiling). */
#define PLAN_PARALLEL_MAX 16

struct plan_request {
	unsigned tasks;         /* 1u << enum plan_task bits; 0: PLAN_DEFAULT_TASKS */
	int users;              /* people served at once (>= 1) */
	const char *quant;      /* a file type name for every pick; NULL: the rule */
	/* only_count > 0: only these models are candidates (need --plan plans
	 * one stack's models on other hardware); else the whole catalogue. */
	const struct model *const *only;
	int only_count;
};

enum plan_basis { BASIS_SCORE, BASIS_RULE };

struct plan_choice {
	const struct model *model;      /* NULL: none */
	struct estimate est;            /* at ctx x parallel, on the machine it runs on */
	double per_user_tok_s;          /* batch_per_user_tok_s at min(users, parallel) */
	enum plan_basis basis;
	const struct score *score;      /* basis score: the published score */
};

struct plan_pick {
	enum plan_task task;
	struct plan_choice pick, runner_up;
	int model_index;                /* into plan.models */
	const struct benchmark *benchmark; /* the task's; NULL when none ranks it */
	char reason[256];
};

/* A model the plan loads (one per distinct pick). */
struct plan_model {
	const struct model *model;
	const struct estimate *est;     /* a pick's estimate */
	int parallel;                   /* KV slots (1 for embedding models) */
	bool on_cpu_instance;           /* served by a second, CPU-only runtime */
	bool resident;
	int64_t bytes;                  /* total_bytes at ctx x parallel */
	double swap_s, swap_s_warm;     /* load time when swapped in; -1 when resident */
	int evicts[PLAN_TASK_COUNT];    /* plan.models indices it evicts, in order */
	int evict_count;
	double aggregate_tok_s;         /* all decoding users together; -1 unknown */
	int max_users;                  /* users before per-user speed drops under the
					 * floor or the KV no longer fits; -1 unknown */
};

struct plan {
	int users, ctx, parallel;       /* parallel: OLLAMA_NUM_PARALLEL */
	int decoding;                   /* requests decoding at once: min(users, parallel) */
	enum kv_type kv;
	int ollama_default_ctx;         /* what Ollama would pick unset (estimate_runtime_context) */
	bool on_gpus;                   /* the budget is VRAM */
	int64_t budget_bytes, resident_bytes, cpu_budget_bytes;
	struct plan_pick picks[PLAN_TASK_COUNT];
	int pick_count;
	enum plan_task unserved[PLAN_TASK_COUNT];
	int unserved_count;
	struct plan_model models[PLAN_TASK_COUNT];
	int model_count;
	int max_loaded;                 /* OLLAMA_MAX_LOADED_MODELS */
	bool cpu_instance;              /* some model is on a second, CPU-only runtime */
};

/* Builds the plan for hw. set gives ctx (> 0), the KV type, threads and
 * prompt. 0, or -1 with err (an unknown --quant, a size model failure). */
int plan_build(const struct hardware *hw, const struct catalog *cat,
	       const struct score_table *scores, const struct plan_request *req,
	       const struct estimate_settings *set, struct plan *out, struct error *err);

/* Whether m is one of the plan's picks (the report puts those first). */
bool plan_has_model(const struct plan *p, const struct model *m);

#endif
