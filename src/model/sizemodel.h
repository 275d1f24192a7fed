/* sizemodel.h - the GGUF file a catalogue model becomes at a given file
 * type: its tensor list, each tensor's type as llama.cpp's quantizer picks
 * it (quant.h), and the bytes per layer, per type and in all.
 *
 * The tensor list is what convert_hf_to_gguf.py writes for the model's
 * architecture (names and shapes as in llama.cpp's llama-arch.cpp and
 * llama-model.cpp load_tensors); the file adds a header, metadata and
 * tokenizer arrays estimated from the vocabulary (see sizemodel.c).
 *
 * A filled struct size_model owns its layers array; release it with
 * size_model_release().
 */
#ifndef CANIRUN_SIZEMODEL_H
#define CANIRUN_SIZEMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "model/catalog.h"
#include "util/errors.h"
#include "model/ggml.h"
#include "model/quant.h"

struct layer_bytes {
	int64_t dense_bytes;    /* attention, norms, router, dense or shared FFN */
	int64_t expert_bytes;   /* routed MoE experts (ffn_*_exps), 0 if dense */
};

struct size_model {
	enum ftype ftype;
	int64_t file_bytes;     /* the whole .gguf file (estimate) */
	int64_t tensor_bytes;   /* tensor data without padding: llama-bench "size" */
	int64_t meta_bytes;     /* header, key/values, tensor infos, padding */
	int64_t nonlayer_bytes; /* token_embd, output, output_norm, ... */
	int64_t token_embd_bytes, output_bytes; /* output 0 when tied */
	int token_embd_type, output_type;       /* their ggml type ids; -1: absent */
	int64_t input_bytes;    /* other input tables (gemma3n's
				 * per_layer_token_embd): read a row per token,
				 * kept in RAM as llama.cpp keeps input layers */
	int input_type;         /* its ggml type id; -1: absent */
	int64_t params;         /* weights in the tensor list */
	int n_tensors;
	int n_layers;
	struct layer_bytes *layers;             /* n_layers entries, owned */
	int64_t type_bytes[GGML_TYPE_ID_LIMIT]; /* tensor bytes per ggml type */
};

/* How the file was made, where publishers differ. */
struct size_options {
	bool imatrix;           /* quantized with an importance matrix */
	bool untied_output;     /* output.weight written although the model
				 * ties it to token_embd (Qwen's own GGUFs) */
	const struct ggml_type_info *token_embd_type; /* llama-quantize
				 * --token-embedding-type; NULL: the rules */
};

/* Fills out for model m at file type ft; opt may be NULL (Ollama-style: no
 * imatrix, tied as the catalogue says). Returns 0, or -1 with err naming
 * the model and why. out is zeroed first and needs no release on failure. */
int gguf_size_compute(const struct model *m, enum ftype ft,
		      const struct size_options *opt, struct size_model *out,
		      struct error *err);

void size_model_release(struct size_model *s);

/* gguf_size_compute keeps the last model's tensor list for its next file
 * type, and (default options only) every result, keyed by the model's id,
 * the fields its size depends on (not its free text) and the type, for the
 * next time the same model is sized; this frees both (at exit, for leak
 * checkers). */
void size_model_cache_release(void);

#endif
