#include "cmd/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench/benchcache.h"
#include "decide/apis.h"
#include "decide/plan.h"
#include "decide/cost.h"
#include "decide/power.h"
#include "estimate/estimate.h"
#include "model/catalog.h"
#include "ui/table.h"
#include "util/numparse.h"
#include "util/units.h"

static const char *const command_names[] = {
	[CMD_DEFAULT] = "", [CMD_REPORT] = "report", [CMD_SHOW] = "show",
	[CMD_HW] = "hw",    [CMD_BENCH] = "bench",   [CMD_GGUF] = "gguf",
	[CMD_LOCAL] = "local", [CMD_ADD] = "add", [CMD_CALIBRATE] = "calibrate", [CMD_PLAN] = "plan",
	[CMD_COST] = "cost", [CMD_NEED] = "need",
};

#define STRINGIFY(x) #x
#define TEXT_OF(x) STRINGIFY(x)

#define COMMON_OPTIONS \
"Hardware (default: probe this machine):\n" \
"      --gpu NAME[xN]   pretend these GPUs (repeatable; '2x RTX 3090', 'A100 80GB x4')\n" \
"      --cpu-only       ignore GPUs\n" \
"      --ram SIZE       pretend this much system RAM (64G, 512M)\n" \
"      --vram SIZE      override every GPU's memory\n" \
"      --cpu NAME       pretend this CPU ('Ryzen 9 7950X', 'i9-13900K', 'M2 Max', 'EPYC 9654')\n" \
"      --ram-gbps N     memory bandwidth in GB/s (overrides the CPU's; 1 to 20000)\n" \
"      --ram-speed MTS  memory transfer rate in MT/s (e.g. 6000; 100 to 20000)\n" \
"      --ram-channels N 64-bit memory channels (2 on desktops; 1 to 64)\n" \
"      --disk KIND      the models disk: nvme, ssd, hdd, or a read rate in GB/s\n" \
"      --threads N      CPU threads to assume (default: physical cores)\n" \
"      --hw FILE        use a profile saved by 'canirun hw --json'\n" \
"      --node FILE      pool machines with llama.cpp RPC: each a 'canirun hw --json'\n" \
"                       profile (repeatable; the host is --hw, else the first --node;\n" \
"                       report, show, gguf, local, plan, cost)\n" \
"      --link NAME      the network between them: 1GbE (default), 2.5GbE, 10GbE,\n" \
"                       25GbE, 40GbE, 100GbE, TB4, IB\n" \
"      --link-gbps N    its rate in Gb/s (0.001 to 10000; over --link's)\n" \
"      --link-rtt-us N  its round trip in microseconds (0 to 10000000; ping's avg)\n" \
"      --sysroot DIR    read /proc and /sys below DIR (env CANIRUN_SYSROOT)\n" \
"      --pci-dump FILE  read PCI devices from an 'lspci -xxxx' dump\n" \
"Output:\n" \
"      --json           machine-readable output on stdout\n" \
"      --no-color       plain output (also NO_COLOR in the environment)\n" \
"      --data-dir DIR   catalogue directory (env CANIRUN_DATA_DIR)\n" \
"  -h, --help           this help;  -V, --version  the version\n"

#define ESTIMATE_OPTIONS \
"Estimates:\n" \
"      --ctx N          context length in tokens (default: the runtime's; 'max' = trained)\n" \
"      --runtime NAME   ollama (default) or llama.cpp: its default context, flash\n" \
"                       attention and multi-GPU split\n" \
"      --flash-attn on|off  override the runtime's flash attention\n" \
"      --quant TYPE     GGUF quantization (Q4_K_M, Q8_0, ...; default: best that fits)\n" \
"      --kv-type TYPE   KV cache type: f16 (default), q8_0, q4_0\n" \
"      --prompt N       prompt tokens for time to first token (default 1024)\n"

#define LIST_OPTIONS \
"Listing:\n" \
"      --sort KEY       useful (default: plan picks, usable by capability, slow,\n" \
"                       embedding, no-fit), fit, speed, size, params, name\n" \
"      --fits           hide models that do not fit\n" \
"      --task TASK      chat, code, reasoning, embedding, vision, tools\n" \
"      --min-tps N      hide models slower than N tokens/s\n" \
"      --all            every quantization type, not only the best that fits\n"

#define COST_OPTIONS \
"Cost (canirun cost; report and show with --cost):\n" \
"      --cost           add the costs to report/show (a $/1M column, a cost block, JSON)\n" \
"      --watts N        wall power while generating (default: from data/power.json)\n" \
"      --kwh-price N    price of 1 kWh (default " TEXT_OF(COST_DEFAULT_KWH_PRICE) " USD; env CANIRUN_KWH_PRICE)\n" \
"      --hw-cost N      what the hardware cost (default: the GPUs' street price, if known)\n" \
"      --months N       months to amortise the hardware over (default " TEXT_OF(COST_DEFAULT_MONTHS) ")\n" \
"      --api NAME       API to compare with (data/apis.json; default gpt-4o)\n" \
"      --api-price IN,OUT  API price per 1M input and output tokens\n" \
"      --seat NAME      chat seat plan to compare with (data/apis.json)\n" \
"      --seat-price N   seat price per user and month\n" \
"      --tokens-per-day N  output tokens a day;  --input-per-day N  prompt tokens a day\n" \
"      --users N --prompts-per-day P --tokens-per-prompt T  usage by users\n" \
"                       (input: users x prompts x --prompt tokens)\n" \
"      --currency NAME  label for money (default USD; no exchange rates)\n"

