#include "ui/screen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/figures.h"
#include "ui/explain.h"
#include "ui/plantext.h"
#include "model/quant.h"
#include "util/units.h"

#define LINE_BYTES 1024
#define HEADER_LINES 3          /* hardware, settings, column headings */

enum {
	PAIR_FAST = 1, PAIR_USABLE, PAIR_SLOW, PAIR_NO_FIT, PAIR_UNKNOWN,
	PAIR_WEIGHTS, PAIR_KV, PAIR_COMPUTE, PAIR_OVERHEAD,
};

void tui_init_colors(void)
{
	short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;

	init_pair(PAIR_FAST, COLOR_GREEN, bg);
	init_pair(PAIR_USABLE, COLOR_CYAN, bg);
	init_pair(PAIR_SLOW, COLOR_YELLOW, bg);
	init_pair(PAIR_NO_FIT, COLOR_RED, bg);
	init_pair(PAIR_UNKNOWN, COLOR_MAGENTA, bg);
	init_pair(PAIR_WEIGHTS, COLOR_BLUE, bg);
	init_pair(PAIR_KV, COLOR_MAGENTA, bg);
	init_pair(PAIR_COMPUTE, COLOR_YELLOW, bg);
	init_pair(PAIR_OVERHEAD, COLOR_WHITE, bg);
}

static short verdict_pair(enum verdict v)
{
	static const short pairs[] = {
		[VERDICT_NO_FIT] = PAIR_NO_FIT, [VERDICT_UNKNOWN] = PAIR_UNKNOWN,
		[VERDICT_SLOW] = PAIR_SLOW,     [VERDICT_USABLE] = PAIR_USABLE,
		[VERDICT_FAST] = PAIR_FAST,
	};
	return pairs[v];
}

/* ASCII text at (y, x), cut to width cells. */
static void put_text(WINDOW *w, int y, int x, int width, const char *text)
{
	char cut[LINE_BYTES];

	rows_fit_text(text, width, cut, (int)sizeof(cut));
	mvwaddstr(w, y, x, cut);
}

static int table_height(int lines)
{
	return lines - HEADER_LINES - 1;
}

/* ---- the table ---- */

static void filters_text(const struct tui *t, char *buf, size_t size)
{
	const struct rows *r = t->rows;
	char set[256];

	snprintf(buf, size, "%s | %d/%d | sort %s%s%s%s%s%s", cell_settings_summary(t->hw, t->set, set, sizeof(set)),
		 r->count, r->item_count, sort_key_name(r->sort),
		 r->filter.fits_only ? " | fits only" : "",
		 r->filter.task ? " | task " : "", r->filter.task ? model_task_name(r->filter.task) : "",
		 r->filter.search[0] ? " | search " : "", r->filter.search);
}

static void draw_header(WINDOW *w, const struct tui *t, int cols)
{
	char text[LINE_BYTES];

	wattron(w, A_BOLD);
	put_text(w, 0, 0, cols, cell_hw_summary(t->hw, text, sizeof(text)));
	wattroff(w, A_BOLD);
	filters_text(t, text, sizeof(text));
	put_text(w, 1, 0, cols, text);
}

static void draw_row(WINDOW *w, const struct tui *t, const struct rows_layout *l, int y, int pos,
		     int cols)
{
	const struct estimate *e = &t->rows->items[t->rows->order[pos]];
	char line[LINE_BYTES];
	int at = rows_column_offset(l, COL_VERDICT);
	bool selected = pos == t->rows->cursor;

	rows_format_line(l, e, line, sizeof(line));
	if (selected)
		wattron(w, A_REVERSE);
	put_text(w, y, 0, cols, line);
	if (selected) {
		mvwhline(w, y, (int)strlen(line), ' ', cols - (int)strlen(line));
		wattroff(w, A_REVERSE);
	}
	if (t->color && at >= 0 && at < cols)
		mvwchgat(w, y, at, cols - at, selected ? A_REVERSE : A_NORMAL,
			 verdict_pair(e->now.verdict), NULL);
}

