#!/bin/sh
# Faults canirun must survive with a clear warning or error and the rest of
# the answer, never a crash, a hang or a torn file: kill -9 during a bench,
# a cache directory that cannot be written, no HOME or XDG variables, model
# stores with symlink loops, a GGUF that is a pipe or cut short.
# Prints "faults: N passed, N failed" like the C suites.
bin=${CANIRUN_BIN:-./canirun}
profile=tests/fixtures/profiles/desktop-3090.json
pass=0 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL faults: $*" >&2; }
# expect RC OUTFILE TEXT WHAT: the exit status and a text in the output.
expect() {
	[ "$1" = "$rc" ] && grep -q -- "$3" "$2" && ok || { bad "$4 (rc $rc, want $1; '$3' in:)"; cat "$2" >&2; }
}

# A cache that is complete JSON with its format field, or absent.
cache_whole() {
	[ ! -e "$1" ] && return 0
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if "format" in d else 1)' "$1" 2>/dev/null
}

# kill -9 at several points of a bench: the cache is the previous one or a
# new whole one, never torn (bench_cache_save writes a temporary file and
# renames it over the old one).
XDG_CACHE_HOME=$tmp/cache "$bin" bench >/dev/null 2>&1
cache=$tmp/cache/canirun/bench.json
cache_whole "$cache" && [ -s "$cache" ] && ok || bad "a bench run leaves a whole cache"
for delay in 0.3 0.8 1.3; do
	XDG_CACHE_HOME=$tmp/cache "$bin" bench >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	cache_whole "$cache" && [ -s "$cache" ] && ok || bad "kill -9 after ${delay}s tore the cache"
done

# A cache directory that cannot be made (its parent is a file): the bench
# result serves, a warning names the path, nothing claims it was stored.
: >"$tmp/afile"
XDG_CACHE_HOME=$tmp/afile "$bin" bench >"$tmp/out" 2>&1; rc=$?
expect 0 "$tmp/out" "warning: $tmp/afile/canirun: cannot create" "unwritable cache: warning"
expect 0 "$tmp/out" "Not stored" "unwritable cache: not claimed as stored"

# No HOME and no XDG variables: estimates still come, the bench says it
# cannot keep its result.
env -u HOME -u XDG_CACHE_HOME -u XDG_DATA_HOME "$bin" report --hw "$profile" llama3.1:8b >"$tmp/out" 2>&1; rc=$?
expect 0 "$tmp/out" "llama3.1:8b" "no HOME: report"
env -u HOME -u XDG_CACHE_HOME -u XDG_DATA_HOME "$bin" bench >"$tmp/out" 2>&1; rc=$?
expect 0 "$tmp/out" "no cache directory" "no HOME: bench warns"

# Model stores with symlink loops (a directory linking to its parent, a
# link to itself): `local` ends, within its time, with an answer.
home=$tmp/home
mkdir -p "$home/.ollama/models/manifests/registry.ollama.ai/library" "$home/.cache/huggingface/hub/x"
ln -s .. "$home/.ollama/models/manifests/registry.ollama.ai/library/loop"
ln -s ../x "$home/.cache/huggingface/hub/x/again"
ln -s self "$home/.cache/huggingface/hub/self"
HOME=$home timeout 30 "$bin" local --hw "$profile" >"$tmp/out" 2>&1; rc=$?
expect 0 "$tmp/out" "MODEL\|no model\|found" "symlink loops in the stores"

# A GGUF that is a pipe, and one cut short: an error naming the file.
mkfifo "$tmp/pipe.gguf"
# the writer and its release are bounded: opening a pipe blocks until the
# other end opens, and a process left blocked would outlive the suite
(timeout 30 sh -c 'head -c 300 tests/fixtures/gguf-seeds/llama-v3.gguf >"$1"' sh "$tmp/pipe.gguf" &)
timeout 20 "$bin" gguf --hw "$profile" "$tmp/pipe.gguf" >"$tmp/out" 2>&1; rc=$?
expect 1 "$tmp/out" "$tmp/pipe.gguf: not a regular file" "a pipe as GGUF"
timeout 5 cat "$tmp/pipe.gguf" >/dev/null 2>&1 &   # release the writer if it still waits
# With no writer at all, opening a pipe must not block.
mkfifo "$tmp/lonely.gguf"
timeout 20 "$bin" gguf --hw "$profile" "$tmp/lonely.gguf" >"$tmp/out" 2>&1; rc=$?
expect 1 "$tmp/out" "$tmp/lonely.gguf: not a regular file" "a pipe with no writer as GGUF"
head -c 200 tests/fixtures/gguf-seeds/llama-v3.gguf >"$tmp/cut.gguf"
timeout 20 "$bin" gguf --hw "$profile" "$tmp/cut.gguf" >"$tmp/out" 2>&1; rc=$?
expect 1 "$tmp/out" "$tmp/cut.gguf" "a GGUF cut short"

echo "faults: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