#define NEED_OPTIONS \
"Need:\n" \
"      --min-tps N      tokens/s each user needs (default 4, the reading floor)\n" \
"      --users N        requests decoding at once (default 1)\n" \
"      --all            every configuration, not the first 20 of each section\n" \
"      --plan           canirun plan's stack (--task, --users) instead of MODELs\n"

static const char usage_overview[] =
"Usage: canirun [COMMAND] [OPTIONS] [MODEL...]\n"
"Which local LLMs can this machine run, and how fast?\n\n"
"Commands:\n"
"  (none)         the browser on a terminal, the report otherwise\n"
"  report         one-shot table of models (all, or those named)\n"
"  show MODEL     one model in depth: every quant, memory parts, placement, speed\n"
"  hw             the hardware found, and where each fact came from\n"
"  bench          run the CPU microbenchmark (and disk read test), store the result\n"
"  gguf FILE...   estimates for local GGUF files, read from their headers\n"
"  local          models already downloaded (Ollama, Hugging Face, llama.cpp, LM Studio)\n"
"  add FILE       add a model the catalogue lacks, from a GGUF file or a config.json\n"
"  calibrate FILE...  this machine's own llama-bench or Ollama timings, kept for estimates\n"
"  plan           the stack to serve here, task by task: picks, residency, settings\n"
"  cost MODEL...  does running it here pay, against an API or chat seats?\n"
"  need MODEL...  which GPUs, Macs or CPUs run it at a speed, cheapest first\n\n"
"MODEL is a catalogue id (llama3.1:8b, qwen2.5-coder:32b), a Hugging Face repo name,\n"
"or a path to a .gguf file. 'canirun COMMAND --help' describes one command.\n\n"
ESTIMATE_OPTIONS LIST_OPTIONS COMMON_OPTIONS
"\nExit status: 0 success, 1 runtime or data error, 2 usage error.\n";

static const char usage_report[] =
"Usage: canirun report [OPTIONS] [MODEL...]\n"
"One row per model: size, memory needed, placement, speed, load time, verdict.\n\n"
ESTIMATE_OPTIONS LIST_OPTIONS COST_OPTIONS COMMON_OPTIONS;

static const char usage_show[] =
"Usage: canirun show MODEL [OPTIONS]\n"
"Every quantization of MODEL, its memory parts, placement per GPU, speed, and how\n"
"each number was computed.\n\n" ESTIMATE_OPTIONS COST_OPTIONS COMMON_OPTIONS;

static const char usage_cost[] =
"Usage: canirun cost MODEL... [OPTIONS]\n"
"What generating with MODEL here costs (electricity, hardware amortised) against an\n"
"API or chat seats, for a daily usage: hours busy, monthly and 3-year totals,\n"
"break-even month and the daily volume from which local pays.\n\n"
ESTIMATE_OPTIONS COST_OPTIONS COMMON_OPTIONS;

static const char usage_hw[] =
"Usage: canirun hw [OPTIONS]\n"
"The hardware found (GPUs, VRAM, RAM, CPU, disk) and where each fact came from.\n"
"'canirun hw --json > me.json' saves a profile for --hw. It shows the power\n"
"draw cost assumes (--watts N overrides it).\n\n"
"      --watts N        wall power while generating (default: from data/power.json)\n"
COMMON_OPTIONS;

static const char usage_bench[] =
"Usage: canirun bench [OPTIONS]\n"
"Measure this CPU's quantized matrix-vector speed and memory bandwidth (about 3 s)\n"
"and the models disk's read speed. The last " TEXT_OF(BENCH_KEPT_RUNS) " runs are cached, and estimates use\n"
"each figure's median over them: a shared machine's speed moves over minutes. A\n"
"machine's first measurement is " TEXT_OF(BENCH_FIRST_RUNS) " runs in a row.\n\n"
"      --runs N         make N runs now, 1 to " TEXT_OF(BENCH_KEPT_RUNS) " (default 1; " TEXT_OF(BENCH_FIRST_RUNS) " on a new cache)\n"
"      --full           longer runs, steadier each (about 10 s)\n" COMMON_OPTIONS;

static const char usage_gguf[] =
"Usage: canirun gguf FILE... [OPTIONS]\n"
"Estimates for local GGUF files, read from their headers (no tensor data is loaded).\n\n"
ESTIMATE_OPTIONS COMMON_OPTIONS;

static const char usage_local[] =
"Usage: canirun local [OPTIONS]\n"
"Models already downloaded: the Ollama store, the Hugging Face cache, llama.cpp's\n"
"cache and LM Studio, each read from its GGUF header, with estimates.\n\n"
ESTIMATE_OPTIONS LIST_OPTIONS COMMON_OPTIONS;

static const char usage_add[] =
"Usage: canirun add FILE.gguf|config.json [OPTIONS]\n"
"Adds a model the catalogue lacks: its architecture read from a GGUF header or a\n"
"Hugging Face config.json, written as a catalogue entry to\n"
"$XDG_DATA_HOME/canirun/models.d/ (default ~/.local/share/canirun/models.d/),\n"
"where every later command finds it.\n\n"
"      --id NAME        the entry's id (default: the file name without its quant,\n"
"                       or the config.json's folder)\n" COMMON_OPTIONS;

