/* test_cputable.c - data/cpus.json, --cpu matching, the what-if CPU rates
 * (hw/cpudescribed) and the what-if CPU, memory and disk options end to end. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "estimate/estimate.h"
#include "model/quant.h"
#include "hw/cpudescribed.h"
#include "hw/cpurate.h"
#include "hw/cputable.h"
#include "hw/override.h"
#include "util/units.h"

/* The what-if model's approach to a memory limit (hw/cpurate.h):
 * n c / (1 + (n c / limit)^4)^(1/4). */
static double toward(double nc, double limit)
{
	return nc / pow(1 + pow(nc / limit, 4), 0.25);
}

static const struct cpu_table *real_table(void)
{
	static struct cpu_table t;
	static bool loaded;
	struct error err;
	char path[512];

	if (!loaded) {
		const char *dir = getenv("CANIRUN_DATA_DIR");

		snprintf(path, sizeof(path), "%s/cpus.json", dir ? dir : "data");
		if (cpu_table_load(path, &t, &err) < 0)
			fprintf(stderr, "  %s\n", err.msg);
		loaded = true;
	}
	return &t;
}

static const struct cpu_spec *find(const char *query)
{
	const struct cpu_spec *s = NULL;
	struct error err;

	if (cpu_table_find_name(real_table(), query, &s, &err) < 0) {
		fprintf(stderr, "  %s: %s\n", query, err.msg);
		return NULL;
	}
	return s;
}

/* Every family the issue names is there, with the vendor's figures:
 * AM5 7000 parts DDR5-5200 x 2 channels = 83.2 GB/s (amd.com), a Genoa
 * EPYC 12 x DDR5-4800 = 460.8 GB/s, an M2 Max 400 GB/s (apple.com). */
static void table_covers_the_families(void)
{
	const char *names[] = { "Ryzen 9 5950X", "Ryzen 9 7950X", "Ryzen 9 9950X",
		"Threadripper PRO 7995WX", "EPYC 9654", "i9-12900K", "i9-13900K", "i9-14900K",
		"Core Ultra 9 285K", "Xeon w9-3495X", "M1", "M4 Max", "X Elite X1E-80-100",
		"Altra Max M128-30" };
	const struct cpu_spec *s;

	CHECK(real_table()->count >= 40);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK(find(names[i]) != NULL);
	if ((s = find("Ryzen 9 7950X"))) {
		CHECK_INT(s->cores, 16);
		CHECK_INT(s->memory_channels, 2);
		CHECK_INT(s->memory_mts, 5200);
		CHECK_NEAR(s->bandwidth_gbps, 83.2, 1e-9);
	}
	if ((s = find("EPYC 9654")))
		CHECK_NEAR(s->bandwidth_gbps, 460.8, 1e-9);
	if ((s = find("M2 Max"))) {
		CHECK_NEAR(s->bandwidth_gbps, 400, 1e-9);
		CHECK_INT(s->performance_cores, 8);
		CHECK(cpu_spec_is_arm(s));
	}
}

/* Vendor words go, '-' and '+' split, ambiguity and typos list candidates. */
static void names_match_like_gpus(void)
{
	const struct cpu_spec *s;
	struct error err;

	CHECK((s = find("amd ryzen 9 7950x")) && strcmp(s->name, "Ryzen 9 7950X") == 0);
	CHECK((s = find("13900K")) && strcmp(s->name, "Core i9-13900K") == 0);
	CHECK((s = find("Intel Core i9 13900K")) && strcmp(s->name, "Core i9-13900K") == 0);
	CHECK((s = find("M2")) && strcmp(s->name, "M2") == 0);
	CHECK((s = find("Xeon 8480")) && strcmp(s->name, "Xeon Platinum 8480+") == 0); /* '+' splits */
	CHECK_INT(cpu_table_find_name(real_table(), "Ryzen 9", &s, &err), -1);
	CHECK_CONTAINS(err.msg, "ambiguous CPU 'Ryzen 9': candidates: Ryzen 9 5900X, Ryzen 9 5950X, Ryzen 9 7900X");
	CHECK_INT(cpu_table_find_name(real_table(), "Ryzen 9 7960X", &s, &err), -1);
	CHECK_CONTAINS(err.msg, "unknown CPU 'Ryzen 9 7960X'; closest: ");
}

