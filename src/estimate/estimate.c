/* estimate.c - memory, placement, decode, prefill and load time.
 *
 * Memory (what llama.cpp allocates):
 *   weights  the GGUF tensor bytes (size model), split per layer;
 *   KV       per layer 2 x kv_heads x head_dim (MLA: kv_lora_rank + rope_dim,
 *            V being a view of K) x tokens x bytes per element, where tokens is
 *            the context padded to 256, or for sliding-window layers
 *            pad256(window + ubatch) (llama.cpp llama-kv-cache-iswa.cpp);
 *            a hybrid model's recurrent layers keep instead a fixed F32
 *            state (arch_recurrent_state_elems), its FFN-only layers none;
 *   compute  the graph allocator's peak for one micro-batch of U = min(512,
 *            ctx) tokens (see compute_bytes_for); it depends on context and
 *            flash attention;
 *   reserve  457 MiB per discrete GPU (Ollama discover/gpu.go
 *            cudaMinimumMemory/rocmMinimumMemory), 256 MiB for the process.
 *
 * Placement follows llama.cpp/Ollama: the output matrix is offloaded first,
 * then layers fill the GPUs largest budget first (one GPU if the model fits
 * on one, as Ollama does); what is left runs on the CPU. For MoE models the
 * alternative of keeping attention on the GPUs and only some layers' experts
 * in RAM (--n-cpu-moe) is also computed and the faster one kept.
 *
 * Decode: seconds per token = sum over devices of the bytes each reads per
 * token (its weights, only the routed share of MoE experts, plus its KV at
 * the prompt's context) over its rate, plus a per-layer launch overhead on
 * GPUs. GPU rate = spec bandwidth x efficiency(backend, weight type); CPU rate
 * = the Q4 matvec rate measured by `canirun bench`. Layers run one after
 * another, so a split over GPUs adds memory, not speed.
 */
#include "estimate/estimate.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "hw/cpurate.h"
#include "model/arch.h"
#include "util/units.h"

#define UBATCH 512                      /* llama.cpp default n_ubatch */
#define GPU_RESERVE_BYTES (457 * MIB)   /* Ollama's minimum free memory per GPU */
#define PROCESS_BYTES (256 * MIB)       /* runtime, buffers, the process itself */
#define OS_RESERVE_BYTES GIB            /* kept free for the OS when "idle" */
#define RUNTIME_START_S 0.5             /* see load_times() */

const enum ftype estimate_default_ftypes[] = {
	FTYPE_Q8_0, FTYPE_Q6_K, FTYPE_Q5_K_M, FTYPE_Q4_K_M, FTYPE_Q3_K_M, FTYPE_Q2_K,
};
const int estimate_default_ftype_count =
	(int)(sizeof(estimate_default_ftypes) / sizeof(estimate_default_ftypes[0]));

/* Bits per weight first (ggml block sizes), the newer format first at equal
 * size (k-quants and IQ over legacy Q4_0/Q5_0); MXFP4 (4.25 bpw, gpt-oss's
 * native format) sits just below Q4_K_M (4.5 bpw). */
const enum ftype estimate_quality_order[] = {
	FTYPE_F32, FTYPE_F16, FTYPE_BF16, FTYPE_Q8_0, FTYPE_Q6_K, FTYPE_Q5_K_M, FTYPE_Q5_K_S,
	FTYPE_Q5_1, FTYPE_Q5_0, FTYPE_Q4_K_M, FTYPE_MXFP4_MOE, FTYPE_Q4_K_S, FTYPE_Q4_1,
	FTYPE_IQ4_NL, FTYPE_IQ4_XS, FTYPE_Q4_0, FTYPE_Q3_K_L, FTYPE_Q3_K_M, FTYPE_IQ3_M,
	FTYPE_IQ3_S, FTYPE_Q3_K_S, FTYPE_IQ3_XS, FTYPE_IQ3_XXS, FTYPE_Q2_K, FTYPE_Q2_K_S,
	FTYPE_IQ2_M, FTYPE_IQ2_S, FTYPE_IQ2_XS, FTYPE_IQ2_XXS, FTYPE_TQ2_0, FTYPE_IQ1_M,
	FTYPE_TQ1_0, FTYPE_IQ1_S,
};
const int estimate_quality_order_count =
	(int)(sizeof(estimate_quality_order) / sizeof(estimate_quality_order[0]));

/* The one KV type name table: --kv-type is checked with it, JSON and text
 * print it. */
static const char *const kv_type_names[] = {
	[KV_F16] = "f16", [KV_Q8_0] = "q8_0", [KV_Q4_0] = "q4_0",
};

int kv_type_parse(const char *name, enum kv_type *out)
{
	for (int i = 0; i < (int)(sizeof(kv_type_names) / sizeof(kv_type_names[0])); i++)
		if (strcasecmp(name, kv_type_names[i]) == 0) {
			*out = (enum kv_type)i;
			return 0;
		}
	return -1;
}

const char *kv_type_name(enum kv_type kv)
{
	return kv >= KV_F16 && kv <= KV_Q4_0 ? kv_type_names[kv] : "f16";
}

const char *placement_name(enum placement p)
{
	static const char *const names[] = { "none", "gpu", "multi-gpu", "partial", "cpu", "rpc" };
	return names[p];
}

const char *offload_name(enum offload o)
{
	return o == OFFLOAD_LAYERS ? "layers" : o == OFFLOAD_EXPERTS ? "experts" : "none";
}

const char *verdict_name(enum verdict v)
{
	static const char *const names[] = { "no-fit", "unknown", "slow", "usable", "fast" };
	return names[v];
}

int runtime_parse(const char *name, enum runtime *out)
{
	if (strcasecmp(name, "ollama") == 0)
		*out = RUNTIME_OLLAMA;
	else if (strcasecmp(name, "llama.cpp") == 0 || strcasecmp(name, "llamacpp") == 0)
		*out = RUNTIME_LLAMA_CPP;
	else
		return -1;
	return 0;
}

const char *runtime_name(enum runtime r)
{
	return r == RUNTIME_LLAMA_CPP ? "llama.cpp" : "ollama";
}

static int trained_context(const struct model *m)
{
	return m->context > 0 && m->context < (1 << 24) ? (int)m->context : 4096;
}

/* Ollama's context tiers by total VRAM (ollama/ollama server/routes.go:
 * "vram-based default context", thresholds 47 and 23 GiB), and the step
 * down it retries once at when a load runs out of memory
 * (server/sched.go nextLowerAutoNumCtx). */
#define OLLAMA_CTX_LARGE 262144
#define OLLAMA_CTX_MEDIUM 32768
#define OLLAMA_CTX_SMALL 4096
#define LLAMA_CPP_CTX 4096      /* llama.cpp common/common.h n_ctx */

static int64_t total_vram(const struct hardware *hw)
{
	int64_t total = 0;

	for (int i = 0; i < hw->gpu_count; i++)
		if (hw->gpus[i].vram_total_bytes > 0)
			total += hw->gpus[i].vram_total_bytes;
	return total;
}

int estimate_runtime_context(const struct hardware *hw, enum runtime rt, const char **why)
{
	int64_t vram = total_vram(hw);

	if (rt == RUNTIME_LLAMA_CPP) {
		*why = "llama.cpp's default -c 4096";
		return LLAMA_CPP_CTX;
	}
	if (vram >= 47 * GIB) {
		*why = "Ollama's default from 47 GiB of VRAM";
		return OLLAMA_CTX_LARGE;
	}
	if (vram >= 23 * GIB) {
		*why = "Ollama's default from 23 GiB of VRAM";
		return OLLAMA_CTX_MEDIUM;
	}
	*why = "Ollama's default below 23 GiB of VRAM";
	return OLLAMA_CTX_SMALL;
}

int estimate_threads(const struct hardware *hw, int asked)
{
	return cpu_threads_used(&hw->cpu, asked);
}

int estimate_context(const struct hardware *hw, const struct model *m,
		     const struct estimate_settings *set, const char **why)
{
	const char *ignored;
	int ctx;

	why = why ? why : &ignored;
	if (set->ctx > 0) {
		*why = "--ctx";
		return set->ctx;
	}
	if (set->ctx == 0) {
		*why = "the model's trained context (--ctx max)";
		return trained_context(m);
	}
	ctx = estimate_runtime_context(hw, set->runtime, why);
	if (ctx > trained_context(m)) {
		*why = set->runtime == RUNTIME_OLLAMA ? "Ollama's default, clamped to the trained context"
						      : "llama.cpp's default, clamped to the trained context";
		return trained_context(m);
	}
	return ctx;
}

/* Flash attention as the runtime decides it. llama.cpp's default -fa auto
 * turns it on where the backend runs it, which CPU, CUDA, Metal and Vulkan
 * all do (ggml-org/llama.cpp common/common.h flash_attn_type AUTO); Ollama
 * passes --flash-attn auto to its llama-server unless OLLAMA_FLASH_ATTENTION
 * is set (ollama/ollama llm/llama_server.go LlamaServerFlashAttention). */
static bool flash_attn_for(const struct estimate_settings *set, const char **why)
{
	if (set->flash_attn != FA_RUNTIME) {
		*why = set->flash_attn_why ? set->flash_attn_why : "--flash-attn";
		return set->flash_attn == FA_ON;
	}
	*why = set->runtime == RUNTIME_OLLAMA ? "Ollama passes --flash-attn auto to llama-server"
					      : "llama.cpp's default -fa auto";
	return true;
}

/* ---- memory ---- */

/* Bytes per cached element: ggml F16 2, Q8_0 34/32, Q4_0 18/32 (block sizes). */
static double kv_elem_bytes(enum kv_type kv)
{
	return kv == KV_Q8_0 ? 34.0 / 32 : kv == KV_Q4_0 ? 18.0 / 32 : 2.0;
}

static int64_t pad256(int64_t n)
{
	return (n + 255) / 256 * 256;
}

static bool is_encoder_only(const struct model *m)
{
	return (m->tasks & TASK_EMBEDDING) != 0;
}

static bool layer_is_sliding(const struct model *m, int layer)
{
	if (!m->has_swa)
		return false;
	return m->swa.global_every <= 0 || (layer + 1) % m->swa.global_every != 0;
}

/* Elements cached per token per layer: K and V; for MLA the compressed
 * latent and the rope key, plus DSA's indexer key (its own cache of one
 * index_head_dim head at the K type, llama-kv-cache-dsa.cpp). */
static int64_t kv_elems_per_token(const struct model *m)
{
	if (is_encoder_only(m))
		return 0;
	if (m->has_mla)
		return (int64_t)m->mla.kv_lora_rank + m->mla.rope_dim + m->mla.index_head_dim;
	return 2 * (int64_t)m->kv_heads * m->head_dim;
}

/* Layer i keeps a KV cache of its own: an attention layer within the
 * first kv_layers (gemma3n's later layers attend to an earlier cache). */
static bool layer_has_kv(const struct model *m, int layer)
{
	return model_layer_kind(m, layer) == LAYER_ATTENTION &&
	       (m->kv_layers <= 0 || layer < m->kv_layers);
}

/* Layers of the first n that hold a KV cache. */
static int attention_layers(const struct model *m, int n)
{
	int count = 0;

	for (int i = 0; i < n; i++)
		count += layer_has_kv(m, i);
	return count;
}

/* Tokens layer holds at context ctx (allocated = true: the cache's size;
 * false: what a token at position ctx reads). */
static int64_t layer_kv_tokens(const struct model *m, int layer, int64_t ctx, bool allocated)
{
	int64_t tokens = allocated ? pad256(ctx) : ctx;

	if (layer_is_sliding(m, layer)) {
		int64_t window = allocated ? pad256((int64_t)m->swa.window + UBATCH) : m->swa.window;

		if (window < tokens)
			tokens = window;
	}
	return tokens;
}

