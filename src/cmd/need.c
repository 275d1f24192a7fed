/* need.c - `canirun need MODEL...`: which configurations of the GPU and
 * CPU tables run each model at the target speed (decide/need.h), and
 * `canirun need --plan`: the cheapest box for canirun plan's stack. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cmd/app.h"
#include "cmd/jsonout.h"
#include "decide/need.h"
#include "ui/needjson.h"
#include "ui/needtext.h"

/* A self-overwriting line on a terminal once the search has run a second. */
struct progress {
	bool on, shown;
	struct timespec start;
};

static double elapsed_s(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void show_progress(void *ctx, double done)
{
	struct progress *p = ctx;

	if (!p->on || elapsed_s(&p->start) < 1.0)
		return;
	p->shown = true;
	fprintf(stderr, "\rcanirun: trying configurations %3d%%", (int)(done * 100));
	fflush(stderr);
}

static void end_progress(const struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
}

static void request_init(struct app *app, struct progress *p, struct need_request *req)
{
	p->on = isatty(STDERR_FILENO);
	p->shown = false;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	*req = (struct need_request){
		.base = &app->hw, .whatif = &app->cli.whatif, .gpus = &app->gpu_table,
		.cpus = &app->cpu_table, .set = &app->settings, .quant = app->cli.quant,
		.min_tok_s = app->cli.min_tok_per_s > 0 ? app->cli.min_tok_per_s : READING_FLOOR_TOK_S,
		.users = app->cli.users > 0 ? app->cli.users : 1,
		.progress = show_progress, .progress_ctx = p,
	};
}

static int output(struct app *app, const struct need_request *req, const struct need_result *r,
		  struct error *err)
{
	cJSON *doc;

	if (!app->cli.json) {
		need_write(stdout, req, r, app->cli.all);
		return fflush(stdout) == EOF ? error_set(err, "stdout: write failed") : 0;
	}
	doc = json_document(app);
	need_add_json(doc, req, r);
	return json_print(doc, err);
}

static int need_models(struct app *app, struct error *err)
{
	struct model_ref refs[CLI_MAX_ARGS];
	struct need_request req;
	struct need_result result;
	struct progress p;
	int rc;

	for (int i = 0; i < app->cli.arg_count; i++)
		if (model_resolve(&app->catalog, app->cli.args[i], &refs[i], err) < 0)
			return -1;
	request_init(app, &p, &req);
	req.models = refs;
	req.model_count = app->cli.arg_count;
	rc = need_search(&req, &result, err);
	end_progress(&p);
	if (rc < 0)
		return -1;
	rc = output(app, &req, &result, err);
	need_result_release(&result);
	return rc;
}

/* The plans of the answers found, to show their picks; plans[g][k] NULL
 * where none. 0, or -1 with err. */
static int answer_plans(const struct need_stack_request *req, const struct need_stack *s,
			struct plan *store, const struct plan *plans[2][2], struct error *err)
{
	for (int g = 0; g < 2; g++)
		for (int k = 0; k < 2; k++) {
			const struct need_stack_answer *a = k == 0 ? &s->resident[g] : &s->swaps[g];

			plans[g][k] = NULL;
			if (!a->found)
				continue;
			if (need_stack_plan(req, s, a, &store[g * 2 + k], err) < 0)
				return -1;
			plans[g][k] = &store[g * 2 + k];
		}
	return 0;
}

static int stack_output(struct app *app, const struct need_stack_request *req,
			const struct need_stack *s, const struct plan *plans[2][2],
			struct error *err)
{
	cJSON *doc;

	if (!app->cli.json) {
		need_stack_write(stdout, req, s, plans);
		return fflush(stdout) == EOF ? error_set(err, "stdout: write failed") : 0;
	}
	doc = json_document(app);
	need_stack_add_json(doc, req, s, plans);
	return json_print(doc, err);
}

static int need_stack(struct app *app, struct error *err)
{
	struct need_stack_request req = { .catalog = &app->catalog, .scores = &app->scores,
					  .plan = { .users = app->cli.users, .quant = app->cli.quant } };
	struct plan *store = calloc(4, sizeof(*store));
	const struct plan *plans[2][2];
	struct need_stack s;
	struct progress p;
	int rc;

	if (!store)
		return error_set(err, "out of memory");
	request_init(app, &p, &req.base);
	rc = app->cli.task ? plan_tasks_parse(app->cli.task, &req.plan.tasks, err) : 0;
	if (rc == 0 && (rc = need_stack_search(&req, &s, err)) == 0) {
		rc = answer_plans(&req, &s, store, plans, err);
		end_progress(&p);
		if (rc == 0)
			rc = stack_output(app, &req, &s, plans, err);
		need_stack_release(&s);
	} else {
		end_progress(&p);
	}
	free(store);
	return rc;
}

int cmd_need(struct app *app, struct error *err)
{
	/* the stack is served at one context, as canirun plan serves it */
	if (app->cli.need_plan && app->settings.ctx == 0)
		return error_set(err, "need --plan: --ctx max differs per model; give a token count");
	return app->cli.need_plan ? need_stack(app, err) : need_models(app, err);
}
