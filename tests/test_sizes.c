/* test_sizes.c - ggml block sizes, file-type rules, and computed GGUF sizes
 * against real files (tests/fixtures/gguf-sizes.csv, the byte sizes of
 * published GGUF files, each row tied to a catalogue id).
 * SIZES_TABLE=1 prints the accuracy table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/catalog.h"
#include "util/numparse.h"
#include "util/sysfile.h"
#include "model/ggml.h"
#include "model/sizemodel.h"
#include "model/quant.h"
#include "testlib.h"

static void block_sizes(void)
{
	static const struct { const char *name; int id, weights, bytes; } known[] = {
		{ "F32", 0, 1, 4 }, { "F16", 1, 1, 2 }, { "Q4_0", 2, 32, 18 },
		{ "Q4_1", 3, 32, 20 }, { "Q5_0", 6, 32, 22 }, { "Q5_1", 7, 32, 24 },
		{ "Q8_0", 8, 32, 34 }, { "Q2_K", 10, 256, 84 },
		{ "Q3_K", 11, 256, 110 }, { "Q4_K", 12, 256, 144 },
		{ "Q5_K", 13, 256, 176 }, { "Q6_K", 14, 256, 210 },
		{ "IQ2_XXS", 16, 256, 66 }, { "IQ2_XS", 17, 256, 74 },
		{ "IQ3_XXS", 18, 256, 98 }, { "IQ1_S", 19, 256, 50 },
		{ "IQ4_NL", 20, 32, 18 }, { "IQ3_S", 21, 256, 110 },
		{ "IQ2_S", 22, 256, 82 }, { "IQ4_XS", 23, 256, 136 },
		{ "IQ1_M", 29, 256, 56 }, { "BF16", 30, 1, 2 },
		{ "MXFP4", 39, 32, 17 },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct ggml_type_info *t = ggml_type_by_name(known[i].name);

		if (!CHECK(t != NULL))
			continue;
		CHECK_INT(t->type, known[i].id);
		CHECK_INT(t->block_weights, known[i].weights);
		CHECK_INT(t->block_bytes, known[i].bytes);
		CHECK(ggml_type_by_id(known[i].id) == t);
	}
	CHECK_STR(ggml_type_name(GGML_TYPE_Q4_K), "q4_K");
	CHECK_STR(ggml_type_name(4), "?");
	CHECK(ggml_type_by_id(31) == NULL);
	CHECK(ggml_type_by_name("Q4_K_M") == NULL);
	CHECK_INT(ggml_row_bytes(GGML_TYPE_Q4_K, 4096), 16 * 144);
	CHECK_INT(ggml_row_bytes(GGML_TYPE_Q4_K, 2880), -1);
	CHECK_INT(ggml_row_bytes(GGML_TYPE_MXFP4, 2880), 90 * 17);
	CHECK_INT(ggml_row_bytes(GGML_TYPE_F32, 7), 28);
	CHECK(ggml_type_is_quantized(GGML_TYPE_Q8_0));
	CHECK(!ggml_type_is_quantized(GGML_TYPE_BF16));
}

static void ftype_names(void)
{
	enum ftype ft;

	CHECK_INT(ftype_by_name("q4_k_m", &ft), 0);
	CHECK_INT(ft, 15);
	CHECK_STR(ftype_name(FTYPE_Q4_K_M), "Q4_K_M");
	CHECK_INT(ftype_by_name("MXFP4", &ft), 0);
	CHECK_INT(ft, FTYPE_MXFP4_MOE);
	CHECK_INT(ftype_by_name("Q4_K", &ft), -1);
	CHECK_INT(ftype_by_id(7, &ft), 0);
	CHECK_STR(ftype_name(ft), "Q8_0");
	CHECK_INT(ftype_by_id(4, &ft), -1);
	CHECK(ftype_name((enum ftype)5) == NULL);
}

/* Runs the type rules over a llama-like layer list and returns the type of
 * the named tensor of layer i. */
static enum ggml_type type_of(enum ftype ft, const char *part, int layer,
			      int n_layer, int64_t ne0, bool tied)
{
	struct quant_model qm = { "llama", n_layer, 0, 4 };
	struct quant_state qs;
	int64_t ne[3] = { ne0, 4096, 1 };
	enum ggml_type t = GGML_TYPE_F32;
	char name[64];

	quant_begin(&qs, &qm, ft, n_layer, tied, false);
	for (int i = 0; i <= layer; i++) {
		snprintf(name, sizeof(name), "blk.%d.%s", i, part);
		t = quant_tensor_type(&qs, name, ne, 2, GGML_TYPE_F16);
	}
	return t;
}

