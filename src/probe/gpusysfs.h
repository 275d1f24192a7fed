/* gpusysfs.h - what Linux sysfs says about one PCI function:
 * <sysroot>/sys/bus/pci/devices/<bus>/{driver, *_link_speed, *_link_width}.
 *
 * Missing files leave facts unknown silently; unreadable values leave them
 * unknown with a warning naming the file.
 */
#ifndef CANIRUN_GPUSYSFS_H
#define CANIRUN_GPUSYSFS_H

#include <stddef.h>

#include "util/errors.h"
#include "hw/hw.h"

/* "/sys/bus/pci/devices/<bus_id>/<file>" (below the sysroot) into out.
 * Returns 0, or -1 when it does not fit. */
int gpusysfs_path(char *out, size_t size, const char *bus_id, const char *file);

/* The kernel driver bound to bus_id (basename of its driver symlink) into
 * out; "" when none. */
void gpusysfs_driver(const char *sysroot, const char *bus_id, char *out,
		     size_t size);

/* Fills link from max_link_speed ("16.0 GT/s PCIe"), max_link_width,
 * current_link_speed and current_link_width; source SRC_SYSFS when any
 * part is known, else link is left untouched. */
void gpusysfs_link(const char *sysroot, const char *bus_id,
		   struct pcie_link *link, struct warnings *w);

#endif
