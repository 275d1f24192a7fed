/* rows: filters, sort keys, cursor and scroll, column layout, on
 * hand-built estimates (no catalogue, no estimator). */
#include <stdio.h>
#include <string.h>

#include "ui/table.h"
#include "testlib.h"
#include "util/units.h"

#define N 5
static struct model models[N];
static struct estimate items[N];

/* id, params, tasks, file GiB, placement, tok/s (-1 unknown) */
static void make(int i, const char *id, double params_b, unsigned tasks, double file_gib,
		 enum placement p, double tok_s)
{
	struct model *m = &models[i];
	struct estimate *e = &items[i];

	memset(m, 0, sizeof(*m));
	memset(e, 0, sizeof(*e));
	snprintf(m->id, sizeof(m->id), "%s", id);
	snprintf(m->name, sizeof(m->name), "Name of %s", id);
	m->params = (int64_t)(params_b * 1e9);
	m->layers = 32;
	m->tasks = tasks;
	e->model = m;
	e->ftype = FTYPE_Q4_K_M;
	e->file_bytes = (int64_t)(file_gib * GIB);
	e->now.placement = p;
	e->now.gpu_layers = p == PLACE_PARTIAL ? 20 : p == PLACE_GPU ? 32 : 0;
	e->now.offload = p == PLACE_PARTIAL ? OFFLOAD_LAYERS : OFFLOAD_NONE;
	e->now.decode_tok_s = tok_s;
	e->now.decode_low_tok_s = tok_s < 0 ? -1 : tok_s * 0.9;
	e->now.decode_high_tok_s = tok_s < 0 ? -1 : tok_s * 1.1;
	e->now.ttft_s = tok_s < 0 ? -1 : 0.5;
	e->load_cold_s = 3;
	e->now.verdict = p == PLACE_NONE ? VERDICT_NO_FIT : tok_s < 0 ? VERDICT_UNKNOWN :
			 tok_s >= 15 ? VERDICT_FAST : tok_s >= 4 ? VERDICT_USABLE : VERDICT_SLOW;
}

static void setup(struct rows *r)
{
	make(0, "llama3.1:8b", 8.0, TASK_CHAT | TASK_TOOLS, 4.6, PLACE_GPU, 110);
	make(1, "qwen2.5-coder:32b", 32.8, TASK_CODE, 18.5, PLACE_PARTIAL, 9);
	make(2, "deepseek-r1:671b", 671, TASK_REASONING, 377, PLACE_NONE, -1);
	make(3, "phi4:14b", 14.7, TASK_CHAT, 8.4, PLACE_GPU, 60);
	make(4, "mistral:7b", 7.2, TASK_CHAT, 4.1, PLACE_CPU, -1);
	snprintf(models[4].aliases[0], MODEL_TEXT_MAX, "mistralai/Mistral-7B-Instruct-v0.3");
	models[4].alias_count = 1;
	CHECK_INT(rows_init(r, items, N), 0);
}

static const char *id_at(const struct rows *r, int pos)
{
	return r->items[r->order[pos]].model->id;
}

static void fit_sort_puts_fits_first_then_speed(void)
{
	struct rows r;

	setup(&r);
	CHECK_INT(r.count, N);
	CHECK_STR(id_at(&r, 0), "llama3.1:8b");
	CHECK_STR(id_at(&r, 1), "phi4:14b");
	CHECK_STR(id_at(&r, 2), "qwen2.5-coder:32b");
	CHECK_STR(id_at(&r, 3), "mistral:7b");      /* fits, speed unknown */
	CHECK_STR(id_at(&r, 4), "deepseek-r1:671b"); /* no fit last */
	rows_release(&r);
}

