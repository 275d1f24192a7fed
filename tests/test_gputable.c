/* test_gputable.c - data/gpus.json and its loader: the real table loads and
 * holds datasheet values; PCI and name lookups follow gputable.h; broken
 * tables are refused with a message naming file, entry and field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/gputable.h"
#include "testlib.h"

#define GIB (1024LL * 1024 * 1024)

static const char *data_path(void)
{
	static char path[512];
	const char *dir = getenv("CANIRUN_DATA_DIR");

	snprintf(path, sizeof(path), "%s/gpus.json", dir && *dir ? dir : "data");
	return path;
}

/* The real table, loaded once for the whole suite. */
static const struct gpu_table *real_table(void)
{
	static struct gpu_table t;
	static bool loaded;
	struct error err = { "" };

	if (!loaded) {
		if (gpu_table_load(data_path(), &t, &err) != 0) {
			fprintf(stderr, "cannot load %s: %s\n", data_path(), err.msg);
			exit(1);
		}
		loaded = true;
	}
	return &t;
}

/* The entry a name resolves to, or NULL (then the error is shown). */
static const struct gpu_spec *by_name(const char *query)
{
	const struct gpu_spec *g = NULL;
	struct error err = { "" };

	if (gpu_table_find_name(real_table(), query, &g, &err) != 0) {
		fprintf(stderr, "  %s: %s\n", query, err.msg);
		return NULL;
	}
	return g;
}

static void check_resolves(const char *query, const char *name)
{
	const struct gpu_spec *g = by_name(query);

	if (CHECK(g != NULL))
		CHECK_STR(g->name, name);
}

static void real_table_is_large_and_sane(void)
{
	const struct gpu_table *t = real_table();

	CHECK(t->count >= 150);
	for (int i = 0; i < t->count; i++) {
		const struct gpu_spec *g = &t->specs[i];

		CHECK(g->name[0] != '\0');
		CHECK(g->bandwidth_gbps > 0);
		/* Apple parts have no PCI id; everything else has one. */
		CHECK((g->vendor == GPU_VENDOR_APPLE) == (g->id_count == 0));
		/* unified parts either give a base size (Apple, GB10) or none */
		if (!g->unified_memory)
			CHECK(g->vram_bytes > 0);
		CHECK_INT(gpu_table_index(t, g), i);
	}
	CHECK_INT(gpu_table_index(t, NULL), -1);
}

static void real_values(void)
{
	const struct gpu_spec *g = by_name("RTX 4090");

	if (CHECK(g != NULL)) {
		CHECK_INT(g->vram_bytes, 24 * GIB);
		CHECK_NEAR(g->bandwidth_gbps, 1008, 0.01);
		CHECK_INT(g->bus_width_bits, 384);
		CHECK_INT(g->pcie_gen, 4);
		CHECK_INT(g->pcie_width, 16);
		CHECK_INT(g->vendor, GPU_VENDOR_NVIDIA);
		CHECK(!g->unified_memory);
		CHECK_STR(g->form, "desktop");
	}
	g = by_name("H100 SXM");
	if (CHECK(g != NULL)) {
		CHECK_INT(g->vram_bytes, 80 * GIB);
		CHECK_NEAR(g->bandwidth_gbps, 3350, 0.01);
		CHECK_INT(g->pcie_gen, HW_UNKNOWN);
		CHECK_INT(g->pcie_width, HW_UNKNOWN);
	}
	g = by_name("RX 7900 XTX");
	if (CHECK(g != NULL)) {
		CHECK_INT(g->vram_bytes, 24 * GIB);
		CHECK_NEAR(g->bandwidth_gbps, 960, 0.01);
		CHECK_INT(g->vendor, GPU_VENDOR_AMD);
	}
	g = by_name("rtx 4090 laptop");
	if (CHECK(g != NULL)) {
		CHECK_INT(g->vram_bytes, 16 * GIB);
		CHECK_NEAR(g->bandwidth_gbps, 576, 0.01);
		CHECK_STR(g->form, "laptop");
	}
	g = by_name("Radeon 8060S");
	if (CHECK(g != NULL)) {
		CHECK(g->unified_memory);
		CHECK_INT(g->vram_bytes, HW_UNKNOWN);
	}
	g = by_name("DGX Spark");
	if (CHECK(g != NULL)) {
		CHECK(g->unified_memory);
		CHECK_INT(g->vram_bytes, 128 * GIB);
		CHECK_NEAR(g->bandwidth_gbps, 273, 0.01);
	}
	g = by_name("M2 Max 38-core");
	if (CHECK(g != NULL)) {
		CHECK_INT(g->vendor, GPU_VENDOR_APPLE);
		CHECK_INT(g->id_count, 0);
		CHECK(g->unified_memory);
		CHECK_STR(g->form, "soc");
	}
}

