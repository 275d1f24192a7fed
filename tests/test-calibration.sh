#!/bin/sh
# The calibration, checked (tools/calibrate.c on data/calibration/llama-tg.csv
# with the tables in data/):
# - make calibrate reproduces the committed constants: src/estimate/fitted.h
#   is exactly what the fitter writes (after changing the data, the tables or
#   the formulas, run `make calibrate`);
# - the fitter's formulas are the estimator's: with the built-in constants
#   they give the estimator's own speeds, and a fit to those speeds returns
#   the built-in constants (after changing decode or prefill in
#   src/estimate/estimate.c, change tools/calibrate.c to match).
cd "$(dirname "$0")/.." || exit 2
pass=0 fail=0
csv=data/calibration/llama-tg.csv
if [ ! -x build/calibrate ]; then
	echo "calibration: build/calibrate is not built (make build/calibrate)"
	echo "calibration: 0 passed, 1 failed"
	exit 1
fi
if build/calibrate data $csv 2>/dev/null | diff -u src/estimate/fitted.h -; then
	pass=$((pass + 1))
else
	echo "calibration: src/estimate/fitted.h differs from the fit above: run make calibrate"
	fail=$((fail + 1))
fi
if build/calibrate --check-model data $csv; then
	pass=$((pass + 1))
else
	echo "calibration: the fitter's formulas differ from the estimator's (tools/calibrate.c)"
	fail=$((fail + 1))
fi
echo "calibration: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