static enum ggml_type single_type(enum ftype ft, const char *name,
				  int64_t ne0, int64_t ne2, int n_dims,
				  bool tied)
{
	struct quant_model qm = { "llama", 32, ne2 > 1 ? (int)ne2 : 0, 4 };
	struct quant_state qs;
	int64_t ne[3] = { ne0, 4096, ne2 };

	quant_begin(&qs, &qm, ft, 32, tied, false);
	return quant_tensor_type(&qs, name, ne, n_dims,
				 n_dims == 1 ? GGML_TYPE_F32 : GGML_TYPE_F16);
}

static void type_rules(void)
{
	/* use_more_bits over 32 layers: 0-3, 28-31, and 6, 9, ... between */
	CHECK_INT(type_of(FTYPE_Q4_K_M, "attn_v.weight", 0, 32, 4096, false), GGML_TYPE_Q6_K);
	CHECK_INT(type_of(FTYPE_Q4_K_M, "attn_v.weight", 4, 32, 4096, false), GGML_TYPE_Q4_K);
	CHECK_INT(type_of(FTYPE_Q4_K_M, "attn_v.weight", 6, 32, 4096, false), GGML_TYPE_Q6_K);
	CHECK_INT(type_of(FTYPE_Q4_K_M, "ffn_down.weight", 28, 32, 4096, false), GGML_TYPE_Q6_K);
	CHECK_INT(type_of(FTYPE_Q4_K_M, "ffn_down.weight", 27, 32, 4096, false), GGML_TYPE_Q6_K);
	CHECK_INT(type_of(FTYPE_Q4_K_M, "ffn_down.weight", 26, 32, 4096, false), GGML_TYPE_Q4_K);
	CHECK_INT(type_of(FTYPE_Q4_K_M, "attn_q.weight", 0, 32, 4096, false), GGML_TYPE_Q4_K);
	CHECK_INT(type_of(FTYPE_Q5_K_M, "ffn_down.weight", 1, 32, 4096, false), GGML_TYPE_Q6_K);
	CHECK_INT(type_of(FTYPE_Q4_K_S, "attn_v.weight", 3, 32, 4096, false), GGML_TYPE_Q5_K);
	CHECK_INT(type_of(FTYPE_Q4_K_S, "attn_v.weight", 4, 32, 4096, false), GGML_TYPE_Q4_K);
	CHECK_INT(type_of(FTYPE_Q3_K_M, "attn_output.weight", 0, 32, 4096, false), GGML_TYPE_Q4_K);
	/* a row of 2880 is no whole number of 256-blocks: Q4_K falls back */
	CHECK_INT(type_of(FTYPE_Q4_K_M, "attn_q.weight", 0, 32, 2880, false), GGML_TYPE_Q5_0);
	CHECK_INT(type_of(FTYPE_Q6_K, "attn_q.weight", 0, 32, 2880, false), GGML_TYPE_Q8_0);
	CHECK_INT(type_of(FTYPE_IQ4_XS, "attn_q.weight", 0, 32, 2880, false), GGML_TYPE_IQ4_NL);
	/* output.weight and a tied token_embd get Q6_K; Q8_0 stays */
	CHECK_INT(single_type(FTYPE_Q4_0, "output.weight", 4096, 1, 2, false), GGML_TYPE_Q6_K);
	CHECK_INT(single_type(FTYPE_Q8_0, "output.weight", 4096, 1, 2, false), GGML_TYPE_Q8_0);
	CHECK_INT(single_type(FTYPE_Q4_K_M, "token_embd.weight", 4096, 1, 2, false), GGML_TYPE_Q4_K);
	CHECK_INT(single_type(FTYPE_Q4_K_M, "token_embd.weight", 4096, 1, 2, true), GGML_TYPE_Q6_K);
	CHECK_INT(single_type(FTYPE_Q4_K_M, "output.weight", 2880, 1, 2, false), GGML_TYPE_Q8_0);
	CHECK_INT(single_type(FTYPE_IQ2_XXS, "token_embd.weight", 4096, 1, 2, false), GGML_TYPE_Q2_K);
	/* vectors and routers are not quantized: they keep their source type */
	CHECK_INT(single_type(FTYPE_Q4_K_M, "blk.0.attn_norm.weight", 4096, 1, 1, false), GGML_TYPE_F32);
	CHECK_INT(single_type(FTYPE_Q4_K_M, "blk.0.ffn_gate_inp.weight", 4096, 1, 2, false), GGML_TYPE_F16);
	/* MXFP4_MOE: experts MXFP4, the rest Q8_0; Mixtral's 8 experts bump attn_v */
	CHECK_INT(single_type(FTYPE_MXFP4_MOE, "blk.0.ffn_up_exps.weight", 2880, 32, 3, false), GGML_TYPE_MXFP4);
	CHECK_INT(single_type(FTYPE_MXFP4_MOE, "blk.0.attn_q.weight", 2880, 1, 2, false), GGML_TYPE_Q8_0);
	CHECK_INT(single_type(FTYPE_Q4_K_M, "blk.0.attn_v.weight", 4096, 8, 2, false), GGML_TYPE_Q8_0);
	CHECK_INT(single_type(FTYPE_F16, "blk.0.attn_q.weight", 4096, 1, 2, false), GGML_TYPE_F16);
}

