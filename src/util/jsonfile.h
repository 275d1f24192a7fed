/* jsonfile.h - a data file (gpus.json, models.json, a --hw profile) read and
 * parsed as JSON, with the one error wording every loader shares. */
#ifndef CANIRUN_JSONFILE_H
#define CANIRUN_JSONFILE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/errors.h"
#include "util/numparse.h"

/* Reads path (at most max_bytes) and parses it. Returns the tree, which the
 * caller frees with cJSON_Delete, or NULL with err "<path>: <why>" (cannot
 * read, too large) or "<path>: line N: not valid JSON". */
cJSON *json_load_file(const char *path, size_t max_bytes, struct error *err);

/* One entry of a table's array, for field errors that read
 * "<path>: <array>[<index>] (<name>): <field>: <why>". */
struct json_entry {
	const char *path, *array;   /* "data/gpus.json", "gpus" */
	int index;
	const char *name;           /* NULL until the entry's name is validated */
	struct error *err;
};

/* Sets err as above (without ": <field>" when field is NULL); returns -1. */
int json_entry_error(const struct json_entry *c, const char *field, const char *why);

/* The field getters: each returns 0, or -1 with the error above.
 * json_get_string: a non-empty string, copied to out (size bytes with the
 *   terminator) unless out is NULL.
 * json_get_int: a positive integer up to max, or null (*out = -1).
 * json_get_number: a positive finite number, or null (*out = -1) when nullable.
 * json_get_bool: true or false.
 * json_get_enum: a string that is one of allowed (NULL-terminated). */
int json_get_string(const struct json_entry *c, const cJSON *obj, const char *field,
		    char *out, size_t size);
int json_get_int(const struct json_entry *c, const cJSON *obj, const char *field,
		 long long max, long long *out);
int json_get_number(const struct json_entry *c, const cJSON *obj, const char *field,
		    bool nullable, double *out);
int json_get_bool(const struct json_entry *c, const cJSON *obj, const char *field, bool *out);
int json_get_enum(const struct json_entry *c, const cJSON *obj, const char *field,
		  const char *const *allowed, char *out, size_t size);

/* json_get_limited: a number within lim, or null (*out = -1) when nullable;
 * else -1 with "<field>: must be a number from <lim->text>[, or null]". */
int json_get_limited(const struct json_entry *c, const cJSON *obj, const char *field,
		     bool nullable, const struct value_limit *lim, double *out);

/* Writers for the JSON the tool prints: the value, or null where it is
 * unknown (a negative number; a NULL string). */
void json_add_known(cJSON *obj, const char *key, double value);
void json_add_string_or_null(cJSON *obj, const char *key, const char *value);

#endif
