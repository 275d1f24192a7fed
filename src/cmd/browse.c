/* browse.c - `canirun` on a terminal: the full-screen browser. Owns the
 * terminal (curses setup, and its restoration on every way out: return,
 * exit, SIGINT, SIGTERM), the lineup and the estimate settings; screen.c draws
 * and reads keys, this file does what needs the estimator. */
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/app.h"
#include "cmd/reportview.h"
#include "model/quant.h"
#include "ui/screen.h"

#define CTX_MIN 256
#define CTX_MAX (1 << 24)
#define CTX_FROM_MAX 4096       /* +/- from "--ctx max" or the runtime's default start here */

static volatile sig_atomic_t screen_up;

static void restore_terminal(void)
{
	if (screen_up && !isendwin())
		endwin();
	screen_up = 0;
}

/* endwin is what restores the tty modes; the default action follows. */
static void on_signal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void start_screen(struct tui *t, bool color)
{
	static bool registered;

	if (!registered) {
		atexit(restore_terminal);
		registered = true;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	initscr();
	screen_up = 1;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		  | BUTTON5_PRESSED
#endif
		  , NULL);
	t->color = color && has_colors();
	if (t->color) {
		start_color();
		tui_init_colors();
	}
}

/* The selected model at the previous (-1, better) or next (+1, smaller)
 * default type, estimated in place. */
static void requant(struct app *app, struct tui *t, const struct estimate_settings *set,
		    struct lineup *lineup, int step)
{
	int item = rows_selected_item(t->rows), at = -1;
	struct estimate *e;
	struct error err = { "" };

	if (item < 0)
		return;
	e = &lineup->items[item];
	/* A GGUF file is one quantization; another would be the catalogue's
	 * size model under the file's name, not this file. */
	if (e->file_path) {
		snprintf(t->message, sizeof(t->message),
			 "a .gguf file has one quantization (%s); [ and ] change catalogue models",
			 ftype_name(e->ftype));
		return;
	}
	for (int i = 0; i < estimate_default_ftype_count; i++)
		if (estimate_default_ftypes[i] == e->ftype)
			at = i;
	at = at < 0 ? 0 : at + step;
	if (at < 0 || at >= estimate_default_ftype_count) {
		snprintf(t->message, sizeof(t->message), "no %s default quantization",
			 step < 0 ? "larger" : "smaller");
		return;
	}
	if (estimate_ftype(&app->hw, e->model, estimate_default_ftypes[at], set, e, &err) < 0)
		snprintf(t->message, sizeof(t->message), "%s", err.msg);
	rows_apply(t->rows);
}

/* --ctx doubled or halved, and every row estimated again. */
static void change_context(struct app *app, struct tui *t, struct estimate_settings *set,
			   struct lineup *lineup, bool up)
{
	struct estimate_settings next = *set;
	struct error err = { "" };
	int ctx = set->ctx > 0 ? set->ctx : CTX_FROM_MAX;

	next.ctx = up ? (ctx < CTX_MAX ? ctx * 2 : CTX_MAX) : (ctx > CTX_MIN ? ctx / 2 : CTX_MIN);
	if (listing_rebuild(app, &next, lineup, t->rows, &err) < 0) {
		snprintf(t->message, sizeof(t->message), "%s", err.msg);
		return;
	}
	*set = next;
}

static void open_detail(struct app *app, struct tui *t, const struct estimate_settings *set,
			struct lineup *quants)
{
	const struct estimate *e = rows_selected(t->rows);
	struct lineup_request req = { .name_count = 1, .every_quant = true };
	struct error err = { "" };

	lineup_release(quants);
	if (!e) {
		tui_close_detail(t);
		return;
	}
	/* A file is its own single quantization: the catalogue does not know
	 * its id, and its bytes are the header's, not the size model's. */
	if (e->file_path) {
		if (tui_open_detail(t, e, e, 1, COLS) < 0) {
			snprintf(t->message, sizeof(t->message), "out of memory");
			tui_close_detail(t);
		}
		return;
	}
	req.names = (const char *const[]){ e->model->id };
	if (lineup_build(&app->hw, &app->catalog, set, &req, quants, &err) < 0 ||
	    tui_open_detail(t, e, quants->items, quants->count, COLS) < 0) {
		snprintf(t->message, sizeof(t->message), "%s", err.msg[0] ? err.msg : "out of memory");
		tui_close_detail(t);
	}
}

static void run(struct app *app, struct tui *t, struct estimate_settings *set,
		struct lineup *lineup)
{
	struct lineup quants = { 0 };

	for (;;) {
		enum tui_action a;
		int key;

		tui_draw(stdscr, t);
		key = getch();
		a = tui_key(t, key, LINES);
		if (a == TUI_QUIT)
			break;
		if (a == TUI_QUANT_PREV || a == TUI_QUANT_NEXT)
			requant(app, t, set, lineup, a == TUI_QUANT_PREV ? -1 : 1);
		else if (a == TUI_CTX_UP || a == TUI_CTX_DOWN)
			change_context(app, t, set, lineup, a == TUI_CTX_UP);
		/* the pane explains what is selected now, at the current width */
		if (a == TUI_OPEN_DETAIL || (t->mode == TUI_DETAIL && (a != TUI_NONE || key == KEY_RESIZE)))
			open_detail(app, t, set, &quants);
	}
	tui_close_detail(t);
	lineup_release(&quants);
}

int cmd_browse(struct app *app, struct error *err)
{
	struct estimate_settings set = app->settings;
	struct lineup lineup;
	struct rows rows;
	struct tui t = { .rows = &rows, .hw = &app->hw, .set = &set };
	struct warnings w = { 0 };

	if (listing_build(app, &set, &lineup, &rows, &w, err) < 0) {
		warnings_print(&w, stderr);
		return -1;
	}
	/* The screen would hide them now: the first in the status line, all
	 * on stderr once the terminal is restored. */
	if (w.count > 0)
		snprintf(t.message, sizeof(t.message), "%s%s", w.msg[0],
			 w.count + w.dropped > 1 ? " (more on exit)" : "");
	setlocale(LC_ALL, "");
	t.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	start_screen(&t, app->cli.color);
	run(app, &t, &set, &lineup);
	restore_terminal();
	warnings_print(&w, stderr);
	listing_release(&lineup, &rows);
	return 0;
}
