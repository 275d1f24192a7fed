/* The browser's screen, drawn into curses at fixed sizes (no terminal: a
 * newterm() writing to /dev/null) and compared with the text files in
 * tests/golden/, and
 * its keys applied to the state. CANIRUN_UPDATE_GOLDEN=1 rewrites the
 * golden files (review the diff before committing them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/catalog.h"
#include "hw/hwjson.h"
#include "estimate/lineup.h"
#include "testlib.h"
#include "decide/plan.h"
#include "ui/screen.h"

static struct catalog cat;
static struct hardware hw;
static struct estimate_settings set = { 4096, KV_F16, 16, 1024 };
static struct lineup lineup;
static struct rows rows;
static struct tui t;
static SCREEN *screen;
static FILE *null_out, *null_in;

static void teardown(void);

/* The catalogue, profile and screen once; a fresh table state each case. */
static void setup(void)
{
	struct error err = { "" };
	struct lineup_request all = { 0 };

	if (screen) {
		tui_close_detail(&t);
		rows.sort = SORT_USEFUL;
		rows.filter = (struct rows_filter){ 0 };
		rows_apply(&rows);
		rows_go(&rows, 0);
		rows.top = 0;
		return;
	}
	atexit(teardown);

	if (catalog_load(test_path("fixtures/models-mini.json"), &cat, &err) < 0 ||
	    hw_load_profile(test_path("fixtures/profiles/desktop-3090.json"), &hw, &err) < 0 ||
	    lineup_build(&hw, &cat, &set, &all, &lineup, &err) < 0) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(1);
	}
	rows_init(&rows, lineup.items, lineup.count);
	t = (struct tui){ .rows = &rows, .hw = &hw, .set = &set };
	null_out = fopen("/dev/null", "w");
	null_in = fopen("/dev/null", "r");
	screen = newterm("xterm", null_out, null_in);
	if (!screen) {
		fprintf(stderr, "setup: newterm(xterm) failed (terminfo missing?)\n");
		exit(1);
	}
}

static void teardown(void)
{
	tui_close_detail(&t);
	endwin();
	delscreen(screen);
	fclose(null_out);
	fclose(null_in);
	rows_release(&rows);
	lineup_release(&lineup);
	catalog_release(&cat);
}