static void find_pci(void)
{
	const struct gpu_table *t = real_table();
	const struct gpu_spec *g;

	g = gpu_table_find_pci(t, 0x10de, 0x2684, -1, -1, -1);
	if (CHECK(g != NULL))
		CHECK_STR(g->name, "GeForce RTX 4090");
	/* Navi 31 1002:744c: the revision tells XTX (c8), XT (cc), GRE (ce)
	 * apart; without it the smallest (GRE, 16 GiB) is returned. */
	g = gpu_table_find_pci(t, 0x1002, 0x744c, -1, -1, 0xc8);
	if (CHECK(g != NULL))
		CHECK_STR(g->name, "Radeon RX 7900 XTX");
	g = gpu_table_find_pci(t, 0x1002, 0x744c, -1, -1, 0xcc);
	if (CHECK(g != NULL))
		CHECK_STR(g->name, "Radeon RX 7900 XT");
	g = gpu_table_find_pci(t, 0x1002, 0x744c, -1, -1, -1);
	if (CHECK(g != NULL)) {
		CHECK_STR(g->name, "Radeon RX 7900 GRE");
		CHECK_INT(g->vram_bytes, 16 * GIB);
	}
	/* an unlisted revision still finds the family, conservatively */
	g = gpu_table_find_pci(t, 0x1002, 0x744c, -1, -1, 0x01);
	if (CHECK(g != NULL))
		CHECK_INT(g->vram_bytes, 16 * GIB);
	CHECK(gpu_table_find_pci(t, 0x10de, 0xffff, -1, -1, -1) == NULL);
	CHECK(gpu_table_find_pci(t, 0x1234, 0x2684, -1, -1, -1) == NULL);
}

static void find_name_resolves(void)
{
	check_resolves("RTX 4090", "GeForce RTX 4090");
	check_resolves("NVIDIA GeForce RTX 4090", "GeForce RTX 4090");
	check_resolves("rtx 4090 laptop", "GeForce RTX 4090 Laptop");
	check_resolves("RTX 4070", "GeForce RTX 4070");
	check_resolves("RTX 4070 Laptop", "GeForce RTX 4070 Laptop");
	check_resolves("A100 80GB SXM", "A100 SXM4 80GB");
	check_resolves("nvidia a100 80gb sxm", "A100 SXM4 80GB");
	check_resolves("H100 SXM", "H100 SXM5 80GB");
	check_resolves("M2 Max 38-core", "M2 Max 38-core");
	check_resolves("7900 XTX", "Radeon RX 7900 XTX");
	check_resolves("7900 XT", "Radeon RX 7900 XT");
	check_resolves("RX 7900 XTX", "Radeon RX 7900 XTX");
	check_resolves("AMD Radeon 8060S", "Radeon 8060S");
	check_resolves("Arc B580", "Arc B580");
	check_resolves("Intel Arc B580", "Arc B580");
	check_resolves("GB10", "GB10 (DGX Spark)");
	check_resolves("DGX Spark", "GB10 (DGX Spark)");
	check_resolves("P40", "Tesla P40");
	check_resolves("tesla p40", "Tesla P40");
	check_resolves("A2", "A2");
}

/* Every entry is reachable by its own name: no name hides another. */
static void every_name_resolves_to_itself(void)
{
	const struct gpu_table *t = real_table();

	for (int i = 0; i < t->count; i++)
		check_resolves(t->specs[i].name, t->specs[i].name);
}

