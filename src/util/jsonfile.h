/* jsonfile.h - a data file (gpus.json, models.json, a --hw profile) read and
 * parsed as JSON, and its fields read one way, with the one error wording
 * every loader shares: "<file>: <entry><field>: <why>". */
#ifndef CANIRUN_JSONFILE_H
#define CANIRUN_JSONFILE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/errors.h"

/* Reads path (at most max_bytes) and parses it. Returns the tree, which the
 * caller frees with cJSON_Delete, or NULL with err "<path>: <why>" (cannot
 * read, too large) or "<path>: line N: not valid JSON". */
cJSON *json_load_file(const char *path, size_t max_bytes, struct error *err);

/* Where a field is: the file, and the entry as the message shows it,
 * separator included ("gpus[3] (RTX 4090): ", "hardware.ram."). */
struct json_at {
	const char *file;
	const char *entry;
	struct error *err;
};

/* Fills err with "<file>: <entry><field>: <why>"; returns -1. */
int json_field_error(const struct json_at *at, const char *field, const char *why);

/* How a field may be absent. REQUIRED: present and not null ("missing");
 * NULLABLE: present, null allowed ("missing (use null when unknown)");
 * OPTIONAL: absent or null both allowed. */
enum json_need { JSON_REQUIRED, JSON_NULLABLE, JSON_OPTIONAL };

/* Field readers. Each returns 1 when it read the value into *out, 0 when
 * the field is null or absent and need allows it (*out untouched), -1 with
 * err. key is the member looked up; the message names at->entry + key. */
/* An integer (no fraction, |v| <= 2^53) in [min, max]. */
int json_get_int(const struct json_at *at, const cJSON *obj, const char *key,
		 int64_t min, int64_t max, enum json_need need, int64_t *out);
/* A finite number in [min, max]. */
int json_get_number(const struct json_at *at, const cJSON *obj, const char *key,
		    double min, double max, enum json_need need, double *out);
/* A string that fits in size bytes (terminator included); out may be NULL
 * to check only. */
int json_get_text(const struct json_at *at, const cJSON *obj, const char *key,
		  enum json_need need, char *out, size_t size);
/* The same for a value already in hand (an array element) named field:
 * 0 or -1. */
int json_copy_text(const struct json_at *at, const cJSON *v, const char *field,
		   char *out, size_t size);
int json_get_bool(const struct json_at *at, const cJSON *obj, const char *key,
		  enum json_need need, bool *out);

#endif
