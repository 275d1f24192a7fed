/* numparse.h - strict number parsing for text from files, the command line
 * and the environment. Nothing here allocates or reads files. */
#ifndef CANIRUN_NUMPARSE_H
#define CANIRUN_NUMPARSE_H

#include <stdint.h>

/* Strict parsers: the whole string (leading/trailing blanks allowed) must be
 * the number. Return 0, or -1 on anything else (overflow included). */
/* Decimal, or hex with a 0x prefix (sysfs ids); no sign, no octal. */
int parse_u64(const char *s, uint64_t *out);
int parse_int(const char *s, int min, int max, int *out);
/* Finite values only: "inf", "nan" and out-of-range exponents fail. */
int parse_double(const char *s, double *out);

#endif
