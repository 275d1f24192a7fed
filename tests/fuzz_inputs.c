/* fuzz_inputs.c - libFuzzer targets for every input parser but GGUF (that
 * one is fuzz_gguf.c): one binary per parser, chosen at compile time with
 * -DFUZZ_TARGET=N (the numbers are defined below; `make fuzz` builds and
 * runs each for FUZZ_SECONDS, seeded from tests/fixtures/fuzz-seeds/<name>).
 *
 * Each input is written to a file the parser reads through its public entry
 * point, exactly as canirun reads a file a user hands it: a --hw profile,
 * a catalogue, a bench cache, an Ollama manifest, an `lspci -xxxx` dump,
 * llama-bench or `ollama --verbose` output (`canirun calibrate`), /proc
 * files (meminfo, cpuinfo, mountinfo, cgroup limits) below a sysroot, the
 * price and power tables (data/apis.json, data/power.json, gpus.json with
 * its street prices) and the GPU sysfs files (amdgpu mem_info_*, xe tile
 * sizes, i915 lmem, PCIe link speed/width, the CPU cache size). The parsers must return (0 or -1 with a message), never crash,
 * hang, leak or read out of bounds; a result they accept must hold no
 * impossible value. Not named test_*.c: it is not a suite.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/benchcache.h"
#include "decide/apis.h"
#include "decide/power.h"
#include "estimate/calibrate.h"
#include "hw/gputable.h"
#include "hw/hwjson.h"
#include "model/catalog.h"
#include "model/localstore.h"
#include "probe/gpuprobe.h"
#include "probe/pcibus.h"
#include "probe/probe.h"

/* The targets, as the Makefile's FUZZ_INPUTS numbers them. */
#define FUZZ_PROFILE 1
#define FUZZ_CATALOG 2
#define FUZZ_BENCHCACHE 3
#define FUZZ_MANIFEST 4
#define FUZZ_LSPCI 5
#define FUZZ_PROC 6
#define FUZZ_LLAMABENCH 7
#define FUZZ_APIS 8
#define FUZZ_POWER 9
#define FUZZ_GPUS 10
#define FUZZ_SYSFS 11

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET=<1..11>"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char root[64];   /* a private directory for the files we write */

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_inputs: invariant broken: %s\n", what);
		abort();
	}
}

/* Writes data to root/rel, making its parent directories. */
static __attribute__((unused)) void put(const char *rel, const uint8_t *data, size_t size)
{
	char path[256];
	FILE *f;

	for (const char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/')) {
		snprintf(path, sizeof(path), "%s/%.*s", root, (int)(p - rel), rel);
		mkdir(path, 0700);
	}
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "wb");
	check(f != NULL, "input file opens");
	check(fwrite(data, 1, size, f) == size || size == 0, "input file written");
	check(fclose(f) == 0, "input file closes");
}

static __attribute__((unused)) const char *at(const char *rel)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return path;
}

/* A fixture's small pci.ids into root/<dir>/usr/share/misc: libpci would
 * parse the system's 1.3 MB list on every scan otherwise (25 runs a
 * second instead of 230). */
static __attribute__((unused)) void copy_pci_ids(const char *machine, const char *dir)
{
	static uint8_t ids[1 << 16];
	char path[256];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "tests/fixtures/%s/sysroot/usr/share/misc/pci.ids", machine);
	f = fopen(path, "rb");
	check(f != NULL, "the fixture's pci.ids opens");
	n = fread(ids, 1, sizeof(ids), f);
	fclose(f);
	snprintf(path, sizeof(path), "%s%susr/share/misc/pci.ids", dir, *dir ? "/" : "");
	put(path, ids, n);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "/tmp/canirun-fuzz.XXXXXX");
	check(mkdtemp(root) != NULL, "temporary directory");
	/* The manifest target scans only the store we write; no real home. */
	setenv("HOME", root, 1);
	setenv("OLLAMA_MODELS", at("ollama"), 1);
#if FUZZ_TARGET == FUZZ_LSPCI
	copy_pci_ids("dual-3090", "");
#endif
	return 0;
}

/* What a profile that loaded may hold: nothing negative that means a
 * quantity, nothing absurd. */
