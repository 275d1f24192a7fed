/* The browser's screen, drawn into curses at fixed sizes (no terminal: a
 * newterm() writing to /dev/null) and compared with the text files in
 * tests/golden/, and its keys applied to the state. The estimates drawn are
 * built by hand below (the models and the hardware come from fixtures), so
 * the screens test the drawing and change only when it does, not when the
 * estimator is refitted. CANIRUN_UPDATE_GOLDEN=1 rewrites the golden files
 * after a change of the drawing (review the diff before committing them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/catalog.h"
#include "hw/hwjson.h"
#include "estimate/estimate.h"
#include "testlib.h"
#include "decide/plan.h"
#include "ui/screen.h"
#include "util/units.h"

static struct catalog cat;
static struct hardware hw;
static struct estimate_settings set = { 4096, KV_F16, 16, 1024, RUNTIME_OLLAMA, FA_RUNTIME, NULL, NULL };
static struct rows rows;
static struct tui t;
static SCREEN *screen;
static FILE *null_out, *null_in;

/* One estimate as the screen shows it: model, quant, file and memory GiB,
 * placement (partial: gpu_layers on the GPU; experts: MoE experts in RAM),
 * tok/s (< 0 unknown; band +-10%), time to first token and load s. */
struct spec {
	const char *id;
	enum ftype ftype;
	double file_gib, memory_gib;
	enum placement placement;
	enum offload offload;
	int gpu_layers;
	double tok_s, ttft_s, load_s;
};

#define GPU_BUDGET_GIB 22.6     /* the profile's 23.0 GiB free less Ollama's reserve */
#define RAM_BUDGET_GIB 58.0

static const struct spec table_specs[] = {
	{ "llama3.2:1b", FTYPE_Q8_0, 1.2, 1.6, PLACE_GPU, 0, 0, 350, 0.1, 1.0 },
	{ "tinyllama:1.1b", FTYPE_Q8_0, 1.1, 1.2, PLACE_GPU, 0, 0, 330, 0.1, 0.9 },
	{ "qwen2.5:1.5b", FTYPE_Q8_0, 1.5, 2.0, PLACE_GPU, 0, 0, 250, 0.1, 1.1 },
	{ "qwen2:1.5b", FTYPE_Q8_0, 1.5, 2.0, PLACE_GPU, 0, 0, 248, 0.1, 1.1 },
	{ "llama3.2:3b", FTYPE_Q8_0, 3.2, 3.9, PLACE_GPU, 0, 0, 170, 0.2, 1.6 },
	{ "gpt-oss:20b", FTYPE_Q8_0, 20.0, 20.7, PLACE_GPU, 0, 0, 165, 0.2, 7.9 },
	{ "qwen3:30b", FTYPE_Q5_K_M, 20.2, 20.7, PLACE_GPU, 0, 0, 140, 0.2, 8.1 },
	{ "phi3:3.8b", FTYPE_Q8_0, 3.8, 5.3, PLACE_GPU, 0, 0, 140, 0.2, 1.9 },
	{ "gemma3:4b", FTYPE_Q8_0, 4.0, 4.6, PLACE_GPU, 0, 0, 135, 0.2, 2.0 },
	{ "qwen3:4b", FTYPE_Q8_0, 4.0, 4.9, PLACE_GPU, 0, 0, 130, 0.2, 2.0 },
	{ "deepseek-r1:7b", FTYPE_Q8_0, 7.5, 7.6, PLACE_GPU, 0, 0, 100, 0.3, 3.3 },
	{ "qwen2.5-coder:7b", FTYPE_Q8_0, 7.5, 7.6, PLACE_GPU, 0, 0, 99, 0.3, 3.3 },
	{ "llama2:7b", FTYPE_Q8_0, 6.7, 8.7, PLACE_GPU, 0, 0, 95, 0.3, 3.0 },
	{ "mixtral:8x7b", FTYPE_Q3_K_M, 21.0, 21.6, PLACE_GPU, 0, 0, 92, 0.5, 8.5 },
	{ "llama3.1:8b", FTYPE_Q8_0, 8.0, 8.2, PLACE_GPU, 0, 0, 90, 0.3, 3.4 },
	{ "llama3:8b", FTYPE_Q8_0, 8.0, 8.2, PLACE_GPU, 0, 0, 90, 0.3, 3.4 },
	{ "deepseek-r1:8b", FTYPE_Q8_0, 8.0, 8.2, PLACE_GPU, 0, 0, 89, 0.3, 3.4 },
	{ "qwen3:8b", FTYPE_Q8_0, 8.1, 8.4, PLACE_GPU, 0, 0, 87, 0.4, 3.5 },
	{ "gemma3:12b", FTYPE_Q8_0, 11.6, 12.9, PLACE_GPU, 0, 0, 58, 0.6, 4.9 },
	{ "qwen3:14b", FTYPE_Q8_0, 14.6, 14.8, PLACE_GPU, 0, 0, 53, 0.7, 6.0 },
	{ "deepseek-r1:14b", FTYPE_Q8_0, 14.6, 15.0, PLACE_GPU, 0, 0, 51, 0.7, 6.0 },
	{ "qwen2.5:14b", FTYPE_Q8_0, 14.6, 15.0, PLACE_GPU, 0, 0, 50, 0.7, 6.0 },
	{ "gemma3:27b", FTYPE_Q5_K_M, 18.0, 21.9, PLACE_GPU, 0, 0, 33, 1.4, 7.4 },
	{ "qwen3:32b", FTYPE_Q5_K_M, 21.6, 22.5, PLACE_GPU, 0, 0, 30, 1.5, 8.7 },
	{ "llama3:70b", FTYPE_Q4_K_M, 39.6, 42.1, PLACE_PARTIAL, OFFLOAD_LAYERS, 41, 3.1, 9.5, 14 },
	{ "gpt-oss:120b", FTYPE_Q8_0, 59.0, 62.0, PLACE_PARTIAL, OFFLOAD_EXPERTS, 0, 12, 2.5, 21 },
	{ "qwen3:235b", FTYPE_Q4_K_M, 132.0, 133.7, PLACE_NONE, 0, 0, -1, -1, -1 },
	{ "deepseek-v3:671b", FTYPE_Q4_K_M, 377.0, 380.0, PLACE_NONE, 0, 0, -1, -1, -1 },
};
#define TABLE_COUNT ((int)(sizeof(table_specs) / sizeof(table_specs[0])))

