/* gguf_model.h - a local GGUF file seen as a catalogue model, so that the
 * estimator can treat `canirun gguf FILE` like a catalogue entry.
 *
 * Filled from the parsed header (gguf.h): architecture keys, and the shapes
 * of the file's own tensors where they say more than the keys (FFN sizes of
 * dense layers, routed and shared experts; biases, q/k norms, gated FFNs,
 * tied embeddings). Parameters are counted from the tensors.
 *
 * Not in a GGUF header: which layers use sliding-window attention; llama.cpp
 * hard-codes the pattern per architecture, and so do we for gemma2, gemma3,
 * cohere2 and gpt-oss (other sliding models get full attention everywhere,
 * an upper bound). Hybrid files (arch.h recurrent architectures) get their
 * layer letters from their tensors and their state sizes from <arch>.ssm.*.
 * Tasks are unknown (0). context is -1 when the file does
 * not say.
 */
#ifndef CANIRUN_GGUF_MODEL_H
#define CANIRUN_GGUF_MODEL_H

#include "model/catalog.h"
#include "util/errors.h"
#include "model/gguf.h"
#include "model/sizemodel.h"

/* Fills *out for the parsed file f under the given id (e.g. its file name
 * or Ollama tag). Returns -1 with err "<file>: <key>: missing or not a
 * positive integer" when the file lacks what an estimate needs:
 * general.architecture, <arch>.block_count, .embedding_length and
 * .attention.head_count. */
int gguf_to_model(const struct gguf_file *f, const char *id, struct model *out,
		  struct error *err);

/* The file's own bytes as a size model: per layer (dense and routed-expert
 * tensors), token_embd, output, the type mix, and its file type
 * (general.file_type, else implied by the main tensor type). out owns its
 * layers (size_model_release). -1 with err for a file without blk.N layers. */
int gguf_to_size_model(const struct gguf_file *f, struct size_model *out, struct error *err);

#endif
