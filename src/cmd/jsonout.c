#include "cmd/jsonout.h"

#include <stdio.h>
#include <stdlib.h>

#include "hw/hwjson.h"

cJSON *json_document(const struct app *app)
{
	cJSON *doc = cJSON_CreateObject(), *settings;

	cJSON_AddNumberToObject(doc, "schema_version", 1);
	cJSON_AddStringToObject(doc, "canirun_version", CANIRUN_VERSION);
	cJSON_AddItemToObject(doc, "hardware", hw_to_json(&app->hw));
	settings = cJSON_AddObjectToObject(doc, "settings");
	if (app->settings.ctx > 0)
		cJSON_AddNumberToObject(settings, "ctx", app->settings.ctx);
	else
		cJSON_AddStringToObject(settings, "ctx", app->settings.ctx == 0 ? "max" : "runtime");
	cJSON_AddStringToObject(settings, "runtime", runtime_name(app->settings.runtime));
	if (app->settings.flash_attn == FA_RUNTIME)
		cJSON_AddStringToObject(settings, "flash_attn", "runtime");
	else
		cJSON_AddStringToObject(settings, "flash_attn", app->settings.flash_attn == FA_ON ? "on" : "off");
	cJSON_AddStringToObject(settings, "kv_type", kv_type_name(app->settings.kv));
	if (app->settings.threads > 0)
		cJSON_AddNumberToObject(settings, "threads", app->settings.threads);
	else
		cJSON_AddNullToObject(settings, "threads");
	cJSON_AddNumberToObject(settings, "prompt_tokens", app->settings.prompt_tokens);
	cJSON_AddArrayToObject(doc, "estimates");
	return doc;
}

int json_print(cJSON *doc, struct error *err)
{
	char *text = cJSON_Print(doc);
	int rc = 0;

	if (!text || puts(text) == EOF || fflush(stdout) == EOF)
		rc = error_set(err, "stdout: write failed");
	free(text);
	cJSON_Delete(doc);
	return rc;
}