static const char usage_calibrate[] =
"Usage: canirun calibrate FILE... [MODEL.gguf] [OPTIONS]\n"
"Read llama-bench output (-o csv, -o json, -o jsonl or its markdown table) or\n"
"'ollama run --verbose' timings measured on this machine, compare each run with\n"
"canirun's estimate for the same GGUF file and settings, and keep the ratio per\n"
"device, weight type and threads with the bench cache: later estimates of that\n"
"kind say \"source\": \"calibrated\". Runs that do not name their file (markdown,\n"
"Ollama) are taken as runs of the MODEL.gguf given.\n\n" COMMON_OPTIONS;
static const char usage_plan[] =
"Usage: canirun plan [--task T,...] [--users N] [--ctx N] [OPTIONS]\n"
"What this machine should serve: for each task the most capable model that runs\n"
"at reading speed for every user, which picks stay loaded together and which swap\n"
"in (and how long that takes), and the Ollama and llama-server settings.\n\n"
"      --task T,...     chat, writing, code, reasoning, tools, embedding, vision\n"
"                       (default: all but vision)\n"
"      --users N        people served at once (default 1)\n"
ESTIMATE_OPTIONS COMMON_OPTIONS;

static const char usage_need[] =
"Usage: canirun need MODEL... [--min-tps N] [--ctx N] [--quant Q] [--users N] [OPTIONS]\n"
"       canirun need --plan [--task T,...] [--users N] [OPTIONS]\n"
"Which hardware runs MODEL at --min-tps: every GPU of data/gpus.json alone, two\n"
"and four of a desktop, workstation or datacenter card, unified-memory machines at\n"
"the table's memory, and CPU-only machines of data/cpus.json at the least RAM that\n"
"holds it. Cheapest first where a dated, sourced price is known, then smallest.\n"
"Each row: quant, placement, tok/s and its low band, context held and the largest\n"
"allowed (--ctx: the least it must hold, 4096 by default here), memory left.\n"
"--quant: only that type (default: Q4_K_M where it reaches --min-tps, else the\n"
"best type that does; the best quality that does is shown beside it).\n"
"--plan: canirun plan's stack on this machine (or --hw, --gpu), and the cheapest box\n"
"on which it stays loaded, and on which it runs with swaps. The CPU share of GPU\n"
"configurations runs on this machine's CPU and RAM, or on --cpu, --ram, --ram-gbps.\n\n"
NEED_OPTIONS
"      --task T,...     --plan: chat, writing, code, reasoning, tools, embedding, vision\n"
ESTIMATE_OPTIONS COMMON_OPTIONS;

const char *cli_usage(enum command command)
{
	static const char *const texts[] = {
		[CMD_DEFAULT] = usage_overview, [CMD_REPORT] = usage_report,
		[CMD_SHOW] = usage_show,        [CMD_HW] = usage_hw,
		[CMD_BENCH] = usage_bench,      [CMD_GGUF] = usage_gguf,
		[CMD_LOCAL] = usage_local,      [CMD_ADD] = usage_add,
		[CMD_CALIBRATE] = usage_calibrate, [CMD_PLAN] = usage_plan,
		[CMD_COST] = usage_cost,        [CMD_NEED] = usage_need,
	};
	return texts[command];
}

const char *cli_command_name(enum command command)
{
	return command_names[command];
}

enum {
	OPT_CTX = 256, OPT_QUANT, OPT_KV, OPT_GPU, OPT_CPU_ONLY, OPT_RAM, OPT_VRAM,
	OPT_THREADS, OPT_HW, OPT_DATA_DIR, OPT_SYSROOT, OPT_PCI_DUMP, OPT_NO_COLOR,
	OPT_JSON, OPT_FULL, OPT_ALL, OPT_FITS, OPT_SORT, OPT_TASK, OPT_MIN_TPS,
	OPT_PROMPT, OPT_ID, OPT_CPU, OPT_RAM_GBPS, OPT_RAM_SPEED, OPT_RAM_CHANNELS, OPT_DISK,
	OPT_RUNTIME, OPT_FLASH_ATTN, OPT_USERS,
	OPT_COST, OPT_WATTS, OPT_KWH_PRICE, OPT_HW_COST, OPT_MONTHS, OPT_API,
	OPT_API_PRICE, OPT_SEAT, OPT_SEAT_PRICE, OPT_TOKENS_PER_DAY, OPT_INPUT_PER_DAY,
	OPT_PROMPTS_PER_DAY, OPT_TOKENS_PER_PROMPT, OPT_CURRENCY,
	OPT_NODE, OPT_LINK, OPT_LINK_GBPS, OPT_LINK_RTT_US, OPT_PLAN, OPT_RUNS,
};

