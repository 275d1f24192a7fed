#!/bin/sh
# The browser in a real terminal: tmux runs canirun on fixed what-if
# hardware, types a search, opens and closes nothing else, resizes the
# window and quits, checking the screen after each step by polling
# capture-pane until the expected text shows (never fixed sleeps).
# Prints "tmux-smoke: N passed, N failed" like the C suites.
bin=${CANIRUN_BIN:-./canirun}
tests=${CANIRUN_TESTS_DIR:-tests}
sock="canirun-smoke-$$"
pane=smoke
pass=0 fail=0

t() { tmux -L "$sock" "$@"; }

# wait_for TEXT [SECONDS]: polls the pane every 0.1 s.
wait_for() {
	limit=$(( ${2:-10} * 10 )) i=0
	while [ "$i" -lt "$limit" ]; do
		if t capture-pane -p -t "$pane" 2>/dev/null | grep -F -q -- "$1"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "  timed out waiting for: $1" >&2
	t capture-pane -p -t "$pane" >&2 2>/dev/null
	return 1
}

# lacks TEXT: the pane does not show TEXT now.
lacks() {
	if t capture-pane -p -t "$pane" 2>/dev/null | grep -F -q -- "$1"; then
		echo "  the screen shows: $1" >&2
		return 1
	fi
}

step() {
	name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL tmux-smoke.$name" >&2
	fi
}

finish() {
	t kill-server 2>/dev/null
	echo "tmux-smoke: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}

if ! command -v tmux >/dev/null; then
	echo "tmux-smoke: tmux is not installed (make deps)" >&2
	fail=1
	finish
fi
cmd="$bin --gpu 'RTX 3090' --hw '$tests/fixtures/profiles/desktop-3090.json'; echo canirun-exited-\$?; sleep 60"
t -f /dev/null new-session -d -s smoke -x 100 -y 30 \
	"env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 sh -c \"$cmd\""

step start wait_for "q quit  / search"
step table wait_for "GeForce RTX 3090 24.0 GiB/24.0 GiB free"
t send-keys -t smoke / q w e n
step search_typed wait_for "/qwen_"
t send-keys -t smoke Enter
step search_kept wait_for "| search qwen"
step search_rows wait_for "qwen2.5-coder:0.5b"
t resize-window -t smoke -x 60 -y 20
step resized_narrow wait_for "GPU0 GeForce RTX 3090 24.0 GiB/24.0 GiB free, RAM 58.0 GiB/~"
t resize-window -t smoke -x 20 -y 5
step too_small wait_for "terminal too small"
t resize-window -t smoke -x 100 -y 30
step recovered wait_for "| search qwen"
t send-keys -t smoke +
step context_doubled wait_for "context 8192 tokens"
t send-keys -t smoke q
step quit wait_for "canirun-exited-0"

# The browser over a .gguf file: Enter explains the file (not "unknown
# model": the catalogue does not know it), and [ ] keep the file's own
# quantization instead of swapping in the catalogue's size model.
pane=gguf
cmd="$bin --hw '$tests/fixtures/profiles/desktop-3090.json' '$tests/fixtures/gguf-seeds/llama-v3.gguf'; echo canirun-exited-\$?; sleep 60"
t new-session -d -s gguf -x 120 -y 30 \
	"env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 sh -c \"$cmd\""
step gguf_table wait_for "llama-v3      0M  F16"
t send-keys -t gguf Enter
step gguf_detail wait_for "llama-v3 at F16"
step gguf_detail_known lacks "unknown model"
step gguf_context_unknown wait_for "trained context unknown (not in the file)"
t send-keys -t gguf ']'
step gguf_quant_kept wait_for "a .gguf file has one quantization (F16)"
t send-keys -t gguf Escape '['
step gguf_row_kept wait_for "llama-v3      0M  F16    12.7 KiB"
t send-keys -t gguf q
step gguf_quit wait_for "canirun-exited-0"
finish
