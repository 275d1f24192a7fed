#!/bin/sh
# make calibrate reproduces the committed constants: src/estimate/fitted.h is
# exactly what tools/calibrate.c fits to data/calibration/llama-tg.csv with
# the tables in data/. After changing any of them, run `make calibrate`.
cd "$(dirname "$0")/.." || exit 2
pass=0 fail=0
if [ ! -x build/calibrate ]; then
	echo "calibration: build/calibrate is not built (make build/calibrate)"
	fail=1
elif build/calibrate data data/calibration/llama-tg.csv 2>/dev/null | diff -u src/estimate/fitted.h -; then
	pass=1
else
	echo "calibration: src/estimate/fitted.h differs from the fit above: run make calibrate"
	fail=1
fi
echo "calibration: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
