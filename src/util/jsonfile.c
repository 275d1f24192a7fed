#include "util/jsonfile.h"

#include <stdbool.h>
#include <stdlib.h>

#include "util/sysfile.h"

/* 1-based line of byte offset off in text, for JSON syntax errors. */
static int line_of(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && text[i]; i++)
		line += text[i] == '\n';
	return line;
}

cJSON *json_load_file(const char *path, size_t max_bytes, struct error *err)
{
	const char *end = NULL;
	size_t len;
	char *text = fs_read_all(path, max_bytes, &len, err);
	cJSON *root;

	if (!text)
		return NULL;
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!root)
		error_set(err, "%s: line %d: not valid JSON", path,
			  line_of(text, end && end >= text ? (size_t)(end - text) : 0));
	free(text);
	return root;
}
