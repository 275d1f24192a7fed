#include "probe/gpuprobe.h"

#include <stdio.h>
#include <string.h>

#include "probe/gpusysfs.h"
#include "probe/gpuvram.h"
#include "probe/nvml.h"
#include "probe/pcibus.h"

#define MAX_PCI_FUNCTIONS 32
#define APU_CARVEOUT_MAX_BYTES (1LL << 30)

/* Display adapters that never run a model, by PCI vendor id (pci.ids):
 * ASPEED (server BMC), Matrox (server consoles), QEMU/Bochs, Red Hat
 * (virtio-gpu), VMware SVGA, Cirrus Logic (emulated), Microsoft Hyper-V. */
static bool console_only(int vendor_id)
{
	static const int ids[] = { 0x1a03, 0x102b, 0x1234, 0x1af4, 0x15ad,
				   0x1013, 0x1414 };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (ids[i] == vendor_id)
			return true;
	return false;
}

/* State shared by the GPUs of one probe: NVML is opened once, on the first
 * NVIDIA GPU. */
struct gpu_probe {
	const struct probe_options *opts;
	struct hardware *hw;
	struct nvml *nvml;
	bool nvml_tried;
};

static struct nvml *probe_nvml(struct gpu_probe *p)
{
	if (!p->nvml_tried) {
		p->nvml = nvml_open(p->opts->nvml_path, &p->hw->warnings);
		p->nvml_tried = true;
	}
	return p->nvml;
}

static void set_identity(struct gpu_info *gpu, const struct pci_function *f)
{
	gpu->vendor = gpu_vendor_from_pci(f->vendor_id);
	gpu->pci_vendor_id = f->vendor_id;
	gpu->pci_device_id = f->device_id;
	gpu->pci_subvendor_id = f->subvendor_id;
	gpu->pci_subdevice_id = f->subdevice_id;
	gpu->pci_revision = f->revision;
	gpu->pci_class = f->class_code;
	snprintf(gpu->bus, sizeof(gpu->bus), "%s", f->bus_id);
	if (f->ids_name[0])
		pcibus_marketing_name(f->ids_name, gpu->name, sizeof(gpu->name));
	else
		snprintf(gpu->name, sizeof(gpu->name), "PCI device %04x:%04x",
			 f->vendor_id, f->device_id);
}

/* Intel's integrated graphics device always sits at bus 0, device 2,
 * function 0 (the "IGD", Device 2 in Intel's processor datasheets);
 * discrete Arc cards sit behind a PCIe port. */
static bool intel_igd_slot(const struct pci_function *f)
{
	return f->domain == 0 && f->bus == 0 && f->dev == 2 && f->func == 0;
}

static bool is_integrated(const struct gpu_info *gpu, const struct pci_function *f,
			  const struct gpu_spec *spec, const struct gpu_mem_report *m)
{
	if (spec)
		return spec->unified_memory;
	if (gpu->vendor == GPU_VENDOR_INTEL)
		return intel_igd_slot(f);
	return strcmp(gpu->driver, "amdgpu") == 0 && m->vram_total_bytes > 0 &&
	       m->vram_total_bytes <= APU_CARVEOUT_MAX_BYTES &&
	       m->gtt_total_bytes > m->vram_total_bytes;
}

static void apply_nvml(struct gpu_info *gpu, const struct nvml_gpu *g)
{
	const char *name = g->name;

	if (strncmp(name, "NVIDIA ", 7) == 0)
		name += 7;
	if (*name)
		snprintf(gpu->name, sizeof(gpu->name), "%s", name);
	if (!gpu->unified_memory && g->total_bytes > 0) {
		gpu->vram_total_bytes = g->total_bytes;
		gpu->vram_free_bytes = g->free_bytes;
		gpu->vram_source = SRC_NVML;
	}
	gpu->mem_bus_width_bits = g->bus_width_bits;
	gpu->mem_clock_mhz = g->mem_clock_mhz;
	gpu->bandwidth_gbps = nvml_bandwidth_gbps(g);
	if (gpu->bandwidth_gbps > 0)
		gpu->bandwidth_source = SRC_NVML;
	if (gpu->pcie.source == SRC_UNKNOWN && g->link.source == SRC_NVML)
		gpu->pcie = g->link;
}

