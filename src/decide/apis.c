#include "decide/apis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "util/jsonfile.h"

#define APIS_FILE_MAX_BYTES (1u << 20)

static int copy_string(const char *path, const char *list, int i, const cJSON *row,
		       const char *field, char *out, size_t size, struct error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, field);

	if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) >= size)
		return error_set(err, "%s: %s[%d]: %s: must be a non-empty string (under %zu bytes)",
				 path, list, i, field, size);
	if (out)
		memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

/* A price: a finite number >= 0. */
static int price_field(const char *path, const char *list, int i, const cJSON *row,
		       const char *field, double *out, struct error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, field);

	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
		return error_set(err, "%s: %s[%d]: %s: must be a number >= 0", path, list, i, field);
	*out = v->valuedouble;
	return 0;
}

/* What every row carries: name, display, source and date read. */
static int row_common(const char *path, const char *list, int i, const cJSON *row,
		      char *name, char *display, struct error *err)
{
	char date[32];

	if (!cJSON_IsObject(row))
		return error_set(err, "%s: %s[%d]: must be an object", path, list, i);
	return copy_string(path, list, i, row, "name", name, PRICE_NAME_MAX, err) ||
	       copy_string(path, list, i, row, "display", display, PRICE_DISPLAY_MAX, err) ||
	       copy_string(path, list, i, row, "source", NULL, 1024, err) ||
	       copy_string(path, list, i, row, "date_read", date, sizeof(date), err) ? -1 : 0;
}

static int read_apis(const char *path, const cJSON *list, struct price_table *t, struct error *err)
{
	const cJSON *row;

	cJSON_ArrayForEach(row, list) {
		struct api_price *a = &t->apis[t->api_count];
		int i = t->api_count;

		if (i == PRICE_MAX_ROWS)
			return error_set(err, "%s: apis: more than %d rows", path, PRICE_MAX_ROWS);
		if (row_common(path, "apis", i, row, a->name, a->display, err) ||
		    price_field(path, "apis", i, row, "input_per_mtok", &a->input_per_mtok, err) ||
		    price_field(path, "apis", i, row, "output_per_mtok", &a->output_per_mtok, err))
			return -1;
		t->api_count++;
	}
	return 0;
}

static int read_seats(const char *path, const cJSON *list, struct price_table *t,
		      struct error *err)
{
	const cJSON *row;

	cJSON_ArrayForEach(row, list) {
		struct seat_price *s = &t->seats[t->seat_count];
		int i = t->seat_count;

		if (i == PRICE_MAX_ROWS)
			return error_set(err, "%s: seats: more than %d rows", path, PRICE_MAX_ROWS);
		if (row_common(path, "seats", i, row, s->name, s->display, err) ||
		    price_field(path, "seats", i, row, "per_user_month", &s->per_user_month, err))
			return -1;
		t->seat_count++;
	}
	return 0;
}

static int read_table(const char *path, const cJSON *root, struct price_table *t,
		      struct error *err)
{
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
	const cJSON *cur = cJSON_GetObjectItemCaseSensitive(root, "currency");
	const cJSON *apis = cJSON_GetObjectItemCaseSensitive(root, "apis");
	const cJSON *seats = cJSON_GetObjectItemCaseSensitive(root, "seats");
	struct error ignored;

	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		return error_set(err, "%s: schema_version: must be 1", path);
	if (!cJSON_IsString(cur) || strcmp(cur->valuestring, "USD") != 0)
		return error_set(err, "%s: currency: must be \"USD\"", path);
	if (!cJSON_IsArray(apis) || !cJSON_IsArray(seats))
		return error_set(err, "%s: apis and seats: must be arrays", path);
	if (read_apis(path, apis, t, err) || read_seats(path, seats, t, err) ||
	    copy_string(path, "", 0, root, "default_api", t->default_api, PRICE_NAME_MAX, err))
		return -1;
	if (!price_table_api(t, t->default_api, "default_api", &ignored))
		return error_set(err, "%s: default_api: '%s' is not one of apis[]", path,
				 t->default_api);
	return 0;
}

int price_table_load(const char *path, struct price_table *out, struct error *err)
{
	cJSON *root = json_load_file(path, APIS_FILE_MAX_BYTES, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!root)
		return -1;
	rc = cJSON_IsObject(root) ? read_table(path, root, out, err)
				  : error_set(err, "%s: must hold a JSON object", path);
	cJSON_Delete(root);
	return rc;
}

/* Appends name to the ", "-separated list in names (cut when full). */
static void list_name(char *names, size_t size, const char *name)
{
	size_t used = strlen(names);

	snprintf(names + used, size - used, "%s%s", used ? ", " : "", name);
}

const struct api_price *price_table_api(const struct price_table *t, const char *name,
					const char *option, struct error *err)
{
	char names[ERROR_MSG_MAX / 2] = "";

	for (int i = 0; i < t->api_count; i++) {
		if (strcasecmp(t->apis[i].name, name) == 0)
			return &t->apis[i];
		list_name(names, sizeof(names), t->apis[i].name);
	}
	error_set(err, "%s: unknown name '%s'; known: %s", option, name, names);
	return NULL;
}

const struct seat_price *price_table_seat(const struct price_table *t, const char *name,
					  const char *option, struct error *err)
{
	char names[ERROR_MSG_MAX / 2] = "";

	for (int i = 0; i < t->seat_count; i++) {
		if (strcasecmp(t->seats[i].name, name) == 0)
			return &t->seats[i];
		list_name(names, sizeof(names), t->seats[i].name);
	}
	error_set(err, "%s: unknown name '%s'; known: %s", option, name, names);
	return NULL;
}
