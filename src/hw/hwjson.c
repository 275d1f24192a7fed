/* hwjson.c - one table per JSON object describes each field's name, type
 * and place in struct hardware; the writer and the reader walk the same
 * tables, so the two directions cannot drift apart. */
#include "hw/hwjson.h"

#include "hw/cpurate.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonfile.h"

enum field_kind { F_I64, F_INT, F_DBL, F_STR, F_BOOL, F_SRC };

struct field {
	const char *name;
	enum field_kind kind;
	size_t offset;
	size_t size;          /* F_STR: buffer size */
};

#define I64(s, m)  { #m, F_I64, offsetof(s, m), 0 }
#define INT(s, m)  { #m, F_INT, offsetof(s, m), 0 }
#define DBL(s, m)  { #m, F_DBL, offsetof(s, m), 0 }
#define STR(s, m)  { #m, F_STR, offsetof(s, m), sizeof(((s *)0)->m) }
#define BOOL(s, m) { #m, F_BOOL, offsetof(s, m), 0 }
#define SRC(s, m, n) { n, F_SRC, offsetof(s, m), 0 }
#define END { NULL, F_INT, 0, 0 }

static const struct field ram_fields[] = {
	I64(struct ram_info, total_bytes), I64(struct ram_info, available_bytes),
	I64(struct ram_info, swap_total_bytes), I64(struct ram_info, swap_free_bytes),
	I64(struct ram_info, cgroup_limit_bytes), SRC(struct ram_info, source, "source"), END
};

static const struct field cpu_fields[] = {
	STR(struct cpu_info, model), INT(struct cpu_info, cores),
	INT(struct cpu_info, threads), I64(struct cpu_info, l3_bytes),
	DBL(struct cpu_info, q4_gbps), SRC(struct cpu_info, q4_source, "q4_source"),
	DBL(struct cpu_info, q4_k_gbps), DBL(struct cpu_info, q6_k_gbps),
	DBL(struct cpu_info, q8_0_gbps),
	DBL(struct cpu_info, q4_core_gbps), DBL(struct cpu_info, q4_k_core_gbps),
	DBL(struct cpu_info, q6_k_core_gbps), DBL(struct cpu_info, q8_0_core_gbps),
	DBL(struct cpu_info, mem_read_gbps), DBL(struct cpu_info, mem_read_core_gbps),
	DBL(struct cpu_info, prefill_gflops), DBL(struct cpu_info, prefill_q4_k_gflops),
	DBL(struct cpu_info, prefill_q6_k_gflops), DBL(struct cpu_info, prefill_q8_0_gflops),
	DBL(struct cpu_info, prefill_simd_gflops), DBL(struct cpu_info, prefill_simd_q8_0_gflops),
	DBL(struct cpu_info, prefill_core_gflops), DBL(struct cpu_info, prefill_q4_k_core_gflops),
	DBL(struct cpu_info, prefill_q6_k_core_gflops), DBL(struct cpu_info, prefill_q8_0_core_gflops),
	SRC(struct cpu_info, source, "source"), INT(struct cpu_info, performance_cores),
	STR(struct cpu_info, memory_type), INT(struct cpu_info, memory_channels),
	INT(struct cpu_info, memory_mts), DBL(struct cpu_info, memory_bandwidth_gbps),
	SRC(struct cpu_info, memory_source, "memory_source"), END
};

static const struct field gpu_fields[] = {
	INT(struct gpu_info, index), STR(struct gpu_info, name),
	STR(struct gpu_info, bus), STR(struct gpu_info, driver),
	BOOL(struct gpu_info, integrated), BOOL(struct gpu_info, unified_memory),
	I64(struct gpu_info, vram_total_bytes), I64(struct gpu_info, vram_free_bytes),
	SRC(struct gpu_info, vram_source, "source"), I64(struct gpu_info, gtt_total_bytes),
	INT(struct gpu_info, mem_bus_width_bits), INT(struct gpu_info, mem_clock_mhz),
	DBL(struct gpu_info, bandwidth_gbps), SRC(struct gpu_info, bandwidth_source, "bandwidth_source"),
	DBL(struct gpu_info, fp16_tflops), SRC(struct gpu_info, fp16_source, "fp16_source"), END
};

static const struct field pcie_fields[] = {
	INT(struct pcie_link, gen), INT(struct pcie_link, width),
	INT(struct pcie_link, max_gen), INT(struct pcie_link, max_width),
	SRC(struct pcie_link, source, "source"), END
};

