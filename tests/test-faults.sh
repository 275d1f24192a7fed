#!/bin/sh
# Faults canirun must survive with a clear warning or error and the rest of
# the answer, never a crash, a hang or a torn file: kill -9 during a bench,
# a cache directory that cannot be made, is read-only or is full, no HOME
# or XDG variables, model stores with symlink loops or that cannot be
# listed, a GGUF that is a pipe, cut short, or truncated while it is read.
# Root bypasses permissions, so the faults are made in ways that hold for
# root too (mount namespaces, paths through files, an LD_PRELOAD shim).
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
XDG_CACHE_HOME=$tmp/cache "$bin" bench --runs 1 >/dev/null 2>&1
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
XDG_CACHE_HOME=$tmp/afile "$bin" bench --runs 1 >"$tmp/out" 2>&1; rc=$?
expect 0 "$tmp/out" "warning: $tmp/afile/canirun: cannot create" "unwritable cache: warning"
expect 0 "$tmp/out" "Not stored" "unwritable cache: not claimed as stored"

# A read-only and a full cache directory, made as root can meet them: a
# private mount namespace (unshare -m) with a read-only tmpfs, and one of
# 4 KiB already full. The bench result serves, a warning names the file,
# nothing claims it was stored. Without mount namespaces: skipped, said.
if unshare -m true 2>/dev/null; then
	mkdir -p "$tmp/ro" "$tmp/full"
	unshare -m sh -c 'mount -t tmpfs -o size=64k,mode=755 tmpfs "$1" && mkdir "$1/canirun" &&
		mount -o remount,ro "$1" && XDG_CACHE_HOME="$1" "$2" bench --runs 1' sh "$tmp/ro" "$bin" \
		>"$tmp/out" 2>&1; rc=$?
	expect 0 "$tmp/out" "warning: $tmp/ro/canirun/bench.json.*Read-only file system" \
		"read-only cache: warning"
	expect 0 "$tmp/out" "Not stored" "read-only cache: not claimed as stored"
	unshare -m sh -c 'mount -t tmpfs -o size=4k tmpfs "$1" && mkdir "$1/canirun" &&
		{ head -c 65536 /dev/zero >"$1/filler" 2>/dev/null; XDG_CACHE_HOME="$1" "$2" bench --runs 1; }' \
		sh "$tmp/full" "$bin" >"$tmp/out" 2>&1; rc=$?
	expect 0 "$tmp/out" "warning: $tmp/full/canirun/bench.json.*No space left on device" \
		"full cache: warning"
	expect 0 "$tmp/out" "Not stored" "full cache: not claimed as stored"
else
	echo "faults: no mount namespaces here (unshare -m): read-only and full cache skipped" >&2
fi

# No HOME and no XDG variables: estimates still come, the bench says it
# cannot keep its result.
env -u HOME -u XDG_CACHE_HOME -u XDG_DATA_HOME "$bin" report --hw "$profile" llama3.1:8b >"$tmp/out" 2>&1; rc=$?
expect 0 "$tmp/out" "llama3.1:8b" "no HOME: report"
env -u HOME -u XDG_CACHE_HOME -u XDG_DATA_HOME "$bin" bench --runs 1 >"$tmp/out" 2>&1; rc=$?
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

# Stores that cannot be listed (root reads any directory, so: a store path
# that is a file, a store that is a symlink to itself): a warning names
# each, the answer comes.
home=$tmp/home2
mkdir -p "$home/.ollama/models"
: >"$home/.ollama/models/manifests"
ln -s loop "$tmp/loop"
HOME=$home HF_HUB_CACHE=$tmp/loop timeout 30 "$bin" local --hw "$profile" >"$tmp/out" 2>&1; rc=$?
expect 0 "$tmp/out" "$home/.ollama/models/manifests: cannot list: Not a directory" \
	"a store that is a file: warning"
expect 0 "$tmp/out" "$tmp/loop: cannot list: Too many levels of symbolic links" \
	"a store that loops: warning"

