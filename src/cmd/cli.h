/* cli.h - the command line as SPEC.md defines it, parsed into plain values.
 * Parsing does no I/O besides reading the environment (NO_COLOR,
 * CANIRUN_DATA_DIR, CANIRUN_SYSROOT); argv strings are borrowed, not copied. */
#ifndef CANIRUN_CLI_H
#define CANIRUN_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "util/errors.h"
#include "hw/override.h"

enum command {
	CMD_DEFAULT,    /* browser on a terminal, the report otherwise */
	CMD_REPORT, CMD_SHOW, CMD_HW, CMD_BENCH, CMD_GGUF, CMD_LOCAL, CMD_ADD, CMD_CALIBRATE, CMD_PLAN,
};

#define CANIRUN_VERSION "0.1.0"
#define CLI_CTX_MAX (-1)     /* --ctx max: the model's trained context */
#define CLI_CTX_RUNTIME 0    /* no --ctx: the runtime's default */
#define CLI_MAX_ARGS 64

struct cli {
	enum command command;
	bool help, version, json, color, full, all, fits_only;
	int ctx;                 /* tokens; CLI_CTX_MAX for 'max'; CLI_CTX_RUNTIME */
	int threads;             /* 0: physical cores */
	int prompt_tokens;       /* prompt length for time to first token */
	double min_tok_per_s;    /* --min-tps; 0 = no filter */
	const char *quant;       /* NULL: each model's best that fits */
	const char *kv_type;     /* "f16", "q8_0", "q4_0" */
	const char *runtime;     /* "ollama" (default), "llama.cpp" */
	const char *flash_attn;  /* "on", "off"; NULL: the runtime's rule */
	const char *sort;        /* NULL: default order */
	const char *task;        /* NULL: every task; plan: a comma-separated list */
	int users;               /* plan --users: people served at once */
	const char *hw_file, *data_dir, *sysroot, *pci_dump;
	const char *id;          /* add --id: the new entry's id; NULL: from the file */
	struct whatif whatif;
	int arg_count;           /* MODEL... or FILE... */
	const char *args[CLI_MAX_ARGS];
};

/* Parses argv. Returns 0, or -1 with err for a usage error (exit status 2). */
int cli_parse(int argc, char **argv, struct cli *cli, struct error *err);

/* The usage text for a command (CMD_DEFAULT: the overview). */
const char *cli_usage(enum command command);

const char *cli_command_name(enum command command);

#endif
