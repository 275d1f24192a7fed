#include "estimate/serving.h"

double batch_step_seconds(const struct estimate *e, int sequences)
{
	const struct fit *f = &e->now;
	const struct decode_terms *t = &f->terms;
	double t1, bytes, memory_s, per_byte, t_mem, t_cmp;

	if (f->decode_tok_s <= 0 || sequences < 1)
		return -1;
	t1 = 1.0 / f->decode_tok_s;
	if (sequences == 1)
		return t1;
	bytes = t->gpu_bytes_per_token + t->cpu_bytes_per_token;
	memory_s = t->gpu_seconds_per_token + t->cpu_seconds_per_token - t->overhead_seconds;
	per_byte = bytes > 0 && memory_s > 0 ? memory_s / bytes : 0;
	t_mem = t1 + (sequences - 1) * (double)e->kv_read_bytes * per_byte;
	if (f->prefill_tok_s <= 0)
		return -1;
	t_cmp = sequences / f->prefill_tok_s;
	return t_mem > t_cmp ? t_mem : t_cmp;
}

double batch_per_user_tok_s(const struct estimate *e, int sequences)
{
	double s = batch_step_seconds(e, sequences);

	return s > 0 ? 1.0 / s : -1;
}
