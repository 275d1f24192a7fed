/* gguf.c - GGUF header reader; see gguf.h for the contract.
 *
 * Layout facts: ggml-org/ggml docs/gguf.md (header, kv and tensor-info
 * layout, default alignment 32, 64-byte tensor names, 65535-byte keys) and
 * src/gguf.cpp (v1 rejected, alignment a power of two, duplicate keys and
 * tensor names rejected, at most GGML_MAX_DIMS = 4 dimensions).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/ggml.h"
#include "model/gguf.h"
#include "model/quant.h"

/* The fuzz build shrinks the buffer so that reads cross refills. */
#ifdef GGUF_RD_BUF_BYTES
#define RD_BUF_BYTES GGUF_RD_BUF_BYTES
#else
#define RD_BUF_BYTES 65536
#endif
#define MAX_KEY_BYTES 65535
#define MAX_KEPT_BYTES (64u << 20)  /* all strings kept from one header */
#define MAX_ALIGNMENT (1u << 30)
/* The smallest encodings: a kv is a 1-byte key (8+1), a type (4) and a
 * 1-byte value; a tensor info a 1-byte name, n_dims 0, type and offset. */
#define MIN_KV_BYTES 14
#define MIN_TENSOR_BYTES 25

struct reader {
	int fd;                     /* -1: reading mem */
	const uint8_t *mem;
	uint64_t size, pos;
	uint64_t buf_off;           /* file offset of buf[0] */
	size_t buf_len;
	uint64_t kept_bytes;
	const char *name;
	struct error *err;
	uint8_t buf[RD_BUF_BYTES];
};

