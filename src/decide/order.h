/* order.h - the report's and the browser's default order, most useful
 * first: the plan's picks (in task order), then the models that run at a
 * usable speed by capability, then the slow ones (and those whose speed is
 * unknown), then embedding models as their own group, then those that do
 * not fit.
 *
 * Capability inside a group: models with a published score on the group's
 * benchmark (MMLU-Pro for generative models, MTEB for embedding models;
 * scores.h) in score order, the others in parameter order, the two lists
 * merged by parameters (a scored model goes first unless an unscored one
 * is larger), so a score reorders models of a size and never buries a
 * larger unscored one.
 */
#ifndef CANIRUN_ORDER_H
#define CANIRUN_ORDER_H

#include "decide/plan.h"
#include "estimate/estimate.h"
#include "model/scores.h"

enum useful_group { GROUP_PICK, GROUP_USABLE, GROUP_SLOW, GROUP_EMBEDDING, GROUP_NO_FIT };

/* e's group; plan may be NULL (no picks group). */
enum useful_group useful_group(const struct estimate *e, const struct plan *plan);

/* rank[i] = the position of items[i] in the useful order (0 first). plan
 * and scores may be NULL. 0, or -1 when out of memory. */
int useful_ranks(const struct estimate *items, int count, const struct plan *plan,
		 const struct score_table *scores, int *rank);

#endif
