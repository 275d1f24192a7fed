/* show.c - `canirun show MODEL`: the model at every default
 * quantization (and --quant's), and the chosen one explained: memory parts,
 * placement per device, speed and times with their inputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/app.h"
#include "ui/figures.h"
#include "ui/explain.h"
#include "ui/costview.h"
#include "ui/estjson.h"
#include "cmd/jsonout.h"
#include "estimate/lineup.h"
#include "model/modelref.h"
#include "model/quant.h"

/* The model named and the quant it asks for: the name's own (a tag suffix),
 * else --quant's; has_ftype false: the estimator's best. */
struct wanted {
	struct model_ref ref;
	const char *id;
};

static int wanted_model(const struct app *app, struct wanted *w, struct error *err)
{
	if (model_resolve(&app->catalog, app->cli.args[0], &w->ref, err) < 0)
		return -1;
	w->id = w->ref.model->id;
	if (!w->ref.has_ftype && app->cli.quant) {
		if (ftype_by_name(app->cli.quant, &w->ref.ftype) < 0)
			return error_set(err, "--quant: unknown type '%s' (Q4_K_M, Q8_0, F16, ...)",
					 app->cli.quant);
		w->ref.has_ftype = true;
	}
	return 0;
}

/* Every listed type (with --all, the default set too), plus the wanted one
 * when it is not among them. */
static int quant_lineup(const struct app *app, const struct wanted *w, struct lineup *all,
			struct error *err)
{
	struct lineup_request req = { .names = &w->id, .name_count = 1, .every_quant = true,
				      .beyond_published = app->cli.all };
	struct estimate extra, *grown;

	if (lineup_build(&app->hw, &app->catalog, &app->settings, &req, all, err) < 0)
		return -1;
	if (!w->ref.has_ftype)
		return 0;
	for (int i = 0; i < all->count; i++)
		if (all->items[i].ftype == w->ref.ftype)
			return 0;
	if (estimate_ftype(&app->hw, w->ref.model, w->ref.ftype, &app->settings, &extra, err) < 0) {
		lineup_release(all);
		return -1;
	}
	grown = realloc(all->items, ((size_t)all->count + 1) * sizeof(*grown));
	if (!grown) {
		lineup_release(all);
		return error_set(err, "out of memory");
	}
	all->items = grown;
	all->items[all->count++] = extra;
	return 0;
}

/* The wanted type, else the estimator's best. */
static const struct estimate *chosen(const struct app *app, const struct wanted *w,
				     const struct lineup *all, struct estimate *best,
				     struct error *err)
{
	enum ftype want = w->ref.ftype;

	if (!w->ref.has_ftype) {
		if (estimate_best(&app->hw, w->ref.model, &app->settings, best, err) < 0)
			return NULL;
		want = best->ftype;
	}
	for (int i = 0; i < all->count; i++)
		if (all->items[i].ftype == want)
			return &all->items[i];
	return best;
}

static int print_json(const struct app *app, const struct lineup *all, const struct estimate *pick,
		      struct error *err)
{
	cJSON *doc = json_document(app);
	cJSON *list = cJSON_GetObjectItem(doc, "estimates");

	cJSON_AddStringToObject(doc, "selected_quant", ftype_name(pick->ftype));
	for (int i = 0; i < all->count; i++)
		cJSON_AddItemToArray(list, estimate_json_with_cost(app, &all->items[i]));
	return json_print(doc, err);
}

/* --cost: the chosen quant's cost block and how it is computed. */
static void show_cost(const struct app *app, const struct estimate *pick)
{
	struct cost_case c;

	cost_of(app, pick, &c);
	fputs("\nCost\n", stdout);
	cost_write_text(stdout, pick, &c, &app->costs);
	cost_write_formulas(stdout);
}

int cmd_show(struct app *app, struct error *err)
{
	struct wanted w;
	struct lineup all;
	struct estimate best;
	const struct estimate *pick;
	int rc = 0;

	if (wanted_model(app, &w, err) < 0 || quant_lineup(app, &w, &all, err) < 0)
		return -1;
	pick = chosen(app, &w, &all, &best, err);
	if (!pick) {
		rc = -1;
	} else if (app->cli.json) {
		rc = print_json(app, &all, pick, err);
	} else {
		struct detail d = { &app->hw, &app->settings, all.items, all.count, pick,
				    cell_output_columns() };

		detail_write(stdout, &d);
		if (app->cli.cost)
			show_cost(app, pick);
		if (fflush(stdout) == EOF)
			rc = error_set(err, "stdout: write failed");
	}
	lineup_release(&all);
	return rc;
}
