#include "decide/power.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "util/jsonfile.h"
#include "util/stats.h"

#define POWER_FILE_MAX_BYTES (1u << 20)
#define POWER_MAX_ROWS 256

const char *watts_source_name(enum watts_source s)
{
	static const char *const names[] = {
		[WATTS_UNKNOWN] = "unknown", [WATTS_TABLE] = "table", [WATTS_OPTION] = "option",
	};
	return names[s];
}

static const struct gpu_spec *spec_named(const struct gpu_table *t, const char *name)
{
	for (int i = 0; i < t->count; i++)
		if (strcasecmp(t->specs[i].name, name) == 0)
			return &t->specs[i];
	return NULL;
}

/* A machine at the wall draws from a few watts (a single-board computer)
 * to a few kilowatts (8 datacenter GPUs); 100 kW is a rack, not a box. */
const struct value_limit power_watts_limit = { 1, 100000, "1 to 100000 W" };

/* A discrete GPU row's draw above idle as a share of its board power: the
 * published rows give 0.48 to 1.58 (the CPU's share rides along); outside
 * this range the row does not describe that GPU. */
static const struct value_limit fraction_limit = { 0.05, 4, "0.05 to 4" };

static const char *row_string(const cJSON *row, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, field);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* The unified machine's slot for device (added when new); NULL when full. */
static struct power_device *unified_slot(struct power_table *pt, const char *device)
{
	for (int i = 0; i < pt->unified_count; i++)
		if (strcasecmp(pt->unified[i].device, device) == 0)
			return &pt->unified[i];
	if (pt->unified_count == POWER_MAX_DEVICES)
		return NULL;
	snprintf(pt->unified[pt->unified_count].device, HW_NAME_MAX, "%s", device);
	return &pt->unified[pt->unified_count++];
}

/* The rows gathered for the fit: discrete GPUs' fractions of board power,
 * each unified machine's wall watts (by its power_table.unified index). */
struct fit_rows {
	double fractions[POWER_MAX_ROWS];
	int fraction_count;
	double unified_watts[POWER_MAX_DEVICES][POWER_MAX_ROWS];
};

/* A discrete GPU row's share of board power: (wall - idle) / tdp, or
 * board / tdp; -1 with err when it is not a share that GPU can draw. */
static int board_fraction(const struct json_entry *c, const struct gpu_spec *spec, bool board,
			  double watts, double idle_w, double *out)
{
	char why[160];

	if (spec->tdp_w <= 0)
		return json_entry_error(c, "device", "has no tdp_w in gpus.json");
	if (!board && idle_w < 0)
		return json_entry_error(c, "idle_w", "a wall row needs it");
	*out = (board ? watts : watts - idle_w) / spec->tdp_w;
	if (value_in_limit(*out, &fraction_limit))
		return 0;
	snprintf(why, sizeof(why), "%s / tdp_w (%d W) is %.3g; must be from %s",
		 board ? "watts" : "(watts - idle_w)", spec->tdp_w, *out, fraction_limit.text);
	return json_entry_error(c, "watts", why);
}

/* Checks one measurement row and adds it to rows. */
static int take_row(struct json_entry *c, const cJSON *row, const struct gpu_table *gpus,
		    struct power_table *pt, struct fit_rows *rows)
{
	static const char *const meters[] = { "wall", "board", NULL };
	char device[HW_NAME_MAX], meter[8];
	const struct gpu_spec *spec;
	double watts, idle_w;
	bool board;

	if (!cJSON_IsObject(row))
		return json_entry_error(c, NULL, "must be an object");
	if (json_get_string(c, row, "device", device, sizeof(device)))
		return -1;
	c->name = device;
	if (json_get_enum(c, row, "meter", meters, meter, sizeof(meter)) ||
	    json_get_string(c, row, "source", NULL, 0) ||
	    json_get_limited(c, row, "watts", false, &power_watts_limit, &watts) ||
	    json_get_limited(c, row, "idle_w", true, &power_watts_limit, &idle_w))
		return -1;
	spec = spec_named(gpus, device);
	if (!spec)
		return json_entry_error(c, "device", "not in gpus.json");
	board = strcmp(meter, "board") == 0;
	if (spec->unified_memory) {
		struct power_device *d = board ? NULL : unified_slot(pt, spec->name);

		if (!d)
			return json_entry_error(c, "meter", board ? "a unified-memory machine needs "
						"a wall row" : "too many unified-memory machines");
		rows->unified_watts[d - pt->unified][d->samples++] = watts;
		return 0;
	}
	return board_fraction(c, spec, board, watts, idle_w,
			      &rows->fractions[rows->fraction_count++]);
}

