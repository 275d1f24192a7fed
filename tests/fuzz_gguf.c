/* fuzz_gguf.c - libFuzzer target for the GGUF header reader.
 *
 * Build and run (from the repository root):
 *
 *   clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
 *     -DGGUF_RD_BUF_BYTES=61 -Isrc tests/fuzz_gguf.c src/model/gguf.c \
 *     src/model/gguf_model.c src/model/ggml.c src/model/quant.c src/util/errors.c -o build/fuzz_gguf
 *   (or simply: make fuzz FUZZ_SECONDS=300)
 *   mkdir -p build/fuzz-corpus
 *   build/fuzz_gguf -max_total_time=300 build/fuzz-corpus \
 *     tests/fixtures/gguf-broken tests/fixtures/gguf-seeds
 *
 * A tiny reader buffer (GGUF_RD_BUF_BYTES=61) makes every read cross buffer
 * refills. Each input is parsed twice, from memory and through a memfd with
 * the buffered file reader; both must agree, and a parsed file's derived
 * sizes must add up. Parsed files also go through every lookup and
 * gguf_to_model(), which read the same hostile values. Not named test_*.c: it is not a suite.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/gguf.h"
#include "model/gguf_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_gguf: invariant broken: %s\n", what);
		abort();
	}
}

static void check_sizes(const struct gguf_file *f)
{
	const struct gguf_sizes *s = &f->sizes;
	uint64_t layers = 0, experts = 0, types = 0, params = 0;
	size_t i;

	for (i = 0; i < s->n_layers; i++) {
		layers += s->layer_bytes[i];
		experts += s->layer_expert_bytes[i];
	}
	for (i = 0; i < s->n_types; i++) {
		types += s->types[i].bytes;
		params += s->types[i].params;
	}
	check(layers + s->nonlayer_bytes == s->tensor_bytes, "layer sums");
	check(experts <= s->expert_bytes, "expert sums");
	check(types == s->tensor_bytes && params == s->params, "type sums");
	check(s->active_params <= s->params, "active params");
	check(f->data_offset % f->alignment == 0, "data alignment");
	for (i = 0; i < f->n_tensors; i++)
		check(f->tensors[i].offset + f->tensors[i].bytes <=
		      f->file_bytes - f->data_offset, "tensor inside the file");
}

static void use_lookups(const struct gguf_file *f)
{
	struct model m;
	struct error err;
	const char *str;
	uint64_t u, len;
	float x;
	size_t i;

	for (i = 0; i < f->n_kv; i++) {
		const char *key = f->kv[i].key;
		int n = (gguf_get_u64(f, key, &u) == 0) + (gguf_get_f32(f, key, &x) == 0) +
			(gguf_get_str(f, key, &str) == 0) + (gguf_arr_len(f, key, &len) == 0);
		check(n <= 1, "a value has one kind");
		if (n == 1 && gguf_arr_len(f, key, &len) == 0 && len > 0)
			gguf_arr_u64(f, key, len - 1, &u);
	}
	gguf_to_model(f, "fuzz", &m, &err);
}

/* The same bytes through the file reader: returns its error text. */
static int parse_fd(const uint8_t *data, size_t size, struct error *err)
{
	struct gguf_file f;
	char path[64];
	int fd = memfd_create("fuzz", MFD_CLOEXEC), rc;

	check(fd >= 0 && (size == 0 || write(fd, data, size) == (ssize_t)size),
	      "memfd");
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	rc = gguf_open(path, &f, err);
	if (rc == 0)
		gguf_file_release(&f);
	close(fd);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gguf_file f;
	struct error mem_err = { "" }, fd_err = { "" };
	int rc = gguf_parse_mem(data, size, "fuzz", &f, &mem_err);
	const char *fd_why, *mem_why;

	if (rc == 0) {
		check_sizes(&f);
		use_lookups(&f);
		gguf_file_release(&f);
	} else {
		check(strncmp(mem_err.msg, "fuzz: offset ", 13) == 0,
		      "error names the offset");
	}
	check(parse_fd(data, size, &fd_err) == rc, "readers agree");
	/* same text after the differing names */
	mem_why = strchr(mem_err.msg, ':');
	fd_why = strchr(fd_err.msg, ':');
	check(rc == 0 || (mem_why && fd_why && strcmp(mem_why, fd_why) == 0),
	      "same error from both readers");
	return 0;
}
