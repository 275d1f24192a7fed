#include "ui/needtext.h"

#include <string.h>

#include "model/quant.h"
#include "ui/figures.h"
#include "ui/plantext.h"
#include "util/units.h"

const char *need_cpu_share_text(const struct hardware *base, char *buf, size_t size)
{
	const struct cpu_info *c = &base->cpu;
	char ram[32], rate[48] = "Q4 rate unknown";

	if (c->q4_gbps > 0)
		snprintf(rate, sizeof(rate), "Q4_0 %.1f GB/s, %s", c->q4_gbps,
			 fact_source_name(c->q4_source));
	snprintf(buf, size, "%s%s, %d cores (%s), %s RAM", c->model[0] ? c->model : "this machine's CPU",
		 c->source == SRC_WHATIF ? " (what-if)" : "",
		 c->cores, rate, format_bytes(ram, sizeof(ram), base->ram.total_bytes));
	return buf;
}

static void price_text(const struct need_config *c, char *buf, size_t size)
{
	if (c->price_usd >= 0)
		snprintf(buf, size, "$%.0f", c->price_usd);
	else
		snprintf(buf, size, "no price");
}

static void write_heading(FILE *out, const struct need_result *r, const struct model *m)
{
	char ctx[32];

	if (r->ctx > 0)
		snprintf(ctx, sizeof(ctx), "%d", r->ctx);
	else
		snprintf(ctx, sizeof(ctx), "its trained");
	fprintf(out, "\n%s: configurations at %.4g tok/s or more per user (%d user%s, context %s",
		m->id, r->min_tok_s, r->users, r->users == 1 ? "" : "s", ctx);
	fprintf(out, " tokens%s)\n", r->users > 1 ? " each" : "");
	fprintf(out, "  %-9s %-34s %-8s %-8s %-14s %13s %8s %8s %10s\n", "price", "configuration",
		"quant", "best", "placement", r->users > 1 ? "tok/s a user" : "tok/s (low)", "ctx",
		"max ctx", "free");
}

static void write_row(FILE *out, const struct need_result *r, const struct need_row *row)
{
	const struct need_config *c = &r->configs[row->config];
	char price[24], name[160], place[48], tok[16], low[16], left[32], speed[40];

	price_text(c, price, sizeof(price));
	need_config_name(c, row->ram_bytes, name, sizeof(name));
	cell_placement(&row->est, &row->est.now, place, sizeof(place));
	/* the band is one request's; with several users only their speed */
	if (r->users > 1)
		snprintf(speed, sizeof(speed), "%s", cell_tok_s(row->per_user_tok_s, tok, sizeof(tok)));
	else
		snprintf(speed, sizeof(speed), "%s (%s)", cell_tok_s(row->per_user_tok_s, tok, sizeof(tok)),
			 cell_tok_s(row->est.now.decode_low_tok_s, low, sizeof(low)));
	fprintf(out, "  %-9s %-34s %-8s %-8s %-14s %13s %8d %8d %10s\n", price, name,
		ftype_name(row->est.ftype), ftype_name(row->best_ftype), place, speed, row->ctx,
		row->max_ctx,
		format_bytes(left, sizeof(left), row->memory_left_bytes));
}

static const char *floor_place_text(const struct need_row *row, char *buf, size_t size)
{
	switch (row->floor_placement) {
	case PLACE_PARTIAL:
		snprintf(buf, size, "splits with the CPU (%d of %d layers on the GPU%s)",
			 row->floor_gpu_layers, row->est.model->layers,
			 row->est.now.gpus_used > 1 ? "s" : "");
		break;
	case PLACE_CPU:
		snprintf(buf, size, "runs on the CPU");
		break;
	case PLACE_NONE:
		snprintf(buf, size, "does not fit");
		break;
	default:
		snprintf(buf, size, "fits on the GPU%s", row->floor_placement == PLACE_MULTI_GPU ? "s" : "");
	}
	return buf;
}

static void write_below_floor(FILE *out, const struct need_result *r, const struct need_row *row)
{
	const struct need_config *c = &r->configs[row->config];
	char name[160], tok[16], floor_tok[16], where[96], place[48];

	need_config_name(c, row->ram_bytes, name, sizeof(name));
	fprintf(out, "  %s: only at %s (%s, %s tok/s); at %s it %s", name,
		ftype_name(row->est.ftype), cell_placement(&row->est, &row->est.now, place, sizeof(place)),
		cell_tok_s(row->per_user_tok_s, tok, sizeof(tok)), ftype_name(row->floor_ftype),
		floor_place_text(row, where, sizeof(where)));
	if (row->floor_placement != PLACE_NONE)
		fprintf(out, ": %s tok/s", cell_tok_s(row->floor_tok_s, floor_tok, sizeof(floor_tok)));
	fputc('\n', out);
}

/* The rows of one model that are (or are not) below the floor. */
static int write_section(FILE *out, const struct need_result *r, int model, bool below,
			 bool all, int *hidden)
{
	int shown = 0;

	for (int i = 0; i < r->row_count; i++) {
		const struct need_row *row = &r->rows[i];

		if (row->model != model || row->below_floor != below)
			continue;
		if (!all && shown == NEED_TEXT_ROWS) {
			(*hidden)++;
			continue;
		}
		if (below)
			write_below_floor(out, r, row);
		else
			write_row(out, r, row);
		shown++;
	}
	return shown;
}