/* Bytes of F32, the type of llama.cpp's recurrent state. */
#define STATE_ELEM_BYTES 4

static int64_t layer_kv_bytes(const struct model *m, int layer, int64_t ctx,
			      enum kv_type kv, bool allocated)
{
	enum layer_kind kind = model_layer_kind(m, layer);

	if (kind == LAYER_RECURRENT)
		return arch_recurrent_state_elems(m) * STATE_ELEM_BYTES;
	if (!layer_has_kv(m, layer))
		return 0;
	return (int64_t)llround((double)kv_elems_per_token(m) *
				layer_kv_tokens(m, layer, ctx, allocated) * kv_elem_bytes(kv));
}

static int64_t ffn_width(const struct model *m)
{
	int64_t moe = m->has_moe ? (int64_t)m->moe.experts_used * m->moe.expert_ffn : 0;

	return m->ffn > moe ? m->ffn : moe;
}

/* The compute buffer llama.cpp reserves for one micro-batch of U tokens.
 * ggml's graph allocator reuses memory, so the buffer is the largest set of
 * tensors alive at once, not their sum; three moments compete:
 *   attention without flash attention: the scores KQ, F32 [n_kv, U, heads],
 *     the F32 KQ mask [n_kv, U] and about four embd-wide activations;
 *   attention with flash attention: no scores; the mask and its F16 cast
 *     (6 bytes a cell) and the same activations;
 *   the FFN: 2 x FFN width + 2 x embd activations;
 * and on the device that holds the output matrix, the logits [vocab, U]
 * and the last hidden state. n_kv is the cache's size at ctx (a full-
 * attention layer's). Matches what llama.cpp printed (issue 10, CPU, no
 * flash attention): Llama-3.2-1B 2128 MiB at 32768 tokens, 280 at 4096;
 * Llama-3.2-3B 1624 / 257; Qwen2.5-0.5B 967 / 300. */
struct compute_shape {
	int64_t ubatch, n_kv;
	bool flash_attn;
};

static int64_t attention_bytes(const struct model *m, const struct compute_shape *c)
{
	int64_t activations = 4 * c->ubatch * 4 * m->embd;

	if (c->flash_attn)
		return c->n_kv * c->ubatch * (4 + 2) + activations;
	return c->n_kv * c->ubatch * 4 * ((int64_t)m->heads + 1) + activations;
}

/* A device running layers (holds_output: and the output matrix). */
static int64_t compute_bytes_for(const struct model *m, const struct compute_shape *c,
				 bool holds_output)
{
	int64_t ffn = c->ubatch * 4 * (2 * ffn_width(m) + 2 * m->embd);
	int64_t attn = attention_bytes(m, c), peak = attn > ffn ? attn : ffn;
	int64_t logits = c->ubatch * 4 * (m->vocab + m->embd);

	return holds_output && logits > peak ? logits : peak;
}

/* The output matrix as the GPU holds it: tied models duplicate token_embd;
 * the input tables stay in RAM. */
static int64_t output_device_bytes(const struct model *m, const struct size_model *s)
{
	int64_t norms = s->nonlayer_bytes - s->token_embd_bytes - s->output_bytes - s->input_bytes;

	return (m->tied_embeddings ? s->token_embd_bytes : s->output_bytes) + (norms > 0 ? norms : 0);
}

static int64_t layer_weights(const struct size_model *s, int layer)
{
	return s->layers[layer].dense_bytes + s->layers[layer].expert_bytes;
}

/* ---- placement ---- */

struct budgets {
	int64_t gpu[HW_MAX_GPUS];   /* for weights, KV and compute; < 0 unusable */
	int order[HW_MAX_GPUS];     /* GPU indices, largest budget first */
	int gpu_count;
	int64_t ram;                /* for everything kept in system RAM */
	bool unified[HW_MAX_GPUS];
};

static int64_t gpu_memory(const struct gpu_info *g, bool now)
{
	int64_t bytes = now && g->vram_free_bytes >= 0 ? g->vram_free_bytes : g->vram_total_bytes;

	if (bytes < 0)
		return -1;
	return bytes - (g->unified_memory ? 0 : GPU_RESERVE_BYTES);
}

static void make_budgets(const struct hardware *hw, bool now, struct budgets *b)
{
	memset(b, 0, sizeof(*b));
	b->gpu_count = hw->gpu_count;
	for (int i = 0; i < hw->gpu_count; i++) {
		b->gpu[i] = gpu_memory(&hw->gpus[i], now);
		b->unified[i] = hw->gpus[i].unified_memory;
		b->order[i] = i;
	}
	for (int i = 1; i < b->gpu_count; i++)          /* insertion sort, stable */
		for (int j = i; j > 0 && b->gpu[b->order[j]] > b->gpu[b->order[j - 1]]; j--) {
			int t = b->order[j];

			b->order[j] = b->order[j - 1];
			b->order[j - 1] = t;
		}
	/* The CPU's device load counts PROCESS_BYTES itself. */
	if (now && hw->ram.available_bytes >= 0)
		b->ram = hw->ram.available_bytes;
	else
		b->ram = hw->ram.total_bytes >= 0 ? hw->ram.total_bytes - OS_RESERVE_BYTES : -1;
}

int64_t estimate_memory_budget(const struct hardware *hw, bool *on_gpus)
{
	struct budgets b;
	int64_t sum = 0;

	make_budgets(hw, true, &b);
	*on_gpus = false;
	for (int i = 0; i < b.gpu_count; i++)
		if (b.gpu[i] > 0) {
			sum += b.gpu[i];
			*on_gpus = true;
		}
	return *on_gpus ? sum : b.ram;
}

/* Layers whose cache sizes a placement keeps at hand (placer.kv_*); a
 * deeper model has the rest worked out as needed. */
#define PLACER_KV_LAYERS 1024

struct placer {
	const struct model *m;
	const struct size_model *s;
	const struct estimate_settings *set;
	int64_t ctx;            /* tokens the cache is allocated for */
	int64_t read_ctx;       /* tokens a generated token attends to: the prompt */
	struct compute_shape compute;
	/* each layer's cache (state) bytes at ctx and what a token reads of
	 * it at read_ctx: placing and rating read them many times over */
	int64_t kv_alloc[PLACER_KV_LAYERS], kv_read[PLACER_KV_LAYERS];
};

/* What a layer's cache size depends on: none, full attention, a sliding
 * window, a recurrent state. */
enum kv_class { KV_NONE, KV_FULL, KV_SLIDING, KV_STATE, KV_CLASSES };

static enum kv_class layer_kv_class(const struct model *m, int layer)
{
	if (model_layer_kind(m, layer) == LAYER_RECURRENT)
		return KV_STATE;
	if (!layer_has_kv(m, layer))
		return KV_NONE;
	return layer_is_sliding(m, layer) ? KV_SLIDING : KV_FULL;
}

/* Each layer's cache bytes, worked out once per class of layer. */
static void placer_kv_fill(struct placer *p)
{
	int n = p->s->n_layers < PLACER_KV_LAYERS ? p->s->n_layers : PLACER_KV_LAYERS;
	int64_t alloc[KV_CLASSES], read[KV_CLASSES];
	bool known[KV_CLASSES] = { false };

	for (int i = 0; i < n; i++) {
		enum kv_class c = layer_kv_class(p->m, i);

		if (!known[c]) {
			alloc[c] = layer_kv_bytes(p->m, i, p->ctx, p->set->kv, true);
			read[c] = layer_kv_bytes(p->m, i, p->read_ctx, p->set->kv, false);
			known[c] = true;
		}
		p->kv_alloc[i] = alloc[c];
		p->kv_read[i] = read[c];
	}
}

/* Layer i's cache bytes: allocated at ctx, or read at read_ctx. */
static int64_t placer_kv(const struct placer *p, int i, bool allocated)
{
	if (i < PLACER_KV_LAYERS)
		return allocated ? p->kv_alloc[i] : p->kv_read[i];
	return layer_kv_bytes(p->m, i, allocated ? p->ctx : p->read_ctx, p->set->kv, allocated);
}

static int64_t device_total(const struct device_load *d)
{
	return d->weights_bytes + d->kv_bytes + d->compute_bytes + d->reserve_bytes;
}

/* Puts layer i (whole, or only its experts when experts_only) on d if it fits. */
static bool try_layer(const struct placer *p, struct device_load *d, int i, bool experts_only)
{
	int64_t w = experts_only ? p->s->layers[i].expert_bytes : layer_weights(p->s, i);
	int64_t kv = experts_only ? 0 : placer_kv(p, i, true);

	if (device_total(d) + w + kv > d->budget_bytes)
		return false;
	d->weights_bytes += w;
	d->kv_bytes += kv;
	if (experts_only)
		d->expert_layers++;
	else
		d->layers++;
	return true;
}

/* The output matrix and a compute buffer open a GPU for layers. */
static bool open_gpu(const struct placer *p, struct device_load *d, bool holds_output)
{
	d->compute_bytes = compute_bytes_for(p->m, &p->compute, holds_output);
	d->weights_bytes = holds_output ? output_device_bytes(p->m, p->s) : 0;
	return device_total(d) <= d->budget_bytes;
}

/* What stays in RAM: token_embd and the other input tables, the layers
 * not on GPUs, their KV, the CPU compute buffer and the process. */
static void fill_cpu(const struct placer *p, struct fit *f, int first_cpu_layer,
		     bool experts_only_on_gpu)
{
	struct device_load *c = &f->cpu;
	int n = p->s->n_layers;

	c->weights_bytes = p->s->token_embd_bytes + p->s->input_bytes + (f->output_on_gpu ? 0 :
			   output_device_bytes(p->m, p->s) - (p->m->tied_embeddings ? p->s->token_embd_bytes : 0));
	for (int i = first_cpu_layer; i < n; i++) {
		c->weights_bytes += experts_only_on_gpu ? p->s->layers[i].expert_bytes :
				    layer_weights(p->s, i);
		if (!experts_only_on_gpu) {
			c->kv_bytes += placer_kv(p, i, true);
			c->layers++;
		} else {
			c->expert_layers++;
		}
	}
	/* with everything offloaded the CPU keeps the input embeddings only */
	c->compute_bytes = f->output_on_gpu && c->layers == 0 && c->expert_layers == 0 ?
			   p->compute.ubatch * 4 * 2 * p->m->embd :
			   compute_bytes_for(p->m, &p->compute, !f->output_on_gpu);
	c->reserve_bytes = PROCESS_BYTES;
}

/* The layers GPU k (in budget order) takes before the next one starts:
 * all it can for Ollama, which keeps a model on one GPU when it fits there
 * (ollama/ollama llm/server.go); llama.cpp's default -sm layer splits the
 * layers over every GPU in proportion to its memory (ggml-org/llama.cpp
 * src/llama-model.cpp, tensor_split from each device's free memory), even
 * when the model would fit on one. */
static int layer_quota(const struct placer *p, const struct budgets *b, int k, int next)
{
	int64_t total = 0, before = 0;
	int n = p->s->n_layers;

	if (p->set->runtime != RUNTIME_LLAMA_CPP)
		return n;
	for (int j = 0; j < b->gpu_count; j++) {
		int64_t budget = b->gpu[b->order[j]] > 0 ? b->gpu[b->order[j]] : 0;

		total += budget;
		if (j <= k)
			before += budget;
	}
	if (total <= 0 || k == b->gpu_count - 1)
		return n;
	return (int)llround((double)n * (double)before / (double)total) > next ?
	       (int)llround((double)n * (double)before / (double)total) : next;
}

