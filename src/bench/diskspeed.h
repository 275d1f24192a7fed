/* diskspeed.h - sequential read speed of the disk under a directory, for
 * model load time estimates.
 */
#ifndef CANIRUN_DISKSPEED_H
#define CANIRUN_DISKSPEED_H

#include <stdbool.h>

#include "util/errors.h"

/* Writes a temporary file of size_mb MiB in dir (synced to the disk), then
 * reads it back sequentially, with O_DIRECT and aligned buffers where the
 * filesystem allows, else buffered after dropping its pages from the cache
 * (posix_fadvise DONTNEED). *gbps gets 1e9 bytes per second, *direct
 * whether O_DIRECT was used. The file is removed before the read starts,
 * whatever happens. Returns 0, or -1 with err naming the file. */
int disk_read_test(const char *dir, int size_mb, double *gbps, bool *direct,
		   struct error *err);

#endif
