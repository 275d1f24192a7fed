/* `canirun hw` end to end on every fixture machine: the real binary, its
 * JSON and text, warnings and exit codes. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

struct run {
	int status;
	char *out, *err;
	cJSON *json;
};

static char sysroot[512], dump[512], nvml_conf[600], nvml_lib[600];

/* Runs `canirun hw [--json] --sysroot .. --pci-dump ..` for a fixture. */
static struct run hw_on(const char *machine, bool json, const char *extra)
{
	const char *fake = getenv("CANIRUN_FAKE_NVML");
	struct run r;
	const char *argv[12];
	const char *env[4];
	int n = 0;

	snprintf(sysroot, sizeof(sysroot), "%s/sysroot", test_path(machine));
	snprintf(dump, sizeof(dump), "%s/pci.dump", test_path(machine));
	snprintf(nvml_conf, sizeof(nvml_conf), "CANIRUN_FAKE_NVML_CONFIG=%s/nvml.conf",
		 test_path(machine));
	snprintf(nvml_lib, sizeof(nvml_lib), "CANIRUN_NVML_LIB=%s",
		 fake ? fake : "build/fake-nvml/libnvidia-ml.so.1");
	argv[n++] = "hw";
	if (json)
		argv[n++] = "--json";
	argv[n++] = "--sysroot";
	argv[n++] = sysroot;
	argv[n++] = "--pci-dump";
	argv[n++] = dump;
	if (extra)
		argv[n++] = extra;
	argv[n] = NULL;
	env[0] = nvml_lib;
	env[1] = nvml_conf;
	env[2] = "OLLAMA_MODELS=/models";
	env[3] = NULL;
	r.status = run_canirun(argv, env, &r.out, &r.err);
	r.json = json ? cJSON_Parse(r.out) : NULL;
	return r;
}

static void done(struct run *r)
{
	cJSON_Delete(r->json);
	free(r->out);
	free(r->err);
}

static const cJSON *at(const cJSON *obj, const char *path)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *key = strtok_r(buf, ".", &save); key && obj; key = strtok_r(NULL, ".", &save))
		obj = key[0] >= '0' && key[0] <= '9' ? cJSON_GetArrayItem(obj, (int)strtol(key, NULL, 10))
						     : cJSON_GetObjectItemCaseSensitive(obj, key);
	return obj;
}

static double num(const cJSON *doc, const char *path)
{
	const cJSON *v = at(doc, path);

	return cJSON_IsNumber(v) ? v->valuedouble : -999;
}

static const char *str(const cJSON *doc, const char *path)
{
	const cJSON *v = at(doc, path);

	return cJSON_IsString(v) ? v->valuestring : "(not a string)";
}

static void vm_without_gpu(void)
{
	struct run r = hw_on("fixtures/vm-nogpu", true, NULL);

	CHECK_INT(r.status, 0);
	CHECK(r.json != NULL);
	CHECK_INT(num(r.json, "schema_version"), 1);
	CHECK_STR(str(r.json, "hardware.source"), "probe");
	CHECK_INT(cJSON_GetArraySize(at(r.json, "hardware.gpus")), 0);
	CHECK_STR(str(r.json, "hardware.cpu.model"), "AMD EPYC");
	CHECK_INT(num(r.json, "hardware.cpu.cores"), 2);
	CHECK_INT(num(r.json, "hardware.ram.total_bytes"), 24684100.0 * 1024);
	CHECK_STR(str(r.json, "hardware.disk.kind"), "virtual");
	CHECK(cJSON_IsNull(at(r.json, "hardware.cpu.q4_gbps")));
	CHECK_STR(r.err, "");
	done(&r);
	r = hw_on("fixtures/vm-nogpu", false, NULL);
	CHECK_CONTAINS(r.out, "none found");
	done(&r);
}

