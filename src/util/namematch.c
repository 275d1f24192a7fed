#include "util/namematch.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int edit_distance(const char *a, const char *b)
{
	int prev[NAME_TEXT_MAX + 1], cur[NAME_TEXT_MAX + 1];
	size_t la = strnlen(a, NAME_TEXT_MAX), lb = strnlen(b, NAME_TEXT_MAX);

	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int same = tolower((unsigned char)a[i - 1]) ==
				   tolower((unsigned char)b[j - 1]);
			int best = prev[j - 1] + !same;

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			cur[j] = best;
		}
		memcpy(prev, cur, (lb + 1) * sizeof(int));
	}
	return prev[lb];
}

#define NAME_WORDS_MAX 16
#define WORD_MAX 32

/* A name as lower-case words, ignored words dropped. */
struct words {
	int count;
	char w[NAME_WORDS_MAX][WORD_MAX];
};

static const char *entry_name(const struct name_list *l, int i)
{
	return (const char *)l->items + (size_t)i * l->stride + l->name_offset;
}

static bool is_ignored(const struct name_list *l, const char *w)
{
	for (int i = 0; l->ignored && l->ignored[i]; i++)
		if (strcmp(w, l->ignored[i]) == 0)
			return true;
	return false;
}

static bool is_separator(const struct name_list *l, char c)
{
	return strchr(" \t()/,", c) || (l->separators && strchr(l->separators, c));
}

/* Words beyond the limits are cut, which only loosens a match on absurdly
 * long names. */
static void split_words(const struct name_list *l, const char *s, struct words *out)
{
	out->count = 0;
	while (*s) {
		char w[WORD_MAX];
		size_t n = 0;

		while (*s && is_separator(l, *s))
			s++;
		while (*s && !is_separator(l, *s)) {
			if (n + 1 < sizeof(w))
				w[n++] = (char)tolower((unsigned char)*s);
			s++;
		}
		w[n] = '\0';
		if (n && !is_ignored(l, w) && out->count < NAME_WORDS_MAX)
			memcpy(out->w[out->count++], w, n + 1);
	}
}

static bool only_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Letters, and hyphens as in "-core". */
static bool only_letters(const char *s)
{
	for (; *s; s++)
		if (!isalpha((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

/* 2: the words are equal. 1: the name word extends the query word by a
 * suffix of another kind (digits after letters, letters after digits).
 * 0: no match. */
static int word_match(const char *q, const char *n)
{
	size_t len = strlen(q);
	const char *rest = n + len;

	if (strncmp(q, n, len) != 0)
		return 0;
	if (!*rest)
		return 2;
	if (isalpha((unsigned char)q[len - 1]))
		return only_digits(rest);
	return isdigit((unsigned char)q[len - 1]) && only_letters(rest);
}

static int name_level(const struct words *q, const struct words *n)
{
	int level = 2;

	for (int i = 0; i < q->count; i++) {
		int best = 0;

		for (int j = 0; j < n->count; j++)
			if (word_match(q->w[i], n->w[j]) > best)
				best = word_match(q->w[i], n->w[j]);
		if (best < level)
			level = best;
	}
	return level == 2 && q->count == n->count ? 3 : level;
}

static void join_words(const struct words *w, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < w->count; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					i ? " " : "", w->w[i]);
}

/* Closeness of a name to a query: query words it matches first, then
 * (negated) edit distance; larger is closer. */
static long closeness(const struct words *q, const char *q_joined, const struct words *n)
{
	char n_joined[NAME_WORDS_MAX * WORD_MAX];
	long shared = 0;

	for (int i = 0; i < q->count; i++)
		for (int j = 0; j < n->count; j++)
			if (word_match(q->w[i], n->w[j])) {
				shared++;
				break;
			}
	join_words(n, n_joined, sizeof(n_joined));
	return shared * 10000 - edit_distance(q_joined, n_joined);
}

/* Appends to a bounded message; truncates quietly. */
static void append(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s", s);
}

#define SUGGEST_MAX 3
#define CANDIDATES_MAX 8

static int unknown_name(const struct name_list *l, const char *query,
			const struct words *q, struct error *err)
{
	char q_joined[NAME_WORDS_MAX * WORD_MAX], msg[ERROR_MSG_MAX];
	int pick[SUGGEST_MAX], picked = 0;
	long score[SUGGEST_MAX];

	join_words(q, q_joined, sizeof(q_joined));
	for (int i = 0; i < l->count && q->count; i++) {
		struct words n;
		long s;
		int k;

		split_words(l, entry_name(l, i), &n);
		s = closeness(q, q_joined, &n);
		/* insertion into the sorted top list */
		for (k = picked; k > 0 && score[k - 1] < s; k--)
			if (k < SUGGEST_MAX) {
				pick[k] = pick[k - 1];
				score[k] = score[k - 1];
			}
		if (k < SUGGEST_MAX) {
			pick[k] = i;
			score[k] = s;
			picked += picked < SUGGEST_MAX;
		}
	}
	snprintf(msg, sizeof(msg), "unknown %s '%s'", l->kind, query);
	for (int k = 0; k < picked; k++) {
		append(msg, sizeof(msg), k ? ", " : "; closest: ");
		append(msg, sizeof(msg), entry_name(l, pick[k]));
	}
	return error_set(err, "%s", msg);
}

static int ambiguous_name(const struct name_list *l, const char *query,
			  const struct words *q, int level, int matches, struct error *err)
{
	char msg[ERROR_MSG_MAX];
	int listed = 0;

	snprintf(msg, sizeof(msg), "ambiguous %s '%s': candidates: ", l->kind, query);
	for (int i = 0; i < l->count && listed < CANDIDATES_MAX; i++) {
		struct words n;

		split_words(l, entry_name(l, i), &n);
		if (name_level(q, &n) != level)
			continue;
		append(msg, sizeof(msg), listed++ ? ", " : "");
		append(msg, sizeof(msg), entry_name(l, i));
	}
	if (matches > listed) {
		char more[32];

		snprintf(more, sizeof(more), " (%d in all)", matches);
		append(msg, sizeof(msg), more);
	}
	return error_set(err, "%s", msg);
}

int name_list_find(const struct name_list *l, const char *query, int *index,
		   struct error *err)
{
	struct words q;
	int best_level = 0, matches = 0;

	split_words(l, query, &q);
	for (int i = 0; i < l->count && q.count; i++) {
		struct words n;
		int level;

		split_words(l, entry_name(l, i), &n);
		level = name_level(&q, &n);
		if (level > best_level) {
			best_level = level;
			matches = 0;
		}
		if (level == best_level && level > 0 && matches++ == 0)
			*index = i;
	}
	if (matches == 0)
		return unknown_name(l, query, &q, err);
	if (matches > 1)
		return ambiguous_name(l, query, &q, best_level, matches, err);
	return 0;
}
