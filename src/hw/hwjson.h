/* hwjson.h - struct hardware as JSON (SPEC.md "hardware" object), both ways:
 * the writer serves `--json` and `canirun hw --json`, the reader loads such
 * a file back as a --hw profile. */
#ifndef CANIRUN_HWJSON_H
#define CANIRUN_HWJSON_H

#include <cjson/cJSON.h>

#include "util/errors.h"
#include "util/numparse.h"
#include "hw/hw.h"

/* A new cJSON object the caller owns (cJSON_Delete); NULL when out of memory. */
cJSON *hw_to_json(const struct hardware *hw);

/* Fills hw from a "hardware" object (or a whole `hw --json` document that
 * holds one); file names the source in errors ("FILE: hardware.gpus[1].name:
 * must be a string"). Facts that are null stay unknown. The result's origin
 * is HW_FROM_PROFILE and measured facts' sources become "profile". */
int hw_from_json(const cJSON *json, const char *file, struct hardware *hw,
		 struct error *err);

/* The calibrations as a JSON array (SPEC "calibration"), and back: entries
 * {"device": "cpu"|"gpu", "weight": "Q4_0"|"Q4_K"|"Q6_K"|"Q8_0", "threads",
 * "decode_factor", "decode_runs", "prefill_factor", "prefill_runs"}.
 * calibrations_from_json replaces hw's; errors name file and entry. */
cJSON *calibrations_to_json(const struct hardware *hw);
int calibrations_from_json(const cJSON *array, const char *file, struct hardware *hw,
			   struct error *err);

/* The physical limit of a hardware fact, by its JSON field name
 * ("bandwidth_gbps", "vram_total_bytes"): one table serves every door the
 * fact enters by (profiles, gpus.json, sysfs). A name without a row gives
 * an empty range (nothing lies in it): a programming error tests catch. */
struct value_limit hw_limit(const char *field);

/* Reads and parses a profile file. */
int hw_load_profile(const char *path, struct hardware *hw, struct error *err);

#endif
