/* atomicfile.h - a whole file written so that a reader never sees half of it:
 * the folders above it made as needed, the text written to a temporary
 * file beside it, synced, then renamed over it. */
#ifndef CANIRUN_ATOMICFILE_H
#define CANIRUN_ATOMICFILE_H

#include "util/errors.h"

/* Writes text to path. 0, or -1 with err "<path>: why" (the temporary
 * file is removed then). */
int file_write_atomic(const char *path, const char *text, struct error *err);

#endif
