#include "model/scores.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonfile.h"

#define SCORES_FILE_MAX (1 << 20)

static int copy_name(const char *path, const char *what, const cJSON *v, char *out,
		     size_t size, struct error *err)
{
	if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) >= size)
		return error_set(err, "%s: %s: must be a non-empty string under %zu bytes",
				 path, what, size);
	memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

static int read_benchmark(const char *path, int i, const cJSON *obj, struct benchmark *b,
			  struct error *err)
{
	char what[64];
	const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(obj, "tasks"), *t;

	snprintf(what, sizeof(what), "benchmarks[%d].name", i);
	if (copy_name(path, what, cJSON_GetObjectItemCaseSensitive(obj, "name"), b->name,
		      sizeof(b->name), err) < 0)
		return -1;
	if (!cJSON_IsArray(tasks) || cJSON_GetArraySize(tasks) < 1 ||
	    cJSON_GetArraySize(tasks) > SCORES_TASKS_MAX)
		return error_set(err, "%s: benchmarks[%d] (%s): tasks: must list 1 to %d tasks",
				 path, i, b->name, SCORES_TASKS_MAX);
	cJSON_ArrayForEach(t, tasks) {
		snprintf(what, sizeof(what), "benchmarks[%d].tasks[%d]", i, b->task_count);
		if (copy_name(path, what, t, b->tasks[b->task_count], SCORES_NAME_MAX, err) < 0)
			return -1;
		b->task_count++;
	}
	return 0;
}

static bool is_url(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

/* "BENCH": null, or { "score": 0..100, "source": URL }. */
static int read_score(const char *path, int i, const struct model *m, const char *bench,
		      const cJSON *v, struct model_scores *ms, int b, struct error *err)
{
	const cJSON *score, *source;

	if (cJSON_IsNull(v))
		return 0;
	score = cJSON_GetObjectItemCaseSensitive(v, "score");
	source = cJSON_GetObjectItemCaseSensitive(v, "source");
	if (!cJSON_IsObject(v) || !cJSON_IsNumber(score) || score->valuedouble < 0 ||
	    score->valuedouble > 100)
		return error_set(err, "%s: models[%d] (%s): %s.score: must be a number from 0 to 100 "
				 "(or the benchmark null when unpublished)", path, i, m->id, bench);
	if (!cJSON_IsString(source) || !is_url(source->valuestring) ||
	    strlen(source->valuestring) >= sizeof(ms->by_bench[b].source))
		return error_set(err, "%s: models[%d] (%s): %s.source: must be the URL the score "
				 "was published at", path, i, m->id, bench);
	ms->known[b] = true;
	ms->by_bench[b].value = score->valuedouble;
	memcpy(ms->by_bench[b].source, source->valuestring, strlen(source->valuestring) + 1);
	return 0;
}

static int bench_index(const struct score_table *t, const char *name)
{
	for (int b = 0; b < t->bench_count; b++)
		if (strcmp(t->benchmarks[b].name, name) == 0)
			return b;
	return -1;
}

static int read_model_scores(const char *path, int i, const cJSON *obj, const struct catalog *cat,
			     struct score_table *t, struct error *err)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "model"), *field;
	struct model_scores *ms = &t->models[i];

	if (!cJSON_IsString(id) || !(ms->model = catalog_find(cat, id->valuestring)))
		return error_set(err, "%s: models[%d]: model: must be a catalogue id (models.json)",
				 path, i);
	for (int j = 0; j < i; j++)
		if (t->models[j].model == ms->model)
			return error_set(err, "%s: models[%d] (%s): listed twice", path, i, ms->model->id);
	cJSON_ArrayForEach(field, obj) {
		int b;

		if (strcmp(field->string, "model") == 0)
			continue;
		b = bench_index(t, field->string);
		if (b < 0)
			return error_set(err, "%s: models[%d] (%s): %s: not a benchmark listed in "
					 "\"benchmarks\"", path, i, ms->model->id, field->string);
		if (read_score(path, i, ms->model, field->string, field, ms, b, err) < 0)
			return -1;
	}
	return 0;
}

static int read_table(const char *path, const cJSON *root, const struct catalog *cat,
		      struct score_table *t, struct error *err)
{
	const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
	const cJSON *benches = cJSON_GetObjectItemCaseSensitive(root, "benchmarks");
	const cJSON *models = cJSON_GetObjectItemCaseSensitive(root, "models"), *item;
	int i = 0;

	if (!cJSON_IsNumber(version) || version->valuedouble != 1)
		return error_set(err, "%s: schema_version: must be 1", path);
	if (!cJSON_IsArray(benches) || cJSON_GetArraySize(benches) > SCORES_BENCH_MAX)
		return error_set(err, "%s: benchmarks: must be an array of at most %d",
				 path, SCORES_BENCH_MAX);
	cJSON_ArrayForEach(item, benches)
		if (read_benchmark(path, t->bench_count, item, &t->benchmarks[t->bench_count], err) < 0)
			return -1;
		else
			t->bench_count++;
	if (!cJSON_IsArray(models))
		return error_set(err, "%s: models: must be an array", path);
	t->models = calloc((size_t)cJSON_GetArraySize(models) + 1, sizeof(*t->models));
	if (!t->models)
		return error_set(err, "%s: out of memory", path);
	cJSON_ArrayForEach(item, models) {
		if (read_model_scores(path, i, item, cat, t, err) < 0)
			return -1;
		t->count = ++i;
	}
	return 0;
}

int scores_load(const char *path, const struct catalog *cat, struct score_table *table,
		struct error *err)
{
	cJSON *root;
	int rc;

	memset(table, 0, sizeof(*table));
	root = json_load_file(path, SCORES_FILE_MAX, err);
	if (!root)
		return -1;
	rc = read_table(path, root, cat, table, err);
	cJSON_Delete(root);
	if (rc < 0)
		scores_release(table);
	return rc;
}

void scores_release(struct score_table *table)
{
	free(table->models);
	memset(table, 0, sizeof(*table));
}

const struct benchmark *scores_benchmark_for(const struct score_table *t, const char *task)
{
	for (int b = 0; b < t->bench_count; b++)
		for (int k = 0; k < t->benchmarks[b].task_count; k++)
			if (strcmp(t->benchmarks[b].tasks[k], task) == 0)
				return &t->benchmarks[b];
	return NULL;
}

const struct score *scores_find(const struct score_table *t, const struct model *m,
				const struct benchmark *b)
{
	int bi = (int)(b - t->benchmarks);

	if (!b || bi < 0 || bi >= t->bench_count)
		return NULL;
	for (int i = 0; i < t->count; i++)
		if (t->models[i].model == m)
			return t->models[i].known[bi] ? &t->models[i].by_bench[bi] : NULL;
	return NULL;
}
