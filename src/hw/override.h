/* override.h - hardware described on the command line (--gpu, --ram, --vram,
 * --cpu-only; --cpu, --ram-gbps, --ram-speed, --ram-channels, --disk) laid
 * over a probed or loaded picture. */
#ifndef CANIRUN_OVERRIDE_H
#define CANIRUN_OVERRIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/errors.h"
#include "hw/cputable.h"
#include "hw/gputable.h"
#include "hw/hw.h"

struct whatif {
	const char *gpu_names[HW_MAX_GPUS]; /* --gpu values: "RTX 3090", "2x RTX 3090", "A100 x4" */
	int gpu_name_count;
	int64_t ram_bytes;                  /* --ram; HW_UNKNOWN when not given */
	int64_t vram_bytes;                 /* --vram; HW_UNKNOWN when not given */
	bool cpu_only;
	const char *cpu_name;               /* --cpu; NULL when not given */
	double ram_gbps;                    /* --ram-gbps; HW_UNKNOWN when not given */
	int ram_mts, ram_channels;          /* --ram-speed, --ram-channels; HW_UNKNOWN */
	enum disk_kind disk_kind;           /* --disk nvme|ssd|hdd; DISK_UNKNOWN otherwise */
	double disk_gbps;                   /* --disk GBPS; HW_UNKNOWN when not given */
	int threads;                        /* --threads: what-if CPU rates are derived for
					       this many (<= 0: the cores) */
	/* The same described by table entry rather than by name (canirun need
	 * builds each configuration it tries so): gpu_spec_count x gpu_spec,
	 * used when gpu_name_count is 0, a unified part's memory gpu_memory_bytes
	 * when > 0 (else the entry's); cpu_spec instead of cpu_name when set. */
	const struct gpu_spec *gpu_spec;
	int gpu_spec_count;
	int64_t gpu_memory_bytes;
	const struct cpu_spec *cpu_spec;
};

/* Whether w describes the CPU, its memory or the disk (whatif_apply_host
 * has something to do; --cpu needs the CPU table). */
bool whatif_names_host(const struct whatif *w);

/* Splits "2x RTX 3090" / "RTX 3090x2" / "RTX 3090 x2" into the name and the
 * count (1 when none). Returns 0, or -1 for a count outside 1..16. */
int whatif_split_count(const char *arg, char *name, size_t name_size, int *count);

/* Applies w to hw. GPUs named with --gpu (or given as gpu_spec) replace the
 * probed ones and take their facts from table; unified-memory parts (Apple, APUs, GB10) also set
 * the system RAM to their memory unless --ram is given. Returns 0, or -1 with
 * err for an unknown/ambiguous name or too many GPUs. */
int whatif_apply(const struct whatif *w, const struct gpu_table *table,
		 struct hardware *hw, struct error *err);

/* Applies w's CPU, memory and disk to hw. --cpu replaces the CPU with the
 * table entry's (name, cores, SIMD, memory system); --ram-speed and
 * --ram-channels change the memory system (bandwidth = channels x 8 bytes x
 * MT/s) and --ram-gbps sets the bandwidth outright. Whenever any of them is
 * given, the CPU rates become those cpudescribed.h derives for that CPU and
 * bandwidth (source "what-if"), at w->threads threads (at most the
 * cores; the estimator does not scale them again), and the machine's CPU
 * calibrations are dropped (they measured another CPU). --disk sets the disk's kind and read rate
 * (a kind's default rate, or GBPS). Returns 0, or -1 with err for an
 * unknown/ambiguous CPU, or --ram-speed/--ram-channels without the other
 * half of the memory system (no --cpu, and the machine does not say). */
int whatif_apply_host(const struct whatif *w, const struct cpu_table *table,
		      struct hardware *hw, struct error *err);

#endif
