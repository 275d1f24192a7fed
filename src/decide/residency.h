/* residency.h - which models Ollama keeps loaded together and which it
 * evicts to load another, as its scheduler decides (ollama/ollama
 * server/sched.go, envconfig/config.go; read at commit fb30760). Pure
 * functions on sizes and names, so tests can check each rule alone.
 */
#ifndef CANIRUN_RESIDENCY_H
#define CANIRUN_RESIDENCY_H

#include <stdbool.h>
#include <stdint.h>

/* KV slots a model is loaded with: OLLAMA_NUM_PARALLEL (at least 1), but
 * 1 for embedding models (sched.go load(): "Embedding models should always
 * be loaded with parallel=1"). */
int ollama_parallel(bool embedding, int num_parallel);

/* The context llama-server is started with: ctx x parallel (sched.go
 * effectiveLlamaServerContext; the KV cache grows with it). */
int64_t ollama_server_context(int64_t ctx, int parallel);

/* Whether a model of need_bytes may load beside the models already loaded
 * when free_bytes remain: on GPUs with others loaded, only if need is at
 * most 80% of free (sched.go load(): "Use 80% of free memory as threshold
 * to leave headroom", integer arithmetic free*80/100); the first model, and
 * any model on the CPU (the check needs GPUs), only if it fits at all. */
bool ollama_fits_beside(int64_t need_bytes, int64_t free_bytes, bool others_loaded, bool on_gpu);

/* A loaded model as the eviction order sees it. */
struct runner {
	const char *name;       /* Ollama compares model paths; canirun the ids */
	int64_t keep_alive_s;   /* < 0: forever (OLLAMA_KEEP_ALIVE=-1) */
	int64_t bytes;
};

/* Fills order[0..n-1] with runner indices in the order Ollama evicts idle
 * runners: shortest keep_alive first, where a negative one counts as the
 * longest (sched.go ByDurationAndName compares uint64(duration)), then by
 * name. */
void ollama_eviction_order(const struct runner *r, int n, int *order);

/* Loading need_bytes beside the loaded runners r (n of them, all idle) in
 * budget_bytes: evicts in eviction order until ollama_fits_beside holds or
 * nothing is left (then it loads alone). Writes the evicted indices to
 * evicted in that order and returns how many; -1 when need_bytes exceeds
 * the budget even alone. */
int ollama_swap_in(const struct runner *r, int n, int64_t need_bytes, int64_t budget_bytes,
		   bool on_gpu, int *evicted);

#endif
