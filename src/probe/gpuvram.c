#include "probe/gpuvram.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hw/hwjson.h"
#include "util/sysfile.h"
#include "probe/gpusysfs.h"

#define MAX_TILES 8

/* One byte count below the device directory, within the limit profiles
 * have for field (hw_limit); HW_UNKNOWN when absent, not a number or out of
 * range (fs_read_u64 warns for the second, we for the third). */
static int64_t read_bytes(const char *sysroot, const char *bus_id, const char *file,
			  const char *field, struct warnings *w)
{
	struct value_limit lim = hw_limit(field);
	char rel[HW_PATH_MAX];
	uint64_t v;

	if (gpusysfs_path(rel, sizeof(rel), bus_id, file) < 0 ||
	    fs_read_u64(sysroot, rel, &v, w) < 0)
		return HW_UNKNOWN;
	if (!value_in_limit((double)v, &lim)) {
		warn_add(w, "%s%s: %llu bytes is outside %s; ignored", sysroot ? sysroot : "", rel,
			 (unsigned long long)v, lim.text);
		return HW_UNKNOWN;
	}
	return (int64_t)v;
}

static void read_amdgpu(const char *sysroot, const char *bus_id,
			struct gpu_mem_report *m, struct warnings *w)
{
	m->vram_total_bytes = read_bytes(sysroot, bus_id, "mem_info_vram_total",
					 "vram_total_bytes", w);
	m->vram_used_bytes = read_bytes(sysroot, bus_id, "mem_info_vram_used",
					"vram_free_bytes", w);
	m->gtt_total_bytes = read_bytes(sysroot, bus_id, "mem_info_gtt_total",
					"gtt_total_bytes", w);
	m->gtt_used_bytes = read_bytes(sysroot, bus_id, "mem_info_gtt_used",
				       "gtt_total_bytes", w);
}

static bool exists(const char *sysroot, const char *bus_id, const char *file)
{
	char rel[HW_PATH_MAX], full[PATH_MAX];

	return gpusysfs_path(rel, sizeof(rel), bus_id, file) == 0 &&
	       fs_path(full, sizeof(full), sysroot, rel) == 0 &&
	       access(full, F_OK) == 0;
}

/* Sums per-tile sizes over tile0, tile1, ...; a tile without a readable
 * size makes the sum unknown rather than short. */
static void read_xe(const char *sysroot, const char *bus_id,
		    struct gpu_mem_report *m, struct warnings *w)
{
	struct value_limit lim = hw_limit("vram_total_bytes");
	char file[64];
	int64_t sum = 0;

	for (int tile = 0; tile < MAX_TILES; tile++) {
		int64_t bytes;

		snprintf(file, sizeof(file), "tile%d", tile);
		if (!exists(sysroot, bus_id, file))
			break;
		snprintf(file, sizeof(file), "tile%d/physical_vram_size_bytes", tile);
		bytes = read_bytes(sysroot, bus_id, file, "vram_total_bytes", w);
		if (bytes <= 0)
			return;
		sum += bytes;   /* at most MAX_TILES x 16 TiB: no overflow */
	}
	if (sum > 0 && value_in_limit((double)sum, &lim))
		m->vram_total_bytes = sum;
}

/* Intel's out-of-tree i915 publishes lmem_total_bytes on the DRM card
 * below the PCI device. */
static void read_i915(const char *sysroot, const char *bus_id,
		      struct gpu_mem_report *m, struct warnings *w)
{
	char rel[HW_PATH_MAX], dir[PATH_MAX], file[300];
	struct dirent *e;
	DIR *d;

	if (gpusysfs_path(rel, sizeof(rel), bus_id, "drm") < 0 ||
	    fs_path(dir, sizeof(dir), sysroot, rel) < 0 || !(d = opendir(dir)))
		return;
	while ((e = readdir(d)) && m->vram_total_bytes < 0) {
		if (strncmp(e->d_name, "card", 4) != 0)
			continue;
		snprintf(file, sizeof(file), "drm/%.64s/lmem_total_bytes", e->d_name);
		m->vram_total_bytes = read_bytes(sysroot, bus_id, file, "vram_total_bytes", w);
	}
	closedir(d);
}

void gpuvram_read(const char *sysroot, const char *bus_id, const char *driver,
		  struct gpu_mem_report *m, struct warnings *w)
{
	m->vram_total_bytes = m->vram_used_bytes = HW_UNKNOWN;
	m->gtt_total_bytes = m->gtt_used_bytes = HW_UNKNOWN;
	if (strcmp(driver, "amdgpu") == 0)
		read_amdgpu(sysroot, bus_id, m, w);
	else if (strcmp(driver, "xe") == 0)
		read_xe(sysroot, bus_id, m, w);
	else if (strcmp(driver, "i915") == 0)
		read_i915(sysroot, bus_id, m, w);
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

void gpuvram_discrete(struct gpu_info *gpu, const struct gpu_mem_report *m)
{
	gpu->gtt_total_bytes = m->gtt_total_bytes;
	if (m->vram_total_bytes <= 0)
		return;
	gpu->vram_total_bytes = m->vram_total_bytes;
	gpu->vram_free_bytes = m->vram_used_bytes >= 0 &&
			       m->vram_used_bytes <= m->vram_total_bytes ?
		m->vram_total_bytes - m->vram_used_bytes : HW_UNKNOWN;
	gpu->vram_source = SRC_SYSFS;
}

void gpuvram_unified(struct gpu_info *gpu, const struct gpu_mem_report *m,
		     const struct ram_info *ram)
{
	struct value_limit lim = hw_limit("vram_total_bytes");
	int64_t avail = ram->available_bytes;

	gpu->gtt_total_bytes = m->gtt_total_bytes;
	gpu->vram_total_bytes = gpu->vram_free_bytes = HW_UNKNOWN;
	gpu->vram_source = SRC_UNKNOWN;
	if (avail < 0)
		return;
	/* A carve-out plus GTT beyond any GPU's memory (each file alone within
	 * it) is no figure to budget by: the rule for an APU without them. */
	if (m->vram_total_bytes < 0 || m->gtt_total_bytes < 0 ||
	    !value_in_limit((double)(m->vram_total_bytes + min64(m->gtt_total_bytes, avail)), &lim)) {
		gpu->vram_total_bytes = gpu->vram_free_bytes = avail;
		gpu->vram_source = ram->source;
		return;
	}
	gpu->vram_total_bytes = m->vram_total_bytes + min64(m->gtt_total_bytes, avail);
	gpu->vram_source = SRC_SYSFS;
	if (m->vram_used_bytes < 0 || m->gtt_used_bytes < 0)
		return;
	gpu->vram_free_bytes =
		(m->vram_used_bytes < m->vram_total_bytes ?
		 m->vram_total_bytes - m->vram_used_bytes : 0) +
		(m->gtt_used_bytes < m->gtt_total_bytes ?
		 min64(m->gtt_total_bytes - m->gtt_used_bytes, avail) : 0);
}