static const struct field disk_fields[] = {
	STR(struct disk_info, path), STR(struct disk_info, device),
	DBL(struct disk_info, read_gbps), SRC(struct disk_info, read_source, "read_source"), END
};

/* ---- writing ---- */

static void add_number_or_null(cJSON *obj, const char *name, double v, bool known)
{
	if (known)
		cJSON_AddNumberToObject(obj, name, v);
	else
		cJSON_AddNullToObject(obj, name);
}

static void write_fields(cJSON *obj, const struct field *f, const void *base)
{
	for (; f->name; f++) {
		const char *p = (const char *)base + f->offset;

		switch (f->kind) {
		case F_I64: {
			int64_t v;

			memcpy(&v, p, sizeof(v));
			add_number_or_null(obj, f->name, (double)v, v >= 0);
			break;
		}
		case F_INT: {
			int v;

			memcpy(&v, p, sizeof(v));
			add_number_or_null(obj, f->name, v, v >= 0);
			break;
		}
		case F_DBL: {
			double v;

			memcpy(&v, p, sizeof(v));
			/* Round to what the measurement can carry. */
			add_number_or_null(obj, f->name, round(v * 100) / 100, v >= 0);
			break;
		}
		case F_STR:
			if (*p)
				cJSON_AddStringToObject(obj, f->name, p);
			else
				cJSON_AddNullToObject(obj, f->name);
			break;
		case F_BOOL:
			cJSON_AddBoolToObject(obj, f->name, *(const bool *)(const void *)p);
			break;
		case F_SRC: {
			enum fact_source s;

			memcpy(&s, p, sizeof(s));
			if (s == SRC_UNKNOWN)
				cJSON_AddNullToObject(obj, f->name);
			else
				cJSON_AddStringToObject(obj, f->name, fact_source_name(s));
			break;
		}
		}
	}
}

static cJSON *pci_id_json(int vendor, int device)
{
	char text[16];

	if (vendor < 0 || device < 0)
		return cJSON_CreateNull();
	snprintf(text, sizeof(text), "%04x:%04x", vendor & 0xffff, device & 0xffff);
	return cJSON_CreateString(text);
}

static cJSON *gpu_json(const struct gpu_info *g)
{
	cJSON *obj = cJSON_CreateObject(), *pcie;

	write_fields(obj, gpu_fields, g);
	cJSON_AddStringToObject(obj, "vendor", gpu_vendor_name(g->vendor));
	cJSON_AddItemToObject(obj, "pci_id", pci_id_json(g->pci_vendor_id, g->pci_device_id));
	cJSON_AddItemToObject(obj, "pci_subsystem_id",
			      pci_id_json(g->pci_subvendor_id, g->pci_subdevice_id));
	add_number_or_null(obj, "pci_revision", g->pci_revision, g->pci_revision >= 0);
	add_number_or_null(obj, "pci_class", g->pci_class, g->pci_class >= 0);
	if (g->pcie.gen < 0 && g->pcie.max_gen < 0) {
		cJSON_AddNullToObject(obj, "pcie");
	} else {
		pcie = cJSON_AddObjectToObject(obj, "pcie");
		write_fields(pcie, pcie_fields, &g->pcie);
	}
	return obj;
}

static const char *origin_name(enum hw_origin o)
{
	return o == HW_FROM_PROFILE ? "profile" : o == HW_FROM_WHATIF ? "what-if" : "probe";
}

cJSON *hw_to_json(const struct hardware *hw)
{
	cJSON *obj = cJSON_CreateObject(), *cpu, *simd, *gpus, *warnings;

	if (!obj)
		return NULL;
	cJSON_AddStringToObject(obj, "source", origin_name(hw->origin));
	write_fields(cJSON_AddObjectToObject(obj, "ram"), ram_fields, &hw->ram);
	cpu = cJSON_AddObjectToObject(obj, "cpu");
	write_fields(cpu, cpu_fields, &hw->cpu);
	simd = cJSON_AddArrayToObject(cpu, "simd");
	for (int i = 0; i < hw->cpu.simd_count; i++)
		cJSON_AddItemToArray(simd, cJSON_CreateString(hw->cpu.simd[i]));
	gpus = cJSON_AddArrayToObject(obj, "gpus");
	for (int i = 0; i < hw->gpu_count; i++)
		cJSON_AddItemToArray(gpus, gpu_json(&hw->gpus[i]));
	write_fields(cJSON_AddObjectToObject(obj, "disk"), disk_fields, &hw->disk);
	cJSON_AddStringToObject(cJSON_GetObjectItem(obj, "disk"), "kind",
				disk_kind_name(hw->disk.kind));
	cJSON_AddItemToObject(obj, "calibration", calibrations_to_json(hw));
	warnings = cJSON_AddArrayToObject(obj, "warnings");
	for (int i = 0; i < hw->warnings.count; i++)
		cJSON_AddItemToArray(warnings, cJSON_CreateString(hw->warnings.msg[i]));
	return obj;
}

