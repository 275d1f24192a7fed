/* nvml.h - facts about NVIDIA GPUs from NVIDIA's management library,
 * libnvidia-ml, loaded with dlopen at run time (never linked, so canirun
 * runs on machines without the NVIDIA driver).
 *
 * Each entry point is looked up on its own: a missing symbol or an error
 * return leaves that fact unknown. A session owns the library handle;
 * release it with nvml_close().
 */
#ifndef CANIRUN_NVML_H
#define CANIRUN_NVML_H

#include <stdint.h>

#include "util/errors.h"
#include "hw/hw.h"

struct nvml_gpu {
	char name[HW_NAME_MAX];     /* as NVML says it, "NVIDIA GeForce RTX 4090"; "" */
	int64_t total_bytes, free_bytes;   /* HW_UNKNOWN each */
	int bus_width_bits;         /* HW_UNKNOWN */
	int mem_clock_mhz;          /* max memory clock, NVML_CLOCK_MEM; HW_UNKNOWN */
	struct pcie_link link;      /* source SRC_NVML when any part is known */
};

struct nvml;

/* Loads path (NULL = "libnvidia-ml.so.1") and initialises NVML. Returns
 * NULL when the library is absent (silently: no NVIDIA driver) or cannot
 * start (a warning naming path goes to w). */
struct nvml *nvml_open(const char *path, struct warnings *w);

/* Facts for the GPU at PCI address bus_id ("0000:01:00.0"). Returns 0, or
 * -1 when NVML does not know that device. */
int nvml_query(struct nvml *n, const char *bus_id, struct nvml_gpu *out);

/* Shuts NVML down and unloads it; n may be NULL. */
void nvml_close(struct nvml *n);

/* Peak memory bandwidth in GB/s from NVML's bus width and max memory
 * clock, or HW_UNKNOWN when either is unknown. */
double nvml_bandwidth_gbps(const struct nvml_gpu *g);

#endif
