/* test_namematch.c - the shared name matcher and edit distance (util/namematch). */
#include <stdio.h>
#include <stddef.h>

#include "testlib.h"
#include "util/namematch.h"

/* Hand-counted Levenshtein distances. */
static void distance_counts_edits(void)
{
	CHECK_INT(edit_distance("", ""), 0);
	CHECK_INT(edit_distance("kitten", "sitting"), 3); /* k->s, e->i, +g */
	CHECK_INT(edit_distance("RTX", "rtx"), 0);         /* case does not count */
	CHECK_INT(edit_distance("abc", ""), 3);
	CHECK_INT(edit_distance("flaw", "lawn"), 2);       /* -f, +n */
}

struct named { int id; char name[32]; };

static const struct named parts[] = {
	{ 1, "Core i9-13900K" }, { 2, "Core i9-13900KS" }, { 3, "Core i7-13700K" },
	{ 4, "Ryzen 9 7950X" }, { 5, "Ryzen 9 7950X3D" },
};
static const char *const brand_words[] = { "amd", "intel", "core", "ryzen", NULL };

static struct name_list parts_list(void)
{
	struct name_list l = { "CPU", parts, sizeof(parts[0]), offsetof(struct named, name),
			       (int)(sizeof(parts) / sizeof(parts[0])), brand_words, "-" };
	return l;
}

/* Extra separators split "i9-13900K"; brand words are dropped. */
static void separators_and_ignored_words(void)
{
	struct name_list l = parts_list();
	struct error err;
	int i = -1;

	CHECK_INT(name_list_find(&l, "13900K", &i, &err), 0);
	CHECK_INT(parts[i].id, 1);
	CHECK_INT(name_list_find(&l, "Intel Core i9-13900KS", &i, &err), 0);
	CHECK_INT(parts[i].id, 2);
	CHECK_INT(name_list_find(&l, "amd 7950x", &i, &err), 0);
	CHECK_INT(parts[i].id, 4);
	CHECK_INT(name_list_find(&l, "i9", &i, &err), -1);
	CHECK_STR(err.msg, "ambiguous CPU 'i9': candidates: Core i9-13900K, Core i9-13900KS");
	CHECK_INT(name_list_find(&l, "7960X", &i, &err), -1);
	CHECK_CONTAINS(err.msg, "unknown CPU '7960X'; closest: Ryzen 9 7950X");
}

TESTS(T(distance_counts_edits), T(separators_and_ignored_words));
