#include "util/sysfile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/numparse.h"

int fs_path(char *out, size_t out_size, const char *root, const char *path)
{
	int n = snprintf(out, out_size, "%s%s", root ? root : "", path);

	return (n < 0 || (size_t)n >= out_size) ? -1 : 0;
}

int fs_read_text(const char *root, const char *path, char *buf, size_t size)
{
	char full[PATH_MAX];
	ssize_t n;
	int fd;

	if (size == 0 || fs_path(full, sizeof(full), root, path) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = '\0';
	return (int)n;
}

int fs_read_u64(const char *root, const char *path, uint64_t *out,
		struct warnings *w)
{
	char text[64];

	if (fs_read_text(root, path, text, sizeof(text)) < 0)
		return -1;
	if (parse_u64(text, out) < 0) {
		warn_add(w, "%s%s: not a number: '%.32s'", root ? root : "",
			 path, text);
		return -1;
	}
	return 0;
}

char *fs_read_all(const char *path, size_t max_bytes, size_t *len,
		  struct error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		error_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(max_bytes + 1);
	if (!buf) {
		fclose(f);
		error_set(err, "%s: out of memory", path);
		return NULL;
	}
	n = fread(buf, 1, max_bytes + 1, f);
	if (ferror(f) || n > max_bytes) {
		error_set(err, "%s: %s", path,
			  ferror(f) ? "read error" : "file too large");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}
