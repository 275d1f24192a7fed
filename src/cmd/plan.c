/* plan.c - `canirun plan`: the stack this machine should serve, task by
 * task (decide/plan.h), as text or as the JSON document's "plan". */
#include <stdio.h>

#include "cmd/app.h"
#include "cmd/jsonout.h"
#include "decide/plan.h"
#include "ui/planjson.h"
#include "ui/plantext.h"

int cmd_plan(struct app *app, struct error *err)
{
	struct plan_request req = { .users = app->cli.users, .quant = app->cli.quant };
	static struct plan plan;
	cJSON *doc;

	/* Without --ctx plan_build serves at PLAN_DEFAULT_CTX; --ctx max has no
	 * one context to serve at. */
	if (app->settings.ctx == 0)
		return error_set(err, "plan: --ctx max differs per model; give a token count");
	if (app->cli.task && plan_tasks_parse(app->cli.task, &req.tasks, err) < 0)
		return -1;
	if (plan_build(&app->hw, &app->catalog, &app->scores, &req, &app->settings, &plan, err) < 0)
		return -1;
	if (!app->cli.json) {
		plan_write(stdout, &plan, &app->hw);
		return fflush(stdout) == EOF ? error_set(err, "stdout: write failed") : 0;
	}
	doc = json_document(app);
	plan_add_json(doc, &plan, &app->hw, &app->settings);
	return json_print(doc, err);
}
