#include "ui/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/catalog.h"

static const char *const sort_names[SORT_COUNT] = { "fit", "speed", "size", "params", "name" };

const char *sort_key_name(enum sort_key k)
{
	return sort_names[k];
}

int sort_key_parse(const char *name, enum sort_key *out)
{
	for (int k = 0; k < SORT_COUNT; k++)
		if (strcasecmp(name, sort_names[k]) == 0) {
			*out = (enum sort_key)k;
			return 0;
		}
	return -1;
}

enum sort_key rows_next_sort(enum sort_key k)
{
	return (enum sort_key)((k + 1) % SORT_COUNT);
}

unsigned rows_next_task(unsigned task)
{
	static const unsigned cycle[] = { 0, TASK_CHAT, TASK_CODE, TASK_REASONING,
					  TASK_EMBEDDING, TASK_VISION, TASK_TOOLS };
	int n = (int)(sizeof(cycle) / sizeof(cycle[0]));

	for (int i = 0; i < n; i++)
		if (cycle[i] == task)
			return cycle[(i + 1) % n];
	return 0;
}

int rows_init(struct rows *r, const struct estimate *items, int count)
{
	memset(r, 0, sizeof(*r));
	r->sort = SORT_FIT;
	return rows_set_items(r, items, count);
}

void rows_release(struct rows *r)
{
	free(r->order);
	r->order = NULL;
	r->count = r->item_count = 0;
}

int rows_set_items(struct rows *r, const struct estimate *items, int count)
{
	const struct estimate *sel = rows_selected(r);
	const struct model *keep = sel ? sel->model : NULL;
	int *order = malloc(((size_t)count + 1) * sizeof(*order));

	if (!order)
		return -1;
	free(r->order);
	r->order = order;
	r->items = items;
	r->item_count = count;
	r->count = 0;
	r->cursor = 0;
	rows_apply(r);
	for (int i = 0; keep && i < r->count; i++)
		if (r->items[r->order[i]].model == keep) {
			r->cursor = i;
			break;
		}
	return 0;
}

/* ---- filters ---- */

static bool matches_search(const struct model *m, const char *text)
{
	if (!text[0] || strcasestr(m->id, text) || strcasestr(m->name, text))
		return true;
	for (int i = 0; i < m->alias_count; i++)
		if (strcasestr(m->aliases[i], text))
			return true;
	return false;
}

static bool visible(const struct rows_filter *f, const struct estimate *e)
{
	if (f->fits_only && e->now.placement == PLACE_NONE)
		return false;
	if (f->task && !(e->model->tasks & f->task))
		return false;
	if (f->min_tok_s > 0 && e->now.decode_tok_s < f->min_tok_s)
		return false;
	return matches_search(e->model, f->search);
}

/* ---- sort ---- */

