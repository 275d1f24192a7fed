#include "hw/gputable.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "hw/hwjson.h"
#include "util/jsonfile.h"
#include "util/namematch.h"

/* data/gpus.json is ~100 KiB; anything far larger is not our file. */
#define TABLE_MAX_BYTES (8u << 20)
#define MIB 1048576LL

/* ---- loading -------------------------------------------------------- */

/* Parses exactly n hex digits at *s, advancing it. */
static int hex_n(const char **s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		int ch = (unsigned char)(*s)[i];

		if (!isxdigit(ch))
			return -1;
		v = v * 16 + (isdigit(ch) ? ch - '0' : tolower(ch) - 'a' + 10);
	}
	*s += n;
	*out = v;
	return 0;
}

/* "vvvv:dddd[ sub ssss:ssss][ rev rr]", all hex. */
static int parse_pci_id(const char *s, struct gpu_pci_id *id)
{
	id->subvendor_id = id->subdevice_id = id->revision = -1;
	if (hex_n(&s, 4, &id->vendor_id) || *s++ != ':' ||
	    hex_n(&s, 4, &id->device_id))
		return -1;
	if (strncmp(s, " sub ", 5) == 0) {
		s += 5;
		if (hex_n(&s, 4, &id->subvendor_id) || *s++ != ':' ||
		    hex_n(&s, 4, &id->subdevice_id))
			return -1;
	}
	if (strncmp(s, " rev ", 5) == 0) {
		s += 5;
		if (hex_n(&s, 2, &id->revision))
			return -1;
	}
	return *s ? -1 : 0;
}

static int get_pci_ids(const struct json_entry *c, const cJSON *obj,
		       struct gpu_spec *g)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "pci_ids");
	const cJSON *v;

	if (!cJSON_IsArray(arr))
		return json_entry_error(c, "pci_ids", "must be an array of strings");
	if (cJSON_GetArraySize(arr) > GPU_TABLE_MAX_IDS)
		return json_entry_error(c, "pci_ids", "more than 8 ids");
	g->id_count = 0;
	cJSON_ArrayForEach(v, arr) {
		if (!cJSON_IsString(v) ||
		    parse_pci_id(v->valuestring, &g->ids[g->id_count]))
			return json_entry_error(c, "pci_ids", "each must read "
					   "\"vvvv:dddd[ sub ssss:ssss][ rev rr]\" (hex)");
		g->id_count++;
	}
	return 0;
}

/* "4.0 x16" -> gen 4, width 16; null -> unknown (SXM, integrated, soc). */
static int get_pcie(const struct json_entry *c, const cJSON *obj,
		    struct gpu_spec *g)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "pcie");
	int gen, width, used = 0;

	g->pcie_gen = g->pcie_width = HW_UNKNOWN;
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) ||
	    sscanf(v->valuestring, "%d.0 x%d%n", &gen, &width, &used) != 2 ||
	    v->valuestring[used] || gen < 1 || gen > 9 || width < 1 ||
	    width > 32)
		return json_entry_error(c, "pcie", "must read \"G.0 xW\" or be null");
	g->pcie_gen = gen;
	g->pcie_width = width;
	return 0;
}

static const char *const vendors[] = { "nvidia", "amd", "intel", "apple",
				       "other", NULL };
static const char *const forms[] = { "desktop", "laptop", "workstation",
				     "datacenter", "integrated", "soc", NULL };

/* vram_mib: a whole number of MiB within the VRAM limit profiles have. */
static int get_vram(const struct json_entry *c, const cJSON *o, struct gpu_spec *g)
{
	struct value_limit lim = hw_limit("vram_total_bytes");
	char why[96];
	long long vram_mib;

	snprintf(why, sizeof(why), "must be a whole number of MiB from %s, or null", lim.text);
	if (json_get_int(c, o, "vram_mib", (long long)(lim.max / MIB), &vram_mib) ||
	    (vram_mib != HW_UNKNOWN && !value_in_limit((double)vram_mib * MIB, &lim)))
		return json_entry_error(c, "vram_mib", why);
	g->vram_bytes = vram_mib == HW_UNKNOWN ? HW_UNKNOWN : vram_mib * MIB;
	return 0;
}

