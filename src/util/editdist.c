#include "util/editdist.h"

#include <ctype.h>
#include <string.h>

/* One row of the dynamic-programming table, updated in place. */
int edit_distance(const char *a, const char *b)
{
	int row[EDIT_DISTANCE_MAX_LEN + 1];
	size_t la = strnlen(a, EDIT_DISTANCE_MAX_LEN), lb = strnlen(b, EDIT_DISTANCE_MAX_LEN);

	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];

		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
			int best = diag + !same;

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}
