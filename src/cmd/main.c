/* main.c - canirun's entry point: parse the command line, build the
 * hardware picture (probe, profile or what-if), run the command, and turn
 * failures into the exit status SPEC.md defines. Only this file exits. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/app.h"
#include "hw/hwjson.h"
#include "probe/probe.h"
#include "hw/override.h"
#include "model/sizemodel.h"

/* build/cmd/config.h holds CANIRUN_DATA_DIR, the installed data directory
 * ($(PREFIX)/share/canirun); the Makefile rewrites it when PREFIX changes,
 * so main.o rebuilds with it. */
#include "cmd/config.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

static bool has_file(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path) &&
	       stat(path, &st) == 0;
}

/* Whether DIR/REL holds gpus.json; if so, out is that directory. */
static bool try_data_dir(const char *dir, const char *rel, char *out, size_t size)
{
	return snprintf(out, size, "%s%s", dir, rel) < (int)size && has_file(out, "gpus.json");
}

/* Where the data is, first found wins: --data-dir or CANIRUN_DATA_DIR (cli
 * gives the option precedence); data/ beside the executable, so a binary
 * run from its build tree reads the tree's data and never a stale installed
 * copy; the installed directory; <exe>/../share/canirun, for an install
 * moved after the fact (a DESTDIR staging tree). If none has the data, the
 * installed path, so the error names the file the install should have put
 * there. */
static void resolve_data_dir(const char *given, char *out, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (given) {
		snprintf(out, size, "%s", given);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		if (try_data_dir(exe, "/data", out, size) ||
		    try_data_dir(CANIRUN_DATA_DIR, "", out, size) ||
		    try_data_dir(exe, "/../share/canirun", out, size))
			return;
	}
	snprintf(out, size, "%s", CANIRUN_DATA_DIR);
}

static int load_gpu_table(struct app *app, struct error *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/gpus.json", app->data_dir);
	return gpu_table_load(path, &app->gpu_table, err);
}

/* data/cpus.json, read when the command line describes the CPU or its
 * memory (--cpu names an entry; --ram-gbps and the like take the vendor of
 * the host CPU the table knows), and for need (its CPU-only machines). */
static int load_cpu_table(struct app *app, struct error *err)
{
	char path[PATH_MAX];

	if (!whatif_names_host(&app->cli.whatif) && app->cli.command != CMD_NEED)
		return 0;
	snprintf(path, sizeof(path), "%s/cpus.json", app->data_dir);
	return cpu_table_load(path, &app->cpu_table, err);
}

/* Commands that estimate need the model catalogue. */
static bool needs_catalog(enum command c)
{
	return c != CMD_HW && c != CMD_BENCH;
}

/* $XDG_DATA_HOME/canirun/models.d, else ~/.local/share/canirun/models.d;
 * "" when neither variable is set. */
static void user_models_dir(char *out, size_t size)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && *xdg)
		n = snprintf(out, size, "%s/canirun/models.d", xdg);
	else if (home && *home)
		n = snprintf(out, size, "%s/.local/share/canirun/models.d", home);
	else
		n = -1;
	if (n < 0 || (size_t)n >= size)
		out[0] = '\0';
}

/* models.json, the user's models.d entries, then the family names'
 * :latest tags (data/latest.json). */