/* The numeric fields, with the rules data/README.md states; the physical
 * limits are the --hw profiles' (hw_limit). */
static int get_numbers(const struct json_entry *c, const cJSON *o,
		       struct gpu_spec *g)
{
	struct value_limit bandwidth = hw_limit("bandwidth_gbps"), fp16 = hw_limit("fp16_tflops");
	struct value_limit tdp = hw_limit("tdp_w");
	double tdp_w;
	long long bus_bits;

	if (get_vram(c, o, g) ||
	    json_get_int(c, o, "bus_width_bits", 65536, &bus_bits) ||
	    json_get_limited(c, o, "bandwidth_gbps", false, &bandwidth, &g->bandwidth_gbps) ||
	    json_get_limited(c, o, "fp16_tflops", true, &fp16, &g->fp16_tflops) ||
	    json_get_limited(c, o, "tdp_w", true, &tdp, &tdp_w))
		return -1;
	if (tdp_w != floor(tdp_w))
		return json_entry_error(c, "tdp_w", "must be a whole number of watts");
	g->bus_width_bits = (int)bus_bits;
	g->tdp_w = (int)tdp_w;
	return 0;
}

/* A street price: from a used budget card to a datacenter board. */
static const struct value_limit street_price = { 10, 1e6, "10 to 1000000 USD" };

/* Optional: price_usd (in street_price or null), then price_date and
 * price_source (non-empty strings) required with it. Absent or null: unknown. */
static int get_price(const struct json_entry *c, const cJSON *o, struct gpu_price *p)
{
	p->usd = HW_UNKNOWN;
	p->date[0] = p->source[0] = '\0';
	if (!cJSON_GetObjectItemCaseSensitive(o, "price_usd"))
		return 0;
	if (json_get_limited(c, o, "price_usd", true, &street_price, &p->usd))
		return -1;
	if (p->usd < 0)
		return 0;
	return json_get_string(c, o, "price_date", p->date, sizeof(p->date)) ||
	       json_get_string(c, o, "price_source", p->source, sizeof(p->source)) ? -1 : 0;
}

static int parse_entry(struct json_entry *c, const cJSON *o, struct gpu_spec *g)
{
	char vendor[16];

	if (!cJSON_IsObject(o))
		return json_entry_error(c, NULL, "must be an object");
	if (json_get_string(c, o, "name", g->name, sizeof(g->name)))
		return -1;
	c->name = g->name;
	if (json_get_enum(c, o, "vendor", vendors, vendor, sizeof(vendor)))
		return -1;
	gpu_vendor_parse(vendor, &g->vendor);
	/* The source documents the row; it is required but not kept. */
	return get_pci_ids(c, o, g) || get_numbers(c, o, g) ||
	       json_get_string(c, o, "memory_type", g->memory_type,
			  sizeof(g->memory_type)) ||
	       json_get_bool(c, o, "unified_memory", &g->unified_memory) ||
	       json_get_enum(c, o, "form", forms, g->form, sizeof(g->form)) ||
	       get_pcie(c, o, g) || get_price(c, o, &g->price) ||
	       json_get_string(c, o, "source", NULL, 0) ? -1 : 0;
}

/* Names are looked up case-insensitively, so they must differ that way. */
static int check_duplicates(const char *path, const struct gpu_table *t,
			    struct error *err)
{
	for (int i = 1; i < t->count; i++)
		for (int j = 0; j < i; j++)
			if (strcasecmp(t->specs[i].name, t->specs[j].name) == 0)
				return error_set(err, "%s: gpus[%d] (%s): name: "
						 "duplicate of gpus[%d]", path,
						 i, t->specs[i].name, j);
	return 0;
}

static int parse_table(const char *path, const cJSON *root,
		       struct gpu_table *t, struct error *err)
{
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
	const cJSON *gpus = cJSON_GetObjectItemCaseSensitive(root, "gpus");
	const cJSON *e;
	int n;

	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		return error_set(err, "%s: schema_version: must be 1", path);
	if (!cJSON_IsArray(gpus))
		return error_set(err, "%s: gpus: must be an array", path);
	n = cJSON_GetArraySize(gpus);
	t->specs = calloc(n ? (size_t)n : 1, sizeof(*t->specs));
	if (!t->specs)
		return error_set(err, "%s: out of memory", path);
	cJSON_ArrayForEach(e, gpus) {
		struct json_entry c = { path, "gpus", t->count, NULL, err };

		if (parse_entry(&c, e, &t->specs[t->count]))
			return -1;
		t->count++;
	}
	return check_duplicates(path, t, err);
}