/* Per-layer bytes add up; experts are apart from attention for MoE. */
static void layer_split(void)
{
	struct catalog cat;
	struct error err;
	struct size_model s;
	const struct model *m;
	int64_t sum, types = 0;

	if (!CHECK(catalog_load(test_path("fixtures/models-mini.json"), &cat,
				&err) == 0))
		return;
	m = catalog_find(&cat, "qwen3:30b");
	if (CHECK(m && gguf_size_compute(m, FTYPE_Q4_K_M, NULL, &s, &err) == 0)) {
		sum = s.nonlayer_bytes;
		CHECK_INT(s.n_layers, 48);
		for (int i = 0; i < s.n_layers; i++) {
			sum += s.layers[i].dense_bytes + s.layers[i].expert_bytes;
			CHECK(s.layers[i].expert_bytes > 10 * s.layers[i].dense_bytes);
		}
		for (int t = 0; t < GGML_TYPE_ID_LIMIT; t++)
			types += s.type_bytes[t];
		CHECK_INT(sum, s.tensor_bytes);
		CHECK_INT(types, s.tensor_bytes);
		CHECK_INT(s.nonlayer_bytes, s.token_embd_bytes + s.output_bytes +
			  2048 * 4);
		CHECK(s.type_bytes[GGML_TYPE_Q6_K] > 0 && s.type_bytes[GGML_TYPE_F32] > 0);
		CHECK(s.file_bytes > s.tensor_bytes);
		size_model_release(&s);
	}
	m = catalog_find(&cat, "llama3.2:1b");
	if (CHECK(m && gguf_size_compute(m, FTYPE_Q8_0, NULL, &s, &err) == 0)) {
		CHECK_INT(s.output_bytes, 0);
		CHECK_INT(s.token_embd_bytes, 2048LL * 128256 / 32 * 34);
		CHECK_INT(s.layers[3].expert_bytes, 0);
		size_model_release(&s);
	}
	catalog_release(&cat);
}

/* Splits one CSV line in place into at most n fields ("" quoting). */
static int csv_split(char *line, char **fields, int n)
{
	int count = 0;
	char *r = line, *w = line;

	while (count < n) {
		bool quoted = *r == '"';

		fields[count++] = w;
		r += quoted;
		for (; *r; r++) {
			if (quoted && r[0] == '"' && r[1] == '"') {
				*w++ = '"';
				r++;
			} else if (quoted && *r == '"') {
				quoted = false;
			} else if (!quoted && (*r == ',' || *r == '\n')) {
				break;
			} else {
				*w++ = *r;
			}
		}
		if (*r != ',') {
			*w = '\0';
			break;
		}
		*w++ = '\0';
		r++;
		w = r > w ? w : r;
		memmove(w, r, strlen(r) + 1);
		r = w;
	}
	return count;
}

struct ref_row {
	char *model_id, *quant, *variant, *size, *unit, *model, *source;
};

/* The real size in bytes, and whether it counts the whole file (bytes, GB
 * as listed by Hugging Face) or tensor data only (llama-bench GiB/MiB). */
static int ref_bytes(const struct ref_row *r, double *bytes, bool *whole)
{
	double v;

	if (parse_double(r->size, &v) < 0)
		return -1;
	*whole = strcmp(r->unit, "bytes") == 0 || strcmp(r->unit, "GB") == 0;
	if (strcmp(r->unit, "GiB") == 0)
		v *= 1073741824.0;
	else if (strcmp(r->unit, "MiB") == 0)
		v *= 1048576.0;
	else if (strcmp(r->unit, "GB") == 0)
		v *= 1e9;
	else if (strcmp(r->unit, "bytes") != 0)
		return -1;
	*bytes = v;
	return 0;
}