static __attribute__((unused)) void check_hardware(const struct hardware *hw)
{
	check(hw->gpu_count >= 0 && hw->gpu_count <= HW_MAX_GPUS, "gpu count");
	for (int i = 0; i < hw->gpu_count; i++) {
		const struct gpu_info *g = &hw->gpus[i];

		check(g->bandwidth_gbps < 0 || (g->bandwidth_gbps >= 1 && g->bandwidth_gbps <= 100000),
		      "GPU bandwidth unknown or in range");
		check(g->vram_total_bytes < ((int64_t)1 << 50), "VRAM below 1 PiB");
		check(g->vram_free_bytes <= g->vram_total_bytes || g->vram_total_bytes < 0,
		      "free VRAM within the total");
	}
	check(hw->cpu.cores <= 65536 && hw->cpu.threads <= 65536, "CPU counts in range");
}

/* What canirun reports as hardware (hw --json), a --hw profile accepts:
 * every fact within the physical limits, whichever door it came by. */
static __attribute__((unused)) void check_round_trip(const struct hardware *hw)
{
	static struct hardware back;   /* large: not on the stack */
	cJSON *json = hw_to_json(hw);
	struct error err = { "" };
	int rc;

	check(json != NULL, "hardware as JSON");
	rc = hw_from_json(json, "round-trip", &back, &err);
	if (rc != 0)
		fprintf(stderr, "fuzz_inputs: %s\n", err.msg);
	check(rc == 0, "what the probe reports loads back as a profile");
	cJSON_Delete(json);
}

#if FUZZ_TARGET == FUZZ_POWER || FUZZ_TARGET == FUZZ_GPUS || FUZZ_TARGET == FUZZ_SYSFS
/* The GPU table the power rows name: data/gpus.json from the repository
 * root `make fuzz` runs in (CANIRUN_DATA_DIR overrides). */
static struct gpu_table shipped_gpus;

static __attribute__((unused)) void load_shipped_gpus(void)
{
	const char *dir = getenv("CANIRUN_DATA_DIR");
	char path[512];
	struct error err;

	if (shipped_gpus.specs)
		return;
	snprintf(path, sizeof(path), "%s/gpus.json", dir && *dir ? dir : "data");
	if (gpu_table_load(path, &shipped_gpus, &err) != 0) {
		fprintf(stderr, "fuzz_inputs: %s\n", err.msg);
		abort();
	}
}

/* A placement on each GPU of the table, alone: the draw it gets is unknown
 * or within the watts limit. */
static __attribute__((unused)) void check_draws(const struct power_table *pt, const struct gpu_table *gpus)
{
	static struct hardware hw;
	struct fit f;
	struct power_draw d;

	for (int i = 0; i < gpus->count; i++) {
		hw_init(&hw);
		hw.gpu_count = 1;
		hw_gpu_init(&hw.gpus[0]);
		hw.gpus[0].table_entry = i;
		memset(&f, 0, sizeof(f));
		f.placement = PLACE_GPU;
		f.gpu[0].layers = 1;
		power_for_fit(pt, gpus, &hw, &f, -1, &d);
		check(d.watts < 0 || (d.watts >= 1 && d.watts <= 1e6 && d.source == WATTS_TABLE),
		      "a draw unknown or in range");
	}
}
#endif