static int load_text(const char *body, struct cpu_table *t, struct error *err)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/cpus.json", test_tmpdir());
	test_write_file(path, body, strlen(body));
	return cpu_table_load(path, t, err);
}

#define ROW(bw) "{\"schema_version\": 1, \"cpus\": [{\"name\": \"Part 1\", \"vendor\": \"amd\", " \
	"\"form\": \"desktop\", \"cores\": 8, \"performance_cores\": null, \"threads\": 16, " \
	"\"simd\": [\"avx2\"], \"memory_type\": \"DDR5\", \"memory_channels\": 2, " \
	"\"memory_mts\": 6000, \"bandwidth_gbps\": " bw ", \"source\": \"https://example.com\"}]}"

/* 2 x 8 x 6000 / 1000 = 96 GB/s; 120 is 25% off and names the field. */
static void table_checks_bandwidth(void)
{
	struct cpu_table t;
	struct error err;

	CHECK_INT(load_text(ROW("96.0"), &t, &err), 0);
	CHECK_INT(t.count, 1);
	cpu_table_release(&t);
	CHECK_INT(load_text(ROW("120.0"), &t, &err), -1);
	CHECK_CONTAINS(err.msg, "cpus[0] (Part 1): bandwidth_gbps: not within 10%");
	CHECK_INT(load_text(ROW("null"), &t, &err), -1);
	CHECK_CONTAINS(err.msg, "bandwidth_gbps: must be a positive number");
}

/* The model, by hand: x86 memory limit = bandwidth x 0.772; per-thread
 * Q4_0 14.9, Q4_K 22.5, Q6_K 24.8, Q8_0 21.5 GB/s; prefill 91.1 GFLOPS a
 * thread (Q8_0 x 118.07 / 104.46). Apple: also P-cores x 13.1 GB/s. */
static void rates_follow_the_model(void)
{
	struct cpu_info cpu;
	struct cpu_described x86 = { 16, false, false, 0, 83.2 };
	struct cpu_described two = { 2, false, false, 0, 83.2 };
	struct cpu_described m2max = { 8, true, true, 8, 400 };

	cpu_described_rates(&x86, &cpu);
	CHECK_NEAR(cpu.q4_gbps, toward(16 * 14.9, 83.2 * 0.772), 1e-9);
	CHECK_NEAR(cpu.q8_0_gbps, toward(16 * 21.5, 83.2 * 0.772), 1e-9);
	CHECK_NEAR(cpu.mem_read_gbps, 83.2 * 0.772, 1e-9);
	CHECK_NEAR(cpu.prefill_gflops, 16 * 91.1, 1e-9);
	CHECK_NEAR(cpu.prefill_q8_0_gflops, 16 * 91.1 * 118.07 / 104.46, 1e-9);
	CHECK_INT(cpu.q4_source, SRC_WHATIF);
	cpu_described_rates(&two, &cpu);
	CHECK_NEAR(cpu.q4_gbps, toward(2 * 14.9, 83.2 * 0.772), 1e-9);
	CHECK_NEAR(cpu.q4_k_gbps, toward(2 * 22.5, 83.2 * 0.772), 1e-9);
	CHECK_NEAR(cpu.q6_k_gbps, toward(2 * 24.8, 83.2 * 0.772), 1e-9);
	CHECK_NEAR(cpu.q8_0_gbps, toward(2 * 21.5, 83.2 * 0.772), 1e-9);
	/* one thread's rates, for --threads below the described ones */
	CHECK_NEAR(cpu.q4_core_gbps, 14.9, 1e-9);
	CHECK_NEAR(cpu.q8_0_core_gbps, 21.5, 1e-9);
	CHECK_NEAR(cpu_decode_gbps(&cpu, CPU_W_Q4_K, 1), 22.5, 1e-9);
	cpu_described_rates(&m2max, &cpu);
	CHECK_NEAR(cpu.q4_gbps, toward(8 * 18.7, 8 * 13.1), 1e-9);   /* not toward 400 x 0.772 */
	CHECK_NEAR(cpu.prefill_gflops, 8 * 106.0, 1e-9);
}