static void find_name_errors(void)
{
	const struct gpu_spec *g = NULL;
	struct error err = { "" };

	CHECK_INT(gpu_table_find_name(real_table(), "RTX 40", &g, &err), -1);
	CHECK_CONTAINS(err.msg, "unknown GPU 'RTX 40'");
	CHECK_INT(gpu_table_find_name(real_table(), "RTX 4060 Ti", &g, &err), -1);
	CHECK_CONTAINS(err.msg, "ambiguous GPU 'RTX 4060 Ti': candidates: ");
	CHECK_CONTAINS(err.msg, "GeForce RTX 4060 Ti 8GB");
	CHECK_CONTAINS(err.msg, "GeForce RTX 4060 Ti 16GB");
	CHECK_INT(gpu_table_find_name(real_table(), "M2 Max", &g, &err), -1);
	CHECK_CONTAINS(err.msg, "M2 Max 30-core, M2 Max 38-core");
	CHECK_INT(gpu_table_find_name(real_table(), "RTX 4099", &g, &err), -1);
	CHECK_CONTAINS(err.msg, "unknown GPU 'RTX 4099'; closest: ");
	CHECK_CONTAINS(err.msg, "GeForce RTX 4090");
	CHECK_INT(gpu_table_find_name(real_table(), "nvidia", &g, &err), -1);
	CHECK_CONTAINS(err.msg, "unknown GPU 'nvidia'");
	CHECK_INT(gpu_table_find_name(real_table(), "", &g, &err), -1);
	CHECK_CONTAINS(err.msg, "unknown GPU ''");
}

/* Word matching on a small synthetic table: the whole lookup contract. */
static const char tiny[] =
	"{\"schema_version\":1,\"gpus\":[%s]}";
#define ENTRY(name, ids, vram) \
	"{\"name\":\"" name "\",\"vendor\":\"other\",\"pci_ids\":" ids "," \
	"\"vram_mib\":" vram ",\"memory_type\":\"GDDR6\"," \
	"\"bus_width_bits\":128,\"bandwidth_gbps\":100,\"fp16_tflops\":null," \
	"\"tdp_w\":null,\"unified_memory\":false,\"form\":\"desktop\"," \
	"\"pcie\":null,\"source\":\"https://example.org\"}"

static void write_text(const char *path, const char *text)
{
	test_write_file(path, text, strlen(text));
}

static int load_text(const char *entries, struct gpu_table *t,
		     struct error *err)
{
	char path[512], text[8192];
	snprintf(text, sizeof(text), tiny, entries);
	snprintf(path, sizeof(path), "%s/gpus.json", test_tmpdir());
	write_text(path, text);
	return gpu_table_load(path, t, err);
}

static void pci_qualifiers(void)
{
	struct gpu_table t;
	struct error err = { "" };
	const struct gpu_spec *g;

	if (!CHECK_INT(load_text(
		ENTRY("Big", "[\"abcd:0001\"]", "2048") ","
		ENTRY("Small", "[\"abcd:0001\"]", "1024") ","
		ENTRY("Sub", "[\"abcd:0001 sub 1111:2222\"]", "4096") ","
		ENTRY("Rev", "[\"ABCD:0001 rev 0a\"]", "8192") ","
		ENTRY("Both", "[\"abcd:0001 sub 1111:2222 rev 0b\"]", "512"),
		&t, &err), 0)) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	g = gpu_table_find_pci(&t, 0xabcd, 0x0001, -1, -1, -1);
	CHECK_STR(g->name, "Both");
	g = gpu_table_find_pci(&t, 0xabcd, 0x0001, 0x1111, 0x2222, -1);
	CHECK_STR(g->name, "Both");
	g = gpu_table_find_pci(&t, 0xabcd, 0x0001, 0x1111, 0x2222, 0x0a);
	CHECK_STR(g->name, "Sub");
	g = gpu_table_find_pci(&t, 0xabcd, 0x0001, 0x3333, 0x4444, 0x0a);
	CHECK_STR(g->name, "Rev");
	g = gpu_table_find_pci(&t, 0xabcd, 0x0001, 0x3333, 0x4444, 0x0c);
	CHECK_STR(g->name, "Small");
	CHECK(gpu_table_find_pci(&t, 0xabcd, 0x0002, -1, -1, -1) == NULL);
	gpu_table_release(&t);
}

