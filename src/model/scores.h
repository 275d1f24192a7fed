/* scores.h - published task benchmark scores per catalogue model,
 * data/scores.json (documented in data/README.md): which benchmark stands
 * for which task, and each model's score on it with the URL it was
 * published at. A model or benchmark the file does not list has no
 * published score: unknown, never zero.
 *
 * A loaded table owns its entries; release it with scores_release().
 * Lookups return pointers into it, valid until then.
 */
#ifndef CANIRUN_SCORES_H
#define CANIRUN_SCORES_H

#include <stdbool.h>

#include "model/catalog.h"
#include "util/errors.h"

#define SCORES_BENCH_MAX 8
#define SCORES_NAME_MAX 32
#define SCORES_TASKS_MAX 8

struct benchmark {
	char name[SCORES_NAME_MAX];             /* "HumanEval" */
	int task_count;
	char tasks[SCORES_TASKS_MAX][SCORES_NAME_MAX]; /* plan tasks it ranks: "code" */
};

struct score {
	double value;                           /* percent, 0..100 */
	char source[MODEL_NOTES_MAX];           /* where it was published */
};

struct model_scores {
	const struct model *model;              /* into the catalogue */
	bool known[SCORES_BENCH_MAX];           /* by benchmark index */
	struct score by_bench[SCORES_BENCH_MAX];
};

struct score_table {
	struct benchmark benchmarks[SCORES_BENCH_MAX];
	int bench_count;
	struct model_scores *models;
	int count;
};

/* Loads path, checking every model against cat. -1 with err naming the
 * file, entry and field ("data/scores.json: models[3] (qwen2.5:7b):
 * HumanEval.score: must be a number from 0 to 100"); table is empty then. */
int scores_load(const char *path, const struct catalog *cat, struct score_table *table,
		struct error *err);
void scores_release(struct score_table *table);

/* The benchmark that ranks task ("code"); NULL when none does. */
const struct benchmark *scores_benchmark_for(const struct score_table *t, const char *task);

/* m's published score on b; NULL when unpublished. */
const struct score *scores_find(const struct score_table *t, const struct model *m,
				const struct benchmark *b);

#endif
