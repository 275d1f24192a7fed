/* probe.h - build a struct hardware from the machine we run on, in process.
 *
 * Every /proc and /sys read goes below opts->sysroot ("" or NULL = /), so the
 * tests can describe any machine with a fake tree. Facts the machine does not
 * report stay unknown; broken inputs add a warning to hw->warnings. Failing
 * outright (-1) is kept for what leaves nothing to estimate.
 */
#ifndef CANIRUN_PROBE_H
#define CANIRUN_PROBE_H

#include "util/errors.h"
#include "hw/gputable.h"
#include "hw/hw.h"

struct probe_options {
	const char *sysroot;      /* NULL or "" = the real / */
	const char *pci_dump;     /* an `lspci -xxxx` dump to read instead of the bus */
	const char *nvml_path;    /* NULL = "libnvidia-ml.so.1" */
	const char *models_dir;   /* NULL = Ollama's models dir if present, else $HOME */
	const struct gpu_table *gpu_table; /* may be NULL: no table fallback */
};

/* Fills hw (initialised here) from the machine. Returns 0, or -1 with err. */
int probe_hardware(const struct probe_options *opts, struct hardware *hw,
		   struct error *err);

/* The parts, each filling its own group of hw and adding warnings; exposed
 * for tests. They return 0, or -1 only for failures that must stop us. */
int probe_ram(const char *sysroot, struct hardware *hw);
int probe_cpu(const char *sysroot, struct hardware *hw);
int probe_disk(const char *sysroot, const char *models_dir, struct hardware *hw);
int probe_gpus(const struct probe_options *opts, struct hardware *hw,
	       struct error *err);

#endif