int gpu_table_load(const char *path, struct gpu_table *t, struct error *err)
{
	cJSON *root;
	int rc;

	t->specs = NULL;
	t->count = 0;
	root = json_load_file(path, TABLE_MAX_BYTES, err);
	if (!root) {
		rc = -1;
	} else if (!cJSON_IsObject(root)) {
		rc = error_set(err, "%s: must hold a JSON object", path);
	} else {
		rc = parse_table(path, root, t, err);
	}
	cJSON_Delete(root);
	if (rc)
		gpu_table_release(t);
	return rc;
}

void gpu_table_release(struct gpu_table *t)
{
	free(t->specs);
	t->specs = NULL;
	t->count = 0;
}

const struct gpu_spec *gpu_table_entry_of(const struct gpu_table *t, const struct gpu_info *gpu)
{
	const struct gpu_spec *g = NULL;

	if (gpu->table_entry >= 0 && gpu->table_entry < t->count)
		return &t->specs[gpu->table_entry];
	if (gpu->pci_vendor_id >= 0 && gpu->pci_device_id >= 0)
		g = gpu_table_find_pci(t, gpu->pci_vendor_id, gpu->pci_device_id,
				       gpu->pci_subvendor_id, gpu->pci_subdevice_id,
				       gpu->pci_revision);
	for (int i = 0; !g && i < t->count; i++)
		if (strcasecmp(t->specs[i].name, gpu->name) == 0)
			g = &t->specs[i];
	return g;
}

const struct gpu_price *gpu_spec_price(const struct gpu_spec *g, int64_t ram_bytes)
{
	if (g->price.usd < 0)
		return NULL;
	/* a unified machine is priced at the table's memory, not at another size */
	if (g->unified_memory && g->vram_bytes > 0 && ram_bytes != g->vram_bytes)
		return NULL;
	return &g->price;
}

int gpu_table_price(const struct gpu_table *t, const struct gpu_info *gpu, int64_t ram_bytes,
		    const struct gpu_price **out)
{
	const struct gpu_spec *g = gpu_table_entry_of(t, gpu);

	if (!g || !(*out = gpu_spec_price(g, ram_bytes)))
		return -1;
	return 0;
}

int gpu_table_index(const struct gpu_table *t, const struct gpu_spec *spec)
{
	if (!spec || spec < t->specs || spec >= t->specs + t->count)
		return -1;
	return (int)(spec - t->specs);
}

/* ---- lookup by PCI id ---------------------------------------------- */

/* How well one table id describes a device: 0 no match; otherwise 1 for
 * vendor:device, plus 2 for a matching subsystem and 1 for a matching
 * revision. A qualifier the device contradicts gives the weakest match,
 * PCI_CONTRADICTED, so an unlisted board or revision of a known chip still
 * finds its smallest sibling. */
#define PCI_CONTRADICTED 0.5

static double pci_score(const struct gpu_pci_id *id, int vendor_id,
			int device_id, int subvendor_id, int subdevice_id,
			int revision)
{
	double score = 1;

	if (id->vendor_id != vendor_id || id->device_id != device_id)
		return 0;
	if (id->subvendor_id >= 0 && subvendor_id >= 0) {
		if (id->subvendor_id != subvendor_id ||
		    id->subdevice_id != subdevice_id)
			return PCI_CONTRADICTED;
		score += 2;
	}
	if (id->revision >= 0 && revision >= 0) {
		if (id->revision != revision)
			return PCI_CONTRADICTED;
		score += 1;
	}
	return score;
}

/* Smaller VRAM first; an unknown size sorts after every known one. */
static bool smaller_vram(const struct gpu_spec *a, const struct gpu_spec *b)
{
	if (a->vram_bytes < 0)
		return false;
	return b->vram_bytes < 0 || a->vram_bytes < b->vram_bytes;
}

