/* hw.c - `canirun hw`: the hardware picture, as text or JSON. */
#include <stdio.h>

#include "cmd/app.h"
#include "ui/hwtext.h"
#include "cmd/jsonout.h"

int cmd_hw(struct app *app, struct error *err)
{
	if (app->cli.json)
		return json_print(json_document(app), err);
	hw_print(stdout, &app->hw);
	return fflush(stdout) == EOF ? error_set(err, "stdout: write failed") : 0;
}