static void name_words(void)
{
	struct gpu_table t;
	struct error err = { "" };
	const struct gpu_spec *g = NULL;

	if (!CHECK_INT(load_text(
		ENTRY("X100 SXM5 80GB", "[]", "81920") ","
		ENTRY("X100 PCIe 80GB", "[]", "81920") ","
		ENTRY("Card 7", "[]", "null") ","
		ENTRY("Card 7 Pro", "[]", "null") ","
		ENTRY("Card 7 XT", "[]", "null") ","
		ENTRY("Card 7 XTX", "[]", "null"),
		&t, &err), 0)) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	/* digits may extend letters, letters may extend digits */
	CHECK_INT(gpu_table_find_name(&t, "x100 sxm", &g, &err), 0);
	CHECK_STR(g->name, "X100 SXM5 80GB");
	CHECK_INT(gpu_table_find_name(&t, "x100 pcie 80", &g, &err), 0);
	CHECK_STR(g->name, "X100 PCIe 80GB");
	/* but a letter does not extend a letter word: "x" is not "xt" */
	CHECK_INT(gpu_table_find_name(&t, "card 7 x", &g, &err), -1);
	CHECK_CONTAINS(err.msg, "unknown GPU 'card 7 x'");
	/* words equal to the query win; exact words beat extended ones */
	CHECK_INT(gpu_table_find_name(&t, "CARD 7", &g, &err), 0);
	CHECK_STR(g->name, "Card 7");
	CHECK_INT(gpu_table_find_name(&t, "7 xt", &g, &err), 0);
	CHECK_STR(g->name, "Card 7 XT");
	CHECK_INT(gpu_table_find_name(&t, "x100", &g, &err), -1);
	CHECK_STR(err.msg, "ambiguous GPU 'x100': candidates: "
		  "X100 SXM5 80GB, X100 PCIe 80GB");
	CHECK_INT(gpu_table_find_name(&t, "card", &g, &err), -1);
	CHECK_STR(err.msg, "ambiguous GPU 'card': candidates: "
		  "Card 7, Card 7 Pro, Card 7 XT, Card 7 XTX");
	gpu_table_release(&t);
}

/* A table with these entries must be refused with a message holding want,
 * and the table left empty. */
static void check_refused(const char *entries, const char *want)
{
	struct gpu_table t = { NULL, 99 };
	struct error err = { "" };

	CHECK_INT(load_text(entries, &t, &err), -1);
	CHECK_CONTAINS(err.msg, "/gpus.json: ");
	CHECK_CONTAINS(err.msg, want);
	CHECK(t.specs == NULL);
	CHECK_INT(t.count, 0);
}