/* The variant column says how a file was made, as far as its publisher
 * tells: "imatrix", "untied" (output.weight kept), "embd=TYPE"
 * (--token-embedding-type), "as=FTYPE" (the size matches another file type
 * than the row's label), "unexplained" (reported, not checked). */
static void read_variant(const char *variant, struct size_options *opt,
			 enum ftype *ft)
{
	const char *embd = strstr(variant, "embd="), *as = strstr(variant, "as=");
	char name[16];

	opt->imatrix = strstr(variant, "imatrix") != NULL;
	opt->untied_output = strstr(variant, "untied") != NULL;
	if (embd && sscanf(embd, "embd=%15[A-Za-z0-9_]", name) == 1)
		CHECK((opt->token_embd_type = ggml_type_by_name(name)) != NULL);
	if (as && sscanf(as, "as=%15[A-Za-z0-9_]", name) == 1)
		CHECK(ftype_by_name(name, ft) == 0);
}

/* Returns the error in percent, or NAN when the row cannot be computed. */
static double row_error(const struct catalog *cat, const struct ref_row *r,
			double *real, double *computed)
{
	const struct model *m = catalog_find(cat, r->model_id);
	struct size_options opt = { false, false, NULL };
	struct size_model s;
	struct error err;
	enum ftype ft;
	bool whole = false;

	if (!CHECK(m != NULL) || !CHECK(ftype_by_name(r->quant, &ft) == 0) ||
	    !CHECK(ref_bytes(r, real, &whole) == 0))
		return NAN;
	read_variant(r->variant, &opt, &ft);
	if (!CHECK(gguf_size_compute(m, ft, &opt, &s, &err) == 0))
		return NAN;
	*computed = (double)(whole ? s.file_bytes : s.tensor_bytes);
	size_model_release(&s);
	return 100.0 * (*computed - *real) / *real;
}

/* Checks every row of the reference table whose model the catalogue at
 * path has; returns how many rows were checked. */
static int check_reference_rows(const char *path, bool table)
{
	struct catalog cat;
	struct error err;
	char *text, *line, *save = NULL;
	double worst = 0;
	int rows = 0;
	size_t len;

	if (!CHECK(catalog_load(path, &cat, &err) == 0))
		return 0;
	text = fs_read_all(test_path("fixtures/gguf-sizes.csv"), 1 << 20, &len,
			   &err);
	if (!CHECK(text != NULL)) {
		catalog_release(&cat);
		return 0;
	}
	strtok_r(text, "\n", &save); /* header */
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *f[7];
		struct ref_row r;
		double real = 0, computed = 0, e;

		if (!CHECK_INT(csv_split(line, f, 7), 7))
			continue;
		r = (struct ref_row){ f[0], f[1], f[2], f[3], f[4], f[5], f[6] };
		if (!catalog_find(&cat, r.model_id))
			continue;
		e = row_error(&cat, &r, &real, &computed);
		rows++;
		if (table)
			printf("| %-26.26s | %-9s | %-12s | %-5s | %14.0f | %14.0f | %+6.2f%% |\n",
			       r.model, r.quant, r.variant, r.unit, real, computed, e);
		if (strstr(r.variant, "unexplained"))
			continue;
		if (!CHECK(fabs(e) <= 1.0))
			fprintf(stderr, "  %s: %s %s (%s): %+.2f%%\n", path,
				r.model_id, r.quant, r.variant, e);
		if (fabs(e) > worst)
			worst = fabs(e);
	}
	if (table)
		printf("%s: rows %d, worst error %.2f%%\n", path, rows, worst);
	free(text);
	catalog_release(&cat);
	return rows;
}

static void reference_sizes(void)
{
	char path[512];

	/* test_path's buffer is reused by the CSV read: keep a copy */
	snprintf(path, sizeof(path), "%s", test_path("fixtures/models-mini.json"));
	CHECK(check_reference_rows(path, getenv("SIZES_TABLE") != NULL) == 72);
}

/* The same rows against the shipped catalogue, for the models it has. */
static void reference_sizes_data(void)
{
	const char *dir = getenv("CANIRUN_DATA_DIR");
	char path[512];

	snprintf(path, sizeof(path), "%s/models.json", dir ? dir : "data");
	CHECK(check_reference_rows(path, getenv("SIZES_TABLE") != NULL) >= 50);
}

TESTS(T(block_sizes), T(ftype_names), T(type_rules), T(layer_split),
      T(reference_sizes),
      T(reference_sizes_data));