static const struct option long_options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "ctx", required_argument, NULL, OPT_CTX },
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "flash-attn", required_argument, NULL, OPT_FLASH_ATTN },
	{ "quant", required_argument, NULL, OPT_QUANT },
	{ "kv-type", required_argument, NULL, OPT_KV },
	{ "gpu", required_argument, NULL, OPT_GPU },
	{ "cpu-only", no_argument, NULL, OPT_CPU_ONLY },
	{ "ram", required_argument, NULL, OPT_RAM },
	{ "vram", required_argument, NULL, OPT_VRAM },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "hw", required_argument, NULL, OPT_HW },
	{ "data-dir", required_argument, NULL, OPT_DATA_DIR },
	{ "sysroot", required_argument, NULL, OPT_SYSROOT },
	{ "pci-dump", required_argument, NULL, OPT_PCI_DUMP },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "full", no_argument, NULL, OPT_FULL },
	{ "runs", required_argument, NULL, OPT_RUNS },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "fits", no_argument, NULL, OPT_FITS },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "task", required_argument, NULL, OPT_TASK },
	{ "min-tps", required_argument, NULL, OPT_MIN_TPS },
	{ "prompt", required_argument, NULL, OPT_PROMPT },
	{ "id", required_argument, NULL, OPT_ID },
	{ "users", required_argument, NULL, OPT_USERS },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "ram-gbps", required_argument, NULL, OPT_RAM_GBPS },
	{ "ram-speed", required_argument, NULL, OPT_RAM_SPEED },
	{ "ram-channels", required_argument, NULL, OPT_RAM_CHANNELS },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "cost", no_argument, NULL, OPT_COST },
	{ "watts", required_argument, NULL, OPT_WATTS },
	{ "kwh-price", required_argument, NULL, OPT_KWH_PRICE },
	{ "hw-cost", required_argument, NULL, OPT_HW_COST },
	{ "months", required_argument, NULL, OPT_MONTHS },
	{ "api", required_argument, NULL, OPT_API },
	{ "api-price", required_argument, NULL, OPT_API_PRICE },
	{ "seat", required_argument, NULL, OPT_SEAT },
	{ "seat-price", required_argument, NULL, OPT_SEAT_PRICE },
	{ "tokens-per-day", required_argument, NULL, OPT_TOKENS_PER_DAY },
	{ "input-per-day", required_argument, NULL, OPT_INPUT_PER_DAY },
	{ "prompts-per-day", required_argument, NULL, OPT_PROMPTS_PER_DAY },
	{ "tokens-per-prompt", required_argument, NULL, OPT_TOKENS_PER_PROMPT },
	{ "currency", required_argument, NULL, OPT_CURRENCY },
	{ "node", required_argument, NULL, OPT_NODE },
	{ "link", required_argument, NULL, OPT_LINK },
	{ "link-gbps", required_argument, NULL, OPT_LINK_GBPS },
	{ "link-rtt-us", required_argument, NULL, OPT_LINK_RTT_US },
	{ "plan", no_argument, NULL, OPT_PLAN },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* value, already checked against its enum's one name table (known). */
static int parse_choice(const char *opt, const char *value, bool known,
			const char **out, struct error *err)
{
	if (!known)
		return error_set(err, "--%s: unknown value '%s'", opt, value);
	*out = value;
	return 0;
}

/* A money amount or count: finite, in [min, max]. */
static int parse_amount(const char *opt, const char *arg, double min, double max,
			const char *what, double *out, struct error *err)
{
	if (parse_double(arg, out) < 0 || *out < min || *out > max)
		return error_set(err, "%s: '%s': give %s from %g to %g", opt, arg, what, min, max);
	return 0;
}

/* Amounts in any currency (--currency): no exchange rates, so only what no
 * currency makes sensible is refused; USD prices meet the tables' limits
 * (check_usd_prices). */
#define MONEY_MIN 0.001
#define MONEY_MAX 1e12
#define TOKENS_MAX 1e15

/* IN,OUT: two prices per 1M tokens. */
static int parse_api_price(const char *arg, struct cost_options *o, struct error *err)
{
	char in[64];
	const char *comma = strchr(arg, ',');

	if (!comma || (size_t)(comma - arg) >= sizeof(in))
		return error_set(err, "--api-price: '%s': give IN,OUT prices per 1M tokens "
				 "(e.g. 2.5,10), each from %g to %g", arg, MONEY_MIN, MONEY_MAX);
	memcpy(in, arg, (size_t)(comma - arg));
	in[comma - arg] = '\0';
	if (parse_double(in, &o->api_input_per_mtok) < 0 ||
	    parse_double(comma + 1, &o->api_output_per_mtok) < 0 ||
	    o->api_input_per_mtok < MONEY_MIN || o->api_output_per_mtok < MONEY_MIN ||
	    o->api_input_per_mtok > MONEY_MAX || o->api_output_per_mtok > MONEY_MAX)
		return error_set(err, "--api-price: '%s': give IN,OUT prices per 1M tokens "
				 "(e.g. 2.5,10), each from %g to %g", arg, MONEY_MIN, MONEY_MAX);
	return 0;
}

static int parse_count(const char *opt, const char *arg, int *out, struct error *err)
{
	if (parse_int(arg, 1, 1 << 30, out) < 0)
		return error_set(err, "%s: '%s': give a whole number from 1 to %d", opt, arg, 1 << 30);
	return 0;
}

