#include <stdarg.h>
#include "testlib.h"
#include "model/catalog.h"
#include "model/sizemodel.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int case_failed;

static bool report(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool report(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return true;
	case_failed = 1;
	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

bool check_true(bool ok, const char *expr, const char *file, int line)
{
	return report(ok, file, line, "failed: %s", expr);
}

bool check_int(long long a, long long b, const char *ea, const char *eb,
	       const char *file, int line)
{
	return report(a == b, file, line, "%s == %s: got %lld, want %lld",
		      ea, eb, a, b);
}

bool check_str(const char *a, const char *b, const char *ea, const char *file,
	       int line)
{
	bool ok = a && b && strcmp(a, b) == 0;

	return report(ok, file, line, "%s: got \"%s\", want \"%s\"", ea,
		      a ? a : "(null)", b ? b : "(null)");
}

bool check_near(double a, double b, double tol, const char *ea,
		const char *file, int line)
{
	return report(fabs(a - b) <= tol, file, line,
		      "%s: got %.6g, want %.6g +- %.3g", ea, a, b, tol);
}

bool check_contains(const char *hay, const char *needle, const char *ea,
		    const char *file, int line)
{
	bool ok = hay && strstr(hay, needle);

	return report(ok, file, line, "%s does not contain \"%s\":\n%s", ea,
		      needle, hay ? hay : "(null)");
}

const char *test_path(const char *rel)
{
	static char buf[4096];
	const char *dir = getenv("CANIRUN_TESTS_DIR");

	snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : "tests", rel);
	return buf;
}

static char tmpdir[256];

static void remove_tmpdir(void)
{
	char cmd[300];

	if (!tmpdir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", tmpdir);
}

const char *test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "%s/canirun-test-XXXXXX",
			 base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(2);
		}
		atexit(remove_tmpdir);
	}
	return tmpdir;
}

void test_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

static char *slurp_fd(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	while (buf && (n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger) {
				free(buf);
				return NULL;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

static void child_exec(const char *const argv[], const char *const env[],
		       int out_fd, int err_fd)
{
	const char *bin = getenv("CANIRUN_BIN");
	const char *args[64];
	int n = 0;

	dup2(out_fd, 1);
	dup2(err_fd, 2);
	for (; env && *env; env++) {
		const char *eq = strchr(*env, '=');
		char name[128];

		snprintf(name, sizeof(name), "%.*s", (int)(eq - *env), *env);
		if (eq[1])
			setenv(name, eq + 1, 1);
		else
			unsetenv(name);
	}
	args[n++] = bin ? bin : "./canirun";
	while (argv && argv[n - 1] && n < 63) {
		args[n] = argv[n - 1];
		n++;
	}
	args[n] = NULL;
	execv(args[0], (char *const *)args);
	perror(args[0]);
	_exit(127);
}

int run_canirun(const char *const argv[], const char *const env[],
		char **out, char **err)
{
	char out_name[] = "/tmp/canirun-out-XXXXXX", err_name[] = "/tmp/canirun-err-XXXXXX";
	int out_fd = mkstemp(out_name), err_fd = mkstemp(err_name), status;
	pid_t pid;

	if (out_fd < 0 || err_fd < 0) {
		perror("mkstemp");
		exit(2);
	}
	unlink(out_name);
	unlink(err_name);
	pid = fork();
	if (pid == 0)
		child_exec(argv, env, out_fd, err_fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	lseek(out_fd, 0, SEEK_SET);
	lseek(err_fd, 0, SEEK_SET);
	*out = slurp_fd(out_fd);
	*err = slurp_fd(err_fd);
	close(out_fd);
	close(err_fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct cJSON *run_canirun_json(const char *const argv[], const char *const env[], int *status)
{
	char *out, *err;
	cJSON *doc;

	*status = run_canirun(argv, env, &out, &err);
	doc = cJSON_Parse(out);
	if (!doc)
		fprintf(stderr, "  not JSON: %.200s\n  stderr: %s\n", out, err);
	free(out);
	free(err);
	return doc;
}

int main(int argc, char **argv)
{
	const char *suite = strrchr(argv[0], '/');
	int passed = 0, failed = 0;

	suite = suite ? suite + 1 : argv[0];
	for (const struct test_case *t = test_cases; t->name; t++) {
		if (argc > 1 && strcmp(argv[1], t->name) != 0)
			continue;
		case_failed = 0;
		t->fn();
		if (case_failed) {
			fprintf(stderr, "FAIL %s.%s\n", suite, t->name);
			failed++;
		} else {
			passed++;
		}
	}
	printf("%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}

const char *json_str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));

	return s ? s : "";
}

double json_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

void test_dense_1b(struct model *m, struct size_model *s, struct layer_bytes *layers)
{
	const int64_t mib = 1 << 20;

	memset(m, 0, sizeof(*m));
	snprintf(m->id, sizeof(m->id), "test:1b");
	m->params = m->active_params = 1000000000;
	m->layers = 4;
	m->embd = 1024;
	m->ffn = 4096;
	m->heads = 8;
	m->kv_heads = 2;
	m->head_dim = 128;
	m->vocab = 32000;
	m->context = 8192;
	m->tasks = TASK_CHAT;
	memset(s, 0, sizeof(*s));
	s->ftype = FTYPE_Q4_K_M;
	s->n_layers = 4;
	s->layers = layers;
	for (int i = 0; i < 4; i++)
		layers[i] = (struct layer_bytes){ 256 * mib, 0 };
	s->token_embd_bytes = s->output_bytes = 64 * mib;
	s->nonlayer_bytes = 128 * mib;
	s->tensor_bytes = s->file_bytes = 4 * 256 * mib + 128 * mib;
	s->type_bytes[GGML_TYPE_Q4_K] = s->tensor_bytes;
	s->token_embd_type = s->output_type = GGML_TYPE_Q4_K;
}
