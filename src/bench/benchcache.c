/* benchcache.c - the bench result file: JSON through libcjson, saved
 * atomically. */
#include "bench/benchcache.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/hwjson.h"
#include "util/atomicfile.h"
#include "util/sysfile.h"

#define CACHE_MAX_BYTES (64 * 1024)

int bench_cache_path(char *out, size_t size, const char *xdg_cache_home,
		     const char *home)
{
	int n;

	if (xdg_cache_home && xdg_cache_home[0] == '/')
		n = snprintf(out, size, "%s/canirun/bench.json", xdg_cache_home);
	else if (home && home[0])
		n = snprintf(out, size, "%s/.cache/canirun/bench.json", home);
	else
		return -1;
	return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

void bench_cache_key(char *out, size_t size, const struct cpu_info *cpu,
		     const char *kernel_release)
{
	snprintf(out, size, "%s; %d cores; %d threads; kernel %s",
		 cpu->model[0] ? cpu->model : "unknown CPU", cpu->cores,
		 cpu->threads, kernel_release ? kernel_release : "unknown");
}

static bool positive_number(const cJSON *v)
{
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble > 0;
}

/* Fills r from the parsed object; returns NULL or what is wrong. */
static const char *read_result(const cJSON *obj, const char *key, struct bench_result *r)
{
	const cJSON *format = cJSON_GetObjectItemCaseSensitive(obj, "format");
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(obj, "key");
	const cJSON *threads = cJSON_GetObjectItemCaseSensitive(obj, "threads");
	const cJSON *kernels = cJSON_GetObjectItemCaseSensitive(obj, "kernels");
	const cJSON *direct = cJSON_GetObjectItemCaseSensitive(obj, "disk_direct");
	const cJSON *seconds = cJSON_GetObjectItemCaseSensitive(obj, "seconds");
	const cJSON *disk = cJSON_GetObjectItemCaseSensitive(obj, "disk_read_gbps");

	if (!cJSON_IsNumber(format) || format->valuedouble != BENCH_CACHE_FORMAT)
		return "written by another version of canirun";
	if (!cJSON_IsString(k) || strcmp(k->valuestring, key) != 0)
		return "measured on another machine or kernel";
	if (!cJSON_IsNumber(threads) || threads->valuedouble < 1 || threads->valuedouble > 1e6)
		return "threads: not a positive number";
	if (!cJSON_IsString(kernels))
		return "kernels: not a string";
	bench_result_init(r);
	for (int f = 0; f < BF_COUNT; f++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, bench_figure_name((enum bench_figure)f));

		if (!positive_number(v))
			return "a rate is missing or not positive";
		r->rate[f] = v->valuedouble;
	}
	if (!positive_number(seconds))
		return "seconds: not a positive number";
	r->seconds = seconds->valuedouble;
	if (!cJSON_IsNull(disk) && !positive_number(disk))
		return "disk_read_gbps: not a positive number or null";
	r->disk_read_gbps = cJSON_IsNull(disk) ? -1 : disk->valuedouble;
	r->threads = (int)threads->valuedouble;
	r->disk_direct = cJSON_IsTrue(direct);
	snprintf(r->kernels, sizeof(r->kernels), "%s", kernels->valuestring);
	return NULL;
}

int bench_cache_load(const char *path, const char *key, struct bench_result *r,
		     struct warnings *w)
{
	struct error err;
	size_t len;
	char *text;
	cJSON *obj;
	const char *why;

	if (access(path, F_OK) != 0)
		return -1;
	text = fs_read_all(path, CACHE_MAX_BYTES, &len, &err);
	if (!text) {
		warn_add(w, "%s: ignored: %s", path, err.msg);
		return -1;
	}
	obj = cJSON_ParseWithLength(text, len);
	free(text);
	why = !cJSON_IsObject(obj) ? "not a JSON object" : read_result(obj, key, r);
	cJSON_Delete(obj);
	if (why) {
		bench_result_init(r);
		warn_add(w, "%s: ignored: %s; run 'canirun bench' to measure again", path, why);
		return -1;
	}
	return 0;
}

static char *result_json(const char *key, const struct bench_result *r)
{
	cJSON *obj = cJSON_CreateObject();
	char *text;

	cJSON_AddNumberToObject(obj, "format", BENCH_CACHE_FORMAT);
	cJSON_AddStringToObject(obj, "key", key);
	cJSON_AddNumberToObject(obj, "threads", r->threads);
	cJSON_AddStringToObject(obj, "kernels", r->kernels);
	for (int f = 0; f < BF_COUNT; f++)
		if (r->rate[f] > 0)
			cJSON_AddNumberToObject(obj, bench_figure_name((enum bench_figure)f), r->rate[f]);
		else
			cJSON_AddNullToObject(obj, bench_figure_name((enum bench_figure)f));
	if (r->disk_read_gbps > 0)
		cJSON_AddNumberToObject(obj, "disk_read_gbps", r->disk_read_gbps);
	else
		cJSON_AddNullToObject(obj, "disk_read_gbps");
	cJSON_AddNumberToObject(obj, "seconds", r->seconds);
	cJSON_AddBoolToObject(obj, "disk_direct", r->disk_direct);
	text = cJSON_Print(obj);
	cJSON_Delete(obj);
	return text;
}

/* Writes text (which it frees) to path atomically (util/atomicfile.h), so
 * a bench killed mid-write leaves the previous cache or none. */
static int save_text(const char *path, char *text, struct error *err)
{
	int rc;

	if (!text)
		return error_set(err, "%s: out of memory", path);
	rc = file_write_atomic(path, text, err);
	free(text);
	return rc;
}

