/* hw.c - `canirun hw`: the hardware picture and the power draw cost
 * assumes for it, as text or JSON. */
#include <stdio.h>

#include "cmd/app.h"
#include "ui/costview.h"
#include "ui/hwtext.h"
#include "cmd/jsonout.h"

/* The draw when every GPU generates (or the CPU, without GPUs). */
static void draw_assumed(const struct app *app, struct power_draw *out)
{
	struct fit all = { .placement = app->hw.gpu_count ? PLACE_GPU : PLACE_CPU };

	for (int g = 0; g < app->hw.gpu_count; g++)
		all.gpu[g].layers = 1;
	power_for_fit(&app->power, &app->gpu_table, &app->hw, &all, app->cli.costs.watts, out);
}

int cmd_hw(struct app *app, struct error *err)
{
	struct power_draw draw;
	cJSON *doc;

	draw_assumed(app, &draw);
	if (app->cli.json) {
		doc = json_document(app);
		cJSON_AddItemToObject(cJSON_GetObjectItem(doc, "hardware"), "power",
				      power_to_json(&app->power, &draw));
		return json_print(doc, err);
	}
	hw_print(stdout, &app->hw);
	power_write_text(stdout, &app->power, &draw);
	return fflush(stdout) == EOF ? error_set(err, "stdout: write failed") : 0;
}
