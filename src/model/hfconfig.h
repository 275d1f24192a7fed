/* hfconfig.h - a Hugging Face config.json read as a catalogue model, for
 * `canirun add` (models the catalogue lacks).
 *
 * model_type names the architecture (llama, mistral, mixtral, qwen2,
 * qwen2_moe, qwen3, qwen3_moe, gemma, gemma2, gemma3, gemma3_text, phi3,
 * starcoder2, olmo2, deepseek_v2, deepseek_v3, cohere, cohere2, granite,
 * granitemoe, gpt_oss, stablelm, llama4), mapped to the GGUF architecture
 * llama.cpp's convert_hf_to_gguf.py writes for it. Shapes are read as
 * data/README.md describes each catalogue field (from "text_config" when a
 * multimodal config nests the text model there). Parameters are counted
 * from the tensor list the architecture implies (sizemodel.h), as
 * params_source says; tasks default to chat, license to "unknown".
 */
#ifndef CANIRUN_HFCONFIG_H
#define CANIRUN_HFCONFIG_H

#include "model/catalog.h"
#include "util/errors.h"

/* Reads path into *out under id. -1 with err "PATH: FIELD: why" for a file
 * that is not a config.json canirun can represent. */
int hf_config_to_model(const char *path, const char *id, struct model *out, struct error *err);

#endif
