#include "decide/order.h"

#include <stdlib.h>

static bool is_embedding(const struct model *m)
{
	return (m->tasks & TASK_EMBEDDING) != 0;
}

enum useful_group useful_group(const struct estimate *e, const struct plan *plan)
{
	if (plan && plan_has_model(plan, e->model))
		return GROUP_PICK;
	if (e->now.placement == PLACE_NONE)
		return GROUP_NO_FIT;
	if (is_embedding(e->model))
		return GROUP_EMBEDDING;
	return e->now.verdict >= VERDICT_USABLE ? GROUP_USABLE : GROUP_SLOW;
}

struct slot {
	int item;
	int pick;               /* the plan pick's index; picks group only */
	const struct score *score;
	int64_t params;
};

static int by_pick(const void *pa, const void *pb)
{
	const struct slot *a = pa, *b = pb;

	return a->pick != b->pick ? a->pick - b->pick : a->item - b->item;
}

static int by_score(const void *pa, const void *pb)
{
	const struct slot *a = pa, *b = pb;

	if (a->score->value != b->score->value)
		return a->score->value > b->score->value ? -1 : 1;
	if (a->params != b->params)
		return a->params > b->params ? -1 : 1;
	return a->item - b->item;
}

static int by_params(const void *pa, const void *pb)
{
	const struct slot *a = pa, *b = pb;

	if (a->params != b->params)
		return a->params > b->params ? -1 : 1;
	return a->item - b->item;
}

static int first_pick(const struct plan *plan, const struct model *m)
{
	for (int i = 0; i < plan->pick_count; i++)
		if (plan->picks[i].pick.model == m)
			return i;
	return plan->pick_count;
}

/* Ranks one group's slots from *next on: scored by score and unscored by
 * size, merged by size. */
static void rank_group(struct slot *scored, int ns, struct slot *plain, int np, int *rank, int *next)
{
	int i = 0, j = 0;

	qsort(scored, (size_t)ns, sizeof(*scored), by_score);
	qsort(plain, (size_t)np, sizeof(*plain), by_params);
	while (i < ns || j < np) {
		bool take_scored = j == np || (i < ns && scored[i].params >= plain[j].params);

		rank[take_scored ? scored[i++].item : plain[j++].item] = (*next)++;
	}
}

int useful_ranks(const struct estimate *items, int count, const struct plan *plan,
		 const struct score_table *scores, int *rank)
{
	struct slot *scored = malloc(((size_t)count + 1) * sizeof(*scored));
	struct slot *plain = malloc(((size_t)count + 1) * sizeof(*plain));
	const struct benchmark *general = scores ? scores_benchmark_for(scores, "chat") : NULL;
	const struct benchmark *embed = scores ? scores_benchmark_for(scores, "embedding") : NULL;
	int next = 0;

	if (!scored || !plain) {
		free(scored);
		free(plain);
		return -1;
	}
	for (int g = GROUP_PICK; g <= GROUP_NO_FIT; g++) {
		int ns = 0, np = 0;

		for (int i = 0; i < count; i++) {
			const struct model *m = items[i].model;
			const struct benchmark *b = is_embedding(m) ? embed : general;
			struct slot s = { i, 0, b ? scores_find(scores, m, b) : NULL, m->params };

			if ((int)useful_group(&items[i], plan) != g)
				continue;
			if (g == GROUP_PICK) {
				s.pick = first_pick(plan, m);
				plain[np++] = s;
			} else if (s.score) {
				scored[ns++] = s;
			} else {
				plain[np++] = s;
			}
		}
		if (g == GROUP_PICK) {
			qsort(plain, (size_t)np, sizeof(*plain), by_pick);
			for (int k = 0; k < np; k++)
				rank[plain[k].item] = next++;
		} else {
			rank_group(scored, ns, plain, np, rank, &next);
		}
	}
	free(scored);
	free(plain);
	return 0;
}
