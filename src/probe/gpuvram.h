/* gpuvram.h - GPU memory as the kernel driver reports it in sysfs, and the
 * memory budget of GPUs that share system RAM.
 *
 * Files read below <sysroot>/sys/bus/pci/devices/<bus>/:
 *   amdgpu  mem_info_vram_total, mem_info_vram_used, mem_info_gtt_total,
 *           mem_info_gtt_used (bytes; drivers/gpu/drm/amd/amdgpu)
 *   xe      tile<N>/physical_vram_size_bytes, summed over tiles (bytes;
 *           drivers/gpu/drm/xe/xe_tile_sysfs.c, Linux 6.8). Later kernels
 *           dropped the file (it is absent from 6.12's xe_tile_sysfs.c):
 *           the caller then falls back to the GPU table.
 *   i915    drm/card<N>/lmem_total_bytes (Intel's out-of-tree i915 for Arc;
 *           mainline i915 publishes no VRAM size in sysfs)
 * A BAR size is never taken for VRAM. Missing files leave facts unknown
 * silently; non-numeric ones with a warning naming the file.
 *
 * Unified-memory budget (gpuvram_unified), what a model may occupy on a GPU
 * that shares system RAM (APU, iGPU, GB10). Never VRAM + GTT + RAM added:
 *   amdgpu APU: carve-out + min(GTT limit, MemAvailable). The carve-out
 *     (mem_info_vram_total, e.g. 512 MiB on Strix Halo) is reserved by the
 *     firmware and is not in MemTotal; GTT (amdgpu.gttsize, by default about
 *     half of RAM) is ordinary RAM the GPU may map, so it is bounded by
 *     what the system has free. Free = unused carve-out + min(GTT limit -
 *     GTT used, MemAvailable).
 *   others (Intel iGPU, GB10, or an APU without GTT figures): MemAvailable
 *     for both total and free.
 *   MemAvailable unknown (hw->ram.available_bytes < 0): the budget is
 *     unknown.
 */
#ifndef CANIRUN_GPUVRAM_H
#define CANIRUN_GPUVRAM_H

#include <stdint.h>

#include "util/errors.h"
#include "hw/hw.h"

struct gpu_mem_report {
	int64_t vram_total_bytes, vram_used_bytes; /* HW_UNKNOWN each */
	int64_t gtt_total_bytes, gtt_used_bytes;
};

/* Reads what driver ("amdgpu", "xe", "i915"; others report nothing)
 * publishes for bus_id into m. */
void gpuvram_read(const char *sysroot, const char *bus_id, const char *driver,
		  struct gpu_mem_report *m, struct warnings *w);

/* A discrete GPU: vram_total/free and gtt_total from m (SRC_SYSFS) when
 * m knows the total; gpu is left untouched otherwise. */
void gpuvram_discrete(struct gpu_info *gpu, const struct gpu_mem_report *m);

/* A unified-memory GPU: sets vram_total/free to the budget above (source
 * ram->source, or SRC_SYSFS for the amdgpu rule), gtt_total from m. */
void gpuvram_unified(struct gpu_info *gpu, const struct gpu_mem_report *m,
		     const struct ram_info *ram);

#endif
