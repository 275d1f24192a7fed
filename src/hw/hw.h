/* hw.h - the picture of one machine: what the probe found, a saved profile,
 * or what-if hardware described on the command line.
 *
 * Every fact is either known or unknown. Unknown integers hold HW_UNKNOWN
 * (-1), unknown doubles hold a negative value (HW_UNKNOWN), unknown strings
 * are empty. Each group of facts records where it came from in a
 * `enum fact_source`, shown by `canirun hw` and in --json.
 *
 * struct hardware owns no heap memory: copy it, zero it, drop it.
 */
#ifndef CANIRUN_HW_H
#define CANIRUN_HW_H

#include <stdbool.h>
#include <stdint.h>

#include "util/errors.h"

#define HW_UNKNOWN (-1)
#define HW_MAX_GPUS 16
#define HW_MAX_SIMD 24
#define HW_NAME_MAX 128
#define HW_PATH_MAX 512

enum fact_source {
	SRC_UNKNOWN = 0,
	SRC_PROBE,      /* read from this machine (generic) */
	SRC_PROCFS,     /* /proc files */
	SRC_SYSFS,      /* /sys files */
	SRC_CGROUP,     /* cgroup v2 limit */
	SRC_PCI_CONFIG, /* PCI config space through libpci */
	SRC_NVML,       /* libnvidia-ml */
	SRC_DRM,        /* DRM ioctls */
	SRC_TABLE,      /* data/gpus.json looked up by PCI id or name */
	SRC_WHATIF,     /* described on the command line */
	SRC_PROFILE,    /* loaded from a --hw profile */
	SRC_BENCH,      /* measured now by the microbenchmark */
	SRC_CACHED,     /* measured earlier, from the bench cache */
	SRC_ESTIMATED,  /* computed from other facts, not measured */
};

/* The JSON/text spelling: "nvml", "sysfs", "table", "what-if", ... */
const char *fact_source_name(enum fact_source src);
/* Inverse of fact_source_name; -1 when unknown to us. */
int fact_source_parse(const char *name, enum fact_source *out);

enum hw_origin { HW_FROM_PROBE, HW_FROM_PROFILE, HW_FROM_WHATIF };

enum gpu_vendor {
	GPU_VENDOR_OTHER = 0,
	GPU_VENDOR_NVIDIA,
	GPU_VENDOR_AMD,
	GPU_VENDOR_INTEL,
	GPU_VENDOR_APPLE,
};
const char *gpu_vendor_name(enum gpu_vendor v);       /* "nvidia", ... */
enum gpu_vendor gpu_vendor_from_pci(int pci_vendor_id);
int gpu_vendor_parse(const char *name, enum gpu_vendor *out);

enum disk_kind { DISK_UNKNOWN = 0, DISK_NVME, DISK_SSD, DISK_HDD, DISK_VIRTUAL };
const char *disk_kind_name(enum disk_kind k);           /* "nvme", ... */
int disk_kind_parse(const char *name, enum disk_kind *out);
/* Sequential read GB/s assumed for a disk of this kind that was not
 * measured (sources beside the figures in hw.c). */
double disk_kind_default_gbps(enum disk_kind k);

struct ram_info {
	int64_t total_bytes;        /* MemTotal, or the cgroup limit if lower */
	int64_t available_bytes;    /* MemAvailable, capped by cgroup headroom */
	int64_t swap_total_bytes;
	int64_t swap_free_bytes;
	int64_t cgroup_limit_bytes; /* memory.max; HW_UNKNOWN when "max"/absent */
	enum fact_source source;
};

