/* probe.c - RAM, CPU and disk from /proc and /sys (below the sysroot), and
 * probe_hardware, which runs every part. The GPU part lives in gpuprobe.c. */
#include "probe/probe.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/hwjson.h"
#include "util/numparse.h"
#include "util/sysfile.h"
#include "util/units.h"

#define BIG_FILE_BYTES (4 << 20) /* cpuinfo of a 512-thread machine fits */

/* Opens root+path for line reading; NULL (errno set) when absent. */
static FILE *open_below(const char *root, const char *path)
{
	char full[PATH_MAX];

	if (fs_path(full, sizeof(full), root, path) < 0)
		return NULL;
	return fopen(full, "re");
}

/* "Key:   12345 kB" -> bytes. */
static int meminfo_value(const char *line, const char *key, int64_t *bytes)
{
	size_t klen = strlen(key);
	uint64_t kib;
	char num[32];
	const char *p;
	size_t n = 0;

	if (strncmp(line, key, klen) != 0 || line[klen] != ':')
		return -1;
	for (p = line + klen + 1; isspace((unsigned char)*p); p++)
		;
	while (isdigit((unsigned char)p[n]) && n < sizeof(num) - 1) {
		num[n] = p[n];
		n++;
	}
	num[n] = '\0';
	if (parse_u64(num, &kib) < 0 || strncmp(p + n, " kB", 3) != 0 ||
	    kib > (uint64_t)INT64_MAX / 1024)
		return -2;
	*bytes = (int64_t)kib * 1024;
	return 0;
}

static void read_meminfo(const char *root, struct ram_info *ram,
			 struct warnings *w)
{
	static const char *const keys[] = { "MemTotal", "MemAvailable", "SwapTotal", "SwapFree" };
	int64_t *fields[] = { &ram->total_bytes, &ram->available_bytes,
			      &ram->swap_total_bytes, &ram->swap_free_bytes };
	FILE *f = open_below(root, "/proc/meminfo");
	char line[256];

