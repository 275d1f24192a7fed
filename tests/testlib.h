/* testlib.h - the tiny harness every tests/test_*.c suite uses.
 *
 * A suite defines its cases with TESTS(T(a), T(b), ...); testlib.c supplies
 * main(), runs each case, and ends with "<suite>: N passed, N failed" where a
 * case passes when all its checks hold. Checks report file:line and values.
 *
 * Paths: fixtures live in $CANIRUN_TESTS_DIR (default "tests"); the binary
 * under test is $CANIRUN_BIN (default "./canirun").
 */
#ifndef CANIRUN_TESTLIB_H
#define CANIRUN_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define T(fn) { #fn, fn }
#define TESTS(...) const struct test_case test_cases[] = { __VA_ARGS__, { 0, 0 } }
extern const struct test_case test_cases[];

#define CHECK(cond) check_true((cond), #cond, __FILE__, __LINE__)
#define CHECK_INT(a, b) check_int((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_STR(a, b) check_str((a), (b), #a, __FILE__, __LINE__)
#define CHECK_NEAR(a, b, tol) check_near((double)(a), (double)(b), (double)(tol), #a, __FILE__, __LINE__)
#define CHECK_CONTAINS(hay, needle) check_contains((hay), (needle), #hay, __FILE__, __LINE__)

bool check_true(bool ok, const char *expr, const char *file, int line);
bool check_int(long long a, long long b, const char *ea, const char *eb, const char *file, int line);
bool check_str(const char *a, const char *b, const char *ea, const char *file, int line);
bool check_near(double a, double b, double tol, const char *ea, const char *file, int line);
bool check_contains(const char *hay, const char *needle, const char *ea, const char *file, int line);

/* "<tests dir>/<rel>" in a static buffer valid until the next call. */
const char *test_path(const char *rel);

/* A fresh empty directory under $TMPDIR for this suite; removed at exit. */
const char *test_tmpdir(void);

/* Writes len bytes to path; aborts the suite on failure. */
void test_write_file(const char *path, const void *data, size_t len);

/* Runs $CANIRUN_BIN with argv (NULL-terminated, without argv[0]) and the
 * extra environment entries env ("NAME=value", NULL-terminated, may be NULL;
 * "NAME=" alone unsets). Captures stdout and stderr into malloc'd strings the
 * caller frees. Returns the exit status, or -1 if it died of a signal. */
int run_canirun(const char *const argv[], const char *const env[],
		char **out, char **err);

/* run_canirun() whose stdout is parsed as JSON: the tree (the caller frees
 * it with cJSON_Delete), or NULL with stdout and stderr printed. The exit
 * status goes to *status. */
struct cJSON;
struct cJSON *run_canirun_json(const char *const argv[], const char *const env[], int *status);

/* The hand-made 1B model the estimator suites share: 4 layers of 256 MiB
 * (Q4_K), embd 1024, ffn 4096, 8 heads of 128 (2 KV heads), vocab 32000
 * untied, token_embd and output 64 MiB each, 1e9 params, context 8192;
 * size's layers point at layers (4 entries the caller owns); the file is
 * its tensors. */
struct model;
struct size_model;
struct layer_bytes;
void test_dense_1b(struct model *m, struct size_model *s, struct layer_bytes *layers);

/* Member key of object o: its string ("" when absent or not a string), its
 * number (-1 when absent or not a number). */
const char *json_str(const struct cJSON *o, const char *key);
double json_num(const struct cJSON *o, const char *key);

#endif
