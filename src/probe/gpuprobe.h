/* gpuprobe.h - the GPU part of the probe: probe_gpus(), declared in probe.h.
 *
 * Which devices: PCI class 0x03xx (display) and 0x12xx (processing
 * accelerators, e.g. H100 SXM 0x0302, some accelerators 0x1200), minus the
 * display adapters that cannot run a model (BMC, emulated and hypervisor
 * consoles): a machine with only those has no GPU. Sorted by bus address,
 * index 0..n-1.
 *
 * Where each fact comes from, first that knows it:
 *   name      NVML ("NVIDIA " prefix dropped) > GPU table (matched by PCI
 *             id) > the bracketed part of the pci.ids device name
 *   PCIe link config space (PCI Express capability) > sysfs link files >
 *             NVML
 *   memory    unified GPUs: the budget rule in gpuvram.h; NVIDIA: NVML;
 *             amdgpu / xe / i915: sysfs (gpuvram.h); else the GPU table
 *   bandwidth NVML (bus width x memory clock) > GPU table
 *   fp16      GPU table
 * Integrated (shares system RAM): the table entry says unified_memory; or,
 * without an entry, an Intel GPU in the integrated-graphics slot 00:02.0,
 * or an amdgpu device whose VRAM is a carve-out of at most 1 GiB next to a
 * larger GTT.
 *
 * probe_gpus() needs hw->ram filled first (probe_ram) for unified budgets.
 * It returns -1 only when a PCI dump cannot be read at all.
 */
#ifndef CANIRUN_GPUPROBE_H
#define CANIRUN_GPUPROBE_H

#include "probe/probe.h"

#endif