static void write_prices(FILE *out, const struct need_result *r)
{
	const struct gpu_price *seen[64];
	int n = 0;

	for (int i = 0; i < r->config_count; i++) {
		const struct gpu_price *p = r->configs[i].price;
		bool known = false;

		for (int k = 0; p && k < n; k++)
			known = known || strcmp(seen[k]->source, p->source) == 0;
		if (!p || known || n == 64)
			continue;
		seen[n++] = p;
		fprintf(out, "%s %s (%s)", n == 1 ? "Prices: street prices from" : ",", p->source, p->date);
	}
	fputs(n ? "; a card's price times the count (a Mac's is the whole computer's, a card's the "
	      "card alone). Configurations without a dated, sourced price follow, smallest memory "
	      "first.\n" : "No configuration has a dated, sourced price: smallest memory first.\n",
	      out);
}

static void write_model(FILE *out, const struct need_request *req, const struct need_result *r,
			int model, bool all)
{
	int hidden = 0, shown, below;

	write_heading(out, r, req->models[model].model);
	shown = write_section(out, r, model, false, all, &hidden);
	if (shown == 0)
		fprintf(out, "  none at %s or above\n", ftype_name(ESTIMATE_QUANT_FLOOR));
	fprintf(out, "Only below %s (lower quality):\n", ftype_name(ESTIMATE_QUANT_FLOOR));
	below = write_section(out, r, model, true, all, &hidden);
	if (below == 0)
		fprintf(out, "  none\n");
	if (hidden > 0)
		fprintf(out, "%d more configuration%s: --all lists every one, --json too.\n", hidden,
			hidden == 1 ? "" : "s");
}

void need_write(FILE *out, const struct need_request *req, const struct need_result *r, bool all)
{
	char share[256];

	fprintf(out, "Every GPU of the table alone, two and four of the desktop, workstation and "
		"datacenter cards, unified-memory machines at the table's memory, and CPU-only "
		"machines at the least RAM that holds the model.\n");
	fprintf(out, "CPU share of GPU configurations: %s.\n",
		need_cpu_share_text(req->base, share, sizeof(share)));
	write_prices(out, r);
	for (int m = 0; m < req->model_count; m++)
		write_model(out, req, r, m, all);
	fprintf(out, "Each row is `canirun report MODEL --quant QUANT --ctx N` with the "
		"configuration's --gpu/--cpu/--ram (--json: report_args).\n");
}

static void write_picks(FILE *out, const struct plan *p)
{
	for (int i = 0; i < p->pick_count; i++) {
		const struct plan_pick *pk = &p->picks[i];
		char tok[16], where[64];

		fprintf(out, "  %-10s %-28s %-8s %8s tok/s per user  %s\n", plan_task_name(pk->task),
			pk->pick.model->id, ftype_name(pk->pick.est.ftype),
			cell_tok_s(pk->pick.per_user_tok_s, tok, sizeof(tok)),
			plan_where_text(&p->models[pk->model_index], where, sizeof(where)));
	}
}

static void write_answer(FILE *out, const char *what, const struct need_stack *s,
			 const struct need_stack_answer *a, const struct plan *p)
{
	const struct need_config *c;
	char name[160], price[24];

	if (!a->found || !p) {
		fprintf(out, "%s: none\n", what);
		return;
	}
	c = &s->configs[a->config];
	need_config_name(c, a->ram_bytes, name, sizeof(name));
	price_text(c, price, sizeof(price));
	fprintf(out, "%s: %s (%s)\n", what, name, price);
	write_picks(out, p);
}

void need_stack_write(FILE *out, const struct need_stack_request *req,
		      const struct need_stack *s, const struct plan *plans[2][2])
{
	static const char *const group[2] = { "with a price", "without a price (smallest)" };
	char share[256], what[96], hw[1024];

	fprintf(out, "The stack: canirun plan's picks (%d user%s, context %d) on %s\n",
		s->reference->users, s->reference->users == 1 ? "" : "s", s->reference->ctx,
		cell_hw_summary(req->base.base, hw, sizeof(hw)));
	write_picks(out, s->reference);
	if (s->reference->pick_count == 0) {
		fprintf(out, "It serves no task here: nothing to look for.\n");
		return;
	}
	fprintf(out, "Each configuration planned with only these models, cheapest first, then those "
		"without a price, smallest first (%d planned); every task above must be served.\n",
		s->tried);
	fprintf(out, "CPU share of GPU configurations: %s.\n",
		need_cpu_share_text(req->base.base, share, sizeof(share)));
	for (int g = 0; g < 2; g++) {
		snprintf(what, sizeof(what), "Every pick resident, %s", group[g]);
		write_answer(out, what, s, &s->resident[g], plans[g][0]);
		snprintf(what, sizeof(what), "Served with swaps, cheaper or smaller, %s", group[g]);
		write_answer(out, what, s, &s->swaps[g], plans[g][1]);
	}
}