cJSON *calibrations_to_json(const struct hardware *hw)
{
	cJSON *list = cJSON_CreateArray();

	for (int i = 0; i < hw->calibration_count; i++) {
		const struct calibration *c = &hw->calibrations[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "device", c->device == CAL_GPU ? "gpu" : "cpu");
		cJSON_AddStringToObject(o, "weight", cpu_weight_name((enum cpu_weight)c->weight));
		cJSON_AddNumberToObject(o, "threads", c->threads);
		add_number_or_null(o, "decode_factor", c->decode_factor, c->decode_factor > 0);
		cJSON_AddNumberToObject(o, "decode_runs", c->decode_runs);
		add_number_or_null(o, "prefill_factor", c->prefill_factor, c->prefill_factor > 0);
		cJSON_AddNumberToObject(o, "prefill_runs", c->prefill_runs);
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

/* ---- reading ---- */

struct reader {
	const char *file;
	char where[128];      /* "hardware.gpus[1]" */
	struct error *err;
};

static int bad(struct reader *r, const char *field, const char *why)
{
	return error_set(r->err, "%s: %s.%s: %s", r->file, r->where, field, why);
}

/* What a shared profile may claim, where the data enters: zero and absurd
 * values are refused rather than turned into "0.0 tok/s" or a fit on a
 * petabyte card. The bounds are generous physical limits (a rate below
 * 10 MB/s or a GPU above 16 TiB describes no machine that runs a model),
 * not a judgement of plausibility. A field not listed takes the bounds its
 * reader passes. The other doors for these facts (gpus.json, sysfs) take
 * the same rows through hw_limit(). */
struct field_limit {
	const char *name;
	double min, max;
	const char *text;   /* the range as the message says it */
};

#define GIB 1073741824.0
static const struct field_limit field_limits[] = {
	{ "total_bytes", 64 * 1048576.0, 65536 * GIB, "64 MiB to 64 TiB" },
	{ "available_bytes", 0, 65536 * GIB, "0 to 64 TiB" },
	{ "cgroup_limit_bytes", 64 * 1048576.0, 65536 * GIB, "64 MiB to 64 TiB" },
	{ "cores", 1, 65536, "1 to 65536" },
	{ "threads", 1, 65536, "1 to 65536" },
	{ "performance_cores", 1, 65536, "1 to 65536" },
	{ "memory_channels", 1, 64, "1 to 64" },
	{ "memory_mts", 100, 100000, "100 to 100000 MT/s" },
	{ "memory_bandwidth_gbps", 0.1, 100000, "0.1 to 100000 GB/s" },
	{ "q4_gbps", 0.01, 100000, "0.01 to 100000 GB/s" },
	{ "q4_k_gbps", 0.01, 100000, "0.01 to 100000 GB/s" },
	{ "q6_k_gbps", 0.01, 100000, "0.01 to 100000 GB/s" },
	{ "q8_0_gbps", 0.01, 100000, "0.01 to 100000 GB/s" },
	{ "mem_read_gbps", 0.01, 100000, "0.01 to 100000 GB/s" },
	{ "prefill_gflops", 0.01, 1e7, "0.01 to 10000000 GFLOP/s" },
	{ "vram_total_bytes", 1048576.0, 16384 * GIB, "1 MiB to 16 TiB" },
	{ "vram_free_bytes", 0, 16384 * GIB, "0 to 16 TiB" },
	{ "gtt_total_bytes", 0, 65536 * GIB, "0 to 64 TiB" },
	{ "bandwidth_gbps", 1, 100000, "1 to 100000 GB/s" },
	{ "fp16_tflops", 0.01, 100000, "0.01 to 100000 TFLOPS" },
	{ "read_gbps", 0.001, 1000, "0.001 to 1000 GB/s" },
	{ "gen", 1, 7, "1 to 7" },
	{ "max_gen", 1, 7, "1 to 7" },
	{ "width", 1, 32, "1 to 32" },
	{ "max_width", 1, 32, "1 to 32" },
	{ "l3_bytes", 16384, 64 * GIB, "16 KiB to 64 GiB" },
	{ "bench_seconds", 0.001, 3600, "0.001 to 3600 s" },   /* the bench cache's run time */
	{ "tdp_w", 1, 10000, "1 to 10000 W" },   /* gpus.json's board power */
};

static const struct field_limit *limit_of(const char *name)
{
	for (size_t i = 0; i < sizeof(field_limits) / sizeof(field_limits[0]); i++)
		if (strcmp(field_limits[i].name, name) == 0)
			return &field_limits[i];
	return NULL;
}

struct value_limit hw_limit(const char *field)
{
	const struct field_limit *lim = limit_of(field);

	return lim ? (struct value_limit){ lim->min, lim->max, lim->text }
		   : (struct value_limit){ 1, 0, "(no range)" };
}

static int read_number(struct reader *r, const cJSON *v, const char *name,
		       double min, double max, double *out)
{
	struct value_limit lim = hw_limit(name);
	char range[64], why[128];

	if (!v || cJSON_IsNull(v)) {
		*out = -1;
		return 0;
	}
	if (lim.min > lim.max) {   /* no row: the reader's bounds */
		snprintf(range, sizeof(range), "%.15g to %.15g", min, max);
		lim = (struct value_limit){ min, max, range };
	}
	if (!cJSON_IsNumber(v) || !value_in_limit(v->valuedouble, &lim)) {
		snprintf(why, sizeof(why), "must be a number from %s, or null", lim.text);
		return bad(r, name, why);
	}
	*out = v->valuedouble;
	return 0;
}

static int read_field(struct reader *r, const struct field *f, const cJSON *v, char *p)
{
	double num;
	enum fact_source src = SRC_UNKNOWN;

	switch (f->kind) {
	case F_I64:
	case F_INT:
	case F_DBL:
		if (read_number(r, v, f->name, 0, f->kind == F_INT ? 1e9 : 9e18, &num) < 0)
			return -1;
		if (f->kind == F_I64) {
			int64_t i = num < 0 ? HW_UNKNOWN : (int64_t)num;

			memcpy(p, &i, sizeof(i));
		} else if (f->kind == F_INT) {
			int i = num < 0 ? HW_UNKNOWN : (int)num;

			memcpy(p, &i, sizeof(i));
		} else {
			memcpy(p, &num, sizeof(num));
		}
		return 0;
	case F_STR:
		if (v && !cJSON_IsNull(v) && !cJSON_IsString(v))
			return bad(r, f->name, "must be a string or null");
		snprintf(p, f->size, "%s", cJSON_IsString(v) ? v->valuestring : "");
		return 0;
	case F_BOOL:
		if (v && !cJSON_IsBool(v))
			return bad(r, f->name, "must be true or false");
		*(bool *)(void *)p = cJSON_IsTrue(v);
		return 0;
	case F_SRC:
		if (cJSON_IsString(v) && fact_source_parse(v->valuestring, &src) < 0)
			return bad(r, f->name, "unknown source name");
		if (v && !cJSON_IsNull(v) && !cJSON_IsString(v))
			return bad(r, f->name, "must be a string or null");
		memcpy(p, &src, sizeof(src));
		return 0;
	}
	return 0;
}

static int read_fields(struct reader *r, const cJSON *obj, const struct field *f, void *base)
{
	if (!cJSON_IsObject(obj))
		return error_set(r->err, "%s: %s: must be an object", r->file, r->where);
	for (; f->name; f++)
		if (read_field(r, f, cJSON_GetObjectItemCaseSensitive(obj, f->name),
			       (char *)base + f->offset) < 0)
			return -1;
	return 0;
}

static int read_pci_id(struct reader *r, const cJSON *obj, const char *name,
		       int *vendor, int *device)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	unsigned a, b;
	char tail;

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) ||
	    sscanf(v->valuestring, "%4x:%4x%c", &a, &b, &tail) != 2)
		return bad(r, name, "must be \"vvvv:dddd\" or null");
	*vendor = (int)a;
	*device = (int)b;
	return 0;
}