/* --ram-gbps over a host CPU the table knows by name (a profile made on an
 * M2 Max): its vendor applies Apple's P-core share, 8 x 13.1 GB/s, not
 * 400 x 0.772. A CPU the table does not know gets no such cap. */
static void ram_gbps_on_a_known_host_cpu(void)
{
	struct whatif w = { .ram_bytes = -1, .vram_bytes = -1, .ram_gbps = 400, .ram_mts = -1,
			    .ram_channels = -1, .disk_gbps = -1 };
	struct hardware hw;
	struct error err;

	hw_init(&hw);
	snprintf(hw.cpu.model, sizeof(hw.cpu.model), "Apple M2 Max");
	hw.cpu.cores = hw.cpu.threads = 12;
	hw.cpu.performance_cores = 8;
	hw.cpu.simd_count = 1;
	snprintf(hw.cpu.simd[0], sizeof(hw.cpu.simd[0]), "neon");
	CHECK_INT(whatif_apply_host(&w, real_table(), &hw, &err), 0);
	CHECK_NEAR(hw.cpu.q4_gbps, toward(8 * 18.7, 8 * 13.1), 1e-9);
	hw_init(&hw);
	snprintf(hw.cpu.model, sizeof(hw.cpu.model), "Some Arm Board");
	hw.cpu.cores = hw.cpu.threads = 8;
	hw.cpu.simd_count = 1;
	snprintf(hw.cpu.simd[0], sizeof(hw.cpu.simd[0]), "neon");
	CHECK_INT(whatif_apply_host(&w, real_table(), &hw, &err), 0);
	CHECK_NEAR(hw.cpu.q4_gbps, toward(8 * 18.7, 400 * 0.772), 1e-9);
}

/* A CPU-only what-if at 40 and at 80 GB/s: 96 EPYC cores compute far more
 * than either delivers, so decode = the limit 0.772 x bandwidth (approached
 * as hw/cpurate.h says) / bytes a token, and doubles with the bandwidth. */
static void cpu_only_decode_scales_with_bandwidth(void)
{
	const char *dir = getenv("CANIRUN_DATA_DIR");
	struct catalog cat;
	struct error err;
	char path[512];
	double weights_s[2];
	const double gbps[2] = { 40, 80 };

	snprintf(path, sizeof(path), "%s/models.json", dir ? dir : "data");
	if (!CHECK_INT(catalog_load(path, &cat, &err), 0))
		return;
	for (int i = 0; i < 2; i++) {
		struct whatif w = { .ram_bytes = 256 * GIB, .vram_bytes = -1, .cpu_only = true,
				    .cpu_name = "EPYC 9654", .ram_gbps = gbps[i], .ram_mts = -1,
				    .ram_channels = -1, .disk_gbps = -1 };
		struct estimate_settings set = { 4096, KV_F16, 0, 1024, RUNTIME_OLLAMA, FA_RUNTIME, NULL, NULL };
		struct hardware hw;
		struct estimate e;

		hw_init(&hw);
		CHECK_INT(whatif_apply(&w, NULL, &hw, &err), 0);
		CHECK_INT(whatif_apply_host(&w, real_table(), &hw, &err), 0);
		CHECK_INT(estimate_ftype(&hw, catalog_find(&cat, "llama3.1:8b"), FTYPE_Q4_K_M,
					 &set, &e, &err), 0);
		CHECK_STR(placement_name(e.now.placement), "cpu");
		/* Q4_K_M's Q4_K (22.5 a thread) and Q6_K (24.8) tensors both at the limit */
		CHECK_NEAR(e.now.terms.cpu_gbps, 0.772 * gbps[i], 1e-6 * gbps[i]);
		/* the weights' time at that rate, and the attention's at its own */
		weights_s[i] = e.now.terms.cpu_bytes_per_token / (e.now.terms.cpu_gbps * 1e9);
		CHECK(e.now.terms.cpu_attention_gflops > 0);
		CHECK_NEAR(e.now.decode_tok_s, 1 / (weights_s[i] + e.now.terms.cpu_attention_flops_per_token /
						     (e.now.terms.cpu_attention_gflops * 1e9)), 1e-9);
	}
	/* 96 x 22.5 GB/s of Q4_K compute is 70 and 35 times either limit: the
	 * rate is the limit to 1 part in 10^6 (hw/cpurate.h), and doubles with it */
	CHECK_NEAR(weights_s[0] / weights_s[1], 2.0, 1e-5);
	catalog_release(&cat);
}

