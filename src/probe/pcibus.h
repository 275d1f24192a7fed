/* pcibus.h - the display and accelerator functions on the PCI bus, read in
 * process through libpci (never by running lspci).
 *
 * Source: the live bus through <sysroot>/sys/bus/pci, or an `lspci -xxxx`
 * dump. libpci is not allowed to exit the process: its error callback jumps
 * back here, so a broken dump becomes -1 with err (or a warning when the
 * devices read before the fault are usable). Names come from
 * <sysroot>/usr/share/misc/pci.ids when that file exists, else the system's.
 *
 * Nothing here allocates beyond the call; the caller owns `out`.
 */
#ifndef CANIRUN_PCIBUS_H
#define CANIRUN_PCIBUS_H

#include <stddef.h>

#include "util/errors.h"
#include "hw/hw.h"

struct pci_function {
	char bus_id[20];            /* "0000:01:00.0" */
	int domain, bus, dev, func;
	int vendor_id, device_id;
	int subvendor_id, subdevice_id; /* HW_UNKNOWN when not reported */
	int revision;
	int class_code;             /* base class << 8 | subclass: 0x0300, 0x0302, 0x1200 */
	char ids_name[HW_NAME_MAX]; /* pci.ids device name, "AD102 [GeForce RTX 4090]"; "" */
	struct pcie_link link;      /* from the PCI Express capability when the
				     * config space holds it (SRC_PCI_CONFIG),
				     * else all unknown */
};

struct pcibus_source {
	const char *sysroot;        /* NULL or "" = / */
	const char *dump_path;      /* non-NULL: read this dump instead of the bus */
};

/* Fills out[0..*count) with the functions of PCI base class 0x03 (display)
 * and 0x12 (processing accelerators), sorted by bus address. At most max are
 * kept (a warning says so). Returns 0; -1 with err only when a dump cannot
 * be read or yields no device at all. A missing live bus is a warning. */
int pcibus_scan(const struct pcibus_source *src, struct pci_function *out,
		int max, int *count, struct warnings *w, struct error *err);

/* The marketing part of a pci.ids device name: the text inside its last
 * [...] ("AD102 [GeForce RTX 4090]" -> "GeForce RTX 4090"), else the name
 * itself. */
void pcibus_marketing_name(const char *ids_name, char *out, size_t size);

#endif