# A GGUF that is a pipe, and one cut short: an error naming the file.
# The writer (blocked in open until a reader comes, or dead of SIGPIPE) is
# killed by its pid afterwards: no process outlives the suite (an orphan
# would also keep the landing lock's fd open).
mkfifo "$tmp/pipe.gguf"
head -c 300 tests/fixtures/gguf-seeds/llama-v3.gguf >"$tmp/pipe.gguf" 2>/dev/null &
writer=$!
timeout 20 "$bin" gguf --hw "$profile" "$tmp/pipe.gguf" >"$tmp/out" 2>&1; rc=$?
expect 1 "$tmp/out" "$tmp/pipe.gguf: not a regular file" "a pipe as GGUF"
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
kill -0 "$writer" 2>/dev/null && bad "the pipe's writer outlived its test" || ok
# With no writer at all, opening a pipe must not block.
mkfifo "$tmp/lonely.gguf"
timeout 20 "$bin" gguf --hw "$profile" "$tmp/lonely.gguf" >"$tmp/out" 2>&1; rc=$?
expect 1 "$tmp/out" "$tmp/lonely.gguf: not a regular file" "a pipe with no writer as GGUF"
head -c 200 tests/fixtures/gguf-seeds/llama-v3.gguf >"$tmp/cut.gguf"
timeout 20 "$bin" gguf --hw "$profile" "$tmp/cut.gguf" >"$tmp/out" 2>&1; rc=$?
expect 1 "$tmp/out" "$tmp/cut.gguf" "a GGUF cut short"

# A GGUF truncated while it is read (tests/fault_shrink.c, LD_PRELOAD: the
# file drops to 512 bytes after the first read): an error naming the file
# and the offset, no crash. Under ASan the shim comes before its runtime.
shim=${CANIRUN_FAULT_SHIM:-build/fault-shim/shrink.so}
case $shim in /*) ;; *) shim=$PWD/$shim ;; esac
if [ -f "$shim" ]; then
	cp tests/fixtures/gguf-seeds/llama-v3.gguf "$tmp/shrinks.gguf"
	CANIRUN_SHRINK_PATH=$tmp/shrinks.gguf LD_PRELOAD=$shim \
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		timeout 20 "$bin" gguf --hw "$profile" "$tmp/shrinks.gguf" >"$tmp/out" 2>&1; rc=$?
	expect 1 "$tmp/out" "$tmp/shrinks.gguf: offset 512: read failed: file shrank" \
		"a GGUF truncated while read"
	# The same file in a store: listed with its error beside the others.
	mkdir -p "$tmp/store"
	cp tests/fixtures/gguf-seeds/llama-v3.gguf "$tmp/store/shrinks.gguf"
	cp tests/fixtures/gguf-seeds/llama-v2.gguf "$tmp/store/whole.gguf"
	CANIRUN_SHRINK_PATH=$tmp/store/shrinks.gguf LD_PRELOAD=$shim \
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		HOME=$tmp/empty LLAMA_CACHE=$tmp/store timeout 30 "$bin" local --hw "$profile" \
		>"$tmp/out" 2>&1; rc=$?
	expect 0 "$tmp/out" "whole" "a store with a GGUF truncated while read: the others listed"
	expect 0 "$tmp/out" "file shrank" "a store with a GGUF truncated while read: its error"
else
	bad "no $shim (make builds it with the suites)"
fi

# No HOME and no XDG variables: the commands that keep files say where
# they cannot, the others answer.
env -u HOME -u XDG_CACHE_HOME -u XDG_DATA_HOME "$bin" local --hw "$profile" >"$tmp/out" 2>&1; rc=$?
expect 0 "$tmp/out" "No downloaded models found" "no HOME: local answers"
env -u HOME -u XDG_CACHE_HOME -u XDG_DATA_HOME "$bin" add tests/fixtures/hf-config/Qwen3-8B/config.json \
	--id nohome >"$tmp/out" 2>&1; rc=$?
expect 1 "$tmp/out" "HOME\|XDG_DATA_HOME" "no HOME: add says where it cannot keep the model"

echo "faults: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
