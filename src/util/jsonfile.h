/* jsonfile.h - a data file (gpus.json, models.json, a --hw profile) read and
 * parsed as JSON, with the one error wording every loader shares. */
#ifndef CANIRUN_JSONFILE_H
#define CANIRUN_JSONFILE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/errors.h"

/* Reads path (at most max_bytes) and parses it. Returns the tree, which the
 * caller frees with cJSON_Delete, or NULL with err "<path>: <why>" (cannot
 * read, too large) or "<path>: line N: not valid JSON". */
cJSON *json_load_file(const char *path, size_t max_bytes, struct error *err);

#endif