	if (!f) {
		warn_add(w, "%s/proc/meminfo: cannot read; RAM unknown", root);
		return;
	}
	while (fgets(line, sizeof(line), f))
		for (int i = 0; i < 4; i++)
			if (meminfo_value(line, keys[i], fields[i]) == -2)
				warn_add(w, "%s/proc/meminfo: %s: malformed value",
					 root, keys[i]);
	fclose(f);
	for (int i = 0; i < 2; i++) {
		struct value_limit lim = hw_limit(i ? "available_bytes" : "total_bytes");

		if (*fields[i] < 0) {
			warn_add(w, "%s/proc/meminfo: no %s line; %s unknown",
				 root, keys[i], i ? "available RAM" : "total RAM");
		} else if (!value_in_limit((double)*fields[i], &lim)) {
			warn_add(w, "%s/proc/meminfo: %s: outside %s; ignored", root, keys[i],
				 lim.text);
			*fields[i] = HW_UNKNOWN;
		}
	}
	if (ram->total_bytes >= 0 && ram->available_bytes > ram->total_bytes) {
		warn_add(w, "%s/proc/meminfo: MemAvailable: more than MemTotal; ignored", root);
		ram->available_bytes = HW_UNKNOWN;
	}
	ram->source = SRC_PROCFS;
}

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape_mount(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] && s[3]) {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static bool path_under(const char *path, const char *mount)
{
	size_t n = strlen(mount);

	if (strcmp(mount, "/") == 0)
		return true;
	return strncmp(path, mount, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

struct mount_entry {
	char majmin[32], mount[1024], fstype[64], source[512];
};

/* One line of /proc/self/mountinfo: "id parent M:m root mountpoint opts
 * [optional...] - fstype source superopts". */
static int parse_mount_line(const char *line, struct mount_entry *m)
{
	const char *sep = strstr(line, " - ");

	if (!sep || sscanf(line, "%*s %*s %31s %*s %1023s", m->majmin, m->mount) != 2 ||
	    sscanf(sep + 3, "%63s %511s", m->fstype, m->source) != 2)
		return -1;
	unescape_mount(m->mount);
	return 0;
}

/* The cgroup v2 directory of this process: the cgroup2 mount point (from
 * mountinfo; /sys/fs/cgroup by default) plus the "0::/path" of /proc/self/cgroup. */
static int cgroup_dir(const char *root, char *out, size_t size)
{
	FILE *f = open_below(root, "/proc/self/mountinfo");
	char line[2048], base[1024] = "/sys/fs/cgroup";
	struct mount_entry m;
	int found = -1;

	while (f && fgets(line, sizeof(line), f))
		if (parse_mount_line(line, &m) == 0 && strcmp(m.fstype, "cgroup2") == 0)
			snprintf(base, sizeof(base), "%s", m.mount);
	if (f)
		fclose(f);
	f = open_below(root, "/proc/self/cgroup");
	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0::", 3) == 0)
			found = snprintf(out, size, "%s%s", base,
					 strcmp(line + 3, "/") ? line + 3 : "") <
					(int)size ? 0 : -1;
	}
	fclose(f);
	return found;
}
/* Reads <cgroup dir>/<file> into buf; -1 when absent. */
static int cgroup_read(const char *root, const char *file, char *buf, size_t size)
{
	char dir[400], path[512];

	if (cgroup_dir(root, dir, sizeof(dir)) < 0 ||
	    snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -1;
	return fs_read_text(root, path, buf, size) < 0 ? -1 : 0;
}

/* A memory.max below MemTotal bounds what we may use. */
static void apply_cgroup_memory(const char *root, struct ram_info *ram,
				struct warnings *w)
{
	struct value_limit lim = hw_limit("cgroup_limit_bytes");
	char text[64];
	uint64_t limit, current = 0;

	if (cgroup_read(root, "memory.max", text, sizeof(text)) < 0 ||
	    strcmp(text, "max") == 0)
		return;
	if (parse_u64(text, &limit) < 0 || limit > INT64_MAX) {
		warn_add(w, "cgroup memory.max: not a number: '%.20s'", text);
		return;
	}
	if (!value_in_limit((double)limit, &lim)) {
		warn_add(w, "cgroup memory.max: %llu bytes is outside %s; ignored",
			 (unsigned long long)limit, lim.text);
		return;
	}
	ram->cgroup_limit_bytes = (int64_t)limit;
	if (ram->total_bytes >= 0 && ram->cgroup_limit_bytes >= ram->total_bytes)
		return;
	ram->total_bytes = ram->cgroup_limit_bytes;
	if (cgroup_read(root, "memory.current", text, sizeof(text)) == 0 &&
	    parse_u64(text, &current) < 0)
		current = 0;
	if (current > limit)
		current = limit;
	if (ram->available_bytes < 0 ||
	    ram->available_bytes > (int64_t)(limit - current))
		ram->available_bytes = (int64_t)(limit - current);
	ram->source = SRC_CGROUP;
}

int probe_ram(const char *sysroot, struct hardware *hw)
{
	const char *root = sysroot ? sysroot : "";

	read_meminfo(root, &hw->ram, &hw->warnings);
	apply_cgroup_memory(root, &hw->ram, &hw->warnings);
	return 0;
}

#define MAX_CPUS 4096

struct cpu_scan {
	unsigned char allowed[MAX_CPUS]; /* from Cpus_allowed_list */
	bool affinity_known;
	int processor;                   /* current block's processor number */
	int physical_id, core_id;
	int core_keys[MAX_CPUS];         /* physical_id << 16 | core_id, per allowed thread */
	int core_key_count;
	int threads;
	bool core_ids_seen;
};

/* "0-3,8,10-11" into allowed[]. */
static int parse_cpu_list(const char *list, unsigned char *allowed)
{
	char buf[1024], *save = NULL;
	int lo, hi;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');

		if (dash)
			*dash = '\0';
		if (parse_int(tok, 0, MAX_CPUS - 1, &lo) < 0 ||
		    parse_int(dash ? dash + 1 : tok, lo, MAX_CPUS - 1, &hi) < 0)
			return -1;
		for (int i = lo; i <= hi; i++)
			allowed[i] = 1;
	}
	return 0;
}

static void read_affinity(const char *root, struct cpu_scan *scan,
			  struct warnings *w)
{
	FILE *f = open_below(root, "/proc/self/status");
	char line[1200];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Cpus_allowed_list:", 18) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (parse_cpu_list(line + 18 + strspn(line + 18, " \t"), scan->allowed) == 0)
			scan->affinity_known = true;
		else
			warn_add(w, "%s/proc/self/status: Cpus_allowed_list: malformed", root);
	}
	fclose(f);
}

/* x86 flags and arm Features we report, in the order shown. */
static void add_simd(struct cpu_info *cpu, const char *flags)
{
	static const struct { const char *flag, *name; } known[] = {
		{ "avx", "avx" }, { "avx2", "avx2" }, { "fma", "fma" },
		{ "f16c", "f16c" }, { "avx_vnni", "avx_vnni" },
		{ "avx512f", "avx512f" }, { "avx512bw", "avx512bw" },
		{ "avx512vl", "avx512vl" }, { "avx512_vnni", "avx512_vnni" },
		{ "avx512_bf16", "avx512_bf16" }, { "amx_int8", "amx_int8" },
		{ "asimd", "neon" }, { "asimddp", "dotprod" }, { "i8mm", "i8mm" },
		{ "sve", "sve" }, { "sve2", "sve2" },
	};
	char padded[4200];

	if (cpu->simd_count > 0)
		return; /* every processor block repeats the same flags */
	snprintf(padded, sizeof(padded), " %s ", flags);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		char word[40];

		snprintf(word, sizeof(word), " %s ", known[i].flag);
		if (strstr(padded, word) && cpu->simd_count < HW_MAX_SIMD)
			snprintf(cpu->simd[cpu->simd_count++], sizeof(cpu->simd[0]),
				 "%s", known[i].name);
	}
}

