#include "decide/residency.h"

#include <string.h>

int ollama_parallel(bool embedding, int num_parallel)
{
	if (embedding)
		return 1;
	return num_parallel > 1 ? num_parallel : 1;
}

int64_t ollama_server_context(int64_t ctx, int parallel)
{
	return ctx * (parallel > 1 ? parallel : 1);
}

bool ollama_fits_beside(int64_t need_bytes, int64_t free_bytes, bool others_loaded, bool on_gpu)
{
	if (others_loaded && on_gpu)
		return free_bytes > 0 && need_bytes <= free_bytes * 80 / 100;
	return need_bytes <= free_bytes;
}

static bool evicted_before(const struct runner *a, const struct runner *b)
{
	uint64_t da = (uint64_t)a->keep_alive_s, db = (uint64_t)b->keep_alive_s;

	if (da != db)
		return da < db;
	return strcmp(a->name, b->name) < 0;
}

void ollama_eviction_order(const struct runner *r, int n, int *order)
{
	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = 1; i < n; i++)     /* insertion sort: n is a handful */
		for (int j = i; j > 0 && evicted_before(&r[order[j]], &r[order[j - 1]]); j--) {
			int t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

int ollama_swap_in(const struct runner *r, int n, int64_t need_bytes, int64_t budget_bytes,
		   bool on_gpu, int *evicted)
{
	int order[64], count = 0, loaded = n;
	int64_t used = 0;

	if (need_bytes > budget_bytes || n > 64)
		return -1;
	for (int i = 0; i < n; i++)
		used += r[i].bytes;
	ollama_eviction_order(r, n, order);
	while (loaded > 0 && !ollama_fits_beside(need_bytes, budget_bytes - used, true, on_gpu)) {
		int victim = order[count];

		evicted[count++] = victim;
		used -= r[victim].bytes;
		loaded--;
	}
	return count;
}
