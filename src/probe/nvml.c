#include "probe/nvml.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The few pieces of nvml.h we use, from NVIDIA's header (NVIDIA/
 * nvidia-settings src/nvml.h, driver 610.43.03): nvmlReturn_t is an int
 * enum with NVML_SUCCESS = 0; nvmlDevice_t an opaque pointer;
 * nvmlClockType_t NVML_CLOCK_MEM = 2; nvmlMemory_t {total, free, used} in
 * bytes; NVML_DEVICE_NAME_V2_BUFFER_SIZE = 96. */
typedef int nvml_return;
typedef struct nvml_device_st *nvml_device;
struct nvml_memory {
	unsigned long long total, free, used;
};
enum { NVML_SUCCESS = 0, NVML_CLOCK_MEM = 2, NVML_NAME_SIZE = 96 };

typedef nvml_return (*fn_void)(void);
typedef nvml_return (*fn_handle)(const char *, nvml_device *);
typedef nvml_return (*fn_name)(nvml_device, char *, unsigned);
typedef nvml_return (*fn_memory)(nvml_device, struct nvml_memory *);
typedef nvml_return (*fn_uint)(nvml_device, unsigned *);
typedef nvml_return (*fn_clock)(nvml_device, int, unsigned *);

struct nvml {
	void *lib;
	fn_void shutdown;
	fn_handle by_bus_id;
	fn_name name;
	fn_memory memory;
	fn_uint bus_width, max_gen, max_width, cur_gen, cur_width;
	fn_clock max_clock;
};

/* dlsym yields a data pointer; POSIX guarantees it converts to the
 * function's type. */
#define LOOKUP(lib, sym, type) ((type)dlsym((lib), (sym)))

static void bind_symbols(struct nvml *n)
{
	n->shutdown = LOOKUP(n->lib, "nvmlShutdown", fn_void);
	n->by_bus_id = LOOKUP(n->lib, "nvmlDeviceGetHandleByPciBusId_v2", fn_handle);
	n->name = LOOKUP(n->lib, "nvmlDeviceGetName", fn_name);
	n->memory = LOOKUP(n->lib, "nvmlDeviceGetMemoryInfo", fn_memory);
	n->bus_width = LOOKUP(n->lib, "nvmlDeviceGetMemoryBusWidth", fn_uint);
	n->max_clock = LOOKUP(n->lib, "nvmlDeviceGetMaxClockInfo", fn_clock);
	n->max_gen = LOOKUP(n->lib, "nvmlDeviceGetMaxPcieLinkGeneration", fn_uint);
	n->max_width = LOOKUP(n->lib, "nvmlDeviceGetMaxPcieLinkWidth", fn_uint);
	n->cur_gen = LOOKUP(n->lib, "nvmlDeviceGetCurrPcieLinkGeneration", fn_uint);
	n->cur_width = LOOKUP(n->lib, "nvmlDeviceGetCurrPcieLinkWidth", fn_uint);
}