/* Called at the end of each "processor" block of /proc/cpuinfo. */
static void end_processor(struct cpu_scan *scan)
{
	int key;

	if (scan->processor < 0 || scan->processor >= MAX_CPUS ||
	    (scan->affinity_known && !scan->allowed[scan->processor]))
		goto reset;
	scan->threads++;
	key = (scan->physical_id < 0 ? 0 : scan->physical_id) << 16 | scan->core_id;
	for (int i = 0; i < scan->core_key_count; i++)
		if (scan->core_keys[i] == key)
			goto reset;
	scan->core_keys[scan->core_key_count++] = key;
reset:
	scan->processor = scan->physical_id = scan->core_id = -1;
}

/* One "key : value" line of /proc/cpuinfo. */
static void cpuinfo_line(char *line, struct cpu_scan *scan, struct cpu_info *cpu)
{
	char *colon = strchr(line, ':'), *value, *end;

	if (!colon)
		return;
	value = colon + 1 + strspn(colon + 1, " \t");
	for (end = colon; end > line && isspace((unsigned char)end[-1]); end--)
		;
	*end = '\0';
	if (strcmp(line, "processor") == 0) {
		end_processor(scan);
		if (parse_int(value, 0, INT_MAX, &scan->processor) < 0)
			scan->processor = -1;
	} else if (strcmp(line, "physical id") == 0) {
		parse_int(value, 0, 0x7fff, &scan->physical_id);
	} else if (strcmp(line, "core id") == 0) {
		scan->core_ids_seen = parse_int(value, 0, 0xffff, &scan->core_id) == 0;
	} else if (!cpu->model[0] && (strcmp(line, "model name") == 0 ||
				      strcmp(line, "Hardware") == 0)) {
		snprintf(cpu->model, sizeof(cpu->model), "%s", value);
	} else if (strcmp(line, "flags") == 0 || strcmp(line, "Features") == 0) {
		add_simd(cpu, value);
	}
}

static void read_cpuinfo(const char *root, struct cpu_scan *scan,
			 struct cpu_info *cpu, struct warnings *w)
{
	FILE *f = open_below(root, "/proc/cpuinfo");
	char line[4096];

	if (!f) {
		warn_add(w, "%s/proc/cpuinfo: cannot read; CPU unknown", root);
		return;
	}
	scan->processor = scan->physical_id = scan->core_id = -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		cpuinfo_line(line, scan, cpu);
	}
	end_processor(scan);
	fclose(f);
}

/* cgroup v2 cpu.max "quota period": at most ceil(quota/period) threads run. */
static int cgroup_cpu_limit(const char *root, struct warnings *w)
{
	char text[64], quota[32];
	long long q, p;

	if (cgroup_read(root, "cpu.max", text, sizeof(text)) < 0)
		return -1;
	if (sscanf(text, "%31s %lld", quota, &p) != 2 || p <= 0) {
		warn_add(w, "cgroup cpu.max: malformed: '%.20s'", text);
		return -1;
	}
	if (strcmp(quota, "max") == 0)
		return -1;
	if (sscanf(quota, "%lld", &q) != 1 || q <= 0)
		return -1;
	/* More CPUs than any machine has is no limit (and no overflow). */
	return q / p >= MAX_CPUS ? -1 : (int)(q / p + (q % p != 0));
}