static void draw_table(WINDOW *w, struct tui *t, int lines, int cols)
{
	struct rows *r = t->rows;
	struct rows_layout l;
	char line[LINE_BYTES];
	int height = table_height(lines);

	rows_layout(r, cols, 0, &l);
	rows_scroll(r, height);
	wattron(w, A_BOLD | A_UNDERLINE);
	put_text(w, HEADER_LINES - 1, 0, cols, rows_format_line(&l, NULL, line, sizeof(line)));
	wattroff(w, A_BOLD | A_UNDERLINE);
	for (int i = 0; i < height && r->top + i < r->count; i++)
		draw_row(w, t, &l, HEADER_LINES + i, r->top + i, cols);
	if (r->count == 0)
		put_text(w, HEADER_LINES, 0, cols, "(no model matches: / search, f fits, t task)");
}

static void draw_status(WINDOW *w, struct tui *t, int lines, int cols)
{
	char text[LINE_BYTES];

	if (t->mode == TUI_SEARCH)
		snprintf(text, sizeof(text), "/%s_   Enter keep  Esc clear", t->rows->filter.search);
	else if (t->message[0])
		snprintf(text, sizeof(text), "%s", t->message);
	else if (t->mode == TUI_DETAIL)
		snprintf(text, sizeof(text), "Up/Down PgUp/PgDn scroll  [ ] quant  Esc close  q quit");
	else if (t->mode == TUI_PLAN)
		snprintf(text, sizeof(text), "Up/Down PgUp/PgDn scroll  p or Esc close  q quit");
	else
		snprintf(text, sizeof(text), "q quit  / search  s sort  f fits  t task  [ ] quant"
			 "  + - context  Enter details  p plan  ? help");
	wattron(w, A_REVERSE);
	mvwhline(w, lines - 1, 0, ' ', cols);
	put_text(w, lines - 1, 0, cols, text);
	wattroff(w, A_REVERSE);
	t->message[0] = '\0';
}

/* ---- panes ---- */

static void draw_box(WINDOW *w, int y, int x, int height, int width, const char *title)
{
	for (int i = y; i < y + height; i++)
		mvwhline(w, i, x, ' ', width);
	mvwhline(w, y, x, ACS_HLINE, width);
	mvwhline(w, y + height - 1, x, ACS_HLINE, width);
	mvwvline(w, y, x, ACS_VLINE, height);
	mvwvline(w, y, x + width - 1, ACS_VLINE, height);
	mvwaddch(w, y, x, ACS_ULCORNER);
	mvwaddch(w, y, x + width - 1, ACS_URCORNER);
	mvwaddch(w, y + height - 1, x, ACS_LLCORNER);
	mvwaddch(w, y + height - 1, x + width - 1, ACS_LRCORNER);
	wattron(w, A_BOLD);
	put_text(w, y, x + 2, width - 4, title);
	wattroff(w, A_BOLD);
}

/* One legend entry: a glyph in its colour, then text; false when the
 * width is used up. */
static bool legend_entry(WINDOW *w, const struct tui *t, int y, int x, int width, int *at,
			 const char *glyph, int pair, const char *text)
{
	if (*at + 1 + (int)strlen(text) > width)
		return false;
	if (t->color && pair)
		wattron(w, COLOR_PAIR(pair));
	mvwaddstr(w, y, x + *at, glyph);
	if (t->color && pair)
		wattroff(w, COLOR_PAIR(pair));
	mvwaddstr(w, y, x + *at + 1, text);
	*at += 1 + (int)strlen(text);
	return true;
}

/* The memory parts as a bar scaled to what the placement has (or to the
 * total, when that is more), and a legend line below. */