/* --ram-speed and --ram-channels over --cpu's memory: 4 x 8 x 6000 = 192 GB/s. */
static void memory_options_recompute_bandwidth(void)
{
	struct whatif w = { .ram_bytes = -1, .vram_bytes = -1, .cpu_name = "Ryzen 9 7950X",
			    .ram_gbps = -1, .ram_mts = 6000, .ram_channels = 4, .disk_gbps = -1 };
	struct hardware hw;
	struct error err;

	hw_init(&hw);
	CHECK_INT(whatif_apply_host(&w, real_table(), &hw, &err), 0);
	CHECK_NEAR(hw.cpu.memory_bandwidth_gbps, 192, 1e-9);
	CHECK_INT(hw.cpu.memory_source, SRC_WHATIF);
	CHECK_NEAR(hw.cpu.q4_gbps, toward(16 * 14.9, 192 * 0.772), 1e-9);
	CHECK_INT(hw.origin, HW_FROM_WHATIF);
	/* Without --cpu the probe does not know the channels. */
	hw_init(&hw);
	w.cpu_name = NULL;
	w.ram_channels = -1;
	CHECK_INT(whatif_apply_host(&w, real_table(), &hw, &err), -1);
	CHECK_CONTAINS(err.msg, "--ram-speed: this machine's memory channels are not known");
}

/* --disk: a kind takes its rated read (970 EVO Plus 3.5 GB/s), a number is the rate. */
static void disk_option_sets_the_disk(void)
{
	struct whatif w = { .ram_bytes = -1, .vram_bytes = -1, .ram_gbps = -1, .ram_mts = -1,
			    .ram_channels = -1, .disk_kind = DISK_NVME, .disk_gbps = -1 };
	struct hardware hw;
	struct error err;

	hw_init(&hw);
	CHECK_INT(whatif_apply_host(&w, NULL, &hw, &err), 0);
	CHECK_NEAR(hw.disk.read_gbps, 3.5, 1e-12);
	CHECK_INT(hw.disk.kind, DISK_NVME);
	CHECK_INT(hw.disk.read_source, SRC_WHATIF);
	w.disk_kind = DISK_UNKNOWN;
	w.disk_gbps = 1.25;
	CHECK_INT(whatif_apply_host(&w, NULL, &hw, &err), 0);
	CHECK_NEAR(hw.disk.read_gbps, 1.25, 1e-12);
}

static int run(const char *const argv[], char **out, char **err)
{
	const char *env[] = { "CANIRUN_SYSROOT=", NULL };

	return run_canirun(argv, env, out, err);
}

/* Range errors name the option (exit 2); data errors exit 1. */
static void options_reject_bad_values(void)
{
	static const struct { const char *opt, *value, *msg; int status; } cases[] = {
		{ "--ram-gbps", "0", "--ram-gbps: '0': give GB/s from 1 to 20000", 2 },
		{ "--ram-speed", "50", "--ram-speed: '50': give MT/s from 100 to 20000", 2 },
		{ "--ram-channels", "65", "--ram-channels: '65': give a channel count from 1 to 64", 2 },
		{ "--disk", "floppy", "--disk: 'floppy': give nvme, ssd, hdd", 2 },
		{ "--cpu", "Ryzen 9", "--cpu: ambiguous CPU 'Ryzen 9'", 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[] = { "hw", "--sysroot", test_path("fixtures/vm-nogpu/sysroot"),
				       cases[i].opt, cases[i].value, NULL };
		char *out, *err;

		CHECK_INT(run(argv, &out, &err), cases[i].status);
		CHECK_CONTAINS(err, cases[i].msg);
		free(out);
		free(err);
	}
}

static const cJSON *at(const cJSON *o, const char *a, const char *b)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, a), b);
}

