/* needjson.h - `canirun need --json`: the document's "need" array (one
 * object per configuration and model, in need_search's order) and, for
 * --plan, "need_plan" (SPEC.md). Formatting only. */
#ifndef CANIRUN_NEEDJSON_H
#define CANIRUN_NEEDJSON_H

#include <cjson/cJSON.h>

#include "decide/need.h"

void need_add_json(cJSON *doc, const struct need_request *req, const struct need_result *r);

/* plans as need_stack_write takes them. */
void need_stack_add_json(cJSON *doc, const struct need_stack_request *req,
			 const struct need_stack *s, const struct plan *plans[2][2]);

#endif