static int read_gpu(struct reader *r, const cJSON *obj, struct gpu_info *g)
{
	const cJSON *vendor = cJSON_GetObjectItemCaseSensitive(obj, "vendor");
	const cJSON *pcie = cJSON_GetObjectItemCaseSensitive(obj, "pcie");
	double num;

	hw_gpu_init(g);
	if (read_fields(r, obj, gpu_fields, g) < 0)
		return -1;
	if (!g->name[0])
		return bad(r, "name", "missing");
	if (g->vram_total_bytes >= 0 && g->vram_free_bytes > g->vram_total_bytes)
		return bad(r, "vram_free_bytes", "must not exceed vram_total_bytes");
	if (!cJSON_IsString(vendor) || gpu_vendor_parse(vendor->valuestring, &g->vendor) < 0)
		return bad(r, "vendor", "must be nvidia, amd, intel, apple or other");
	if (read_pci_id(r, obj, "pci_id", &g->pci_vendor_id, &g->pci_device_id) < 0 ||
	    read_pci_id(r, obj, "pci_subsystem_id", &g->pci_subvendor_id,
			&g->pci_subdevice_id) < 0)
		return -1;
	if (read_number(r, cJSON_GetObjectItemCaseSensitive(obj, "pci_revision"),
			"pci_revision", 0, 255, &num) < 0)
		return -1;
	g->pci_revision = num < 0 ? HW_UNKNOWN : (int)num;
	if (read_number(r, cJSON_GetObjectItemCaseSensitive(obj, "pci_class"),
			"pci_class", 0, 0xffff, &num) < 0)
		return -1;
	g->pci_class = num < 0 ? HW_UNKNOWN : (int)num;
	if (pcie && !cJSON_IsNull(pcie)) {
		size_t n = strlen(r->where);

		snprintf(r->where + n, sizeof(r->where) - n, ".pcie");
		if (read_fields(r, pcie, pcie_fields, &g->pcie) < 0)
			return -1;
		r->where[n] = '\0';
	}
	return 0;
}

