#include "hw/override.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hw/cpudescribed.h"
#include "util/numparse.h"

static void trim_copy(char *out, size_t size, const char *start, size_t len)
{
	while (len > 0 && isspace((unsigned char)*start)) {
		start++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)start[len - 1]))
		len--;
	snprintf(out, size, "%.*s", (int)len, start);
}

int whatif_split_count(const char *arg, char *name, size_t name_size, int *count)
{
	size_t len = strlen(arg), digits = 0;
	char num[8];

	*count = 1;
	/* Leading "2x " or "2x": digits then x then a space or a letter. */
	while (isdigit((unsigned char)arg[digits]))
		digits++;
	if (digits > 0 && digits < 4 && (arg[digits] == 'x' || arg[digits] == 'X') &&
	    arg[digits + 1] && !isdigit((unsigned char)arg[digits + 1])) {
		snprintf(num, sizeof(num), "%.*s", (int)digits, arg);
		trim_copy(name, name_size, arg + digits + 1, len - digits - 1);
		return parse_int(num, 1, HW_MAX_GPUS, count);
	}
	/* Trailing "x2" after a space or a letter-free boundary. */
	for (digits = 0; digits < len && isdigit((unsigned char)arg[len - 1 - digits]); digits++)
		;
	if (digits > 0 && digits < 4 && len > digits + 1) {
		char x = arg[len - 1 - digits], before = arg[len - 2 - digits];

		if ((x == 'x' || x == 'X') && (isspace((unsigned char)before) ||
					       isdigit((unsigned char)before))) {
			snprintf(num, sizeof(num), "%s", arg + len - digits);
			trim_copy(name, name_size, arg, len - digits - 1);
			return parse_int(num, 1, HW_MAX_GPUS, count);
		}
	}
	trim_copy(name, name_size, arg, len);
	return 0;
}

static void gpu_from_spec(const struct gpu_table *table, const struct gpu_spec *spec,
			  struct gpu_info *g)
{
	hw_gpu_init(g);
	snprintf(g->name, sizeof(g->name), "%s", spec->name);
	g->vendor = spec->vendor;
	if (spec->id_count > 0) {
		g->pci_vendor_id = spec->ids[0].vendor_id;
		g->pci_device_id = spec->ids[0].device_id;
	}
	g->unified_memory = spec->unified_memory;
	g->integrated = spec->unified_memory;
	g->vram_total_bytes = g->vram_free_bytes = spec->vram_bytes;
	g->vram_source = spec->vram_bytes >= 0 ? SRC_WHATIF : SRC_UNKNOWN;
	g->mem_bus_width_bits = spec->bus_width_bits;
	g->bandwidth_gbps = spec->bandwidth_gbps;
	g->bandwidth_source = spec->bandwidth_gbps >= 0 ? SRC_TABLE : SRC_UNKNOWN;
	g->fp16_tflops = spec->fp16_tflops;
	g->fp16_source = spec->fp16_tflops >= 0 ? SRC_TABLE : SRC_UNKNOWN;
	g->pcie.gen = g->pcie.max_gen = spec->pcie_gen;
	g->pcie.width = g->pcie.max_width = spec->pcie_width;
	g->pcie.source = spec->pcie_gen >= 0 ? SRC_TABLE : SRC_UNKNOWN;
	g->table_entry = gpu_table_index(table, spec);
}

/* count x spec after the GPUs already in hw; a unified part's memory
 * memory_bytes when >= 0. */
static int add_gpus(const struct gpu_table *table, const struct gpu_spec *spec, int count,
		    int64_t memory_bytes, struct hardware *hw, struct error *err)
{
	for (int n = 0; n < count; n++) {
		struct gpu_info *g;

		if (hw->gpu_count == HW_MAX_GPUS)
			return error_set(err, "--gpu: more than %d GPUs", HW_MAX_GPUS);
		g = &hw->gpus[hw->gpu_count];
		gpu_from_spec(table, spec, g);
		if (memory_bytes >= 0)
			g->vram_total_bytes = g->vram_free_bytes = memory_bytes;
		g->index = hw->gpu_count++;
	}
	return 0;
}

static int add_named_gpus(const struct whatif *w, const struct gpu_table *table,
			  struct hardware *hw, struct error *err)
{
	hw->gpu_count = 0;
	for (int i = 0; i < w->gpu_name_count; i++) {
		struct gpu_sized sized;
		char name[HW_NAME_MAX];
		int count;

		if (whatif_split_count(w->gpu_names[i], name, sizeof(name), &count) < 0)
			return error_set(err, "--gpu '%s': the count must be 1 to %d",
					 w->gpu_names[i], HW_MAX_GPUS);
		if (!table)
			return error_set(err, "--gpu '%s': no GPU table loaded", name);
		if (gpu_table_find_sized(table, name, &sized, err) < 0)
			return error_prefix(err, "--gpu");
		if (sized.note[0])
			warn_add(&hw->warnings, "%s", sized.note);
		if (add_gpus(table, sized.spec, count, sized.memory_bytes, hw, err) < 0)
			return -1;
	}
	return 0;
}

