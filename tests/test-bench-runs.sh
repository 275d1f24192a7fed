#!/bin/sh
# `canirun bench` end to end on a cache of its own: a first measurement is
# four runs, a later call one, --runs N is N; the kept rates are each the
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

# check OUT.json ERR MADE KEPT: runs_made and runs_kept, the cache holding
# KEPT runs, kept rates the medians of the cache's runs and this_run the
# medians of its last MADE runs (to 1e-9 of the value: JSON keeps 15
# digits). A busy machine may move a figure by over 25% and have it
# confirmed, which starts the list over (ERR says it measured again): then
# the cache need only hold runs_kept runs, at most KEPT, and this_run's
# runs need not all be in it.
check() {
	again=0
	grep -q "measuring again" "$2" && again=1
	python3 - "$1" "$cache" "$3" "$4" "$again" <<'EOF'
import json, statistics, sys
out, cache, made, kept, again = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
bench = json.load(open(out))["bench"]
runs = json.load(open(cache))["runs"]
problems = []
if again and 1 <= len(runs) <= kept:
    kept = len(runs)
if bench["runs_made"] != made or bench["runs_kept"] != kept or len(runs) != kept:
    problems.append("runs_made %s, runs_kept %s, %d in the cache; want %d, %d"
                    % (bench["runs_made"], bench["runs_kept"], len(runs), made, kept))
for name in ("q4_0_gbps", "mem_read_core_gbps", "prefill_q8_0_gflops"):
    checks = [("kept", bench[name], runs)]
    if not again:
        checks.append(("this_run", bench["this_run"][name], runs[-made:]))
    for label, got, rows in checks:
        want = statistics.median(r[name] for r in rows)
        if abs(got - want) > 1e-9 * want:
            problems.append("%s %s %r, the median of the runs is %r" % (label, name, got, want))
print("; ".join(problems))
sys.exit(1 if problems else 0)
EOF
}

"$bin" bench --json >"$tmp/1.json" 2>"$tmp/err" && check "$tmp/1.json" "$tmp/err" 4 4 && ok ||
	{ bad "a first bench: four runs kept"; cat "$tmp/err" >&2; }
"$bin" bench --json >"$tmp/2.json" 2>"$tmp/err" && check "$tmp/2.json" "$tmp/err" 1 5 && ok ||
	{ bad "a second bench: one run more"; cat "$tmp/err" >&2; }
"$bin" bench --json --runs 2 >"$tmp/3.json" 2>"$tmp/err" && check "$tmp/3.json" "$tmp/err" 2 7 && ok ||
	{ bad "--runs 2: two runs more"; cat "$tmp/err" >&2; }
"$bin" bench --runs 11 >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q -- "--runs: '11': give a number of runs from 1 to 10" "$tmp/out" && ok ||
	{ bad "--runs 11: exit 2 with the range (rc $rc)"; cat "$tmp/out" >&2; }
"$bin" hw --runs 2 >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q -- "--runs: only for 'canirun bench'" "$tmp/out" && ok ||
	{ bad "hw --runs: exit 2 (rc $rc)"; cat "$tmp/out" >&2; }
echo "bench-runs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