static int descending(double a, double b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

/* Known speeds first, fastest first; unknown and no-fit after. */
static int by_speed(const struct estimate *a, const struct estimate *b)
{
	return descending(a->now.decode_tok_s, b->now.decode_tok_s);
}

static int by_size(const struct estimate *a, const struct estimate *b)
{
	return descending((double)a->file_bytes, (double)b->file_bytes);
}

static int by_fit(const struct estimate *a, const struct estimate *b)
{
	bool fa = a->now.placement != PLACE_NONE, fb = b->now.placement != PLACE_NONE;

	if (fa != fb)
		return fa ? -1 : 1;
	return by_speed(a, b) ? by_speed(a, b) : by_size(a, b);
}

static int compare(const void *pa, const void *pb, void *ctx)
{
	const struct rows *r = ctx;
	const struct estimate *a = &r->items[*(const int *)pa], *b = &r->items[*(const int *)pb];
	int c = 0;

	switch (r->sort) {
	case SORT_FIT: c = by_fit(a, b); break;
	case SORT_SPEED: c = by_speed(a, b); break;
	case SORT_SIZE: c = by_size(a, b); break;
	case SORT_PARAMS: c = descending((double)a->model->params, (double)b->model->params); break;
	default: break;
	}
	if (c == 0)
		c = strcmp(a->model->id, b->model->id);
	if (c == 0)
		c = by_size(a, b);
	return c ? c : *(const int *)pa - *(const int *)pb;
}

void rows_apply(struct rows *r)
{
	int keep = rows_selected_item(r);

	r->count = 0;
	for (int i = 0; i < r->item_count; i++)
		if (visible(&r->filter, &r->items[i]))
			r->order[r->count++] = i;
	if (r->count > 1)
		qsort_r(r->order, (size_t)r->count, sizeof(*r->order), compare, r);
	r->cursor = 0;
	for (int i = 0; i < r->count; i++)
		if (r->order[i] == keep)
			r->cursor = i;
}

/* ---- cursor ---- */

int rows_selected_item(const struct rows *r)
{
	return r->order && r->count > 0 ? r->order[r->cursor] : -1;
}

const struct estimate *rows_selected(const struct rows *r)
{
	int i = rows_selected_item(r);

	return i < 0 ? NULL : &r->items[i];
}

void rows_go(struct rows *r, int position)
{
	if (position < 0 || position >= r->count)
		position = r->count - 1;
	r->cursor = position < 0 ? 0 : position;
}

void rows_move(struct rows *r, int delta)
{
	long target = (long)r->cursor + delta;

	rows_go(r, target < 0 ? 0 : target >= r->count ? r->count - 1 : (int)target);
}

void rows_scroll(struct rows *r, int height)
{
	if (height < 1)
		height = 1;
	if (r->cursor < r->top)
		r->top = r->cursor;
	if (r->cursor >= r->top + height)
		r->top = r->cursor - height + 1;
	if (r->top > r->count - height)
		r->top = r->count - height;
	if (r->top < 0)
		r->top = 0;
}

/* ---- layout ---- */

#define MODEL_WIDTH_MAX 32
#define MODEL_WIDTH_SHORT 20    /* elided this far before columns go */
#define MODEL_WIDTH_MIN 10

/* Widest text of column c over every item (visible or not, so the table
 * does not jump as filters change), at least the heading. */
static int column_width(const struct rows *r, enum column c)
{
	int w = (int)strlen(cell_heading(c));
	char buf[64];

	for (int i = 0; i < r->item_count; i++) {
		int n = (int)strlen(cell_text(&r->items[i], c, buf, sizeof(buf)));

		if (n > w)
			w = n;
	}
	return w;
}

static int layout_total(const struct rows_layout *l)
{
	int total = 0, shown = 0;

	for (int c = 0; c < COL_COUNT; c++)
		if (l->width[c] > 0) {
			total += l->width[c];
			shown++;
		}
	return total + (shown > 1 ? (shown - 1) * ROWS_GAP : 0);
}

static void shrink_model(struct rows_layout *l, int width, int floor)
{
	int excess = layout_total(l) - width;

	if (excess > 0 && l->width[COL_MODEL] > floor)
		l->width[COL_MODEL] = l->width[COL_MODEL] - excess > floor ?
				      l->width[COL_MODEL] - excess : floor;
}

static void list_columns(struct rows_layout *l)
{
	l->count = 0;
	for (int c = 0; c < COL_COUNT; c++)
		if (l->width[c] > 0)
			l->cols[l->count++] = (enum column)c;
	l->total = layout_total(l);
}

void rows_layout(const struct rows *r, int width, unsigned hidden, struct rows_layout *out)
{
	static const enum column drop_order[] = { COL_LOAD, COL_TTFT, COL_FILE, COL_PARAMS };
	static const enum column last_resort[] = { COL_MEMORY, COL_PLACE };

	memset(out, 0, sizeof(*out));
	for (int c = 0; c < COL_COUNT; c++)
		out->width[c] = hidden & ROWS_HIDE(c) ? 0 : column_width(r, (enum column)c);
	if (out->width[COL_MODEL] > MODEL_WIDTH_MAX)
		out->width[COL_MODEL] = MODEL_WIDTH_MAX;
	shrink_model(out, width, MODEL_WIDTH_SHORT);
	for (size_t i = 0; i < sizeof(drop_order) / sizeof(drop_order[0]); i++)
		if (layout_total(out) > width)
			out->width[drop_order[i]] = 0;
	shrink_model(out, width, MODEL_WIDTH_MIN);
	for (size_t i = 0; i < sizeof(last_resort) / sizeof(last_resort[0]); i++)
		if (layout_total(out) > width)
			out->width[last_resort[i]] = 0;
	list_columns(out);
}


void rows_fit_text(const char *text, int width, char *buf, int size)
{
	int n = (int)strlen(text);

	if (width >= size)
		width = size - 1;
	if (width < 0)
		width = 0;
	if (n <= width) {
		memcpy(buf, text, (size_t)n + 1);
		return;
	}
	memcpy(buf, text, (size_t)(width > 0 ? width - 1 : 0));
	if (width > 0)
		buf[width - 1] = '~';
	buf[width] = '\0';
}

const char *rows_format_line(const struct rows_layout *l, const struct estimate *e,
			     char *buf, int size)
{
	int used = 0;

	buf[0] = '\0';
	for (int i = 0; i < l->count && used < size; i++) {
		enum column c = l->cols[i];
		char text[64], cut[64];
		int w = l->width[c];

		rows_fit_text(e ? cell_text(e, c, text, sizeof(text)) : cell_heading(c), w,
			      cut, (int)sizeof(cut));
		used += snprintf(buf + used, (size_t)(size - used), cell_right_aligned(c) ? "%s%*s" : "%s%-*s",
				 i ? "  " : "", w, cut);
	}
	while (used > 0 && used < size && buf[used - 1] == ' ')
		buf[--used] = '\0';
	return buf;
}

int rows_column_offset(const struct rows_layout *l, enum column c)
{
	int at = 0;

	for (int i = 0; i < l->count; i++) {
		if (l->cols[i] == c)
			return at;
		at += l->width[l->cols[i]] + ROWS_GAP;
	}
	return -1;
}
