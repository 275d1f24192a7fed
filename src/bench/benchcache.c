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
#include "util/stats.h"
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

/* The cache file at path as JSON of format, made for key. NULL when it is
 * absent (why "") or cannot be used (why says so, for "<path>: ignored:
 * <why>"). */
static cJSON *cache_open(const char *path, int format, const char *key, char *why, size_t size)
{
	struct error err;
	const cJSON *f, *k;
	size_t len;
	char *text;
	cJSON *obj;

	why[0] = '\0';
	if (access(path, F_OK) != 0)
		return NULL;
	if (!(text = fs_read_all(path, CACHE_MAX_BYTES, &len, &err))) {
		snprintf(why, size, "%s", err.msg);
		return NULL;
	}
	obj = cJSON_ParseWithLength(text, len);
	free(text);
	f = cJSON_GetObjectItemCaseSensitive(obj, "format");
	k = cJSON_GetObjectItemCaseSensitive(obj, "key");
	if (!cJSON_IsObject(obj))
		snprintf(why, size, "not a JSON object");
	else if (!cJSON_IsNumber(f) || f->valuedouble != format)
		snprintf(why, size, "written by another version of canirun");
	else if (!cJSON_IsString(k) || strcmp(k->valuestring, key) != 0)
		snprintf(why, size, "measured on another machine or kernel");
	else
		return obj;
	cJSON_Delete(obj);
	return NULL;
}

/* A number within lim (of the --hw profiles, hw_limit), or null when
 * nullable (*out -1); else -1 with why naming the field and the range. */
static int limited(const cJSON *obj, const char *field, const char *limit_of, bool nullable,
		   double *out, char *why, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	struct value_limit lim = hw_limit(limit_of);

	if (nullable && cJSON_IsNull(v)) {
		*out = -1;
		return 0;
	}
	if (cJSON_IsNumber(v) && value_in_limit(v->valuedouble, &lim)) {
		*out = v->valuedouble;
		return 0;
	}
	snprintf(why, size, "%s: must be a number from %s%s", field, lim.text,
		 nullable ? ", or null" : "");
	return -1;
}

/* Fills r from the file's object; -1 with why. Rates take the profiles'
 * limits: a cache is one more door for the same facts. */
static int read_result(const cJSON *obj, struct bench_result *r, char *why, size_t size)
{
	const cJSON *kernels = cJSON_GetObjectItemCaseSensitive(obj, "kernels");
	double threads, seconds;

	bench_result_init(r);
	if (limited(obj, "threads", "threads", false, &threads, why, size) < 0)
		return -1;
	if (!cJSON_IsString(kernels))
		return snprintf(why, size, "kernels: not a string"), -1;
	for (int f = 0; f < BF_COUNT; f++) {
		const char *name = bench_figure_name((enum bench_figure)f);

		if (limited(obj, name, strstr(name, "_gflops") ? "prefill_gflops" : "mem_read_gbps",
			    false, &r->rate[f], why, size) < 0)
			return -1;
	}
	if (limited(obj, "seconds", "bench_seconds", false, &seconds, why, size) < 0 ||
	    limited(obj, "disk_read_gbps", "read_gbps", true, &r->disk_read_gbps, why, size) < 0)
		return -1;
	r->seconds = seconds;
	r->threads = (int)threads;
	r->disk_direct = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "disk_direct"));
	snprintf(r->kernels, sizeof(r->kernels), "%s", kernels->valuestring);
	return 0;
}

/* Fills runs from the file's "runs" array, all of one setup (threads and
 * kernels); -1 with why naming the run. */
static int read_runs(const cJSON *obj, struct bench_runs *runs, char *why, size_t size)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(obj, "runs"), *item;
	int n = cJSON_GetArraySize(list);
	char inner[ERROR_MSG_MAX];

	runs->count = 0;
	if (!cJSON_IsArray(list) || n < 1 || n > BENCH_KEPT_RUNS)
		return snprintf(why, size, "runs: must be an array of 1 to %d runs", BENCH_KEPT_RUNS), -1;
	cJSON_ArrayForEach(item, list) {
		struct bench_result *r = &runs->run[runs->count];

		if (read_result(item, r, inner, sizeof(inner)) < 0)
			return snprintf(why, size, "runs[%d]: %s", runs->count, inner), -1;
		if (runs->count > 0 && !bench_runs_comparable(runs, r))
			return snprintf(why, size, "runs[%d]: threads or kernels differ from runs[0]'s",
					runs->count), -1;
		runs->count++;
	}
	return 0;
}

int bench_cache_load(const char *path, const char *key, struct bench_runs *runs,
		     struct warnings *w)
{
	char why[ERROR_MSG_MAX];
	cJSON *obj = cache_open(path, BENCH_CACHE_FORMAT, key, why, sizeof(why));
	int rc = obj ? read_runs(obj, runs, why, sizeof(why)) : -1;

	cJSON_Delete(obj);
	if (rc < 0) {
		runs->count = 0;
		if (why[0])
			warn_add(w, "%s: ignored: %s; run 'canirun bench' to measure again", path, why);
	}
	return rc;
}

static void add_known(cJSON *obj, const char *name, double value)
{
	if (value > 0)
		cJSON_AddNumberToObject(obj, name, value);
	else
		cJSON_AddNullToObject(obj, name);
}

