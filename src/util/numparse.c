#include "util/numparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

static int only_blanks(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	const char *digits;
	char *end;
	int base = 10;

	while (isspace((unsigned char)*s))
		s++;
	/* Decimal, or hex with 0x; never octal: a leading zero ("010") is ten. */
	digits = s;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = s + 2;
		base = 16;
	}
	/* strtoull would take a sign or blanks here */
	if (base == 16 ? !isxdigit((unsigned char)*digits) : !isdigit((unsigned char)*digits))
		return -1;
	errno = 0;
	v = strtoull(digits, &end, base);
	if (errno || end == digits || !only_blanks(end))
		return -1;
	*out = v;
	return 0;
}

int parse_int(const char *s, int min, int max, int *out)
{
	long v;
	char *end;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || !only_blanks(end) || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int parse_double(const char *s, double *out)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !only_blanks(end) || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

bool value_in_limit(double v, const struct value_limit *lim)
{
	return v >= lim->min && v <= lim->max;
}