static void broken_tables(void)
{
#define OK_ENTRY ENTRY("Fine", "[\"10de:2684\"]", "1024")
	const char *ok = OK_ENTRY;
	char two[2048];

	check_refused(ENTRY("Card", "[\"10de:2684\"]", "-5"),
		      "gpus[0] (Card): vram_mib: must be a whole number of MiB from 1 MiB to 16 TiB, or null");
	check_refused(ENTRY("Card", "[\"10de:2684\"]", "1.5"),
		      "gpus[0] (Card): vram_mib: must be a whole number of MiB from 1 MiB to 16 TiB, or null");
	check_refused(ENTRY("Card", "[\"10de:2684\"]", "\"24\""),
		      "gpus[0] (Card): vram_mib: must be a whole number of MiB from 1 MiB to 16 TiB, or null");
	check_refused(ENTRY("Card", "[\"10de:268\"]", "1024"),
		      "gpus[0] (Card): pci_ids: each must read");
	check_refused(ENTRY("Card", "[\"10de:2684 rev 1\"]", "1024"),
		      "gpus[0] (Card): pci_ids: each must read");
	check_refused(ENTRY("Card", "[\"10de:2684 sub 1:2\"]", "1024"),
		      "gpus[0] (Card): pci_ids: each must read");
	check_refused(ENTRY("Card", "\"10de:2684\"", "1024"),
		      "gpus[0] (Card): pci_ids: must be an array of strings");
	snprintf(two, sizeof(two), "%s,%s", ok, ok);
	check_refused(two, "gpus[1] (Fine): name: duplicate of gpus[0]");
	snprintf(two, sizeof(two), "%s,%s", ok,
		 "{\"name\":\"NoSource\",\"vendor\":\"nvidia\",\"pci_ids\":[],"
		 "\"vram_mib\":null,\"memory_type\":\"GDDR6\","
		 "\"bus_width_bits\":null,\"bandwidth_gbps\":1,"
		 "\"fp16_tflops\":null,\"tdp_w\":null,\"unified_memory\":true,"
		 "\"form\":\"soc\",\"pcie\":null}");
	check_refused(two, "gpus[1] (NoSource): source: must be a non-empty string");
	check_refused("{\"vendor\":\"nvidia\"}", "gpus[0]: name: must be a non-empty string");
	check_refused("42", "gpus[0]: must be an object");
	check_refused(OK_ENTRY "," "{\"name\":\"Bad\",\"vendor\":\"matrox\"}",
		      "gpus[1] (Bad): vendor: unknown value");
	check_refused("{\"name\":\"T\",\"vendor\":\"amd\",\"pci_ids\":[],"
		      "\"vram_mib\":1,\"bus_width_bits\":1,\"bandwidth_gbps\":0}",
		      "gpus[0] (T): bandwidth_gbps: must be a number from 1 to 100000 GB/s");
	/* Physical limits, the same as a --hw profile's: 1e-300 GB/s, a
	 * petabyte card, a 1 MW board and a $0 price describe no GPU. */
	check_refused("{\"name\":\"T\",\"vendor\":\"amd\",\"pci_ids\":[],"
		      "\"vram_mib\":1,\"bus_width_bits\":1,\"bandwidth_gbps\":1e-300}",
		      "gpus[0] (T): bandwidth_gbps: must be a number from 1 to 100000 GB/s");
	check_refused(ENTRY("Card", "[\"10de:2684\"]", "1073741824"),
		      "gpus[0] (Card): vram_mib: must be a whole number of MiB from 1 MiB to 16 TiB, or null");
	check_refused("{\"name\":\"T\",\"vendor\":\"amd\",\"pci_ids\":[],"
		      "\"vram_mib\":1,\"bus_width_bits\":1,\"bandwidth_gbps\":1,"
		      "\"fp16_tflops\":1,\"tdp_w\":1000000}",
		      "gpus[0] (T): tdp_w: must be a number from 1 to 10000 W, or null");
	check_refused("{\"name\":\"T\",\"vendor\":\"amd\",\"pci_ids\":[],"
		      "\"vram_mib\":1,\"bus_width_bits\":1,\"bandwidth_gbps\":1,"
		      "\"fp16_tflops\":1e9,\"tdp_w\":1}",
		      "gpus[0] (T): fp16_tflops: must be a number from 0.01 to 100000 TFLOPS, or null");
	check_refused("{\"name\":\"T\",\"vendor\":\"amd\",\"pci_ids\":[],"
		      "\"vram_mib\":1,\"bus_width_bits\":1,\"bandwidth_gbps\":1,"
		      "\"fp16_tflops\":1,\"tdp_w\":1,\"memory_type\":\"x\","
		      "\"unified_memory\":false,\"form\":\"desktop\",\"pcie\":null,"
		      "\"price_usd\":0}",
		      "gpus[0] (T): price_usd: must be a number from 10 to 1000000 USD, or null");
	check_refused("{\"name\":\"T\",\"vendor\":\"amd\",\"pci_ids\":[],"
		      "\"vram_mib\":1,\"bus_width_bits\":1,\"bandwidth_gbps\":1,"
		      "\"fp16_tflops\":1,\"tdp_w\":1,\"memory_type\":\"x\","
		      "\"unified_memory\":\"no\"}",
		      "gpus[0] (T): unified_memory: must be true or false");
	check_refused("{\"name\":\"T\",\"vendor\":\"amd\",\"pci_ids\":[],"
		      "\"vram_mib\":1,\"bus_width_bits\":1,\"bandwidth_gbps\":1,"
		      "\"fp16_tflops\":1,\"tdp_w\":1,\"memory_type\":\"x\","
		      "\"unified_memory\":false,\"form\":\"phone\"}",
		      "gpus[0] (T): form: unknown value");
	check_refused("{\"name\":\"T\",\"vendor\":\"amd\",\"pci_ids\":[],"
		      "\"vram_mib\":1,\"bus_width_bits\":1,\"bandwidth_gbps\":1,"
		      "\"fp16_tflops\":1,\"tdp_w\":1,\"memory_type\":\"x\","
		      "\"unified_memory\":false,\"form\":\"soc\",\"pcie\":\"x16\"}",
		      "gpus[0] (T): pcie: must read \"G.0 xW\" or be null");
}

