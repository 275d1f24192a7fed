#include "util/errors.h"

#include <stdio.h>
#include <string.h>

int error_set(struct error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int error_prefix(struct error *err, const char *fmt, ...)
{
	char prefix[ERROR_MSG_MAX], old[ERROR_MSG_MAX];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}

void warnings_print(const struct warnings *w, FILE *out)
{
	warnings_print_from(w, 0, out);
}

void warnings_print_from(const struct warnings *w, int first, FILE *out)
{
	for (int i = first; i < w->count; i++)
		fprintf(out, "canirun: warning: %s\n", w->msg[i]);
	if (w->dropped)
		fprintf(out, "canirun: warning: %d more warnings not shown\n", w->dropped);
}

void warn_add(struct warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (!w)
		return;
	if (w->count >= WARNINGS_MAX) {
		w->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(w->msg[w->count], WARNING_MSG_MAX, fmt, ap);
	va_end(ap);
	w->count++;
}
