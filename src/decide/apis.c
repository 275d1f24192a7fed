#include "decide/apis.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "util/jsonfile.h"

#define APIS_FILE_MAX_BYTES (1u << 20)

/* Published per-token prices run from cents (small models) to hundreds
 * of dollars (o1-pro's $600 output) per 1M tokens, seats to a few hundred
 * dollars a month: zero or a thousandfold beyond is a typo. */
const struct value_limit api_price_limit = { 0.001, 1000, "0.001 to 1000 USD per 1M tokens" };
const struct value_limit seat_price_limit = { 1, 10000, "1 to 10000 USD a user a month" };

/* What every row carries: name, display, source and date read. */
static int row_common(struct json_entry *c, const cJSON *row, char *name, char *display)
{
	char date[32];

	if (!cJSON_IsObject(row))
		return json_entry_error(c, NULL, "must be an object");
	if (json_get_string(c, row, "name", name, PRICE_NAME_MAX))
		return -1;
	c->name = name;
	return json_get_string(c, row, "display", display, PRICE_DISPLAY_MAX) ||
	       json_get_string(c, row, "source", NULL, 0) ||
	       json_get_string(c, row, "date_read", date, sizeof(date)) ? -1 : 0;
}

static int read_apis(const char *path, const cJSON *list, struct price_table *t, struct error *err)
{
	const cJSON *row;

	cJSON_ArrayForEach(row, list) {
		struct api_price *a = &t->apis[t->api_count];
		struct json_entry c = { path, "apis", t->api_count, NULL, err };

		if (t->api_count == PRICE_MAX_ROWS)
			return error_set(err, "%s: apis: more than %d rows", path, PRICE_MAX_ROWS);
		if (row_common(&c, row, a->name, a->display) ||
		    json_get_limited(&c, row, "input_per_mtok", false, &api_price_limit,
				     &a->input_per_mtok) ||
		    json_get_limited(&c, row, "output_per_mtok", false, &api_price_limit,
				     &a->output_per_mtok))
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
		struct json_entry c = { path, "seats", t->seat_count, NULL, err };

		if (t->seat_count == PRICE_MAX_ROWS)
			return error_set(err, "%s: seats: more than %d rows", path, PRICE_MAX_ROWS);
		if (row_common(&c, row, s->name, s->display) ||
		    json_get_limited(&c, row, "per_user_month", false, &seat_price_limit,
				     &s->per_user_month))
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
	const cJSON *def = cJSON_GetObjectItemCaseSensitive(root, "default_api");
	struct error ignored;

	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		return error_set(err, "%s: schema_version: must be 1", path);
	if (!cJSON_IsString(cur) || strcmp(cur->valuestring, "USD") != 0)
		return error_set(err, "%s: currency: must be \"USD\"", path);
	if (!cJSON_IsArray(apis) || !cJSON_IsArray(seats))
		return error_set(err, "%s: apis and seats: must be arrays", path);
	if (read_apis(path, apis, t, err) || read_seats(path, seats, t, err))
		return -1;
	if (!cJSON_IsString(def) || strlen(def->valuestring) >= PRICE_NAME_MAX)
		return error_set(err, "%s: default_api: must be the name of one of apis[]", path);
	memcpy(t->default_api, def->valuestring, strlen(def->valuestring) + 1);
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
