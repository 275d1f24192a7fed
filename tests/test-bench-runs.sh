#!/bin/sh
# `canirun bench` end to end on a cache of its own: a first measurement is
# eight runs, a later call one, --runs N is N; the kept rates are each the
# median of the cache's runs and this_run the median of the call's own,
# both recomputed here from the cache file. Real (short) bench runs: the
# figures are this machine's, only their bookkeeping is checked.
# Prints "bench-runs: N passed, N failed" like the C suites.
bin=${CANIRUN_BIN:-./canirun}
pass=0 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache"
cache=$XDG_CACHE_HOME/canirun/bench.json

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL bench-runs: $*" >&2; }

# runs_in_cache: how many runs the cache holds (0 without one).
runs_in_cache() {
	python3 -c 'import json, sys
try: print(len(json.load(open(sys.argv[1]))["runs"]))
except OSError: print(0)' "$cache"
}

# The checks of one call: OUT.json CACHE MADE KEPT (see below).
cat >"$tmp/check.py" <<'EOF'
import json, statistics, sys
out, cache, made, kept = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
bench = json.load(open(out))["bench"]
runs = json.load(open(cache))["runs"]
problems = []
if bench["runs_made"] != made or bench["runs_kept"] != kept or len(runs) != kept:
    problems.append("runs_made %s, runs_kept %s, %d in the cache; want %d, %d"
                    % (bench["runs_made"], bench["runs_kept"], len(runs), made, kept))
for name in ("q4_0_gbps", "mem_read_core_gbps", "prefill_q8_0_gflops", "prefill_core_gflops"):
    for label, got, rows in (("kept", bench[name], runs), ("this_run", bench["this_run"][name], runs[-made:])):
        want = statistics.median(r[name] for r in rows)
        if abs(got - want) > 1e-9 * want:
            problems.append("%s %s %r, the median of the runs is %r" % (label, name, got, want))
if problems:
    print("; ".join(problems))
sys.exit(1 if problems else 0)
EOF

# bench_and_check MADE WHAT [OPTIONS]: a bench call (--json) that must make
# MADE runs and add them to the cache's (20 at most), its kept rates the
# medians of the cache's runs and this_run the medians of its last MADE
# (to 1e-9 of the value: JSON keeps 15 digits). A first run measured
# again (a busy machine moved a figure by over 25%) joins all the same.
bench_and_check() {
	made=$1 what=$2
	shift 2
	kept=$(($(runs_in_cache) + made))
	[ "$kept" -gt 20 ] && kept=20
	if "$bin" bench --json "$@" >"$tmp/out.json" 2>"$tmp/err" &&
		python3 "$tmp/check.py" "$tmp/out.json" "$cache" "$made" "$kept"; then
		ok
	else
		bad "$what"
		cat "$tmp/err" >&2
	fi
}

bench_and_check 8 "a first bench: eight runs"
bench_and_check 1 "a second bench: one run more"
bench_and_check 2 "--runs 2: two runs more" --runs 2
"$bin" bench --runs 21 >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q -- "--runs: '21': give a number of runs from 1 to 20" "$tmp/out" && ok ||
	{ bad "--runs 21: exit 2 with the range (rc $rc)"; cat "$tmp/out" >&2; }
"$bin" hw --runs 2 >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q -- "--runs: only for 'canirun bench'" "$tmp/out" && ok ||
	{ bad "hw --runs: exit 2 (rc $rc)"; cat "$tmp/out" >&2; }
echo "bench-runs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