const struct gpu_spec *gpu_table_find_pci(const struct gpu_table *t,
					  int vendor_id, int device_id,
					  int subvendor_id, int subdevice_id,
					  int revision)
{
	const struct gpu_spec *best = NULL;
	double best_score = 0;

	for (int i = 0; i < t->count; i++) {
		const struct gpu_spec *g = &t->specs[i];
		double score = 0;

		for (int k = 0; k < g->id_count; k++)
			score = fmax(score, pci_score(&g->ids[k], vendor_id,
						      device_id, subvendor_id,
						      subdevice_id, revision));
		if (score > best_score ||
		    (score > 0 && score == best_score && smaller_vram(g, best))) {
			best = g;
			best_score = score;
		}
	}
	return best;
}

/* ---- lookup by name ------------------------------------------------ */

/* Words that name a maker or brand rather than a GPU; "Arc" stays because
 * it separates Intel's Arc cards from other Intel GPUs. */
static const char *const gpu_vendor_words[] = { "nvidia", "geforce", "amd",
	"radeon", "intel", "apple", "tesla", NULL };

int gpu_table_find_name(const struct gpu_table *t, const char *query,
			const struct gpu_spec **out, struct error *err)
{
	struct name_list names = { "GPU", t->specs, sizeof(*t->specs),
				   offsetof(struct gpu_spec, name), t->count,
				   gpu_vendor_words, NULL };
	int index;

	if (name_list_find(&names, query, &index, err) < 0)
		return -1;
	*out = &t->specs[index];
	return 0;
}

/* ---- lookup by name with a memory size ("RTX 3090 24GB") ------------- */

#define GIB_BYTES (1024LL * 1024 * 1024)
#define SIZED_LIST_MAX 8

/* "24GB", "24gb", "24G", "24GiB" (or "24" then "GB" as the next word):
 * whole GiB, the unit cards and Macs are sold in. Removes the words from
 * rest. 1 found, 0 none, -1 more than one. */
static int take_size(const char *query, char *rest, size_t size, int64_t *bytes)
{
	char copy[HW_NAME_MAX * 2], *save = NULL;
	int found = 0;
	size_t used = 0;

	snprintf(copy, sizeof(copy), "%s", query);
	rest[0] = '\0';
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char *end;
		long n = strtol(w, &end, 10);
		bool unit = strcasecmp(end, "gb") == 0 || strcasecmp(end, "g") == 0 ||
			    strcasecmp(end, "gib") == 0;

		if (end != w && !*end && save && *save) {     /* "24 GB" */
			char *next = save + strspn(save, " \t");
			size_t len = strcspn(next, " \t");

			if ((len == 2 && strncasecmp(next, "gb", 2) == 0) ||
			    (len == 3 && strncasecmp(next, "gib", 3) == 0)) {
				unit = true;
				save = next + len;
			}
		}
		if (end != w && unit && isdigit((unsigned char)*w) && n > 0 && n < 1 << 20) {
			found++;
			*bytes = n * GIB_BYTES;
			continue;
		}
		used += (size_t)snprintf(rest + used, used < size ? size - used : 0, "%s%s",
					 used ? " " : "", w);
	}
	return found > 1 ? -1 : found;
}

/* Within half a GiB: tables list MiB (10240 for a "10GB" card). */
static bool size_matches(const struct gpu_spec *g, int64_t bytes)
{
	return g->vram_bytes >= 0 && llabs(g->vram_bytes - bytes) < GIB_BYTES / 2;
}

/* The slower of two unified parts that both match: bandwidth, then FP16. */
static bool slower(const struct gpu_spec *a, const struct gpu_spec *b)
{
	if (a->bandwidth_gbps != b->bandwidth_gbps)
		return a->bandwidth_gbps < b->bandwidth_gbps;
	return a->fp16_tflops < b->fp16_tflops;
}

static void append_text(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s", s);
}

