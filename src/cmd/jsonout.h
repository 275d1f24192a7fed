/* jsonout.h - the SPEC.md JSON document every --json output is. */
#ifndef CANIRUN_JSONOUT_H
#define CANIRUN_JSONOUT_H

#include <cjson/cJSON.h>

#include "cmd/app.h"

/* A new document with schema_version, canirun_version, hardware, settings
 * and an empty "estimates" array; the caller owns it (cJSON_Delete). */
cJSON *json_document(const struct app *app);

/* Prints doc to stdout and deletes it. 0, or -1 with err on a write error. */
int json_print(cJSON *doc, struct error *err);

#endif
