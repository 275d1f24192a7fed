/* reportview.h - what the report and the browser start from: the lineup the
 * command line asks for (models named or all; --quant, --all) and a rows
 * table over it with --sort, --fits, --task and --min-tps applied. */
#ifndef CANIRUN_REPORTVIEW_H
#define CANIRUN_REPORTVIEW_H

#include "cmd/app.h"
#include "estimate/lineup.h"
#include "ui/table.h"

/* Fills lineup and rows (both released by listing_release). Local-store
 * files that could not be read are appended to w (may be NULL); printing
 * them is the caller's. 0, or -1 with err (an unknown model, an unknown
 * --quant, out of memory). Prints nothing. */
int listing_build(const struct app *app, const struct estimate_settings *set,
		  struct lineup *lineup, struct rows *rows, struct warnings *w,
		  struct error *err);
/* The same lineup at other settings (the browser's + and -): rows keep
 * their sort, filters and selected model; the warnings listing_build gave
 * are not repeated. On failure (-1 with err) lineup and rows are unchanged. */
int listing_rebuild(const struct app *app, const struct estimate_settings *set,
		    struct lineup *lineup, struct rows *rows, struct error *err);
void listing_release(struct lineup *lineup, struct rows *rows);

#endif