/* qwen3:30b at every default quant, for the detail pane. */
static const struct spec detail_specs[] = {
	{ "qwen3:30b", FTYPE_Q8_0, 30.3, 31.2, PLACE_PARTIAL, OFFLOAD_EXPERTS, 0, 60, 0.2, 11 },
	{ "qwen3:30b", FTYPE_Q6_K, 23.4, 24.3, PLACE_PARTIAL, OFFLOAD_EXPERTS, 0, 110, 0.2, 9.0 },
	{ "qwen3:30b", FTYPE_Q5_K_M, 20.2, 20.7, PLACE_GPU, 0, 0, 140, 0.2, 8.1 },
	{ "qwen3:30b", FTYPE_Q4_K_M, 17.3, 17.8, PLACE_GPU, 0, 0, 150, 0.2, 7.0 },
	{ "qwen3:30b", FTYPE_Q3_K_M, 13.7, 14.3, PLACE_GPU, 0, 0, 160, 0.2, 5.7 },
	{ "qwen3:30b", FTYPE_Q2_K, 10.5, 11.1, PLACE_GPU, 0, 0, 170, 0.1, 4.4 },
};
#define DETAIL_COUNT ((int)(sizeof(detail_specs) / sizeof(detail_specs[0])))

static struct estimate table_items[TABLE_COUNT], detail_items[DETAIL_COUNT];

static int64_t gib(double v)
{
	return (int64_t)(v * GIB);
}

/* The now placement of sp: on the GPU what fits in its budget, in RAM the
 * rest; experts->CPU keeps all layers' attention on the GPU. */
