/* numparse.h - strict number parsing for text from files, the command line
 * and the environment. Nothing here allocates or reads files. */
#ifndef CANIRUN_NUMPARSE_H
#define CANIRUN_NUMPARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Strict parsers: the whole string (leading/trailing blanks allowed) must be
 * the number. Return 0, or -1 on anything else (overflow included). */
/* Decimal, or hex with a 0x prefix (sysfs ids); no sign, no octal. */
int parse_u64(const char *s, uint64_t *out);
int parse_int(const char *s, int min, int max, int *out);
/* Finite values only: "inf", "nan" and out-of-range exponents fail. */
int parse_double(const char *s, double *out);

/* A physical limit: the range a quantity may take where data enters (a
 * file, an option, sysfs), and how messages state it ("1 to 100000 GB/s").
 * Zero and absurd values are refused with the range rather than turned
 * into "0.0 tok/s" downstream. */
struct value_limit {
	double min, max;
	const char *text;
};

/* Whether v lies in lim, bounds included (NaN never does). */
bool value_in_limit(double v, const struct value_limit *lim);

#endif
