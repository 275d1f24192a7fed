/* RAM, CPU and disk probing from fixture sysroots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"
#include "testlib.h"
#include "util/units.h"

static struct hardware hw;

static void probe_fixture(const char *machine, const char *models_dir)
{
	char root[512];

	snprintf(root, sizeof(root), "%s/sysroot", test_path(machine));
	hw_init(&hw);
	CHECK_INT(probe_ram(root, &hw), 0);
	CHECK_INT(probe_cpu(root, &hw), 0);
	CHECK_INT(probe_disk(root, models_dir, &hw), 0);
}

static void vm_like_the_build_machine(void)
{
	probe_fixture("fixtures/vm-nogpu", "/root");
	CHECK_INT(hw.ram.total_bytes, 24684100LL * 1024);
	CHECK_INT(hw.ram.available_bytes, 24337692LL * 1024);
	CHECK_INT(hw.ram.swap_total_bytes, 0);
	CHECK_INT(hw.ram.cgroup_limit_bytes, HW_UNKNOWN);
	CHECK_STR(hw.cpu.model, "AMD EPYC");
	CHECK_INT(hw.cpu.cores, 2);
	CHECK_INT(hw.cpu.threads, 2);
	CHECK_INT(hw.cpu.l3_bytes, 32 * MIB);
	CHECK_STR(hw.cpu.simd[1], "avx2");
	CHECK_STR(hw.disk.device, "vda");
	CHECK_INT(hw.disk.kind, DISK_VIRTUAL);
	CHECK_INT(hw.warnings.count, 0);
}

static void desktop_smt_and_nvme_partition(void)
{
	probe_fixture("fixtures/rtx4090-nonvml", "/home/me/models");
	CHECK_INT(hw.cpu.cores, 16);
	CHECK_INT(hw.cpu.threads, 32);
	CHECK_STR(hw.cpu.model, "AMD Ryzen 9 7950X 16-Core Processor");
	CHECK_INT(hw.ram.total_bytes, 65536000LL * 1024);
	CHECK_INT(hw.ram.swap_total_bytes, 8388604LL * 1024);
	CHECK_STR(hw.disk.device, "nvme0n1");
	CHECK_INT(hw.disk.kind, DISK_NVME);
	CHECK_INT(hw.warnings.count, 0);
}

static void cgroup_limits_memory_and_cpus(void)
{
	probe_fixture("fixtures/dual-3090", "/data/models");
	CHECK_INT(hw.ram.cgroup_limit_bytes, 96 * GIB);
	CHECK_INT(hw.ram.total_bytes, 96 * GIB);
	/* memory.max - memory.current = 92 GiB, below MemAvailable. */
	CHECK_INT(hw.ram.available_bytes, 92 * GIB);
	CHECK_INT(hw.ram.source, SRC_CGROUP);
	CHECK_INT(hw.cpu.threads, 24);
	CHECK_INT(hw.cpu.cores, 24);
	CHECK_STR(hw.disk.device, "sda");
	CHECK_INT(hw.disk.kind, DISK_SSD);
}

static void dm_over_nvme_and_big_cache(void)
{
	probe_fixture("fixtures/rx7900xtx", "/home/me");
	CHECK_STR(hw.disk.device, "nvme0n1");
	CHECK_INT(hw.disk.kind, DISK_NVME);
	CHECK_INT(hw.cpu.l3_bytes, 96 * MIB);
	CHECK_INT(hw.cpu.cores, 8);
}

static void hdd_partition(void)
{
	probe_fixture("fixtures/arc-b580-xe", "/srv/ollama");
	CHECK_STR(hw.disk.device, "sdb");
	CHECK_INT(hw.disk.kind, DISK_HDD);
	CHECK_INT(hw.cpu.cores, 6);
	CHECK_INT(hw.cpu.threads, 12);
}

static void affinity_across_sockets_and_md(void)
{
	probe_fixture("fixtures/h100-sxm", "/models");
	/* CPUs 0-15 and 112-127: 16 cores on each socket, one thread each. */
	CHECK_INT(hw.cpu.threads, 32);
	CHECK_INT(hw.cpu.cores, 32);
	CHECK_STR(hw.disk.device, "nvme0n1");
	CHECK_INT(hw.disk.kind, DISK_NVME);
	CHECK_INT(hw.ram.total_bytes, 2113929216LL * 1024);
}

static void write_tree_file(const char *root, const char *rel, const char *text)
{
	char path[1024], cmd[1100];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	CHECK_INT(system(cmd), 0);
	test_write_file(path, text, strlen(text));
}