struct nvml *nvml_open(const char *path, struct warnings *w)
{
	const char *lib_path = path && *path ? path : "libnvidia-ml.so.1";
	struct nvml *n;
	fn_void init;
	nvml_return rc;
	void *lib = dlopen(lib_path, RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		return NULL;
	init = LOOKUP(lib, "nvmlInit_v2", fn_void);
	n = calloc(1, sizeof(*n));
	if (!init || !n) {
		warn_add(w, "%s: %s", lib_path, n ? "no nvmlInit_v2" : "out of memory");
		free(n);
		dlclose(lib);
		return NULL;
	}
	rc = init();
	if (rc != NVML_SUCCESS) {
		warn_add(w, "%s: nvmlInit_v2 failed (NVML error %d)", lib_path, rc);
		free(n);
		dlclose(lib);
		return NULL;
	}
	n->lib = lib;
	bind_symbols(n);
	return n;
}

void nvml_close(struct nvml *n)
{
	if (!n)
		return;
	if (n->shutdown)
		n->shutdown();
	dlclose(n->lib);
	free(n);
}

/* One unsigned fact: its value, or HW_UNKNOWN when the entry point is
 * missing, fails, or answers beyond int. */
static int query_uint(fn_uint fn, nvml_device dev)
{
	unsigned v;

	if (!fn || fn(dev, &v) != NVML_SUCCESS || v > 0x7fffffffU)
		return HW_UNKNOWN;
	return (int)v;
}

static void query_memory(const struct nvml *n, nvml_device dev, struct nvml_gpu *out)
{
	struct nvml_memory mem;
	unsigned mhz;

	if (n->memory && n->memory(dev, &mem) == NVML_SUCCESS &&
	    mem.total <= INT64_MAX && mem.free <= mem.total) {
		out->total_bytes = (int64_t)mem.total;
		out->free_bytes = (int64_t)mem.free;
	}
	out->bus_width_bits = query_uint(n->bus_width, dev);
	if (n->max_clock && n->max_clock(dev, NVML_CLOCK_MEM, &mhz) == NVML_SUCCESS &&
	    mhz <= 0x7fffffffU)
		out->mem_clock_mhz = (int)mhz;
}

static void query_link(const struct nvml *n, nvml_device dev, struct pcie_link *link)
{
	link->max_gen = query_uint(n->max_gen, dev);
	link->max_width = query_uint(n->max_width, dev);
	link->gen = query_uint(n->cur_gen, dev);
	link->width = query_uint(n->cur_width, dev);
	link->source = link->max_gen != HW_UNKNOWN || link->gen != HW_UNKNOWN ?
		SRC_NVML : SRC_UNKNOWN;
}

int nvml_query(struct nvml *n, const char *bus_id, struct nvml_gpu *out)
{
	unsigned domain, bus, dev, func;
	char nvml_bus_id[32], name[NVML_NAME_SIZE];
	nvml_device handle;

	memset(out, 0, sizeof(*out));
	out->total_bytes = out->free_bytes = HW_UNKNOWN;
	out->bus_width_bits = out->mem_clock_mhz = HW_UNKNOWN;
	out->link.gen = out->link.width = HW_UNKNOWN;
	out->link.max_gen = out->link.max_width = HW_UNKNOWN;
	/* NVML spells bus ids with an 8-digit domain ("%08X:%02X:%02X.0",
	 * NVML_DEVICE_PCI_BUS_ID_FMT in nvml.h). */
	if (!n || !n->by_bus_id ||
	    sscanf(bus_id, "%x:%x:%x.%x", &domain, &bus, &dev, &func) != 4)
		return -1;
	snprintf(nvml_bus_id, sizeof(nvml_bus_id), "%08x:%02x:%02x.%x",
		 domain, bus, dev, func);
	if (n->by_bus_id(nvml_bus_id, &handle) != NVML_SUCCESS)
		return -1;
	if (n->name && n->name(handle, name, sizeof(name)) == NVML_SUCCESS) {
		name[sizeof(name) - 1] = '\0';
		snprintf(out->name, sizeof(out->name), "%s", name);
	}
	query_memory(n, handle, out);
	query_link(n, handle, &out->link);
	return 0;
}

/* NVML reports the memory clock at half the data rate, so the peak is
 * bytes per transfer x clock x 2 (DDR): the same factor 2 NVIDIA applies
 * to the memory clock in NVIDIA/nvbench nvbench/device_info.cu
 * (get_global_memory_bandwidth, "ddr_factor = 2"). It reproduces the
 * datasheets: RTX 4090 384-bit @ 10501 MHz -> 1008 GB/s, H100 SXM 5120-bit
 * @ 2619 MHz -> 3352 GB/s (NVIDIA publishes 3.35 TB/s: data/gpus.json). */
double nvml_bandwidth_gbps(const struct nvml_gpu *g)
{
	if (g->bus_width_bits <= 0 || g->mem_clock_mhz <= 0)
		return HW_UNKNOWN;
	return g->bus_width_bits / 8.0 * g->mem_clock_mhz * 2.0 / 1000.0;
}
