#include "util/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

static int unit_shift(const char *unit)
{
	static const struct { const char *name; int shift; } units[] = {
		{ "K", 10 }, { "KB", 10 }, { "KIB", 10 },
		{ "M", 20 }, { "MB", 20 }, { "MIB", 20 },
		{ "G", 30 }, { "GB", 30 }, { "GIB", 30 },
		{ "T", 40 }, { "TB", 40 }, { "TIB", 40 },
	};

	while (isspace((unsigned char)*unit))
		unit++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcasecmp(unit, units[i].name) == 0)
			return units[i].shift;
	return -1;
}

int parse_size(const char *text, int64_t *bytes)
{
	char *end;
	double value;
	int shift;

	errno = 0;
	value = strtod(text, &end);
	if (errno || end == text || !isfinite(value) || value <= 0)
		return -1;
	shift = unit_shift(end);
	if (shift < 0 || value * ldexp(1.0, shift) >= 9.0e18)
		return -1;
	*bytes = (int64_t)llround(value * ldexp(1.0, shift));
	return 0;
}

const char *format_bytes(char *buf, size_t size, int64_t bytes)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double value = (double)bytes;
	int i = 0;

	if (bytes < 0) {
		snprintf(buf, size, "?");
		return buf;
	}
	while (value >= 1024 && i < 4) {
		value /= 1024;
		i++;
	}
	if (i == 0 || value >= 100)
		snprintf(buf, size, "%.0f %s", value, names[i]);
	else
		snprintf(buf, size, "%.1f %s", value, names[i]);
	return buf;
}
