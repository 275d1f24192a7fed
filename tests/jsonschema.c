/* jsonschema.c - the subset of JSON Schema that SPEC.schema.json uses; see
 * jsonschema.h for the keywords. Each keyword is one small function over
 * (schema node, instance, path); violations are appended to the report. */
#include "jsonschema.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct ctx {
	const cJSON *root;
	struct schema_report *r;
	int depth;
};

#define MAX_DEPTH 64

static void report(struct ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->r->count < SCHEMA_MAX_REPORTS) {
		char *m = c->r->msg[c->r->count];
		size_t size = sizeof(c->r->msg[0]);

		n = snprintf(m, size, "%s: ", path[0] ? path : "(document)");
		if (n > 0 && (size_t)n < size) {
			va_start(ap, fmt);
			vsnprintf(m + n, size - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	c->r->count++;
}

static const char *type_of(const cJSON *v)
{
	if (cJSON_IsObject(v))
		return "object";
	if (cJSON_IsArray(v))
		return "array";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsBool(v))
		return "boolean";
	return "null";
}

static bool has_type(const cJSON *v, const char *name)
{
	if (strcmp(name, "integer") == 0)
		return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
		       isfinite(v->valuedouble);
	return strcmp(name, type_of(v)) == 0;
}

static void check_type(struct ctx *c, const cJSON *kw, const cJSON *v, const char *path)
{
	const cJSON *t;
	char want[128] = "";

	if (cJSON_IsString(kw)) {
		if (!has_type(v, kw->valuestring))
			report(c, path, "want %s, got %s", kw->valuestring, type_of(v));
		return;
	}
	cJSON_ArrayForEach(t, kw) {
		if (!cJSON_IsString(t)) {
			report(c, path, "schema: a \"type\" array holds type names");
			return;
		}
		if (has_type(v, t->valuestring))
			return;
		size_t len = strlen(want);
		snprintf(want + len, sizeof(want) - len, "%s%s", len ? "|" : "", t->valuestring);
	}
	report(c, path, "want %s, got %s", want, type_of(v));
}

static void value_text(const cJSON *v, char *out, size_t size)
{
	char *text = cJSON_PrintUnformatted(v);

	snprintf(out, size, "%s", text ? text : "?");
	cJSON_free(text);
}

static void check_enum(struct ctx *c, const cJSON *kw, const cJSON *v, const char *path)
{
	const cJSON *allowed;
	char text[96];

	cJSON_ArrayForEach(allowed, kw)
		if (cJSON_Compare(allowed, v, true))
			return;
	value_text(v, text, sizeof(text));
	report(c, path, "%s is not one of the allowed values", text);
}

static void check_const(struct ctx *c, const cJSON *kw, const cJSON *v, const char *path)
{
	char want[96], got[96];

	if (cJSON_Compare(kw, v, true))
		return;
	value_text(kw, want, sizeof(want));
	value_text(v, got, sizeof(got));
	report(c, path, "want %s, got %s", want, got);
}

static void check_bound(struct ctx *c, const cJSON *kw, const cJSON *v, const char *path,
			bool is_min)
{
	if (!cJSON_IsNumber(v))
		return;
	if (is_min ? v->valuedouble < kw->valuedouble : v->valuedouble > kw->valuedouble)
		report(c, path, "%g is %s %s %g", v->valuedouble, is_min ? "below" : "above",
		       is_min ? "the minimum" : "the maximum", kw->valuedouble);
}

static void check_node(struct ctx *c, const cJSON *schema, const cJSON *v, const char *path);

static void child_path(char *out, size_t size, const char *path, const char *key, int index)
{
	if (key)
		snprintf(out, size, "%s%s%s", path, path[0] ? "." : "", key);
	else
		snprintf(out, size, "%s[%d]", path, index);
}

static void check_required(struct ctx *c, const cJSON *kw, const cJSON *v, const char *path)
{
	const cJSON *name;

	if (!cJSON_IsObject(v))
		return;
	cJSON_ArrayForEach(name, kw)
		if (!cJSON_GetObjectItemCaseSensitive(v, name->valuestring))
			report(c, path, "required field \"%s\" is missing", name->valuestring);
}

/* properties and additionalProperties together: a member named in
 * properties is checked against its schema, any other against
 * additionalProperties (false: not allowed). */
static void check_members(struct ctx *c, const cJSON *schema, const cJSON *v, const char *path)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
	const cJSON *extra = cJSON_GetObjectItemCaseSensitive(schema, "additionalProperties");
	const cJSON *member;
	char sub[512];

	if (!cJSON_IsObject(v))
		return;
	cJSON_ArrayForEach(member, v) {
		const cJSON *s = props ? cJSON_GetObjectItemCaseSensitive(props, member->string) : NULL;

		child_path(sub, sizeof(sub), path, member->string, 0);
		if (s)
			check_node(c, s, member, sub);
		else if (cJSON_IsFalse(extra))
			report(c, sub, "field not in the schema (add it to SPEC.schema.json and SPEC.md)");
		else if (cJSON_IsObject(extra))
			check_node(c, extra, member, sub);
	}
}

