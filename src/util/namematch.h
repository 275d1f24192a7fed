/* namematch.h - finding a table entry by the name a person types ("RTX 4090",
 * "ryzen 9 7950x"), and the edit distance behind "did you mean" suggestions.
 *
 * Names and the query are compared as lower-case words split on blanks,
 * parentheses, commas, slashes and the list's extra separators, with the
 * list's ignored words (vendor and brand names) dropped. Match levels, best
 * first: 3 the name's words equal the query's; 2 every query word equals a
 * name word; 1 every query word equals or extends to a name word (digits
 * after letters: "sxm" -> "sxm5"; letters or '-' after digits: "80" ->
 * "80gb", "38" -> "38-core"). Exactly one name at the best level is a match.
 *
 * Nothing here allocates; the list's entries are borrowed.
 */
#ifndef CANIRUN_NAMEMATCH_H
#define CANIRUN_NAMEMATCH_H

#include <stddef.h>

#include "util/errors.h"

/* Strings longer than this are compared on their first NAME_TEXT_MAX bytes. */
#define NAME_TEXT_MAX 512

/* Case-insensitive Levenshtein distance between a and b. */
int edit_distance(const char *a, const char *b);

/* A table's names, wherever they sit in its entries: entry i's name is the
 * string at (const char *)items + i * stride + name_offset. */
struct name_list {
	const char *kind;              /* "GPU", "CPU": the messages' noun */
	const void *items;
	size_t stride, name_offset;
	int count;
	const char *const *ignored;    /* NULL-terminated lower-case words; may be NULL */
	const char *separators;        /* characters that also split words; may be NULL */
};

/* Finds query in l. One name at the best level: returns 0 and *index.
 * Several: -1, "ambiguous KIND 'X': candidates: A, B, C" (at most 8, then
 * "(N in all)"). None: -1, "unknown KIND 'X'; closest: A, B, C" (by query
 * words matched, then edit distance). */
int name_list_find(const struct name_list *l, const char *query, int *index,
		   struct error *err);

#endif