#if FUZZ_TARGET == FUZZ_PROFILE
static void run(const uint8_t *data, size_t size)
{
	struct hardware hw;
	struct error err;

	put("profile.json", data, size);
	if (hw_load_profile(at("profile.json"), &hw, &err) == 0) {
		check_hardware(&hw);
		check_round_trip(&hw);
	}
	else
		check(err.msg[0] != '\0', "a refusal says why");
}
#elif FUZZ_TARGET == FUZZ_CATALOG
static void run(const uint8_t *data, size_t size)
{
	struct catalog cat;
	struct error err;

	put("models.json", data, size);
	if (catalog_load(at("models.json"), &cat, &err) == 0) {
		for (int i = 0; i < cat.count; i++)
			check(cat.models[i].layers > 0 && cat.models[i].params > 0, "model sizes positive");
		catalog_release(&cat);
	} else {
		check(err.msg[0] != '\0', "a refusal says why");
	}
}
#elif FUZZ_TARGET == FUZZ_BENCHCACHE
static void run(const uint8_t *data, size_t size)
{
	struct bench_runs runs;
	struct bench_result kept;
	struct warnings w = { 0 };

	/* Seeds carry BENCH_CACHE_FORMAT and this key, or nothing past the
	 * header check is reached. A cache accepted holds 1 to BENCH_KEPT_RUNS runs of one
	 * setup, and their medians are rates in range. */
	put("bench.json", data, size);
	if (bench_cache_load(at("bench.json"), "fuzz-key", &runs, &w) == 0) {
		check(runs.count >= 1 && runs.count <= BENCH_KEPT_RUNS, "1 to BENCH_KEPT_RUNS runs");
		bench_runs_kept(&runs, &kept);
		check(kept.threads >= 1 && kept.threads <= 65536, "threads in range");
		for (int f = 0; f < BF_COUNT; f++)
			check(kept.rate[f] >= 0.01 && kept.rate[f] <= 1e7, "a rate in range");
	}
}
#elif FUZZ_TARGET == FUZZ_MANIFEST
static void run(const uint8_t *data, size_t size)
{
	struct localstore_options opts = { .ollama_system_dir = "" };
	struct local_models found;
	struct warnings w = { 0 };
	struct error err;

	put("ollama/manifests/registry.ollama.ai/library/fuzz/latest", data, size);
	if (localstore_scan(&opts, &found, &w, &err) == 0)
		localstore_release(&found);
}
#elif FUZZ_TARGET == FUZZ_LSPCI
static void run(const uint8_t *data, size_t size)
{
	struct pci_function fns[32];
	struct pcibus_source src = { .sysroot = root, .dump_path = NULL };
	struct warnings w = { 0 };
	struct error err;
	int count = 0;

	put("pci.dump", data, size);
	src.dump_path = at("pci.dump");
	if (pcibus_scan(&src, fns, 32, &count, &w, &err) == 0)
		check(count >= 0 && count <= 32, "function count in range");
}
#elif FUZZ_TARGET == FUZZ_PROC
/* The same bytes as every /proc and cgroup file the probe reads. */
static void run(const uint8_t *data, size_t size)
{
	static const char *const files[] = {
		"proc/meminfo", "proc/cpuinfo", "proc/self/mountinfo", "proc/self/status",
		"sys/fs/cgroup/memory.max", "sys/fs/cgroup/cpu.max", "proc/self/cgroup",
	};
	struct hardware hw;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		put(files[i], data, size);
	memset(&hw, 0, sizeof(hw));
	hw_init(&hw);
	probe_ram(root, &hw);
	probe_cpu(root, &hw);
	probe_disk(root, root, &hw);
	check_hardware(&hw);
	check_round_trip(&hw);
	check(hw.ram.total_bytes == HW_UNKNOWN || hw.ram.total_bytes >= 0, "RAM unknown or positive");
}
#elif FUZZ_TARGET == FUZZ_LLAMABENCH
/* The text as `canirun calibrate` reads a file: NUL-terminated. Runs it
 * accepts are measurements, so positive and finite. */