struct cpu_info {
	char model[HW_NAME_MAX];
	int cores;                  /* physical cores usable by us */
	int threads;                /* logical CPUs usable (affinity, cpu.max) */
	int simd_count;
	char simd[HW_MAX_SIMD][16]; /* "avx2", "avx512f", "avx512_vnni", "neon", "dotprod", ... */
	int64_t l3_bytes;           /* last-level cache, for sizing the bench */
	double q4_gbps;             /* Q4_0 matvec weight bytes per second / 1e9 */
	double q4_k_gbps, q6_k_gbps, q8_0_gbps; /* the same for other block types */
	/* the same four on one thread: what one core computes, the input of
	 * the decode rate at any thread count (estimate/cpurate.h) */
	double q4_core_gbps, q4_k_core_gbps, q6_k_core_gbps, q8_0_core_gbps;
	enum fact_source q4_source; /* SRC_BENCH, SRC_CACHED, SRC_PROFILE, SRC_ESTIMATED */
	double mem_read_gbps;       /* plain memory-read bandwidth, from the bench */
	double mem_read_core_gbps;  /* the same on one thread */
	/* batched matmul rates (CPU prefill), GFLOP/s: prefill_gflops is Q4_0's */
	double prefill_gflops, prefill_q4_k_gflops, prefill_q6_k_gflops, prefill_q8_0_gflops;
	/* the same four on one thread (the bench; else unknown) */
	double prefill_core_gflops, prefill_q4_k_core_gflops, prefill_q6_k_core_gflops,
	       prefill_q8_0_core_gflops;
	/* where those four were timed on AMX tiles (as llama.cpp runs the types
	 * it has AMX kernels for): Q4_K (row by row) and Q8_0 (packed) batched
	 * on the SIMD units, llama.cpp's ordinary paths, which the other types
	 * take; else unknown */
	double prefill_simd_gflops, prefill_simd_q8_0_gflops;
	enum fact_source source;
	/* The memory system, known for a CPU from the table (--cpu) or given
	 * with --ram-gbps/--ram-speed/--ram-channels; the probe leaves it unknown. */
	int performance_cores;      /* big cores of a hybrid part; HW_UNKNOWN: all alike or not known */
	char memory_type[16];       /* "DDR5"; "" unknown */
	int memory_channels;        /* 64-bit channels */
	int memory_mts;             /* transfer rate, MT/s */
	double memory_bandwidth_gbps; /* theoretical, GB/s */
	enum fact_source memory_source; /* SRC_TABLE, SRC_WHATIF, SRC_PROFILE */
};

struct pcie_link {
	int gen, width;             /* current link; HW_UNKNOWN each */
	int max_gen, max_width;     /* what the device and slot allow */
	enum fact_source source;
};

struct gpu_info {
	int index;                  /* order after sorting by bus address */
	char name[HW_NAME_MAX];     /* marketing name, e.g. "GeForce RTX 4090" */
	enum gpu_vendor vendor;
	int pci_vendor_id, pci_device_id;        /* HW_UNKNOWN for what-if/Apple */
	int pci_subvendor_id, pci_subdevice_id;
	int pci_revision;
	int pci_class;                           /* 0x0300, 0x0302, 0x1200 */
	char bus[20];               /* "0000:01:00.0"; "" when not a PCI device */
	char driver[32];            /* kernel driver in use; "" unknown */
	bool integrated;            /* shares system RAM (APU, iGPU, GB10) */
	bool unified_memory;        /* budget comes from system RAM */
	int64_t vram_total_bytes;   /* usable memory budget for unified parts */
	int64_t vram_free_bytes;
	enum fact_source vram_source;
	int64_t gtt_total_bytes;    /* amdgpu GTT limit; HW_UNKNOWN elsewhere */
	int mem_bus_width_bits;
	int mem_clock_mhz;          /* max memory clock as NVML reports it */
	double bandwidth_gbps;      /* memory bandwidth, GB/s (1e9) */
	enum fact_source bandwidth_source;
	double fp16_tflops;         /* dense FP16 tensor throughput */
	enum fact_source fp16_source;
	struct pcie_link pcie;
	int table_entry;            /* index into the GPU table; -1 when none */
};

struct disk_info {
	char path[HW_PATH_MAX];     /* the models directory that was examined */
	char device[64];            /* "nvme0n1", "sda", "vda"; "" unknown */
	enum disk_kind kind;
	double read_gbps;           /* measured sequential read; < 0 unknown */
	enum fact_source read_source;
};

/* This machine's own speed for one kind of run, from llama-bench or
 * Ollama timings the user measured here (`canirun calibrate`): the ratio
 * of what they measured to what canirun estimated for the same file and
 * settings. Estimates on the same device, weight type and threads are
 * scaled by it. */
#define HW_MAX_CALIBRATIONS 32
enum calibration_device { CAL_CPU, CAL_GPU };
struct calibration {
	enum calibration_device device;  /* CPU only, or every layer on GPUs */
	int weight;                 /* enum cpu_weight (hw/cpurate.h) of the file's main type */
	int threads;                /* CPU threads of the runs; 0 for GPU runs */
	double decode_factor;       /* measured / estimated tok/s; <= 0: none */
	double prefill_factor;
	int decode_runs, prefill_runs;  /* measurements behind each */
};

struct hardware {
	enum hw_origin origin;
	struct ram_info ram;
	struct cpu_info cpu;
	int gpu_count;
	struct gpu_info gpus[HW_MAX_GPUS];
	struct disk_info disk;
	int calibration_count;
	struct calibration calibrations[HW_MAX_CALIBRATIONS];
	struct warnings warnings;   /* doubts met while building this picture */
};

/* Sets every fact to unknown. */
void hw_init(struct hardware *hw);

/* Whether cpu lists the SIMD feature name ("neon", "avx2", ...). */
bool cpu_has_simd(const struct cpu_info *cpu, const char *name);
void hw_gpu_init(struct gpu_info *gpu);

#endif
