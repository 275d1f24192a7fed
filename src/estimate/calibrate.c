/* calibrate.c - llama-bench and Ollama timings parsed, and their factors
 * against canirun's estimates merged into calibrations.
 *
 * Formats (ggml-org/llama.cpp tools/llama-bench/llama-bench.cpp printers):
 * csv and json/jsonl carry the fields model_filename, n_prompt, n_gen,
 * n_depth (newer builds), n_threads, n_gpu_layers and avg_ts; the markdown
 * table has columns "threads", "ngl" (absent on CPU builds, whose "backend"
 * is CPU), "test" ("pp512", "tg128", "pp512 @ d4096") and "t/s" ("67.11 ±
 * 0.32"). `ollama run --verbose` prints "prompt eval count", "prompt eval
 * rate", "eval count" and "eval rate" lines (ollama/ollama api/types.go
 * Metrics.Summary). */
#include "estimate/calibrate.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/numparse.h"

#define FIELD_MAX 64
#define LINE_MAX_CHARS 4096

static int add_run(struct measured_runs *r, const struct measured_run *run, struct error *err)
{
	if (r->count == r->cap) {
		int cap = r->cap ? r->cap * 2 : 16;
		struct measured_run *p = realloc(r->items, sizeof(*p) * (size_t)cap);

		if (!p)
			return error_set(err, "out of memory");
		r->items = p;
		r->cap = cap;
	}
	r->items[r->count++] = *run;
	return 0;
}

void measured_runs_release(struct measured_runs *r)
{
	free(r->items);
	memset(r, 0, sizeof(*r));
}

static void blank_run(struct measured_run *run, int line)
{
	memset(run, 0, sizeof(*run));
	run->threads = run->gpu_layers = -1;
	run->line = line;
}

/* A run needs a speed and a test. */
static bool usable(const struct measured_run *run)
{
	return run->tok_s > 0 && isfinite(run->tok_s) && (run->n_gen > 0 || run->n_prompt > 0);
}

/* ---- one line at a time ---- */