static void run(const uint8_t *data, size_t size)
{
	struct measured_runs runs = { 0 };
	struct error err;
	char *text = malloc(size + 1);

	check(text != NULL, "memory");
	memcpy(text, data, size);
	text[size] = '\0';
	if (measured_runs_parse(text, "fuzz", &runs, &err) == 0)
		for (int i = 0; i < runs.count; i++)
			check(runs.items[i].tok_s > 0 && runs.items[i].tok_s < 1e7, "tok/s positive and finite");
	measured_runs_release(&runs);
	free(text);
}
#elif FUZZ_TARGET == FUZZ_APIS
/* Prices a table accepts are within the published range. */
static void run(const uint8_t *data, size_t size)
{
	struct price_table t;
	struct error err;

	put("apis.json", data, size);
	if (price_table_load(at("apis.json"), &t, &err) != 0) {
		check(err.msg[0] != '\0', "a refusal says why");
		return;
	}
	check(t.api_count > 0, "default_api is one of apis[]");
	for (int i = 0; i < t.api_count; i++)
		check(value_in_limit(t.apis[i].input_per_mtok, &api_price_limit) &&
		      value_in_limit(t.apis[i].output_per_mtok, &api_price_limit), "API price in range");
	for (int i = 0; i < t.seat_count; i++)
		check(value_in_limit(t.seats[i].per_user_month, &seat_price_limit), "seat price in range");
	check(price_table_api(&t, t.default_api, "fuzz", &err) != NULL, "default_api found");
}
#elif FUZZ_TARGET == FUZZ_POWER
static void run(const uint8_t *data, size_t size)
{
	struct power_table pt;
	struct error err;

	load_shipped_gpus();
	put("power.json", data, size);
	if (power_table_load(at("power.json"), &shipped_gpus, &pt, &err) != 0) {
		check(err.msg[0] != '\0', "a refusal says why");
		return;
	}
	check(value_in_limit(pt.desktop_idle_w, &power_watts_limit), "idle in range");
	check(pt.discrete_fraction > 0 && pt.discrete_fraction <= 4, "fraction in range");
	for (int i = 0; i < pt.unified_count; i++)
		check(value_in_limit(pt.unified[i].watts, &power_watts_limit), "unified draw in range");
	check_draws(&pt, &shipped_gpus);
}
#elif FUZZ_TARGET == FUZZ_GPUS
/* A gpus.json: what loads is within the profiles' limits, and the shipped
 * power table fits against it or is refused. */
static void run(const uint8_t *data, size_t size)
{
	struct value_limit vram = hw_limit("vram_total_bytes"), bw = hw_limit("bandwidth_gbps");
	struct gpu_table t;
	struct power_table pt;
	struct error err;
	const char *dir = getenv("CANIRUN_DATA_DIR");
	char power[512];

	put("gpus.json", data, size);
	if (gpu_table_load(at("gpus.json"), &t, &err) != 0) {
		check(err.msg[0] != '\0', "a refusal says why");
		return;
	}
	for (int i = 0; i < t.count; i++) {
		const struct gpu_spec *g = &t.specs[i];

		check(g->vram_bytes < 0 || value_in_limit((double)g->vram_bytes, &vram), "VRAM in range");
		check(value_in_limit(g->bandwidth_gbps, &bw), "bandwidth in range");
		check(g->price.usd < 0 || (g->price.usd >= 10 && g->price.usd <= 1e6), "price in range");
		check(g->tdp_w < 0 || (g->tdp_w >= 1 && g->tdp_w <= 10000), "board power in range");
	}
	snprintf(power, sizeof(power), "%s/power.json", dir && *dir ? dir : "data");
	if (power_table_load(power, &t, &pt, &err) == 0)
		check_draws(&pt, &t);
	gpu_table_release(&t);
}
#elif FUZZ_TARGET == FUZZ_SYSFS
/* Three machines' GPU sysfs trees (an RX 7900 XTX on amdgpu, a Strix Halo
 * APU, an Arc B580 on xe beside an i915 iGPU), their PCI functions from
 * the fixtures' lspci dumps; line k of the input goes to file k (cycling),
 * so each file gets its own text. */
struct sysfs_file {
	const char *machine, *rel;
};

static const char *const machines[] = { "rx7900xtx", "strix-halo", "arc-b580-xe" };