/* GPUs in budget order; fills f->gpu and returns the layers placed. With
 * experts_only, attention parts of all layers must fit first and the
 * experts follow layer by layer. */
static int fill_gpus(const struct placer *p, const struct budgets *b, struct fit *f,
		     bool experts_only)
{
	int n = p->s->n_layers, next = 0;

	for (int k = 0; k < b->gpu_count && next < n; k++) {
		int g = b->order[k];
		struct device_load *d = &f->gpu[g];

		d->budget_bytes = b->gpu[g];
		if (d->budget_bytes <= 0 || !open_gpu(p, d, k == 0))
			continue;
		if (k == 0) {
			f->output_on_gpu = true;
			f->output_gpu = g;
		}
		if (experts_only) {
			for (int i = 0; i < n; i++) {
				d->weights_bytes += p->s->layers[i].dense_bytes;
				d->kv_bytes += placer_kv(p, i, true);
			}
			d->layers = n;
			if (device_total(d) > d->budget_bytes)
				return -1;
		}
		d->first_layer = experts_only ? 0 : next;
		int quota = experts_only ? n : layer_quota(p, b, k, next);

		while (next < quota && try_layer(p, d, next, experts_only))
			next++;
		f->gpus_used++;
		if (experts_only)
			break; /* expert offload is a one-GPU layout here */
	}
	return next;
}

static enum placement classify(const struct fit *f)
{
	if (f->gpus_used == 0)
		return PLACE_CPU;
	if (f->offload == OFFLOAD_NONE)
		return f->gpus_used > 1 ? PLACE_MULTI_GPU : PLACE_GPU;
	return PLACE_PARTIAL;
}

/* Layer placement (llama.cpp -ngl): returns 0 and f, or -1 if RAM cannot
 * take what the GPUs cannot. */
static int place_layers(const struct placer *p, const struct budgets *b, struct fit *f)
{
	int n = p->s->n_layers, on_gpu;

	memset(f, 0, sizeof(*f));
	on_gpu = fill_gpus(p, b, f, false);
	if (on_gpu <= 0 && !f->output_on_gpu) {
		memset(f->gpu, 0, sizeof(f->gpu));
		f->gpus_used = 0;
	}
	f->gpu_layers = on_gpu < 0 ? 0 : on_gpu;
	f->offload = f->gpu_layers == n ? OFFLOAD_NONE : OFFLOAD_LAYERS;
	if (f->gpus_used == 0)
		f->offload = OFFLOAD_NONE;
	fill_cpu(p, f, f->gpu_layers, false);
	f->cpu.budget_bytes = b->ram;
	for (int i = 0; i < b->gpu_count; i++)  /* unified GPUs draw on the same RAM */
		if (b->unified[i])
			f->cpu.budget_bytes -= device_total(&f->gpu[i]);
	f->placement = classify(f);
	return b->ram >= 0 && device_total(&f->cpu) <= f->cpu.budget_bytes ? 0 : -1;
}

/* MoE expert offload (--n-cpu-moe): attention on the first GPU, experts of
 * as many layers as fit there too, the rest of the experts in RAM. */
static int place_experts(const struct placer *p, const struct budgets *b, struct fit *f)
{
	int n = p->s->n_layers, experts_on_gpu;

	memset(f, 0, sizeof(*f));
	if (!p->m->has_moe || b->gpu_count == 0)
		return -1;
	experts_on_gpu = fill_gpus(p, b, f, true);
	if (experts_on_gpu < 0 || f->gpus_used == 0 || experts_on_gpu == n)
		return -1;
	f->gpu_layers = n;
	f->offload = OFFLOAD_EXPERTS;
	f->placement = PLACE_PARTIAL;
	fill_cpu(p, f, experts_on_gpu, true);
	f->cpu.budget_bytes = b->ram;
	return b->ram >= 0 && device_total(&f->cpu) <= f->cpu.budget_bytes ? 0 : -1;
}

/* ---- decode ---- */

/* The GPU constants are fitted by tools/calibrate.c (`make calibrate`) to
 * data/calibration/llama-tg.csv (published llama.cpp tg and pp runs): least
 * squares on the log error of t = bytes / (bandwidth x efficiency) + layers x
 * overhead + (GPUs - 1) x hop, one overhead per backend and one efficiency per
 * backend and weight class; the band is the 90th percentile of the
 * leave-one-GPU-out error; the prefill efficiency is the geometric mean of
 * measured pp over FP16 tensor peak. fitted.h says how many rows fed each. */
struct backend_fit {
	double efficiency[WEIGHT_CLASS_COUNT]; /* share of spec bandwidth reached */
	double layer_overhead_s;
	double band;              /* relative half-width of low/high */
	double prefill_efficiency;/* share of FP16 tensor peak reached at pp512 */
};

#include "estimate/fitted.h"

static const char *const backend_names[BACKEND_COUNT] = { "cuda", "metal", "vulkan" };

static const struct backend_fit backend_fits[BACKEND_COUNT] = {
	[BACKEND_CUDA] = FIT_CUDA, [BACKEND_METAL] = FIT_METAL, [BACKEND_VULKAN] = FIT_VULKAN,
};

#define CPU_BAND 0.25  /* bench-to-model transfer and memory-bandwidth swings */

/* Each further GPU in a layer split adds a hand-over per token (fitted on the
 * 2-8 GPU rows of the calibration data). */
#define GPU_HOP_S FIT_GPU_HOP_S

const char *gpu_backend_name(enum gpu_backend b)
{
	return backend_names[b];
}

int gpu_backend_parse(const char *name, enum gpu_backend *out)
{
	for (int i = 0; i < BACKEND_COUNT; i++)
		if (strcasecmp(name, backend_names[i]) == 0) {
			*out = (enum gpu_backend)i;
			return 0;
		}
	return -1;
}

const char *weight_class_name(enum weight_class c)
{
	static const char *const names[WEIGHT_CLASS_COUNT] = { "float", "legacy", "kquant" };
	return names[c];
}

static enum gpu_backend backend_of(const struct gpu_info *g)
{
	if (g->vendor == GPU_VENDOR_NVIDIA)
		return BACKEND_CUDA;
	return g->vendor == GPU_VENDOR_APPLE ? BACKEND_METAL : BACKEND_VULKAN;
}

static const struct backend_fit *backend_for(const struct gpu_info *g)
{
	return &backend_fits[backend_of(g)];
}

/* The type holding the most bytes. */
static int dominant_type(const struct size_model *s)
{
	int best = 0;

	for (int id = 1; id < GGML_TYPE_ID_LIMIT; id++)
		if (s->type_bytes[id] > s->type_bytes[best])
			best = id;
	return best;
}

enum weight_class estimate_weight_class(const struct size_model *s)
{
	switch (dominant_type(s)) {
	case GGML_TYPE_F32: case GGML_TYPE_F16: case GGML_TYPE_BF16: case GGML_TYPE_F64:
		return WEIGHT_FLOAT;
	case GGML_TYPE_Q4_0: case GGML_TYPE_Q4_1: case GGML_TYPE_Q5_0: case GGML_TYPE_Q5_1:
	case GGML_TYPE_Q8_0: case GGML_TYPE_Q8_1: case GGML_TYPE_MXFP4: case GGML_TYPE_NVFP4:
		return WEIGHT_LEGACY;
	default:
		return WEIGHT_KQUANT;
	}
}

/* Bytes layer i reads per token: dense part, the routed share of its
 * experts, and its KV at context ctx. */
static double layer_read_bytes(const struct placer *p, int i, bool dense, bool experts)
{
	const struct model *m = p->m;
	double frac = m->has_moe && m->moe.experts > 0 ?
		(double)m->moe.experts_used / m->moe.experts : 1.0;
	double bytes = 0;

	if (dense)
		bytes += (double)p->s->layers[i].dense_bytes +
			 (double)placer_kv(p, i, false);
	if (experts)
		bytes += (double)p->s->layers[i].expert_bytes * frac;
	return bytes;
}

static double gpu_read_bytes(const struct placer *p, const struct fit *f, const struct device_load *d,
			     bool holds_output)
{
	double bytes = holds_output ? (double)output_device_bytes(p->m, p->s) : 0;

	if (f->offload == OFFLOAD_EXPERTS) {
		for (int i = 0; i < p->s->n_layers; i++)
			bytes += layer_read_bytes(p, i, true, i < d->expert_layers);
		return bytes;
	}
	for (int i = d->first_layer; i < d->first_layer + d->layers; i++)
		bytes += layer_read_bytes(p, i, true, true);
	return bytes;
}

static double cpu_read_bytes(const struct placer *p, const struct fit *f)
{
	double bytes = f->output_on_gpu ? 0 : (double)output_device_bytes(p->m, p->s);
	bool experts_only = f->offload == OFFLOAD_EXPERTS;
	int first = experts_only ? p->s->n_layers - f->cpu.expert_layers : f->gpu_layers;

	for (int i = first; i < p->s->n_layers; i++)
		bytes += layer_read_bytes(p, i, !experts_only, true);
	return bytes;
}

/* The bench's weight type whose kernel class runs ggml type id as llama.cpp
 * does: Q4_0 and Q8_0 for themselves (the types it repacks or tiles on
 * x86), Q8_0 for floats (as memory-bound), Q6_K for itself, Q4_K for the
 * other k-quants, IQ types and the legacy types it runs row by row (Q4_1,
 * Q5_0, Q5_1, MXFP4: no repacked path in ggml-cpu-aarch64.cpp or amx/). */
static enum cpu_weight cpu_weight_for(int id)
{
	switch (id) {
	case GGML_TYPE_F32: case GGML_TYPE_F16: case GGML_TYPE_BF16: case GGML_TYPE_F64:
	case GGML_TYPE_Q8_0: case GGML_TYPE_Q8_1:
		return CPU_W_Q8_0;
	case GGML_TYPE_Q4_0:
		return CPU_W_Q4_0;
	case GGML_TYPE_Q6_K:
		return CPU_W_Q6_K;
	default:
		return CPU_W_Q4_K;
	}
}

