/* table.h - the table of estimates the report prints and the browser shows:
 * which estimates are visible (filters), in what order (sort), which one is
 * selected and which are on screen (cursor, scroll), and which columns fit a
 * terminal width (layout). Plain state, no terminal calls, so both faces
 * share it and tests drive it directly.
 *
 * Ownership: the estimates are borrowed (the caller's lineup keeps them
 * alive and may change them in place, then calls rows_apply); the visible
 * order is owned and freed by rows_release.
 */
#ifndef CANIRUN_TABLE_H
#define CANIRUN_TABLE_H

#include <stdbool.h>

#include "ui/figures.h"
#include "estimate/estimate.h"

enum sort_key { SORT_FIT, SORT_SPEED, SORT_SIZE, SORT_PARAMS, SORT_NAME, SORT_COUNT };

/* "fit", "speed", "size", "params", "name" (the one sort name table: --sort
 * is checked with it); parse is case-insensitive: 0, or -1 if unknown. */
const char *sort_key_name(enum sort_key k);
int sort_key_parse(const char *name, enum sort_key *out);

#define ROWS_SEARCH_MAX 64

struct rows_filter {
	bool fits_only;             /* hide placement "none" */
	unsigned task;              /* enum model_task bit; 0: every task */
	double min_tok_s;           /* hide slower (and unknown) speeds; 0: off */
	char search[ROWS_SEARCH_MAX]; /* case-insensitive in id, name, aliases */
};

struct rows {
	const struct estimate *items;   /* borrowed */
	int item_count;
	int *order;                     /* visible items' indices, sorted; owned */
	int count;                      /* visible */
	enum sort_key sort;
	struct rows_filter filter;
	int cursor;                     /* index into order; 0 when empty */
	int top;                        /* first visible row on screen */
};

/* Starts with every item visible in SORT_FIT order. 0, or -1 out of memory. */
int rows_init(struct rows *r, const struct estimate *items, int count);
void rows_release(struct rows *r);

/* Points at a new array of items (a rebuilt lineup), keeping sort, filters
 * and, when its model is still visible, the selected model. 0, or -1 out
 * of memory (r keeps its old items then). */
int rows_set_items(struct rows *r, const struct estimate *items, int count);

/* Recomputes the visible order after the filter, the sort or the items
 * changed; the selected item stays selected when still visible. */
void rows_apply(struct rows *r);

/* The selected estimate and its index in items; NULL / -1 when none. */
const struct estimate *rows_selected(const struct rows *r);
int rows_selected_item(const struct rows *r);

/* Cursor moves, clamped to the visible rows; then rows_scroll keeps the
 * cursor on a screen of `height` rows. */
void rows_move(struct rows *r, int delta);
void rows_go(struct rows *r, int position);  /* < 0: the last row */
void rows_scroll(struct rows *r, int height);

/* The next sort key / task filter in the browser's cycle (task: 0, chat,
 * code, reasoning, embedding, vision, tools, 0 again). */
enum sort_key rows_next_sort(enum sort_key k);
unsigned rows_next_task(unsigned task);

/* Columns that fit `width` terminal cells, less the hidden ones: the model
 * column elided to 20 cells first, then load, TTFT, file size and params
 * dropped, in that order, then the model elided to 10 cells, then memory
 * and placement dropped. Columns are separated by ROWS_GAP spaces. */
#define ROWS_GAP 2
struct rows_layout {
	int count;                      /* columns shown */
	enum column cols[COL_COUNT];    /* in display order */
	int width[COL_COUNT];           /* by enum column; 0 when dropped */
	int total;                      /* cells used */
};
void rows_layout(const struct rows *r, int width, unsigned hidden, struct rows_layout *out);
/* For `hidden`: columns a table leaves out (one model's quants: no model, params). */
#define ROWS_HIDE(c) (1u << (c))

/* One table line for e (NULL: the headings) under layout: each column
 * padded to its width (numbers right-aligned), long text elided, no
 * trailing spaces. Returns buf. */
const char *rows_format_line(const struct rows_layout *l, const struct estimate *e,
			     char *buf, int size);
/* Where column c starts in such a line; -1 when it is not shown. */
int rows_column_offset(const struct rows_layout *l, enum column c);

/* Text fitted to width cells: cut with a trailing '~' when too long. */
void rows_fit_text(const char *text, int width, char *buf, int size);

#endif
