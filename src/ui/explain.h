/* explain.h - one model explained, as `canirun show` prints it and the
 * browser's detail pane shows it: a table of its quantizations, then for
 * the chosen one the memory parts, the placement per device, and each speed
 * and time with the inputs the estimator used and the formula in words.
 *
 * Text only, written to a stream (stdout, or a memory stream the browser
 * reads back line by line); no figure is computed here, each is quoted from
 * struct estimate, struct fit and struct hardware.
 */
#ifndef CANIRUN_EXPLAIN_H
#define CANIRUN_EXPLAIN_H

#include <stdio.h>

#include "estimate/estimate.h"
#include "hw/hw.h"

struct detail {
	const struct hardware *hw;
	const struct estimate_settings *set;
	const struct estimate *quants;  /* the model at several file types */
	int quant_count;
	const struct estimate *chosen;  /* explained in full; marked in the table */
	int width;                      /* columns the table may use */
};

void detail_write(FILE *out, const struct detail *d);

/* The explanation of the chosen estimate alone (memory, placement, speed,
 * times, fits when idle), without the header and the quant table. */
void detail_explain(FILE *out, const struct detail *d);

#endif
