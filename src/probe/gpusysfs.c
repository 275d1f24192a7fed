#include "probe/gpusysfs.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/numparse.h"
#include "util/sysfile.h"

int gpusysfs_path(char *out, size_t size, const char *bus_id, const char *file)
{
	int n = snprintf(out, size, "/sys/bus/pci/devices/%s/%s", bus_id, file);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

void gpusysfs_driver(const char *sysroot, const char *bus_id, char *out,
		     size_t size)
{
	char rel[HW_PATH_MAX], full[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	out[0] = '\0';
	if (gpusysfs_path(rel, sizeof(rel), bus_id, "driver") < 0 ||
	    fs_path(full, sizeof(full), sysroot, rel) < 0)
		return;
	n = readlink(full, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(out, size, "%s", base ? base + 1 : target);
}

/* Link speeds as the kernel writes them ("2.5 GT/s PCIe" ... "64.0 GT/s
 * PCIe", pci_speed_string() in drivers/pci/probe.c) and the PCIe generation
 * that introduced each rate. */
static const struct {
	double gtps;
	int gen;
} speed_gens[] = {
	{ 2.5, 1 }, { 5.0, 2 }, { 8.0, 3 }, { 16.0, 4 }, { 32.0, 5 }, { 64.0, 6 },
};

static int speed_to_gen(const char *text)
{
	char number[16];
	double gtps;

	if (sscanf(text, "%15s", number) != 1 || parse_double(number, &gtps) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(speed_gens) / sizeof(speed_gens[0]); i++)
		if (fabs(gtps - speed_gens[i].gtps) < 0.05)
			return speed_gens[i].gen;
	return -1;
}

/* Reads one link file into *out: 0 when known; missing or "Unknown" leaves
 * it unknown silently, anything else unreadable adds a warning. */
static int read_link_value(const char *sysroot, const char *bus_id,
			   const char *file, bool is_speed, int *out,
			   struct warnings *w)
{
	char rel[HW_PATH_MAX], text[64];
	int v;

	if (gpusysfs_path(rel, sizeof(rel), bus_id, file) < 0 ||
	    fs_read_text(sysroot, rel, text, sizeof(text)) < 0 ||
	    strcmp(text, "Unknown") == 0)
		return -1;
	v = is_speed ? speed_to_gen(text) : -1;
	if (!is_speed && parse_int(text, 0, 32, &v) < 0)
		v = -1;
	if (v == 0) /* a link that is down has no width */
		return -1;
	if (v < 0) {
		warn_add(w, "%s%s: not a PCIe link %s: '%.32s'", sysroot ? sysroot : "",
			 rel, is_speed ? "speed" : "width", text);
		return -1;
	}
	*out = v;
	return 0;
}

void gpusysfs_link(const char *sysroot, const char *bus_id,
		   struct pcie_link *link, struct warnings *w)
{
	struct pcie_link l = { HW_UNKNOWN, HW_UNKNOWN, HW_UNKNOWN, HW_UNKNOWN,
			       SRC_SYSFS };
	int known = 0;

	known += read_link_value(sysroot, bus_id, "max_link_speed", true, &l.max_gen, w) == 0;
	known += read_link_value(sysroot, bus_id, "max_link_width", false, &l.max_width, w) == 0;
	known += read_link_value(sysroot, bus_id, "current_link_speed", true, &l.gen, w) == 0;
	known += read_link_value(sysroot, bus_id, "current_link_width", false, &l.width, w) == 0;
	if (known)
		*link = l;
}