static void read_l3(const char *root, struct cpu_info *cpu, struct warnings *w)
{
	struct value_limit lim = hw_limit("l3_bytes");
	char path[96], text[32];
	uint64_t kib;

	/* The highest cache index is the last level (index3 on most x86). */
	for (int i = 4; i >= 0; i--) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		if (fs_read_text(root, path, text, sizeof(text)) < 0)
			continue;
		if (text[0] && text[strlen(text) - 1] == 'K')
			text[strlen(text) - 1] = '\0';
		if (parse_u64(text, &kib) == 0 && kib <= UINT64_MAX / 1024 &&
		    value_in_limit((double)(kib * 1024), &lim))
			cpu->l3_bytes = (int64_t)(kib * 1024);
		else
			warn_add(w, "%s%s: not a cache size from %s", root, path, lim.text);
		return;
	}
}

int probe_cpu(const char *sysroot, struct hardware *hw)
{
	const char *root = sysroot ? sysroot : "";
	struct cpu_scan *scan = calloc(1, sizeof(*scan));
	struct cpu_info *cpu = &hw->cpu;
	int limit;

	if (!scan)
		return -1;
	read_affinity(root, scan, &hw->warnings);
	read_cpuinfo(root, scan, cpu, &hw->warnings);
	if (scan->threads > 0) {
		cpu->threads = scan->threads;
		cpu->cores = scan->core_ids_seen ? scan->core_key_count : scan->threads;
		cpu->source = SRC_PROCFS;
	}
	limit = cgroup_cpu_limit(root, &hw->warnings);
	if (limit > 0 && cpu->threads > limit) {
		cpu->threads = limit;
		cpu->source = SRC_CGROUP;
	}
	if (limit > 0 && cpu->cores > limit)
		cpu->cores = limit;
	read_l3(root, cpu, &hw->warnings);
	free(scan);
	return 0;
}

/* Where models live: what the user said, Ollama's store, else $HOME. */
static void pick_models_dir(const char *given, char *out, size_t size)
{
	const char *home = getenv("HOME"), *ollama = getenv("OLLAMA_MODELS");
	char candidate[HW_PATH_MAX];
	struct stat st;

	if (given || (ollama && *ollama)) {
		snprintf(out, size, "%s", given ? given : ollama);
		return;
	}
	snprintf(candidate, sizeof(candidate), "%s/.ollama/models", home ? home : "");
	if (home && stat(candidate, &st) == 0) {
		snprintf(out, size, "%s", candidate);
		return;
	}
	if (stat("/usr/share/ollama/.ollama/models", &st) == 0)
		snprintf(out, size, "/usr/share/ollama/.ollama/models");
	else
		snprintf(out, size, "%s", home ? home : "/");
}

/* The block device name (e.g. "vda1") of the mount holding path, from
 * /proc/self/mountinfo: the longest mount point that is a prefix. */
static int mount_device(const char *root, const char *path, char *dev, size_t size)
{
	FILE *f = open_below(root, "/proc/self/mountinfo");
	char line[2048];
	struct mount_entry m;
	int best_len = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (parse_mount_line(line, &m) < 0 || !path_under(path, m.mount) ||
		    (int)strlen(m.mount) <= best_len)
			continue;
		best_len = (int)strlen(m.mount);
		/* Real block devices: /sys/dev/block/M:m names them; anonymous
		 * ones (major 0: btrfs, overlay, zfs) only through the source. */
		if (strncmp(m.majmin, "0:", 2) != 0)
			snprintf(dev, size, "majmin:%s", m.majmin);
		else if (strncmp(m.source, "/dev/", 5) == 0)
			snprintf(dev, size, "%s", strrchr(m.source, '/') + 1);
		else
			dev[0] = '\0';
	}
	fclose(f);
	return best_len < 0 || !dev[0] ? -1 : 0;
}