/* How fast llama.cpp's kernel for a type the bench does not time runs,
 * against the kernel class it is timed by (cpu_weight_for), from
 * github:ikawrakow/ik_llama.cpp README.md @25ade2452 (2024-08-12), column
 * "t/s (llama.cpp)": x86 a Ryzen 9 7950X on LLaMA-3-8B, Arm an M2 Max on
 * LLaMA-2-7B; the class types are Q4_K_S (Q8_0 for F16).
 * Decode, weight bytes a second on one thread: the 2-thread tg128 rows
 * (compute-bound there), t/s x the file's bytes a token as canirun sizes it:
 *   x86: Q4_K_S 9.61 t/s x 4.398 GB; Q4_1 5.11 x 4.802, Q5_0 5.31 x 5.239,
 *   Q5_1 4.52 x 5.675, Q2_K_S 11.30 x 2.817, Q3_K_S 8.58 x 3.439, Q5_K_S
 *   7.45 x 5.239, IQ4_XS 8.08 x 4.206, IQ4_NL 5.52 x 4.412; Q8_0 5.03 x
 *   7.983, F16 3.63 x 15.019.
 *   Arm: Q4_K_S 11.15 x 3.816; Q4_1 9.11 x 4.190, Q5_0 7.26 x 4.594, Q5_1
 *   6.51 x 4.999, Q2_K_S 8.42 x 2.309, Q3_K_S 6.40 x 2.925, Q5_K_S 7.20 x
 *   4.594, IQ4_XS 9.87 x 3.611, IQ4_NL 8.32 x 3.807; Q8_0 8.29 x 7.055,
 *   F16 6.94 x 13.249.
 * Prefill, FLOPs a second: the pp512 rows' t/s over the class type's:
 *   x86: Q4_K_S 98.92; Q4_1 57.83, Q5_0 53.50, Q5_1 50.85, Q2_K_S 110.11,
 *   Q3_K_S 77.42, Q5_K_S 69.44, IQ4_XS 68.98, IQ4_NL 59.94; Q8_0 118.07,
 *   F16 112.37.
 *   Arm: Q4_K_S 46.55; Q4_1 37.40, Q5_0 29.31, Q5_1 26.02, Q2_K_S 35.44,
 *   Q3_K_S 26.79, Q5_K_S 30.18, IQ4_XS 40.67, IQ4_NL 34.36; Q8_0 77.25,
 *   F16 90.28.
 * That build ran Q5_0 and IQ4_NL prompts row by row; llama.cpp has run
 * them through tinyBLAS on x86 since (tinyblas_type), so their x86 prompt
 * factors are the table's x the speedup their pull request measured:
 * Q5_0 x 53.26 / 26.10 (github:ggml-org/llama.cpp pull 10010, Ryzen 5
 * 7600X, llama 7B pp512, 6 threads), IQ4_NL x 9.46 / 7.01 (pull 9422,
 * an AVX2 CPU, llama 8B pp512, 4 threads). Qwen2.5-0.5B's Q4_K_M file,
 * mostly Q5_0 for its 896-wide rows, on the 2-vCPU Zen 3 build VM (held
 * out): pp256 -33% and -47% at 2 and 1 threads with the table's factor,
 * +3% and +4% with these (74.6 vs 72.4 t/s, 40.5 vs 39.1), +13% and 0%
 * once the bench timed Q8_0 prompts in tinyBLAS tiles there (its Q8_0
 * tensors).
 * BF16 and F32 take F16's; types not in the table (MXFP4, the IQ2/IQ3
 * types) their class's, 1: no published figure. These rows are marked
 * fitted in tests/fixtures/cpu-runs.csv (the Q5_0 and IQ4_NL prompt rows
 * superseded: llama.cpp has sped up since). */
static double kernel_factor(const struct cpu_info *cpu, int id, bool prompt)
{
	static const struct { int id; double x86, arm, x86_prompt, arm_prompt; } factors[] = {
		{ GGML_TYPE_Q4_1, 0.581, 0.897, 0.585, 0.803 },
		{ GGML_TYPE_Q5_0, 0.658, 0.784, 0.541 * 53.26 / 26.10, 0.630 },
		{ GGML_TYPE_Q5_1, 0.607, 0.765, 0.514, 0.559 },
		{ GGML_TYPE_Q2_K, 0.753, 0.457, 1.113, 0.761 },
		{ GGML_TYPE_Q3_K, 0.698, 0.440, 0.783, 0.576 },
		{ GGML_TYPE_Q5_K, 0.923, 0.778, 0.702, 0.648 },
		{ GGML_TYPE_IQ4_XS, 0.804, 0.838, 0.697, 0.874 },
		{ GGML_TYPE_IQ4_NL, 0.576, 0.745, 0.606 * 9.46 / 7.01, 0.738 },
		{ GGML_TYPE_F16, 1.358, 1.571, 0.952, 1.169 },
		{ GGML_TYPE_BF16, 1.358, 1.571, 0.952, 1.169 },
		{ GGML_TYPE_F32, 1.358, 1.571, 0.952, 1.169 },
	};
	bool arm = cpu_has_simd(cpu, "neon");

	for (size_t i = 0; i < sizeof(factors) / sizeof(factors[0]); i++)
		if (factors[i].id == id)
			return prompt ? (arm ? factors[i].arm_prompt : factors[i].x86_prompt)
				      : (arm ? factors[i].arm : factors[i].x86);
	return 1;
}

/* Whether llama.cpp's AMX backend has kernels for type id
 * (ggml/src/ggml-cpu/amx/common.h qtype_has_amx_kernels): on a CPU with
 * AMX it runs a prompt's batches of these on tiles, the others on its
 * ordinary SIMD path. (It also needs the weight's rows to be a multiple of
 * 32, amx.cpp supports_op: every real model's are.) */
static bool amx_type(int id)
{
	return id == GGML_TYPE_Q4_0 || id == GGML_TYPE_Q4_1 || id == GGML_TYPE_Q8_0 || id == GGML_TYPE_Q4_K ||
	       id == GGML_TYPE_Q5_K || id == GGML_TYPE_Q6_K || id == GGML_TYPE_IQ4_XS;
}

/* Whether llama.cpp's ordinary x86 path runs a prompt's batches of type id
 * through llamafile's tinyBLAS (ggml-cpu/llamafile/sgemm.cpp: Q8_0, Q4_0,
 * Q5_0, IQ4_NL, and the floats), 32-weight blocks in register tiles like
 * the bench's batched Q8_0 product (on AVX2 tinyBLAS's own tile, else the
 * packed one), rather than a dot product a row. */
static bool tinyblas_type(int id)
{
	return id == GGML_TYPE_Q4_0 || id == GGML_TYPE_Q5_0 || id == GGML_TYPE_IQ4_NL ||
	       cpu_weight_for(id) == CPU_W_Q8_0;
}

/* kernel_factor's x86 prompt factors are against Q4_K_S but for Q8_0's
 * class, against Q8_0: Q8_0 against Q4_K_S in the same table is pp512
 * 118.07 / 98.92 t/s. */
#define Q8_0_OVER_Q4_K_PROMPT (118.07 / 98.92)

/* Prefill GFLOP/s of type id: its class's batched rate x its kernel factor.
 * Where the bench timed the classes on AMX tiles, a type without AMX
 * kernels takes llama.cpp's ordinary path instead: the bench's SIMD Q8_0
 * rate for the tinyBLAS types, x the factor against Q8_0, or its SIMD Q4_K
 * rate x the factor against Q4_K (Qwen2.5-0.5B's Q4_K_M file, mostly Q5_0
 * fallbacks for its 896-wide rows, ran pp256 at 99-109 t/s on the AMX build
 * VM, its Q4_0 file at 400). ordinary: as if every type took the ordinary
 * path, the rate of the work that never runs on tiles (attention). */
static double prefill_type_gflops(const struct cpu_info *cpu, int id, int threads, bool ordinary)
{
	double factor = kernel_factor(cpu, id, true), simd = -1, simd_factor = factor;
	enum cpu_weight w = cpu_weight_for(id);
	bool tiles = amx_type(id) && !ordinary;

	if (!tiles && tinyblas_type(id)) {
		simd = cpu_prefill_simd_gflops(cpu, CPU_W_Q8_0, threads);
		simd_factor = w == CPU_W_Q8_0 || w == CPU_W_Q4_0 ? factor : factor / Q8_0_OVER_Q4_K_PROMPT;
	} else if (!tiles) {
		simd = cpu_prefill_simd_gflops(cpu, CPU_W_Q4_K, threads);
	}
	return simd > 0 ? simd * simd_factor : cpu_prefill_gflops(cpu, w, threads) * factor;
}

/* The bytes of type id that every token multiplies: the whole tensor list
 * less the token embedding (a row lookup) when it is not also the output
 * and the other input tables (always lookups), and for a prompt (only its
 * last token's logits are made) the output too. */
static double multiplied_bytes(const struct model *m, const struct size_model *s, int id, bool prompt)
{
	double bytes = (double)s->type_bytes[id];

	if (id == s->token_embd_type && (prompt || !m->tied_embeddings))
		bytes -= (double)s->token_embd_bytes;
	if (id == s->input_type)
		bytes -= (double)s->input_bytes;
	if (id == s->output_type && prompt)
		bytes -= (double)s->output_bytes;
	return bytes > 0 ? bytes : 0;
}

/* The threads a token's work is rated on: those used, the big cores at
 * most (as the one-thread rates are the big cores'). */
static int big_core_threads(const struct cpu_info *cpu, int threads)
{
	int n = cpu_threads_used(cpu, threads);

	return cpu->performance_cores > 0 && n > cpu->performance_cores ? cpu->performance_cores : n;
}

/* Decode rate of type id in weight GB/s. A type the bench times has its
 * own rate. Another runs its class's one-thread rate x its kernel factor
 * on each thread (llama.cpp's threads: the big cores at most), up to what
 * the memory reads at these threads, or without a memory figure up to the
 * class's rate: hw/cpurate.h's model. */
static double decode_type_gbps(const struct cpu_info *cpu, int id, int threads)
{
	enum cpu_weight w = cpu_weight_for(id);
	double factor = kernel_factor(cpu, id, false), memory = cpu_memory_gbps(cpu, threads);
	int n = big_core_threads(cpu, threads);

	if (factor == 1)
		return cpu_decode_gbps(cpu, w, threads);
	if (memory <= 0)
		return cpu_threads_gbps(cpu_decode_gbps(cpu, w, 1) * factor, cpu_decode_gbps(cpu, w, threads), n);
	return cpu_memory_bound_gbps(cpu_decode_gbps(cpu, w, 1) * factor, memory, n);
}

/* A rate for the model's mix of weight types: the byte-weighted harmonic
 * mean of each type's rate (each byte takes 1/rate of its own type), so a
 * Q4_K_M file's Q6_K tensors cost what Q6_K costs. Decode rates are GB/s,
 * prefill's GFLOPS (its class's x the type's kernel factor; RATE_ORDINARY:
 * every type off AMX tiles, prefill_type_gflops). -1 when a rate is
 * unknown. */
enum rate_kind { RATE_DECODE, RATE_PREFILL, RATE_ORDINARY };

static double mixed_rate(const struct model *m, const struct size_model *s, const struct cpu_info *cpu,
			 int threads, enum rate_kind kind)
{
	double total = 0, seconds = 0;
	bool prompt = kind != RATE_DECODE;

	for (int id = 0; id < GGML_TYPE_ID_LIMIT; id++) {
		double bytes = multiplied_bytes(m, s, id, prompt), r;

		if (bytes <= 0)
			continue;
		r = prompt ? prefill_type_gflops(cpu, id, threads, kind == RATE_ORDINARY) : decode_type_gbps(cpu, id, threads);
		if (r <= 0)
			return -1;
		total += bytes;
		seconds += bytes / r;
	}
	if (seconds > 0)
		return total / seconds;
	return prompt ? cpu_prefill_gflops(cpu, CPU_W_Q4_0, threads) : cpu_decode_gbps(cpu, CPU_W_Q4_0, threads);
}

/* The share of a token llama.cpp's threads wait at barriers
 * (ESTIMATE_CPU_SYNC_SHARE): on more than one thread, at rates the bench
 * measured (a described CPU's are fitted to whole runs). */
static double cpu_sync_share(const struct hardware *hw, int threads)
{
	return hw->cpu.q4_source != SRC_WHATIF && cpu_threads_used(&hw->cpu, threads) > 1 ? ESTIMATE_CPU_SYNC_SHARE : 0;
}

/* The CPU decode rate, weight GB/s, at the settings' threads (hw/cpurate.h),
 * less the barrier wait. */
static double cpu_rate_gbps(const struct hardware *hw, const struct model *m, const struct size_model *s,
			    const struct estimate_settings *set)
{
	double gbps = mixed_rate(m, s, &hw->cpu, set->threads, RATE_DECODE);

	return gbps > 0 ? gbps * (1 - cpu_sync_share(hw, set->threads)) : gbps;
}

/* The GPUs' part of decode, each GPU at its own backend's constants: fills
 * t's GPU terms (over GPUs of several backends, backend "mixed" and the
 * effective bandwidth and efficiency, those that give the GPUs' memory time
 * together), sets *band to the GPUs' bands weighed by their time and returns
 * the seconds a token, hand-overs included. *known turns false when a GPU's
 * bandwidth is unknown. */
