/* fitted.h - the estimator's GPU constants, written by `make calibrate`
 * (tools/calibrate.c) from data/calibration/llama-tg.csv, data/gpus.json and
 * data/models.json. Do not edit: tests/test-calibration.sh fails when
 * this file differs from the fit. Read by src/estimate/estimate.c only.
 *
 * FIT_<BACKEND>: { efficiency { float, legacy, kquant } (share of spec
 *   bandwidth), layer overhead s, band (90th percentile leave-one-GPU-out
 *   error), prefill efficiency (share of FP16 tensor peak; 0: no prompt rows
 *   with a known peak, prefill unknown) }. A weight class without rows
 *   takes the mean of the backend's fitted classes.
 */
#ifndef CANIRUN_FITTED_H
#define CANIRUN_FITTED_H

/* cuda: decode rows float 21, legacy 2, kquant 30; prefill rows 53 */
#define FIT_CUDA { { 0.908, 1.228, 0.889 }, 0.0831e-3, 0.09, 0.328 }
/* metal: decode rows float 12, legacy 16, kquant 6; prefill rows 0 (prefill unknown) */
#define FIT_METAL { { 0.905, 0.958, 0.699 }, 0.1873e-3, 0.18, 0.000 }
/* vulkan: decode rows float 0, legacy 4, kquant 3; prefill rows 6 */
#define FIT_VULKAN { { 0.897, 0.877, 0.917 }, 0.0294e-3, 0.53, 0.283 }
/* a hand-over per further GPU in a layer split: 35 rows on 2-8 GPUs */
#define FIT_GPU_HOP_S 0.157e-3

#endif
