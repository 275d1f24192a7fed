/* units.h - sizes and rates as people write them. */
#ifndef CANIRUN_UNITS_H
#define CANIRUN_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Parses "64G", "512M", "1.5T", "24GiB", "8192MB" (binary units: K=KiB,
 * M=MiB, G=GiB, T=TiB; a unit is required). Returns 0, or -1. */
int parse_size(const char *text, int64_t *bytes);

/* "23.4 GiB", "512 MiB", "0 B"; "?" for a negative (unknown) value.
 * Returns buf. */
const char *format_bytes(char *buf, size_t size, int64_t bytes);

#define GIB ((int64_t)1 << 30)
#define MIB ((int64_t)1 << 20)
#define KIB ((int64_t)1 << 10)

#endif
