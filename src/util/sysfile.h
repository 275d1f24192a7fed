/* sysfile.h - bounded reads of /proc- and /sys-style files, optionally below
 * a sysroot (the --sysroot test hook). Numbers in them: util/numparse.h.
 *
 * root may be NULL or "" for the real filesystem; path is absolute.
 * No function here allocates unless it says so.
 */
#ifndef CANIRUN_SYSFILE_H
#define CANIRUN_SYSFILE_H

#include <stddef.h>
#include <stdint.h>

#include "util/errors.h"

/* Writes root+path into out. Returns 0, or -1 when it does not fit. */
int fs_path(char *out, size_t out_size, const char *root, const char *path);

/* Reads a small text file into buf (NUL-terminated, trailing whitespace
 * stripped). Returns the length, or -1 (errno set) when it cannot be read. */
int fs_read_text(const char *root, const char *path, char *buf, size_t size);

/* Reads a file holding one unsigned integer (decimal, or hex with 0x).
 * Returns 0 and sets *out; -1 when the file is missing (silently) or its
 * content is not a number (then a warning naming the file goes to w). */
int fs_read_u64(const char *root, const char *path, uint64_t *out,
		struct warnings *w);

/* Reads a whole file of at most max_bytes into a malloc'd NUL-terminated
 * buffer the caller frees; *len gets its length. NULL and err filled on
 * failure ("<path>: <why>"). path is used as given (no root). */
char *fs_read_all(const char *path, size_t max_bytes, size_t *len,
		  struct error *err);

#endif
