/* planjson.h - a plan as the SPEC.md "plan" object, added to a JSON
 * document; the picks' estimates (at the context each model is served
 * with) go into its "estimates" array. */
#ifndef CANIRUN_PLANJSON_H
#define CANIRUN_PLANJSON_H

#include <cjson/cJSON.h>

#include "decide/plan.h"
#include "hw/hw.h"

void plan_add_json(cJSON *doc, const struct plan *p, const struct hardware *hw,
		   const struct estimate_settings *set);

#endif