static int load_catalog(struct app *app, struct error *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/models.json", app->data_dir);
	if (catalog_load(path, &app->catalog, err) < 0)
		return -1;
	user_models_dir(app->models_dir, sizeof(app->models_dir));
	if (app->models_dir[0] && catalog_load_extra(app->models_dir, &app->catalog, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/latest.json", app->data_dir);
	return catalog_load_latest(path, &app->catalog, err);
}

/* Commands that rank models by capability (plan, and the listings' default
 * order) read the published scores. */
static bool needs_scores(enum command c)
{
	return needs_catalog(c) && c != CMD_SHOW;
}

static int load_scores(struct app *app, struct error *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/scores.json", app->data_dir);
	return scores_load(path, &app->catalog, &app->scores, err);
}

static void make_settings(struct app *app)
{
	struct estimate_settings *set = &app->settings;

	const char *env_fa = getenv("OLLAMA_FLASH_ATTENTION");

	set->ctx = app->cli.ctx == CLI_CTX_MAX ? 0 :
		   app->cli.ctx == CLI_CTX_RUNTIME ? ESTIMATE_CTX_RUNTIME : app->cli.ctx;
	kv_type_parse(app->cli.kv_type, &set->kv); /* cli_parse checked it */
	runtime_parse(app->cli.runtime, &set->runtime);
	set->flash_attn = FA_RUNTIME;
	if (app->cli.flash_attn) {
		set->flash_attn = strcmp(app->cli.flash_attn, "on") == 0 ? FA_ON : FA_OFF;
		set->flash_attn_why = "--flash-attn";
	} else if (set->runtime == RUNTIME_OLLAMA && env_fa && *env_fa) {
		/* Ollama reads it as a Go bool (envconfig BoolWithDefault) */
		bool on = strcmp(env_fa, "1") == 0 || strcasecmp(env_fa, "true") == 0 ||
			  strcasecmp(env_fa, "t") == 0;
		bool off = strcmp(env_fa, "0") == 0 || strcasecmp(env_fa, "false") == 0 ||
			   strcasecmp(env_fa, "f") == 0;

		if (on || off) {
			set->flash_attn = on ? FA_ON : FA_OFF;
			set->flash_attn_why = "OLLAMA_FLASH_ATTENTION in the environment";
		}
	}
	if (app->cluster.node_count > 1) {
		set->runtime = RUNTIME_LLAMA_CPP; /* RPC is llama.cpp's */
		set->cluster = &app->cluster;
	}
	set->threads = estimate_threads(&app->hw, app->cli.threads);
	set->prompt_tokens = app->cli.prompt_tokens;
}

/* A node's name: its profile's file name without the directory and ".json". */
static void node_name(const char *file, char *out, size_t size)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	size_t len = strlen(base);

	if (len > 5 && strcmp(base + len - 5, ".json") == 0)
		len -= 5;
	snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), base);
}

/* Node k's name made unlike the earlier nodes' (the same profile given
 * twice, or two files of one name): "-2", "-3", ... appended, so that
 * each command names one machine. */
static void distinct_node_name(struct app *app, int k)
{
	char *name = app->node_names[k], base[sizeof(app->node_names[0])];
	bool taken = true;

	snprintf(base, sizeof(base), "%s", name);
	for (int n = 2; taken; n++) {
		taken = false;
		for (int i = 0; i < k; i++)
			taken |= strcmp(app->node_names[i], name) == 0;
		if (taken)
			snprintf(name, sizeof(app->node_names[0]), "%.*s-%d",
				 (int)sizeof(app->node_names[0]) - 8, base, n);
	}
}

/* The link: --link's preset (1GbE without it), --link-gbps and
 * --link-rtt-us over it. */
static void make_link(const struct cli *cli, struct rpc_link *link)
{
	if (!cli->link || rpc_link_preset(cli->link, link) < 0)
		rpc_link_default(link);
	if (cli->link_gbps > 0) {
		link->gbps = cli->link_gbps;
		link->rate_source = "--link-gbps";
		link->name = cli->link ? link->name : "custom";
	}
	if (cli->link_rtt_us >= 0) {
		link->rtt_us = cli->link_rtt_us;
		link->rtt_source = "--link-rtt-us";
	}
}

/* --node: the host (app->hw, loaded from host_file) and the remote nodes'
 * profiles, in --node order (the first --node is the host without --hw). */
static int build_cluster(struct app *app, const char *host_file, struct error *err)
{
	const struct cli *cli = &app->cli;
	struct rpc_cluster *c = &app->cluster;
	int devices = app->hw.gpu_count;

	if (cli->node_count == 0)
		return 0;
	c->nodes[0].hw = &app->hw;
	node_name(host_file, app->node_names[0], sizeof(app->node_names[0]));
	c->nodes[0].name = app->node_names[0];
	c->node_count = 1;
	for (int i = cli->hw_file ? 0 : 1; i < cli->node_count; i++) {
		int k = c->node_count++;

		if (hw_load_profile(cli->node_files[i], &app->nodes[k], err) < 0)
			return error_prefix(err, "--node");
		node_name(cli->node_files[i], app->node_names[k], sizeof(app->node_names[k]));
		distinct_node_name(app, k);
		c->nodes[k].hw = &app->nodes[k];
		c->nodes[k].name = app->node_names[k];
		devices += app->nodes[k].gpu_count > 0 ? app->nodes[k].gpu_count : 1;
	}
	if (devices > RPC_SCHED_MAX_DEVICES)
		return error_set(err, "--node: %d devices over the machines; ggml's scheduler "
				 "takes at most %d besides the host's CPU", devices, RPC_SCHED_MAX_DEVICES);
	make_link(cli, &c->link);
	return 0;
}