static int add_given_gpus(const struct whatif *w, const struct gpu_table *table,
			  struct hardware *hw, struct error *err)
{
	if (w->gpu_name_count > 0)
		return add_named_gpus(w, table, hw, err);
	hw->gpu_count = 0;
	return add_gpus(table, w->gpu_spec, w->gpu_spec_count,
			w->gpu_memory_bytes > 0 ? w->gpu_memory_bytes : HW_UNKNOWN, hw, err);
}

static void set_ram(struct hardware *hw, int64_t bytes)
{
	hw->ram.total_bytes = hw->ram.available_bytes = bytes;
	hw->ram.cgroup_limit_bytes = HW_UNKNOWN;
	hw->ram.source = SRC_WHATIF;
}

/* A unified-memory GPU's budget is the system memory it shares. Apple's
 * Metal lets one process wire about three quarters of it (llama.cpp logs
 * recommendedMaxWorkingSetSize at ~0.75 of RAM on 32-192 GB Macs). */
#define APPLE_WIRED_SHARE 0.75

static void size_unified_gpus(struct hardware *hw, bool ram_given)
{
	for (int i = 0; i < hw->gpu_count; i++) {
		struct gpu_info *g = &hw->gpus[i];

		if (!g->unified_memory)
			continue;
		if (!ram_given && g->vram_total_bytes >= 0)
			set_ram(hw, g->vram_total_bytes);
		g->vram_total_bytes = hw->ram.total_bytes;
		g->vram_free_bytes = hw->ram.available_bytes;
		if (g->vendor == GPU_VENDOR_APPLE && g->vram_total_bytes > 0) {
			g->vram_total_bytes = (int64_t)(g->vram_total_bytes * APPLE_WIRED_SHARE);
			g->vram_free_bytes = (int64_t)(g->vram_free_bytes * APPLE_WIRED_SHARE);
		}
		g->vram_source = hw->ram.total_bytes >= 0 ? SRC_WHATIF : SRC_UNKNOWN;
	}
}

int whatif_apply(const struct whatif *w, const struct gpu_table *table,
		 struct hardware *hw, struct error *err)
{
	bool gpus_given = w->gpu_name_count > 0 || (w->gpu_spec && w->gpu_spec_count > 0);
	bool changed = false;

	if (gpus_given) {
		if (add_given_gpus(w, table, hw, err) < 0)
			return -1;
		changed = true;
	}
	if (w->ram_bytes >= 0) {
		set_ram(hw, w->ram_bytes);
		changed = true;
	}
	if (gpus_given)
		size_unified_gpus(hw, w->ram_bytes >= 0);
	if (w->vram_bytes >= 0) {
		for (int i = 0; i < hw->gpu_count; i++) {
			hw->gpus[i].vram_total_bytes = hw->gpus[i].vram_free_bytes = w->vram_bytes;
			hw->gpus[i].vram_source = SRC_WHATIF;
		}
		changed = true;
	}
	if (w->cpu_only) {
		hw->gpu_count = 0;
		changed = true;
	}
	if (changed)
		hw->origin = HW_FROM_WHATIF;
	return 0;
}

bool whatif_names_host(const struct whatif *w)
{
	return w->cpu_name || w->cpu_spec || w->ram_gbps >= 0 || w->ram_mts >= 0 || w->ram_channels >= 0 ||
	       w->disk_kind != DISK_UNKNOWN || w->disk_gbps >= 0;
}

/* The table's CPU replaces this machine's; the L3 size is not in the table. */
static void cpu_from_spec(const struct cpu_spec *spec, struct cpu_info *cpu)
{
	snprintf(cpu->model, sizeof(cpu->model), "%s", spec->name);
	cpu->cores = spec->cores;
	cpu->threads = spec->threads;
	cpu->performance_cores = spec->performance_cores;
	cpu->simd_count = spec->simd_count;
	memcpy(cpu->simd, spec->simd, sizeof(cpu->simd));
	cpu->l3_bytes = HW_UNKNOWN;
	cpu->source = SRC_WHATIF;
	snprintf(cpu->memory_type, sizeof(cpu->memory_type), "%s", spec->memory_type);
	cpu->memory_channels = spec->memory_channels;
	cpu->memory_mts = spec->memory_mts;
	cpu->memory_bandwidth_gbps = spec->bandwidth_gbps;
	cpu->memory_source = SRC_TABLE;
}

