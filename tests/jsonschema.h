/* jsonschema.h - a JSON Schema (draft 2020-12) subset checker for the tests.
 *
 * It validates canirun's --json documents against SPEC.schema.json. The
 * subset is what that schema uses, and nothing is silently ignored: a
 * keyword outside it is reported as an error in the schema, so a schema
 * author never believes a rule is enforced when it is not.
 *
 * Assertions: type (a name or an array of names; "integer" is a number with
 * no fraction), enum, const, minimum, maximum, required, properties,
 * additionalProperties (false or a schema), items, minItems, anyOf, $ref
 * (only "#/$defs/NAME"). Annotations, accepted and not checked: $schema, $id,
 * $comment, title, description, $defs.
 *
 * The checker borrows both trees; it allocates nothing.
 */
#ifndef CANIRUN_JSONSCHEMA_H
#define CANIRUN_JSONSCHEMA_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Up to this many violations are described; the count goes on. */
#define SCHEMA_MAX_REPORTS 8

struct schema_report {
	int count;                      /* violations found (all of them) */
	char msg[SCHEMA_MAX_REPORTS][256]; /* "estimates[2].memory.kv_bytes: ..." */
};

/* Checks doc against schema (root is the document holding $defs). Returns
 * the number of violations (0 = valid) and describes the first ones in r. */
int schema_check(const cJSON *schema, const cJSON *doc, struct schema_report *r);

#endif