static void build_fit(const struct spec *sp, const struct model *m, struct fit *f)
{
	double on_gpu = sp->placement == PLACE_GPU ? sp->memory_gib :
			sp->placement == PLACE_PARTIAL ? 20.0 : 0;

	f->placement = sp->placement;
	f->offload = sp->offload;
	f->gpus_used = sp->placement == PLACE_GPU || sp->placement == PLACE_PARTIAL;
	f->gpu_layers = sp->placement == PLACE_GPU || sp->offload == OFFLOAD_EXPERTS ? m->layers :
			sp->gpu_layers;
	f->output_on_gpu = f->gpus_used > 0;
	f->gpu[0].budget_bytes = gib(GPU_BUDGET_GIB);
	f->gpu[0].layers = f->gpu_layers;
	f->gpu[0].weights_bytes = gib(on_gpu);
	f->cpu.budget_bytes = gib(RAM_BUDGET_GIB);
	f->cpu.weights_bytes = gib(sp->memory_gib - on_gpu);
	f->cpu.layers = sp->offload == OFFLOAD_EXPERTS ? 0 : (int)m->layers - f->gpu_layers;
	f->cpu.expert_layers = sp->offload == OFFLOAD_EXPERTS ? (int)m->layers : 0;
	f->decode_tok_s = sp->tok_s;
	f->decode_low_tok_s = sp->tok_s < 0 ? -1 : sp->tok_s * 0.9;
	f->decode_high_tok_s = sp->tok_s < 0 ? -1 : sp->tok_s * 1.1;
	f->prefill_tok_s = sp->ttft_s > 0 ? 1024 / sp->ttft_s : -1;
	f->ttft_s = sp->ttft_s;
	f->terms.gpu_bytes_per_token = on_gpu * GIB;
	f->terms.gpu_bandwidth_gbps = 936;
	f->terms.gpu_efficiency = 0.9;
	f->terms.gpu_backend = "cuda";
	f->terms.band = 0.1;
	f->verdict = sp->placement == PLACE_NONE ? VERDICT_NO_FIT : sp->tok_s < 0 ? VERDICT_UNKNOWN :
		     sp->tok_s >= FAST_TOK_S ? VERDICT_FAST :
		     sp->tok_s >= READING_FLOOR_TOK_S ? VERDICT_USABLE : VERDICT_SLOW;
}

/* sp as a whole estimate: memory 384 MiB KV, 329 MiB compute and 256 MiB
 * overhead beside the weights (the file); fits the same when idle. */
static void build(const struct spec *sp, struct estimate *e)
{
	const struct model *m = catalog_find(&cat, sp->id);

	memset(e, 0, sizeof(*e));
	if (!m) {
		fprintf(stderr, "setup: %s is not in models-mini.json\n", sp->id);
		exit(1);
	}
	e->model = m;
	e->ftype = sp->ftype;
	e->ctx = 4096;
	e->ctx_why = "--ctx";
	e->flash_attn = true;
	e->flash_attn_why = "Ollama passes --flash-attn auto to llama-server";
	e->file_bytes = e->weights_bytes = gib(sp->file_gib);
	e->kv_bytes = 384 * MIB;
	e->kv_bytes_per_token = 96 * KIB;
	e->compute_bytes = 329 * MIB;
	e->overhead_bytes = 256 * MIB;
	e->total_bytes = e->weights_bytes + e->kv_bytes + e->compute_bytes + e->overhead_bytes;
	build_fit(sp, m, &e->now);
	e->idle = e->now;
	e->load_cold_s = sp->load_s;
	e->load_warm_s = sp->load_s > 0 ? sp->load_s / 3 : -1;
	e->disk_gbps = 3.2;
	e->disk_source = SRC_PROFILE;
	e->pcie_gbps = 25.2;
}

static void teardown(void);

/* The catalogue, profile and screen once; a fresh table state each case. */
static void setup(void)
{
	struct error err = { "" };

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
	    hw_load_profile(test_path("fixtures/profiles/desktop-3090.json"), &hw, &err) < 0) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(1);
	}
	for (int i = 0; i < TABLE_COUNT; i++)
		build(&table_specs[i], &table_items[i]);
	for (int i = 0; i < DETAIL_COUNT; i++)
		build(&detail_specs[i], &detail_items[i]);
	rows_init(&rows, table_items, TABLE_COUNT);
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
	CHECK_INT(rows.count, TABLE_COUNT);
}

static void detail_pane_80x24(void)
{
	setup();
	type("/qwen3:30b\n");
	CHECK_INT(tui_key(&t, '\n', 24), TUI_OPEN_DETAIL);
	CHECK_STR(rows_selected(&rows)->model->id, "qwen3:30b");
	CHECK_INT(tui_open_detail(&t, rows_selected(&rows), detail_items, DETAIL_COUNT, 80), 0);
	CHECK_INT(t.mode, TUI_DETAIL);
	check_screen(24, 80, "detail-80x24.txt");
	tui_key(&t, KEY_NPAGE, 24);
	CHECK(t.detail_top > 0);
	tui_key(&t, 27, 24);                    /* Esc closes the pane */
	CHECK_INT(t.mode, TUI_TABLE);
	CHECK(t.detail == NULL);
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
	CHECK_INT(rows.count, TABLE_COUNT - 2); /* qwen3:235b, deepseek-v3:671b do not fit */
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
