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

#include "util/sysfile.h"

#define CACHE_MAX_BYTES (64 * 1024)

/* The figures, by their JSON names; required ones must be positive. */
static const struct {
	const char *name;
	size_t offset;
	int required;
} rates[] = {
	{ "q4_0_gbps", offsetof(struct bench_result, q4_0_gbps), 1 },
	{ "q4_k_gbps", offsetof(struct bench_result, q4_k_gbps), 1 },
	{ "q6_k_gbps", offsetof(struct bench_result, q6_k_gbps), 1 },
	{ "q8_0_gbps", offsetof(struct bench_result, q8_0_gbps), 1 },
	{ "mem_read_gbps", offsetof(struct bench_result, mem_read_gbps), 1 },
	{ "prefill_gflops", offsetof(struct bench_result, prefill_gflops), 1 },
	{ "disk_read_gbps", offsetof(struct bench_result, disk_read_gbps), 0 },
	{ "seconds", offsetof(struct bench_result, seconds), 1 },
};

static double *rate_slot(struct bench_result *r, size_t i)
{
	return (double *)((char *)r + rates[i].offset);
}

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

/* Fills r from the parsed object; returns NULL or what is wrong. */
static const char *read_result(const cJSON *obj, const char *key, struct bench_result *r)
{
	const cJSON *format = cJSON_GetObjectItemCaseSensitive(obj, "format");
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(obj, "key");
	const cJSON *threads = cJSON_GetObjectItemCaseSensitive(obj, "threads");
	const cJSON *kernels = cJSON_GetObjectItemCaseSensitive(obj, "kernels");
	const cJSON *direct = cJSON_GetObjectItemCaseSensitive(obj, "disk_direct");

	if (!cJSON_IsNumber(format) || format->valuedouble != BENCH_CACHE_FORMAT)
		return "written by another version of canirun";
	if (!cJSON_IsString(k) || strcmp(k->valuestring, key) != 0)
		return "measured on another machine or kernel";
	if (!cJSON_IsNumber(threads) || threads->valuedouble < 1 || threads->valuedouble > 1e6)
		return "threads: not a positive number";
	if (!cJSON_IsString(kernels))
		return "kernels: not a string";
	bench_result_init(r);
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, rates[i].name);

		if (cJSON_IsNull(v) && !rates[i].required)
			continue;
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble <= 0)
			return rates[i].required ? "a rate is missing or not positive"
						 : "disk_read_gbps: not a positive number or null";
		*rate_slot(r, i) = v->valuedouble;
	}
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
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		double v = *rate_slot((struct bench_result *)r, i);

		if (v > 0)
			cJSON_AddNumberToObject(obj, rates[i].name, v);
		else
			cJSON_AddNullToObject(obj, rates[i].name);
	}
	cJSON_AddBoolToObject(obj, "disk_direct", r->disk_direct);
	text = cJSON_Print(obj);
	cJSON_Delete(obj);
	return text;
}

/* mkdir -p of the directory part of path */
static int make_parents(const char *path, struct error *err)
{
	char dir[4096];
	size_t len = strlen(path);

	if (len >= sizeof(dir))
		return error_set(err, "%s: path too long", path);
	memcpy(dir, path, len + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return error_set(err, "%s: cannot create: %s", dir, strerror(errno));
		*p = '/';
	}
	return 0;
}

static int write_fully(int fd, const char *text)
{
	size_t len = strlen(text), done = 0;

	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int bench_cache_save(const char *path, const char *key,
		     const struct bench_result *r, struct error *err)
{
	char tmp[4200];
	char *text;
	int fd, rc = 0;

	if (make_parents(path, err) < 0)
		return -1;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return error_set(err, "%s: path too long", path);
	text = result_json(key, r);
	if (!text)
		return error_set(err, "%s: out of memory", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		free(text);
		return error_set(err, "%s: cannot create a temporary file: %s", tmp, strerror(errno));
	}
	if (write_fully(fd, text) < 0 || fsync(fd) < 0)
		rc = error_set(err, "%s: write: %s", tmp, strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = error_set(err, "%s: close: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, path) < 0)
		rc = error_set(err, "%s: cannot replace: %s", path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	free(text);
	return rc;
}

void bench_apply(const struct bench_result *r, enum fact_source src,
		 struct hardware *hw)
{
	if (r->q4_0_gbps > 0) {
		hw->cpu.q4_gbps = r->q4_0_gbps;
		hw->cpu.q4_source = src;
	}
	if (r->q4_k_gbps > 0)
		hw->cpu.q4_k_gbps = r->q4_k_gbps;
	if (r->q6_k_gbps > 0)
		hw->cpu.q6_k_gbps = r->q6_k_gbps;
	if (r->q8_0_gbps > 0)
		hw->cpu.q8_0_gbps = r->q8_0_gbps;
	if (r->prefill_gflops > 0)
		hw->cpu.prefill_gflops = r->prefill_gflops;
	if (r->mem_read_gbps > 0)
		hw->cpu.mem_read_gbps = r->mem_read_gbps;
	if (r->disk_read_gbps > 0) {
		hw->disk.read_gbps = r->disk_read_gbps;
		hw->disk.read_source = src;
	}
}