/* Basename of the sysfs link target of root+link, or -1. */
static int link_basename(const char *root, const char *link, char *out, size_t size,
			 char *parent, size_t parent_size)
{
	char full[PATH_MAX], target[PATH_MAX], *slash;
	ssize_t n;

	if (fs_path(full, sizeof(full), root, link) < 0 ||
	    (n = readlink(full, target, sizeof(target) - 1)) < 0)
		return -1;
	target[n] = '\0';
	slash = strrchr(target, '/');
	snprintf(out, size, "%s", slash ? slash + 1 : target);
	if (parent && slash) {
		*slash = '\0';
		slash = strrchr(target, '/');
		snprintf(parent, parent_size, "%s", slash ? slash + 1 : target);
	}
	return 0;
}

/* Follows partitions, dm and md down to a whole disk's name. */
static void whole_disk(const char *root, char *name, size_t size)
{
	for (int depth = 0; depth < 8; depth++) {
		char path[256], parent[64], dummy[64], slave[64] = "";
		struct stat st;
		char full[PATH_MAX];
		DIR *dir;
		struct dirent *e;

		snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
		if (fs_path(full, sizeof(full), root, path) == 0 && stat(full, &st) == 0) {
			snprintf(path, sizeof(path), "/sys/class/block/%s", name);
			if (link_basename(root, path, dummy, sizeof(dummy), parent,
					  sizeof(parent)) < 0)
				return;
			snprintf(name, size, "%s", parent);
			continue;
		}
		snprintf(path, sizeof(path), "/sys/class/block/%s/slaves", name);
		if (fs_path(full, sizeof(full), root, path) < 0 || !(dir = opendir(full)))
			return;
		while ((e = readdir(dir)))
			if (e->d_name[0] != '.' && !slave[0])
				snprintf(slave, sizeof(slave), "%s", e->d_name);
		closedir(dir);
		if (!slave[0])
			return;
		snprintf(name, size, "%s", slave);
	}
}

static enum disk_kind classify_disk(const char *root, const char *name,
				    struct warnings *w)
{
	char path[256], text[64];
	uint64_t rotational;

	if (strncmp(name, "nvme", 4) == 0)
		return DISK_NVME;
	if (strncmp(name, "vd", 2) == 0 || strncmp(name, "xvd", 3) == 0)
		return DISK_VIRTUAL;
	snprintf(path, sizeof(path), "/sys/class/block/%s/device/model", name);
	if (fs_read_text(root, path, text, sizeof(text)) >= 0 &&
	    (strstr(text, "QEMU") || strstr(text, "VBOX") || strstr(text, "Virtual")))
		return DISK_VIRTUAL;
	snprintf(path, sizeof(path), "/sys/class/block/%s/queue/rotational", name);
	if (fs_read_u64(root, path, &rotational, w) < 0)
		return DISK_UNKNOWN;
	return rotational ? DISK_HDD : DISK_SSD;
}

int probe_disk(const char *sysroot, const char *models_dir, struct hardware *hw)
{
	const char *root = sysroot ? sysroot : "";
	struct disk_info *disk = &hw->disk;
	char real[PATH_MAX], dev[64], link[96];

	pick_models_dir(models_dir, disk->path, sizeof(disk->path));
	if (realpath(disk->path, real))
		snprintf(disk->path, sizeof(disk->path), "%s", real);
	if (mount_device(root, disk->path, dev, sizeof(dev)) < 0) {
		warn_add(&hw->warnings, "%s/proc/self/mountinfo: no block device holds %s",
			 root, disk->path);
		return 0;
	}
	if (strncmp(dev, "majmin:", 7) == 0) {
		snprintf(link, sizeof(link), "/sys/dev/block/%s", dev + 7);
		if (link_basename(root, link, dev, sizeof(dev), NULL, 0) < 0)
			return 0;
	}
	whole_disk(root, dev, sizeof(dev));
	snprintf(disk->device, sizeof(disk->device), "%s", dev);
	disk->kind = classify_disk(root, dev, &hw->warnings);
	return 0;
}

int probe_hardware(const struct probe_options *opts, struct hardware *hw,
		   struct error *err)
{
	hw_init(hw);
	hw->origin = HW_FROM_PROBE;
	if (probe_ram(opts->sysroot, hw) < 0 || probe_cpu(opts->sysroot, hw) < 0)
		return error_set(err, "out of memory while probing");
	probe_disk(opts->sysroot, opts->models_dir, hw);
	return probe_gpus(opts, hw, err);
}
