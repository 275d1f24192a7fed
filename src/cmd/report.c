/* report.c - `canirun report` (and `canirun` when not on a terminal):
 * a header on the hardware and settings, then one line per estimate, fitted
 * to the terminal's width; or the same estimates as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/app.h"
#include "ui/estjson.h"
#include "cmd/jsonout.h"
#include "cmd/reportview.h"
#include "model/quant.h"
#include "ui/costview.h"
#include "ui/rpcview.h"

#define LINE_MAX_BYTES 1024
/* The --cost column: energy cost per 1M tokens, right-aligned. */
#define COST_COL_WIDTH 8

/* SGR colours by verdict: green fast, cyan usable, yellow slow, red no-fit. */
static const char *verdict_color(enum verdict v)
{
	static const char *const sgr[] = {
		[VERDICT_NO_FIT] = "\033[31m", [VERDICT_UNKNOWN] = "\033[2m",
		[VERDICT_SLOW] = "\033[33m",   [VERDICT_USABLE] = "\033[36m",
		[VERDICT_FAST] = "\033[32m",
	};
	return sgr[v];
}

/* line padded to the layout's width, then the cost cell (or its heading). */
static void append_cost(const struct app *app, const struct rows_layout *l,
			const struct estimate *e, char *line, size_t size)
{
	char cell[32];
	struct cost_case c;
	size_t len = strlen(line);

	if (e) {
		cost_of(app, e, &c);
		cost_cell(&c, cell, sizeof(cell));
	} else {
		cost_heading(&app->costs, cell, sizeof(cell));
	}
	snprintf(line + len, size - len, "%*s%*s", l->total - (int)len + ROWS_GAP, "",
		 COST_COL_WIDTH, cell);
}

static void print_line(const struct app *app, const struct rows_layout *l,
		       const struct estimate *e, bool color)
{
	char line[LINE_MAX_BYTES];
	int at = rows_column_offset(l, COL_VERDICT);

	rows_format_line(l, e, line, sizeof(line));
	if (app->cli.cost)
		append_cost(app, l, e, line, sizeof(line));
	if (!color || !e || at < 0 || at >= (int)strlen(line)) {
		puts(line);
		return;
	}
	printf("%.*s%s%.*s\033[0m%s\n", at, line, verdict_color(e->now.verdict),
	       l->width[COL_VERDICT], line + at, line + at + l->width[COL_VERDICT]);
}

/* text broken after ", " so that no line is wider than columns (a part
 * wider than that alone stays whole). */
static void print_wrapped(const char *text, int columns)
{
	int used = 0;

	while (*text) {
		const char *comma = strstr(text, ", ");
		int len = comma ? (int)(comma - text) + 1 : (int)strlen(text);

		if (used > 0 && used + 1 + len > columns) {
			putchar('\n');
			used = 0;
		}
		printf("%s%.*s", used ? " " : "", len, text);
		used += (used ? 1 : 0) + len;
		text += len + (comma ? 1 : 0);
	}
	putchar('\n');
}

static void print_header(const struct app *app, const struct rows *rows, int columns)
{
	char hw[1024], set[256], line[512], why[256];

	print_wrapped(cell_hw_summary(&app->hw, hw, sizeof(hw)), columns);
	for (int k = 1; k < app->cluster.node_count; k++) {
		snprintf(line, sizeof(line), "+ %s over %s (llama.cpp RPC): ", app->cluster.nodes[k].name,
			 app->cluster.link.name);
		print_wrapped(line, columns);
		print_wrapped(cell_hw_summary(app->cluster.nodes[k].hw, hw, sizeof(hw)), columns);
	}
	snprintf(line, sizeof(line), "%s, %d of %d shown, sorted by %s",
		 cell_settings_summary(&app->hw, &app->settings, set, sizeof(set)),
		 rows->count, rows->item_count, sort_key_name(rows->sort));
	print_wrapped(line, columns);
	if (cell_context_reason(&app->hw, &app->settings, why, sizeof(why)))
		print_wrapped(why, columns);
	putchar('\n');
}

