/* fault_shrink.c - an LD_PRELOAD shim for tests/test-faults.sh: a file that
 * shrinks while canirun reads it, as when a download is cut or another
 * program truncates a model under us.
 *
 * For the file named by $CANIRUN_SHRINK_PATH (exactly as canirun opens it),
 * each pread() returns at most 256 bytes (a short read is legal), and after
 * the first one the file is truncated to $CANIRUN_SHRINK_TO bytes (default
 * 512). Every other file reads as usual. Not linked into canirun.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define SHORT_READ_BYTES 256

typedef ssize_t (*pread_fn)(int, void *, size_t, off_t);

ssize_t pread(int fd, void *buf, size_t count, off_t offset);
ssize_t pread64(int fd, void *buf, size_t count, off_t offset);

/* Whether fd is the file $CANIRUN_SHRINK_PATH names. */
static bool is_target(int fd, const char **path)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	*path = getenv("CANIRUN_SHRINK_PATH");
	if (!*path || !**path)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return strcmp(target, *path) == 0;
}

static ssize_t shrinking_pread(int fd, void *buf, size_t count, off_t offset)
{
	static pread_fn real;
	static bool shrunk;
	const char *path, *to = getenv("CANIRUN_SHRINK_TO");
	ssize_t n;

	if (!real)
		real = (pread_fn)dlsym(RTLD_NEXT, "pread");
	if (!is_target(fd, &path))
		return real(fd, buf, count, offset);
	n = real(fd, buf, count < SHORT_READ_BYTES ? count : SHORT_READ_BYTES, offset);
	if (!shrunk) {
		shrunk = true;
		if (truncate(path, to && *to ? strtol(to, NULL, 10) : 512) != 0)
			perror("fault_shrink: truncate");
	}
	return n;
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
	return shrinking_pread(fd, buf, count, offset);
}

ssize_t pread64(int fd, void *buf, size_t count, off_t offset)
{
	return shrinking_pread(fd, buf, count, offset);
}