static void other_sort_keys(void)
{
	struct rows r;
	enum sort_key k;

	setup(&r);
	CHECK_INT(sort_key_parse("size", &k), 0);
	r.sort = k;
	rows_apply(&r);
	CHECK_STR(id_at(&r, 0), "deepseek-r1:671b");
	CHECK_STR(id_at(&r, 4), "mistral:7b");
	r.sort = SORT_NAME;
	rows_apply(&r);
	CHECK_STR(id_at(&r, 0), "deepseek-r1:671b");
	CHECK_STR(id_at(&r, 1), "llama3.1:8b");
	CHECK_STR(id_at(&r, 4), "qwen2.5-coder:32b");
	r.sort = SORT_PARAMS;
	rows_apply(&r);
	CHECK_STR(id_at(&r, 1), "qwen2.5-coder:32b");
	CHECK_STR(id_at(&r, 4), "mistral:7b");
	r.sort = SORT_SPEED;
	rows_apply(&r);
	CHECK_STR(id_at(&r, 0), "llama3.1:8b");
	CHECK_STR(id_at(&r, 2), "qwen2.5-coder:32b");
	CHECK_INT(sort_key_parse("fast", &k), -1);
	CHECK_INT(rows_next_sort(SORT_NAME), SORT_FIT);
	CHECK_STR(sort_key_name(SORT_PARAMS), "params");
	rows_release(&r);
}

static void filters_combine(void)
{
	struct rows r;

	setup(&r);
	r.filter.fits_only = true;
	rows_apply(&r);
	CHECK_INT(r.count, 4);
	r.filter.task = model_task_parse("chat");
	rows_apply(&r);
	CHECK_INT(r.count, 3);       /* llama, phi4, mistral */
	r.filter.min_tok_s = 50;
	rows_apply(&r);
	CHECK_INT(r.count, 2);       /* unknown speed hidden by --min-tps */
	r.filter = (struct rows_filter){ 0 };
	snprintf(r.filter.search, sizeof(r.filter.search), "MISTRALAI/");
	rows_apply(&r);
	CHECK_INT(r.count, 1);       /* alias match, any case */
	CHECK_STR(id_at(&r, 0), "mistral:7b");
	snprintf(r.filter.search, sizeof(r.filter.search), "name of phi");
	rows_apply(&r);
	CHECK_INT(r.count, 1);       /* name match */
	snprintf(r.filter.search, sizeof(r.filter.search), "nothing-like-this");
	rows_apply(&r);
	CHECK_INT(r.count, 0);
	CHECK(rows_selected(&r) == NULL);
	CHECK_INT(model_task_parse("code"), TASK_CODE);
	CHECK_INT(model_task_parse("poetry"), 0);
	CHECK_INT(rows_next_task(0), TASK_CHAT);
	CHECK_INT(rows_next_task(TASK_TOOLS), 0);
	rows_release(&r);
}

static void selection_survives_filter_and_sort(void)
{
	struct rows r;

	setup(&r);
	rows_go(&r, 3);
	CHECK_STR(rows_selected(&r)->model->id, "mistral:7b");
	r.sort = SORT_NAME;
	rows_apply(&r);
	CHECK_STR(rows_selected(&r)->model->id, "mistral:7b");
	CHECK_INT(r.cursor, 2);
	r.filter.task = TASK_CODE;   /* hides it: cursor to the first row */
	rows_apply(&r);
	CHECK_INT(r.cursor, 0);
	CHECK_STR(rows_selected(&r)->model->id, "qwen2.5-coder:32b");
	rows_release(&r);
}

static void set_items_keeps_model(void)
{
	struct rows r;
	struct estimate copy[N];

	setup(&r);
	rows_go(&r, 2);              /* qwen2.5-coder:32b */
	memcpy(copy, items, sizeof(copy));
	copy[1].now.decode_tok_s = 500; /* now the fastest */
	CHECK_INT(rows_set_items(&r, copy, N), 0);
	CHECK_INT(r.cursor, 0);
	CHECK_STR(rows_selected(&r)->model->id, "qwen2.5-coder:32b");
	CHECK(rows_selected(&r) == &copy[1]);
	CHECK_INT(rows_selected_item(&r), 1);
	rows_release(&r);
}

