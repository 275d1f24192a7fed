#include "model/modelref.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TYPED_MAX 256     /* longer names match nothing */
#define TAG_WORDS_MAX 16

/* A file type as an Ollama tag or a GGUF file name spells it: "q4_K_M",
 * "Q8_0", "fp16" (Ollama's word for F16), "mxfp4". */
static int typed_ftype(const char *word, enum ftype *out)
{
	if (strcasecmp(word, "fp16") == 0)
		word = "F16";
	else if (strcasecmp(word, "fp32") == 0)
		word = "F32";
	return ftype_by_name(word, out);
}

/* A bare family without a :latest mapping that the catalogue holds in one
 * size only: that size (no choice is made, so none is claimed). */
static const struct model *only_size(const struct catalog *cat, const char *family, size_t family_len)
{
	const struct model *found = NULL;

	for (int i = 0; i < cat->count; i++) {
		const char *id = cat->models[i].id;

		if (strncasecmp(id, family, family_len) != 0 || id[family_len] != ':')
			continue;
		if (found)
			return NULL;
		found = &cat->models[i];
	}
	return found;
}

/* The family's :latest mapping (data/latest.json), else its only size. */
static const struct model *family_default(const struct catalog *cat, const char *family, size_t family_len)
{
	const struct model *m = catalog_latest(cat, family, family_len);

	return m ? m : only_size(cat, family, family_len);
}

/* "FAMILY[:TAG]": the tag's first words name the size ("7b",
 * "8x7b-instruct-v0.1"), the longest prefix that is a catalogue id wins; a
 * last word that is a file type sets the quant. */
static const struct model *resolve_tag(const struct catalog *cat, const char *name,
				       struct model_ref *out)
{
	const char *colon = strchr(name, ':');
	size_t family_len = colon ? (size_t)(colon - name) : strlen(name);
	char tag[TYPED_MAX], id[TYPED_MAX + 2];
	char *words[TAG_WORDS_MAX], *save = NULL;
	int n = 0;

	if (!colon || !colon[1] || strcasecmp(colon + 1, "latest") == 0)
		return family_default(cat, name, family_len);
	snprintf(tag, sizeof(tag), "%s", colon + 1);
	for (char *w = strtok_r(tag, "-", &save); w && n < TAG_WORDS_MAX;
	     w = strtok_r(NULL, "-", &save))
		words[n++] = w;
	if (n > 0 && typed_ftype(words[n - 1], &out->ftype) == 0) {
		out->has_ftype = true;
		n--;
	}
	if (n == 0)
		return family_default(cat, name, family_len);
	for (int k = n; k > 0; k--) {
		size_t len = (size_t)snprintf(id, sizeof(id), "%.*s:", (int)family_len, name);
		const struct model *m;

		for (int i = 0; i < k && len < sizeof(id); i++)
			len += (size_t)snprintf(id + len, sizeof(id) - len, "%s%s", i ? "-" : "",
						words[i]);
		if ((m = catalog_find(cat, id)))
			return m;
	}
	return NULL;
}

/* name without its last '/'-separated part's owner: "a/b" -> "b". */
static const char *repo_base(const char *repo)
{
	const char *slash = strrchr(repo, '/');

	return slash ? slash + 1 : repo;
}

/* Does the catalogue name alias (an "owner/repo" id) name the repository
 * whose name, "-GGUF" already dropped, is base[0..len)? Equal repository
 * names, or "<owner>_<repo>" as some GGUF publishers write them. */
static bool repo_matches(const char *alias, const char *base, size_t len)
{
	const char *slash = strchr(alias, '/');
	const char *alias_base = repo_base(alias);
	size_t owner_len;

	if (!slash)
		return false;
	if (strlen(alias_base) == len && strncasecmp(alias_base, base, len) == 0)
		return true;
	owner_len = (size_t)(slash - alias);
	return len > owner_len + 1 && strncasecmp(base, alias, owner_len) == 0 &&
	       base[owner_len] == '_' && strlen(alias_base) == len - owner_len - 1 &&
	       strncasecmp(base + owner_len + 1, alias_base, len - owner_len - 1) == 0;
}

static const struct model *find_repo(const struct catalog *cat, const char *repo)
{
	const struct model *m = catalog_find(cat, repo);
	const char *base = repo_base(repo);
	size_t len = strlen(base);

	if (m)
		return m;
	if (len > 5 && (strcasecmp(base + len - 5, "-gguf") == 0 ||
			strcasecmp(base + len - 5, "_gguf") == 0))
		len -= 5;
	for (int i = 0; i < cat->count; i++) {
		const struct model *c = &cat->models[i];

		if (repo_matches(c->id, base, len))
			return c;
		for (int a = 0; a < c->alias_count; a++)
			if (repo_matches(c->aliases[a], base, len))
				return c;
	}
	return NULL;
}

/* Drops "https://", then "hf.co/" or "huggingface.co/". */
static const char *strip_host(const char *name)
{
	static const char *const prefixes[] = { "hf.co/", "huggingface.co/" };

	if (strncasecmp(name, "https://", 8) == 0)
		name += 8;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncasecmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return name + strlen(prefixes[i]);
	return name;
}

/* "owner/repo[:TYPE]". 1 found, 0 not found, -1 a bad TYPE. */
static int resolve_repo(const struct catalog *cat, const char *typed, const char *name,
			struct model_ref *out, struct error *err)
{
	char repo[TYPED_MAX];
	const char *colon = strchr(name, ':');

	snprintf(repo, sizeof(repo), "%.*s", colon ? (int)(colon - name) : (int)strlen(name), name);
	if (colon) {
		if (typed_ftype(colon + 1, &out->ftype) < 0)
			return error_set(err, "'%s': unknown file type '%s' (Q4_K_M, Q8_0, F16, ...)",
					 typed, colon + 1);
		out->has_ftype = true;
	}
	out->model = find_repo(cat, repo);
	return out->model != NULL;
}

static int unknown_model(const struct catalog *cat, const char *name, struct error *err)
{
	const struct model *close[3];
	int n = catalog_suggest(cat, name, close, 3);

	if (n == 0)
		return error_set(err, "unknown model '%s' (see 'canirun report' for the list)", name);
	return error_set(err, "unknown model '%s'; did you mean: %s%s%s%s%s?", name,
			 close[0]->id, n > 1 ? ", " : "", n > 1 ? close[1]->id : "",
			 n > 2 ? ", " : "", n > 2 ? close[2]->id : "");
}

int model_resolve(const struct catalog *cat, const char *name, struct model_ref *out,
		  struct error *err)
{
	const char *bare = strip_host(name);
	int found;

	memset(out, 0, sizeof(*out));
	if (strlen(name) >= TYPED_MAX)
		return unknown_model(cat, name, err);
	if ((out->model = catalog_find(cat, name)))
		return 0;
	if (strchr(bare, '/')) {
		found = resolve_repo(cat, name, bare, out, err);
		if (found < 0)
			return -1;
	} else {
		out->model = resolve_tag(cat, name, out);
		found = out->model != NULL;
	}
	if (found)
		return 0;
	memset(out, 0, sizeof(*out));
	return unknown_model(cat, name, err);
}
