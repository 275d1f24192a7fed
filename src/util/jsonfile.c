#include "util/jsonfile.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sysfile.h"

/* 1-based line of byte offset off in text, for JSON syntax errors. */
static int line_of(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && text[i]; i++)
		line += text[i] == '\n';
	return line;
}

cJSON *json_load_file(const char *path, size_t max_bytes, struct error *err)
{
	const char *end = NULL;
	size_t len;
	char *text = fs_read_all(path, max_bytes, &len, err);
	cJSON *root;

	if (!text)
		return NULL;
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!root)
		error_set(err, "%s: line %d: not valid JSON", path,
			  line_of(text, end && end >= text ? (size_t)(end - text) : 0));
	free(text);
	return root;
}

/* ---- fields of one table entry ---- */

int json_entry_error(const struct json_entry *c, const char *field, const char *why)
{
	char entry[192];

	if (c->name)
		snprintf(entry, sizeof(entry), "%s[%d] (%s)", c->array, c->index, c->name);
	else
		snprintf(entry, sizeof(entry), "%s[%d]", c->array, c->index);
	if (!field)
		return error_set(c->err, "%s: %s: %s", c->path, entry, why);
	return error_set(c->err, "%s: %s: %s: %s", c->path, entry, field, why);
}

int json_get_string(const struct json_entry *c, const cJSON *obj, const char *field,
		    char *out, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	size_t len;

	if (!cJSON_IsString(v) || !v->valuestring[0])
		return json_entry_error(c, field, "must be a non-empty string");
	if (!out)
		return 0;
	len = strlen(v->valuestring);
	if (len >= size)
		return json_entry_error(c, field, "too long");
	memcpy(out, v->valuestring, len + 1);
	return 0;
}

int json_get_int(const struct json_entry *c, const cJSON *obj, const char *field,
		 long long max, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);

	if (cJSON_IsNull(v)) {
		*out = -1;
		return 0;
	}
	if (!cJSON_IsNumber(v) || v->valuedouble <= 0 ||
	    v->valuedouble > (double)max ||
	    v->valuedouble != floor(v->valuedouble))
		return json_entry_error(c, field, "must be a positive integer or null");
	*out = (long long)v->valuedouble;
	return 0;
}

int json_get_number(const struct json_entry *c, const cJSON *obj, const char *field,
		    bool nullable, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);

	if (nullable && cJSON_IsNull(v)) {
		*out = -1;
		return 0;
	}
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
	    v->valuedouble <= 0)
		return json_entry_error(c, field, nullable ? "must be a positive number or null" :
					"must be a positive number");
	*out = v->valuedouble;
	return 0;
}

int json_get_enum(const struct json_entry *c, const cJSON *obj, const char *field,
		  const char *const *allowed, char *out, size_t size)
{
	if (json_get_string(c, obj, field, out, size))
		return -1;
	for (int i = 0; allowed[i]; i++)
		if (strcmp(out, allowed[i]) == 0)
			return 0;
	return json_entry_error(c, field, "unknown value");
}

int json_get_bool(const struct json_entry *c, const cJSON *obj, const char *field, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);

	if (!cJSON_IsBool(v))
		return json_entry_error(c, field, "must be true or false");
	*out = cJSON_IsTrue(v);
	return 0;
}


int json_get_limited(const struct json_entry *c, const cJSON *obj, const char *field,
		     bool nullable, const struct value_limit *lim, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	char why[128];

	if (nullable && cJSON_IsNull(v)) {
		*out = -1;
		return 0;
	}
	if (!cJSON_IsNumber(v) || !value_in_limit(v->valuedouble, lim)) {
		snprintf(why, sizeof(why), "must be a number from %s%s", lim->text,
			 nullable ? ", or null" : "");
		return json_entry_error(c, field, why);
	}
	*out = v->valuedouble;
	return 0;
}

void json_add_known(cJSON *obj, const char *key, double value)
{
	if (value < 0)
		cJSON_AddNullToObject(obj, key);
	else
		cJSON_AddNumberToObject(obj, key, value);
}

void json_add_string_or_null(cJSON *obj, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(obj, key, value);
	else
		cJSON_AddNullToObject(obj, key);
}