static int read_simd(struct reader *r, const cJSON *cpu, struct cpu_info *c)
{
	const cJSON *simd = cJSON_GetObjectItemCaseSensitive(cpu, "simd"), *s;

	if (!simd || cJSON_IsNull(simd))
		return 0;
	if (!cJSON_IsArray(simd))
		return bad(r, "simd", "must be an array of strings");
	cJSON_ArrayForEach(s, simd) {
		if (!cJSON_IsString(s))
			return bad(r, "simd", "must be an array of strings");
		if (c->simd_count < HW_MAX_SIMD)
			snprintf(c->simd[c->simd_count++], sizeof(c->simd[0]), "%s",
				 s->valuestring);
	}
	return 0;
}

static int read_section(struct reader *r, const cJSON *hwobj, const char *name,
			const struct field *fields, void *base)
{
	snprintf(r->where, sizeof(r->where), "hardware.%s", name);
	return read_fields(r, cJSON_GetObjectItemCaseSensitive(hwobj, name), fields, base);
}

/* Measured facts in a profile are no longer measured here and now. */
static void mark_profile(struct hardware *hw)
{
	hw->origin = HW_FROM_PROFILE;
	if (hw->cpu.q4_source == SRC_BENCH || hw->cpu.q4_source == SRC_CACHED)
		hw->cpu.q4_source = SRC_PROFILE;
	if (hw->disk.read_source == SRC_BENCH || hw->disk.read_source == SRC_CACHED)
		hw->disk.read_source = SRC_PROFILE;
}

int hw_from_json(const cJSON *json, const char *file, struct hardware *hw,
		 struct error *err)
{
	struct reader r = { .file = file, .err = err };
	const cJSON *hwobj = cJSON_GetObjectItemCaseSensitive(json, "hardware");
	const cJSON *gpus, *g, *kind;

