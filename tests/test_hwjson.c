/* The hardware JSON: what `hw --json` writes, --hw reads back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/hwjson.h"
#include "testlib.h"
#include "util/units.h"

static struct hardware sample(void)
{
	struct hardware hw;
	struct gpu_info *g = &hw.gpus[0];

	hw_init(&hw);
	hw.ram.total_bytes = 64 * GIB;
	hw.ram.available_bytes = 60 * GIB;
	hw.ram.source = SRC_PROCFS;
	snprintf(hw.cpu.model, sizeof(hw.cpu.model), "Test CPU");
	hw.cpu.cores = 8;
	hw.cpu.threads = 16;
	hw.cpu.simd_count = 2;
	snprintf(hw.cpu.simd[0], 16, "avx2");
	snprintf(hw.cpu.simd[1], 16, "fma");
	hw.cpu.q4_gbps = 41.5;
	hw.cpu.q4_source = SRC_BENCH;
	hw.gpu_count = 1;
	hw_gpu_init(g);
	snprintf(g->name, sizeof(g->name), "GeForce RTX 4090");
	g->vendor = GPU_VENDOR_NVIDIA;
	g->pci_vendor_id = 0x10de;
	g->pci_device_id = 0x2684;
	snprintf(g->bus, sizeof(g->bus), "0000:01:00.0");
	g->vram_total_bytes = 24 * GIB;
	g->vram_source = SRC_NVML;
	g->bandwidth_gbps = 1008;
	g->bandwidth_source = SRC_NVML;
	g->pcie.gen = 4;
	g->pcie.width = 16;
	g->pcie.source = SRC_PCI_CONFIG;
	hw.disk.kind = DISK_NVME;
	hw.disk.read_gbps = 3.2;
	hw.disk.read_source = SRC_CACHED;
	snprintf(hw.disk.device, sizeof(hw.disk.device), "nvme0n1");
	return hw;
}

static void round_trip_keeps_facts_and_unknowns(void)
{
	struct hardware in = sample(), out;
	struct error err = { "" };
	cJSON *json = hw_to_json(&in);

	CHECK_INT(hw_from_json(json, "p.json", &out, &err), 0);
	CHECK_INT(out.origin, HW_FROM_PROFILE);
	CHECK_INT(out.ram.total_bytes, 64 * GIB);
	CHECK_INT(out.ram.swap_total_bytes, HW_UNKNOWN);
	CHECK_STR(out.cpu.simd[1], "fma");
	CHECK_NEAR(out.cpu.q4_gbps, 41.5, 1e-9);
	CHECK_INT(out.cpu.q4_source, SRC_PROFILE); /* measured elsewhere, earlier */
	CHECK_INT(out.gpu_count, 1);
	CHECK_STR(out.gpus[0].name, "GeForce RTX 4090");
	CHECK_INT(out.gpus[0].pci_device_id, 0x2684);
	CHECK_INT(out.gpus[0].vram_total_bytes, 24 * GIB);
	CHECK_INT(out.gpus[0].vram_free_bytes, HW_UNKNOWN);
	CHECK_INT(out.gpus[0].vram_source, SRC_NVML);
	CHECK_INT(out.gpus[0].pcie.width, 16);
	CHECK_INT(out.gpus[0].pcie.max_gen, HW_UNKNOWN);
	CHECK_INT(out.disk.kind, DISK_NVME);
	CHECK_INT(out.disk.read_source, SRC_PROFILE);
	cJSON_Delete(json);
}

static void spec_fields_are_present_with_nulls(void)
{
	struct hardware in = sample();
	cJSON *json = hw_to_json(&in);
	const cJSON *gpu = cJSON_GetArrayItem(cJSON_GetObjectItem(json, "gpus"), 0);
	char *text = cJSON_PrintUnformatted(json);

	CHECK_CONTAINS(text, "\"source\":\"probe\"");
	CHECK_CONTAINS(text, "\"available_bytes\":64424509440");
	CHECK_CONTAINS(text, "\"q4_source\":\"bench\"");
	CHECK_STR(cJSON_GetObjectItem(gpu, "pci_id")->valuestring, "10de:2684");
	CHECK_STR(cJSON_GetObjectItem(gpu, "source")->valuestring, "nvml");
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(gpu, "vram_free_bytes")));
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(gpu, "unified_memory")));
	CHECK_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(gpu, "pcie"), "gen")->valueint, 4);
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(json, "disk"), "kind")->valuestring, "nvme");
	free(text);
	cJSON_Delete(json);
}

