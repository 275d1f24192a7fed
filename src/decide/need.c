#include "decide/need.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate/serving.h"
#include "model/quant.h"
#include "model/sizemodel.h"
#include "util/units.h"

#define CTX_STEP 256            /* max_ctx is found to this many tokens */

static const int ram_sizes_gib[] = NEED_RAM_SIZES_GIB;
#define RAM_SIZE_COUNT ((int)(sizeof(ram_sizes_gib) / sizeof(ram_sizes_gib[0])))
static const int gpu_counts[] = NEED_GPU_COUNTS;

/* ---- configurations ---- */

/* Cards that come two or four to a box; laptops and integrated parts do not. */
static bool stacks(const struct gpu_spec *g)
{
	return strcmp(g->form, "desktop") == 0 || strcmp(g->form, "workstation") == 0 ||
	       strcmp(g->form, "datacenter") == 0;
}

/* memory_bytes: a unified part's memory (its price is for the table's
 * only), else the cards' VRAM. */
static struct need_config gpu_config(const struct gpu_spec *g, int count, int64_t memory_bytes)
{
	const struct gpu_price *p = gpu_spec_price(g, g->unified_memory ? memory_bytes : HW_UNKNOWN);

	return (struct need_config){
		.kind = g->unified_memory ? NEED_UNIFIED : NEED_DISCRETE,
		.gpu = g, .gpu_count = count, .memory_bytes = memory_bytes,
		.ram_bytes = HW_UNKNOWN,
		.price_usd = p ? count * p->usd : -1, .price = p,
	};
}

static struct need_config cpu_config(const struct cpu_spec *c, int64_t ram_bytes)
{
	return (struct need_config){
		.kind = NEED_CPU_ONLY, .cpu = c, .memory_bytes = ram_bytes > 0 ? ram_bytes : 0,
		.ram_bytes = ram_bytes, .price_usd = -1,
	};
}

/* Appends the configurations of one GPU entry. A unified part runs at the
 * memory --ram gives, else at the table's; one with neither is left out. */
static int add_gpu_configs(const struct gpu_spec *g, const struct whatif *w,
			   struct need_config *out)
{
	int n = 0;

	if (g->unified_memory) {
		int64_t memory = w->ram_bytes >= 0 ? w->ram_bytes : g->vram_bytes;

		if (memory > 0)
			out[n++] = gpu_config(g, 1, memory);
		return n;
	}
	if (g->vram_bytes <= 0)
		return 0;
	for (int i = 0; i < (int)(sizeof(gpu_counts) / sizeof(gpu_counts[0])); i++)
		if (gpu_counts[i] == 1 || stacks(g))
			out[n++] = gpu_config(g, gpu_counts[i], gpu_counts[i] * g->vram_bytes);
	return n;
}

/* The GPU configurations, table order; out has room for 3 per entry. */
static int list_gpu_configs(const struct gpu_table *gpus, const struct whatif *w,
			    struct need_config *out)
{
	int n = 0;

	for (int i = 0; i < gpus->count; i++)
		n += add_gpu_configs(&gpus->specs[i], w, out + n);
	return n;
}

int need_configs(const struct gpu_table *gpus, const struct cpu_table *cpus,
		 const struct whatif *whatif, struct need_config **out, int *count,
		 struct error *err)
{
	int cap = gpus->count * 3 + (cpus ? cpus->count : 0) + 1, n;
	struct need_config *c = calloc((size_t)cap, sizeof(*c));
	bool cpu_given = whatif->cpu_name || whatif->cpu_spec;

	if (!c)
		return error_set(err, "out of memory");
	n = list_gpu_configs(gpus, whatif, c);
	/* --cpu: that CPU (the machine's now); else every CPU of the table */
	if (cpu_given)
		c[n++] = cpu_config(NULL, whatif->ram_bytes);
	for (int i = 0; !cpu_given && cpus && i < cpus->count; i++)
		c[n++] = cpu_config(&cpus->specs[i], whatif->ram_bytes);
	*out = c;
	*count = n;
	return 0;
}