/* The screen as text; line-drawing characters as ASCII. */
static char *dump(void)
{
	size_t size = (size_t)LINES * ((size_t)COLS + 1) + 1, used = 0;
	char *text = malloc(size);
	chtype cells[512];

	for (int y = 0; y < LINES; y++) {
		int n = mvwinchnstr(stdscr, y, 0, cells, COLS), end = 0;

		for (int x = 0; x < n; x++) {
			char c = (char)(cells[x] & A_CHARTEXT);

			if (cells[x] & A_ALTCHARSET)
				c = c == 'q' ? '-' : c == 'x' ? '|' : '+';
			text[used + (size_t)x] = c;
			if (c != ' ')
				end = x + 1;
		}
		used += (size_t)end;
		text[used++] = '\n';
	}
	text[used] = '\0';
	return text;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

/* Draws at lines x cols and compares with tests/golden/name. */
static void check_screen(int lines, int cols, const char *name)
{
	char rel[128], *got, *want;
	const char *path;

	resizeterm(lines, cols);
	tui_draw(stdscr, &t);
	got = dump();
	snprintf(rel, sizeof(rel), "golden/%s", name);
	path = test_path(rel);
	if (getenv("CANIRUN_UPDATE_GOLDEN"))
		test_write_file(path, got, strlen(got));
	want = read_all(path);
	if (!CHECK(want != NULL) || !CHECK_STR(got, want))
		fprintf(stderr, "  screen %s was:\n%s", name, got);
	free(got);
	free(want);
}

static void type(const char *keys)
{
	for (; *keys; keys++)
		tui_key(&t, *keys, LINES);
}

static void table_80x24(void)
{
	setup();
	check_screen(24, 80, "browse-80x24.txt");
}

static void search_and_move_120x40(void)
{
	setup();
	type("/qwen\n");
	tui_key(&t, KEY_DOWN, 40);
	tui_key(&t, 'j', 40);
	CHECK_STR(rows.filter.search, "qwen");
	CHECK_INT(t.mode, TUI_TABLE);
	CHECK_INT(rows.cursor, 2);
	check_screen(40, 120, "search-120x40.txt");
	type("/");
	tui_key(&t, 27, 40);                    /* Esc clears the search */
	CHECK_STR(rows.filter.search, "");
	CHECK_INT(rows.count, lineup.count);
}

static void detail_pane_80x24(void)
{
	struct lineup quants;
	struct lineup_request req = { .names = (const char *const[]){ "qwen3:30b" }, .name_count = 1,
				      .every_quant = true };
	struct error err = { "" };

	setup();
	type("/qwen3:30b\n");
	CHECK_INT(tui_key(&t, '\n', 24), TUI_OPEN_DETAIL);
	CHECK_INT(lineup_build(&hw, &cat, &set, &req, &quants, &err), 0);
	CHECK_INT(tui_open_detail(&t, rows_selected(&rows), quants.items, quants.count, 80), 0);
	CHECK_INT(t.mode, TUI_DETAIL);
	check_screen(24, 80, "detail-80x24.txt");
	tui_key(&t, KEY_NPAGE, 24);
	CHECK(t.detail_top > 0);
	tui_key(&t, 27, 24);                    /* Esc closes the pane */
	CHECK_INT(t.mode, TUI_TABLE);
	CHECK(t.detail == NULL);
	lineup_release(&quants);
}

static void help_and_too_small(void)
{
	setup();
	type("?");
	CHECK_INT(t.mode, TUI_HELP);
	check_screen(24, 80, "help-80x24.txt");
	type("x");                              /* any key closes the help */
	CHECK_INT(t.mode, TUI_TABLE);
	check_screen(6, 30, "small-30x6.txt");
}

static void keys_change_state(void)
{
	setup();
	CHECK_INT(rows.sort, SORT_USEFUL);
	type("s");
	CHECK_INT(rows.sort, SORT_FIT);
	type("s");
	CHECK_INT(rows.sort, SORT_SPEED);
	type("sssss");
	CHECK_INT(rows.sort, SORT_FIT);
	type("f");
	CHECK(rows.filter.fits_only);
	CHECK(rows.count < lineup.count);       /* deepseek-v3:671b does not fit */
	type("f");
	type("tt");
	CHECK_INT(rows.filter.task, TASK_CODE);
	type("ttttt");
	CHECK_INT(rows.filter.task, 0);
	tui_key(&t, KEY_END, 24);
	CHECK_INT(rows.cursor, rows.count - 1);
	tui_key(&t, 'g', 24);
	CHECK_INT(rows.cursor, 0);
	tui_key(&t, KEY_NPAGE, 24);
	CHECK_INT(rows.cursor, 19);             /* a page: 24 - 3 header - 1 status - 1 */
	CHECK_INT(tui_key(&t, '[', 24), TUI_QUANT_PREV);
	CHECK_INT(tui_key(&t, ']', 24), TUI_QUANT_NEXT);
	CHECK_INT(tui_key(&t, '+', 24), TUI_CTX_UP);
	CHECK_INT(tui_key(&t, '-', 24), TUI_CTX_DOWN);
	CHECK_INT(tui_key(&t, 'q', 24), TUI_QUIT);
	type("/q");
	CHECK_INT(tui_key(&t, 'q', 24), TUI_NONE); /* typed into the search */
	CHECK_STR(rows.filter.search, "qq");
	tui_key(&t, KEY_BACKSPACE, 24);
	CHECK_STR(rows.filter.search, "q");
	tui_key(&t, 27, 24);
}

/* 'p' asks for the plan; the pane shows the budget bar split by resident
 * model and the plan text; 'p' again closes it. No scores: every pick by
 * the rule. */
static void plan_pane_80x24(void)
{
	static struct plan plan;
	struct score_table none = { 0 };
	struct plan_request req = { .users = 4 };
	struct error err = { "" };

	setup();
	CHECK_INT(tui_key(&t, 'p', 24), TUI_OPEN_PLAN);
	CHECK_INT(plan_build(&hw, &cat, &none, &req, &set, &plan, &err), 0);
	CHECK_INT(tui_open_plan(&t, &plan), 0);
	CHECK_INT(t.mode, TUI_PLAN);
	check_screen(24, 80, "plan-80x24.txt");
	CHECK_INT(tui_key(&t, 'p', 24), TUI_NONE);
	CHECK_INT(t.mode, TUI_TABLE);
	CHECK(t.plan == NULL);
}

TESTS(T(table_80x24), T(search_and_move_120x40), T(detail_pane_80x24), T(help_and_too_small),
      T(keys_change_state), T(plan_pane_80x24));
