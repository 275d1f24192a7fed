/* localstore.h - GGUF models already downloaded on this machine.
 *
 * Stores looked at, in this order (the first sighting of a file wins, so a
 * blob linked from two stores is listed once):
 *   ollama       $OLLAMA_MODELS, else ~/.ollama/models and the service's
 *                /usr/share/ollama/.ollama/models: manifests/<host>/<ns>/
 *                <model>/<tag> names blobs/sha256-<hex> in the layer whose
 *                mediaType is application/vnd.ollama.image.model.
 *   huggingface  $HF_HUB_CACHE, else $HF_HOME/hub, else
 *                ${XDG_CACHE_HOME:-~/.cache}/huggingface/hub:
 *                models--<org>--<repo>/snapshots/<rev>/ (and subfolders) *.gguf
 *   llama.cpp    $LLAMA_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/llama.cpp/
 *                *.gguf (llama.cpp -hf downloads)
 *   lmstudio     ~/.lmstudio/models and ~/.cache/lm-studio/models:
 *                <publisher>/<repo>/ (and subfolders) *.gguf
 * ~ is $HOME. Projector files (name containing "mmproj", or architecture
 * "clip") are skipped; of a split model (name-00001-of-00003.gguf) the
 * first part is listed with the tensors and bytes of all its parts.
 *
 * Each file's header is parsed; a file that does not parse is still listed,
 * with the reader's error. Unreadable manifests and dangling links become
 * warnings. Only running out of memory is an error.
 */
#ifndef CANIRUN_LOCALSTORE_H
#define CANIRUN_LOCALSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/errors.h"
#include "model/gguf.h"

enum local_store {
	LOCAL_OLLAMA,
	LOCAL_HUGGINGFACE,
	LOCAL_LLAMACPP,
	LOCAL_LMSTUDIO,
};

struct local_model {
	enum local_store store;
	char *id;           /* "llama3.1:8b", "org/repo" (HF, LM Studio), or the
			     * file name without .gguf (llama.cpp cache) */
	char *file;         /* file name; for Ollama the blob's */
	char *path;         /* the file (first part of a split model) */
	uint64_t file_bytes;/* all parts */
	int parts;          /* 1, or the number of split parts */
	bool parsed;        /* gguf is valid; otherwise error says why not, naming the file */
	struct gguf_file gguf;
	char error[ERROR_MSG_MAX];
};

/* Owns its items and everything they point to. */
struct local_models {
	size_t count;
	struct local_model *items;
};

struct localstore_options {
	/* The Ollama service's store; NULL: /usr/share/ollama/.ollama/models,
	 * "": none (tests). */
	const char *ollama_system_dir;
};

/* Scans the stores (opts may be NULL). Returns 0 with *out filled, or -1
 * with err set when memory ran out (*out is then empty). */
int localstore_scan(const struct localstore_options *opts,
		    struct local_models *out, struct warnings *w,
		    struct error *err);

void localstore_release(struct local_models *m);

/* "ollama", "huggingface", "llama.cpp", "lmstudio". */
const char *localstore_name(enum local_store store);

#endif
