/* estjson.h - one estimate as the SPEC.md "estimates" item, plus the inputs
 * each figure was computed from (devices, decode formula terms, load rates)
 * so scripts can check or redo the arithmetic. Unknown figures (< 0) are
 * null. Every figure here is estimated: the object says so in "source". */
#ifndef CANIRUN_ESTJSON_H
#define CANIRUN_ESTJSON_H

#include <cjson/cJSON.h>

#include "estimate/estimate.h"
#include "hw/hw.h"

/* A new object the caller owns (cJSON_Delete). hw names the GPUs the
 * placement uses; set gives the context and prompt the figures are for. */
cJSON *estimate_to_json(const struct estimate *e, const struct hardware *hw,
			const struct estimate_settings *set);

#endif
