#!/bin/sh
# The model names the bash completion offers are the names canirun
# resolves: catalogue ids, their Hugging Face aliases and the Ollama
# families of latest.json (a family alone means its :latest tag), and
# nothing else from models.json (quant or task names). Every name offered
# must be one `canirun report` accepts.
# Prints "completions: N passed, N failed" like the C suites.
cd "$(dirname "$0")/.." || exit 2
bin=${CANIRUN_BIN:-./canirun}
profile=tests/fixtures/profiles/desktop-3090.json
tmp=$(mktemp -d "${TMPDIR:-/tmp}/canirun-completions.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL completions: $*" >&2; }

names=$tmp/names
CANIRUN_DATA_DIR=data bash -c '. data/completions/canirun.bash && _canirun_models' >"$names"

# ids, aliases and families, one of each checked by hand
for want in qwen2.5:7b Qwen/Qwen2.5-7B-Instruct qwen2.5 gemma3n:e2b google/gemma-3n-E2B-it; do
	if grep -qx "$want" "$names"; then ok; else bad "'$want' not offered"; fi
done
# nothing but names: no quant or task from the entries' other arrays
for unwanted in Q4_K_M chat embedding; do
	if grep -qx "$unwanted" "$names"; then bad "'$unwanted' offered as a model"; else ok; fi
done
# as many as ids + aliases + families in the data files
ids=$(grep -c '^ *"id":' data/models.json)
families=$(grep -c '"family":' data/latest.json)
if [ "$(wc -l <"$names")" -gt $((ids + families)) ]; then ok; else bad "fewer names than ids and families"; fi
# every name resolves (report takes 64 names at most)
split -l 60 "$names" "$tmp/part."
for part in "$tmp"/part.*; do
	# shellcheck disable=SC2046 # one argument per name
	if "$bin" report --hw "$profile" --data-dir data $(cat "$part") >/dev/null 2>"$tmp/err"; then
		ok
	else
		bad "$(head -1 "$tmp/err")"
	fi
done
echo "completions: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