static double gpu_decode_seconds(const struct hardware *hw, const struct placer *p, struct fit *f,
				 double *band, bool *known)
{
	struct decode_terms *t = &f->terms;
	double device_s = 0, band_s = 0, unit_s = 0, memory_s = 0;

	for (int g = 0; g < hw->gpu_count; g++) {
		const struct device_load *d = &f->gpu[g];
		const struct backend_fit *b = backend_for(&hw->gpus[g]);
		const char *name = gpu_backend_name(backend_of(&hw->gpus[g]));
		double bytes, bandwidth = hw->gpus[g].bandwidth_gbps * 1e9, memory, seconds;
		bool holds_output = f->output_on_gpu && f->output_gpu == g;

		if (d->layers == 0 && d->expert_layers == 0 && !holds_output)
			continue;
		bytes = gpu_read_bytes(p, f, d, holds_output);
		t->gpu_bytes_per_token += bytes;
		t->gpu_backend = !t->gpu_backend || strcmp(t->gpu_backend, name) == 0 ? name : "mixed";
		if (bandwidth <= 0) {
			*known = false;
			continue;
		}
		memory = bytes / (bandwidth * b->efficiency[t->weight_class]);
		seconds = memory + d->layers * b->layer_overhead_s;
		unit_s += bytes / bandwidth;
		memory_s += memory;
		device_s += seconds;
		band_s += seconds * b->band;
		t->overhead_seconds += d->layers * b->layer_overhead_s;
	}
	if (*known && unit_s > 0) {
		t->gpu_bandwidth_gbps = t->gpu_bytes_per_token / unit_s / 1e9;
		t->gpu_efficiency = unit_s / memory_s;
	}
	*band = device_s > 0 ? band_s / device_s : 0;
	if (f->gpus_used > 1) {
		device_s += (f->gpus_used - 1) * GPU_HOP_S;
		t->overhead_seconds += (f->gpus_used - 1) * GPU_HOP_S;
	}
	return device_s;
}

/* Attention FLOPs a generated token takes on the CPU's layers: per
 * attention layer Q.K and weights.V, 2 x 2 x heads x head_dim for each
 * token it attends to at read_ctx. None when the GPUs hold every layer's
 * attention (all layers, or all but the experts). */
static double cpu_attention_flops(const struct placer *p, const struct fit *f)
{
	double per_token = 4.0 * p->m->heads * p->m->head_dim, flops = 0;

	if (is_encoder_only(p->m) || f->offload == OFFLOAD_EXPERTS)
		return 0;
	for (int i = f->gpu_layers; i < p->s->n_layers; i++)
		if (model_layer_kind(p->m, i) == LAYER_ATTENTION)
			flops += per_token * (double)layer_kv_tokens(p->m, i, p->read_ctx, false);
	return flops;
}

/* The CPU's decode attention rate in GFLOP/s: ESTIMATE_CPU_DECODE_ATTENTION_SHARE
 * of the one-thread Q8_0 matvec rate on each thread used (the big cores at
 * most); the work is per head, from cache, so it scales with threads. */
static double cpu_attention_gflops(const struct cpu_info *cpu, int threads)
{
	int n = big_core_threads(cpu, threads);
	double one = cpu_decode_gbps(cpu, CPU_W_Q8_0, 1);

	return one > 0 ? ESTIMATE_CPU_DECODE_ATTENTION_SHARE * one * n : -1;
}

/* The CPU's seconds a token: its weights and KV at the matvec rate, its
 * attention at the attention rate; fills t's CPU terms. -1 when a rate is
 * unknown. */
static double cpu_decode_seconds(const struct hardware *hw, const struct placer *p, const struct fit *f,
				 struct decode_terms *t)
{
	t->cpu_bytes_per_token = cpu_read_bytes(p, f);
	t->cpu_gbps = cpu_rate_gbps(hw, p->m, p->s, p->set);
	t->cpu_sync_share = cpu_sync_share(hw, p->set->threads);
	t->cpu_attention_flops_per_token = cpu_attention_flops(p, f);
	if (t->cpu_bytes_per_token <= 0)
		return 0;
	if (t->cpu_attention_flops_per_token > 0)
		t->cpu_attention_gflops = cpu_attention_gflops(&hw->cpu, p->set->threads);
	if (t->cpu_gbps <= 0 || (t->cpu_attention_flops_per_token > 0 && t->cpu_attention_gflops <= 0))
		return -1;
	return t->cpu_bytes_per_token / (t->cpu_gbps * 1e9) +
	       (t->cpu_attention_flops_per_token > 0 ?
		t->cpu_attention_flops_per_token / (t->cpu_attention_gflops * 1e9) : 0);
}

/* Fills f's decode figures; unknown when a rate it needs is unknown. */
static void decode_speed(const struct hardware *hw, const struct placer *p, struct fit *f)
{
	struct decode_terms *t = &f->terms;
	double gpu_s, cpu_s, gpu_band;
	bool known = true;

	memset(t, 0, sizeof(*t));
	t->gpu_bandwidth_gbps = -1;
	t->weight_class = estimate_weight_class(p->s);
	gpu_s = gpu_decode_seconds(hw, p, f, &gpu_band, &known);
	cpu_s = cpu_decode_seconds(hw, p, f, t);
	if (cpu_s < 0) {
		known = false;
		cpu_s = 0;
	}
	t->gpu_seconds_per_token = gpu_s;
	t->cpu_seconds_per_token = cpu_s;
	f->decode_tok_s = f->decode_low_tok_s = f->decode_high_tok_s = -1;
	if (!known || gpu_s + cpu_s <= 0)
		return;
	t->band = (gpu_s * gpu_band + cpu_s * CPU_BAND) / (gpu_s + cpu_s);
	f->decode_tok_s = 1.0 / (gpu_s + cpu_s);
	f->decode_low_tok_s = f->decode_tok_s * (1 - t->band);
	f->decode_high_tok_s = f->decode_tok_s * (1 + t->band);
}

/* ---- prefill ---- */

/* The weights a prompt token is multiplied with: the active parameters
 * less the token embedding (a row lookup, no product) and the output
 * matrix, which llama.cpp applies to the last prompt token only
 * (llama_batch_get_one asks for the last logits; its product is the
 * first generated token's, counted in TTFT's decode term). */
static double prefill_weights(const struct model *m)
{
	double weights = (double)(m->active_params > 0 ? m->active_params : m->params);
	double embedding = (double)m->vocab * (double)m->embd * (m->tied_embeddings ? 1 : 2);

	/* gemma3n's per-layer table is a lookup too */
	if (m->has_ple)
		embedding += (double)m->vocab * (double)(m->ple.embd_per_layer * m->layers);

	/* a catalogue count below its own embeddings (an inconsistent entry)
	 * keeps the whole count rather than a negative one */
	return weights > embedding ? weights - embedding : weights;
}

/* Attention FLOPs a token of a `prompt`-token prompt takes, on average
 * over its positions: per attention layer Q.K and weights.V, 2 x 2 x heads
 * x head_dim for each token attended to; a token at position i attends to
 * min(i, window) of them, which averages w - w^2 / 2P over a P-token prompt
 * for w = min(P, window) (P / 2 without a window). */
static double prompt_attention_flops(const struct model *m, int prompt)
{
	double flops = 0, per_token = 4.0 * m->heads * m->head_dim;

	if (prompt <= 0 || is_encoder_only(m))
		return 0;
	for (int i = 0; i < m->layers; i++) {
		double w;

		if (model_layer_kind(m, i) != LAYER_ATTENTION)
			continue;
		w = (double)layer_kv_tokens(m, i, prompt, false);
		flops += per_token * (w - w * w / (2.0 * prompt));
	}
	return flops;
}


/* The threads a CPU prefill rate is asked for: a what-if CPU's is for the
 * threads asked already (hw/cpudescribed.h), with no one-thread rate to
 * scale from. */
static int prefill_threads(const struct hardware *hw, const struct estimate_settings *set)
{
	return hw->cpu.q4_source == SRC_WHATIF ? 0 : set->threads;
}

/* Prompt processing is compute-bound: 2 FLOPs per prefill weight a token,
 * split between GPUs by their layers (FP16 tensor peak x a backend
 * efficiency fitted on the pp512 column of the calibration data) and the
 * CPU (batched bench rate, attention at ESTIMATE_CPU_ATTENTION_SHARE of it; on a
 * GPU the fitted efficiency covers it: flash attention). Unknown when a GPU holding layers has no known
 * peak or its backend no prompt calibration. */
static void prefill_speed(const struct hardware *hw, const struct placer *p, struct fit *f)
{
	double flops = 2.0 * prefill_weights(p->m);
	double gpu_share = (double)f->gpu_layers / p->s->n_layers, seconds = 0;

	f->prefill_tok_s = f->ttft_s = -1;
	f->prefill_flops_per_token = flops;
	f->prefill_attention_flops_per_token = prompt_attention_flops(p->m, p->set->prompt_tokens);
	if (f->offload == OFFLOAD_EXPERTS)
		gpu_share = 1.0; /* llama.cpp streams CPU experts to the GPU for big batches */
	/* Layers run one after another: each GPU its share at its own rate. */
	for (int g = 0; g < hw->gpu_count && gpu_share > 0; g++) {
		double tflops = hw->gpus[g].fp16_tflops * backend_for(&hw->gpus[g])->prefill_efficiency;

		if (f->gpu[g].layers == 0)
			continue;
		if (hw->gpus[g].fp16_tflops <= 0 || tflops <= 0)
			return;
		seconds += flops * f->gpu[g].layers / p->s->n_layers / (tflops * 1e12);
	}
	if (gpu_share < 1) {
		int threads = prefill_threads(hw, p->set);
		double gflops = mixed_rate(p->m, p->s, &hw->cpu, threads, RATE_PREFILL);
		/* attention never runs on AMX tiles (its K and V are not weights
		 * in the AMX buffer): the ordinary path's rate */
		double attention = mixed_rate(p->m, p->s, &hw->cpu, threads, RATE_ORDINARY);

		if (gflops <= 0 || attention <= 0)
			return;
		f->terms.cpu_prefill_gflops = gflops;
		f->terms.cpu_prefill_attention_gflops = attention;
		seconds += (flops / gflops + f->prefill_attention_flops_per_token / ESTIMATE_CPU_ATTENTION_SHARE / attention) *
			   (1 - gpu_share) / 1e9;
	}
	f->prefill_tok_s = 1.0 / seconds;
	if (f->decode_tok_s > 0)
		f->ttft_s = p->set->prompt_tokens / f->prefill_tok_s + 1.0 / f->decode_tok_s;
}

static enum verdict verdict_for(const struct fit *f)
{
	if (f->placement == PLACE_NONE)
		return VERDICT_NO_FIT;
	if (f->decode_tok_s < 0)
		return VERDICT_UNKNOWN;
	if (f->decode_tok_s >= FAST_TOK_S)
		return VERDICT_FAST;
	return f->decode_tok_s >= READING_FLOOR_TOK_S ? VERDICT_USABLE : VERDICT_SLOW;
}

/* The file's main weight type, as the bench and calibrations name it. */
static enum cpu_weight main_weight(const struct size_model *s)
{
	return cpu_weight_for(dominant_type(s));
}

/* This machine's own measurements of the same kind of run (hw.h struct
 * calibration): CPU-only at the same threads, or all layers on GPUs. */
