#include "util/atomicfile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p of the directory part of path */
static int make_parents(const char *path, struct error *err)
{
	char dir[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(dir))
		return error_set(err, "%s: path too long", path);
	memcpy(dir, path, len + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return error_set(err, "%s: cannot create: %s", dir, strerror(errno));
		*p = '/';
	}
	return 0;
}

static int write_fully(int fd, const char *text)
{
	size_t len = strlen(text), done = 0;

	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int file_write_atomic(const char *path, const char *text, struct error *err)
{
	char tmp[PATH_MAX + 8];
	int fd, rc = 0;

	if (make_parents(path, err) < 0)
		return -1;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return error_set(err, "%s: path too long", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return error_set(err, "%s: cannot create a temporary file: %s", tmp, strerror(errno));
	if (write_fully(fd, text) < 0 || fsync(fd) < 0)
		rc = error_set(err, "%s: write: %s", tmp, strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = error_set(err, "%s: close: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, path) < 0)
		rc = error_set(err, "%s: cannot replace: %s", path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	return rc;
}