	hw_init(hw);
	if (!hwobj)
		hwobj = json;
	if (read_section(&r, hwobj, "ram", ram_fields, &hw->ram) < 0)
		return -1;
	if (hw->ram.total_bytes >= 0 && hw->ram.available_bytes > hw->ram.total_bytes)
		return bad(&r, "available_bytes", "must not exceed total_bytes");
	if (read_section(&r, hwobj, "cpu", cpu_fields, &hw->cpu) < 0 ||
	    read_simd(&r, cJSON_GetObjectItemCaseSensitive(hwobj, "cpu"), &hw->cpu) < 0 ||
	    read_section(&r, hwobj, "disk", disk_fields, &hw->disk) < 0)
		return -1;
	kind = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(hwobj, "disk"), "kind");
	if (cJSON_IsString(kind) && disk_kind_parse(kind->valuestring, &hw->disk.kind) < 0)
		return bad(&r, "kind", "must be nvme, ssd, hdd, virtual or unknown");
	gpus = cJSON_GetObjectItemCaseSensitive(hwobj, "gpus");
	if (gpus && !cJSON_IsArray(gpus))
		return error_set(err, "%s: hardware.gpus: must be an array", file);
	cJSON_ArrayForEach(g, gpus) {
		if (hw->gpu_count == HW_MAX_GPUS)
			return error_set(err, "%s: hardware.gpus: more than %d GPUs",
					 file, HW_MAX_GPUS);
		snprintf(r.where, sizeof(r.where), "hardware.gpus[%d]", hw->gpu_count);
		if (read_gpu(&r, g, &hw->gpus[hw->gpu_count]) < 0)
			return -1;
		hw->gpus[hw->gpu_count].index = hw->gpu_count;
		hw->gpu_count++;
	}
	if (calibrations_from_json(cJSON_GetObjectItemCaseSensitive(hwobj, "calibration"), file, hw, err) < 0)
		return -1;
	mark_profile(hw);
	return 0;
}

static int read_factor(const cJSON *o, const char *name, double *factor, int *runs)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);
	char runs_name[32];
	const cJSON *n;

	snprintf(runs_name, sizeof(runs_name), "%.*s_runs", (int)(strlen(name) - 7), name);
	n = cJSON_GetObjectItemCaseSensitive(o, runs_name);
	*factor = -1;
	*runs = 0;
	if (!f || cJSON_IsNull(f))
		return 0;
	if (!cJSON_IsNumber(f) || !isfinite(f->valuedouble) || f->valuedouble <= 0 ||
	    f->valuedouble > 100 || !cJSON_IsNumber(n) || n->valuedouble < 1 || n->valuedouble > 1e6)
		return -1;
	*factor = f->valuedouble;
	*runs = (int)n->valuedouble;
	return 0;
}

int calibrations_from_json(const cJSON *array, const char *file, struct hardware *hw,
			   struct error *err)
{
	const cJSON *o;
	int i = 0;

	hw->calibration_count = 0;
	if (!array || cJSON_IsNull(array))
		return 0;
	if (!cJSON_IsArray(array))
		return error_set(err, "%s: calibration: must be an array", file);
	cJSON_ArrayForEach(o, array) {
		struct calibration *c = &hw->calibrations[i];
		const cJSON *dev = cJSON_GetObjectItemCaseSensitive(o, "device");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "weight");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "threads");
		enum cpu_weight weight;

		if (i == HW_MAX_CALIBRATIONS)
			return error_set(err, "%s: calibration: more than %d entries", file, HW_MAX_CALIBRATIONS);
		if (!cJSON_IsString(dev) || (strcmp(dev->valuestring, "cpu") != 0 &&
					     strcmp(dev->valuestring, "gpu") != 0))
			return error_set(err, "%s: calibration[%d].device: must be \"cpu\" or \"gpu\"", file, i);
		if (!cJSON_IsString(w) || cpu_weight_parse(w->valuestring, &weight) < 0)
			return error_set(err, "%s: calibration[%d].weight: must be Q4_0, Q4_K, Q6_K or Q8_0",
					 file, i);
		if (!cJSON_IsNumber(t) || t->valuedouble < 0 || t->valuedouble > 4096)
			return error_set(err, "%s: calibration[%d].threads: must be 0 to 4096", file, i);
		c->device = strcmp(dev->valuestring, "gpu") == 0 ? CAL_GPU : CAL_CPU;
		c->weight = weight;
		c->threads = (int)t->valuedouble;
		if (read_factor(o, "decode_factor", &c->decode_factor, &c->decode_runs) < 0 ||
		    read_factor(o, "prefill_factor", &c->prefill_factor, &c->prefill_runs) < 0)
			return error_set(err, "%s: calibration[%d]: a factor must be a number from 0 to 100 "
					 "with its runs (1 or more), or null", file, i);
		i++;
	}
	hw->calibration_count = i;
	return 0;
}

int hw_load_profile(const char *path, struct hardware *hw, struct error *err)
{
	cJSON *json = json_load_file(path, 16 << 20, err);
	int rc;

	if (!json)
		return -1;
	rc = hw_from_json(json, path, hw, err);
	cJSON_Delete(json);
	return rc;
}