static void draw_memory_bar(WINDOW *w, const struct tui *t, int y, int x, int width)
{
	static const char *const glyphs[2][5] = { { "#", "=", "+", ".", "-" },
						  { "\u2588", "\u2593", "\u2592", "\u2591", "\u00b7" } };
	static const char *const names[5] = { "weights", "KV", "compute", "overhead", "free" };
	const struct estimate *e = t->detail_of;
	const char *const *g = glyphs[t->utf8];
	int64_t need, avail, scale_bytes, parts[5];
	char text[64], size[32];
	int at = 0;

	cell_memory(e, &e->now, &need, &avail);
	parts[0] = e->weights_bytes;
	parts[1] = e->kv_bytes;
	parts[2] = e->compute_bytes;
	parts[3] = e->overhead_bytes;
	parts[4] = avail > e->total_bytes ? avail - e->total_bytes : 0;
	scale_bytes = avail > e->total_bytes ? avail : e->total_bytes;
	for (int p = 0; p < 5 && scale_bytes > 0; p++) {
		int n = (int)lround((double)parts[p] / (double)scale_bytes * width);

		if (t->color && p < 4)
			wattron(w, COLOR_PAIR(PAIR_WEIGHTS + p));
		for (int i = 0; i < n && at < width; i++, at++)
			mvwaddstr(w, y, x + at, g[p]);
		if (t->color && p < 4)
			wattroff(w, COLOR_PAIR(PAIR_WEIGHTS + p));
	}
	at = 0;
	for (int p = 0; p < 5; p++) {
		snprintf(text, sizeof(text), " %s %s  ", names[p],
			 format_bytes(size, sizeof(size), parts[p]));
		if (!legend_entry(w, t, y + 1, x, width, &at, g[p], p < 4 ? PAIR_WEIGHTS + p : 0, text))
			return;
	}
	snprintf(text, sizeof(text), "of %s available", format_bytes(size, sizeof(size), avail));
	legend_entry(w, t, y + 1, x, width, &at, " ", 0, text);
}

/* The budget as a bar: each resident model of the main runtime as its
 * weights (and the rest of what it holds) then its KV cache, then free;
 * a legend line below names them. */
static void draw_plan_bar(WINDOW *w, const struct tui *t, int y, int x, int width)
{
	static const char *const glyphs[2][3] = { { "#", "=", "-" }, { "\u2588", "\u2592", "\u00b7" } };
	const char *const *g = glyphs[t->utf8];
	const struct plan *p = t->plan;
	int64_t scale = p->budget_bytes > p->resident_bytes ? p->budget_bytes : p->resident_bytes;
	int at = 0, legend = 0;
	char text[96], a[32], b[32];

	for (int i = 0; i < p->model_count && scale > 0; i++) {
		const struct plan_model *pm = &p->models[i];
		int64_t parts[2] = { pm->bytes - pm->est->kv_bytes, pm->est->kv_bytes };

		if (!pm->resident || pm->on_cpu_instance)
			continue;
		for (int k = 0; k < 2; k++) {
			int n = (int)lround((double)parts[k] / (double)scale * width);

			if (t->color)
				wattron(w, COLOR_PAIR(i % 2 ? PAIR_COMPUTE + k : PAIR_WEIGHTS + k));
			for (int c = 0; c < n && at < width; c++, at++)
				mvwaddstr(w, y, x + at, g[k]);
			if (t->color)
				wattroff(w, COLOR_PAIR(i % 2 ? PAIR_COMPUTE + k : PAIR_WEIGHTS + k));
		}
		snprintf(text, sizeof(text), " %s %s (KV %s)  ", pm->model->id,
			 format_bytes(a, sizeof(a), pm->bytes), format_bytes(b, sizeof(b), parts[1]));
		if (!legend_entry(w, t, y + 1, x, width, &legend, g[0], i % 2 ? PAIR_COMPUTE : PAIR_WEIGHTS,
				  text))
			return;
	}
	for (; at < width; at++)
		mvwaddstr(w, y, x + at, g[2]);
	snprintf(text, sizeof(text), " free %s of %s",
		 format_bytes(a, sizeof(a), scale - p->resident_bytes), format_bytes(b, sizeof(b), scale));
	legend_entry(w, t, y + 1, x, width, &legend, g[2], 0, text);
}

static int line_count(const char *text)
{
	int n = 0;

	for (; text && *text; text++)
		n += *text == '\n';
	return n;
}