static void check_items(struct ctx *c, const cJSON *kw, const cJSON *v, const char *path)
{
	const cJSON *item;
	char sub[512];
	int i = 0;

	if (!cJSON_IsArray(v))
		return;
	cJSON_ArrayForEach(item, v) {
		child_path(sub, sizeof(sub), path, NULL, i++);
		check_node(c, kw, item, sub);
	}
}

static void check_ref(struct ctx *c, const cJSON *kw, const cJSON *v, const char *path)
{
	const char *prefix = "#/$defs/";
	const cJSON *target = NULL;

	if (strncmp(kw->valuestring, prefix, strlen(prefix)) == 0)
		target = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(c->root, "$defs"),
			kw->valuestring + strlen(prefix));
	if (!target) {
		report(c, path, "schema: $ref \"%s\" does not name an entry of $defs", kw->valuestring);
		return;
	}
	check_node(c, target, v, path);
}

/* anyOf: valid when one alternative is; otherwise one violation naming
 * how many alternatives failed (their own reports would mislead). */
static void check_any_of(struct ctx *c, const cJSON *kw, const cJSON *v, const char *path)
{
	const cJSON *alt;
	struct schema_report scratch;
	char text[96];

	cJSON_ArrayForEach(alt, kw) {
		struct ctx sub = { c->root, &scratch, c->depth };

		memset(&scratch, 0, sizeof(scratch));
		check_node(&sub, alt, v, path);
		if (scratch.count == 0)
			return;
	}
	value_text(v, text, sizeof(text));
	report(c, path, "%s matches none of the %d alternatives of anyOf", text,
	       cJSON_GetArraySize(kw));
}

static bool is_annotation(const char *key)
{
	static const char *const names[] = {
		"$schema", "$id", "$comment", "title", "description", "$defs",
		"properties", "additionalProperties", /* handled together */
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(key, names[i]) == 0)
			return true;
	return false;
}

/* One keyword with the shape the subset expects; false if malformed. */
static bool keyword_ok(const cJSON *kw)
{
	const char *k = kw->string;

	if (strcmp(k, "type") == 0)
		return cJSON_IsString(kw) || cJSON_IsArray(kw);
	if (strcmp(k, "enum") == 0 || strcmp(k, "required") == 0 || strcmp(k, "anyOf") == 0)
		return cJSON_IsArray(kw);
	if (strcmp(k, "minimum") == 0 || strcmp(k, "maximum") == 0 || strcmp(k, "minItems") == 0)
		return cJSON_IsNumber(kw);
	if (strcmp(k, "items") == 0)
		return cJSON_IsObject(kw);
	if (strcmp(k, "$ref") == 0)
		return cJSON_IsString(kw);
	return strcmp(k, "const") == 0;
}

static void check_keyword(struct ctx *c, const cJSON *kw, const cJSON *v, const char *path)
{
	const char *k = kw->string;

	if (!keyword_ok(kw))
		report(c, path, "schema: keyword \"%s\" is not in the checker's subset "
		       "(tests/jsonschema.h) or has the wrong shape", k);
	else if (strcmp(k, "type") == 0)
		check_type(c, kw, v, path);
	else if (strcmp(k, "enum") == 0)
		check_enum(c, kw, v, path);
	else if (strcmp(k, "const") == 0)
		check_const(c, kw, v, path);
	else if (strcmp(k, "minimum") == 0 || strcmp(k, "maximum") == 0)
		check_bound(c, kw, v, path, k[1] == 'i');
	else if (strcmp(k, "required") == 0)
		check_required(c, kw, v, path);
	else if (strcmp(k, "items") == 0)
		check_items(c, kw, v, path);
	else if (strcmp(k, "minItems") == 0 && cJSON_IsArray(v) &&
		 cJSON_GetArraySize(v) < kw->valueint)
		report(c, path, "%d items, want at least %d", cJSON_GetArraySize(v), kw->valueint);
	else if (strcmp(k, "$ref") == 0)
		check_ref(c, kw, v, path);
	else if (strcmp(k, "anyOf") == 0)
		check_any_of(c, kw, v, path);
}

static void check_node(struct ctx *c, const cJSON *schema, const cJSON *v, const char *path)
{
	const cJSON *kw;

	if (!cJSON_IsObject(schema)) {
		report(c, path, "schema: a schema must be an object");
		return;
	}
	if (++c->depth > MAX_DEPTH) {
		report(c, path, "schema: nesting deeper than %d ($ref loop?)", MAX_DEPTH);
	} else {
		cJSON_ArrayForEach(kw, schema)
			if (!is_annotation(kw->string))
				check_keyword(c, kw, v, path);
		check_members(c, schema, v, path);
	}
	c->depth--;
}

int schema_check(const cJSON *schema, const cJSON *doc, struct schema_report *r)
{
	struct ctx c = { schema, r, 0 };

	memset(r, 0, sizeof(*r));
	check_node(&c, schema, doc, "");
	return r->count;
}