/* `canirun local`: each store directory looked in and what it held. */
static cJSON *stores_json(const struct lineup *l)
{
	cJSON *list = cJSON_CreateArray();

	for (int i = 0; i < l->store_dir_count; i++) {
		const struct local_store_dir *d = &l->store_dirs[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "store", localstore_name(d->store));
		cJSON_AddStringToObject(o, "path", d->path);
		cJSON_AddBoolToObject(o, "exists", d->exists);
		cJSON_AddNumberToObject(o, "models", (double)d->models);
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

/* No downloaded model at all: say where canirun looked. */
static void print_empty_stores(const struct lineup *l)
{
	puts("No downloaded models found. Looked in:");
	for (int i = 0; i < l->store_dir_count; i++)
		printf("  %-12s %s (%s)\n", localstore_name(l->store_dirs[i].store),
		       l->store_dirs[i].path, l->store_dirs[i].exists ? "no models" : "not there");
	puts("(OLLAMA_MODELS, HF_HUB_CACHE, HF_HOME and LLAMA_CACHE move these stores.)");
}

static int print_json(const struct app *app, const struct lineup *lineup, const struct rows *rows,
		      struct error *err)
{
	cJSON *doc = json_document(app);
	cJSON *list = cJSON_GetObjectItem(doc, "estimates");

	if (app->cli.command == CMD_LOCAL)
		cJSON_AddItemToObject(doc, "stores_searched", stores_json(lineup));
	for (int i = 0; i < rows->count; i++)
		cJSON_AddItemToArray(list, estimate_json_with_cost(app, &rows->items[rows->order[i]]));
	return json_print(doc, err);
}

/* --node, a pooled row e not slower than one node alone: the first listed
 * type below e's (best quality first) that one node alone runs faster than
 * the cluster runs e. Returns 1 and the note, 0 when none, -1 with err. */
static int smaller_alone_note(const struct app *app, const struct estimate *e, char *note,
			      size_t size, struct error *err)
{
	enum ftype types[ESTIMATE_LISTED_MAX];
	int n = estimate_listed_ftypes(e->model, false, types), at = n, found = 0;
	struct estimate *q = malloc(sizeof(*q));

	if (!q)
		return error_set(err, "out of memory");
	for (int i = 0; i < n; i++)
		at = types[i] == e->ftype ? i : at;
	for (int i = at + 1; i < n && !found; i++) {
		if (estimate_ftype(&app->hw, e->model, types[i], &app->settings, q, err) < 0) {
			free(q);
			return -1;
		}
		if (rpc_smaller_alone(e, q, 1)) {
			rpc_smaller_note(e, q, note, size);
			found = 1;
		}
	}
	free(q);
	return found;
}

/* --node: the models that run faster on one of the machines alone, at
 * their quant or a smaller one. */
static int print_alone_notes(const struct app *app, const struct rows *rows, struct error *err)
{
	char note[256];
	bool first = true;

	for (int i = 0; i < rows->count; i++) {
		const struct estimate *e = &rows->items[rows->order[i]];
		int smaller = 0;

		if (!e->rpc.used)
			continue;
		if (!rpc_alone_note(e, note, sizeof(note)) &&
		    (smaller = smaller_alone_note(app, e, note, sizeof(note), err)) <= 0) {
			if (smaller < 0)
				return -1;
			continue;
		}
		if (first)
			puts("\nFaster on one machine alone than pooled (run these there):");
		first = false;
		printf("  %s\n", note);
	}
	return 0;
}

static int print_table(const struct app *app, const struct rows *rows, struct error *err)
{
	struct rows_layout layout;
	int columns = cell_output_columns();
	bool color = app->cli.color && isatty(STDOUT_FILENO);

	rows_layout(rows, columns - (app->cli.cost ? ROWS_GAP + COST_COL_WIDTH : 0), 0, &layout);
	print_header(app, rows, columns);
	print_line(app, &layout, NULL, false);
	for (int i = 0; i < rows->count; i++)
		print_line(app, &layout, &rows->items[rows->order[i]], color);
	if (rows->count == 0)
		puts("(no model matches the filters)");
	for (int i = 0; i < rows->count; i++)
		if (rows->items[rows->order[i]].quant_lowered_for_memory) {
			printf("\n* below %s only because no quant at or above it fits in memory\n",
			       ftype_name(ESTIMATE_QUANT_FLOOR));
			break;
		}
	if (print_alone_notes(app, rows, err) < 0)
		return -1;
	if (app->cli.cost)
		printf("\n%s/1M: electricity per 1M generated tokens at %.4f %s/kWh (power from\n"
		       "data/power.json or --watts); 'canirun cost' adds hardware and the alternatives.\n",
		       app->costs.currency, app->costs.kwh_price, app->costs.currency);
	return 0;
}

int cmd_report(struct app *app, struct error *err)
{
	struct lineup lineup;
	struct rows rows;
	struct warnings w = { 0 };
	int rc = 0;

	rc = listing_build(app, &app->settings, &lineup, &rows, &w, err);
	warnings_print(&w, stderr);
	if (rc < 0)
		return -1;
	if (app->cli.json) {
		rc = print_json(app, &lineup, &rows, err);
	} else if (app->cli.command == CMD_LOCAL && lineup.count == 0) {
		print_empty_stores(&lineup);
		if (fflush(stdout) == EOF)
			rc = error_set(err, "stdout: write failed");
	} else {
		rc = print_table(app, &rows, err);
		if (fflush(stdout) == EOF && rc == 0)
			rc = error_set(err, "stdout: write failed");
	}
	listing_release(&lineup, &rows);
	return rc;
}
