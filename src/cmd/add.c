/* add.c - `canirun add FILE.gguf|config.json`: a model the catalogue lacks,
 * read from a GGUF header or a Hugging Face config.json, validated as a
 * models.json entry and written to the user's models.d, where every later
 * command's catalogue includes it (catalog_load_extra). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/app.h"
#include "cmd/jsonout.h"
#include "model/gguf.h"
#include "model/gguf_model.h"
#include "model/hfconfig.h"
#include "model/quant.h"
#include "util/atomicfile.h"

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

/* "dir/Qwen3-8B-Q4_K_M.gguf" -> "Qwen3-8B": the stem less a last word
 * ('-' or '.' before it) that names a file type. */
static void gguf_default_id(const char *path, char *out, size_t size)
{
	const char *base = strrchr(path, '/');
	char *cut;
	enum ftype ft;

	snprintf(out, size, "%s", base ? base + 1 : path);
	out[strlen(out) - strlen(".gguf")] = '\0';
	cut = strrchr(out, '-');
	if (!cut || (strrchr(out, '.') && strrchr(out, '.') > cut))
		cut = strrchr(out, '.');
	if (cut && cut > out && ftype_by_name(cut + 1, &ft) == 0)
		*cut = '\0';
}

/* ".../models--org--repo/snapshots/rev/config.json" -> "org/repo" (the
 * Hugging Face cache), else the folder's name. */
static int config_default_id(const char *path, char *out, size_t size, struct error *err)
{
	char real[PATH_MAX], *slash, *hub, *sep;

	if (!realpath(path, real))
		return error_set(err, "%s: %s", path, strerror(errno));
	if ((hub = strstr(real, "/models--")) && (sep = strstr(hub + 9, "--")) &&
	    strchr(sep, '/')) {
		snprintf(out, size, "%.*s/%.*s", (int)(sep - hub - 9), hub + 9,
			 (int)(strchr(sep, '/') - sep - 2), sep + 2);
		return 0;
	}
	if ((slash = strrchr(real, '/')))
		*slash = '\0';
	slash = strrchr(real, '/');
	if (!slash || !slash[1])
		return error_set(err, "%s: no folder name to take an id from; give --id", path);
	snprintf(out, size, "%s", slash + 1);
	return 0;
}

/* The header's model; its own file type is what is published of it. */
static int from_gguf(const char *path, const char *id, struct model *m, struct error *err)
{
	struct gguf_file f;
	struct size_model s;
	int rc;

	if (gguf_open(path, &f, err) < 0)
		return -1;
	rc = gguf_to_model(&f, id, m, err) < 0 || gguf_to_size_model(&f, &s, err) < 0 ? -1 : 0;
	gguf_file_release(&f);
	if (rc < 0)
		return -1;
	m->published_count = 1;
	m->published[0] = m->default_quant = s.ftype;
	m->has_default_quant = true;
	size_model_release(&s);
	if (m->context <= 0)
		return error_set(err, "%s: %s.context_length: missing (the entry needs the trained "
				 "context)", path, m->arch);
	if (!m->tasks)
		m->tasks = TASK_CHAT;
	return 0;
}

static int read_model_file(const struct app *app, struct model *m, struct error *err)
{
	const char *path = app->cli.args[0];
	char id[MODEL_ID_MAX];

	if (ends_with(path, ".gguf")) {
		gguf_default_id(path, id, sizeof(id));
		return from_gguf(path, app->cli.id ? app->cli.id : id, m, err);
	}
	if (!ends_with(path, ".json"))
		return error_set(err, "%s: add reads a .gguf file or a config.json", path);
	if (!app->cli.id && config_default_id(path, id, sizeof(id), err) < 0)
		return -1;
	return hf_config_to_model(path, app->cli.id ? app->cli.id : id, m, err);
}

/* models.d/<id>.json, the id's '/', ':' and other odd bytes as '_'. */
static int entry_path(const struct app *app, const char *id, char *out, size_t size,
		      struct error *err)
{
	char name[MODEL_ID_MAX];
	size_t i;

	if (!app->models_dir[0])
		return error_set(err, "add: neither XDG_DATA_HOME nor HOME is set");
	for (i = 0; id[i] && i + 1 < sizeof(name); i++)
		name[i] = strchr("/:\\ \t", id[i]) || id[i] < ' ' ? '_' : id[i];
	name[i] = '\0';
	if (snprintf(out, size, "%s/%s.json", app->models_dir, name) >= (int)size)
		return error_set(err, "%s: path too long", app->models_dir);
	return 0;
}

/* {"schema_version": 1, "models": [entry]}, written whole (atomicfile.h). */
static int write_entry(const char *path, cJSON *entry, struct error *err)
{
	cJSON *doc = cJSON_CreateObject(), *models = cJSON_AddArrayToObject(doc, "models");
	char *text;
	int rc;

	cJSON_AddNumberToObject(doc, "schema_version", 1);
	cJSON_AddItemReferenceToArray(models, entry);
	text = cJSON_Print(doc);
	cJSON_Delete(doc);
	if (!text)
		return error_set(err, "out of memory");
	rc = file_write_atomic(path, text, err);
	free(text);
	return rc;
}

static int report_added(const struct app *app, const struct model *m, const char *path,
			struct error *err)
{
	cJSON *doc, *added;

	if (!app->cli.json) {
		printf("added %s (%s, %lld parameters) to %s\nsee: canirun show %s\n", m->id,
		       m->arch, (long long)m->params, path, m->id);
		return fflush(stdout) == EOF ? error_set(err, "stdout: write failed") : 0;
	}
	doc = json_document(app);
	added = cJSON_AddObjectToObject(doc, "added");
	cJSON_AddStringToObject(added, "model", m->id);
	cJSON_AddStringToObject(added, "path", path);
	return json_print(doc, err);
}

int cmd_add(struct app *app, struct error *err)
{
	struct model *m = calloc(1, sizeof(*m));
	char path[PATH_MAX];
	cJSON *entry = NULL;
	int rc;

	if (!m)
		return error_set(err, "out of memory");
	rc = read_model_file(app, m, err);
	if (rc == 0 && catalog_find(&app->catalog, m->id))
		rc = error_set(err, "add: '%s' is already in the catalogue (give another --id)", m->id);
	if (rc == 0)
		rc = entry_path(app, m->id, path, sizeof(path), err);
	if (rc == 0 && !(entry = catalog_entry_json(m)))
		rc = error_set(err, "out of memory");
	if (rc == 0)
		rc = catalog_entry_check(entry, path, err) < 0 || write_entry(path, entry, err) < 0 ||
		     report_added(app, m, path, err) < 0 ? -1 : 0;
	cJSON_Delete(entry);
	free(m);
	return rc;
}
