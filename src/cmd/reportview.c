#include "cmd/reportview.h"

#include <string.h>

static bool is_gguf_path(const char *arg)
{
	size_t n = strlen(arg);

	return n > 5 && strcmp(arg + n - 5, ".gguf") == 0;
}

/* MODEL arguments that are .gguf paths are read as files (all of them, or
 * none: a mix is refused). */
static int files_named(const struct cli *cli, bool *files, struct error *err)
{
	int paths = 0;

	for (int i = 0; i < cli->arg_count; i++)
		paths += is_gguf_path(cli->args[i]);
	*files = cli->command == CMD_GGUF || paths > 0;
	if (paths > 0 && paths < cli->arg_count)
		return error_set(err, "name either catalogue models or .gguf files, not both");
	return 0;
}

static int build(const struct app *app, const struct estimate_settings *set,
		 struct lineup *lineup, struct warnings *w, struct error *err)
{
	const struct cli *cli = &app->cli;
	struct lineup_request req = {
		.names = cli->args, .name_count = cli->arg_count,
		.quant = cli->quant, .every_quant = cli->all,
	};
	bool files;

	if (files_named(cli, &files, err) < 0)
		return -1;
	if (files)
		return lineup_from_files(&app->hw, set, cli->args, cli->arg_count, lineup, err);
	if (cli->command != CMD_LOCAL)
		return lineup_build(&app->hw, &app->catalog, set, &req, lineup, err);
	return lineup_from_local(&app->hw, &app->catalog, set, lineup, w, err);
}

int listing_build(const struct app *app, const struct estimate_settings *set,
		  struct lineup *lineup, struct rows *rows, struct warnings *w,
		  struct error *err)
{
	const struct cli *cli = &app->cli;

	memset(rows, 0, sizeof(*rows));
	if (build(app, set, lineup, w, err) < 0)
		return -1;
	if (rows_init(rows, lineup->items, lineup->count) < 0) {
		lineup_release(lineup);
		return error_set(err, "out of memory");
	}
	if (cli->sort)
		sort_key_parse(cli->sort, &rows->sort); /* cli_parse checked the name */
	rows->filter.fits_only = cli->fits_only;
	rows->filter.task = cli->task ? model_task_parse(cli->task) : 0;
	rows->filter.min_tok_s = cli->min_tok_per_s;
	rows_apply(rows);
	return 0;
}

int listing_rebuild(const struct app *app, const struct estimate_settings *set,
		    struct lineup *lineup, struct rows *rows, struct error *err)
{
	struct lineup next;

	if (build(app, set, &next, NULL, err) < 0)
		return -1;
	if (rows_set_items(rows, next.items, next.count) < 0) {
		lineup_release(&next);
		return error_set(err, "out of memory");
	}
	lineup_release(lineup);
	*lineup = next;
	return 0;
}

void listing_release(struct lineup *lineup, struct rows *rows)
{
	rows_release(rows);
	lineup_release(lineup);
}