static void expect_profile_error(const char *text, const char *message)
{
	char path[512];
	struct hardware hw;
	struct error err = { "" };

	snprintf(path, sizeof(path), "%s/profile.json", test_tmpdir());
	test_write_file(path, text, strlen(text));
	CHECK_INT(hw_load_profile(path, &hw, &err), -1);
	CHECK_CONTAINS(err.msg, path);
	CHECK_CONTAINS(err.msg, message);
}

static void broken_profiles_name_the_field(void)
{
	expect_profile_error("{\"hardware\": {\"ram\": {\"total_bytes\": \"lots\"}}}",
			     "hardware.ram.total_bytes: must be a number from 64 MiB to 64 TiB, or null");
	expect_profile_error("{\"ram\": {}, \"cpu\": {}, \"disk\": {}, \"gpus\": [{\"name\": \"X\", \"vendor\": \"acme\"}]}",
			     "hardware.gpus[0].vendor: must be nvidia, amd, intel, apple or other");
	expect_profile_error("{\"ram\": {}, \"cpu\": {}, \"disk\": {}, \"gpus\": [{\"name\": \"X\", \"vendor\": \"amd\", \"pcie\": {\"gen\": -3}}]}",
			     "hardware.gpus[0].pcie.gen");
	expect_profile_error("{\"ram\": {}, \"cpu\": {\"q4_source\": \"magic\"}, \"disk\": {}}",
			     "hardware.cpu.q4_source: unknown source name");
	expect_profile_error("{\"ram\": {}", "not valid JSON");
	expect_profile_error("{\"cpu\": {}, \"disk\": {}}", "hardware.ram: must be an object");
}

/* Zero and absurd values are refused where they enter, naming the field and
 * the range (issue: a bandwidth of 1e-300 gave "0.0 tok/s", a VRAM of 1e30
 * was refused for being "negative"). */
static void impossible_values_are_refused_with_the_range(void)
{
	const char *gpu = "{\"ram\": {}, \"cpu\": {}, \"disk\": {}, \"gpus\": [{\"name\": \"X\", "
			  "\"vendor\": \"nvidia\", ";
	char text[512];

	snprintf(text, sizeof(text), "%s\"bandwidth_gbps\": 1e-300}]}", gpu);
	expect_profile_error(text, "hardware.gpus[0].bandwidth_gbps: must be a number from 1 to 100000 GB/s, or null");
	snprintf(text, sizeof(text), "%s\"bandwidth_gbps\": 0}]}", gpu);
	expect_profile_error(text, "hardware.gpus[0].bandwidth_gbps: must be a number from 1 to 100000 GB/s");
	snprintf(text, sizeof(text), "%s\"vram_total_bytes\": 1e30}]}", gpu);
	expect_profile_error(text, "hardware.gpus[0].vram_total_bytes: must be a number from 1 MiB to 16 TiB, or null");
	expect_profile_error("{\"ram\": {}, \"cpu\": {\"cores\": 0}, \"disk\": {}}",
			     "hardware.cpu.cores: must be a number from 1 to 65536, or null");
	expect_profile_error("{\"ram\": {}, \"cpu\": {\"q4_gbps\": 0}, \"disk\": {}}",
			     "hardware.cpu.q4_gbps: must be a number from 0.01 to 100000 GB/s, or null");
	expect_profile_error("{\"ram\": {}, \"cpu\": {}, \"disk\": {\"read_gbps\": 5000}}",
			     "hardware.disk.read_gbps: must be a number from 0.001 to 1000 GB/s, or null");
	/* More free than there is: 16 GiB available of 8 GiB. */
	expect_profile_error("{\"ram\": {\"total_bytes\": 8589934592, \"available_bytes\": "
			     "17179869184}, \"cpu\": {}, \"disk\": {}}",
			     "hardware.ram.available_bytes: must not exceed total_bytes");
	snprintf(text, sizeof(text), "%s\"vram_total_bytes\": 8589934592, \"vram_free_bytes\": "
		 "17179869184}]}", gpu);
	expect_profile_error(text, "hardware.gpus[0].vram_free_bytes: must not exceed vram_total_bytes");
}

static void missing_profile_file(void)
{
	struct hardware hw;
	struct error err = { "" };

	CHECK_INT(hw_load_profile("/nonexistent/p.json", &hw, &err), -1);
	CHECK_STR(err.msg, "/nonexistent/p.json: No such file or directory");
}

TESTS(T(round_trip_keeps_facts_and_unknowns), T(spec_fields_are_present_with_nulls),
      T(broken_profiles_name_the_field), T(impossible_values_are_refused_with_the_range),
      T(missing_profile_file));