static int no_such_size(const struct gpu_table *t, const struct name_list *names,
			const char *query, const char *rest, struct error *err)
{
	char msg[ERROR_MSG_MAX];
	int listed = 0;

	snprintf(msg, sizeof(msg), "GPU '%s': no variant has that memory; the table has", query);
	for (int i = 0; i < t->count && listed < SIZED_LIST_MAX; i++) {
		char item[HW_NAME_MAX + 32];

		if (name_list_level(names, rest, i) == 0 || t->specs[i].vram_bytes < 0)
			continue;
		snprintf(item, sizeof(item), "%s %s %lld GB", listed++ ? "," : "", t->specs[i].name,
			 (long long)((t->specs[i].vram_bytes + GIB_BYTES / 2) / GIB_BYTES));
		append_text(msg, sizeof(msg), item);
	}
	if (listed == 0)
		append_text(msg, sizeof(msg), " no GPU of that name");
	return error_set(err, "%s", msg);
}

static int ambiguous_sized(const struct gpu_table *t, const struct name_list *names,
			   const char *query, const char *rest, int64_t bytes, int level,
			   struct error *err)
{
	char msg[ERROR_MSG_MAX];
	int listed = 0;

	snprintf(msg, sizeof(msg), "ambiguous GPU '%s': candidates: ", query);
	for (int i = 0; i < t->count && listed < SIZED_LIST_MAX; i++)
		if (name_list_level(names, rest, i) == level && size_matches(&t->specs[i], bytes)) {
			append_text(msg, sizeof(msg), listed++ ? ", " : "");
			append_text(msg, sizeof(msg), t->specs[i].name);
		}
	return error_set(err, "%s", msg);
}

/* Among the entries rest matches, those whose memory is bytes (any size for
 * unified parts, whose memory is the machine's); the best level wins. */
static int pick_sized(const struct gpu_table *t, const struct name_list *names,
		      const char *query, const char *rest, int64_t bytes,
		      struct gpu_sized *out, struct error *err)
{
	int best_level = 0, best = -1, ties = 0;
	bool all_unified = true;

	for (int i = 0; i < t->count; i++) {
		const struct gpu_spec *g = &t->specs[i];
		int level = name_list_level(names, rest, i);

		if (level == 0 || (!g->unified_memory && !size_matches(g, bytes)))
			continue;
		if (level > best_level) {
			best_level = level;
			best = i;
			ties = 0;
			all_unified = true;
		} else if (level < best_level) {
			continue;
		} else if (slower(g, &t->specs[best])) {
			best = i;
		}
		ties++;
		all_unified = all_unified && g->unified_memory;
	}
	if (best < 0)
		return no_such_size(t, names, query, rest, err);
	if (ties > 1 && !all_unified)
		return ambiguous_sized(t, names, query, rest, bytes, best_level, err);
	out->spec = &t->specs[best];
	out->memory_bytes = out->spec->unified_memory ? bytes : HW_UNKNOWN;
	if (ties > 1)
		snprintf(out->note, sizeof(out->note), "--gpu '%s': %d variants match; using %s, "
			 "the slowest (name the variant to choose)", query, ties, out->spec->name);
	return 0;
}

int gpu_table_find_sized(const struct gpu_table *t, const char *query, struct gpu_sized *out,
			 struct error *err)
{
	struct name_list names = { "GPU", t->specs, sizeof(*t->specs),
				   offsetof(struct gpu_spec, name), t->count,
				   gpu_vendor_words, NULL };
	char rest[HW_NAME_MAX * 2], spelled[HW_NAME_MAX * 2 + 16];
	struct error direct;
	int64_t bytes = 0;
	int sized;

	memset(out, 0, sizeof(*out));
	out->memory_bytes = HW_UNKNOWN;
	if (gpu_table_find_name(t, query, &out->spec, &direct) == 0)
		return 0;
	sized = take_size(query, rest, sizeof(rest), &bytes);
	if (sized < 0)
		return error_set(err, "GPU '%s': more than one memory size", query);
	if (sized == 0 || !rest[0]) {
		*err = direct;
		return -1;
	}
	/* the size as table names spell it ("RTX 3060 8G" -> "... 8GB") */
	snprintf(spelled, sizeof(spelled), "%s %lldGB", rest, (long long)(bytes / GIB_BYTES));
	if (gpu_table_find_name(t, spelled, &out->spec, &direct) == 0) {
		if (out->spec->unified_memory)
			out->memory_bytes = bytes;
		return 0;
	}
	return pick_sized(t, &names, query, rest, bytes, out, err);
}
