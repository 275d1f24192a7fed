/* override.h - hardware described on the command line (--gpu, --ram, --vram,
 * --cpu-only) laid over a probed or loaded picture. */
#ifndef CANIRUN_OVERRIDE_H
#define CANIRUN_OVERRIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/errors.h"
#include "hw/gputable.h"
#include "hw/hw.h"

struct whatif {
	const char *gpu_names[HW_MAX_GPUS]; /* --gpu values: "RTX 3090", "2x RTX 3090", "A100 x4" */
	int gpu_name_count;
	int64_t ram_bytes;                  /* --ram; HW_UNKNOWN when not given */
	int64_t vram_bytes;                 /* --vram; HW_UNKNOWN when not given */
	bool cpu_only;
};

/* Splits "2x RTX 3090" / "RTX 3090x2" / "RTX 3090 x2" into the name and the
 * count (1 when none). Returns 0, or -1 for a count outside 1..16. */
int whatif_split_count(const char *arg, char *name, size_t name_size, int *count);

/* Applies w to hw. GPUs named with --gpu replace the probed ones and take
 * their facts from table; unified-memory parts (Apple, APUs, GB10) also set
 * the system RAM to their memory unless --ram is given. Returns 0, or -1 with
 * err for an unknown/ambiguous name or too many GPUs. */
int whatif_apply(const struct whatif *w, const struct gpu_table *table,
		 struct hardware *hw, struct error *err);

#endif