static cJSON *run_json(const struct bench_result *r)
{
	cJSON *obj = cJSON_CreateObject();

	cJSON_AddNumberToObject(obj, "threads", r->threads);
	cJSON_AddStringToObject(obj, "kernels", r->kernels);
	for (int f = 0; f < BF_COUNT; f++)
		add_known(obj, bench_figure_name((enum bench_figure)f), r->rate[f]);
	add_known(obj, "disk_read_gbps", r->disk_read_gbps);
	cJSON_AddNumberToObject(obj, "seconds", r->seconds);
	cJSON_AddBoolToObject(obj, "disk_direct", r->disk_direct);
	return obj;
}

static char *runs_json(const char *key, const struct bench_runs *runs)
{
	cJSON *obj = cJSON_CreateObject(), *list = cJSON_CreateArray();
	char *text;

	cJSON_AddNumberToObject(obj, "format", BENCH_CACHE_FORMAT);
	cJSON_AddStringToObject(obj, "key", key);
	for (int i = 0; i < runs->count; i++)
		cJSON_AddItemToArray(list, run_json(&runs->run[i]));
	cJSON_AddItemToObject(obj, "runs", list);
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
		     const struct bench_runs *runs, struct error *err)
{
	return save_text(path, runs_json(key, runs), err);
}

bool bench_runs_comparable(const struct bench_runs *runs, const struct bench_result *r)
{
	return runs->count > 0 && runs->run[0].threads == r->threads &&
	       strcmp(runs->run[0].kernels, r->kernels) == 0;
}

void bench_runs_add(struct bench_runs *runs, const struct bench_result *r)
{
	if (!bench_runs_comparable(runs, r))
		runs->count = 0;
	if (runs->count == BENCH_KEPT_RUNS) {
		memmove(runs->run, runs->run + 1, sizeof(runs->run[0]) * (BENCH_KEPT_RUNS - 1));
		runs->count--;
	}
	runs->run[runs->count++] = *r;
}

/* Figure f's median over the runs that measured it (f BF_COUNT: the disk
 * read), -1 when none did. */
static double median_known(const struct bench_runs *runs, int f)
{
	double v[BENCH_KEPT_RUNS];
	int n = 0;

	for (int i = 0; i < runs->count; i++) {
		double x = f < BF_COUNT ? runs->run[i].rate[f] : runs->run[i].disk_read_gbps;

		if (x > 0)
			v[n++] = x;
	}
	return n > 0 ? median_in_place(v, n) : -1;
}

void bench_runs_kept(const struct bench_runs *runs, struct bench_result *kept)
{
	*kept = runs->run[runs->count - 1];
	for (int f = 0; f < BF_COUNT; f++) {
		kept->rate[f] = median_known(runs, f);
		kept->spread[f] = -1;
	}
	kept->disk_read_gbps = median_known(runs, BF_COUNT);
	for (int i = runs->count - 1; i >= 0; i--)
		if (runs->run[i].disk_read_gbps > 0) {
			kept->disk_direct = runs->run[i].disk_direct;
			break;
		}
}

int bench_runs_to_make(int kept_with_first, int wanted)
{
	if (wanted > 0)
		return wanted;
	return kept_with_first == 1 ? BENCH_FIRST_RUNS : 1;
}

void bench_runs_combine(const struct bench_runs *runs, struct bench_result *out)
{
	bench_runs_kept(runs, out);
	out->seconds = 0;
	out->dropped_passes = 0;
	out->parallel_share = -1;
	for (int i = 0; i < runs->count; i++) {
		const struct bench_result *r = &runs->run[i];

		for (int f = 0; f < BF_COUNT; f++)
			if (r->spread[f] > out->spread[f])
				out->spread[f] = r->spread[f];
		out->seconds += r->seconds;
		out->dropped_passes += r->dropped_passes;
		if (r->parallel_share >= 0 &&
		    (out->parallel_share < 0 || r->parallel_share < out->parallel_share))
			out->parallel_share = r->parallel_share;
	}
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
	char why[ERROR_MSG_MAX];
	cJSON *obj = cache_open(path, CALIBRATION_CACHE_FORMAT, key, why, sizeof(why));
	int rc = -1;

	if (obj && calibrations_from_json(cJSON_GetObjectItemCaseSensitive(obj, "calibration"),
					  path, hw, &err) < 0)
		snprintf(why, sizeof(why), "%s", err.msg);
	else if (obj)
		rc = hw->calibration_count > 0 ? 0 : -1;
	if (rc < 0 && why[0])
		warn_add(w, "%s: ignored: %s", path, why);
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
		{ BF_PREFILL_Q4_0_CORE, &hw->cpu.prefill_core_gflops },
		{ BF_PREFILL_Q4_K_CORE, &hw->cpu.prefill_q4_k_core_gflops },
		{ BF_PREFILL_Q6_K_CORE, &hw->cpu.prefill_q6_k_core_gflops },
		{ BF_PREFILL_Q8_0_CORE, &hw->cpu.prefill_q8_0_core_gflops },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (r->rate[map[i].f] > 0)
			*map[i].slot = r->rate[map[i].f];
	/* elsewhere they time what prefill_q4_k/q8_0_gflops do */
	if (bench_prefill_tiled(r) && r->rate[BF_PREFILL_SIMD] > 0)
		hw->cpu.prefill_simd_gflops = r->rate[BF_PREFILL_SIMD];
	if (bench_prefill_tiled(r) && r->rate[BF_PREFILL_SIMD_Q8_0] > 0)
		hw->cpu.prefill_simd_q8_0_gflops = r->rate[BF_PREFILL_SIMD_Q8_0];
	if (r->rate[BF_Q4_0] > 0)
		hw->cpu.q4_source = src;
	if (r->disk_read_gbps > 0) {
		hw->disk.read_gbps = r->disk_read_gbps;
		hw->disk.read_source = src;
	}
}
