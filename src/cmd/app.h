/* app.h - what every command works from: the parsed command line, the data
 * tables, the hardware picture and the estimate settings. main() fills it
 * (owning the tables) and releases it; commands only read it. */
#ifndef CANIRUN_APP_H
#define CANIRUN_APP_H

#include <cjson/cJSON.h>
#include <limits.h>

#include <cjson/cJSON.h>

#include "model/catalog.h"
#include "model/scores.h"
#include "cmd/cli.h"
#include "util/errors.h"
#include "bench/bench.h"
#include "estimate/estimate.h"
#include "hw/cputable.h"
#include "hw/gputable.h"
#include "hw/hw.h"
#include "decide/apis.h"
#include "decide/costcase.h"
#include "decide/power.h"

struct app {
	struct cli cli;
	char data_dir[PATH_MAX];
	char models_dir[PATH_MAX];      /* the user's models.d ("" when no HOME) */
	struct gpu_table gpu_table;
	struct cpu_table cpu_table;   /* loaded only for --cpu */
	struct catalog catalog;
	struct score_table scores;      /* loaded for the commands that rank models */
	struct hardware hw;             /* this machine, or the host of a cluster */
	/* --node: the remote machines' profiles and the cluster (nodes[0] is hw);
	 * cluster.node_count 0 without --node. */
	struct hardware nodes[RPC_MAX_NODES];
	char node_names[RPC_MAX_NODES][64];
	struct rpc_cluster cluster;
	struct estimate_settings settings;
	/* Loaded and resolved when a command needs costs (cli.cost, hw). */
	struct power_table power;
	struct price_table prices;
	struct cost_settings costs;
};

/* Each command: 0, or -1 with err (exit status 1). */
int cmd_hw(struct app *app, struct error *err);
int cmd_report(struct app *app, struct error *err);   /* also `canirun` when piped, gguf, local */
int cmd_show(struct app *app, struct error *err);
int cmd_browse(struct app *app, struct error *err);   /* `canirun` on a terminal */
int cmd_bench(struct app *app, struct error *err);
int cmd_add(struct app *app, struct error *err);     /* writes to app->models_dir */
int cmd_cost(struct app *app, struct error *err);

/* Loads data/power.json (and data/apis.json when costs are asked for):
 * 0, or -1 with err (exit status 1). */
int cost_load_tables(struct app *app, struct error *err);
/* Resolves the cost options into app->costs (API and seat names looked up,
 * defaults applied): 0, or -1 with err, a usage error (exit status 2). */
int cost_resolve(struct app *app, struct error *err);
/* The cost case of one estimate under app->costs. */
void cost_of(const struct app *app, const struct estimate *e, struct cost_case *out);
/* estimate_to_json(), plus its "cost" object when cli.cost. */
cJSON *estimate_json_with_cost(const struct app *app, const struct estimate *e);
int cmd_calibrate(struct app *app, struct error *err);

/* Where this machine's bench result and calibrations are cached, and the
 * machine key they are stored under; path[0] is '\0' when there is no
 * cache directory. */
void bench_cache_location(const struct app *app, char *path, size_t path_size,
			  char *key, size_t key_size);
int cmd_plan(struct app *app, struct error *err);
int cmd_need(struct app *app, struct error *err);    /* reads app->cpu_table */

/* Fills app->hw.cpu's measured rates when the CPU is this machine's and
 * they are unknown: from the bench cache, else (when may_run) by a first
 * measurement now (BENCH_FIRST_RUNS runs), announced on stderr. 0, or -1
 * with err. */
int bench_ensure(struct app *app, bool may_run, struct error *err);

/* What a `canirun bench` gives: this run's figures, and the figures kept
 * for the estimates, the median of the last `runs` runs on this machine
 * (bench/benchcache.h); `stored`: the cache took them. */
struct bench_outcome {
	struct bench_result run, kept;  /* run: the runs made now, combined */
	int made, runs;                 /* runs made now; runs kept */
	bool stored;
};

/* `canirun bench --json`'s document for o; the caller owns it (tests check
 * it against SPEC.schema.json without a bench run). */
cJSON *bench_document(const struct app *app, const struct bench_outcome *o);

#endif