static void broken_files(void)
{
	char path[512];
	struct gpu_table t;
	struct error err = { "" };

	snprintf(path, sizeof(path), "%s/bad.json", test_tmpdir());
	write_text(path, "{\"schema_version\":1,\n\"gpus\":[\n{,]}");
	CHECK_INT(gpu_table_load(path, &t, &err), -1);
	CHECK_CONTAINS(err.msg, "bad.json: line 3: not valid JSON");
	write_text(path, "{\"schema_version\":2,\"gpus\":[]}");
	CHECK_INT(gpu_table_load(path, &t, &err), -1);
	CHECK_CONTAINS(err.msg, "bad.json: schema_version: must be 1");
	write_text(path, "{\"schema_version\":1,\"gpus\":{}}");
	CHECK_INT(gpu_table_load(path, &t, &err), -1);
	CHECK_CONTAINS(err.msg, "bad.json: gpus: must be an array");
	snprintf(path, sizeof(path), "%s/missing.json", test_tmpdir());
	CHECK_INT(gpu_table_load(path, &t, &err), -1);
	CHECK_CONTAINS(err.msg, "missing.json");
	/* unknown extra fields are accepted (forward compatibility) */
	CHECK_INT(load_text(ENTRY("Card", "[]", "null") ",{\"name\":\"New\","
			    "\"vendor\":\"intel\",\"pci_ids\":[\"8086:e20b\"],"
			    "\"vram_mib\":12288,\"memory_type\":\"GDDR6\","
			    "\"bus_width_bits\":192,\"bandwidth_gbps\":456,"
			    "\"fp16_tflops\":null,\"tdp_w\":190,"
			    "\"unified_memory\":false,\"form\":\"desktop\","
			    "\"pcie\":\"4.0 x8\",\"source\":\"s\",\"future\":[1]}",
			    &t, &err), 0);
	CHECK_INT(t.count, 2);
	CHECK_INT(t.specs[1].pcie_width, 8);
	CHECK_INT(t.specs[1].vram_bytes, 12 * GIB);
	gpu_table_release(&t);
}

/* The datasheet memory of a card, typed after its name, picks it:
 * RTX 3090, 4090 and Tesla P40 24 GB, A40 48 GB, RTX 3080 10 GB (its 12 GB
 * variant is another entry), RTX 3060 12 GB (its 8 GB variant too). */
static void sized(const char *query, const char *name, int64_t memory_bytes, bool noted)
{
	struct gpu_sized out;
	struct error err;

	if (!CHECK(gpu_table_find_sized(real_table(), query, &out, &err) == 0)) {
		fprintf(stderr, "  %s: %s\n", query, err.msg);
		return;
	}
	CHECK_STR(out.spec->name, name);
	CHECK_INT(out.memory_bytes, memory_bytes);
	CHECK_INT(out.note[0] != '\0', noted);
}

static void memory_size_words(void)
{
	struct gpu_sized out;
	struct error err;

	sized("RTX 3090 24GB", "GeForce RTX 3090", HW_UNKNOWN, false);
	sized("Tesla P40 24GB", "Tesla P40", HW_UNKNOWN, false);
	sized("A40 48GB", "A40", HW_UNKNOWN, false);
	sized("RTX 4090 24GB", "GeForce RTX 4090", HW_UNKNOWN, false);
	sized("RTX 3080 10GB", "GeForce RTX 3080", HW_UNKNOWN, false);
	sized("RTX 3080 12GB", "GeForce RTX 3080 12GB", HW_UNKNOWN, false);
	sized("rtx 3060 12 gb", "GeForce RTX 3060", HW_UNKNOWN, false);
	sized("RTX 3060 8G", "GeForce RTX 3060 8GB", HW_UNKNOWN, false);
	CHECK_INT(real_table()->specs[gpu_table_index(real_table(), by_name("RTX 3080"))].vram_bytes,
		  10 * GIB);
	/* unified memory: the size is the machine's memory; of two core
	 * variants the slower is taken, with a note */
	sized("M1 Max 64GB", "M1 Max 24-core", 64 * GIB, true);
	sized("M3 Ultra 512GB", "M3 Ultra 60-core", 512 * GIB, true);
	sized("M2 Max 38-core 96GB", "M2 Max 38-core", 96 * GIB, false);
	/* a size no variant has */
	CHECK_INT(gpu_table_find_sized(real_table(), "RTX 4090 48GB", &out, &err), -1);
	CHECK_CONTAINS(err.msg, "GPU 'RTX 4090 48GB': no variant has that memory; the table has "
		       "GeForce RTX 4090 24 GB, GeForce RTX 4090 D 24 GB, GeForce RTX 4090 Laptop 16 GB");
	CHECK_INT(gpu_table_find_sized(real_table(), "RTX 3090 24GB 48GB", &out, &err), -1);
	CHECK_CONTAINS(err.msg, "more than one memory size");
	CHECK_INT(gpu_table_find_sized(real_table(), "V100 32GB", &out, &err), -1);
	CHECK_CONTAINS(err.msg, "ambiguous GPU 'V100 32GB'");
}

TESTS(T(memory_size_words), T(real_table_is_large_and_sane), T(real_values), T(find_pci),
      T(find_name_resolves), T(every_name_resolves_to_itself),
      T(find_name_errors), T(pci_qualifiers),
      T(name_words), T(broken_tables), T(broken_files));
