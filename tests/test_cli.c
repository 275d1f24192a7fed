/* Command-line parsing: commands, options, values and usage errors. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "testlib.h"
#include "util/units.h"

static struct cli cli;
static struct error err;

/* Parses a NULL-terminated list of words after "canirun". */
static int parse(const char *first, ...)
{
	char *argv[32] = { "canirun" };
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	err.msg[0] = '\0';
	return cli_parse(argc, argv, &cli, &err);
}

static void defaults(void)
{
	unsetenv("NO_COLOR");
	CHECK_INT(parse(NULL), 0);
	CHECK_INT(cli.command, CMD_DEFAULT);
	CHECK_INT(cli.ctx, CLI_CTX_RUNTIME);
	CHECK_STR(cli.runtime, "ollama");
	CHECK(cli.flash_attn == NULL);
	CHECK_STR(cli.kv_type, "f16");
	CHECK(cli.color);
	CHECK_INT(cli.whatif.ram_bytes, -1);
	CHECK_INT(cli.arg_count, 0);
}

static void commands_and_models_in_any_order(void)
{
	CHECK_INT(parse("show", "llama3.1:8b", "--json", "--ctx", "8192", NULL), 0);
	CHECK_INT(cli.command, CMD_SHOW);
	CHECK(cli.json);
	CHECK_INT(cli.ctx, 8192);
	CHECK_STR(cli.args[0], "llama3.1:8b");
	CHECK_INT(parse("--cpu-only", "report", "qwen3:8b", "gemma3:4b", NULL), 0);
	CHECK_INT(cli.command, CMD_REPORT);
	CHECK(cli.whatif.cpu_only);
	CHECK_INT(cli.arg_count, 2);
	CHECK_INT(parse("mistral:7b", NULL), 0);
	CHECK_INT(cli.command, CMD_DEFAULT);
	CHECK_STR(cli.args[0], "mistral:7b");
}

static void values(void)
{
	CHECK_INT(parse("hw", "--gpu", "2x RTX 3090", "--gpu=A100 x4", "--ram", "64G",
			"--vram", "512M", "--threads", "8", "--ctx", "max",
			"--kv-type", "q8_0", NULL), 0);
	CHECK_INT(cli.whatif.gpu_name_count, 2);
	CHECK_STR(cli.whatif.gpu_names[1], "A100 x4");
	CHECK_INT(cli.whatif.ram_bytes, 64 * GIB);
	CHECK_INT(cli.whatif.vram_bytes, 512 * MIB);
	CHECK_INT(cli.threads, 8);
	CHECK_INT(cli.ctx, CLI_CTX_MAX);
	CHECK_STR(cli.kv_type, "q8_0");
}

static void no_color_from_environment(void)
{
	setenv("NO_COLOR", "1", 1);
	CHECK_INT(parse(NULL), 0);
	CHECK(!cli.color);
	unsetenv("NO_COLOR");
	CHECK_INT(parse("--no-color", NULL), 0);
	CHECK(!cli.color);
}

static void usage_errors_say_what_is_wrong(void)
{
	CHECK_INT(parse("--ctx", "lots", NULL), -1);
	CHECK_CONTAINS(err.msg, "--ctx: 'lots'");
	CHECK_INT(parse("--ram", "64", NULL), -1);
	CHECK_CONTAINS(err.msg, "give a size with a unit");
	CHECK_INT(parse("--kv-type", "q2", NULL), -1);
	CHECK_CONTAINS(err.msg, "--kv-type: unknown value 'q2'");
	CHECK_INT(parse("--bogus", NULL), -1);
	CHECK_CONTAINS(err.msg, "unknown option '--bogus'");
	CHECK_INT(parse("--quant", NULL), -1);
	CHECK_CONTAINS(err.msg, "missing value for '--quant'");
	CHECK_INT(parse("-x", NULL), -1);
	CHECK_CONTAINS(err.msg, "unknown option '-x'");
	CHECK_INT(parse("show", NULL), -1);
	CHECK_CONTAINS(err.msg, "show: name exactly one MODEL");
	CHECK_INT(parse("hw", "extra", NULL), -1);
	CHECK_CONTAINS(err.msg, "hw: unexpected argument 'extra'");
	CHECK_INT(parse("--threads", "0", NULL), -1);
	CHECK_INT(parse("--hw", "p.json", "--sysroot", "/x", NULL), -1);
}

static void help_for_each_command(void)
{
	CHECK_INT(parse("show", "--help", NULL), 0);
	CHECK(cli.help);
	CHECK_CONTAINS(cli_usage(CMD_SHOW), "Usage: canirun show MODEL");
	CHECK_CONTAINS(cli_usage(CMD_DEFAULT), "--pci-dump");
	CHECK_CONTAINS(cli_usage(CMD_BENCH), "--full");
}

static void sizes_parse_strictly(void)
{
	int64_t bytes;

	CHECK_INT(parse_size("1.5T", &bytes), 0);
	CHECK_INT(bytes, 3 * (GIB << 10) / 2);
	CHECK_INT(parse_size("24GiB", &bytes), 0);
	CHECK_INT(bytes, 24 * GIB);
	CHECK_INT(parse_size("8192 MB", &bytes), 0);
	CHECK_INT(bytes, 8 * GIB);
	CHECK_INT(parse_size("-1G", &bytes), -1);
	CHECK_INT(parse_size("12", &bytes), -1);
	CHECK_INT(parse_size("12Q", &bytes), -1);
	CHECK_INT(parse_size("1e30G", &bytes), -1);
}

TESTS(T(defaults), T(commands_and_models_in_any_order), T(values),
      T(no_color_from_environment), T(usage_errors_say_what_is_wrong),
      T(help_for_each_command), T(sizes_parse_strictly));
