/* serving.h - how a serving runtime runs one model for several users: the
 * context Ollama picks when none is set, and the speed of batched decode
 * (several requests generating at once). Pure arithmetic on an estimate
 * and the hardware picture; no I/O.
 */
#ifndef CANIRUN_SERVING_H
#define CANIRUN_SERVING_H

#include "estimate/estimate.h"
#include "hw/hw.h"

/* Seconds one decode step takes when `sequences` requests generate a token
 * each in the same step, for e (its placement `now`):
 *
 *   t_mem(B) = t1 + (B - 1) x kv_read_bytes x s_per_byte
 *   t_cmp(B) = B / prefill_tok_s
 *   t(B)     = max(t_mem(B), t_cmp(B))
 *
 * t1 = 1 / decode_tok_s is one sequence's step (weights read once, its KV,
 * launch overhead); every further sequence reads its own KV at the same
 * bytes-per-second (s_per_byte = the step's memory time over the bytes it
 * reads); t_cmp is the step as compute-bound work, at the rate prompt
 * processing reaches (prefill is the same matrix work batched). Decode
 * stays memory-bound, t(B) close to t1, until B tokens cost as much compute
 * as the weights cost reading. -1 when a rate it needs is unknown. */
double batch_step_seconds(const struct estimate *e, int sequences);

/* Per-sequence tokens/s at that batch: 1 / t(B); -1 unknown. */
double batch_per_user_tok_s(const struct estimate *e, int sequences);

#endif