int bench_cache_save(const char *path, const char *key,
		     const struct bench_result *r, struct error *err)
{
	return save_text(path, result_json(key, r), err);
}

int calibration_cache_path(char *out, size_t size, const char *bench_path)
{
	const char *slash = strrchr(bench_path, '/');
	int n;

	if (!slash)
		return -1;
	n = snprintf(out, size, "%.*s/calibration.json", (int)(slash - bench_path), bench_path);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int calibration_cache_load(const char *path, const char *key, struct hardware *hw,
			   struct warnings *w)
{
	struct error err = { "" };
	const cJSON *format, *k;
	cJSON *obj;
	size_t len;
	char *text;
	int rc = -1;

	if (access(path, F_OK) != 0)
		return -1;
	if (!(text = fs_read_all(path, CACHE_MAX_BYTES, &len, &err))) {
		warn_add(w, "%s: ignored: %s", path, err.msg);
		return -1;
	}
	obj = cJSON_ParseWithLength(text, len);
	free(text);
	format = cJSON_GetObjectItemCaseSensitive(obj, "format");
	k = cJSON_GetObjectItemCaseSensitive(obj, "key");
	if (!cJSON_IsNumber(format) || format->valuedouble != CALIBRATION_CACHE_FORMAT)
		warn_add(w, "%s: ignored: not a calibration file of this version", path);
	else if (!cJSON_IsString(k) || strcmp(k->valuestring, key) != 0)
		warn_add(w, "%s: ignored: calibrated on another machine or kernel", path);
	else if (calibrations_from_json(cJSON_GetObjectItemCaseSensitive(obj, "calibration"), path, hw, &err) < 0)
		warn_add(w, "%s: ignored: %s", path, err.msg);
	else
		rc = hw->calibration_count > 0 ? 0 : -1;
	if (rc < 0)
		hw->calibration_count = 0;
	cJSON_Delete(obj);
	return rc;
}

int calibration_cache_save(const char *path, const char *key, const struct hardware *hw,
			   struct error *err)
{
	cJSON *obj = cJSON_CreateObject();
	char *text;

	cJSON_AddNumberToObject(obj, "format", CALIBRATION_CACHE_FORMAT);
	cJSON_AddStringToObject(obj, "key", key);
	cJSON_AddItemToObject(obj, "calibration", calibrations_to_json(hw));
	text = cJSON_Print(obj);
	cJSON_Delete(obj);
	return save_text(path, text, err);
}

enum bench_figure bench_differs(const struct bench_result *a,
			       const struct bench_result *b, double limit)
{
	for (int f = 0; f < BF_COUNT; f++)
		if (a->rate[f] > 0 && b->rate[f] > 0 &&
		    fabs(a->rate[f] - b->rate[f]) > limit * b->rate[f])
			return (enum bench_figure)f;
	return BF_COUNT;
}

static double middle(double x, double y, double z)
{
	return x > y ? (y > z ? y : x > z ? z : x) : (x > z ? x : y > z ? z : y);
}

void bench_settle(const struct bench_result *cached, const struct bench_result *again,
		  struct bench_result *fresh)
{
	for (int f = 0; f < BF_COUNT; f++) {
		if (cached->rate[f] <= 0 || again->rate[f] <= 0 || fresh->rate[f] <= 0)
			continue;
		double m = middle(cached->rate[f], again->rate[f], fresh->rate[f]);

		if (m == again->rate[f])
			fresh->spread[f] = again->spread[f];
		else if (m == cached->rate[f])
			fresh->spread[f] = -1; /* the cache keeps no trials */
		fresh->rate[f] = m;
	}
	fresh->dropped_passes += again->dropped_passes;
	if (again->parallel_share < fresh->parallel_share)
		fresh->parallel_share = again->parallel_share;
	fresh->seconds += again->seconds;
}

void bench_apply(const struct bench_result *r, enum fact_source src,
		 struct hardware *hw)
{
	const struct { enum bench_figure f; double *slot; } map[] = {
		{ BF_Q4_0, &hw->cpu.q4_gbps }, { BF_Q4_K, &hw->cpu.q4_k_gbps },
		{ BF_Q6_K, &hw->cpu.q6_k_gbps }, { BF_Q8_0, &hw->cpu.q8_0_gbps },
		{ BF_Q4_0_CORE, &hw->cpu.q4_core_gbps }, { BF_Q4_K_CORE, &hw->cpu.q4_k_core_gbps },
		{ BF_Q6_K_CORE, &hw->cpu.q6_k_core_gbps }, { BF_Q8_0_CORE, &hw->cpu.q8_0_core_gbps },
		{ BF_MEM_READ, &hw->cpu.mem_read_gbps }, { BF_MEM_READ_CORE, &hw->cpu.mem_read_core_gbps },
		{ BF_PREFILL_Q4_0, &hw->cpu.prefill_gflops }, { BF_PREFILL_Q4_K, &hw->cpu.prefill_q4_k_gflops },
		{ BF_PREFILL_Q6_K, &hw->cpu.prefill_q6_k_gflops }, { BF_PREFILL_Q8_0, &hw->cpu.prefill_q8_0_gflops },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (r->rate[map[i].f] > 0)
			*map[i].slot = r->rate[map[i].f];
	if (r->rate[BF_Q4_0] > 0)
		hw->cpu.q4_source = src;
	if (r->disk_read_gbps > 0) {
		hw->disk.read_gbps = r->disk_read_gbps;
		hw->disk.read_source = src;
	}
}