static int parse_cost_option(int c, const char *arg, struct cli *cli, struct error *err)
{
	struct cost_options *o = &cli->costs;

	cli->cost = true;
	switch (c) {
	case OPT_COST: return 0;
	case OPT_WATTS:
		return parse_amount("--watts", arg, power_watts_limit.min, power_watts_limit.max,
				    "watts", &o->watts, err);
	case OPT_KWH_PRICE:
		o->kwh_price_from = "--kwh-price";
		return parse_amount("--kwh-price", arg, 0, 1000, "a price per kWh", &o->kwh_price, err);
	case OPT_HW_COST:
		return parse_amount("--hw-cost", arg, 0, MONEY_MAX, "a price", &o->hw_cost, err);
	case OPT_SEAT_PRICE:
		return parse_amount("--seat-price", arg, MONEY_MIN, MONEY_MAX, "a price per user and month",
				    &o->seat_price, err);
	case OPT_TOKENS_PER_DAY:
		return parse_amount("--tokens-per-day", arg, 1, TOKENS_MAX, "tokens",
				    &o->tokens_per_day, err);
	case OPT_INPUT_PER_DAY:
		return parse_amount("--input-per-day", arg, 0, TOKENS_MAX, "tokens",
				    &o->input_per_day, err);
	case OPT_MONTHS:
		if (parse_int(arg, 1, 1200, &o->months) < 0)
			return error_set(err, "--months: '%s': give a whole number from 1 to 1200", arg);
		return 0;
	case OPT_PROMPTS_PER_DAY: return parse_count("--prompts-per-day", arg, &o->prompts_per_day, err);
	case OPT_TOKENS_PER_PROMPT:
		return parse_count("--tokens-per-prompt", arg, &o->tokens_per_prompt, err);
	case OPT_API: o->api = arg; return 0;
	case OPT_SEAT: o->seat = arg; return 0;
	case OPT_API_PRICE: return parse_api_price(arg, o, err);
	case OPT_CURRENCY:
		if (!*arg || strlen(arg) > 16 || strpbrk(arg, " \t\n"))
			return error_set(err, "--currency: '%s': give a short label (USD, EUR)", arg);
		o->currency = arg;
		return 0;
	}
	return error_set(err, "unknown option (see 'canirun --help')");
}

/* --disk nvme|ssd|hdd|GBPS */
static int parse_disk(const char *arg, struct whatif *w, struct error *err)
{
	static const struct { const char *name; enum disk_kind kind; } kinds[] = {
		{ "nvme", DISK_NVME }, { "ssd", DISK_SSD }, { "hdd", DISK_HDD },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcasecmp(arg, kinds[i].name) == 0) {
			w->disk_kind = kinds[i].kind;
			return 0;
		}
	if (parse_double(arg, &w->disk_gbps) < 0 || w->disk_gbps < 0.01 || w->disk_gbps > 1000)
		return error_set(err, "--disk: '%s': give nvme, ssd, hdd, or a read rate "
				 "from 0.01 to 1000 GB/s", arg);
	return 0;
}

/* The memory-system options: numbers in their ranges. */
static int parse_memory(int c, const char *arg, struct whatif *w, struct error *err)
{
	switch (c) {
	case OPT_RAM_GBPS:
		if (parse_double(arg, &w->ram_gbps) < 0 || w->ram_gbps < 1 || w->ram_gbps > 20000)
			return error_set(err, "--ram-gbps: '%s': give GB/s from 1 to 20000", arg);
		return 0;
	case OPT_RAM_SPEED:
		if (parse_int(arg, 100, 20000, &w->ram_mts) < 0)
			return error_set(err, "--ram-speed: '%s': give MT/s from 100 to 20000", arg);
		return 0;
	default:
		if (parse_int(arg, 1, 64, &w->ram_channels) < 0)
			return error_set(err, "--ram-channels: '%s': give a channel count from 1 to 64", arg);
		return 0;
	}
}

/* --node, --link, --link-gbps, --link-rtt-us: values in their ranges. */
static int parse_cluster_option(int c, const char *arg, struct cli *cli, struct error *err)
{
	struct rpc_link preset;

	switch (c) {
	case OPT_NODE:
		if (cli->node_count == RPC_MAX_NODES)
			return error_set(err, "--node: at most %d machines", RPC_MAX_NODES);
		cli->node_files[cli->node_count++] = arg;
		return 0;
	case OPT_LINK:
		if (rpc_link_preset(arg, &preset) < 0)
			return error_set(err, "--link: unknown link '%s': give one of %s, or "
					 "--link-gbps N --link-rtt-us N", arg, rpc_link_preset_names());
		cli->link = arg;
		return 0;
	case OPT_LINK_GBPS:
		if (parse_double(arg, &cli->link_gbps) < 0 || cli->link_gbps < 0.001 ||
		    cli->link_gbps > 10000)
			return error_set(err, "--link-gbps: '%s': give a rate in Gb/s from 0.001 to 10000",
					 arg);
		return 0;
	default:
		if (parse_double(arg, &cli->link_rtt_us) < 0 || cli->link_rtt_us < 0 ||
		    cli->link_rtt_us > 1e7)
			return error_set(err, "--link-rtt-us: '%s': give a round trip in microseconds "
					 "from 0 to 10000000", arg);
		return 0;
	}
}