#define DEV "sys/bus/pci/devices/"
static const struct sysfs_file sysfs_files[] = {
	{ "rx7900xtx", DEV "0000:03:00.0/mem_info_vram_total" },
	{ "rx7900xtx", DEV "0000:03:00.0/mem_info_vram_used" },
	{ "rx7900xtx", DEV "0000:03:00.0/mem_info_gtt_total" },
	{ "rx7900xtx", DEV "0000:03:00.0/mem_info_gtt_used" },
	{ "rx7900xtx", DEV "0000:03:00.0/max_link_speed" },
	{ "rx7900xtx", DEV "0000:03:00.0/max_link_width" },
	{ "rx7900xtx", DEV "0000:03:00.0/current_link_speed" },
	{ "rx7900xtx", DEV "0000:03:00.0/current_link_width" },
	{ "strix-halo", DEV "0000:c5:00.0/mem_info_vram_total" },
	{ "strix-halo", DEV "0000:c5:00.0/mem_info_vram_used" },
	{ "strix-halo", DEV "0000:c5:00.0/mem_info_gtt_total" },
	{ "strix-halo", DEV "0000:c5:00.0/mem_info_gtt_used" },
	{ "arc-b580-xe", DEV "0000:03:00.0/tile0/physical_vram_size_bytes" },
	{ "arc-b580-xe", DEV "0000:03:00.0/tile1/physical_vram_size_bytes" },
	{ "arc-b580-xe", DEV "0000:00:02.0/drm/card0/lmem_total_bytes" },
	{ "arc-b580-xe", "sys/devices/system/cpu/cpu0/cache/index3/size" },
};

static const struct {
	const char *machine, *bus, *driver;
} drivers[] = {
	{ "rx7900xtx", "0000:03:00.0", "amdgpu" },
	{ "strix-halo", "0000:c5:00.0", "amdgpu" },
	{ "arc-b580-xe", "0000:03:00.0", "xe" },
	{ "arc-b580-xe", "0000:00:02.0", "i915" },
};

static void make_driver_links(void)
{
	static bool made;
	char rel[256];
	uint8_t none = 0;

	if (made)
		return;
	made = true;
	for (size_t m = 0; m < sizeof(machines) / sizeof(machines[0]); m++)
		copy_pci_ids(machines[m], machines[m]);
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		char target[128];

		snprintf(rel, sizeof(rel), "%s/" DEV "%s/vendor", drivers[i].machine, drivers[i].bus);
		put(rel, &none, 0);   /* makes the device directory */
		snprintf(rel, sizeof(rel), "%s/" DEV "%s/driver", drivers[i].machine, drivers[i].bus);
		snprintf(target, sizeof(target), "../../../../bus/pci/drivers/%s", drivers[i].driver);
		check(symlink(target, at(rel)) == 0, "driver link");
	}
}

/* Line k of data (cycling over the lines; the whole input when it has no
 * newline) into line and len. */
static void nth_line(const uint8_t *data, size_t size, size_t k, const uint8_t **line, size_t *len)
{
	size_t lines = 1, start = 0;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	k %= lines;
	for (size_t i = 0; i < size && k; i++)
		if (data[i] == '\n' && --k == 0)
			start = i + 1;
	*line = data + start;
	for (*len = 0; start + *len < size && data[start + *len] != '\n'; (*len)++)
		;
}

static void run(const uint8_t *data, size_t size)
{
	static struct hardware hw;
	struct error err;
	char sysroot[128], dump[256];

	load_shipped_gpus();
	make_driver_links();
	for (size_t k = 0; k < sizeof(sysfs_files) / sizeof(sysfs_files[0]); k++) {
		const uint8_t *line;
		size_t len;
		char rel[256];

		nth_line(data, size, k, &line, &len);
		snprintf(rel, sizeof(rel), "%s/%s", sysfs_files[k].machine, sysfs_files[k].rel);
		put(rel, line, len);
	}
	for (size_t m = 0; m < sizeof(machines) / sizeof(machines[0]); m++) {
		struct probe_options opts = { 0 };

		snprintf(sysroot, sizeof(sysroot), "%s/%s", root, machines[m]);
		snprintf(dump, sizeof(dump), "tests/fixtures/%s/pci.dump", machines[m]);
		opts.sysroot = sysroot;
		opts.pci_dump = dump;
		opts.nvml_path = "/nonexistent/libnvidia-ml.so.1";
		opts.gpu_table = &shipped_gpus;
		hw_init(&hw);
		hw.ram.total_bytes = hw.ram.available_bytes = 64LL << 30;
		hw.ram.source = SRC_PROCFS;
		check(probe_gpus(&opts, &hw, &err) == 0, "the fixture's dump scans");
		probe_cpu(sysroot, &hw);
		check_hardware(&hw);
		check_round_trip(&hw);
	}
}
#else
#error "unknown FUZZ_TARGET"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size);
	return 0;
}