static const struct calibration *calibration_for(const struct hardware *hw,
						 const struct placer *p, const struct fit *f)
{
	enum calibration_device dev = f->placement == PLACE_CPU ? CAL_CPU : CAL_GPU;

	if (f->placement != PLACE_CPU && f->placement != PLACE_GPU && f->placement != PLACE_MULTI_GPU)
		return NULL;
	for (int i = 0; i < hw->calibration_count; i++) {
		const struct calibration *c = &hw->calibrations[i];

		if (c->device == dev && c->weight == (int)main_weight(p->s) &&
		    (dev == CAL_GPU || c->threads == p->set->threads))
			return c;
	}
	return NULL;
}

static void calibrate_fit(const struct hardware *hw, const struct placer *p, struct fit *f)
{
	const struct calibration *c = calibration_for(hw, p, f);

	if (!c)
		return;
	if (c->decode_factor > 0 && f->decode_tok_s > 0) {
		f->decode_tok_s *= c->decode_factor;
		f->decode_low_tok_s *= c->decode_factor;
		f->decode_high_tok_s *= c->decode_factor;
		f->terms.decode_calibration_runs = c->decode_runs;
	}
	if (c->prefill_factor > 0 && f->prefill_tok_s > 0) {
		f->prefill_tok_s *= c->prefill_factor;
		f->terms.prefill_calibration_runs = c->prefill_runs;
		if (f->decode_tok_s > 0)
			f->ttft_s = p->set->prompt_tokens / f->prefill_tok_s + 1.0 / f->decode_tok_s;
	}
}

static void finish_fit(const struct hardware *hw, const struct placer *p, struct fit *f)
{
	decode_speed(hw, p, f);
	prefill_speed(hw, p, f);
	calibrate_fit(hw, p, f);
	f->verdict = verdict_for(f);
	if (f->placement == PLACE_NONE) {
		f->decode_tok_s = f->decode_low_tok_s = f->decode_high_tok_s = -1;
		f->prefill_tok_s = f->ttft_s = -1;
	}
}

/* Layer placement, or expert offload when that is possible and faster;
 * PLACE_NONE when neither fits. */
static void place(const struct hardware *hw, const struct placer *p, const struct budgets *b,
		  struct fit *f)
{
	struct fit experts;
	bool layers_ok, experts_ok;

	layers_ok = place_layers(p, b, f) == 0;
	if (layers_ok)
		finish_fit(hw, p, f);
	experts_ok = (!layers_ok || f->placement == PLACE_PARTIAL) &&
		     place_experts(p, b, &experts) == 0;
	if (experts_ok) {
		finish_fit(hw, p, &experts);
		if (!layers_ok || experts.decode_tok_s > f->decode_tok_s)
			*f = experts;
		return;
	}
	if (!layers_ok) {
		f->placement = PLACE_NONE; /* device loads stay: they show what did not fit */
		f->gpu_layers = 0;
		finish_fit(hw, p, f);
	}
}

/* ---- load (swap) time ---- */

/* Host-to-device copy: PCIe per-lane GB/s by generation (2.5, 5, 8, 16, 32,
 * 64 GT/s with 8b/10b then 128b/130b coding) x width x 0.8 for protocol
 * overhead; unified-memory parts copy at ~5 GB/s (fits the Strix Halo warm
 * loads in load-latency.csv: 39.6 GiB in 8.8 s). */
static double upload_gbps(const struct gpu_info *g)
{
	static const double lane_gbps[] = { 0.25, 0.5, 0.985, 1.969, 3.938, 7.877 };
	int gen = g->pcie.gen > 0 ? g->pcie.gen : g->pcie.max_gen;
	int width = g->pcie.width > 0 ? g->pcie.width : g->pcie.max_width;

	if (g->unified_memory)
		return 5.0;
	if (gen < 1 || gen > 6 || width < 1)
		return 3 * 0.985 * 16 * 0.8 / 3; /* unknown link: assume PCIe 3.0 x16 */
	return lane_gbps[gen - 1] * width * 0.8;
}

/* cold = file from disk + weights over the bus + runtime start; warm = the
 * same with the file already in the page cache. RUNTIME_START_S fits the
 * page-cached 8B loads of load-latency.csv (0.8 s on PCIe 4.0 x16). */
static void load_times(const struct hardware *hw, const struct fit *f, struct estimate *e)
{
	double upload_s = 0;

	e->disk_gbps = hw->disk.read_gbps > 0 ? hw->disk.read_gbps : disk_kind_default_gbps(hw->disk.kind);
	e->disk_source = hw->disk.read_gbps > 0 ? hw->disk.read_source : SRC_ESTIMATED;
	e->pcie_gbps = -1;
	for (int g = 0; g < hw->gpu_count; g++) {
		const struct device_load *d = &f->gpu[g];

		if (d->weights_bytes <= 0)
			continue;
		e->pcie_gbps = upload_gbps(&hw->gpus[g]);
		upload_s += (double)d->weights_bytes / (e->pcie_gbps * 1e9);
	}
	e->load_warm_s = upload_s + RUNTIME_START_S;
	e->load_cold_s = e->load_warm_s + (double)e->file_bytes / (e->disk_gbps * 1e9);
}

/* ---- several machines (llama.cpp RPC, estimate/rpc.h) ---- */

/* A remote node without GPUs serves its RAM as one CPU device. */
static int64_t ram_budget(const struct hardware *hw)
{
	struct budgets b;

	make_budgets(hw, true, &b);
	return b.ram;
}

static void add_device(struct rpc_fit *r, double *free_bytes, int node, int gpu,
		       const struct hardware *hw)
{
	struct rpc_device *d = &r->devices[r->device_count];
	const struct gpu_info *g = gpu >= 0 ? &hw->gpus[gpu] : NULL;

	memset(d, 0, sizeof(*d));
	d->node = node;
	d->gpu = gpu;
	d->budget_bytes = g ? gpu_memory(g, true) : ram_budget(hw);
	/* llama.cpp splits by the free memory each device reports */
	free_bytes[r->device_count] = g ? (double)(g->vram_free_bytes >= 0 ? g->vram_free_bytes :
				       g->vram_total_bytes) : (double)d->budget_bytes;
	if (free_bytes[r->device_count] < 0 || d->budget_bytes < 0)
		free_bytes[r->device_count] = 0;
	r->device_count++;
}

/* llama.cpp's device order: each remote node's devices in --rpc order, then
 * the host's GPUs (src/llama.cpp puts RPC devices first). */
static void cluster_devices(const struct rpc_cluster *c, struct rpc_fit *r, double *free_bytes)
{
	for (int k = 1; k <= c->node_count; k++) {
		int node = k % c->node_count;
		const struct hardware *hw = c->nodes[node].hw;

		if (node != 0 && hw->gpu_count == 0 && r->device_count < RPC_MAX_DEVICES)
			add_device(r, free_bytes, node, -1, hw);
		for (int g = 0; g < hw->gpu_count && r->device_count < RPC_MAX_DEVICES; g++)
			add_device(r, free_bytes, node, g, hw);
	}
}

static int64_t rpc_device_total(const struct rpc_device *d)
{
	return d->weights_bytes + d->kv_bytes + d->compute_bytes + d->reserve_bytes;
}

static bool rpc_device_fits(const struct rpc_device *d)
{
	return d->budget_bytes >= 0 && rpc_device_total(d) <= d->budget_bytes;
}

/* Unit u (a layer, or the output layer at u == n_layer) onto d. */
static void add_unit(const struct placer *p, struct rpc_device *d, int u)
{
	if (d->layers == 0 && !d->holds_output) {
		d->first_layer = u;
		d->compute_bytes = compute_bytes_for(p->m, &p->compute, false);
	}
	if (u == p->s->n_layers) {
		d->holds_output = true;
		d->weights_bytes += output_device_bytes(p->m, p->s);
		d->compute_bytes = compute_bytes_for(p->m, &p->compute, true);
		return;
	}
	d->weights_bytes += layer_weights(p->s, u);
	d->kv_bytes += placer_kv(p, u, true);
	d->layers++;
}

static void clear_load(struct rpc_device *d)
{
	d->first_layer = d->layers = 0;
	d->holds_output = false;
	d->weights_bytes = d->kv_bytes = d->compute_bytes = d->reserve_bytes = 0;
}

/* The host's RAM side: the input embeddings, layers 0 .. cpu_layers-1, the
 * output layer unless offloaded, a compute buffer, the process. Its budget
 * is the host's RAM less what its unified GPUs hold. */
static void load_host_cpu(const struct placer *p, const struct rpc_cluster *c, struct rpc_fit *r,
			  int cpu_layers, bool output_offloaded)
{
	const struct hardware *host = c->nodes[0].hw;
	struct rpc_device *h = &r->host_cpu;

	clear_load(h);
	h->node = 0;
	h->gpu = -1;
	for (int u = 0; u < cpu_layers; u++)
		add_unit(p, h, u);
	if (!output_offloaded)
		add_unit(p, h, p->s->n_layers);
	h->weights_bytes += p->s->token_embd_bytes -
			    (!output_offloaded && p->m->tied_embeddings ? p->s->token_embd_bytes : 0);
	if (h->layers == 0 && !h->holds_output)
		h->compute_bytes = p->compute.ubatch * 4 * 2 * p->m->embd;
	h->reserve_bytes = PROCESS_BYTES;
	h->budget_bytes = ram_budget(host);
	for (int i = 0; i < r->device_count; i++)
		if (r->devices[i].node == 0 && host->gpus[r->devices[i].gpu].unified_memory)
			h->budget_bytes -= rpc_device_total(&r->devices[i]);
}

/* Places units per counts (in device order, from layer n_layer - ngl) and
 * the rest on the host's CPU; true when everything fits. */
static bool assign_units(const struct placer *p, const struct rpc_cluster *c, struct rpc_fit *r,
			 const int *counts, int ngl)
{
	int n = p->s->n_layers, cpu_layers = ngl < n ? n - ngl : 0, u = cpu_layers;
	bool fits = true;

	for (int i = 0; i < r->device_count; i++) {
		clear_load(&r->devices[i]);
		for (int k = 0; k < counts[i]; k++)
			add_unit(p, &r->devices[i], u++);
		fits = fits && (counts[i] == 0 || rpc_device_fits(&r->devices[i]));
	}
	r->ngl = ngl;
	load_host_cpu(p, c, r, cpu_layers, ngl > n);
	return fits && rpc_device_fits(&r->host_cpu);
}

/* Each device in order takes units while they fit (a --tensor-split that
 * fills them); counts[] gets them. Returns the units placed. */
static int greedy_counts(const struct placer *p, struct rpc_fit *r, int ngl, int *counts)
{
	int n = p->s->n_layers, u = ngl < n ? n - ngl : 0, last = ngl > n ? n : n - 1;

	for (int i = 0; i < r->device_count; i++) {
		struct rpc_device trial = r->devices[i];

		clear_load(&trial);
		counts[i] = 0;
		while (u <= last) {
			struct rpc_device next = trial;

			add_unit(p, &next, u);
			if (!rpc_device_fits(&next))
				break;
			trial = next;
			counts[i]++;
			u++;
		}
	}
	return u - (ngl < n ? n - ngl : 0);
}

/* llama.cpp's default split over every unit, else a --tensor-split that
 * fits, else fewer layers offloaded (the first ones on the host's CPU).
 * False when nothing fits. */
static bool place_units(const struct placer *p, const struct rpc_cluster *c, struct rpc_fit *r,
			const double *free_bytes)
{
	int n = p->s->n_layers, counts[RPC_MAX_DEVICES];

	if (rpc_split_units(free_bytes, r->device_count, n, n + 1, counts) > 0 &&
	    assign_units(p, c, r, counts, n + 1))
		return true;
	r->tensor_split = true;
	for (int ngl = n + 1; ngl >= 0; ngl--) {
		int placed = greedy_counts(p, r, ngl, counts);

		if (placed < (ngl < n + 1 ? ngl : n + 1)) {
			if (ngl > n)
				ngl = placed + 1;   /* next: as many layers as fit, output on the CPU */
			continue;
		}
		/* fewer layers offloaded would only need more of the host's RAM */
		return assign_units(p, c, r, counts, ngl);
	}
	return false;
}

