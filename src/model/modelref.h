/* modelref.h - a model as people type it, resolved against the catalogue.
 * One resolver for every command that takes a MODEL (report, show, and the
 * local stores' names), so the same words mean the same model everywhere.
 *
 * Accepted forms, tried in this order:
 *   - a catalogue id or alias, case-insensitively ("llama3.1:8b",
 *     "meta-llama/Llama-3.1-8B-Instruct");
 *   - an Ollama name: a bare family or FAMILY:latest is the family's
 *     :latest tag (data/latest.json: "qwen2.5" -> "qwen2.5:7b"); a tag
 *     with words after its size names that size, and a last word that is a
 *     file type sets the quant ("qwen2.5:7b-instruct-q4_K_M" -> qwen2.5:7b
 *     at Q4_K_M, "llama3.1:8b-instruct-fp16" -> F16);
 *   - a Hugging Face repository, plain or as Ollama pulls it
 *     ("hf.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M"): matched to
 *     an alias by its repository name, with "-GGUF" dropped and the
 *     "<owner>_" prefix some GGUF publishers add; ":TYPE" sets the quant.
 */
#ifndef CANIRUN_MODELREF_H
#define CANIRUN_MODELREF_H

#include <stdbool.h>

#include "model/catalog.h"
#include "model/quant.h"
#include "util/errors.h"

struct model_ref {
	const struct model *model;      /* into the catalogue */
	bool has_ftype;                 /* the name set the quant */
	enum ftype ftype;
};

/* Resolves name. Returns 0 with *out, or -1 with err: "unknown model 'X';
 * did you mean: a, b, c?" (or "(see 'canirun report' for the list)" when
 * nothing is close), or "'X': unknown file type 'Y'" for a bad quant after
 * hf.co/...: . */
int model_resolve(const struct catalog *cat, const char *name, struct model_ref *out,
		  struct error *err);

#endif