static int build_hardware(struct app *app, struct error *err)
{
	const struct cli *cli = &app->cli;
	struct probe_options opts = {
		.sysroot = cli->sysroot,
		.pci_dump = cli->pci_dump,
		.nvml_path = getenv("CANIRUN_NVML_LIB"),
		.gpu_table = &app->gpu_table,
	};

	const char *host_file = cli->hw_file ? cli->hw_file :
				cli->node_count > 0 ? cli->node_files[0] : NULL;

	if (host_file) {
		if (hw_load_profile(host_file, &app->hw, err) < 0)
			return -1;
	} else if (probe_hardware(&opts, &app->hw, err) < 0) {
		return -1;
	}
	if (whatif_apply(&cli->whatif, &app->gpu_table, &app->hw, err) < 0 ||
	    whatif_apply_host(&cli->whatif, &app->cpu_table, &app->hw, err) < 0)
		return -1;
	return build_cluster(app, host_file, err);
}

static int run_command(struct app *app, struct error *err)
{
	switch (app->cli.command) {
	case CMD_HW:
		return cmd_hw(app, err);
	case CMD_BENCH:
		return cmd_bench(app, err);
	case CMD_REPORT:
	case CMD_GGUF:  /* the report over files; reportview.c reads them */
	case CMD_LOCAL: /* the report over the local stores */
		return cmd_report(app, err);
	case CMD_SHOW:
		return cmd_show(app, err);
	case CMD_ADD:
		return cmd_add(app, err);
	case CMD_COST:
		return cmd_cost(app, err);
	case CMD_CALIBRATE:
		return cmd_calibrate(app, err);
	case CMD_PLAN:
		return cmd_plan(app, err);
	case CMD_NEED:
		return cmd_need(app, err);
	case CMD_DEFAULT:
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && !app->cli.json)
			return cmd_browse(app, err);
		return cmd_report(app, err);
	}
	return error_set(err, "unknown command");
}

int main(int argc, char **argv)
{
	static struct app app;
	struct error err = { "" };
	int rc, shown;

	if (cli_parse(argc, argv, &app.cli, &err) < 0) {
		fprintf(stderr, "canirun: %s\n", err.msg);
		return EXIT_USAGE;
	}
	if (app.cli.help) {
		fputs(cli_usage(app.cli.command), stdout);
		return EXIT_OK;
	}
	if (app.cli.version) {
		printf("canirun %s\n", CANIRUN_VERSION);
		return EXIT_OK;
	}
	resolve_data_dir(app.cli.data_dir, app.data_dir, sizeof(app.data_dir));
	rc = load_gpu_table(&app, &err) < 0 || load_cpu_table(&app, &err) < 0 ||
	     (needs_catalog(app.cli.command) && load_catalog(&app, &err) < 0) ||
	     (needs_scores(app.cli.command) && load_scores(&app, &err) < 0) ||
	     build_hardware(&app, &err) < 0 ? -1 : 0;
	make_settings(&app);
	if (rc == 0 && (app.cli.cost || app.cli.command == CMD_HW))
		rc = cost_load_tables(&app, &err);
	if (rc == 0 && app.cli.cost && cost_resolve(&app, &err) < 0) {
		fprintf(stderr, "canirun: %s\n", err.msg);
		gpu_table_release(&app.gpu_table);
		catalog_release(&app.catalog);
		return EXIT_USAGE;
	}
		if (rc == 0 && app.cli.command != CMD_BENCH && app.cli.command != CMD_ADD)
		rc = bench_ensure(&app, needs_catalog(app.cli.command), &err);
	warnings_print(&app.hw.warnings, stderr);
	shown = app.hw.warnings.count;
	if (rc == 0)
		rc = run_command(&app, &err);
	warnings_print_from(&app.hw.warnings, shown, stderr); /* e.g. a cache bench could not write */
	if (rc < 0)
		fprintf(stderr, "canirun: %s\n", err.msg);
	gpu_table_release(&app.gpu_table);
	scores_release(&app.scores);
	cpu_table_release(&app.cpu_table);
	catalog_release(&app.catalog);
	size_model_cache_release();
	return rc < 0 ? EXIT_RUNTIME : EXIT_OK;
}
