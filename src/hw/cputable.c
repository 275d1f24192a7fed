#include "hw/cputable.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "util/jsonfile.h"
#include "util/namematch.h"

/* data/cpus.json is ~20 KiB; anything far larger is not our file. */
#define TABLE_MAX_BYTES (4u << 20)
#define BANDWIDTH_TOLERANCE 0.10

static const char *const vendors[] = { "amd", "intel", "apple", "qualcomm", "ampere", NULL };
static const char *const forms[] = { "desktop", "laptop", "workstation", "server", "soc", NULL };

static int get_count(const struct json_entry *c, const cJSON *o, const char *field,
		     bool nullable, int *out)
{
	long long v;

	if (json_get_int(c, o, field, 4096, &v) < 0)
		return -1;
	if (v < 0 && !nullable)
		return json_entry_error(c, field, "must be a positive integer");
	*out = (int)v;
	return 0;
}

static int get_simd(const struct json_entry *c, const cJSON *o, struct cpu_spec *s)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "simd"), *v;

	if (!cJSON_IsArray(arr))
		return json_entry_error(c, "simd", "must be an array of strings");
	s->simd_count = 0;
	cJSON_ArrayForEach(v, arr) {
		if (!cJSON_IsString(v) || !v->valuestring[0] ||
		    strlen(v->valuestring) >= sizeof(s->simd[0]))
			return json_entry_error(c, "simd", "each must be a short non-empty string");
		if (s->simd_count == HW_MAX_SIMD)
			return json_entry_error(c, "simd", "too many entries");
		memcpy(s->simd[s->simd_count++], v->valuestring, strlen(v->valuestring) + 1);
	}
	return 0;
}

/* The cores and the memory system, with the consistency rules of data/README.md. */
static int get_figures(const struct json_entry *c, const cJSON *o, struct cpu_spec *s)
{
	long long mts;
	double expected;

	if (get_count(c, o, "cores", false, &s->cores) ||
	    get_count(c, o, "performance_cores", true, &s->performance_cores) ||
	    get_count(c, o, "threads", false, &s->threads) ||
	    get_count(c, o, "memory_channels", false, &s->memory_channels) ||
	    json_get_int(c, o, "memory_mts", 100000, &mts) ||
	    json_get_number(c, o, "bandwidth_gbps", false, &s->bandwidth_gbps))
		return -1;
	if (mts < 0)
		return json_entry_error(c, "memory_mts", "must be a positive integer");
	s->memory_mts = (int)mts;
	if (s->performance_cores > s->cores)
		return json_entry_error(c, "performance_cores", "more than cores");
	if (s->threads < s->cores)
		return json_entry_error(c, "threads", "fewer than cores");
	expected = s->memory_channels * 8.0 * s->memory_mts / 1000;
	if (fabs(s->bandwidth_gbps / expected - 1) > BANDWIDTH_TOLERANCE)
		return json_entry_error(c, "bandwidth_gbps", "not within 10% of "
					"memory_channels x 8 x memory_mts / 1000");
	return 0;
}

static int parse_entry(struct json_entry *c, const cJSON *o, struct cpu_spec *s)
{
	if (!cJSON_IsObject(o))
		return json_entry_error(c, NULL, "must be an object");
	if (json_get_string(c, o, "name", s->name, sizeof(s->name)))
		return -1;
	c->name = s->name;
	/* The source documents the row; it is required but not kept. */
	return json_get_enum(c, o, "vendor", vendors, s->vendor, sizeof(s->vendor)) ||
	       json_get_enum(c, o, "form", forms, s->form, sizeof(s->form)) ||
	       get_figures(c, o, s) || get_simd(c, o, s) ||
	       json_get_string(c, o, "memory_type", s->memory_type, sizeof(s->memory_type)) ||
	       json_get_string(c, o, "source", NULL, 0) ? -1 : 0;
}

/* Names are looked up case-insensitively, so they must differ that way. */
static int check_duplicates(const char *path, const struct cpu_table *t, struct error *err)
{
	for (int i = 1; i < t->count; i++)
		for (int j = 0; j < i; j++)
			if (strcasecmp(t->specs[i].name, t->specs[j].name) == 0)
				return error_set(err, "%s: cpus[%d] (%s): name: duplicate of cpus[%d]",
						 path, i, t->specs[i].name, j);
	return 0;
}

static int parse_table(const char *path, const cJSON *root, struct cpu_table *t,
		       struct error *err)
{
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
	const cJSON *cpus = cJSON_GetObjectItemCaseSensitive(root, "cpus");
	const cJSON *e;
	int n;

	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		return error_set(err, "%s: schema_version: must be 1", path);
	if (!cJSON_IsArray(cpus))
		return error_set(err, "%s: cpus: must be an array", path);
	n = cJSON_GetArraySize(cpus);
	t->specs = calloc(n ? (size_t)n : 1, sizeof(*t->specs));
	if (!t->specs)
		return error_set(err, "%s: out of memory", path);
	cJSON_ArrayForEach(e, cpus) {
		struct json_entry c = { path, "cpus", t->count, NULL, err };

		if (parse_entry(&c, e, &t->specs[t->count]))
			return -1;
		t->count++;
	}
	return check_duplicates(path, t, err);
}

int cpu_table_load(const char *path, struct cpu_table *t, struct error *err)
{
	cJSON *root;
	int rc;

	t->specs = NULL;
	t->count = 0;
	root = json_load_file(path, TABLE_MAX_BYTES, err);
	if (!root)
		rc = -1;
	else if (!cJSON_IsObject(root))
		rc = error_set(err, "%s: must hold a JSON object", path);
	else
		rc = parse_table(path, root, t, err);
	cJSON_Delete(root);
	if (rc)
		cpu_table_release(t);
	return rc;
}

void cpu_table_release(struct cpu_table *t)
{
	free(t->specs);
	t->specs = NULL;
	t->count = 0;
}

/* Makers and brands; the model words ("i9", "7950x", "max", "threadripper",
 * "epyc", "xeon") are what tells parts apart. */
static const char *const cpu_vendor_words[] = { "amd", "intel", "apple", "qualcomm",
	"ampere", "core", "ryzen", "snapdragon", "processor", NULL };

int cpu_table_find_name(const struct cpu_table *t, const char *query,
			const struct cpu_spec **out, struct error *err)
{
	struct name_list names = { "CPU", t->specs, sizeof(*t->specs),
				   offsetof(struct cpu_spec, name), t->count,
				   cpu_vendor_words, "-+" };
	int index;

	if (name_list_find(&names, query, &index, err) < 0)
		return -1;
	*out = &t->specs[index];
	return 0;
}

bool cpu_spec_is_arm(const struct cpu_spec *spec)
{
	return strcmp(spec->vendor, "apple") == 0 || strcmp(spec->vendor, "qualcomm") == 0 ||
	       strcmp(spec->vendor, "ampere") == 0;
}
