/* cli.h - the command line as SPEC.md defines it, parsed into plain values.
 * Parsing does no I/O besides reading the environment (NO_COLOR,
 * CANIRUN_DATA_DIR, CANIRUN_SYSROOT, CANIRUN_KWH_PRICE); argv strings are borrowed, not copied. */
#ifndef CANIRUN_CLI_H
#define CANIRUN_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "util/errors.h"
#include "hw/override.h"
#include "estimate/rpc.h"

enum command {
	CMD_DEFAULT,    /* browser on a terminal, the report otherwise */
	CMD_REPORT, CMD_SHOW, CMD_HW, CMD_BENCH, CMD_GGUF, CMD_LOCAL, CMD_ADD, CMD_CALIBRATE, CMD_PLAN,
	CMD_COST, CMD_NEED,
};

#define CANIRUN_VERSION "0.1.0"
#define CLI_CTX_MAX (-1)     /* --ctx max: the model's trained context */
#define CLI_CTX_RUNTIME 0    /* no --ctx: the runtime's default */
#define CLI_MAX_ARGS 64

/* What `canirun cost` (and report/show --cost) is told; unset numbers < 0. */
struct cost_options {
	double watts;               /* --watts; 0: from the power table */
	double kwh_price;           /* --kwh-price, else CANIRUN_KWH_PRICE; < 0: default */
	const char *kwh_price_from; /* "--kwh-price", "CANIRUN_KWH_PRICE" or NULL */
	double hw_cost;             /* --hw-cost */
	int months;                 /* --months */
	const char *api, *seat;     /* --api NAME, --seat NAME */
	double api_input_per_mtok, api_output_per_mtok; /* --api-price IN,OUT */
	double seat_price;          /* --seat-price */
	double tokens_per_day, input_per_day;
	int users, prompts_per_day, tokens_per_prompt; /* 0: not given */
	const char *currency;       /* --currency; "USD" */
};

struct cli {
	enum command command;
	bool help, version, json, color, full, all, fits_only;
	bool cost;               /* --cost, or any cost option: report/show add costs */
	int ctx;                 /* tokens; CLI_CTX_MAX for 'max'; CLI_CTX_RUNTIME */
	int threads;             /* 0: physical cores */
	int bench_runs;          /* bench --runs; 0: 1, or BENCH_FIRST_RUNS on a new cache */
	int prompt_tokens;       /* prompt length for time to first token */
	double min_tok_per_s;    /* --min-tps; 0 = no filter */
	const char *quant;       /* NULL: each model's best that fits */
	const char *kv_type;     /* "f16", "q8_0", "q4_0" */
	const char *runtime;     /* "ollama" (default), "llama.cpp" */
	const char *flash_attn;  /* "on", "off"; NULL: the runtime's rule */
	const char *sort;        /* NULL: default order */
	const char *task;        /* NULL: every task; plan: a comma-separated list */
	int users;               /* plan --users: people served at once */
	bool need_plan;          /* need --plan: the plan's stack rather than MODELs */
	const char *hw_file, *data_dir, *sysroot, *pci_dump;
	const char *id;          /* add --id: the new entry's id; NULL: from the file */
	struct whatif whatif;
	struct cost_options costs;
	bool runtime_given;      /* --runtime was on the command line */
	/* --node PROFILE.json (repeatable): machines pooled with llama.cpp RPC.
	 * The host is --hw when given, else the first --node. */
	int node_count;
	const char *node_files[RPC_MAX_NODES];
	const char *link;        /* --link preset; NULL: 1GbE */
	double link_gbps, link_rtt_us;   /* --link-gbps, --link-rtt-us; < 0 unset */
	int arg_count;           /* MODEL... or FILE... */
	const char *args[CLI_MAX_ARGS];
};

/* Parses argv. Returns 0, or -1 with err for a usage error (exit status 2). */
int cli_parse(int argc, char **argv, struct cli *cli, struct error *err);

/* The usage text for a command (CMD_DEFAULT: the overview). */
const char *cli_usage(enum command command);

const char *cli_command_name(enum command command);

#endif
