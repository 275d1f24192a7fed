#include "util/jsonfile.h"

#include <float.h>
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

int json_field_error(const struct json_at *at, const char *field, const char *why)
{
	return error_set(at->err, "%s: %s%s: %s", at->file, at->entry, field, why);
}

/* The member, or NULL when it is null or absent; -1 (with err) when need
 * does not allow that, else 0 through *rc. */
static const cJSON *member(const struct json_at *at, const cJSON *obj, const char *key,
			   enum json_need need, int *rc)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*rc = 0;
	if (v && !cJSON_IsNull(v))
		return v;
	if (need == JSON_REQUIRED || (need == JSON_NULLABLE && !v))
		*rc = json_field_error(at, key, need == JSON_REQUIRED ? "missing" :
				       "missing (use null when unknown)");
	return NULL;
}

int json_get_int(const struct json_at *at, const cJSON *obj, const char *key,
		 int64_t min, int64_t max, enum json_need need, int64_t *out)
{
	int rc;
	const cJSON *v = member(at, obj, key, need, &rc);
	char why[96];

	if (!v)
		return rc;
	/* 2^53: beyond it a JSON number no longer holds every integer. */
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    fabs(v->valuedouble) > 9007199254740992.0)
		return json_field_error(at, key, "must be an integer");
	if (v->valuedouble < (double)min || v->valuedouble > (double)max) {
		snprintf(why, sizeof(why), "must be between %lld and %lld",
			 (long long)min, (long long)max);
		return json_field_error(at, key, why);
	}
	*out = (int64_t)v->valuedouble;
	return 1;
}

int json_get_number(const struct json_at *at, const cJSON *obj, const char *key,
		    double min, double max, enum json_need need, double *out)
{
	int rc;
	const cJSON *v = member(at, obj, key, need, &rc);
	char why[96];

	if (!v)
		return rc;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return json_field_error(at, key, "must be a number");
	if (v->valuedouble < min || v->valuedouble > max) {
		if (max >= DBL_MAX)
			snprintf(why, sizeof(why), "must be %g or more", min);
		else
			snprintf(why, sizeof(why), "must be between %g and %g", min, max);
		return json_field_error(at, key, why);
	}
	*out = v->valuedouble;
	return 1;
}

int json_copy_text(const struct json_at *at, const cJSON *v, const char *field,
		   char *out, size_t size)
{
	char why[64];
	size_t len;

	if (!cJSON_IsString(v))
		return json_field_error(at, field, "must be a string");
	if (!out)
		return 0;
	len = strlen(v->valuestring);
	if (len >= size) {
		snprintf(why, sizeof(why), "too long (at most %zu bytes)", size - 1);
		return json_field_error(at, field, why);
	}
	memcpy(out, v->valuestring, len + 1);
	return 0;
}

int json_get_text(const struct json_at *at, const cJSON *obj, const char *key,
		  enum json_need need, char *out, size_t size)
{
	int rc;
	const cJSON *v = member(at, obj, key, need, &rc);

	if (!v)
		return rc;
	return json_copy_text(at, v, key, out, size) < 0 ? -1 : 1;
}

int json_get_bool(const struct json_at *at, const cJSON *obj, const char *key,
		  enum json_need need, bool *out)
{
	int rc;
	const cJSON *v = member(at, obj, key, need, &rc);

	if (!v)
		return rc;
	if (!cJSON_IsBool(v))
		return json_field_error(at, key, "must be true or false");
	*out = cJSON_IsTrue(v);
	return 1;
}