static int parse_option(int c, const char *arg, struct cli *cli, struct error *err)
{
	enum kv_type kv;
	enum sort_key sort;
	enum runtime runtime;

	switch (c) {
	case OPT_JSON: cli->json = true; return 0;
	case OPT_CPU_ONLY: cli->whatif.cpu_only = true; return 0;
	case OPT_NO_COLOR: cli->color = false; return 0;
	case OPT_FULL: cli->full = true; return 0;
	case OPT_ALL: cli->all = true; return 0;
	case OPT_FITS: cli->fits_only = true; return 0;
	case OPT_PLAN: cli->need_plan = true; return 0;
	case 'h': cli->help = true; return 0;
	case 'V': cli->version = true; return 0;
	case OPT_QUANT: cli->quant = arg; return 0;
	case OPT_HW: cli->hw_file = arg; return 0;
	case OPT_DATA_DIR: cli->data_dir = arg; return 0;
	case OPT_SYSROOT: cli->sysroot = arg; return 0;
	case OPT_PCI_DUMP: cli->pci_dump = arg; return 0;
	case OPT_ID:
		if (!*arg || strlen(arg) >= 64)
			return error_set(err, "--id: give a name of 1 to 63 bytes");
		cli->id = arg;
		return 0;
	case OPT_KV:
		return parse_choice("kv-type", arg, kv_type_parse(arg, &kv) == 0, &cli->kv_type, err);
	case OPT_SORT:
		return parse_choice("sort", arg, sort_key_parse(arg, &sort) == 0, &cli->sort, err);
	case OPT_TASK: cli->task = arg; return 0;  /* checked once the command is known */
	case OPT_NODE:
	case OPT_LINK:
	case OPT_LINK_GBPS:
	case OPT_LINK_RTT_US:
		return parse_cluster_option(c, arg, cli, err);
	case OPT_RUNTIME:
		cli->runtime_given = true;
		return parse_choice("runtime", arg, runtime_parse(arg, &runtime) == 0, &cli->runtime, err);
	case OPT_FLASH_ATTN:
		return parse_choice("flash-attn", arg, strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0,
				    &cli->flash_attn, err);
	case OPT_USERS:         /* plan: people served at once; cost: with --prompts-per-day */
		if (parse_int(arg, 1, 100000, &cli->users) < 0)
			return error_set(err, "--users: '%s': give a number of people from 1 to 100000", arg);
		cli->costs.users = cli->users;
		return 0;
	case OPT_CTX:
		if (strcasecmp(arg, "max") == 0) {
			cli->ctx = CLI_CTX_MAX;
			return 0;
		}
		if (parse_int(arg, 1, 1 << 24, &cli->ctx) < 0)
			return error_set(err, "--ctx: '%s': give a token count from 1 to %d, or 'max'",
					 arg, 1 << 24);
		return 0;
	case OPT_THREADS:
		if (parse_int(arg, 1, 4096, &cli->threads) < 0)
			return error_set(err, "--threads: '%s': give a number from 1 to 4096", arg);
		cli->whatif.threads = cli->threads; /* what-if CPU rates are for these */
		return 0;
	case OPT_RUNS:
		if (parse_int(arg, 1, BENCH_KEPT_RUNS, &cli->bench_runs) < 0)
			return error_set(err, "--runs: '%s': give a number of runs from 1 to %d",
					 arg, BENCH_KEPT_RUNS);
		return 0;
	case OPT_PROMPT:
		if (parse_int(arg, 1, 1 << 24, &cli->prompt_tokens) < 0)
			return error_set(err, "--prompt: '%s': give a token count", arg);
		return 0;
	case OPT_MIN_TPS:
		if (parse_double(arg, &cli->min_tok_per_s) < 0 || cli->min_tok_per_s < 0)
			return error_set(err, "--min-tps: '%s': give tokens per second", arg);
		return 0;
	case OPT_RAM:
	case OPT_VRAM:
		if (parse_size(arg, c == OPT_RAM ? &cli->whatif.ram_bytes : &cli->whatif.vram_bytes) < 0)
			return error_set(err, "--%s: '%s': give a size with a unit, e.g. 64G or 512M",
					 c == OPT_RAM ? "ram" : "vram", arg);
		return 0;
	case OPT_CPU: cli->whatif.cpu_name = arg; return 0;
	case OPT_RAM_GBPS:
	case OPT_RAM_SPEED:
	case OPT_RAM_CHANNELS:
		return parse_memory(c, arg, &cli->whatif, err);
	case OPT_DISK: return parse_disk(arg, &cli->whatif, err);
	case OPT_GPU:
		if (cli->whatif.gpu_name_count == HW_MAX_GPUS)
			return error_set(err, "--gpu: at most %d times", HW_MAX_GPUS);
		cli->whatif.gpu_names[cli->whatif.gpu_name_count++] = arg;
		return 0;
	default:
		if (c >= OPT_COST && c <= OPT_CURRENCY)
			return parse_cost_option(c, arg, cli, err);
		return error_set(err, "unknown option (see 'canirun --help')");
	}
}

static void set_defaults(struct cli *cli)
{
	const char *no_color = getenv("NO_COLOR");

	memset(cli, 0, sizeof(*cli));
	cli->ctx = CLI_CTX_RUNTIME;
	cli->runtime = "ollama";
	cli->prompt_tokens = 1024;
	cli->users = 1;
	cli->kv_type = "f16";
	cli->color = !(no_color && *no_color);
	cli->data_dir = getenv("CANIRUN_DATA_DIR");
	cli->sysroot = getenv("CANIRUN_SYSROOT");
	cli->whatif.ram_bytes = cli->whatif.vram_bytes = -1;
	cli->whatif.ram_gbps = cli->whatif.disk_gbps = -1;
	cli->whatif.ram_mts = cli->whatif.ram_channels = -1;
	cli->link_gbps = cli->link_rtt_us = -1;
	cli->costs = (struct cost_options){
		.kwh_price = -1, .hw_cost = -1, .months = COST_DEFAULT_MONTHS,
		.api_input_per_mtok = -1, .api_output_per_mtok = -1, .seat_price = -1,
		.tokens_per_day = -1, .input_per_day = -1, .currency = "USD",
	};
}