/* --ram-speed/--ram-channels/--ram-gbps over the memory system. */
static int set_memory(const struct whatif *w, struct cpu_info *cpu, struct error *err)
{
	if (w->ram_mts >= 0 || w->ram_channels >= 0) {
		if (w->ram_mts >= 0)
			cpu->memory_mts = w->ram_mts;
		if (w->ram_channels >= 0)
			cpu->memory_channels = w->ram_channels;
		if ((cpu->memory_mts < 0 || cpu->memory_channels < 0) && w->ram_gbps < 0)
			return error_set(err, "%s: this machine's memory %s not known; give "
					 "%s too, or --cpu NAME, or --ram-gbps N",
					 w->ram_mts >= 0 ? "--ram-speed" : "--ram-channels",
					 w->ram_mts >= 0 ? "channels are" : "speed is",
					 w->ram_mts >= 0 ? "--ram-channels" : "--ram-speed");
		if (cpu->memory_mts > 0 && cpu->memory_channels > 0)
			cpu->memory_bandwidth_gbps = cpu->memory_channels * 8.0 * cpu->memory_mts / 1000;
		cpu->memory_source = SRC_WHATIF;
	}
	if (w->ram_gbps >= 0) {
		cpu->memory_bandwidth_gbps = w->ram_gbps;
		cpu->memory_source = SRC_WHATIF;
	}
	return 0;
}

/* All the big cores by default, as llama.cpp uses them; --threads fewer. */
static void describe_rates(const struct cpu_spec *spec, int want_threads, struct cpu_info *cpu)
{
	int cores = cpu->cores > 0 ? cpu->cores : cpu->threads;
	int threads = cpu->performance_cores > 0 ? cpu->performance_cores : cores;
	struct cpu_described d = {
		.threads = want_threads > 0 && want_threads < threads ? want_threads : threads,
		.arm = spec ? cpu_spec_is_arm(spec) : cpu_has_simd(cpu, "neon"),
		.apple = spec && strcmp(spec->vendor, "apple") == 0,
		.performance_cores = cpu->performance_cores,
		.bandwidth_gbps = cpu->memory_bandwidth_gbps,
	};

	if (d.threads > 0 && d.bandwidth_gbps > 0)
		cpu_described_rates(&d, cpu);
}

/* A described CPU is not the one `canirun calibrate` measured: its runs'
 * factors must not scale the derived rates (report and need agree whatever
 * this machine measured). */
static void forget_cpu_calibrations(struct hardware *hw)
{
	int kept = 0;

	for (int i = 0; i < hw->calibration_count; i++)
		if (hw->calibrations[i].device != CAL_CPU)
			hw->calibrations[kept++] = hw->calibrations[i];
	hw->calibration_count = kept;
}

static void set_disk(const struct whatif *w, struct disk_info *disk)
{
	disk->device[0] = '\0';
	disk->kind = w->disk_kind;
	disk->read_gbps = w->disk_gbps >= 0 ? w->disk_gbps : disk_kind_default_gbps(w->disk_kind);
	disk->read_source = SRC_WHATIF;
}

/* The --cpu entry (by name or given), or NULL: 0, or -1 with err. */
static int given_cpu(const struct whatif *w, const struct cpu_table *table,
		     const struct cpu_spec **spec, struct error *err)
{
	*spec = w->cpu_spec;
	if (*spec || !w->cpu_name)
		return 0;
	if (!table)
		return error_set(err, "--cpu '%s': no CPU table loaded", w->cpu_name);
	if (cpu_table_find_name(table, w->cpu_name, spec, err) < 0)
		return error_prefix(err, "--cpu");
	return 0;
}

int whatif_apply_host(const struct whatif *w, const struct cpu_table *table,
		      struct hardware *hw, struct error *err)
{
	const struct cpu_spec *spec = NULL;
	bool described;

	if (!whatif_names_host(w))
		return 0;
	if (given_cpu(w, table, &spec, err) < 0)
		return -1;
	described = spec || w->ram_gbps >= 0 || w->ram_mts >= 0 || w->ram_channels >= 0;
	if (spec) {
		cpu_from_spec(spec, &hw->cpu);
	} else if (table) {
		struct error not_in_table;

		/* the host's own CPU (a profile's, this machine's), where the table
		 * knows its name: its vendor decides Apple's P-core memory share */
		if (cpu_table_find_name(table, hw->cpu.model, &spec, &not_in_table) < 0)
			spec = NULL;
	}
	if (set_memory(w, &hw->cpu, err) < 0)
		return -1;
	if (described) {
		forget_cpu_calibrations(hw);
		describe_rates(spec, w->threads, &hw->cpu);
	}
	if (w->disk_kind != DISK_UNKNOWN || w->disk_gbps >= 0)
		set_disk(w, &hw->disk);
	hw->origin = HW_FROM_WHATIF;
	return 0;
}