static void draw_detail(WINDOW *w, struct tui *t, int lines, int cols)
{
	const char *p = t->detail;
	int y0 = 1, height = lines - 2, body = height - 5, max_top;
	char title[160];

	if (t->mode == TUI_PLAN) {
		snprintf(title, sizeof(title), " plan: %d user%s, %d decoding at once, context %d ",
			 t->plan->users, t->plan->users == 1 ? "" : "s", t->plan->decoding, t->plan->ctx);
		draw_box(w, y0, 0, height, cols, title);
		draw_plan_bar(w, t, y0 + 1, 2, cols - 4);
	} else {
		snprintf(title, sizeof(title), " %s at %s ", t->detail_of->model->id,
			 ftype_name(t->detail_of->ftype));
		draw_box(w, y0, 0, height, cols, title);
		draw_memory_bar(w, t, y0 + 1, 2, cols - 4);
	}
	max_top = line_count(t->detail) - body;
	if (t->detail_top > max_top)
		t->detail_top = max_top > 0 ? max_top : 0;
	for (int skip = 0; p && skip < t->detail_top; skip++)
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
	for (int i = 0; p && *p && i < body; i++) {
		const char *nl = strchr(p, '\n');
		char line[LINE_BYTES];
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		snprintf(line, sizeof(line), "%.*s", len, p);
		put_text(w, y0 + 4 + i, 2, cols - 4, line);
		p = nl ? nl + 1 : NULL;
	}
}

static const char *const help_lines[] = {
	"Up/Down, j/k     move",           "PgUp/PgDn, g/G   page, first, last",
	"/                search id, name, aliases (Enter keeps, Esc clears)",
	"s                sort: useful, fit, speed, size, params, name",
	"f                only models that fit",
	"t                task: chat, code, reasoning, embedding, vision, tools",
	"[ ]              the selected model at the previous/next quantization",
	"+ -              double / halve the context and estimate again",
	"Enter            details: memory, placement, every quant, formulas",
	"p                the plan: picks, memory by model and KV, swaps, settings",
	"mouse            wheel scrolls, a click selects",
	"Esc              close a pane;  ?  this help;  q  quit",
};

static void draw_help(WINDOW *w, int lines, int cols)
{
	int n = (int)(sizeof(help_lines) / sizeof(help_lines[0]));
	int width = cols < 76 ? cols : 76, height = n + 2 < lines ? n + 2 : lines;
	int y = (lines - height) / 2, x = (cols - width) / 2;

	draw_box(w, y, x, height, width, " keys ");
	for (int i = 0; i < n && i < height - 2; i++)
		put_text(w, y + 1 + i, x + 2, width - 4, help_lines[i]);
}

void tui_draw(WINDOW *w, struct tui *t)
{
	int lines = getmaxy(w), cols = getmaxx(w);

	werase(w);
	if (lines < TUI_MIN_LINES || cols < TUI_MIN_COLS) {
		char text[3][48];

		snprintf(text[0], sizeof(text[0]), "terminal too small: %dx%d", cols, lines);
		snprintf(text[1], sizeof(text[1]), "need %dx%d", TUI_MIN_COLS, TUI_MIN_LINES);
		snprintf(text[2], sizeof(text[2]), "q quits");
		for (int i = 0; i < 3 && i < lines; i++)
			put_text(w, i, 0, cols, text[i]);
		wrefresh(w);
		return;
	}
	draw_header(w, t, cols);
	draw_table(w, t, lines, cols);
	if ((t->mode == TUI_DETAIL || t->mode == TUI_PLAN) && t->detail)
		draw_detail(w, t, lines, cols);
	else if (t->mode == TUI_HELP)
		draw_help(w, lines, cols);
	draw_status(w, t, lines, cols);
	wrefresh(w);
}

/* ---- keys ---- */

static void search_key(struct tui *t, int key)
{
	char *text = t->rows->filter.search;
	size_t n = strlen(text);

	if (key == 27) {                        /* Esc clears */
		text[0] = '\0';
		t->mode = TUI_TABLE;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		t->mode = TUI_TABLE;
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (n > 0)
			text[n - 1] = '\0';
	} else if (key >= 32 && key < 127 && n + 1 < ROWS_SEARCH_MAX) {
		text[n] = (char)key;
		text[n + 1] = '\0';
	}
	rows_apply(t->rows);
}

/* Scroll or move by delta lines, whichever the mode means. */
static void move_by(struct tui *t, int delta)
{
	if (t->mode == TUI_DETAIL || t->mode == TUI_PLAN) {
		t->detail_top += delta;
		if (t->detail_top < 0)
			t->detail_top = 0;
	} else {
		rows_move(t->rows, delta);
	}
}