static int fail_at(struct error *err, const char *name, uint64_t off,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail_at(struct error *err, const char *name, uint64_t off,
		   const char *fmt, ...)
{
	char why[ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return error_set(err, "%s: offset %" PRIu64 ": %s", name, off, why);
}

#define RFAIL(r, off, ...) fail_at((r)->err, (r)->name, (off), __VA_ARGS__)

/* A name from the file, made safe to print: at most 64 bytes, anything but
 * printable ASCII shown as '?'. */
struct shown {
	char s[72];
};

static struct shown show(const char *name)
{
	struct shown out;
	size_t i;

	for (i = 0; name[i] && i < 64; i++)
		out.s[i] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
	memcpy(out.s + i, name[i] ? "..." : "", name[i] ? 4 : 1);
	return out;
}

/* ---- the buffered reader ------------------------------------------- */

static int rd_fill(struct reader *r)
{
	uint64_t left = r->size - r->pos;
	size_t want = left < RD_BUF_BYTES ? (size_t)left : RD_BUF_BYTES;
	size_t got = 0;

	while (got < want) {
		ssize_t n = pread(r->fd, r->buf + got, want - got,
				  (off_t)(r->pos + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return RFAIL(r, r->pos + got, "read failed: %s",
				     n < 0 ? strerror(errno) : "file shrank");
		got += (size_t)n;
	}
	r->buf_off = r->pos;
	r->buf_len = got;
	return 0;
}

static int rd_bytes(struct reader *r, void *dst, size_t n, const char *what)
{
	uint8_t *d = dst;

	if (n > r->size - r->pos)
		return RFAIL(r, r->pos, "file ends inside %s (%zu bytes needed, %"
			     PRIu64 " left)", what, n, r->size - r->pos);
	if (n == 0)
		return 0;
	if (r->fd < 0) {
		memcpy(d, r->mem + r->pos, n);
		r->pos += n;
		return 0;
	}
	while (n > 0) {
		if (r->pos < r->buf_off || r->pos - r->buf_off >= r->buf_len)
			if (rd_fill(r))
				return -1;
		size_t at = (size_t)(r->pos - r->buf_off);
		size_t k = r->buf_len - at < n ? r->buf_len - at : n;
		memcpy(d, r->buf + at, k);
		d += k;
		n -= k;
		r->pos += k;
	}
	return 0;
}

/* A little-endian unsigned integer of n <= 8 bytes. */
static int rd_uint(struct reader *r, size_t n, uint64_t *out, const char *what)
{
	uint8_t b[8];
	uint64_t v = 0;

	if (rd_bytes(r, b, n, what))
		return -1;
	while (n-- > 0)
		v = v << 8 | b[n];
	*out = v;
	return 0;
}

/* A GGUF string: kept in *out (malloc'd, NUL-terminated) or, when out is
 * NULL, skipped. Its length is checked against the file before anything
 * is allocated. */
static int rd_string(struct reader *r, const char *what, uint64_t max,
		     char **out)
{
	uint64_t off = r->pos, len;
	char *s;

	if (rd_uint(r, 8, &len, what))
		return -1;
	if (len > r->size - r->pos)
		return RFAIL(r, off, "%s: string length %" PRIu64 " exceeds the "
			     "file size (%" PRIu64 " bytes left)", what, len,
			     r->size - r->pos);
	if (len > max)
		return RFAIL(r, off, "%s: string length %" PRIu64 " exceeds the "
			     "limit of %" PRIu64 " bytes", what, len, max);
	if (!out) {
		r->pos += len;
		return 0;
	}
	if (len > MAX_KEPT_BYTES - r->kept_bytes)
		return RFAIL(r, off, "%s: the header's strings exceed %u bytes",
			     what, MAX_KEPT_BYTES);
	s = malloc((size_t)len + 1);
	if (!s)
		return RFAIL(r, off, "%s: out of memory", what);
	if (rd_bytes(r, s, (size_t)len, what)) {
		free(s);
		return -1;
	}
	s[len] = '\0';
	r->kept_bytes += len;
	*out = s;
	return 0;
}

/* A key or tensor name: a kept string, non-empty, without NUL bytes. */
static int rd_name(struct reader *r, const char *what, uint64_t max, char **out)
{
	uint64_t off = r->pos;

	if (rd_string(r, what, max, out))
		return -1;
	if ((*out)[0] == '\0' || strlen(*out) != r->pos - off - 8)
		return RFAIL(r, off, "%s is empty or holds a NUL byte", what);
	return 0;
}

/* ---- values ---------------------------------------------------------- */

/* Bytes of each scalar type; 0 for string and array. */
static const uint8_t scalar_bytes[GGUF_FLOAT64 + 1] = {
	1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8,
};

static bool is_signed(enum gguf_value_type t)
{
	return t == GGUF_INT8 || t == GGUF_INT16 || t == GGUF_INT32 ||
	       t == GGUF_INT64;
}

static bool is_int(enum gguf_value_type t)
{
	return t <= GGUF_INT32 || t == GGUF_UINT64 || t == GGUF_INT64;
}

/* An integer value as unsigned; -1 for other types and negative values. */
static int int_value(enum gguf_value_type t, uint64_t bits, uint64_t *out)
{
	if (!is_int(t) || (is_signed(t) && (int64_t)bits < 0))
		return -1;
	*out = bits;
	return 0;
}

static int read_scalar(struct reader *r, enum gguf_value_type t,
		       uint64_t *bits, double *f64, const char *what)
{
	uint64_t off = r->pos, v;
	unsigned width = 8u * scalar_bytes[t];

	if (rd_uint(r, scalar_bytes[t], &v, what))
		return -1;
	if (t == GGUF_BOOL && v > 1)
		return RFAIL(r, off, "%s: bool value %" PRIu64 " is neither 0 "
			     "nor 1", what, v);
	if (is_signed(t) && width < 64 && (v >> (width - 1)) & 1)
		v |= UINT64_MAX << width;
	if (t == GGUF_FLOAT32) {
		uint32_t u = (uint32_t)v;
		float x;
		memcpy(&x, &u, sizeof x);
		*f64 = x;
	} else if (t == GGUF_FLOAT64) {
		memcpy(f64, &v, sizeof *f64);
	}
	*bits = v;
	return 0;
}

static int read_type(struct reader *r, enum gguf_value_type *t,
		     const char *what)
{
	uint64_t off = r->pos, v;

	if (rd_uint(r, 4, &v, what))
		return -1;
	if (v > GGUF_FLOAT64)
		return RFAIL(r, off, "%s: unknown value type %" PRIu64, what, v);
	*t = (enum gguf_value_type)v;
	return 0;
}

/* Arrays: strings and floats are skipped, short integer arrays kept. */
static int read_array(struct reader *r, struct gguf_kv *kv, const char *what)
{
	uint64_t off = r->pos, len, elem_bytes, i;
	double unused;

	if (read_type(r, &kv->arr_type, what))
		return -1;
	if (kv->arr_type == GGUF_ARRAY)
		return RFAIL(r, off, "%s: nested arrays are not supported", what);
	off = r->pos;
	if (rd_uint(r, 8, &len, what))
		return -1;
	elem_bytes = kv->arr_type == GGUF_STRING ? 8 : scalar_bytes[kv->arr_type];
	if (len > (r->size - r->pos) / elem_bytes)
		return RFAIL(r, off, "%s: array length %" PRIu64 " exceeds the "
			     "file size", what, len);
	kv->arr_len = len;
	if (kv->arr_type == GGUF_STRING) {
		for (i = 0; i < len; i++)
			if (rd_string(r, what, GGUF_MAX_STRING, NULL))
				return -1;
		return 0;
	}
	if (!(is_int(kv->arr_type) || kv->arr_type == GGUF_BOOL) ||
	    len > GGUF_ARR_KEEP) {
		r->pos += len * elem_bytes;
		return 0;
	}
	kv->ints = calloc(len ? (size_t)len : 1, sizeof *kv->ints);
	if (!kv->ints)
		return RFAIL(r, off, "%s: out of memory", what);
	for (i = 0; i < len; i++)
		if (read_scalar(r, kv->arr_type, &kv->ints[i], &unused, what))
			return -1;
	return 0;
}

static int read_kv(struct reader *r, struct gguf_kv *kv)
{
	char what[96];

	kv->offset = r->pos;
	if (rd_name(r, "key", MAX_KEY_BYTES, &kv->key))
		return -1;
	snprintf(what, sizeof what, "key '%s'", show(kv->key).s);
	if (read_type(r, &kv->type, what))
		return -1;
	if (kv->type == GGUF_STRING)
		return rd_string(r, what, GGUF_MAX_STRING, &kv->str);
	if (kv->type == GGUF_ARRAY)
		return read_array(r, kv, what);
	return read_scalar(r, kv->type, &kv->bits, &kv->f64, what);
}

/* ---- header, kv section, tensor infos --------------------------------- */

static uint32_t bswap32(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

/* A count field, checked against the bytes left at min_bytes per item. */
static int read_count(struct reader *r, const char *what, uint64_t limit,
		      uint64_t min_bytes, uint64_t *out)
{
	uint64_t off = r->pos;

	if (rd_uint(r, 8, out, what))
		return -1;
	if (*out > (r->size - r->pos) / min_bytes)
		return RFAIL(r, off, "%s %" PRIu64 " exceeds the file size", what,
			     *out);
	if (*out > limit)
		return RFAIL(r, off, "%s %" PRIu64 " exceeds the limit of %" PRIu64,
			     what, *out, limit);
	return 0;
}

static int read_header(struct reader *r, struct gguf_file *f,
		       uint64_t *n_tensors, uint64_t *n_kv)
{
	uint8_t m[4];
	uint64_t v;

	if (rd_bytes(r, m, 4, "the magic"))
		return -1;
	if (memcmp(m, "GGUF", 4) != 0)
		return RFAIL(r, 0, "not a GGUF file (starts with %02x %02x %02x "
			     "%02x, not \"GGUF\")", m[0], m[1], m[2], m[3]);
	if (rd_uint(r, 4, &v, "the version"))
		return -1;
	if (v == 1)
		return RFAIL(r, 4, "GGUF version 1 is not supported (an obsolete "
			     "2023 format; get a newer conversion of the model)");
	if (v != 2 && v != 3) {
		uint32_t swapped = bswap32((uint32_t)v);
		if (swapped == 2 || swapped == 3)
			return RFAIL(r, 4, "big-endian GGUF files are not supported");
		return RFAIL(r, 4, "GGUF version %" PRIu64 " is not supported "
			     "(only 2 and 3)", v);
	}
	f->version = (uint32_t)v;
	if (read_count(r, "tensor count", GGUF_MAX_TENSORS, MIN_TENSOR_BYTES,
		       n_tensors))
		return -1;
	return read_count(r, "metadata key count", GGUF_MAX_KV, MIN_KV_BYTES,
			  n_kv);
}

struct named {
	const char *name;
	uint64_t off;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->off > y->off) - (x->off < y->off);
}

/* Fails at the second of two equal names; sorts v. */
static int check_unique(struct error *err, const char *file, struct named *v,
			size_t n, const char *what)
{
	size_t i;

	if (n < 2)
		return 0;
	qsort(v, n, sizeof *v, cmp_named);
	for (i = 1; i < n; i++)
		if (strcmp(v[i - 1].name, v[i].name) == 0)
			return fail_at(err, file, v[i].off, "duplicate %s '%s'",
				       what, show(v[i].name).s);
	return 0;
}

static int check_unique_keys(struct reader *r, const struct gguf_file *f)
{
	struct named *v = calloc(f->n_kv ? f->n_kv : 1, sizeof *v);
	size_t i;
	int rc;

	if (!v)
		return RFAIL(r, r->pos, "out of memory");
	for (i = 0; i < f->n_kv; i++)
		v[i] = (struct named){ f->kv[i].key, f->kv[i].offset };
	rc = check_unique(r->err, r->name, v, f->n_kv, "key");
	free(v);
	return rc;
}

static int check_unique_tensors(struct error *err, const char *file,
				const struct gguf_tensor *t, size_t n)
{
	struct named *v = calloc(n ? n : 1, sizeof *v);
	size_t i;
	int rc;

	if (!v)
		return error_set(err, "%s: out of memory", file);
	for (i = 0; i < n; i++)
		v[i] = (struct named){ t[i].name, t[i].info_offset };
	rc = check_unique(err, file, v, n, "tensor name");
	free(v);
	return rc;
}

static int read_kvs(struct reader *r, struct gguf_file *f, uint64_t n_kv)
{
	f->kv = calloc(n_kv ? (size_t)n_kv : 1, sizeof *f->kv);
	if (!f->kv)
		return RFAIL(r, r->pos, "out of memory");
	for (; f->n_kv < n_kv; f->n_kv++)
		if (read_kv(r, &f->kv[f->n_kv])) {
			f->n_kv++;      /* released with the rest */
			return -1;
		}
	return check_unique_keys(r, f);
}

static int read_alignment(struct reader *r, struct gguf_file *f)
{
	const struct gguf_kv *kv = gguf_find(f, "general.alignment");
	uint64_t a;

	f->alignment = GGUF_DEFAULT_ALIGNMENT;
	if (!kv)
		return 0;
	if (gguf_get_u64(f, "general.alignment", &a) || a == 0 ||
	    (a & (a - 1)) || a > MAX_ALIGNMENT)
		return RFAIL(r, kv->offset, "general.alignment is not a power of "
			     "two integer up to %u", MAX_ALIGNMENT);
	f->alignment = a;
	return 0;
}

/* Dimensions, checked so that rows and elements fit in int64 (ggml's). */
static int read_dims(struct reader *r, struct gguf_tensor *t, const char *what)
{
	uint64_t off = r->pos, v, rows = 1;
	uint32_t d;

	if (rd_uint(r, 4, &v, what))
		return -1;
	if (v > GGUF_MAX_DIMS)
		return RFAIL(r, off, "%s: %" PRIu64 " dimensions, more than %d",
			     what, v, GGUF_MAX_DIMS);
	t->n_dims = (uint32_t)v;
	off = r->pos;
	for (d = 0; d < GGUF_MAX_DIMS; d++)
		t->dims[d] = 1;
	for (d = 0; d < t->n_dims; d++)
		if (rd_uint(r, 8, &t->dims[d], what))
			return -1;
	for (d = 1; d < GGUF_MAX_DIMS; d++)
		if (__builtin_mul_overflow(rows, t->dims[d], &rows))
			rows = UINT64_MAX;
	if (rows > INT64_MAX ||
	    __builtin_mul_overflow(rows, t->dims[0], &t->n_elements) ||
	    t->n_elements > INT64_MAX)
		return RFAIL(r, off, "%s: dimensions %" PRIu64 " x %" PRIu64 " x %"
			     PRIu64 " x %" PRIu64 " hold more than 2^63 elements",
			     what, t->dims[0], t->dims[1], t->dims[2], t->dims[3]);
	return 0;
}

/* Bytes = bytes of one row of dims[0] elements x the rows. No type takes
 * more than 8 bytes per element, so rows up to 2^60 cannot overflow. */
static int tensor_bytes(struct gguf_tensor *t)
{
	uint64_t rows = t->dims[0] ? t->n_elements / t->dims[0] : 0;
	int64_t row_bytes;

	if (t->dims[0] > (uint64_t)INT64_MAX / 8)
		return -1;
	row_bytes = ggml_row_bytes((int)t->type, (int64_t)t->dims[0]);
	if (row_bytes < 0)
		return -1;
	if (t->dims[0] == 0) {
		t->bytes = 0;
		return 0;
	}
	return __builtin_mul_overflow((uint64_t)row_bytes, rows, &t->bytes) ? -1 : 0;
}

static int read_tensor(struct reader *r, const struct gguf_file *f,
		       struct gguf_tensor *t)
{
	const struct ggml_type_info *type;
	char what[96];
	uint64_t off, v;

	t->info_offset = r->pos;
	if (rd_name(r, "tensor name", GGUF_MAX_NAME, &t->name))
		return -1;
	snprintf(what, sizeof what, "tensor '%s'", show(t->name).s);
	if (read_dims(r, t, what))
		return -1;
	off = r->pos;
	if (rd_uint(r, 4, &v, what))
		return -1;
	type = v <= INT32_MAX ? ggml_type_by_id((int)v) : NULL;
	if (!type)
		return RFAIL(r, off, "%s: unknown ggml type id %" PRIu64, what, v);
	t->type = (uint32_t)v;
	if (tensor_bytes(t))
		return RFAIL(r, off, "%s: rows of %" PRIu64 " elements do not "
			     "divide into %s blocks", what, t->dims[0], type->name);
	off = r->pos;
	if (rd_uint(r, 8, &t->offset, what))
		return -1;
	if (t->offset % f->alignment)
		return RFAIL(r, off, "%s: data offset %" PRIu64 " is not a multiple "
			     "of the alignment %" PRIu64, what, t->offset,
			     f->alignment);
	return 0;
}

static int read_tensors(struct reader *r, struct gguf_file *f, uint64_t n)
{
	f->tensors = calloc(n ? (size_t)n : 1, sizeof *f->tensors);
	if (!f->tensors)
		return RFAIL(r, r->pos, "out of memory");
	for (; f->n_tensors < n; f->n_tensors++)
		if (read_tensor(r, f, &f->tensors[f->n_tensors])) {
			f->n_tensors++;
			return -1;
		}
	return check_unique_tensors(r->err, r->name, f->tensors, f->n_tensors);
}

/* The data section starts at the next alignment boundary; every tensor's
 * bytes must lie inside the file. */
static int check_data(struct reader *r, struct gguf_file *f)
{
	uint64_t a = f->alignment, room;
	size_t i;

	f->data_offset = (r->pos + a - 1) / a * a;
	if (f->n_tensors == 0)
		return 0;
	if (f->data_offset > f->file_bytes)
		return RFAIL(r, r->pos, "the data section would start at %" PRIu64
			     ", past the end of the file (%" PRIu64 " bytes)",
			     f->data_offset, f->file_bytes);
	room = f->file_bytes - f->data_offset;
	for (i = 0; i < f->n_tensors; i++) {
		const struct gguf_tensor *t = &f->tensors[i];
		if (t->offset > room || t->bytes > room - t->offset)
			return RFAIL(r, t->info_offset, "tensor '%s': its %" PRIu64
				     " bytes at data offset %" PRIu64 " extend past "
				     "the end of the file (%" PRIu64 " bytes)",
				     show(t->name).s, t->bytes, t->offset,
				     f->file_bytes);
	}
	return 0;
}

/* ---- derived facts ---------------------------------------------------- */

/* N of a "blk.N.*" tensor, -1 for others; GGUF_MAX_LAYERS when too big. */
static int64_t layer_of(const char *name)
{
	const char *p = name + 4;
	int64_t n = 0;

	if (strncmp(name, "blk.", 4) != 0 || *p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		if (n < GGUF_MAX_LAYERS)
			n = n * 10 + (*p - '0');
	if (*p != '.')
		return -1;
	return n < GGUF_MAX_LAYERS ? n : GGUF_MAX_LAYERS;
}

static bool is_expert(const char *name)
{
	return strstr(name, "_exps.") != NULL;
}

static struct gguf_type_use *type_use(struct gguf_sizes *s, uint32_t type)
{
	size_t i;

	for (i = 0; i < s->n_types; i++)
		if (s->types[i].type == type)
			return &s->types[i];
	if (s->n_types == GGUF_MAX_TYPES)
		return NULL;
	s->types[s->n_types].type = type;
	return &s->types[s->n_types++];
}

static int alloc_layers(struct gguf_file *f, struct error *err)
{
	struct gguf_sizes *s = &f->sizes;
	size_t i;

	for (i = 0; i < f->n_tensors; i++) {
		int64_t n = layer_of(f->tensors[i].name);
		if (n >= GGUF_MAX_LAYERS)
			return fail_at(err, f->name, f->tensors[i].info_offset,
				       "tensor '%s': layer number of %d or more",
				       show(f->tensors[i].name).s, GGUF_MAX_LAYERS);
		if (n >= (int64_t)s->n_layers)
			s->n_layers = (uint32_t)n + 1;
	}
	s->layer_bytes = calloc(s->n_layers + 1u, sizeof *s->layer_bytes);
	s->layer_expert_bytes = calloc(s->n_layers + 1u, sizeof *s->layer_bytes);
	if (!s->layer_bytes || !s->layer_expert_bytes)
		return error_set(err, "%s: out of memory", f->name);
	return 0;
}

/* Adds one tensor to the sums. Per-layer and per-type sums are parts of
 * the totals, so checking the totals for overflow covers them. */
static int add_tensor(struct gguf_file *f, const struct gguf_tensor *t,
		      struct error *err)
{
	struct gguf_sizes *s = &f->sizes;
	struct gguf_type_use *u = type_use(s, t->type);
	int64_t layer = layer_of(t->name);

	if (!u || __builtin_add_overflow(s->tensor_bytes, t->bytes, &s->tensor_bytes) ||
	    __builtin_add_overflow(s->params, t->n_elements, &s->params))
		return fail_at(err, f->name, t->info_offset, "tensor '%s': the "
			       "sizes of the tensors add up past 2^64 or use more "
			       "than %d types", show(t->name).s, GGUF_MAX_TYPES);
	u->count++;
	u->bytes += t->bytes;
	u->params += t->n_elements;
	if (layer >= 0)
		s->layer_bytes[layer] += t->bytes;
	else
		s->nonlayer_bytes += t->bytes;
	if (is_expert(t->name)) {
		s->expert_bytes += t->bytes;
		s->expert_params += t->n_elements;
		if (layer >= 0)
			s->layer_expert_bytes[layer] += t->bytes;
	}
	return 0;
}

static void free_sizes(struct gguf_sizes *s)
{
	free(s->layer_bytes);
	free(s->layer_expert_bytes);
	memset(s, 0, sizeof *s);
}

static int compute_sizes(struct gguf_file *f, struct error *err)
{
	struct gguf_sizes *s = &f->sizes;
	int64_t used = f->arch.expert_used_count, count = f->arch.expert_count;
	size_t i;

	free_sizes(s);
	if (alloc_layers(f, err))
		return -1;
	for (i = 0; i < f->n_tensors; i++)
		if (add_tensor(f, &f->tensors[i], err))
			return -1;
	s->active_params = s->params;
	if (s->expert_params > 0 && used > 0 && count > 0 && used <= count)
		s->active_params = s->params - s->expert_params +
			(uint64_t)((unsigned __int128)s->expert_params *
				   (uint64_t)used / (uint64_t)count);
	return 0;
}

/* The largest non-negative element of a kept integer array, or -1. */
static int64_t arr_max(const struct gguf_kv *kv)
{
	uint64_t i, v;
	int64_t best = -1;

	if (kv->type != GGUF_ARRAY || !kv->ints)
		return -1;
	for (i = 0; i < kv->arr_len; i++)
		if (int_value(kv->arr_type, kv->ints[i], &v) == 0 &&
		    v <= INT64_MAX && (int64_t)v > best)
			best = (int64_t)v;
	return best;
}

static int64_t arch_int(const struct gguf_file *f, const char *suffix)
{
	const struct gguf_kv *kv;
	char key[192];
	uint64_t v;

	if (!f->arch.name || snprintf(key, sizeof key, "%s.%s", f->arch.name,
				      suffix) >= (int)sizeof key)
		return -1;
	kv = gguf_find(f, key);
	if (!kv)
		return -1;
	if (int_value(kv->type, kv->bits, &v) == 0)
		return v <= INT64_MAX ? (int64_t)v : -1;
	return arr_max(kv);
}

/* "<arch>.<suffix>" keys, named as llama.cpp's convert scripts write them
 * (gguf-py/gguf/constants.py Keys.LLM / Keys.Attention). */
static const struct {
	const char *suffix;
	size_t field;
} arch_keys[] = {
#define K(s, f) { s, offsetof(struct gguf_arch, f) }
	K("block_count", block_count),
	K("context_length", context_length),
	K("embedding_length", embedding_length),
	K("feed_forward_length", feed_forward_length),
	K("attention.head_count", head_count),
	K("attention.head_count_kv", head_count_kv),
	K("attention.key_length", key_length),
	K("attention.value_length", value_length),
	K("rope.dimension_count", rope_dimension_count),
	K("expert_count", expert_count),
	K("expert_used_count", expert_used_count),
	K("expert_shared_count", expert_shared_count),
	K("expert_feed_forward_length", expert_feed_forward_length),
	K("leading_dense_block_count", leading_dense_block_count),
	K("attention.sliding_window", sliding_window),
	K("attention.kv_lora_rank", kv_lora_rank),
	K("attention.q_lora_rank", q_lora_rank),
#undef K
};

static void read_arch(struct gguf_file *f)
{
	struct gguf_arch *a = &f->arch;
	uint64_t vocab;
	size_t i;

	a->name = NULL;
	gguf_get_str(f, "general.architecture", &a->name);
	for (i = 0; i < sizeof arch_keys / sizeof arch_keys[0]; i++)
		*(int64_t *)((char *)a + arch_keys[i].field) =
			arch_int(f, arch_keys[i].suffix);
	a->vocab_size = gguf_arr_len(f, "tokenizer.ggml.tokens", &vocab) == 0
		? (int64_t)vocab : -1;
}

/* The names live in quant.c's file-type table, the only one. */
const char *gguf_file_type_name(int64_t file_type)
{
	if (file_type < 0 || file_type > INT32_MAX)
		return NULL;
	return ftype_name((enum ftype)file_type);
}

static int derive(struct gguf_file *f, struct error *err)
{
	uint64_t ft;

	read_arch(f);
	f->file_type = gguf_get_u64(f, "general.file_type", &ft) == 0 &&
		ft <= INT64_MAX ? (int64_t)ft : -1;
	f->file_type_name = gguf_file_type_name(f->file_type);
	return compute_sizes(f, err);
}

/* ---- entry points ----------------------------------------------------- */

static int parse(struct reader *r, struct gguf_file *f)
{
	uint64_t n_tensors, n_kv;

	f->file_bytes = r->size;
	if (read_header(r, f, &n_tensors, &n_kv) || read_kvs(r, f, n_kv) ||
	    read_alignment(r, f) || read_tensors(r, f, n_tensors) ||
	    check_data(r, f) || derive(f, r->err)) {
		gguf_file_release(f);
		return -1;
	}
	return 0;
}

static int parse_with(struct reader *r, const char *name, struct gguf_file *out,
		      struct error *err)
{
	memset(out, 0, sizeof *out);
	r->name = name;
	r->err = err;
	out->name = strdup(name);
	if (!out->name)
		return error_set(err, "%s: out of memory", name);
	return parse(r, out);
}

int gguf_parse_mem(const void *data, size_t size, const char *name,
		   struct gguf_file *out, struct error *err)
{
	struct reader *r = calloc(1, sizeof *r);
	int rc;

	memset(out, 0, sizeof *out);
	if (!r)
		return error_set(err, "%s: out of memory", name);
	r->fd = -1;
	r->mem = data;
	r->size = size;
	rc = parse_with(r, name, out, err);
	free(r);
	return rc;
}

int gguf_open(const char *path, struct gguf_file *out, struct error *err)
{
	struct reader *r;
	struct stat st;
	int fd, rc;

	memset(out, 0, sizeof *out);
	/* O_NONBLOCK: opening a FIFO with no writer would block forever; the
	 * flag changes nothing for the regular files we go on to read. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return error_set(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error_set(err, "%s: not a regular file", path);
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		close(fd);
		return error_set(err, "%s: out of memory", path);
	}
	r->fd = fd;
	r->size = (uint64_t)st.st_size;
	rc = parse_with(r, path, out, err);
	free(r);
	close(fd);
	return rc;
}

void gguf_file_release(struct gguf_file *f)
{
	size_t i;

	for (i = 0; i < f->n_kv; i++) {
		free(f->kv[i].key);
		free(f->kv[i].str);
		free(f->kv[i].ints);
	}
	for (i = 0; i < f->n_tensors; i++)
		free(f->tensors[i].name);
	free(f->kv);
	free(f->tensors);
	free(f->name);
	free_sizes(&f->sizes);
	memset(f, 0, sizeof *f);
}

int gguf_add_split(struct gguf_file *first, struct gguf_file *part,
		   struct error *err)
{
	size_t n = first->n_tensors + part->n_tensors;
	struct gguf_tensor *t;

	if (n < first->n_tensors || n > SIZE_MAX / sizeof *t)
		return error_set(err, "%s: too many tensors", part->name);
	t = realloc(first->tensors, (n ? n : 1) * sizeof *t);
	if (!t)
		return error_set(err, "%s: out of memory", part->name);
	first->tensors = t;
	if (part->n_tensors)
		memcpy(t + first->n_tensors, part->tensors,
		       part->n_tensors * sizeof *t);
	first->n_tensors = n;
	free(part->tensors);
	part->tensors = NULL;
	part->n_tensors = 0;
	first->file_bytes += part->file_bytes;
	if (check_unique_tensors(err, part->name, first->tensors, n))
		return error_set(err, "%s: a tensor name repeats one of an "
				 "earlier split part", part->name);
	return compute_sizes(first, err);
}

/* ---- lookups ---------------------------------------------------------- */

const struct gguf_kv *gguf_find(const struct gguf_file *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->n_kv; i++)
		if (strcmp(f->kv[i].key, key) == 0)
			return &f->kv[i];
	return NULL;
}

int gguf_get_u64(const struct gguf_file *f, const char *key, uint64_t *out)
{
	const struct gguf_kv *kv = gguf_find(f, key);

	return kv ? int_value(kv->type, kv->bits, out) : -1;
}

int gguf_get_str(const struct gguf_file *f, const char *key, const char **out)
{
	const struct gguf_kv *kv = gguf_find(f, key);

	if (!kv || kv->type != GGUF_STRING)
		return -1;
	*out = kv->str;
	return 0;
}

int gguf_get_f32(const struct gguf_file *f, const char *key, float *out)
{
	const struct gguf_kv *kv = gguf_find(f, key);

	if (!kv || (kv->type != GGUF_FLOAT32 && kv->type != GGUF_FLOAT64))
		return -1;
	*out = (float)kv->f64;
	return 0;
}

int gguf_arr_len(const struct gguf_file *f, const char *key, uint64_t *len)
{
	const struct gguf_kv *kv = gguf_find(f, key);

	if (!kv || kv->type != GGUF_ARRAY)
		return -1;
	*len = kv->arr_len;
	return 0;
}

int gguf_arr_u64(const struct gguf_file *f, const char *key, uint64_t idx,
		 uint64_t *out)
{
	const struct gguf_kv *kv = gguf_find(f, key);

	if (!kv || kv->type != GGUF_ARRAY || !kv->ints || idx >= kv->arr_len)
		return -1;
	if (kv->arr_type == GGUF_BOOL) {
		*out = kv->ints[idx];
		return 0;
	}
	return int_value(kv->arr_type, kv->ints[idx], out);
}