static void rtx4090_from_the_table(void)
{
	struct run r = hw_on("fixtures/rtx4090-nonvml", true, NULL);

	CHECK_INT(r.status, 0);
	CHECK_STR(str(r.json, "hardware.gpus.0.name"), "GeForce RTX 4090");
	CHECK_STR(str(r.json, "hardware.gpus.0.vendor"), "nvidia");
	CHECK_STR(str(r.json, "hardware.gpus.0.pci_id"), "10de:2684");
	CHECK_STR(str(r.json, "hardware.gpus.0.source"), "table");
	CHECK_INT(num(r.json, "hardware.gpus.0.vram_total_bytes"), 24.0 * (1 << 30));
	CHECK(cJSON_IsNull(at(r.json, "hardware.gpus.0.vram_free_bytes")));
	CHECK_INT(num(r.json, "hardware.gpus.0.bandwidth_gbps"), 1008);
	CHECK_INT(num(r.json, "hardware.gpus.0.pcie.max_gen"), 4);
	CHECK_STR(str(r.json, "hardware.disk.kind"), "nvme");
	CHECK_INT(num(r.json, "hardware.cpu.cores"), 16);
	/* The driver is bound but NVML is missing: said on stderr. */
	CHECK_CONTAINS(r.err, "canirun: warning:");
	done(&r);
}

static void two_3090s_through_nvml(void)
{
	struct run r = hw_on("fixtures/dual-3090", true, NULL);

	CHECK_INT(r.status, 0);
	CHECK_INT(cJSON_GetArraySize(at(r.json, "hardware.gpus")), 2);
	CHECK_STR(str(r.json, "hardware.gpus.1.source"), "nvml");
	CHECK_INT(num(r.json, "hardware.gpus.1.vram_free_bytes"), 4294967296.0);
	CHECK_STR(str(r.json, "hardware.gpus.0.bus"), "0000:01:00.0");
	CHECK_INT(num(r.json, "hardware.ram.cgroup_limit_bytes"), 96.0 * (1 << 30));
	done(&r);
}

static void amd_and_intel_from_sysfs(void)
{
	struct run r = hw_on("fixtures/rx7900xtx", true, NULL);

	CHECK_STR(str(r.json, "hardware.gpus.0.vendor"), "amd");
	CHECK_STR(str(r.json, "hardware.gpus.0.source"), "sysfs");
	CHECK_INT(num(r.json, "hardware.gpus.0.vram_total_bytes"), 25753026560.0);
	done(&r);
	r = hw_on("fixtures/strix-halo", true, NULL);
	CHECK(cJSON_IsTrue(at(r.json, "hardware.gpus.0.unified_memory")));
	done(&r);
	r = hw_on("fixtures/arc-b580-xe", true, NULL);
	CHECK_STR(str(r.json, "hardware.disk.kind"), "hdd");
	CHECK_CONTAINS(r.out, "B580");
	done(&r);
}

static void h100_accelerator_class(void)
{
	struct run r = hw_on("fixtures/h100-sxm", true, NULL);

	CHECK_INT(cJSON_GetArraySize(at(r.json, "hardware.gpus")), 1);
	CHECK_INT(num(r.json, "hardware.gpus.0.pci_class"), 0x0302);
	CHECK_INT(num(r.json, "hardware.gpus.0.pcie.gen"), 5);
	done(&r);
	r = hw_on("fixtures/h100-sxm", false, NULL);
	CHECK_CONTAINS(r.out, "H100");
	CHECK_CONTAINS(r.out, "[nvml]");
	done(&r);
}

static void what_if_on_top_of_a_probe(void)
{
	struct run r = hw_on("fixtures/vm-nogpu", true, "--gpu=2x RTX 3090");

	CHECK_STR(str(r.json, "hardware.source"), "what-if");
	CHECK_INT(cJSON_GetArraySize(at(r.json, "hardware.gpus")), 2);
	CHECK_STR(str(r.json, "hardware.gpus.1.source"), "what-if");
	done(&r);
}