/* CANIRUN_KWH_PRICE, when set, is the default --kwh-price. */
static int kwh_price_from_env(struct cost_options *o, struct error *err)
{
	const char *env = getenv("CANIRUN_KWH_PRICE");

	if (!env || !*env || o->kwh_price_from)
		return 0;
	if (parse_double(env, &o->kwh_price) < 0 || o->kwh_price < 0 || o->kwh_price > 1000)
		return error_set(err, "CANIRUN_KWH_PRICE: '%s': give a price per kWh from 0 to 1000",
				 env);
	o->kwh_price_from = "CANIRUN_KWH_PRICE";
	return 0;
}

/* Prices given in USD meet the limits data/apis.json's do. */
static int check_usd_prices(const struct cost_options *o, struct error *err)
{
	if (o->api_output_per_mtok >= 0 &&
	    (!value_in_limit(o->api_input_per_mtok, &api_price_limit) ||
	     !value_in_limit(o->api_output_per_mtok, &api_price_limit)))
		return error_set(err, "--api-price: %g,%g: each must be from %s", o->api_input_per_mtok,
				 o->api_output_per_mtok, api_price_limit.text);
	if (o->seat_price >= 0 && !value_in_limit(o->seat_price, &seat_price_limit))
		return error_set(err, "--seat-price: %g: must be from %s", o->seat_price,
				 seat_price_limit.text);
	return 0;
}

/* The cost options that only make sense together (messages name them). */
static int check_cost_options(const struct cli *cli, struct error *err)
{
	const struct cost_options *o = &cli->costs;
	int by_users = (o->prompts_per_day > 0) + (o->tokens_per_prompt > 0);
	bool usd = strcmp(o->currency, "USD") == 0;

	/* --users alone is plan's (people served); for costs it needs the other two. */
	if (by_users > 0 || cli->command == CMD_COST)
		by_users += o->users > 0;
	if (by_users > 0 && by_users < 3)
		return error_set(err, "--users, --prompts-per-day and --tokens-per-prompt go together");
	if (by_users && o->tokens_per_day > 0)
		return error_set(err, "--tokens-per-day: give it or --users/--prompts-per-day/"
				 "--tokens-per-prompt, not both");
	if (o->api && o->api_output_per_mtok >= 0)
		return error_set(err, "--api: give it or --api-price, not both");
	if (o->seat && o->seat_price >= 0)
		return error_set(err, "--seat: give it or --seat-price, not both");
	if ((o->api || o->api_output_per_mtok >= 0) && (o->seat || o->seat_price >= 0))
		return error_set(err, "--seat: compare with an API or a seat plan, not both");
	if ((o->seat || o->seat_price >= 0) && !by_users)
		return error_set(err, "--seat: seats are priced per user: give --users, "
				 "--prompts-per-day and --tokens-per-prompt");
	if (!usd && (o->api || o->seat))
		return error_set(err, "--%s: the table's prices are in USD; with --currency %s give "
				 "--%s-price", o->api ? "api" : "seat", o->currency,
				 o->api ? "api" : "seat");
	if (usd && check_usd_prices(o, err) < 0)
		return -1;
	if (!usd && !o->kwh_price_from)
		return error_set(err, "--currency: the default --kwh-price is in USD; with --currency "
				 "%s give --kwh-price", o->currency);
	if (cli->command == CMD_COST && !by_users && !(o->tokens_per_day > 0))
		return error_set(err, "cost: give a usage: --tokens-per-day N, or --users N "
				 "--prompts-per-day P --tokens-per-prompt T");
	return 0;
}

static int take_positionals(int argc, char **argv, struct cli *cli, struct error *err)
{
	int i = optind;

	if (i < argc) {
		for (int c = CMD_REPORT; c <= CMD_NEED; c++)
			if (strcmp(argv[i], command_names[c]) == 0) {
				cli->command = (enum command)c;
				i++;
				break;
			}
	}
	for (; i < argc; i++) {
		if (cli->arg_count == CLI_MAX_ARGS)
			return error_set(err, "too many arguments (at most %d)", CLI_MAX_ARGS);
		cli->args[cli->arg_count++] = argv[i];
	}
	return 0;
}

/* --task: one listing task, or for plan a list (plan.h checks its names). */
static int check_task(struct cli *cli, struct error *err)
{
	unsigned plan_tasks;

	if (!cli->task)
		return 0;
	if (cli->command == CMD_PLAN || (cli->command == CMD_NEED && cli->need_plan))
		return plan_tasks_parse(cli->task, &plan_tasks, err);
	return parse_choice("task", cli->task, model_task_parse(cli->task) != 0, &cli->task, err);
}

/* need tries every configuration itself: options describing one machine's
 * GPUs have no place there (--cpu and --ram describe the CPU share). */