/* Copies line number n's text (from *pos) into buf; returns false at the end. */
static bool next_line(const char **pos, char *buf, size_t size)
{
	const char *p = *pos, *end;
	size_t n;

	if (!*p)
		return false;
	end = strchr(p, '\n');
	n = end ? (size_t)(end - p) : strlen(p);
	*pos = end ? end + 1 : p + n;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* Splits line at sep (double quotes protect separators, "" is a quote)
 * into at most max fields pointing into line; returns the count. */
static int split(char *line, char sep, char **fields, int max)
{
	int n = 0;
	char *out = line, *p = line;

	while (n < max) {
		bool quoted = false;

		fields[n++] = out;
		for (; *p && (quoted || *p != sep); p++) {
			if (*p == '"' && quoted && p[1] == '"')
				*out++ = *++p;
			else if (*p == '"')
				quoted = !quoted;
			else
				*out++ = *p;
		}
		if (!*p) {
			*out = '\0';
			break;
		}
		*out++ = '\0';
		p++;
	}
	for (int i = 0; i < n; i++)
		fields[i] = trim(fields[i]);
	return n;
}

static int column(char **names, int count, const char *name)
{
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

static int to_int(const char *s, int fallback)
{
	int v;

	return s && parse_int(s, 0, 1 << 30, &v) == 0 ? v : fallback;
}

static double to_double(const char *s)
{
	double v;

	return s && parse_double(s, &v) == 0 ? v : -1;
}

/* ---- llama-bench CSV ---- */

static int parse_csv(const char *text, const char *file, struct measured_runs *out,
		     struct error *err)
{
	static char header[LINE_MAX_CHARS], line[LINE_MAX_CHARS];
	char *names[FIELD_MAX], *f[FIELD_MAX];
	const char *pos = text;
	int count, lineno = 1, c_file, c_p, c_g, c_d, c_t, c_ngl, c_ts, c_backends;

	if (!next_line(&pos, header, sizeof(header)))
		return 0;
	count = split(header, ',', names, FIELD_MAX);
	c_file = column(names, count, "model_filename");
	c_p = column(names, count, "n_prompt");
	c_g = column(names, count, "n_gen");
	c_d = column(names, count, "n_depth");
	c_t = column(names, count, "n_threads");
	c_ngl = column(names, count, "n_gpu_layers");
	c_ts = column(names, count, "avg_ts");
	c_backends = column(names, count, "backends");
	if (c_p < 0 || c_g < 0 || c_ts < 0)
		return error_set(err, "%s: line 1: a llama-bench CSV header needs n_prompt, n_gen and avg_ts", file);
	while (next_line(&pos, line, sizeof(line))) {
		struct measured_run run;
		int n;

		lineno++;
		if (!*trim(line))
			continue;
		n = split(line, ',', f, FIELD_MAX);
		blank_run(&run, lineno);
		if (n != count)
			return error_set(err, "%s: line %d: %d fields where the header has %d", file, lineno, n, count);
		if (c_file >= 0)
			snprintf(run.model_path, sizeof(run.model_path), "%s", f[c_file]);
		run.n_prompt = to_int(f[c_p], 0);
		run.n_gen = to_int(f[c_g], 0);
		run.depth = c_d >= 0 ? to_int(f[c_d], 0) : 0;
		run.threads = c_t >= 0 ? to_int(f[c_t], -1) : -1;
		run.gpu_layers = c_ngl >= 0 ? to_int(f[c_ngl], -1) : -1;
		if (c_backends >= 0 && strcmp(f[c_backends], "CPU") == 0)
			run.gpu_layers = 0; /* a CPU build reports -ngl 99 yet runs on the CPU */
		run.tok_s = to_double(f[c_ts]);
		if (!usable(&run))
			return error_set(err, "%s: line %d: avg_ts: not a positive speed", file, lineno);
		if (add_run(out, &run, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- llama-bench JSON / JSONL ---- */

static int json_int(const cJSON *o, const char *name, int fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v);
	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < (1 << 30) ?
	       (int)v->valuedouble : fallback;
}

static int json_run(const cJSON *o, const char *file, int index, struct measured_runs *out,
		    struct error *err)
{
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(o, "model_filename");
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(o, "avg_ts");
	const cJSON *backends = cJSON_GetObjectItemCaseSensitive(o, "backends");
	struct measured_run run;

	blank_run(&run, index + 1);
	if (cJSON_IsString(path))
		snprintf(run.model_path, sizeof(run.model_path), "%s", path->valuestring);
	run.n_prompt = json_int(o, "n_prompt", 0);
	run.n_gen = json_int(o, "n_gen", 0);
	run.depth = json_int(o, "n_depth", 0);
	run.threads = json_int(o, "n_threads", -1);
	run.gpu_layers = json_int(o, "n_gpu_layers", -1);
	if (cJSON_IsString(backends) && strcmp(backends->valuestring, "CPU") == 0)
		run.gpu_layers = 0;
	run.tok_s = cJSON_IsNumber(ts) ? ts->valuedouble : -1;
	if (!usable(&run))
		return error_set(err, "%s: run %d: needs n_prompt or n_gen and a positive avg_ts", file, index + 1);
	return add_run(out, &run, err);
}

static int parse_json(const char *text, const char *file, struct measured_runs *out,
		      struct error *err)
{
	cJSON *doc = cJSON_Parse(text);
	const cJSON *o;
	int i = 0, rc = 0;

	if (!cJSON_IsArray(doc)) {
		cJSON_Delete(doc);
		return error_set(err, "%s: not a llama-bench JSON array", file);
	}
	cJSON_ArrayForEach(o, doc)
		if ((rc = json_run(o, file, i++, out, err)) < 0)
			break;
	cJSON_Delete(doc);
	return rc;
}

static int parse_jsonl(const char *text, const char *file, struct measured_runs *out,
		       struct error *err)
{
	static char line[LINE_MAX_CHARS];
	const char *pos = text;
	int lineno = 0;

	while (next_line(&pos, line, sizeof(line))) {
		cJSON *o;
		int rc;

		lineno++;
		if (!*trim(line))
			continue;
		if (!(o = cJSON_Parse(line)))
			return error_set(err, "%s: line %d: not a JSON object", file, lineno);
		rc = json_run(o, file, lineno - 1, out, err);
		cJSON_Delete(o);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- llama-bench markdown ---- */

/* "pp512", "tg128", "pp512 @ d4096"; false for anything else ("pp512+tg128"). */
static bool read_test(const char *test, struct measured_run *run)
{
	int n, depth = 0, used = 0;
	char kind[3];

	if (sscanf(test, "%2[a-z]%d%n", kind, &n, &used) != 2 || n <= 0)
		return false;
	if (test[used] && sscanf(test + used, " @ d%d", &depth) != 1)
		return false;
	if (strcmp(kind, "pp") == 0)
		run->n_prompt = n;
	else if (strcmp(kind, "tg") == 0)
		run->n_gen = n;
	else
		return false;
	run->depth = depth;
	return true;
}

static int parse_markdown(const char *text, const char *file, struct measured_runs *out,
			  struct error *err)
{
	static char header[LINE_MAX_CHARS], line[LINE_MAX_CHARS];
	char *names[FIELD_MAX], *f[FIELD_MAX];
	const char *pos = text;
	int count = 0, lineno = 0, c_t = -1, c_ngl = -1, c_test = -1, c_ts = -1, c_backend = -1;

	while (next_line(&pos, line, sizeof(line))) {
		struct measured_run run;
		char *row = trim(line);
		int n;

		lineno++;
		if (row[0] != '|')
			continue;
		if (count == 0) {
			memcpy(header, row, strlen(row) + 1);
			count = split(header + 1, '|', names, FIELD_MAX);
			c_t = column(names, count, "threads");
			c_ngl = column(names, count, "ngl");
			c_test = column(names, count, "test");
			c_ts = column(names, count, "t/s");
			c_backend = column(names, count, "backend");
			if (c_test < 0 || c_ts < 0)
				return error_set(err, "%s: line %d: a llama-bench table needs test and t/s columns",
						 file, lineno);
			continue;
		}
		if (strspn(row, "|-: ") == strlen(row))
			continue; /* the |---| rule */
		n = split(row + 1, '|', f, FIELD_MAX);
		if (n < count)
			return error_set(err, "%s: line %d: %d columns where the header has %d", file, lineno, n, count);
		blank_run(&run, lineno);
		if (!read_test(f[c_test], &run))
			continue; /* pp+tg and other combined tests */
		run.threads = c_t >= 0 ? to_int(f[c_t], -1) : -1;
		run.gpu_layers = c_ngl >= 0 ? to_int(f[c_ngl], -1) :
				 c_backend >= 0 && strcmp(f[c_backend], "CPU") == 0 ? 0 : -1;
		run.tok_s = strtod(f[c_ts], NULL); /* "67.11 ± 0.32": the mean first */
		if (!usable(&run))
			return error_set(err, "%s: line %d: t/s: not a positive speed", file, lineno);
		if (add_run(out, &run, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- ollama run --verbose ---- */

static int parse_ollama(const char *text, const char *file, struct measured_runs *out,
			struct error *err)
{
	static char line[LINE_MAX_CHARS];
	const char *pos = text;
	int lineno = 0, prompt_count = 0, eval_count = 0;
	double rate;

	while (next_line(&pos, line, sizeof(line))) {
		struct measured_run run;
		char *l = trim(line);

		lineno++;
		blank_run(&run, lineno);
		if (sscanf(l, "prompt eval count: %d", &prompt_count) == 1 ||
		    sscanf(l, "eval count: %d", &eval_count) == 1)
			continue;
		if (sscanf(l, "prompt eval rate: %lf", &rate) == 1) {
			run.n_prompt = prompt_count > 0 ? prompt_count : 512;
		} else if (sscanf(l, "eval rate: %lf", &rate) == 1) {
			run.n_gen = eval_count > 0 ? eval_count : 128;
			run.depth = prompt_count;
		} else {
			continue;
		}
		run.tok_s = rate;
		if (!usable(&run))
			return error_set(err, "%s: line %d: not a positive rate", file, lineno);
		if (add_run(out, &run, err) < 0)
			return -1;
	}
	return 0;
}

int measured_runs_parse(const char *text, const char *file, struct measured_runs *out,
			struct error *err)
{
	const char *p = text + strspn(text, " \t\r\n");
	int before = out->count, rc;

	if (*p == '[')
		rc = parse_json(p, file, out, err);
	else if (*p == '{')
		rc = parse_jsonl(p, file, out, err);
	else if (strstr(p, "eval rate:"))
		rc = parse_ollama(p, file, out, err);
	else if (*p == '|' || strstr(p, "\n|"))
		rc = parse_markdown(p, file, out, err);
	else
		rc = parse_csv(p, file, out, err);
	if (rc == 0 && out->count == before)
		rc = error_set(err, "%s: no llama-bench or Ollama timings found", file);
	return rc;
}

/* ---- the fit ---- */

static struct calibration *entry_for(struct hardware *hw, const struct run_check *c)
{
	for (int i = 0; i < hw->calibration_count; i++) {
		struct calibration *e = &hw->calibrations[i];

		if (e->device == c->device && e->weight == c->weight && e->threads == c->threads)
			return e;
	}
	return NULL;
}

/* The geometric mean of the factors of checks like c (same kind and phase). */
static double mean_factor(const struct run_check *checks, int count, const struct run_check *c,
			  bool prefill, int *runs)
{
	double logs = 0;

	*runs = 0;
	for (int i = 0; i < count; i++) {
		const struct run_check *k = &checks[i];

		if (k->prefill != prefill || k->estimated_tok_s <= 0 || k->device != c->device ||
		    k->weight != c->weight || k->threads != c->threads)
			continue;
		logs += log(k->run->tok_s / k->estimated_tok_s);
		(*runs)++;
	}
	return *runs ? exp(logs / *runs) : -1;
}

int calibration_merge(struct hardware *hw, const struct run_check *checks, int count,
		      struct error *err)
{
	int written = 0;

	for (int i = 0; i < count; i++) {
		const struct run_check *c = &checks[i];
		struct calibration *e;
		int dr, pr;
		double d, p;

		if (c->estimated_tok_s <= 0)
			continue;
		d = mean_factor(checks, count, c, false, &dr);
		p = mean_factor(checks, count, c, true, &pr);
		if (!(e = entry_for(hw, c))) {
			if (hw->calibration_count == HW_MAX_CALIBRATIONS)
				return error_set(err, "calibration: more than %d kinds of run", HW_MAX_CALIBRATIONS);
			e = &hw->calibrations[hw->calibration_count++];
			*e = (struct calibration){ c->device, c->weight, c->threads, -1, -1, 0, 0 };
			written++;
		}
		if (dr > 0) {
			e->decode_factor = d;
			e->decode_runs = dr;
		}
		if (pr > 0) {
			e->prefill_factor = p;
			e->prefill_runs = pr;
		}
	}
	return written;
}