int need_config_hardware(const struct need_request *req, const struct need_config *c,
			 int64_t ram_bytes, struct hardware *out, struct error *err)
{
	struct whatif w = *req->whatif;

	/* the command line's GPUs never reach here (cmd/need.c refuses them) */
	w.gpu_name_count = 0;
	w.vram_bytes = HW_UNKNOWN;
	w.gpu_spec = c->gpu;
	w.gpu_spec_count = c->gpu_count;
	w.gpu_memory_bytes = c->kind == NEED_UNIFIED ? c->memory_bytes : 0;
	w.cpu_only = c->kind == NEED_CPU_ONLY;
	if (ram_bytes >= 0)
		w.ram_bytes = ram_bytes;
	*out = *req->base;
	if (whatif_apply(&w, req->gpus, out, err) < 0)
		return -1;
	if (!c->cpu)
		return 0;   /* the machine's CPU, already as the command line describes it */
	w.cpu_spec = c->cpu;
	w.cpu_name = NULL;
	return whatif_apply_host(&w, req->cpus, out, err);
}

static void gib_text(int64_t bytes, char *buf, size_t size)
{
	snprintf(buf, size, "%lld", (long long)((bytes + GIB / 2) / GIB));
}

/* A unified part runs at the table's memory (or --ram's, which the command
 * line gives already): its plain name says it. */
void need_config_args(const struct need_config *c, int64_t ram_bytes, char *buf, size_t size)
{
	char gib[32];

	if (c->kind == NEED_CPU_ONLY) {
		gib_text(ram_bytes, gib, sizeof(gib));
		if (c->cpu)
			snprintf(buf, size, "--cpu-only --cpu '%s' --ram %sG", c->cpu->name, gib);
		else
			snprintf(buf, size, "--cpu-only --ram %sG", gib);
	} else if (c->gpu_count > 1) {
		snprintf(buf, size, "--gpu '%dx %s'", c->gpu_count, c->gpu->name);
	} else {
		snprintf(buf, size, "--gpu '%s'", c->gpu->name);
	}
}

void need_config_name(const struct need_config *c, int64_t ram_bytes, char *buf, size_t size)
{
	char gib[32];

	if (c->kind == NEED_CPU_ONLY) {
		gib_text(ram_bytes, gib, sizeof(gib));
		snprintf(buf, size, "%s, %s GB RAM", c->cpu ? c->cpu->name : "CPU only", gib);
	} else if (c->kind == NEED_UNIFIED) {
		gib_text(c->memory_bytes, gib, sizeof(gib));
		snprintf(buf, size, "%s %s GB", c->gpu->name, gib);
	} else if (c->gpu_count > 1) {
		snprintf(buf, size, "%dx %s", c->gpu_count, c->gpu->name);
	} else {
		snprintf(buf, size, "%s", c->gpu->name);
	}
}

/* ---- one model on one configuration ---- */

/* A model's candidate types, each sized once for every configuration. */
struct sized_model {
	const struct model *model;
	int count, upper;               /* types[0..upper) are at or above the floor */
	enum ftype types[ESTIMATE_LISTED_MAX];
	struct size_model sizes[ESTIMATE_LISTED_MAX];
	int ctx, trained_ctx;           /* the row's context; the model's trained one */
};

static void sized_release(struct sized_model *s)
{
	for (int i = 0; i < s->count; i++)
		size_model_release(&s->sizes[i]);
	s->count = 0;
}

static int sized_types(const struct need_request *req, const struct model_ref *ref,
		       struct sized_model *s, struct error *err)
{
	const struct model *m = ref->model;
	enum ftype forced = ref->ftype;

	memset(s, 0, sizeof(*s));
	s->model = m;
	if (req->quant && !ref->has_ftype && ftype_by_name(req->quant, &forced) < 0)
		return error_set(err, "--quant: unknown type '%s' (Q4_K_M, Q8_0, F16, ...)",
				 req->quant);
	if (req->quant || ref->has_ftype) {
		s->types[0] = forced;
		s->count = s->upper = 1;
		return 0;
	}
	s->count = estimate_listed_ftypes(m, false, s->types);
	while (s->upper < s->count && estimate_quality_index(s->types[s->upper]) <=
				      estimate_quality_index(ESTIMATE_QUANT_FLOOR))
		s->upper++;
	if (s->upper == 0)
		s->upper = 1;   /* nothing at the floor is listed: the best that is */
	return 0;
}

