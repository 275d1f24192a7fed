#!/bin/sh
# canirun calibrate on committed llama-bench outputs (csv, json, markdown;
# real runs of this repository's build VM, tests/fixtures/llama-bench) and an
# Ollama --verbose transcript: the runs are read, compared with canirun's
# estimate for the same file and settings, kept as calibrations in the
# document's hardware (a profile), and a later estimate of the same run from
# that profile says "calibrated" and lands within 5% of what was measured.
# Prints "calibrate: N passed, N failed" like the C suites.
bin=${CANIRUN_BIN:-./canirun}
fx=tests/fixtures lb=tests/fixtures/llama-bench
seed=$fx/gguf-seeds/llama-v3.gguf prof=$fx/profiles/cpu-16core.json
tmp=${TMPDIR:-/tmp}/canirun-calibrate.$$
pass=0 fail=0
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL calibrate: $*" >&2; }

# field FILE EXPR: a value from a JSON document (python3 reads it)
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# within5 GOT WANT
within5() { python3 -c "import sys; g,w=float(sys.argv[1]),float(sys.argv[2]); sys.exit(0 if abs(g-w)<=0.05*w else 1)" "$1" "$2"; }

# check_format NAME FILE PP_TOK_S TG_TOK_S: pp64 and tg16 on 2 threads
check_format() {
	name=$1 file=$2 pp=$3 tg=$4
	if "$bin" calibrate --hw "$prof" --json "$file" "$seed" >"$tmp/$name.json" 2>"$tmp/err"; then
		ok
	else
		bad "$name: exit status $? ($(cat "$tmp/err"))"
		return
	fi
	[ "$(field "$tmp/$name.json" 'len(d["hardware"]["calibration"])')" = 1 ] && ok ||
		bad "$name: want one calibration entry"
	[ "$(field "$tmp/$name.json" 'd["hardware"]["calibration"][0]["threads"]')" = 2 ] && ok ||
		bad "$name: want the runs' 2 threads"
	# the seed file is F16: the Q8_0 class, as floats are as memory-bound
	[ "$(field "$tmp/$name.json" 'd["hardware"]["calibration"][0]["weight"]')" = Q8_0 ] && ok ||
		bad "$name: want weight Q8_0"
	# the same runs estimated from that profile: pp64 in a 64-token context
	"$bin" gguf "$seed" --hw "$tmp/$name.json" --threads 2 --ctx 64 --prompt 64 --json >"$tmp/pp.json"
	got=$(field "$tmp/pp.json" 'd["estimates"][0]["prefill_tok_s"]')
	within5 "$got" "$pp" && ok || bad "$name: prefill $got, measured $pp"
	[ "$(field "$tmp/pp.json" 'd["estimates"][0]["source"]')" = calibrated ] && ok ||
		bad "$name: want source calibrated"
	[ "$(field "$tmp/pp.json" 'd["estimates"][0]["calibration_runs"]')" = 1 ] && ok ||
		bad "$name: want 1 calibration run"
	# tg16: a 16-token context, reading on average 9 tokens of it
	"$bin" gguf "$seed" --hw "$tmp/$name.json" --threads 2 --ctx 16 --prompt 9 --json >"$tmp/tg.json"
	got=$(field "$tmp/tg.json" 'd["estimates"][0]["decode_tok_s"]')
	within5 "$got" "$tg" && ok || bad "$name: decode $got, measured $tg"
	# other threads: not calibrated
	"$bin" gguf "$seed" --hw "$tmp/$name.json" --threads 4 --json >"$tmp/t4.json"
	[ "$(field "$tmp/t4.json" 'd["estimates"][0]["source"]')" = estimated ] && ok ||
		bad "$name: 4 threads should stay estimated"
}

check_format csv $lb/qwen05-q4_0-cpu.csv 2.492213 0.332807
check_format json $lb/qwen05-q4_0-cpu.json 1.389872 0.126876
check_format markdown $lb/qwen05-q4_0-cpu.md 5.32 0.15

# Ollama's transcript: a 26-token prompt at 178.62 tok/s, 120 tokens at 27.62
if "$bin" calibrate --hw "$prof" --json $lb/ollama-verbose.txt "$seed" >"$tmp/ollama.json" 2>"$tmp/err"; then
	ok
	[ "$(field "$tmp/ollama.json" 'd["hardware"]["calibration"][0]["prefill_runs"]')" = 1 ] && ok ||
		bad "ollama: want one prefill run"
	"$bin" gguf "$seed" --hw "$tmp/ollama.json" --ctx 26 --prompt 26 --json >"$tmp/o.json"
	got=$(field "$tmp/o.json" 'd["estimates"][0]["prefill_tok_s"]')
	within5 "$got" 178.62 && ok || bad "ollama: prefill $got, measured 178.62"
else
	bad "ollama: exit status $? ($(cat "$tmp/err"))"
fi

# the text report names each run and its factor
"$bin" calibrate --hw "$prof" $lb/qwen05-q4_0-cpu.md "$seed" >"$tmp/text" 2>&1
grep -q "pp64 .*CPU Q8_0  2t  measured     5.32 tok/s" "$tmp/text" && ok || bad "text: $(head -3 "$tmp/text")"

# errors: a file without timings, a run naming no readable model, no FILE
printf 'hello\n' >"$tmp/none.txt"
"$bin" calibrate --hw "$prof" "$tmp/none.txt" "$seed" 2>"$tmp/err" >/dev/null
[ $? = 1 ] && grep -q "none.txt: " "$tmp/err" && ok || bad "no timings: $(cat "$tmp/err")"
"$bin" calibrate --hw "$prof" $lb/qwen05-q4_0-cpu.md 2>"$tmp/err" >/dev/null
[ $? = 1 ] && grep -q "names no readable GGUF" "$tmp/err" && ok || bad "no model: $(cat "$tmp/err")"
"$bin" calibrate 2>"$tmp/err" >/dev/null
[ $? = 2 ] && ok || bad "no FILE should be a usage error"

echo "calibrate: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