static int fit_table(const char *path, const cJSON *root, const struct gpu_table *gpus,
		     struct power_table *pt, struct error *err)
{
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
	const cJSON *idle = cJSON_GetObjectItemCaseSensitive(root, "desktop_idle");
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "measurements");
	const cJSON *idle_w;
	struct fit_rows *rows;
	const cJSON *row;
	int i = 0, rc = 0;

	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		return error_set(err, "%s: schema_version: must be 1", path);
	idle_w = cJSON_GetObjectItemCaseSensitive(idle, "watts");
	if (!row_string(idle, "source") || !cJSON_IsNumber(idle_w) ||
	    !value_in_limit(idle_w->valuedouble, &power_watts_limit))
		return error_set(err, "%s: desktop_idle: needs source and watts from %s", path,
				 power_watts_limit.text);
	pt->desktop_idle_w = idle_w->valuedouble;
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > POWER_MAX_ROWS)
		return error_set(err, "%s: measurements: must be an array of at most %d rows",
				 path, POWER_MAX_ROWS);
	rows = calloc(1, sizeof(*rows));
	if (!rows)
		return error_set(err, "%s: out of memory", path);
	cJSON_ArrayForEach(row, list) {
		struct json_entry c = { path, "measurements", i++, NULL, err };

		if ((rc = take_row(&c, row, gpus, pt, rows)) < 0)
			break;
	}
	if (rc == 0 && rows->fraction_count == 0)
		rc = error_set(err, "%s: measurements: no discrete GPU row to fit from", path);
	if (rc == 0) {
		pt->discrete_samples = rows->fraction_count;
		pt->discrete_fraction = median_in_place(rows->fractions, rows->fraction_count);
		for (int d = 0; d < pt->unified_count; d++)
			pt->unified[d].watts = median_in_place(rows->unified_watts[d], pt->unified[d].samples);
	}
	free(rows);
	return rc;
}

int power_table_load(const char *path, const struct gpu_table *gpus,
		     struct power_table *out, struct error *err)
{
	cJSON *root = json_load_file(path, POWER_FILE_MAX_BYTES, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!root)
		return -1;
	rc = cJSON_IsObject(root) ? fit_table(path, root, gpus, out, err)
				  : error_set(err, "%s: must hold a JSON object", path);
	cJSON_Delete(root);
	return rc;
}

bool fit_uses_gpu(const struct fit *f, int g)
{
	const struct device_load *d = &f->gpu[g];

	return d->layers > 0 || d->expert_layers > 0 || d->weights_bytes > 0;
}

/* Discrete boxes: idle + fraction x board power; a unified machine: its row. */
static void table_draw(const struct power_table *pt, const struct gpu_table *gpus,
		       const struct hardware *hw, const struct fit *f, struct power_draw *out)
{
	double board_w = 0;

	for (int g = 0; g < hw->gpu_count; g++) {
		const struct gpu_info *gpu = &hw->gpus[g];
		const struct gpu_spec *spec;

		if (!fit_uses_gpu(f, g))
			continue;
		spec = gpu_table_entry_of(gpus, gpu);
		if (!spec) {
			out->why_unknown = "a GPU it uses is not in gpus.json";
			return;
		}
		if (spec->unified_memory) {
			for (int d = 0; d < pt->unified_count; d++)
				if (strcasecmp(pt->unified[d].device, spec->name) == 0) {
					out->watts = pt->unified[d].watts;
					out->device = pt->unified[d].device;
					out->source = WATTS_TABLE;
					return;
				}
			out->why_unknown = "no published draw for this unified-memory machine";
			return;
		}
		if (spec->tdp_w <= 0) {
			out->why_unknown = "a GPU it uses has no published board power";
			return;
		}
		board_w += spec->tdp_w;
	}
	if (board_w <= 0) {
		out->why_unknown = "no published CPU package power to fit from";
		return;
	}
	out->board_w = board_w;
	out->idle_w = pt->desktop_idle_w;
	out->fraction = pt->discrete_fraction;
	out->watts = pt->desktop_idle_w + pt->discrete_fraction * board_w;
	out->source = WATTS_TABLE;
}

void power_for_fit(const struct power_table *pt, const struct gpu_table *gpus,
		   const struct hardware *hw, const struct fit *f, double watts_option,
		   struct power_draw *out)
{
	*out = (struct power_draw){ .watts = -1, .source = WATTS_UNKNOWN, .idle_w = -1,
				    .fraction = -1, .board_w = -1 };
	if (watts_option > 0) {
		out->watts = watts_option;
		out->source = WATTS_OPTION;
		return;
	}
	if (f->placement == PLACE_NONE) {
		out->why_unknown = "the model does not fit";
		return;
	}
	table_draw(pt, gpus, hw, f, out);
}
