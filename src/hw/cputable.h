/* cputable.h - the CPU table, data/cpus.json: desktop, laptop, workstation
 * and server CPUs by marketing name, with their cores, SIMD and memory
 * system. --cpu builds a what-if CPU from it (hw/override.h).
 *
 * A loaded table owns its entries; release it with cpu_table_release().
 * Lookups return pointers into the table, valid until it is released.
 */
#ifndef CANIRUN_CPUTABLE_H
#define CANIRUN_CPUTABLE_H

#include <stdbool.h>

#include "util/errors.h"
#include "hw/hw.h"

struct cpu_spec {
	char name[HW_NAME_MAX];     /* "Ryzen 9 7950X", "Core i9-13900K", "M2 Max" */
	char vendor[16];            /* "amd", "intel", "apple", "qualcomm", "ampere" */
	char form[16];              /* "desktop", "laptop", "workstation", "server", "soc" */
	int cores;                  /* physical cores */
	int performance_cores;      /* the big cores of a hybrid part; HW_UNKNOWN when all alike */
	int threads;
	int simd_count;
	char simd[HW_MAX_SIMD][16]; /* the probe's spellings: "avx2", "avx512f", "neon", ... */
	char memory_type[16];       /* "DDR5", "LPDDR5X" */
	int memory_channels;        /* 64-bit channels (bus width / 64) */
	int memory_mts;             /* officially supported transfer rate, MT/s */
	double bandwidth_gbps;      /* theoretical: channels x 8 bytes x MT/s, or the vendor's figure */
};

struct cpu_table {
	struct cpu_spec *specs;
	int count;
};

/* Loads and validates path. On error returns -1 with err naming the file,
 * the entry and the field ("data/cpus.json: cpus[3] (Ryzen 9 7950X):
 * memory_mts: must be a positive integer or null"). t is left empty on
 * error. bandwidth_gbps must lie within 10% of channels x 8 x MT/s / 1000
 * (vendors round: Apple's 400 GB/s is 409.6). */
int cpu_table_load(const char *path, struct cpu_table *t, struct error *err);
void cpu_table_release(struct cpu_table *t);

/* Resolves a --cpu name ("Ryzen 9 7950X", "7950x", "i9-13900K", "M2 Max")
 * by name_list_find (util/namematch.h): words also split at '-' and '+', and the
 * vendor and brand words amd, intel, apple, qualcomm, ampere, core, ryzen,
 * snapdragon and processor dropped. Returns 0 and *out, or -1 with err:
 * "ambiguous CPU 'X': candidates: ..." or "unknown CPU 'X'; closest: ...". */
int cpu_table_find_name(const struct cpu_table *t, const char *query,
			const struct cpu_spec **out, struct error *err);

/* Whether the part runs Arm code (Apple, Qualcomm, Ampere) rather than x86. */
bool cpu_spec_is_arm(const struct cpu_spec *spec);

#endif