/* A Mac named with its memory: the memory is the machine's RAM, and the
 * GPU may wire three quarters of it (override.c); the chosen core variant
 * is announced. A card's size must be its own. */
static void what_if_with_memory_sizes(void)
{
	struct run r = hw_on("fixtures/vm-nogpu", true, "--gpu=M1 Max 64GB");

	CHECK_INT(num(r.json, "hardware.ram.total_bytes"), 64LL << 30);
	CHECK_INT(num(r.json, "hardware.gpus.0.vram_total_bytes"), 48LL << 30);
	CHECK_STR(str(r.json, "hardware.gpus.0.name"), "M1 Max 24-core");
	CHECK_CONTAINS(r.err, "using M1 Max 24-core, the slowest");
	done(&r);
	r = hw_on("fixtures/vm-nogpu", true, "--gpu=Tesla P40 24GB");
	CHECK_INT(r.status, 0);
	CHECK_STR(str(r.json, "hardware.gpus.0.name"), "Tesla P40");
	done(&r);
	r = hw_on("fixtures/vm-nogpu", true, "--gpu=A40 24GB");
	CHECK_INT(r.status, 1);
	CHECK_CONTAINS(r.err, "canirun: --gpu: GPU 'A40 24GB': no variant has that memory; "
		       "the table has A40 48 GB");
	done(&r);
}

static void profile_round_trip_through_the_cli(void)
{
	struct run r = hw_on("fixtures/dual-3090", true, NULL);
	char path[512];
	const char *argv[] = { "hw", "--json", "--hw", path, NULL };
	struct run back;

	snprintf(path, sizeof(path), "%s/me.json", test_tmpdir());
	test_write_file(path, r.out, strlen(r.out));
	back.status = run_canirun(argv, NULL, &back.out, &back.err);
	back.json = cJSON_Parse(back.out);
	CHECK_INT(back.status, 0);
	CHECK_STR(str(back.json, "hardware.source"), "profile");
	CHECK_INT(num(back.json, "hardware.gpus.1.vram_free_bytes"), 4294967296.0);
	done(&r);
	done(&back);
}

static void errors_and_exit_codes(void)
{
	const char *bad_dump[] = { "hw", "--pci-dump", "/nonexistent.dump", NULL };
	const char *bad_opt[] = { "hw", "--frobnicate", NULL };
	const char *bad_gpu[] = { "hw", "--gpu", "RTX 9999", NULL };
	const char *bad_profile[] = { "hw", "--hw", "/nonexistent.json", NULL };
	struct run r;

	r.status = run_canirun(bad_dump, NULL, &r.out, &r.err);
	CHECK_INT(r.status, 1);
	CHECK_CONTAINS(r.err, "canirun: /nonexistent.dump:");
	free(r.out), free(r.err);
	r.status = run_canirun(bad_opt, NULL, &r.out, &r.err);
	CHECK_INT(r.status, 2);
	CHECK_CONTAINS(r.err, "canirun: unknown option '--frobnicate'");
	free(r.out), free(r.err);
	r.status = run_canirun(bad_gpu, NULL, &r.out, &r.err);
	CHECK_INT(r.status, 1);
	CHECK_CONTAINS(r.err, "unknown GPU 'RTX 9999'");
	free(r.out), free(r.err);
	r.status = run_canirun(bad_profile, NULL, &r.out, &r.err);
	CHECK_INT(r.status, 1);
	CHECK_CONTAINS(r.err, "canirun: /nonexistent.json: No such file or directory");
	CHECK_STR(r.out, "");
	free(r.out), free(r.err);
}

TESTS(T(what_if_with_memory_sizes), T(vm_without_gpu), T(rtx4090_from_the_table), T(two_3090s_through_nvml),
      T(amd_and_intel_from_sysfs), T(h100_accelerator_class), T(what_if_on_top_of_a_probe),
      T(profile_round_trip_through_the_cli), T(errors_and_exit_codes));
