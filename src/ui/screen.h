/* screen.h - the browser's screen: draws the rows state into a curses window
 * and turns keys into changes of that state. Whatever needs the estimator
 * (another quantization, another context, the detail of a model) comes back
 * as an action for cmd_browse, which owns the terminal and the lineup.
 *
 * Drawing reads struct rows and struct tui only (and moves rows->top so the
 * cursor is on screen). Text is ASCII unless utf8 is set (block bars);
 * colour pairs are used only when color is set (after start_color).
 */
#ifndef CANIRUN_SCREEN_H
#define CANIRUN_SCREEN_H

#include <stdbool.h>
#include <curses.h>

#include "decide/plan.h"
#include "estimate/estimate.h"
#include "hw/hw.h"
#include "ui/table.h"

/* Smallest screen the browser draws in; below it says so. */
#define TUI_MIN_COLS 40
#define TUI_MIN_LINES 8

enum tui_mode { TUI_TABLE, TUI_SEARCH, TUI_DETAIL, TUI_HELP, TUI_PLAN };

enum tui_action {
	TUI_NONE, TUI_QUIT,
	TUI_QUANT_PREV, TUI_QUANT_NEXT,     /* [ ]: the selected model at another type */
	TUI_CTX_UP, TUI_CTX_DOWN,           /* + -: double / halve the context */
	TUI_OPEN_DETAIL,                    /* Enter: cmd_browse calls tui_open_detail */
	TUI_OPEN_PLAN,                      /* p: cmd_browse builds the plan, tui_open_plan */
};

struct tui {
	struct rows *rows;                  /* borrowed */
	const struct hardware *hw;          /* borrowed */
	const struct estimate_settings *set;/* borrowed */
	enum tui_mode mode;
	bool utf8, color;
	char *detail;                       /* owned: the detail (or plan) pane's text */
	const struct plan *plan;            /* borrowed: the plan pane's plan */
	const struct estimate *detail_of;   /* the estimate it explains */
	int detail_top;                     /* first line shown */
	char message[160];                  /* shown in the status line once */
};

/* Colour pairs for the verdicts; call after start_color(). */
void tui_init_colors(void);

/* One frame: erase, draw, and refresh w once. */
void tui_draw(WINDOW *w, struct tui *t);

/* Applies key (a curses key code; KEY_MOUSE reads the event) to the state
 * of a screen `lines` tall. */
enum tui_action tui_key(struct tui *t, int key, int lines);

/* Opens the detail pane on the selected estimate e, with quants (the model
 * at each default type) for its table, laid out for `cols` columns. 0, or
 * -1 out of memory. */
int tui_open_detail(struct tui *t, const struct estimate *e, const struct estimate *quants,
		    int quant_count, int cols);
void tui_close_detail(struct tui *t);   /* also closes the plan pane */

/* Opens the plan pane on p (kept borrowed until closed): the stack, a bar
 * of the memory budget split by resident model into weights and KV, and
 * the plan's text (swaps, reasons, settings). 0, or -1 out of memory. */
int tui_open_plan(struct tui *t, const struct plan *p);

#endif