/* Bytes device d reads a token: its layers and, holding it, the output. */
static double rpc_read_bytes(const struct placer *p, const struct rpc_device *d)
{
	double bytes = d->holds_output ? (double)output_device_bytes(p->m, p->s) : 0;

	for (int i = d->first_layer; i < d->first_layer + d->layers; i++)
		bytes += layer_read_bytes(p, i, true, true);
	return bytes;
}

/* d's seconds a token at its node's rates (the single-machine formulas:
 * GPU bytes / (bandwidth x efficiency) + layers x overhead, CPU bytes / its
 * matvec rate) and its prompt rate; *band its calibration band. */
static void rpc_device_speed(const struct placer *p, const struct hardware *hw,
			     struct rpc_device *d, double *band)
{
	double bytes = rpc_read_bytes(p, d);
	int threads = prefill_threads(hw, p->set);

	d->seconds_per_token = d->prefill_flops = -1;
	*band = CPU_BAND;
	if (d->gpu < 0) {
		double gbps = cpu_rate_gbps(hw, p->m, p->s, p->set);
		double gflops = mixed_rate(p->m, p->s, &hw->cpu, threads, RATE_PREFILL);

		if (gbps > 0)
			d->seconds_per_token = bytes / (gbps * 1e9);
		if (gflops > 0)
			d->prefill_flops = gflops * 1e9;
		return;
	}
	const struct gpu_info *g = &hw->gpus[d->gpu];
	const struct backend_fit *b = backend_for(g);

	*band = b->band;
	if (g->bandwidth_gbps > 0)
		d->seconds_per_token = bytes / (g->bandwidth_gbps * 1e9 *
						b->efficiency[estimate_weight_class(p->s)]) +
				       d->layers * b->layer_overhead_s;
	if (g->fp16_tflops > 0 && b->prefill_efficiency > 0)
		d->prefill_flops = g->fp16_tflops * b->prefill_efficiency * 1e12;
}

static bool rpc_device_used(const struct rpc_device *d)
{
	return d->layers > 0 || d->holds_output;
}

/* What device d adds to its node's budget: the host's RAM side counts the
 * whole RAM budget, so the host's unified GPUs (drawing on that RAM) add
 * nothing of their own. */
static int64_t node_budget_share(const struct rpc_cluster *c, const struct rpc_device *d,
				 bool host_ram)
{
	const struct hardware *hw = c->nodes[d->node].hw;
	int64_t b = host_ram ? ram_budget(hw) : d->budget_bytes;

	if (!host_ram && d->node == 0 && hw->gpus[d->gpu].unified_memory)
		return 0;
	return b > 0 ? b : 0;
}

/* Per node: layers, memory against budget, seconds (devices in a row on
 * one node hand over as GPUs of one machine do, FIT_GPU_HOP_S). Returns
 * the devices' seconds summed (< 0 when one is unknown); fills the fit's
 * band, exchanges and prompt seconds a token. */
static double rpc_node_times(const struct placer *p, const struct rpc_cluster *c,
			     struct rpc_fit *r, double *band, double *prefill_s)
{
	double total = 0, band_s = 0, flops = 2.0 * prefill_weights(p->m);
	int used_on[RPC_MAX_NODES] = { 0 };
	bool known = true;

	*prefill_s = 0;
	for (int i = -1; i < r->device_count; i++) {
		struct rpc_device *d = i < 0 ? &r->host_cpu : &r->devices[i];
		struct rpc_node_fit *nf = &r->nodes[d->node];
		double b;

		nf->memory_bytes += rpc_device_total(d);
		nf->budget_bytes += node_budget_share(c, d, i < 0);
		if (!rpc_device_used(d))
			continue;
		rpc_device_speed(p, c->nodes[d->node].hw, d, &b);
		nf->layers += d->layers;
		if (d->prefill_flops <= 0)
			*prefill_s = -1;
		else if (*prefill_s >= 0)
			*prefill_s += flops * d->layers / p->s->n_layers / d->prefill_flops;
		if (d->seconds_per_token < 0) {
			known = false;
			nf->seconds_per_token = -1;
			continue;
		}
		if (nf->seconds_per_token >= 0)
			nf->seconds_per_token += d->seconds_per_token +
						 (used_on[d->node] > 0 && d->gpu >= 0 ? GPU_HOP_S : 0);
		used_on[d->node] += d->gpu >= 0;
		band_s += d->seconds_per_token * b;
	}
	for (int k = 0; k < c->node_count; k++)
		total += r->nodes[k].seconds_per_token > 0 ? r->nodes[k].seconds_per_token : 0;
	*band = total > 0 ? band_s / total : 0;
	return known ? total : -1;
}

/* The host's share as struct fit shows a machine's: its GPUs and its CPU. */
static void host_share(const struct rpc_fit *r, struct fit *f)
{
	for (int i = 0; i < r->device_count; i++) {
		const struct rpc_device *d = &r->devices[i];
		struct device_load *g;

		if (d->node != 0)
			continue;
		g = &f->gpu[d->gpu];
		*g = (struct device_load){ .first_layer = d->first_layer, .layers = d->layers,
			.weights_bytes = d->weights_bytes, .kv_bytes = d->kv_bytes,
			.compute_bytes = d->compute_bytes, .budget_bytes = d->budget_bytes };
		if (d->holds_output) {
			f->output_on_gpu = true;
			f->output_gpu = d->gpu;
		}
	}
	f->cpu = (struct device_load){ .first_layer = 0, .layers = r->host_cpu.layers,
		.weights_bytes = r->host_cpu.weights_bytes, .kv_bytes = r->host_cpu.kv_bytes,
		.compute_bytes = r->host_cpu.compute_bytes, .reserve_bytes = r->host_cpu.reserve_bytes,
		.budget_bytes = r->host_cpu.budget_bytes };
}

/* The network's share and the figures of f from the devices' times. */
static void rpc_speeds(const struct placer *p, const struct rpc_cluster *c, struct rpc_fit *r,
		       struct fit *f)
{
	double band, prefill_s, devices_s = rpc_node_times(p, c, r, &band, &prefill_s);
	bool logits_remote = false;

	for (int k = 1; k < c->node_count; k++)
		r->remote_exchanges += r->nodes[k].layers > 0;
	for (int i = 0; i < r->device_count; i++)
		if (r->devices[i].holds_output && r->devices[i].node != 0) {
			logits_remote = true;
			r->remote_exchanges += r->nodes[r->devices[i].node].layers == 0;
		}
	r->devices_seconds_per_token = devices_s;
	r->network_seconds_per_token = rpc_network_seconds_per_token(&c->link, r->remote_exchanges,
								     p->m->embd, p->m->vocab, logits_remote);
	r->prefill_network_seconds = rpc_prefill_network_seconds(&c->link, r->remote_exchanges,
								 p->set->prompt_tokens, p->m->embd,
								 p->m->vocab, logits_remote);
	f->decode_tok_s = f->decode_low_tok_s = f->decode_high_tok_s = -1;
	f->prefill_tok_s = f->ttft_s = -1;
	f->terms.band = band;
	if (devices_s > 0) {
		f->decode_tok_s = 1.0 / (devices_s + r->network_seconds_per_token);
		f->decode_low_tok_s = f->decode_tok_s * (1 - band);
		f->decode_high_tok_s = f->decode_tok_s * (1 + band);
	}
	if (prefill_s > 0)
		f->prefill_tok_s = 1.0 / (prefill_s + r->prefill_network_seconds /
					  (p->set->prompt_tokens > 0 ? p->set->prompt_tokens : 1));
	if (f->prefill_tok_s > 0 && f->decode_tok_s > 0)
		f->ttft_s = p->set->prompt_tokens / f->prefill_tok_s + 1.0 / f->decode_tok_s;
}

/* Seconds device i spends per byte it reads (GPU: bandwidth x efficiency,
 * CPU: its matvec rate); < 0 unknown. */
static double device_seconds_per_byte(const struct placer *p, const struct rpc_cluster *c,
				      const struct rpc_device *d)
{
	const struct hardware *hw = c->nodes[d->node].hw;
	double gbps;

	if (d->gpu < 0) {
		gbps = cpu_rate_gbps(hw, p->m, p->s, p->set);
		return gbps > 0 ? 1 / (gbps * 1e9) : -1;
	}
	gbps = hw->gpus[d->gpu].bandwidth_gbps *
	       backend_for(&hw->gpus[d->gpu])->efficiency[estimate_weight_class(p->s)];
	return gbps > 0 ? 1 / (gbps * 1e9) : -1;
}

/* The slowest CPU device (a remote node's RAM) still given a share; -1
 * when there is none or a rate is unknown. */
static int slowest_cpu_device(const struct placer *p, const struct rpc_cluster *c,
			      const struct rpc_fit *r, const double *weights)
{
	int slowest = -1;
	double worst = 0;

	for (int i = 0; i < r->device_count; i++) {
		double s = device_seconds_per_byte(p, c, &r->devices[i]);

		if (weights[i] <= 0 || r->devices[i].gpu >= 0)
			continue;
		if (s < 0)
			return -1;
		if (s > worst) {
			worst = s;
			slowest = i;
		}
	}
	return slowest;
}

/* llama.cpp's split by free memory gives a CPU node's RAM, large and slow,
 * most layers. Leaves the slowest CPU devices out, one at a time, while the
 * rest (split by their free memory) still hold every layer, and keeps the
 * fastest: a --tensor-split the user can give. GPU devices keep the default
 * split (whether fewer machines would be faster is the "alone" comparison).
 * r's per-node sums are left zero for rpc_speeds. */
static void faster_split(const struct placer *p, const struct rpc_cluster *c, struct rpc_fit *r,
			 const double *free_bytes, const struct fit *f)
{
	struct fit trial_fit;
	struct rpc_fit trial;
	double weights[RPC_MAX_DEVICES], best, default_tok_s;
	int counts[RPC_MAX_DEVICES], n = p->s->n_layers;

	trial_fit = *f;
	rpc_speeds(p, c, r, &trial_fit);
	best = default_tok_s = trial_fit.decode_tok_s;
	memset(r->nodes, 0, sizeof(r->nodes));
	r->remote_exchanges = 0;
	memcpy(weights, free_bytes, sizeof(weights));
	for (int left = r->device_count - 1; left > 0 && best > 0; left--) {
		int slow = slowest_cpu_device(p, c, r, weights);

		if (slow < 0)
			break;
		weights[slow] = 0;
		trial = *r;
		if (rpc_split_units(weights, trial.device_count, n, n + 1, counts) < 0 ||
		    !assign_units(p, c, &trial, counts, n + 1))
			break;
		trial_fit = *f;
		rpc_speeds(p, c, &trial, &trial_fit);
		if (trial_fit.decode_tok_s > best) {
			best = trial_fit.decode_tok_s;
			*r = trial;
			r->tensor_split = true;
		}
		memset(r->nodes, 0, sizeof(r->nodes));
		r->remote_exchanges = 0;
	}
	r->default_split_tok_s = r->tensor_split ? default_tok_s : -1;
}

