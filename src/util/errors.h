/* errors.h - how canirun modules report failure and doubt.
 *
 * Failure: a function returns -1 and fills a caller-owned struct error whose
 * message reads "<what>: <why>", naming the file and, for data files, the
 * entry and field (e.g. "data/gpus.json: gpus[12].vram_mib: not a number").
 * main() prints it as "canirun: <message>" and chooses the exit status;
 * no other function exits or prints.
 *
 * Doubt: a fact that could not be read is left unknown and a warning is
 * appended to a caller-owned struct warnings, which the commands (cmd/) print
 * on stderr with warnings_print.
 */
#ifndef CANIRUN_ERRORS_H
#define CANIRUN_ERRORS_H

#include <stdarg.h>
#include <stdio.h>

#define ERROR_MSG_MAX 512
#define WARNINGS_MAX 32
#define WARNING_MSG_MAX 256

struct error {
	char msg[ERROR_MSG_MAX];
};

struct warnings {
	int count;      /* stored; later ones beyond WARNINGS_MAX are counted in dropped */
	int dropped;
	char msg[WARNINGS_MAX][WARNING_MSG_MAX];
};

/* Formats the message into err (truncating if needed) and returns -1, so
 * callers can write "return error_set(err, ...);". err may be NULL. */
int error_set(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefixes an existing message: "<prefix>: <old message>". Returns -1. */
int error_prefix(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends a warning; w may be NULL (the warning is then dropped). */
void warn_add(struct warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes each warning as "canirun: warning: ..." lines to out, and how many
 * were dropped. For the commands (cmd/), which print what modules return. */
void warnings_print(const struct warnings *w, FILE *out);
/* The same from warning number first on (those added since a first print). */
void warnings_print_from(const struct warnings *w, int first, FILE *out);

#endif
