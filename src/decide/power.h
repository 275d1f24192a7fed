/* power.h - what a machine draws at the wall while it generates, from the
 * published measurements in data/power.json.
 *
 * The fit is made when the table loads: a box with discrete GPUs draws the
 * desktop idle + fraction x the board power (gpus.json tdp_w) of the GPUs
 * it uses, fraction being the median over the discrete rows of
 * (wall - idle) / tdp (board rows: board / tdp); a unified-memory machine
 * (Apple, Strix Halo, GB10) draws the median of its own rows. One figure
 * serves decode and prefill: the wall rows are peaks over llama-bench runs
 * that include prompt processing. CPU-only placements have no published
 * package power to fit from: their draw is unknown unless --watts gives it.
 *
 * struct power_table owns no heap memory. Pure arithmetic besides loading.
 */
#ifndef CANIRUN_POWER_H
#define CANIRUN_POWER_H

#include "estimate/estimate.h"
#include "hw/gputable.h"
#include "hw/hw.h"
#include "util/errors.h"
#include "util/numparse.h"

#define POWER_MAX_DEVICES 32

struct power_device {
	char device[HW_NAME_MAX];   /* a gpus.json name */
	double watts;               /* median of its wall rows */
	int samples;
};

struct power_table {
	double desktop_idle_w;
	double discrete_fraction;   /* of board power, above idle */
	int discrete_samples;
	int unified_count;
	struct power_device unified[POWER_MAX_DEVICES];
};

/* What a machine may draw at the wall: data/power.json's rows and --watts. */
extern const struct value_limit power_watts_limit;

/* Loads path and fits it, looking each row's device up in gpus (by exact
 * name, case-insensitively). -1 with err naming the file, the row and the
 * field. */
int power_table_load(const char *path, const struct gpu_table *gpus,
		     struct power_table *out, struct error *err);

enum watts_source { WATTS_UNKNOWN, WATTS_TABLE, WATTS_OPTION };
const char *watts_source_name(enum watts_source s);   /* "table", "option", "unknown" */

/* The draw assumed for one placement and how it was made. */
struct power_draw {
	double watts;               /* < 0 unknown */
	enum watts_source source;
	double idle_w;              /* desktop idle used; < 0 when not (unified, option) */
	double fraction;            /* < 0 when not used */
	double board_w;             /* board power summed over the GPUs used; < 0 unknown */
	const char *device;         /* the unified machine's row name; NULL otherwise */
	const char *why_unknown;    /* when unknown: the reason, for the text output */
	int nodes_summed;           /* > 1: the draws of a cluster's nodes, summed */
};

/* Whether fit f puts any of the model on GPU g (hw index). */
bool fit_uses_gpu(const struct fit *f, int g);

/* The draw of fit f on hw: watts_option when > 0, else the fit above.
 * gpus gives each used GPU's board power through gpu_info.table_entry. */
void power_for_fit(const struct power_table *pt, const struct gpu_table *gpus,
		   const struct hardware *hw, const struct fit *f, double watts_option,
		   struct power_draw *out);

#endif
