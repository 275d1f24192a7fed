/* lineup.h - the estimates a command asks for: every catalogue model or the
 * ones named, each at its best file type, at --quant, or at every listed
 * type (show; --all). The list owns its array; release it with lineup_release(). */
#ifndef CANIRUN_LINEUP_H
#define CANIRUN_LINEUP_H

#include <stdbool.h>

#include "model/catalog.h"
#include "estimate/estimate.h"
#include "model/localstore.h"

struct lineup_request {
	const char *const *names;   /* model names (modelref.h); NULL or count 0: all */
	int name_count;
	const char *quant;          /* a file type name, or NULL; a name's own quant wins */
	bool every_quant;           /* each listed type (estimate_listed_ftypes), unless
				     * a quant is given */
	bool beyond_published;      /* --all: the listed types include the default set */
};

struct lineup {
	struct estimate *items;
	int count;
	struct model *models;       /* models read from GGUF files; items point here */
	int model_count;
	char **paths;               /* the files; items' file_path point here */
	int store_dir_count;        /* lineup_from_local: the directories looked in */
	struct local_store_dir store_dirs[LOCAL_STORE_DIRS_MAX];
};

/* Fills out. Returns 0, or -1 with err: an unknown model ("unknown model
 * 'X'; did you mean: a, b, c?"), an unknown --quant, a size model failure. */
int lineup_build(const struct hardware *hw, const struct catalog *cat,
		 const struct estimate_settings *set, const struct lineup_request *req,
		 struct lineup *out, struct error *err);
/* `canirun gguf FILE...`: each file's header read (no tensor data), its
 * architecture and exact per-layer bytes estimated. -1 with err
 * "FILE: offset N: why" for a file that is not a readable GGUF. */
int lineup_from_files(const struct hardware *hw, const struct estimate_settings *set,
		      const char *const *paths, int count, struct lineup *out,
		      struct error *err);

/* `canirun local`: the models found in the local stores (localstore.h),
 * matched to the catalogue by id or alias where possible (for tasks and
 * attention layout), sized from their files. Files that do not parse are
 * warnings in w. */
int lineup_from_local(const struct hardware *hw, const struct catalog *cat,
		      const struct estimate_settings *set, struct lineup *out,
		      struct warnings *w, struct error *err);

void lineup_release(struct lineup *l);

#endif