/* hw --json carries the what-if CPU and disk; --hw with --cpu replaces it. */
static void profiles_carry_the_cpu(void)
{
	const char *save[] = { "hw", "--json", "--sysroot", test_path("fixtures/vm-nogpu/sysroot"),
			       "--cpu", "EPYC 9654", "--disk", "hdd", NULL };
	char *out, *err, path[512];
	cJSON *doc;

	CHECK_INT(run(save, &out, &err), 0);
	doc = cJSON_Parse(out);
	if (CHECK(doc != NULL)) {
		const cJSON *hw = cJSON_GetObjectItemCaseSensitive(doc, "hardware");

		CHECK_STR(at(hw, "cpu", "model")->valuestring, "EPYC 9654");
		CHECK_STR(at(hw, "cpu", "q4_source")->valuestring, "what-if");
		CHECK_NEAR(at(hw, "cpu", "memory_bandwidth_gbps")->valuedouble, 460.8, 1e-9);
		CHECK_STR(at(hw, "disk", "kind")->valuestring, "hdd");
		CHECK_NEAR(at(hw, "disk", "read_gbps")->valuedouble, 0.22, 1e-9);
	}
	snprintf(path, sizeof(path), "%s/epyc.json", test_tmpdir());
	test_write_file(path, out, strlen(out));
	cJSON_Delete(doc);
	free(out);
	free(err);
	{
		const char *load[] = { "hw", "--json", "--hw", path, "--cpu", "Ryzen 9 7950X", NULL };

		CHECK_INT(run(load, &out, &err), 0);
		doc = cJSON_Parse(out);
		if (CHECK(doc != NULL)) {
			const cJSON *hw = cJSON_GetObjectItemCaseSensitive(doc, "hardware");

			CHECK_STR(at(hw, "cpu", "model")->valuestring, "Ryzen 9 7950X");
			CHECK_NEAR(at(hw, "cpu", "q4_gbps")->valuedouble, round(toward(16 * 14.9, 83.2 * 0.772) * 100) / 100,
				   1e-9);
			CHECK_STR(at(hw, "disk", "kind")->valuestring, "hdd");
		}
		cJSON_Delete(doc);
		free(out);
		free(err);
	}
}

/* show names the CPU it assumed, and on a what-if GPU without one, says the
 * CPU share is this machine's. */
static void show_says_which_cpu(void)
{
	/* at Q4_K_M (gpt-oss's default is MXFP4, its one published type) */
	const char *with[] = { "show", "gpt-oss:120b", "--sysroot", test_path("fixtures/vm-nogpu/sysroot"),
			       "--gpu", "RTX 3090", "--ram", "64G", "--cpu", "Ryzen 9 7950X",
			       "--quant", "Q4_K_M", NULL };
	const char *without[] = { "show", "gpt-oss:120b", "--hw",
				  test_path("fixtures/profiles/cpu-16core.json"), "--gpu", "RTX 3090",
				  "--ram", "64G", NULL };
	char *out, *err;

	CHECK_INT(run(with, &out, &err), 0);
	CHECK_CONTAINS(out, "what-if CPU Ryzen 9 7950X (16 cores): memory 83.2 GB/s (table)");
	CHECK_CONTAINS(out, "CPU: 2.01 GB / 64.2 GB/s");
	free(out);
	free(err);
	CHECK_INT(run(without, &out, &err), 0);
	CHECK_CONTAINS(out, "this machine's CPU Test 16-core server CPU (profile): the what-if machine's CPU share uses this machine's CPU");
	free(out);
	free(err);
	{
		const char *report[] = { "report", "--hw", test_path("fixtures/profiles/cpu-16core.json"),
					 "--gpu", "RTX 3090", "llama3.1:8b", NULL };
		const char *env[] = { "COLUMNS=200", NULL };

		CHECK_INT(run_canirun(report, env, &out, &err), 0);
		CHECK_CONTAINS(out, "CPU this machine's, 16 cores Q4 80.0 GB/s");
		free(out);
		free(err);
	}
}

TESTS(T(table_covers_the_families), T(names_match_like_gpus), T(table_checks_bandwidth),
      T(rates_follow_the_model), T(cpu_only_decode_scales_with_bandwidth),
      T(memory_options_recompute_bandwidth), T(ram_gbps_on_a_known_host_cpu), T(disk_option_sets_the_disk),
      T(options_reject_bad_values), T(profiles_carry_the_cpu), T(show_says_which_cpu));
