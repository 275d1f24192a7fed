/* test_cpurate.c - the CPU performance model: thread counts, fallbacks,
 * prefill scaling. Expected values are computed by hand from the formulas
 * min(threads x one-core rate, all-core rate) (decode) and one + (all -
 * one) x (threads - 1) / (cores - 1) (prefill). */
#include "hw/cpurate.h"
#include "testlib.h"

static struct cpu_info measured_cpu(void)
{
	struct hardware hw;

	hw_init(&hw);
	hw.cpu.cores = 4;
	hw.cpu.q4_gbps = 20;            /* all four cores */
	hw.cpu.q4_core_gbps = 7;        /* one */
	hw.cpu.q8_0_gbps = 24;
	hw.cpu.q8_0_core_gbps = 9;
	hw.cpu.prefill_gflops = 80;
	hw.cpu.prefill_q8_0_gflops = 120;
	return hw.cpu;
}

static void test_threads_gbps(void)
{
	CHECK_NEAR(cpu_threads_gbps(7, 20, 1), 7, 0);
	CHECK_NEAR(cpu_threads_gbps(7, 20, 2), 14, 0);
	CHECK_NEAR(cpu_threads_gbps(7, 20, 3), 20, 0);   /* 21 capped at 20 */
	CHECK_NEAR(cpu_threads_gbps(7, -1, 3), 21, 0);   /* no ceiling known */
	CHECK_NEAR(cpu_threads_gbps(-1, 20, 3), -1, 0);
	CHECK_NEAR(cpu_threads_gbps(7, 20, 0), 7, 0);
}

static void test_decode_by_threads(void)
{
	struct cpu_info cpu = measured_cpu();

	CHECK_NEAR(cpu_decode_gbps(&cpu, CPU_W_Q4_0, 1), 7, 0);
	CHECK_NEAR(cpu_decode_gbps(&cpu, CPU_W_Q4_0, 2), 14, 0);
	CHECK_NEAR(cpu_decode_gbps(&cpu, CPU_W_Q4_0, 0), 20, 0);  /* every core */
	CHECK_NEAR(cpu_decode_gbps(&cpu, CPU_W_Q8_0, 2), 18, 0);
	/* no Q4_K figures at all: Q4_0's */
	CHECK_NEAR(cpu_decode_gbps(&cpu, CPU_W_Q4_K, 1), 7, 0);
	/* an older profile: all-core rate only, scaled by threads / cores */
	cpu.q4_core_gbps = -1;
	CHECK_NEAR(cpu_decode_gbps(&cpu, CPU_W_Q4_0, 1), 5, 0);
	CHECK_NEAR(cpu_decode_gbps(&cpu, CPU_W_Q4_0, 8), 20, 0);
	cpu.q4_gbps = -1;
	CHECK_NEAR(cpu_decode_gbps(&cpu, CPU_W_Q4_0, 1), -1, 0);
}

static void test_prefill_by_threads(void)
{
	struct cpu_info cpu = measured_cpu();

	CHECK_NEAR(cpu_prefill_gflops(&cpu, CPU_W_Q8_0, 0), 120, 0);
	CHECK_NEAR(cpu_prefill_gflops(&cpu, CPU_W_Q8_0, 1), 30, 0);
	CHECK_NEAR(cpu_prefill_gflops(&cpu, CPU_W_Q4_K, 2), 40, 0);  /* Q4_0's 80 x 2/4 */
	CHECK_STR(cpu_weight_name(CPU_W_Q6_K), "Q6_K");
}

/* With one-thread batched rates: linear in the threads between them and
 * the all-core ones, 1 thread at the one-thread rate. */
static void test_prefill_between_one_and_all(void)
{
	struct cpu_info cpu = measured_cpu();

	cpu.prefill_core_gflops = 26;         /* 4 x 26 = 104: the four cores reach 80 */
	cpu.prefill_q8_0_core_gflops = 36;
	CHECK_NEAR(cpu_prefill_gflops(&cpu, CPU_W_Q4_0, 1), 26, 0);
	CHECK_NEAR(cpu_prefill_gflops(&cpu, CPU_W_Q4_0, 2), 26 + 54.0 / 3, 1e-12);
	CHECK_NEAR(cpu_prefill_gflops(&cpu, CPU_W_Q4_0, 3), 26 + 108.0 / 3, 1e-12);
	CHECK_NEAR(cpu_prefill_gflops(&cpu, CPU_W_Q4_0, 4), 80, 0);
	CHECK_NEAR(cpu_prefill_gflops(&cpu, CPU_W_Q4_0, 8), 80, 0);   /* beyond the cores */
	CHECK_NEAR(cpu_prefill_gflops(&cpu, CPU_W_Q8_0, 2), 36 + 84.0 / 3, 1e-12);
	/* Q4_K not measured: Q4_0's two rates */
	CHECK_NEAR(cpu_prefill_gflops(&cpu, CPU_W_Q4_K, 1), 26, 0);
	/* Q6_K's all-core rate without its one-thread one: x threads / cores */
	cpu.prefill_q6_k_gflops = 60;
	CHECK_NEAR(cpu_prefill_gflops(&cpu, CPU_W_Q6_K, 1), 15, 0);
}

TESTS(T(test_threads_gbps), T(test_decode_by_threads), T(test_prefill_by_threads),
      T(test_prefill_between_one_and_all));