static int sized_model_init(const struct need_request *req, const struct model_ref *ref,
			    struct sized_model *s, struct error *err)
{
	struct estimate_settings trained = *req->set;
	int n;

	if (sized_types(req, ref, s, err) < 0)
		return -1;
	n = s->count;
	s->count = 0;
	for (int i = 0; i < n; i++, s->count++)
		if (gguf_size_compute(s->model, s->types[i], NULL, &s->sizes[i], err) < 0) {
			sized_release(s);
			return -1;
		}
	trained.ctx = 0;
	s->trained_ctx = estimate_context(req->base, s->model, &trained, NULL);
	s->ctx = req->set->ctx > 0 ? req->set->ctx :
		 req->set->ctx == 0 ? s->trained_ctx : NEED_DEFAULT_CTX;
	return 0;
}

/* An estimate at ctx tokens for each of the users, and each user's speed. */
struct trial {
	struct estimate est;
	double per_user_tok_s;
	bool serves;
};

static void try_type(const struct need_request *req, const struct hardware *hw,
		     const struct sized_model *s, int type, int ctx, struct trial *t)
{
	struct estimate_settings set = *req->set;
	int64_t tokens = (int64_t)ctx * req->users;

	set.ctx = tokens < (1 << 24) ? (int)tokens : 1 << 24;
	set.threads = estimate_threads(hw, req->whatif->threads); /* a CPU-only box's own cores */
	estimate_model(hw, s->model, &s->sizes[type], &set, &t->est);
	t->per_user_tok_s = req->users > 1 ? batch_per_user_tok_s(&t->est, req->users)
					   : t->est.now.decode_tok_s;
	t->serves = t->est.now.placement != PLACE_NONE && t->per_user_tok_s >= req->min_tok_s;
}