/* Fills what the driver did not give from the table entry. */
static void apply_table(struct gpu_info *gpu, const struct gpu_spec *spec)
{
	if (gpu->vram_source == SRC_UNKNOWN && !gpu->unified_memory &&
	    spec->vram_bytes > 0) {
		gpu->vram_total_bytes = spec->vram_bytes;
		gpu->vram_source = SRC_TABLE;
	}
	if (gpu->bandwidth_source == SRC_UNKNOWN && spec->bandwidth_gbps > 0) {
		gpu->bandwidth_gbps = spec->bandwidth_gbps;
		gpu->bandwidth_source = SRC_TABLE;
	}
	if (gpu->mem_bus_width_bits < 0)
		gpu->mem_bus_width_bits = spec->bus_width_bits;
	if (spec->fp16_tflops > 0) {
		gpu->fp16_tflops = spec->fp16_tflops;
		gpu->fp16_source = SRC_TABLE;
	}
}

static const struct gpu_spec *find_spec(const struct gpu_table *t,
					const struct pci_function *f)
{
	if (!t)
		return NULL;
	return gpu_table_find_pci(t, f->vendor_id, f->device_id, f->subvendor_id,
				  f->subdevice_id, f->revision);
}

static void query_nvidia(struct gpu_probe *p, struct gpu_info *gpu)
{
	struct nvml *n = probe_nvml(p);
	struct nvml_gpu g;

	if (n && nvml_query(n, gpu->bus, &g) == 0) {
		apply_nvml(gpu, &g);
		return;
	}
	if (strcmp(gpu->driver, "nvidia") == 0)
		warn_add(&p->hw->warnings,
			 "GPU %s: NVML (%s) not available; its memory is not measured",
			 gpu->bus, p->opts->nvml_path ? p->opts->nvml_path :
			 "libnvidia-ml.so.1");
}

static void probe_one(struct gpu_probe *p, const struct pci_function *f,
		      struct gpu_info *gpu)
{
	const char *sysroot = p->opts->sysroot;
	const struct gpu_spec *spec = find_spec(p->opts->gpu_table, f);
	struct gpu_mem_report mem;

	hw_gpu_init(gpu);
	set_identity(gpu, f);
	gpusysfs_driver(sysroot, f->bus_id, gpu->driver, sizeof(gpu->driver));
	gpu->pcie = f->link;
	if (gpu->pcie.source == SRC_UNKNOWN)
		gpusysfs_link(sysroot, f->bus_id, &gpu->pcie, &p->hw->warnings);
	gpuvram_read(sysroot, f->bus_id, gpu->driver, &mem, &p->hw->warnings);
	gpu->integrated = gpu->unified_memory = is_integrated(gpu, f, spec, &mem);
	if (gpu->unified_memory)
		gpuvram_unified(gpu, &mem, &p->hw->ram);
	else
		gpuvram_discrete(gpu, &mem);
	if (spec && spec->name[0])
		snprintf(gpu->name, sizeof(gpu->name), "%s", spec->name);
	if (gpu->vendor == GPU_VENDOR_NVIDIA)
		query_nvidia(p, gpu);  /* after the table: NVML's name wins */
	if (spec) {
		gpu->table_entry = gpu_table_index(p->opts->gpu_table, spec);
		apply_table(gpu, spec);
	}
}

int probe_gpus(const struct probe_options *opts, struct hardware *hw,
	       struct error *err)
{
	struct pci_function fns[MAX_PCI_FUNCTIONS];
	struct pcibus_source src = { opts->sysroot, opts->pci_dump };
	struct gpu_probe p = { opts, hw, NULL, false };
	int count;

	hw->gpu_count = 0;
	if (pcibus_scan(&src, fns, MAX_PCI_FUNCTIONS, &count, &hw->warnings, err) < 0)
		return -1;
	for (int i = 0; i < count; i++) {
		struct gpu_info *gpu = &hw->gpus[hw->gpu_count];

		if (console_only(fns[i].vendor_id))
			continue;
		if (hw->gpu_count == HW_MAX_GPUS) {
			warn_add(&hw->warnings, "GPU %s: more than %d GPUs, ignored",
				 fns[i].bus_id, HW_MAX_GPUS);
			continue;
		}
		probe_one(&p, &fns[i], gpu);
		gpu->index = hw->gpu_count++;
	}
	nvml_close(p.nvml);
	return 0;
}
