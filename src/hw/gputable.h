/* gputable.h - the GPU table, data/gpus.json: specifications of GPUs by PCI
 * id and by marketing name. The probe falls back to it for facts a driver
 * does not report (source "table"); --gpu builds what-if GPUs from it.
 *
 * A loaded table owns its entries; release it with gpu_table_release().
 * Lookups return pointers into the table, valid until it is released.
 */
#ifndef CANIRUN_GPUTABLE_H
#define CANIRUN_GPUTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/errors.h"
#include "hw/hw.h"

#define GPU_TABLE_MAX_IDS 8

struct gpu_pci_id {
	int vendor_id, device_id;
	int subvendor_id, subdevice_id; /* -1: any */
	int revision;                   /* -1: any */
};

/* A dated street price with its source (data/README.md, price_*). */
#define GPU_PRICE_SOURCE_MAX 256
struct gpu_price {
	double usd;                 /* < 0: unknown */
	char date[16];              /* "2026-05" */
	char source[GPU_PRICE_SOURCE_MAX];
};

struct gpu_spec {
	char name[HW_NAME_MAX];     /* "GeForce RTX 4090", "Radeon RX 7900 XTX" */
	enum gpu_vendor vendor;
	int id_count;
	struct gpu_pci_id ids[GPU_TABLE_MAX_IDS];
	int64_t vram_bytes;         /* HW_UNKNOWN when not fixed (Apple: see ram options) */
	char memory_type[16];       /* "GDDR6X", "HBM3", "LPDDR5X" */
	int bus_width_bits;         /* HW_UNKNOWN if not published */
	double bandwidth_gbps;      /* GB/s */
	double fp16_tflops;         /* dense FP16 tensor (or vector where no tensor units) */
	int tdp_w;                  /* HW_UNKNOWN if not published */
	bool unified_memory;        /* shares system memory (APU, Apple, GB10) */
	char form[16];              /* "desktop", "laptop", "datacenter", "workstation", "integrated", "soc" */
	int pcie_gen, pcie_width;   /* the card's own link; HW_UNKNOWN for SXM/integrated */
	struct gpu_price price;     /* street price; usd < 0 when none is known */
};

struct gpu_table {
	struct gpu_spec *specs;
	int count;
};

/* Loads and validates path. On error returns -1 with err naming the file,
 * the entry and the field ("data/gpus.json: gpus[3] (RTX 4090): vram_mib:
 * must be a positive integer"). t is left empty on error. */
int gpu_table_load(const char *path, struct gpu_table *t, struct error *err);
void gpu_table_release(struct gpu_table *t);

/* The entry for a PCI device, or NULL when no entry lists vendor:device.
 * Pass -1 for a subsystem or revision not known. Each table id scores 1
 * for vendor:device, +2 when its subsystem is given and equal, +1 when its
 * revision is given and equal; a given qualifier the device contradicts
 * scores 0.5 (still a match, the weakest). Best score wins; ties go to the
 * smallest VRAM (never overstate memory; unknown VRAM counts as largest),
 * then to table order. */
const struct gpu_spec *gpu_table_find_pci(const struct gpu_table *t,
					  int vendor_id, int device_id,
					  int subvendor_id, int subdevice_id,
					  int revision);

/* Resolves a --gpu name ("RTX 4090", "nvidia a100 80gb sxm", "M2 Max
 * 38-core") by name_list_find (util/namematch.h), with the vendor words
 * nvidia, geforce, amd, radeon, intel, apple and tesla dropped ("arc" is
 * kept). Returns 0 and *out, or -1 with err: "ambiguous GPU 'X':
 * candidates: ..." or "unknown GPU 'X'; closest: ...". */
int gpu_table_find_name(const struct gpu_table *t, const char *query,
			const struct gpu_spec **out, struct error *err);

/* A --gpu name with its memory size resolved. */
struct gpu_sized {
	const struct gpu_spec *spec;
	int64_t memory_bytes;       /* a unified part's memory from the name; HW_UNKNOWN
				     * when the name gives none or the part has its own */
	char note[256];             /* "" or why one of several matches was taken */
};

/* gpu_table_find_name, then, when the name holds a memory size ("RTX 3090
 * 24GB", "Tesla P40 24 GB", "M1 Max 64GB"; GB, G or GiB, whole GiB) and
 * the plain lookup failed: the entries the other words match whose memory
 * is that size (within half a GiB) or that are unified-memory parts, the
 * best match level winning. A size picks a variant ("RTX 3060 12GB");
 * for a unified part it is the memory (memory_bytes), and of several
 * variants that match (M1 Max 24-core, 32-core) the slowest is taken, with
 * a note. A size no variant has: -1, "GPU 'X': no variant has that memory;
 * the table has A 24 GB, B 16 GB". */
int gpu_table_find_sized(const struct gpu_table *t, const char *query, struct gpu_sized *out,
			 struct error *err);
/* The table entry of a GPU of the hardware picture: gpu_info.table_entry
 * when set, else the entry for its PCI id, else the entry whose name equals
 * its name (case-insensitively; a --hw profile records neither index nor
 * always the id). NULL when none. */
const struct gpu_spec *gpu_table_entry_of(const struct gpu_table *t, const struct gpu_info *gpu);

/* The street price of a GPU of the hardware picture, from its entry
 * (gpu_table_entry_of). 0 with *out, or -1 when the GPU has no entry, the
 * entry no price, or it is a unified-memory part whose machine's RAM
 * (ram_bytes) is not the table's memory, the size the price is for. The
 * pointer stays valid until t is released. */
int gpu_table_price(const struct gpu_table *t, const struct gpu_info *gpu, int64_t ram_bytes,
		    const struct gpu_price **out);
/* The same for a table entry in a machine with ram_bytes of RAM; NULL when
 * unknown. */
const struct gpu_price *gpu_spec_price(const struct gpu_spec *g, int64_t ram_bytes);

/* Index of spec within t (for gpu_info.table_entry). */
int gpu_table_index(const struct gpu_table *t, const struct gpu_spec *spec);

#endif