/* Each node with the model alone, at the same settings. */
static void alone_speeds(const struct placer *p, const struct rpc_cluster *c, struct rpc_fit *r)
{
	r->alone_best_node = -1;
	r->alone_best_tok_s = -1;
	for (int k = 0; k < c->node_count; k++) {
		struct fit alone;
		struct budgets b;

		make_budgets(c->nodes[k].hw, true, &b);
		place(c->nodes[k].hw, p, &b, &alone);
		r->nodes[k].alone_tok_s = alone.placement == PLACE_NONE ? -1 : alone.decode_tok_s;
		if (r->nodes[k].alone_tok_s > r->alone_best_tok_s) {
			r->alone_best_tok_s = r->nodes[k].alone_tok_s;
			r->alone_best_node = k;
		}
	}
}

/* Load: the file from the host's disk, the remote devices' weights over
 * the link (rpc-server without -c: the host sends them every load), the
 * host GPUs' share over PCIe, the runtime start. */
static void rpc_load_times(const struct hardware *host, const struct rpc_cluster *c,
			   struct estimate *e)
{
	struct rpc_fit *r = &e->rpc;
	double link_bytes = 0;

	load_times(host, &e->now, e);
	for (int i = 0; i < r->device_count; i++)
		if (r->devices[i].node != 0) {
			r->nodes[r->devices[i].node].link_bytes_loaded += r->devices[i].weights_bytes;
			link_bytes += (double)r->devices[i].weights_bytes;
		}
	r->load_link_seconds = rpc_link_seconds(&c->link, link_bytes);
	e->load_warm_s += r->load_link_seconds;
	e->load_cold_s += r->load_link_seconds;
}

/* The model over the cluster: replaces e->now and e->idle with it. */
static void place_cluster(const struct placer *p, const struct rpc_cluster *c, struct estimate *e)
{
	struct rpc_fit *r = &e->rpc;
	struct fit *f = &e->now;
	double free_bytes[RPC_MAX_DEVICES];

	memset(r, 0, sizeof(*r));
	r->used = true;
	r->cluster = c;
	cluster_devices(c, r, free_bytes);
	memset(f, 0, sizeof(*f));
	f->placement = place_units(p, c, r, free_bytes) ? PLACE_RPC : PLACE_NONE;
	r->default_split_tok_s = -1;
	if (f->placement == PLACE_RPC && !r->tensor_split)
		faster_split(p, c, r, free_bytes, f);
	f->gpu_layers = r->ngl < p->s->n_layers ? r->ngl : p->s->n_layers;
	f->offload = f->gpu_layers < p->s->n_layers ? OFFLOAD_LAYERS : OFFLOAD_NONE;
	for (int i = 0; i < r->device_count; i++)
		f->gpus_used += rpc_device_used(&r->devices[i]);
	host_share(r, f);
	f->prefill_flops_per_token = 2.0 * prefill_weights(p->m);
	f->terms.weight_class = estimate_weight_class(p->s);
	f->terms.gpu_bandwidth_gbps = -1;
	rpc_speeds(p, c, r, f);
	f->verdict = verdict_for(f);
	if (f->placement == PLACE_NONE)
		f->decode_tok_s = f->decode_low_tok_s = f->decode_high_tok_s = f->prefill_tok_s =
			f->ttft_s = -1;
	e->idle = *f;
	alone_speeds(p, c, r);
	rpc_load_times(c->nodes[0].hw, c, e);
}

int64_t estimate_cluster_budget(const struct rpc_cluster *c)
{
	int64_t sum = 0;

	for (int k = 0; k < c->node_count; k++) {
		const struct hardware *hw = c->nodes[k].hw;
		bool on_gpus;
		int64_t b = k > 0 && hw->gpu_count == 0 ? ram_budget(hw) :
			    estimate_memory_budget(hw, &on_gpus);

		if (b < 0)
			return -1;
		sum += b;
	}
	return sum;
}

/* ---- the whole estimate ---- */

static void whole_model_memory(const struct placer *p, struct estimate *e)
{
	e->weights_bytes = p->s->tensor_bytes;
	e->kv_bytes = 0;
	for (int i = 0; i < p->s->n_layers; i++)
		e->kv_bytes += placer_kv(p, i, true);
	e->kv_bytes_per_token = (int64_t)llround(kv_elems_per_token(p->m) *
						 attention_layers(p->m, p->s->n_layers) *
						 kv_elem_bytes(p->set->kv));
	e->kv_read_bytes = 0;
	for (int i = 0; i < p->s->n_layers; i++)
		e->kv_read_bytes += placer_kv(p, i, false);
	e->compute_bytes = compute_bytes_for(p->m, &p->compute, true);
	e->overhead_bytes = PROCESS_BYTES;
	e->total_bytes = e->weights_bytes + e->kv_bytes + e->compute_bytes + e->overhead_bytes;
}

static void estimate_at(const struct hardware *hw, const struct model *m,
			const struct size_model *s, const struct estimate_settings *set,
			int ctx, struct estimate *out)
{
	struct placer p;        /* not zeroed: its cache arrays are filled below */
	struct budgets now, idle;
	/* a full-attention layer's cache, or the window's when all slide */
	int widest_layer = m->has_swa && m->swa.global_every > 0 ? m->swa.global_every - 1 : 0;

	p.m = m;
	p.s = s;
	p.set = set;
	p.ctx = ctx;
	p.read_ctx = set->prompt_tokens;
	if (p.read_ctx > p.ctx || p.read_ctx <= 0)
		p.read_ctx = p.ctx;
	placer_kv_fill(&p);
	/* llama.cpp: n_batch = min(n_ctx, n_batch), n_ubatch = min(n_batch, n_ubatch) */
	p.compute.ubatch = ctx < UBATCH ? ctx : UBATCH;
	p.compute.n_kv = layer_kv_tokens(m, widest_layer, ctx, true);
	p.compute.flash_attn = out->flash_attn;
	out->model = m;
	out->ftype = s->ftype;
	out->file_bytes = s->file_bytes;
	out->ctx = ctx;
	out->cpu_weight = cpu_weight_for(dominant_type(s));
	whole_model_memory(&p, out);
	make_budgets(hw, true, &now);
	make_budgets(hw, false, &idle);
	place(hw, &p, &now, &out->now);
	/* a machine that reports no free memory (profiles, what-if hardware)
	 * has the same budgets now as idle, and so the same fit */
	if (memcmp(&now, &idle, sizeof(now)) == 0)
		out->idle = out->now;
	else
		place(hw, &p, &idle, &out->idle);
	load_times(hw, out->now.placement != PLACE_NONE ? &out->now : &out->idle, out);
	if (set->cluster && set->cluster->node_count > 1)
		place_cluster(&p, set->cluster, out);
}

void estimate_model(const struct hardware *hw, const struct model *m,
		    const struct size_model *s, const struct estimate_settings *set,
		    struct estimate *out)
{
	const char *why, *fa_why;
	int ctx = estimate_context(hw, m, set, &why);
	bool fa = flash_attn_for(set, &fa_why);

	memset(out, 0, sizeof(*out));
	out->flash_attn = fa;
	out->flash_attn_why = fa_why;
	estimate_at(hw, m, s, set, ctx, out);
	out->ctx_why = why;
	/* Ollama retries a load that ran out of memory once, one tier lower
	 * (server/sched.go reduceAutoNumCtxForLoadOOM) */
	if (set->ctx == ESTIMATE_CTX_RUNTIME && set->runtime == RUNTIME_OLLAMA &&
	    out->now.placement == PLACE_NONE && ctx > OLLAMA_CTX_SMALL) {
		int lower = ctx > OLLAMA_CTX_MEDIUM ? OLLAMA_CTX_MEDIUM : OLLAMA_CTX_SMALL;

		memset(out, 0, sizeof(*out));
		out->flash_attn = fa;
		out->flash_attn_why = fa_why;
		estimate_at(hw, m, s, set, lower, out);
		out->ctx_why = "Ollama's default, one tier lower after running out of memory";
	}
}

int estimate_ftype(const struct hardware *hw, const struct model *m, enum ftype ft,
		   const struct estimate_settings *set, struct estimate *out,
		   struct error *err)
{
	struct size_model s;

	if (gguf_size_compute(m, ft, NULL, &s, err) < 0)
		return -1;
	estimate_model(hw, m, &s, set, out);
	size_model_release(&s);
	return 0;
}

static int rank(const struct estimate *e)
{
	const struct fit *f = &e->now;
	bool on_gpus = f->placement == PLACE_GPU || f->placement == PLACE_MULTI_GPU ||
		       (f->placement == PLACE_RPC && f->offload == OFFLOAD_NONE);
	bool usable = f->verdict >= VERDICT_USABLE;

	if (on_gpus && usable)
		return 3;
	if (usable)
		return 2;
	return f->placement != PLACE_NONE ? 1 : 0;
}

int estimate_quality_index(enum ftype ft)
{
	for (int i = 0; i < estimate_quality_order_count; i++)
		if (estimate_quality_order[i] == ft)
			return i;
	return estimate_quality_order_count;
}

static bool is_float(enum ftype ft)
{
	return ft == FTYPE_F32 || ft == FTYPE_F16 || ft == FTYPE_BF16;
}

static bool listed(const enum ftype *list, int n, enum ftype ft)
{
	for (int i = 0; i < n; i++)
		if (list[i] == ft)
			return true;
	return false;
}

int estimate_listed_ftypes(const struct model *m, bool beyond_published, enum ftype *out)
{
	bool quantized = false;
	int n = 0;

	for (int i = 0; i < m->published_count; i++)
		quantized = quantized || !is_float(m->published[i]);
	/* Walking the quality order sorts them and drops nothing: every file
	 * type is in it. */
	for (int q = 0; q < estimate_quality_order_count; q++) {
		enum ftype ft = estimate_quality_order[q];
		bool pub = listed(m->published, m->published_count, ft) &&
			   (beyond_published || !(quantized && is_float(ft)));
		bool dflt = listed(estimate_default_ftypes, estimate_default_ftype_count, ft);

		if (pub || (dflt && (beyond_published || m->published_count == 0)))
			out[n++] = ft;
	}
	return n;
}

/* The best of types[from..to) by rank, quality first within a usable rank;
 * when none is usable, the last that fits (slow_takes_last: the fastest) or
 * the first (the best quality memory allows); when none fits, the last.
 * Returns the rank (-1 when the range is empty, -2 on error). */
static int pick(const struct hardware *hw, const struct model *m,
		const struct estimate_settings *set, const enum ftype *types, int from, int to,
		bool slow_takes_last, struct estimate *out, struct error *err)
{
	struct estimate candidate;
	int best_rank = -1;

	for (int i = from; i < to; i++) {
		int r;

		if (estimate_ftype(hw, m, types[i], set, &candidate, err) < 0)
			return -2;
		r = rank(&candidate);
		if (r > best_rank || (r == best_rank && (r == 0 || (r == 1 && slow_takes_last)))) {
			*out = candidate;
			best_rank = r;
		}
		if (r == 3)
			break; /* the highest quality entirely on GPUs at usable speed */
	}
	return best_rank;
}

int estimate_best(const struct hardware *hw, const struct model *m,
		  const struct estimate_settings *set, struct estimate *out,
		  struct error *err)
{
	enum ftype types[ESTIMATE_LISTED_MAX];
	int n = estimate_listed_ftypes(m, false, types), upper = 0, r;
	struct estimate lower;

	while (upper < n && estimate_quality_index(types[upper]) <=
			       estimate_quality_index(ESTIMATE_QUANT_FLOOR))
		upper++;
	if (upper == 0)
		upper = 1; /* nothing at the floor is published: the best that is */
	r = pick(hw, m, set, types, 0, upper, true, out, err);
	if (r < -1)
		return -1;
	if (r >= 1)
		return 0;
	r = pick(hw, m, set, types, upper, n, false, &lower, err);
	if (r < -1)
		return -1;
	if (r >= 1) {
		*out = lower;
		out->quant_lowered_for_memory = true;
	}
	return 0;
}
