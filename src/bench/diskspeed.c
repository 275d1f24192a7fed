/* diskspeed.c - a timed sequential read of a fresh temporary file. */
#include "bench/diskspeed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK_BYTES (4 << 20)
#define ALIGN_BYTES 4096        /* satisfies O_DIRECT on 512 B and 4 KiB sectors */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Incompressible content, so that no filesystem can shortcut the write. */
static void fill_chunk(uint8_t *buf, uint64_t seed)
{
	uint64_t *p = (uint64_t *)buf;

	for (size_t i = 0; i < CHUNK_BYTES / 8; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		p[i] = seed;
	}
}

static int write_file(int fd, uint8_t *buf, int size_mb, const char *path, struct error *err)
{
	for (long done = 0; done < (long)size_mb << 20; done += CHUNK_BYTES) {
		fill_chunk(buf, 0x9e3779b97f4a7c15ull + (uint64_t)done);
		for (size_t off = 0; off < CHUNK_BYTES;) {
			ssize_t n = write(fd, buf + off, CHUNK_BYTES - off);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return error_set(err, "%s: write: %s", path, n < 0 ? strerror(errno) : "no space");
			off += (size_t)n;
		}
	}
	if (fsync(fd) < 0)
		return error_set(err, "%s: fsync: %s", path, strerror(errno));
	return 0;
}

/* Reads fd to its end; returns the bytes read, or -1 with errno. */
static long long read_all(int fd, uint8_t *buf)
{
	long long total = 0;
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while ((n = read(fd, buf, CHUNK_BYTES)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

/* Times the read: O_DIRECT through direct_fd when it is >= 0 and the
 * filesystem takes it, else buffered through fd with its pages dropped. */
static int timed_read(int fd, int direct_fd, uint8_t *buf, const char *path,
		      double *gbps, bool *direct, struct error *err)
{
	double t0 = now_s();
	long long bytes = direct_fd >= 0 ? read_all(direct_fd, buf) : -1;

	*direct = bytes >= 0;
	if (bytes < 0) {
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		t0 = now_s();
		bytes = read_all(fd, buf);
	}
	if (bytes <= 0)
		return error_set(err, "%s: read: %s", path, bytes < 0 ? strerror(errno) : "empty");
	*gbps = (double)bytes / (now_s() - t0) / 1e9;
	return 0;
}

int disk_read_test(const char *dir, int size_mb, double *gbps, bool *direct,
		   struct error *err)
{
	char path[4096];
	uint8_t *buf = NULL;
	int fd, direct_fd = -1, rc;

	if (snprintf(path, sizeof(path), "%s/.canirun-disk-test-XXXXXX", dir) >= (int)sizeof(path))
		return error_set(err, "%s: path too long", dir);
	if (posix_memalign((void **)&buf, ALIGN_BYTES, CHUNK_BYTES) != 0)
		return error_set(err, "disk test: out of memory");
	fd = mkstemp(path);
	if (fd < 0) {
		free(buf);
		return error_set(err, "%s: cannot create a test file: %s", dir, strerror(errno));
	}
	rc = write_file(fd, buf, size_mb, path, err);
	if (rc == 0)
		direct_fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC); /* EINVAL on tmpfs */
	unlink(path);
	if (rc == 0)
		rc = timed_read(fd, direct_fd, buf, path, gbps, direct, err);
	if (direct_fd >= 0)
		close(direct_fd);
	close(fd);
	free(buf);
	return rc;
}