static void broken_inputs_become_unknown_with_warnings(void)
{
	char root[512];

	snprintf(root, sizeof(root), "%s/broken-host", test_tmpdir());
	write_tree_file(root, "proc/meminfo", "MemTotal:       12x34 kB\nMemFr");
	write_tree_file(root, "proc/cpuinfo", "processor\t: zero\nmodel name\t: Weird\n");
	write_tree_file(root, "proc/self/cgroup", "0::/\n");
	write_tree_file(root, "sys/fs/cgroup/memory.max", "lots\n");
	write_tree_file(root, "sys/devices/system/cpu/cpu0/cache/index3/size", "big\n");
	hw_init(&hw);
	CHECK_INT(probe_ram(root, &hw), 0);
	CHECK_INT(probe_cpu(root, &hw), 0);
	CHECK_INT(probe_disk(root, "/x", &hw), 0);
	CHECK_INT(hw.ram.total_bytes, HW_UNKNOWN);
	CHECK_INT(hw.ram.available_bytes, HW_UNKNOWN);
	CHECK_INT(hw.cpu.cores, HW_UNKNOWN);
	CHECK_INT(hw.cpu.l3_bytes, HW_UNKNOWN);
	CHECK_INT(hw.disk.kind, DISK_UNKNOWN);
	CHECK(hw.warnings.count >= 5);
	CHECK_CONTAINS(hw.warnings.msg[0], "/proc/meminfo: MemTotal: malformed value");
}

/* Numbers no machine has: refused with a warning that names the file and
 * the range (they used to overflow: an L3 of 2^60 KiB times 1024, a cpu.max
 * quota near 2^63 plus the period), never taken. */
static void impossible_values_are_refused(void)
{
	char root[512];

	snprintf(root, sizeof(root), "%s/impossible-host", test_tmpdir());
	write_tree_file(root, "proc/meminfo", "MemTotal:       9007199254740991 kB\n"
			"MemAvailable:   16 kB\n");
	write_tree_file(root, "proc/cpuinfo", "processor\t: 0\nmodel name\t: X\n");
	write_tree_file(root, "proc/self/cgroup", "0::/\n");
	write_tree_file(root, "sys/fs/cgroup/memory.max", "9223372036854775807\n");
	write_tree_file(root, "sys/fs/cgroup/cpu.max", "9223372036854775807 100000\n");
	write_tree_file(root, "sys/devices/system/cpu/cpu0/cache/index3/size",
			"1152921504606846976K\n");
	hw_init(&hw);
	CHECK_INT(probe_ram(root, &hw), 0);
	CHECK_INT(probe_cpu(root, &hw), 0);
	CHECK_INT(hw.ram.total_bytes, HW_UNKNOWN);
	CHECK_INT(hw.ram.available_bytes, 16 * 1024);
	CHECK_INT(hw.ram.cgroup_limit_bytes, HW_UNKNOWN);
	CHECK_INT(hw.cpu.threads, 1);      /* the quota is no limit */
	CHECK_INT(hw.cpu.l3_bytes, HW_UNKNOWN);
	CHECK_CONTAINS(hw.warnings.msg[0], "/proc/meminfo: MemTotal: outside 64 MiB to 64 TiB; ignored");
	CHECK_CONTAINS(hw.warnings.msg[1], "cgroup memory.max: 9223372036854775807 bytes is outside "
		       "64 MiB to 64 TiB; ignored");
	CHECK_CONTAINS(hw.warnings.msg[2], "cache/index3/size: not a cache size from 16 KiB to 64 GiB");
}

/* MemAvailable above MemTotal: the available figure is dropped, said. */
static void more_available_than_total_is_refused(void)
{
	char root[512];

	snprintf(root, sizeof(root), "%s/overfull-host", test_tmpdir());
	write_tree_file(root, "proc/meminfo", "MemTotal:       8388608 kB\n"
			"MemAvailable:   16777216 kB\n");
	hw_init(&hw);
	CHECK_INT(probe_ram(root, &hw), 0);
	CHECK_INT(hw.ram.total_bytes, 8LL << 30);
	CHECK_INT(hw.ram.available_bytes, HW_UNKNOWN);
	CHECK_CONTAINS(hw.warnings.msg[0], "/proc/meminfo: MemAvailable: more than MemTotal; ignored");
}

static void missing_tree_is_unknown_not_fatal(void)
{
	hw_init(&hw);
	CHECK_INT(probe_ram("/nonexistent-canirun", &hw), 0);
	CHECK_INT(probe_cpu("/nonexistent-canirun", &hw), 0);
	CHECK_INT(hw.ram.total_bytes, HW_UNKNOWN);
	CHECK_INT(hw.cpu.threads, HW_UNKNOWN);
	CHECK_CONTAINS(hw.warnings.msg[0], "/nonexistent-canirun/proc/meminfo: cannot read");
}

TESTS(T(vm_like_the_build_machine), T(desktop_smt_and_nvme_partition),
      T(cgroup_limits_memory_and_cpus), T(dm_over_nvme_and_big_cache), T(hdd_partition),
      T(affinity_across_sockets_and_md), T(broken_inputs_become_unknown_with_warnings),
      T(impossible_values_are_refused), T(more_available_than_total_is_refused),
      T(missing_tree_is_unknown_not_fatal));
