/* fuzz_inputs.c - libFuzzer targets for every input parser but GGUF (that
 * one is fuzz_gguf.c): one binary per parser, chosen at compile time with
 * -DFUZZ_TARGET=N (the numbers are defined below; `make fuzz` builds and
 * runs each for FUZZ_SECONDS, seeded from tests/fixtures/fuzz-seeds/<name>).
 *
 * Each input is written to a file the parser reads through its public entry
 * point, exactly as canirun reads a file a user hands it: a --hw profile,
 * a catalogue, a bench cache, an Ollama manifest, an `lspci -xxxx` dump,
 * and /proc files (meminfo, cpuinfo, mountinfo, cgroup limits) below a
 * sysroot. The parsers must return (0 or -1 with a message), never crash,
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
#include "hw/hwjson.h"
#include "model/catalog.h"
#include "model/localstore.h"
#include "probe/pcibus.h"
#include "probe/probe.h"

/* The targets, as the Makefile's FUZZ_INPUTS numbers them. */
#define FUZZ_PROFILE 1
#define FUZZ_CATALOG 2
#define FUZZ_BENCHCACHE 3
#define FUZZ_MANIFEST 4
#define FUZZ_LSPCI 5
#define FUZZ_PROC 6

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET=<1..6>"
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
static void put(const char *rel, const uint8_t *data, size_t size)
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

static const char *at(const char *rel)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return path;
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
	}
	check(hw->cpu.cores <= 65536 && hw->cpu.threads <= 65536, "CPU counts in range");
}

#if FUZZ_TARGET == FUZZ_PROFILE
static void run(const uint8_t *data, size_t size)
{
	struct hardware hw;
	struct error err;

	put("profile.json", data, size);
	if (hw_load_profile(at("profile.json"), &hw, &err) == 0)
		check_hardware(&hw);
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
	struct bench_result r;
	struct warnings w = { 0 };

	put("bench.json", data, size);
	bench_cache_load(at("bench.json"), "fuzz-key", &r, &w);
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
	check(hw.ram.total_bytes == HW_UNKNOWN || hw.ram.total_bytes >= 0, "RAM unknown or positive");
}
#else
#error "unknown FUZZ_TARGET"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size);
	return 0;
}
