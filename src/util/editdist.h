/* editdist.h - how far apart two names are, for suggesting the closest
 * known ones (models, GPUs) when a typed name is unknown. */
#ifndef CANIRUN_EDITDIST_H
#define CANIRUN_EDITDIST_H

/* Strings longer than this are compared on their first EDIT_DISTANCE_MAX_LEN
 * bytes (every name canirun compares is far shorter). */
#define EDIT_DISTANCE_MAX_LEN 512

/* Levenshtein distance (insert, delete, substitute one byte), ASCII letters
 * compared case-insensitively. */
int edit_distance(const char *a, const char *b);

#endif
