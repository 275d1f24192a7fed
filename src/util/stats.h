/* stats.h - the order statistics several layers take of their samples. */
#ifndef CANIRUN_STATS_H
#define CANIRUN_STATS_H

/* The median of v[0..count-1], which it sorts in place; count > 0. The
 * mean of the middle two when count is even. */
double median_in_place(double *v, int count);

#endif
