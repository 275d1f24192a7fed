#include "decide/power.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "util/jsonfile.h"

#define POWER_FILE_MAX_BYTES (1u << 20)
#define POWER_MAX_ROWS 256

const char *watts_source_name(enum watts_source s)
{
	static const char *const names[] = {
		[WATTS_UNKNOWN] = "unknown", [WATTS_TABLE] = "table", [WATTS_OPTION] = "option",
	};
	return names[s];
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n-1] (sorted in place); n > 0. */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), compare_doubles);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const struct gpu_spec *spec_named(const struct gpu_table *t, const char *name)
{
	for (int i = 0; i < t->count; i++)
		if (strcasecmp(t->specs[i].name, name) == 0)
			return &t->specs[i];
	return NULL;
}

/* A positive number field, or null (then -1) when nullable. */
static int row_number(const char *path, int i, const cJSON *row, const char *field,
		      bool nullable, double *out, struct error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, field);

	if (nullable && (!v || cJSON_IsNull(v))) {
		*out = -1;
		return 0;
	}
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble <= 0)
		return error_set(err, "%s: measurements[%d]: %s: must be a positive number%s",
				 path, i, field, nullable ? " or null" : "");
	*out = v->valuedouble;
	return 0;
}

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

/* Checks one measurement row and adds it to rows. */
static int take_row(const char *path, int i, const cJSON *row, const struct gpu_table *gpus,
		    struct power_table *pt, struct fit_rows *rows, struct error *err)
{
	const char *device = row_string(row, "device"), *meter = row_string(row, "meter");
	const struct gpu_spec *spec;
	double watts, idle_w;
	bool board;

	if (!cJSON_IsObject(row) || !device || !row_string(row, "source") || !meter)
		return error_set(err, "%s: measurements[%d]: needs device, meter and source strings",
				 path, i);
	spec = spec_named(gpus, device);
	if (!spec)
		return error_set(err, "%s: measurements[%d]: device: '%s' is not in gpus.json",
				 path, i, device);
	board = strcmp(meter, "board") == 0;
	if (!board && strcmp(meter, "wall") != 0)
		return error_set(err, "%s: measurements[%d]: meter: must be \"wall\" or \"board\"",
				 path, i);
	if (row_number(path, i, row, "watts", false, &watts, err) < 0 ||
	    row_number(path, i, row, "idle_w", true, &idle_w, err) < 0)
		return -1;
	if (spec->unified_memory) {
		struct power_device *d = board ? NULL : unified_slot(pt, spec->name);

		if (!d)
			return error_set(err, "%s: measurements[%d]: a unified-memory machine needs "
					 "a wall row (at most %d machines)", path, i, POWER_MAX_DEVICES);
		rows->unified_watts[d - pt->unified][d->samples++] = watts;
		return 0;
	}
	if (spec->tdp_w <= 0 || (!board && idle_w < 0))
		return error_set(err, "%s: measurements[%d]: %s", path, i, spec->tdp_w <= 0 ?
				 "device: has no tdp_w in gpus.json" : "idle_w: a wall row needs it");
	rows->fractions[rows->fraction_count++] = (board ? watts : watts - idle_w) / spec->tdp_w;
	return 0;
}

static int fit_table(const char *path, const cJSON *root, const struct gpu_table *gpus,
		     struct power_table *pt, struct error *err)
{
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
	const cJSON *idle = cJSON_GetObjectItemCaseSensitive(root, "desktop_idle");
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "measurements");
	struct fit_rows *rows;
	const cJSON *row;
	int i = 0, rc = 0;

	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		return error_set(err, "%s: schema_version: must be 1", path);
	if (!cJSON_IsObject(idle) || !row_string(idle, "source") ||
	    row_number(path, -1, idle, "watts", false, &pt->desktop_idle_w, err) < 0)
		return error_set(err, "%s: desktop_idle: needs watts (positive) and source", path);
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > POWER_MAX_ROWS)
		return error_set(err, "%s: measurements: must be an array of at most %d rows",
				 path, POWER_MAX_ROWS);
	rows = calloc(1, sizeof(*rows));
	if (!rows)
		return error_set(err, "%s: out of memory", path);
	cJSON_ArrayForEach(row, list) {
		if ((rc = take_row(path, i++, row, gpus, pt, rows, err)) < 0)
			break;
	}
	if (rc == 0 && rows->fraction_count == 0)
		rc = error_set(err, "%s: measurements: no discrete GPU row to fit from", path);
	if (rc == 0) {
		pt->discrete_samples = rows->fraction_count;
		pt->discrete_fraction = median(rows->fractions, rows->fraction_count);
		for (int d = 0; d < pt->unified_count; d++)
			pt->unified[d].watts = median(rows->unified_watts[d], pt->unified[d].samples);
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
