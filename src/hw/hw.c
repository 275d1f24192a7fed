#include "hw/hw.h"

#include <string.h>

static const char *const source_names[] = {
	[SRC_UNKNOWN] = "unknown",   [SRC_PROBE] = "probe",
	[SRC_PROCFS] = "procfs",     [SRC_SYSFS] = "sysfs",
	[SRC_CGROUP] = "cgroup",     [SRC_PCI_CONFIG] = "pci-config",
	[SRC_NVML] = "nvml",         [SRC_DRM] = "drm",
	[SRC_TABLE] = "table",       [SRC_WHATIF] = "what-if",
	[SRC_PROFILE] = "profile",   [SRC_BENCH] = "bench",
	[SRC_CACHED] = "cached",     [SRC_ESTIMATED] = "estimated",
};

static const char *const vendor_names[] = {
	[GPU_VENDOR_OTHER] = "other", [GPU_VENDOR_NVIDIA] = "nvidia",
	[GPU_VENDOR_AMD] = "amd",     [GPU_VENDOR_INTEL] = "intel",
	[GPU_VENDOR_APPLE] = "apple",
};

static const char *const disk_names[] = {
	[DISK_UNKNOWN] = "unknown", [DISK_NVME] = "nvme", [DISK_SSD] = "ssd",
	[DISK_HDD] = "hdd",         [DISK_VIRTUAL] = "virtual",
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int name_index(const char *const *names, int count, const char *name)
{
	for (int i = 0; i < count; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *fact_source_name(enum fact_source src)
{
	return (int)src >= 0 && (int)src < COUNT(source_names) ?
		source_names[src] : "unknown";
}

int fact_source_parse(const char *name, enum fact_source *out)
{
	int i = name_index(source_names, COUNT(source_names), name);

	if (i < 0)
		return -1;
	*out = (enum fact_source)i;
	return 0;
}

const char *gpu_vendor_name(enum gpu_vendor v)
{
	return (int)v >= 0 && (int)v < COUNT(vendor_names) ?
		vendor_names[v] : "other";
}

int gpu_vendor_parse(const char *name, enum gpu_vendor *out)
{
	int i = name_index(vendor_names, COUNT(vendor_names), name);

	if (i < 0)
		return -1;
	*out = (enum gpu_vendor)i;
	return 0;
}

/* PCI vendor ids from pci.ids: 10de NVIDIA, 1002 AMD/ATI, 8086 Intel,
 * 106b Apple. */
enum gpu_vendor gpu_vendor_from_pci(int pci_vendor_id)
{
	switch (pci_vendor_id) {
	case 0x10de: return GPU_VENDOR_NVIDIA;
	case 0x1002: return GPU_VENDOR_AMD;
	case 0x8086: return GPU_VENDOR_INTEL;
	case 0x106b: return GPU_VENDOR_APPLE;
	default: return GPU_VENDOR_OTHER;
	}
}

const char *disk_kind_name(enum disk_kind k)
{
	return (int)k >= 0 && (int)k < COUNT(disk_names) ?
		disk_names[k] : "unknown";
}

int disk_kind_parse(const char *name, enum disk_kind *out)
{
	int i = name_index(disk_names, COUNT(disk_names), name);

	if (i < 0)
		return -1;
	*out = (enum disk_kind)i;
	return 0;
}

/* Vendors' sequential-read ratings of common drives, GB/s: a PCIe 3.0 x4
 * NVMe drive, Samsung 970 EVO Plus, "up to 3,500 MB/s"
 * (https://semiconductor.samsung.com/consumer-storage/internal-ssd/970evoplus/);
 * a SATA SSD, Samsung 870 EVO, "up to 560 MB/s"
 * (https://semiconductor.samsung.com/consumer-storage/internal-ssd/870evo/);
 * a 7200 rpm disk, Seagate BarraCuda 2 TB, 220 MB/s sustained at the outer
 * tracks (https://www.seagate.com/products/hard-drives/barracuda-hard-drive/).
 * A disk of unknown kind (virtual, not found) is assumed to read like the
 * SATA SSD: its backing is not known, and that figure is the middle one. */
#define NVME_READ_GBPS 3.5
#define SATA_SSD_READ_GBPS 0.56
#define HDD_READ_GBPS 0.22

double disk_kind_default_gbps(enum disk_kind k)
{
	switch (k) {
	case DISK_NVME: return NVME_READ_GBPS;
	case DISK_HDD: return HDD_READ_GBPS;
	default: return SATA_SSD_READ_GBPS;
	}
}

void hw_gpu_init(struct gpu_info *gpu)
{
	memset(gpu, 0, sizeof(*gpu));
	gpu->pci_vendor_id = gpu->pci_device_id = HW_UNKNOWN;
	gpu->pci_subvendor_id = gpu->pci_subdevice_id = HW_UNKNOWN;
	gpu->pci_revision = gpu->pci_class = HW_UNKNOWN;
	gpu->vram_total_bytes = gpu->vram_free_bytes = HW_UNKNOWN;
	gpu->gtt_total_bytes = HW_UNKNOWN;
	gpu->mem_bus_width_bits = gpu->mem_clock_mhz = HW_UNKNOWN;
	gpu->bandwidth_gbps = gpu->fp16_tflops = HW_UNKNOWN;
	gpu->pcie.gen = gpu->pcie.width = HW_UNKNOWN;
	gpu->pcie.max_gen = gpu->pcie.max_width = HW_UNKNOWN;
	gpu->table_entry = -1;
}

void hw_init(struct hardware *hw)
{
	memset(hw, 0, sizeof(*hw));
	hw->ram.total_bytes = hw->ram.available_bytes = HW_UNKNOWN;
	hw->ram.swap_total_bytes = hw->ram.swap_free_bytes = HW_UNKNOWN;
	hw->ram.cgroup_limit_bytes = HW_UNKNOWN;
	hw->cpu.cores = hw->cpu.threads = HW_UNKNOWN;
	hw->cpu.l3_bytes = HW_UNKNOWN;
	hw->cpu.q4_gbps = hw->cpu.mem_read_gbps = HW_UNKNOWN;
	hw->cpu.prefill_gflops = HW_UNKNOWN;
	hw->cpu.q4_k_gbps = hw->cpu.q6_k_gbps = hw->cpu.q8_0_gbps = HW_UNKNOWN;
	hw->cpu.q4_core_gbps = hw->cpu.q4_k_core_gbps = HW_UNKNOWN;
	hw->cpu.q6_k_core_gbps = hw->cpu.q8_0_core_gbps = HW_UNKNOWN;
	hw->cpu.mem_read_core_gbps = HW_UNKNOWN;
	hw->cpu.prefill_q4_k_gflops = hw->cpu.prefill_q6_k_gflops = HW_UNKNOWN;
	hw->cpu.prefill_q8_0_gflops = hw->cpu.prefill_simd_gflops = hw->cpu.prefill_simd_q8_0_gflops = HW_UNKNOWN;
	hw->cpu.prefill_core_gflops = hw->cpu.prefill_q4_k_core_gflops = HW_UNKNOWN;
	hw->cpu.prefill_q6_k_core_gflops = hw->cpu.prefill_q8_0_core_gflops = HW_UNKNOWN;
	hw->cpu.performance_cores = hw->cpu.memory_channels = hw->cpu.memory_mts = HW_UNKNOWN;
	hw->cpu.memory_bandwidth_gbps = HW_UNKNOWN;
	hw->disk.kind = DISK_UNKNOWN;
	hw->disk.read_gbps = HW_UNKNOWN;
}

bool cpu_has_simd(const struct cpu_info *cpu, const char *name)
{
	for (int i = 0; i < cpu->simd_count; i++)
		if (strcmp(cpu->simd[i], name) == 0)
			return true;
	return false;
}
