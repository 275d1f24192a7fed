/* test_reportview.c - what the report and the browser start from: the
 * listing returns the local stores' warnings to its caller (who prints
 * them) instead of printing them itself; warnings_print's lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/reportview.h"
#include "hw/hwjson.h"
#include "testlib.h"

static struct app app;

/* A llama.cpp cache under a fake HOME holding one file that is no GGUF. */
static void broken_local_store(void)
{
	char cache[600], cmd[1400];

	snprintf(cache, sizeof(cache), "%s/home/.cache/llama.cpp", test_tmpdir());
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp '%s' '%s/broken.gguf'", cache,
		 test_path("fixtures/gguf-broken/bad-magic.gguf"), cache);
	CHECK_INT(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/home", test_tmpdir());
	setenv("HOME", cmd, 1);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("LLAMA_CACHE");
	unsetenv("HF_HOME");
	unsetenv("HF_HUB_CACHE");
	unsetenv("OLLAMA_MODELS");
}

static void local_warnings_go_to_the_caller(void)
{
	struct estimate_settings set = { .ctx = 4096, .kv = KV_F16, .threads = 16,
					 .prompt_tokens = 1024 };
	struct warnings w = { 0 };
	struct error err = { "" };
	struct lineup lineup;
	struct rows rows;
	char models[600];

	broken_local_store();
	snprintf(models, sizeof(models), "%s/../data/models.json", test_path("."));
	CHECK_INT(catalog_load(models, &app.catalog, &err), 0);
	CHECK_INT(hw_load_profile(test_path("fixtures/profiles/desktop-3090.json"), &app.hw, &err), 0);
	app.cli.command = CMD_LOCAL;
	CHECK_INT(listing_build(&app, &set, &lineup, &rows, &w, &err), 0);
	CHECK_INT(lineup.count, 0);
	CHECK_INT(w.count, 1);
	CHECK_CONTAINS(w.msg[0], "broken.gguf");
	listing_release(&lineup, &rows);
	catalog_release(&app.catalog);
}

/* --task and --sort as typed ("CODE", "Speed": the command line accepts any
 * case) reach the rows; they used to be dropped silently. */
static void task_and_sort_names_any_case(void)
{
	struct estimate_settings set = { .ctx = 4096, .kv = KV_F16, .threads = 16,
					 .prompt_tokens = 1024 };
	struct error err = { "" };
	struct lineup lineup;
	struct rows rows;
	char models[600];

	snprintf(models, sizeof(models), "%s/../data/models.json", test_path("."));
	CHECK_INT(catalog_load(models, &app.catalog, &err), 0);
	CHECK_INT(hw_load_profile(test_path("fixtures/profiles/desktop-3090.json"), &app.hw, &err), 0);
	memset(&app.cli, 0, sizeof(app.cli));
	app.cli.command = CMD_REPORT;
	app.cli.task = "CODE";
	app.cli.sort = "Speed";
	CHECK_INT(listing_build(&app, &set, &lineup, &rows, NULL, &err), 0);
	CHECK_INT(rows.sort, SORT_SPEED);
	CHECK_INT(rows.filter.task, TASK_CODE);
	CHECK(rows.count > 0 && rows.count < lineup.count);
	for (int i = 0; i < rows.count; i++)
		CHECK(rows.items[rows.order[i]].model->tasks & TASK_CODE);
	listing_release(&lineup, &rows);
	catalog_release(&app.catalog);
}

static void warnings_print_lines(void)
{
	struct warnings w = { 0 };
	char text[256] = "";
	FILE *f = tmpfile();
	size_t n;

	warn_add(&w, "first %d", 1);
	warn_add(&w, "second");
	w.dropped = 3;
	warnings_print(&w, f);
	rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	CHECK_STR(text, "canirun: warning: first 1\ncanirun: warning: second\n"
		  "canirun: warning: 3 more warnings not shown\n");
}

TESTS(T(local_warnings_go_to_the_caller), T(task_and_sort_names_any_case),
      T(warnings_print_lines));
