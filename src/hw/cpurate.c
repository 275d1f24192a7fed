/* cpurate.c - the CPU performance model (see cpurate.h). */
#include "hw/cpurate.h"

#include <math.h>
#include <string.h>

const char *cpu_weight_name(enum cpu_weight w)
{
	static const char *const names[CPU_W_COUNT] = { "Q4_0", "Q4_K", "Q6_K", "Q8_0" };

	return w >= 0 && w < CPU_W_COUNT ? names[w] : "?";
}

int cpu_weight_parse(const char *name, enum cpu_weight *out)
{
	for (int w = 0; w < CPU_W_COUNT; w++)
		if (strcmp(name, cpu_weight_name((enum cpu_weight)w)) == 0) {
			*out = (enum cpu_weight)w;
			return 0;
		}
	return -1;
}

double cpu_threads_gbps(double core_gbps, double ceiling_gbps, int threads)
{
	double rate;

	if (core_gbps <= 0)
		return -1;
	rate = core_gbps * (threads > 1 ? threads : 1);
	return ceiling_gbps > 0 && rate > ceiling_gbps ? ceiling_gbps : rate;
}

double cpu_memory_bound_gbps(double core_gbps, double limit_gbps, int threads)
{
	double rate;

	if (core_gbps <= 0)
		return -1;
	rate = core_gbps * (threads > 1 ? threads : 1);
	return limit_gbps > 0 ? rate / pow(1 + pow(rate / limit_gbps, 4), 0.25) : rate;
}

static double all_core_gbps(const struct cpu_info *cpu, enum cpu_weight w)
{
	const double rates[CPU_W_COUNT] = { cpu->q4_gbps, cpu->q4_k_gbps, cpu->q6_k_gbps, cpu->q8_0_gbps };

	return rates[w];
}

static double one_core_gbps(const struct cpu_info *cpu, enum cpu_weight w)
{
	const double rates[CPU_W_COUNT] = {
		cpu->q4_core_gbps, cpu->q4_k_core_gbps, cpu->q6_k_core_gbps, cpu->q8_0_core_gbps,
	};

	return rates[w];
}

int cpu_threads_used(const struct cpu_info *cpu, int threads)
{
	return threads > 0 ? threads : cpu->cores;
}

/* threads / cores when fewer threads than cores are asked for, else 1 */
static double thread_share(const struct cpu_info *cpu, int threads)
{
	if (threads <= 0 || cpu->cores <= 0 || threads >= cpu->cores)
		return 1;
	return (double)threads / cpu->cores;
}

double cpu_decode_gbps(const struct cpu_info *cpu, enum cpu_weight w, int threads)
{
	double all, one;
	int n = cpu_threads_used(cpu, threads);

	if (w < 0 || w >= CPU_W_COUNT)
		return -1;
	if (all_core_gbps(cpu, w) <= 0 && one_core_gbps(cpu, w) <= 0)
		w = CPU_W_Q4_0; /* a picture with only the Q4_0 rate */
	all = all_core_gbps(cpu, w);
	one = one_core_gbps(cpu, w);
	if (one > 0 && n > 0)
		return cpu_threads_gbps(one, all, n);
	return all > 0 ? all * thread_share(cpu, threads) : -1;
}

double cpu_memory_gbps(const struct cpu_info *cpu, int threads)
{
	int n = cpu_threads_used(cpu, threads);

	if (cpu->mem_read_core_gbps > 0 && n > 0)
		return cpu_threads_gbps(cpu->mem_read_core_gbps, cpu->mem_read_gbps, n);
	return cpu->mem_read_gbps > 0 ? cpu->mem_read_gbps : -1;
}

double cpu_prefill_gflops(const struct cpu_info *cpu, enum cpu_weight w, int threads)
{
	const double rates[CPU_W_COUNT] = {
		cpu->prefill_gflops, cpu->prefill_q4_k_gflops, cpu->prefill_q6_k_gflops,
		cpu->prefill_q8_0_gflops,
	};
	const double core_rates[CPU_W_COUNT] = {
		cpu->prefill_core_gflops, cpu->prefill_q4_k_core_gflops,
		cpu->prefill_q6_k_core_gflops, cpu->prefill_q8_0_core_gflops,
	};
	double all, one;
	int n = cpu_threads_used(cpu, threads);

	if (w < 0 || w >= CPU_W_COUNT)
		return -1;
	if (rates[w] <= 0)
		w = CPU_W_Q4_0;
	all = rates[w];
	one = core_rates[w];
	if (all <= 0)
		return -1;
	if (one <= 0 || cpu->cores <= 1 || n >= cpu->cores)
		return all * thread_share(cpu, threads);
	return one + (all - one) * (n - 1) / (cpu->cores - 1);
}

double cpu_prefill_simd_gflops(const struct cpu_info *cpu, enum cpu_weight w, int threads)
{
	double rate = w == CPU_W_Q4_K ? cpu->prefill_simd_gflops : w == CPU_W_Q8_0 ? cpu->prefill_simd_q8_0_gflops : -1;

	return rate > 0 ? rate * thread_share(cpu, threads) : -1;
}
