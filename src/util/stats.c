/* stats.c - medians. */
#include "util/stats.h"

#include <stdlib.h>

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double median_in_place(double *v, int count)
{
	qsort(v, (size_t)count, sizeof(v[0]), compare_doubles);
	return count % 2 ? v[count / 2] : (v[count / 2 - 1] + v[count / 2]) / 2;
}