static void mouse_event(struct tui *t, int lines)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		move_by(t, -3);
#ifdef BUTTON5_PRESSED
	else if (ev.bstate & BUTTON5_PRESSED)
		move_by(t, 3);
#endif
	else if ((ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) && t->mode == TUI_TABLE &&
		 ev.y >= HEADER_LINES && ev.y < HEADER_LINES + table_height(lines) &&
		 t->rows->top + ev.y - HEADER_LINES < t->rows->count)
		rows_go(t->rows, t->rows->top + ev.y - HEADER_LINES);
}

/* Keys that change the table's filters and order. */
static bool table_key(struct tui *t, int key)
{
	struct rows *r = t->rows;

	switch (key) {
	case '/': t->mode = TUI_SEARCH; return true;
	case 's': r->sort = rows_next_sort(r->sort); break;
	case 'f': r->filter.fits_only = !r->filter.fits_only; break;
	case 't': r->filter.task = rows_next_task(r->filter.task); break;
	default: return false;
	}
	rows_apply(r);
	return true;
}

enum tui_action tui_key(struct tui *t, int key, int lines)
{
	int page = table_height(lines) > 1 ? table_height(lines) - 1 : 1;

	if (t->mode == TUI_SEARCH) {
		search_key(t, key);
		return TUI_NONE;
	}
	if (t->mode == TUI_HELP && key != 'q') {
		t->mode = TUI_TABLE;            /* any key closes the help */
		return TUI_NONE;
	}
	switch (key) {
	case 'q': return TUI_QUIT;
	case KEY_UP: case 'k': move_by(t, -1); break;
	case KEY_DOWN: case 'j': move_by(t, 1); break;
	case KEY_PPAGE: move_by(t, -page); break;
	case KEY_NPAGE: case ' ': move_by(t, page); break;
	case KEY_HOME: case 'g': t->detail ? (void)(t->detail_top = 0) : rows_go(t->rows, 0); break;
	case KEY_END: case 'G': t->detail ? (void)(t->detail_top = 1 << 20) : rows_go(t->rows, -1); break;
	case 'p':
		if (t->mode == TUI_PLAN) {
			tui_close_detail(t);
			break;
		}
		return TUI_OPEN_PLAN;
	case '[': return TUI_QUANT_PREV;
	case ']': return TUI_QUANT_NEXT;
	case '+': case '=': return TUI_CTX_UP;
	case '-': return TUI_CTX_DOWN;
	case '?': t->mode = TUI_HELP; break;
	case 27: tui_close_detail(t); break;
	case '\n': case '\r': case KEY_ENTER:
		return t->mode == TUI_DETAIL || t->mode == TUI_PLAN ? (tui_close_detail(t), TUI_NONE) :
		       TUI_OPEN_DETAIL;
	case KEY_MOUSE: mouse_event(t, lines); break;
	default:
		if (t->mode == TUI_TABLE)
			table_key(t, key);
	}
	return TUI_NONE;
}

int tui_open_detail(struct tui *t, const struct estimate *e, const struct estimate *quants,
		    int quant_count, int cols)
{
	struct detail d = { t->hw, t->set, quants, quant_count, e, cols - 4 };
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	if (!out)
		return -1;
	detail_write(out, &d);
	if (fclose(out) != 0) {
		free(text);
		return -1;
	}
	free(t->detail);
	t->detail = text;
	t->detail_of = e;
	t->mode = TUI_DETAIL;
	return 0;
}

int tui_open_plan(struct tui *t, const struct plan *p)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	if (!out)
		return -1;
	plan_write(out, p, t->hw);
	if (fclose(out) != 0) {
		free(text);
		return -1;
	}
	free(t->detail);
	t->detail = text;
	t->detail_of = NULL;
	t->detail_top = 0;
	t->plan = p;
	t->mode = TUI_PLAN;
	return 0;
}

void tui_close_detail(struct tui *t)
{
	free(t->detail);
	t->detail = NULL;
	t->detail_of = NULL;
	t->plan = NULL;
	t->detail_top = 0;
	t->mode = TUI_TABLE;
}