static int check_need(const struct cli *cli, struct error *err)
{
	const struct whatif *w = &cli->whatif;

	if (cli->need_plan && cli->command != CMD_NEED)
		return error_set(err, "--plan: only for 'canirun need'");
	if (cli->command != CMD_NEED)
		return 0;
	/* --plan: they describe the machine whose plan is the stack */
	if (!cli->need_plan && (w->gpu_name_count > 0 || w->vram_bytes >= 0 || w->cpu_only))
		return error_set(err, "need: --%s describes one machine; need tries every GPU "
				 "of the table itself (--cpu, --ram describe the CPU share)",
				 w->gpu_name_count > 0 ? "gpu" : w->vram_bytes >= 0 ? "vram" : "cpu-only");
	if (cli->need_plan && cli->arg_count > 0)
		return error_set(err, "need --plan: unexpected argument '%s' (the stack is plan's "
				 "picks for --task)", cli->args[0]);
	if (!cli->need_plan && cli->arg_count == 0)
		return error_set(err, "need: name at least one MODEL, or --plan "
				 "(see 'canirun need --help')");
	if (!cli->need_plan && cli->task)
		return error_set(err, "need: --task goes with --plan (the stack's tasks)");
	return 0;
}

/* --node needs a second machine; the link options need --node. */
static int check_cluster(const struct cli *cli, struct error *err)
{
	enum runtime runtime = RUNTIME_LLAMA_CPP;
	bool estimates = cli->command == CMD_DEFAULT || cli->command == CMD_REPORT ||
			 cli->command == CMD_SHOW || cli->command == CMD_GGUF ||
			 cli->command == CMD_LOCAL || cli->command == CMD_PLAN || cli->command == CMD_COST;

	if (cli->node_count == 0) {
		if (cli->link || cli->link_gbps >= 0 || cli->link_rtt_us >= 0)
			return error_set(err, "--%s: only with --node (the machines it links)",
					 cli->link ? "link" : cli->link_gbps >= 0 ? "link-gbps" : "link-rtt-us");
		return 0;
	}
	if (!estimates)
		return error_set(err, "--node: for report, show, gguf, local, plan and cost");
	if (cli->node_count + (cli->hw_file ? 1 : 0) < 2)
		return error_set(err, "--node: give two machines: --hw HOST.json --node OTHER.json, "
				 "or --node HOST.json --node OTHER.json (the first is the host)");
	if (cli->node_count + (cli->hw_file ? 1 : 0) > RPC_MAX_NODES)
		return error_set(err, "--node: at most %d machines, the host included", RPC_MAX_NODES);
	if (cli->sysroot || cli->pci_dump)
		return error_set(err, "--node: the machines are profiles; --sysroot and --pci-dump "
				 "describe this one");
	if (cli->runtime_given)
		runtime_parse(cli->runtime, &runtime);
	if (runtime != RUNTIME_LLAMA_CPP)
		return error_set(err, "--node: pooling machines is llama.cpp's RPC; --runtime %s "
				 "cannot (drop --runtime or give llama.cpp)", cli->runtime);
	return 0;
}

static int check_arguments(struct cli *cli, struct error *err)
{
	if (cli->help || cli->version)
		return 0;
	if (check_task(cli, err) < 0)
		return -1;
	if (cli->command == CMD_SHOW && cli->arg_count != 1)
		return error_set(err, "show: name exactly one MODEL (see 'canirun show --help')");
	if (cli->command == CMD_GGUF && cli->arg_count == 0)
		return error_set(err, "gguf: name at least one FILE");
	if (cli->command == CMD_ADD && cli->arg_count != 1)
		return error_set(err, "add: name exactly one FILE.gguf or config.json");
	if (cli->id && cli->command != CMD_ADD)
		return error_set(err, "--id: only for 'canirun add'");
	if (cli->bench_runs && cli->command != CMD_BENCH)
		return error_set(err, "--runs: only for 'canirun bench'");
	if (cli->command == CMD_COST && cli->arg_count == 0)
		return error_set(err, "cost: name at least one MODEL (see 'canirun cost --help')");
	if (check_need(cli, err) < 0)
		return -1;
	if (cli->command == CMD_CALIBRATE && cli->arg_count == 0)
		return error_set(err, "calibrate: name at least one llama-bench or Ollama output FILE");
	if ((cli->command == CMD_HW || cli->command == CMD_BENCH ||
	     cli->command == CMD_LOCAL || cli->command == CMD_PLAN) && cli->arg_count > 0)
		return error_set(err, "%s: unexpected argument '%s'",
				 command_names[cli->command], cli->args[0]);
	if (cli->hw_file && (cli->sysroot || cli->pci_dump))
		return error_set(err, "--hw cannot be combined with --sysroot or --pci-dump");
	if (check_cluster(cli, err) < 0)
		return -1;
	if (cli->command == CMD_COST)
		cli->cost = true;
	return kwh_price_from_env(&cli->costs, err) < 0 ? -1 : check_cost_options(cli, err);
}

int cli_parse(int argc, char **argv, struct cli *cli, struct error *err)
{
	int c;

	set_defaults(cli);
	optind = 0;   /* GNU: restart scanning, so tests may parse twice */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hV", long_options, NULL)) != -1) {
		if (c == ':')
			return error_set(err, "missing value for '%s' (see 'canirun --help')",
					 argv[optind - 1]);
		if (c == '?' && optopt)
			return error_set(err, "unknown option '-%c' (see 'canirun --help')", optopt);
		if (c == '?')
			return error_set(err, "unknown option '%s' (see 'canirun --help')",
					 argv[optind - 1]);
		if (parse_option(c, optarg, cli, err) < 0)
			return -1;
	}
	if (take_positionals(argc, argv, cli, err) < 0)
		return -1;
	return check_arguments(cli, err);
}