/* The largest context, to CTX_STEP tokens, at which type still serves. */
static int max_context(const struct need_request *req, const struct hardware *hw,
		       const struct sized_model *s, int type)
{
	int lo = s->ctx, hi = s->trained_ctx;
	struct trial t;

	if (hi <= lo)
		return lo;
	try_type(req, hw, s, type, hi, &t);
	if (t.serves)
		return hi;
	while (hi - lo > CTX_STEP) {
		int mid = lo + (hi - lo) / 2;

		mid -= mid % CTX_STEP;
		if (mid <= lo)
			mid = lo + CTX_STEP;
		try_type(req, hw, s, type, mid, &t);
		if (t.serves)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int64_t left_on(const struct device_load *d)
{
	return d->budget_bytes - (d->weights_bytes + d->kv_bytes + d->compute_bytes +
				  d->reserve_bytes);
}

/* Memory the devices holding the model still have free. */
static int64_t memory_left(const struct hardware *hw, const struct fit *f)
{
	int64_t left = 0;

	for (int i = 0; i < hw->gpu_count; i++)
		if (f->gpu[i].layers > 0 || f->gpu[i].expert_layers > 0)
			left += left_on(&f->gpu[i]);
	if (f->placement == PLACE_CPU || f->placement == PLACE_PARTIAL)
		left += left_on(&f->cpu);
	return left;
}

static bool on_gpus(const struct fit *f)
{
	return f->placement == PLACE_GPU || f->placement == PLACE_MULTI_GPU;
}

/* The type of types[from..to) that serves, preferred as estimate_best
 * prefers: the highest quality entirely on GPUs, else the highest quality
 * anywhere. Its trial in *t (the last tried when none serves). Returns its
 * index, or -1. */
static int first_serving(const struct need_request *req, const struct hardware *hw,
			 const struct sized_model *s, int from, int to, struct trial *t)
{
	struct trial anywhere;
	int found = -1;

	for (int i = from; i < to; i++) {
		try_type(req, hw, s, i, s->ctx, t);
		if (!t->serves)
			continue;
		if (on_gpus(&t->est.now) || hw->gpu_count == 0)
			return i;
		if (found < 0) {
			found = i;
			anywhere = *t;
		}
	}
	if (found >= 0)
		*t = anywhere;
	return found;
}

/* The row's type on hw, its trial in *t: the floor type (the lowest listed
 * at or above ESTIMATE_QUANT_FLOOR: Ollama's default tag) when it serves,
 * so rows compare at one quant; else a better one that does; else the best
 * below the floor (row's below_floor and floor fields say so). Returns its
 * index, or -1 when none serves. */
static int choose_type(const struct need_request *req, const struct hardware *hw,
		       const struct sized_model *s, struct trial *t, struct need_row *row)
{
	int floor = s->upper - 1, type;

	/* The smallest type not fitting at all: no type fits. */
	try_type(req, hw, s, s->count - 1, s->ctx, t);
	if (t->est.now.placement == PLACE_NONE)
		return -1;
	try_type(req, hw, s, floor, s->ctx, t);
	if (t->serves)
		return floor;
	row->floor_ftype = t->est.ftype;
	row->floor_placement = t->est.now.placement;
	row->floor_tok_s = t->per_user_tok_s;
	row->floor_gpu_layers = t->est.now.gpu_layers;
	if ((type = first_serving(req, hw, s, 0, floor, t)) >= 0)
		return type;
	row->below_floor = true;
	return first_serving(req, hw, s, s->upper, s->count, t);
}

/* The best quality that serves on hw, no lower than type (its index). */
static enum ftype best_serving(const struct need_request *req, const struct hardware *hw,
			       const struct sized_model *s, int type)
{
	struct trial t;
	int best = first_serving(req, hw, s, 0, type, &t);

	return s->types[best >= 0 ? best : type];
}

static void fill_row(const struct need_request *req, const struct hardware *hw,
		     const struct sized_model *s, int type, const struct trial *t,
		     struct need_row *row)
{
	row->est = t->est;
	row->best_ftype = best_serving(req, hw, s, type);
	row->per_user_tok_s = t->per_user_tok_s;
	row->ctx = s->ctx;
	row->max_ctx = max_context(req, hw, s, type);
	row->memory_left_bytes = memory_left(hw, &t->est.now);
	row->ram_bytes = hw->ram.total_bytes;
}

/* The row of s on hw, when some type serves: 1 with *row, else 0. */
static int search_one(const struct need_request *req, const struct hardware *hw,
		      const struct sized_model *s, struct need_row *row)
{
	struct trial t;
	int type = choose_type(req, hw, s, &t, row);

	if (type < 0)
		return 0;
	fill_row(req, hw, s, type, &t, row);
	return 1;
}

/* A CPU-only machine without --ram: the type that serves with the most RAM
 * tried, at the least RAM that still holds it (its speed does not depend
 * on the RAM, only whether it fits). 1 with *row, 0, or -1 with err. */
static int search_cpu_sizes(const struct need_request *req, const struct need_config *c,
			    const struct sized_model *s, struct hardware *hw,
			    struct need_row *row, struct error *err)
{
	struct trial t;
	int type, least = RAM_SIZE_COUNT - 1;

	if (need_config_hardware(req, c, ram_sizes_gib[least] * GIB, hw, err) < 0)
		return -1;
	if ((type = choose_type(req, hw, s, &t, row)) < 0)
		return 0;
	for (int r = least - 1; r >= 0; r--) {
		struct trial smaller;

		if (need_config_hardware(req, c, ram_sizes_gib[r] * GIB, hw, err) < 0)
			return -1;
		try_type(req, hw, s, type, s->ctx, &smaller);
		if (!smaller.serves)
			break;
		least = r;
		t = smaller;
	}
	if (need_config_hardware(req, c, ram_sizes_gib[least] * GIB, hw, err) < 0)
		return -1;
	fill_row(req, hw, s, type, &t, row);
	return 1;
}

static int search_config(const struct need_request *req, const struct need_config *c,
			 const struct sized_model *s, struct hardware *hw, struct need_row *row,
			 struct error *err)
{
	memset(row, 0, sizeof(*row));
	if (c->kind == NEED_CPU_ONLY && c->ram_bytes < 0)
		return search_cpu_sizes(req, c, s, hw, row, err);
	if (need_config_hardware(req, c, c->ram_bytes, hw, err) < 0)
		return -1;
	if (!search_one(req, hw, s, row))
		return 0;
	/* cards the placement leaves idle: the box with fewer is listed, for less */
	return c->gpu_count > 1 && row->est.now.gpus_used < c->gpu_count ? 0 : 1;
}

/* ---- order ---- */

static int64_t row_memory(const struct need_config *c, const struct need_row *r)
{
	return c->kind == NEED_CPU_ONLY ? r->ram_bytes : c->memory_bytes;
}

static int compare_rows(const void *pa, const void *pb, void *ctx)
{
	const struct need_config *configs = ctx;
	const struct need_row *a = pa, *b = pb;
	const struct need_config *ca = &configs[a->config], *cb = &configs[b->config];
	bool pa_known = ca->price_usd >= 0, pb_known = cb->price_usd >= 0;

	if (a->model != b->model)
		return a->model - b->model;
	if (pa_known != pb_known)
		return pa_known ? -1 : 1;
	if (pa_known && ca->price_usd != cb->price_usd)
		return ca->price_usd < cb->price_usd ? -1 : 1;
	if (row_memory(ca, a) != row_memory(cb, b))
		return row_memory(ca, a) < row_memory(cb, b) ? -1 : 1;
	if (a->per_user_tok_s != b->per_user_tok_s)
		return a->per_user_tok_s > b->per_user_tok_s ? -1 : 1;
	return a->config - b->config;
}

/* ---- the search ---- */

static int search_model(const struct need_request *req, int model, struct need_result *out,
			int done, int total, struct error *err)
{
	struct sized_model *s = malloc(sizeof(*s));
	struct hardware *hw = malloc(sizeof(*hw));
	int rc = s && hw ? sized_model_init(req, &req->models[model], s, err)
			 : error_set(err, "out of memory");
	bool sized = rc == 0;

	for (int c = 0; rc == 0 && c < out->config_count; c++) {
		struct need_row *row = &out->rows[out->row_count];
		int found = search_config(req, &out->configs[c], s, hw, row, err);

		if (found < 0) {
			rc = -1;
			break;
		}
		row->config = c;
		row->model = model;
		out->row_count += found;
		if (req->progress && c % 32 == 0)
			req->progress(req->progress_ctx, (double)(done + c) / total);
	}
	if (sized)
		sized_release(s);
	free(s);
	free(hw);
	return rc;
}

int need_search(const struct need_request *req, struct need_result *out, struct error *err)
{
	int total;

	memset(out, 0, sizeof(*out));
	out->ctx = req->set->ctx > 0 ? req->set->ctx : req->set->ctx == 0 ? 0 : NEED_DEFAULT_CTX;
	out->users = req->users;
	out->min_tok_s = req->min_tok_s;
	if (need_configs(req->gpus, req->cpus, req->whatif, &out->configs, &out->config_count,
			 err) < 0)
		return -1;
	total = out->config_count * req->model_count;
	out->rows = calloc((size_t)(total > 0 ? total : 1), sizeof(*out->rows));
	if (!out->rows) {
		need_result_release(out);
		return error_set(err, "out of memory");
	}
	for (int m = 0; m < req->model_count; m++)
		if (search_model(req, m, out, m * out->config_count, total, err) < 0) {
			need_result_release(out);
			return -1;
		}
	qsort_r(out->rows, (size_t)out->row_count, sizeof(*out->rows), compare_rows, out->configs);
	return 0;
}

void need_result_release(struct need_result *r)
{
	free(r->configs);
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

/* ---- the stack ---- */

static int compare_configs(const void *pa, const void *pb)
{
	const struct need_config *a = pa, *b = pb;
	bool ka = a->price_usd >= 0, kb = b->price_usd >= 0;

	if (ka != kb)
		return ka ? -1 : 1;
	if (ka && a->price_usd != b->price_usd)
		return a->price_usd < b->price_usd ? -1 : 1;
	if (a->memory_bytes != b->memory_bytes)
		return a->memory_bytes < b->memory_bytes ? -1 : 1;
	return a->gpu && b->gpu && a->gpu->bandwidth_gbps != b->gpu->bandwidth_gbps ?
	       (a->gpu->bandwidth_gbps > b->gpu->bandwidth_gbps ? -1 : 1) : 0;
}

/* The stack's configurations: the GPU ones, and the machine's CPU alone
 * at each RAM size (or at --ram), cheapest then smallest first. */
static int stack_configs(const struct need_stack_request *req, struct need_stack *out,
			 struct error *err)
{
	const struct need_request *b = &req->base;
	struct need_config *c = calloc((size_t)b->gpus->count * 3 + RAM_SIZE_COUNT, sizeof(*c));
	int n;

	if (!c)
		return error_set(err, "out of memory");
	n = list_gpu_configs(b->gpus, b->whatif, c);
	if (b->whatif->ram_bytes >= 0)
		c[n++] = cpu_config(NULL, b->whatif->ram_bytes);
	for (int r = 0; b->whatif->ram_bytes < 0 && r < RAM_SIZE_COUNT; r++)
		c[n++] = cpu_config(NULL, ram_sizes_gib[r] * GIB);
	qsort(c, (size_t)n, sizeof(*c), compare_configs);
	out->configs = c;
	out->config_count = n;
	return 0;
}

static bool all_resident(const struct plan *p)
{
	for (int i = 0; i < p->model_count; i++)
		if (!p->models[i].resident)
			return false;
	return true;
}

static int plan_on(const struct need_stack_request *req, const struct need_stack *s,
		   const struct need_config *c, struct hardware *hw, struct plan *p,
		   struct error *err)
{
	if (need_config_hardware(&req->base, c, c->ram_bytes, hw, err) < 0)
		return -1;
	return plan_build(hw, req->catalog, req->scores, &s->restricted, req->base.set, p, err);
}

/* Records configuration i's plan p as an answer of its group: every task
 * the stack serves is served. */
static void record(struct need_stack *s, int i, const struct plan *p)
{
	int g = s->configs[i].price_usd >= 0 ? 0 : 1;
	struct need_stack_answer a = { .found = true, .config = i,
				       .ram_bytes = s->configs[i].ram_bytes };

	if (p->pick_count < s->reference->pick_count)
		return;
	if (all_resident(p))
		s->resident[g] = a;
	else if (!s->swaps[g].found)
		s->swaps[g] = a;
}

/* The stack: the plan on the machine described, and its models. */
static int plan_reference(const struct need_stack_request *req, struct need_stack *s,
			  struct error *err)
{
	int n = 0;

	if (!(s->reference = calloc(1, sizeof(*s->reference))))
		return error_set(err, "out of memory");
	if (plan_build(req->base.base, req->catalog, req->scores, &req->plan, req->base.set,
		       s->reference, err) < 0)
		return -1;
	for (int i = 0; i < s->reference->model_count; i++)
		s->models[n++] = s->reference->models[i].model;
	s->restricted = req->plan;
	s->restricted.only = s->models;
	s->restricted.only_count = n;
	return 0;
}

static int search_stack(const struct need_stack_request *req, struct need_stack *out,
			struct hardware *hw, struct plan *p, struct error *err)
{
	for (int i = 0; i < out->config_count; i++) {
		int g = out->configs[i].price_usd >= 0 ? 0 : 1;

		if (out->resident[g].found)
			continue;   /* this group is settled: the rest cost more */
		if (plan_on(req, out, &out->configs[i], hw, p, err) < 0)
			return -1;
		out->tried++;
		record(out, i, p);
		if (out->resident[0].found && out->resident[1].found)
			break;
		if (req->base.progress && i % 8 == 0)
			req->base.progress(req->base.progress_ctx, (double)i / out->config_count);
	}
	return 0;
}

int need_stack_search(const struct need_stack_request *req, struct need_stack *out,
		      struct error *err)
{
	struct hardware *hw = malloc(sizeof(*hw));
	struct plan *p = malloc(sizeof(*p));
	int rc = hw && p ? 0 : error_set(err, "out of memory");

	memset(out, 0, sizeof(*out));
	if (rc == 0)
		rc = plan_reference(req, out, err);
	if (rc == 0 && out->reference->pick_count > 0 && (rc = stack_configs(req, out, err)) == 0)
		rc = search_stack(req, out, hw, p, err);
	free(hw);
	free(p);
	if (rc < 0)
		need_stack_release(out);
	return rc;
}

void need_stack_release(struct need_stack *s)
{
	free(s->configs);
	free(s->reference);
	memset(s, 0, sizeof(*s));
}

int need_stack_plan(const struct need_stack_request *req, const struct need_stack *s,
		    const struct need_stack_answer *a, struct plan *out, struct error *err)
{
	struct hardware *hw = malloc(sizeof(*hw));
	int rc = hw ? plan_on(req, s, &s->configs[a->config], hw, out, err)
		    : error_set(err, "out of memory");

	free(hw);
	return rc;
}
