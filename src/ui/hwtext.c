#include "ui/hwtext.h"

#include <stdarg.h>
#include <string.h>

#include "util/units.h"

/* One line: a label column, the text, and the source at the right. */
static void fact(FILE *out, const char *label, enum fact_source src,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void fact(FILE *out, const char *label, enum fact_source src,
		 const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (src == SRC_UNKNOWN)
		fprintf(out, "  %-6s %s\n", label, text);
	else
		fprintf(out, "  %-6s %-62s [%s]\n", label, text, fact_source_name(src));
}

static const char *origin_text(enum hw_origin o)
{
	return o == HW_FROM_PROFILE ? "from a saved profile" :
	       o == HW_FROM_WHATIF ? "what-if, as described on the command line" :
	       "probed on this machine";
}

static void print_cpu(FILE *out, const struct cpu_info *cpu)
{
	char l3[32], simd[HW_MAX_SIMD * 16] = "";
	size_t used = 0;

	format_bytes(l3, sizeof(l3), cpu->l3_bytes);
	if (cpu->cores >= 0)
		fact(out, "CPU", cpu->source, "%s, %d cores, %d threads, L3 %s",
		     cpu->model[0] ? cpu->model : "unknown model", cpu->cores,
		     cpu->threads, l3);
	else
		fact(out, "CPU", SRC_UNKNOWN, "unknown");
	for (int i = 0; i < cpu->simd_count && used < sizeof(simd); i++)
		used += (size_t)snprintf(simd + used, sizeof(simd) - used, "%s%s",
					 i ? " " : "", cpu->simd[i]);
	fact(out, "", SRC_UNKNOWN, "SIMD: %s", used ? simd : "none reported");
	if (cpu->q4_gbps >= 0)
		fact(out, "", cpu->q4_source, "Q4_0 matvec %.1f GB/s, memory read %.1f GB/s",
		     cpu->q4_gbps, cpu->mem_read_gbps);
	else
		fact(out, "", SRC_UNKNOWN, "Q4_0 matvec speed not measured (run 'canirun bench')");
	if (cpu->memory_bandwidth_gbps >= 0 && cpu->memory_channels > 0 && cpu->memory_mts > 0)
		fact(out, "", cpu->memory_source, "memory %s, %d channels x %d MT/s, %.1f GB/s",
		     cpu->memory_type[0] ? cpu->memory_type : "", cpu->memory_channels,
		     cpu->memory_mts, cpu->memory_bandwidth_gbps);
	else if (cpu->memory_bandwidth_gbps >= 0)
		fact(out, "", cpu->memory_source, "memory bandwidth %.1f GB/s",
		     cpu->memory_bandwidth_gbps);
}

static void print_ram(FILE *out, const struct ram_info *ram)
{
	char total[32], avail[32], swap[32], limit[32];

	format_bytes(total, sizeof(total), ram->total_bytes);
	format_bytes(avail, sizeof(avail), ram->available_bytes);
	format_bytes(swap, sizeof(swap), ram->swap_total_bytes);
	fact(out, "RAM", ram->source, "%s total, %s available, swap %s", total, avail, swap);
	if (ram->cgroup_limit_bytes >= 0)
		fact(out, "", SRC_CGROUP, "limited to %s by the cgroup",
		     format_bytes(limit, sizeof(limit), ram->cgroup_limit_bytes));
}

static void print_disk(FILE *out, const struct disk_info *disk)
{
	fact(out, "Disk", disk->device[0] ? SRC_SYSFS : SRC_UNKNOWN, "%s on %s (%s)",
	     disk->path[0] ? disk->path : "?", disk->device[0] ? disk->device : "unknown device",
	     disk_kind_name(disk->kind));
	if (disk->read_gbps >= 0)
		fact(out, "", disk->read_source, "sequential read %.2f GB/s", disk->read_gbps);
}

static void pcie_text(char *buf, size_t size, int gen, int width)
{
	if (gen < 0 && width < 0)
		snprintf(buf, size, "?");
	else if (gen < 0)
		snprintf(buf, size, "x%d", width);
	else
		snprintf(buf, size, "%d.0 x%d", gen, width < 0 ? 0 : width);
}

static void print_gpu(FILE *out, const struct gpu_info *g)
{
	char label[16], total[32], avail[32], cur[24], max[24], id[16] = "";

	snprintf(label, sizeof(label), "GPU %d", g->index);
	if (g->pci_vendor_id >= 0)
		snprintf(id, sizeof(id), " %04x:%04x", g->pci_vendor_id, g->pci_device_id);
	fact(out, label, SRC_UNKNOWN, "%s [%s%s]%s%s%s%s", g->name, gpu_vendor_name(g->vendor),
	     id, g->bus[0] ? " at " : "", g->bus, g->driver[0] ? ", driver " : "", g->driver);
	format_bytes(total, sizeof(total), g->vram_total_bytes);
	format_bytes(avail, sizeof(avail), g->vram_free_bytes);
	fact(out, "", g->vram_source, "%s %s total, %s free",
	     g->unified_memory ? "memory budget (shared with the CPU)" : "VRAM", total, avail);
	if (g->bandwidth_gbps >= 0)
		fact(out, "", g->bandwidth_source, "memory bandwidth %.0f GB/s", g->bandwidth_gbps);
	else
		fact(out, "", SRC_UNKNOWN, "memory bandwidth unknown");
	if (g->fp16_tflops >= 0)
		fact(out, "", g->fp16_source, "FP16 tensor %.1f TFLOPS", g->fp16_tflops);
	if (g->pcie.gen >= 0 || g->pcie.max_gen >= 0) {
		pcie_text(cur, sizeof(cur), g->pcie.gen, g->pcie.width);
		pcie_text(max, sizeof(max), g->pcie.max_gen, g->pcie.max_width);
		fact(out, "", g->pcie.source, "PCIe %s now, %s max", cur, max);
	}
}

void hw_print(FILE *out, const struct hardware *hw)
{
	fprintf(out, "Hardware (%s)\n", origin_text(hw->origin));
	print_cpu(out, &hw->cpu);
	print_ram(out, &hw->ram);
	print_disk(out, &hw->disk);
	if (hw->gpu_count == 0)
		fact(out, "GPU", SRC_UNKNOWN, "none found (estimates use the CPU)");
	for (int i = 0; i < hw->gpu_count; i++)
		print_gpu(out, &hw->gpus[i]);
}
