/* gguf.h - the header of a GGUF model file: metadata, tensor infos, and the
 * facts an estimator needs, derived from them. Tensor data is never read.
 *
 * Format: GGUF v2 and v3 (ggml-org/ggml docs/gguf.md); v1 (2023, 32-bit
 * counts) and big-endian files are rejected with a message saying so.
 *
 * Hostile input: every count, length and offset is checked against the file
 * size before it is used, arithmetic is overflow-checked, and nothing is
 * allocated that the file's own bytes could not back. Limits: GGUF_MAX_KV
 * keys, GGUF_MAX_TENSORS tensors, GGUF_MAX_STRING bytes per string (array
 * elements such as tokenizer tokens are skipped, never stored), keys up to
 * 65535 bytes and tensor names up to 64 (the spec's limits).
 *
 * Errors: -1 and err = "<name>: offset <N>: <why>", N being the file offset
 * of the field at fault.
 *
 * Ownership: a struct gguf_file owns every array and string it points to;
 * gguf_file_release() frees them. Pointers returned by the lookup helpers
 * point into it and live as long as it does.
 */
#ifndef CANIRUN_GGUF_H
#define CANIRUN_GGUF_H

#include <stddef.h>
#include <stdint.h>

#include "util/errors.h"

#define GGUF_MAX_KV 1000000
#define GGUF_MAX_TENSORS 1000000
#define GGUF_MAX_STRING (1u << 20)
#define GGUF_MAX_NAME 64         /* tensor name bytes (gguf.md) */
#define GGUF_MAX_DIMS 4          /* GGML_MAX_DIMS in ggml.h */
#define GGUF_MAX_LAYERS 65536    /* a "blk.N." beyond this is an error */
#define GGUF_MAX_TYPES 64        /* distinct ggml types in one file */
#define GGUF_ARR_KEEP 65536      /* integer arrays up to this length are kept */
#define GGUF_DEFAULT_ALIGNMENT 32

/* gguf_metadata_value_type in gguf.md. */
enum gguf_value_type {
	GGUF_UINT8 = 0, GGUF_INT8 = 1, GGUF_UINT16 = 2, GGUF_INT16 = 3,
	GGUF_UINT32 = 4, GGUF_INT32 = 5, GGUF_FLOAT32 = 6, GGUF_BOOL = 7,
	GGUF_STRING = 8, GGUF_ARRAY = 9, GGUF_UINT64 = 10, GGUF_INT64 = 11,
	GGUF_FLOAT64 = 12,
};

struct gguf_kv {
	char *key;
	uint64_t offset;             /* file offset of the entry */
	enum gguf_value_type type;
	/* Scalars: integers and bools as their bit pattern (signed ones
	 * sign-extended), floats widened to double, strings NUL-terminated. */
	uint64_t bits;
	double f64;
	char *str;
	/* Arrays: element type and length; integer and bool elements kept in
	 * ints[] (bit patterns as above) when arr_len <= GGUF_ARR_KEEP. */
	enum gguf_value_type arr_type;
	uint64_t arr_len;
	uint64_t *ints;
};

struct gguf_tensor {
	char *name;
	uint64_t info_offset;        /* file offset of its tensor info */
	uint32_t type;               /* ggml type id */
	uint32_t n_dims;
	uint64_t dims[GGUF_MAX_DIMS];/* unused dimensions are 1 */
	uint64_t offset;             /* from the start of the data section */
	uint64_t n_elements;
	uint64_t bytes;
};

/* Architecture facts, read from "<arch>.<key>"; -1 when the file does not
 * say. A per-layer array gives its largest element. */
struct gguf_arch {
	const char *name;            /* general.architecture, or NULL */
	int64_t block_count, context_length, embedding_length;
	int64_t feed_forward_length, head_count, head_count_kv;
	int64_t key_length, value_length, rope_dimension_count;
	int64_t expert_count, expert_used_count, expert_shared_count;
	int64_t expert_feed_forward_length, leading_dense_block_count;
	int64_t sliding_window, kv_lora_rank, q_lora_rank;
	int64_t vocab_size;          /* length of tokenizer.ggml.tokens */
};

struct gguf_type_use {
	uint32_t type;               /* ggml type id */
	uint64_t count;              /* tensors */
	uint64_t bytes;
	uint64_t params;
};

struct gguf_sizes {
	uint64_t tensor_bytes;       /* all tensors */
	uint64_t params;             /* all elements */
	uint64_t active_params;      /* per token: routed experts scaled by used/count */
	uint64_t nonlayer_bytes;     /* tensors not named "blk.N.*" */
	uint32_t n_layers;           /* highest N in "blk.N." plus one, or 0 */
	uint64_t *layer_bytes;       /* [n_layers] */
	uint64_t *layer_expert_bytes;/* [n_layers]: its "*_exps.*" tensors */
	uint64_t expert_bytes, expert_params; /* all "*_exps.*" tensors */
	size_t n_types;              /* the quantization mix, by first use */
	struct gguf_type_use types[GGUF_MAX_TYPES];
};

struct gguf_file {
	char *name;                  /* as given to gguf_open / gguf_parse_mem */
	uint32_t version;
	uint64_t file_bytes;
	uint64_t alignment;
	uint64_t data_offset;        /* file offset of the tensor data section */
	size_t n_kv;
	struct gguf_kv *kv;
	size_t n_tensors;
	struct gguf_tensor *tensors;
	int64_t file_type;           /* general.file_type (llama_ftype), or -1 */
	const char *file_type_name;  /* "Q4_K_M", or NULL when unknown */
	struct gguf_arch arch;
	struct gguf_sizes sizes;
};

/* Parses the header of the file at path (reads only the header region).
 * On failure *out is left empty (safe to release) and err is filled. */
int gguf_open(const char *path, struct gguf_file *out, struct error *err);

/* The same from a buffer holding a whole file; name is used in messages. */
int gguf_parse_mem(const void *data, size_t size, const char *name,
		   struct gguf_file *out, struct error *err);

void gguf_file_release(struct gguf_file *f);

/* Lookups by key. Return 0 and set *out, or -1 when the key is absent or
 * holds another kind of value. gguf_get_u64 takes any integer type holding
 * a non-negative value; gguf_get_f32 takes float32 or float64. */
const struct gguf_kv *gguf_find(const struct gguf_file *f, const char *key);
int gguf_get_u64(const struct gguf_file *f, const char *key, uint64_t *out);
int gguf_get_str(const struct gguf_file *f, const char *key, const char **out);
int gguf_get_f32(const struct gguf_file *f, const char *key, float *out);
int gguf_arr_len(const struct gguf_file *f, const char *key, uint64_t *len);
/* Element idx of a kept integer array, read as gguf_get_u64 reads
 * scalars; bool elements read as 0 or 1. */
int gguf_arr_u64(const struct gguf_file *f, const char *key, uint64_t idx,
		 uint64_t *out);

/* "Q4_K_M" for a llama_ftype value, NULL when unknown. */
const char *gguf_file_type_name(int64_t file_type);

/* Adds the tensors of split part `part` (model-0000K-of-0000N.gguf) to
 * `first`, moving them out of `part`, and recomputes first's sizes.
 * file_bytes becomes the sum. Returns -1 on a duplicate tensor name. */
int gguf_add_split(struct gguf_file *first, struct gguf_file *part,
		   struct error *err);

#endif
