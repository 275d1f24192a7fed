/* hwtext.h - `canirun hw` as text: every fact with where it came from. */
#ifndef CANIRUN_HWTEXT_H
#define CANIRUN_HWTEXT_H

#include <stdio.h>

#include "hw/hw.h"

/* Writes the hardware picture to out, lines of at most ~100 columns. */
void hw_print(FILE *out, const struct hardware *hw);

#endif