static void cursor_clamps_and_scrolls(void)
{
	struct rows r;

	setup(&r);
	rows_move(&r, -3);
	CHECK_INT(r.cursor, 0);
	rows_move(&r, 100);
	CHECK_INT(r.cursor, 4);
	rows_scroll(&r, 2);
	CHECK_INT(r.top, 3);
	rows_go(&r, 0);
	rows_scroll(&r, 2);
	CHECK_INT(r.top, 0);
	rows_go(&r, -1);
	CHECK_INT(r.cursor, 4);
	rows_scroll(&r, 10);         /* everything fits: no scroll */
	CHECK_INT(r.top, 0);
	rows_move(&r, -2);
	CHECK_INT(r.cursor, 2);
	rows_release(&r);
}

static void layout_drops_columns_in_order(void)
{
	struct rows r;
	struct rows_layout wide, mid, narrow, tiny;

	setup(&r);
	rows_layout(&r, 200, 0, &wide);
	CHECK_INT(wide.count, COL_COUNT);
	CHECK_INT(wide.width[COL_MODEL], (int)strlen("qwen2.5-coder:32b"));
	CHECK_INT(wide.width[COL_DECODE], (int)strlen("9.0 (8.1-9.9)"));
	CHECK(wide.total <= 200);
	rows_layout(&r, wide.total - 1, 0, &mid);   /* one cell short: load goes */
	CHECK_INT(mid.width[COL_LOAD], 0);
	CHECK(mid.width[COL_TTFT] > 0);
	CHECK_INT(mid.width[COL_MODEL], wide.width[COL_MODEL]);
	rows_layout(&r, 80, 0, &narrow);
	CHECK(narrow.total <= 80);
	CHECK_INT(narrow.width[COL_LOAD], 0);
	CHECK(narrow.width[COL_VERDICT] > 0);
	CHECK(narrow.width[COL_PLACE] > 0);
	rows_layout(&r, 50, 0, &tiny);  /* every droppable gone, model elided */
	CHECK_INT(tiny.width[COL_PARAMS], 0);
	CHECK_INT(tiny.width[COL_FILE], 0);
	CHECK_INT(tiny.width[COL_TTFT], 0);
	CHECK_INT(tiny.width[COL_MODEL], 10);
	CHECK_INT(tiny.width[COL_MEMORY], 0);   /* then the last resorts */
	CHECK_INT(tiny.width[COL_PLACE], 0);
	CHECK(tiny.total <= 50);
	CHECK_INT(rows_column_offset(&tiny, COL_QUANT), 12);
	CHECK_INT(rows_column_offset(&tiny, COL_LOAD), -1);
	rows_release(&r);
}

static void lines_align_and_elide(void)
{
	struct rows r;
	struct rows_layout l;
	char line[256], cut[8];

	setup(&r);
	rows_layout(&r, 200, 0, &l);
	rows_format_line(&l, &items[1], line, sizeof(line));
	CHECK(strncmp(line, "qwen2.5-coder:32b  ", 19) == 0);
	CHECK_CONTAINS(line, "partial 20/32");
	CHECK_CONTAINS(line, "9.0 (8.1-9.9)");
	CHECK_CONTAINS(line, "18.5 GiB");
	CHECK(line[strlen(line) - 1] != ' ');
	rows_format_line(&l, &items[2], line, sizeof(line));
	CHECK_CONTAINS(line, "none");
	CHECK_CONTAINS(line, "no-fit");
	rows_format_line(&l, NULL, line, sizeof(line));
	CHECK(strncmp(line, "MODEL", 5) == 0);
	CHECK_CONTAINS(line, "VERDICT");
	rows_fit_text("deepseek-r1:671b", 6, cut, sizeof(cut));
	CHECK_STR(cut, "deeps~");
	rows_fit_text("abc", 6, cut, sizeof(cut));
	CHECK_STR(cut, "abc");
	rows_fit_text("abcdefghijkl", 20, cut, sizeof(cut));
	CHECK_STR(cut, "abcdef~");
	rows_release(&r);
}

TESTS(T(fit_sort_puts_fits_first_then_speed), T(other_sort_keys), T(filters_combine),
      T(selection_survives_filter_and_sort), T(set_items_keeps_model),
      T(cursor_clamps_and_scrolls), T(layout_drops_columns_in_order),
      T(lines_align_and_elide));
