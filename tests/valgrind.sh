#!/bin/sh
# Runs the CLI paths under valgrind (memcheck, leaks included) on fixture
# hardware and prints "N passed, N failed". Usage: tests/valgrind.sh BIN
bin=${1:-./canirun}
export CANIRUN_DATA_DIR=data XDG_CACHE_HOME="${TMPDIR:-/tmp}/canirun-vg.$$" HOME="${TMPDIR:-/tmp}/canirun-vg.$$" XDG_DATA_HOME="${TMPDIR:-/tmp}/canirun-vg.$$/share"
export CANIRUN_NVML_LIB=build/fake-nvml/libnvidia-ml.so.1
export CANIRUN_FAKE_NVML_CONFIG=tests/fixtures/dual-3090/nvml.conf
mkdir -p "$HOME"
trap 'rm -rf "$HOME"' EXIT
pass=0 fail=0
if ! command -v valgrind >/dev/null; then
	echo "valgrind: not installed; skipped"
	echo "valgrind: 0 passed, 0 failed"
	exit 0
fi
# The commands that estimate on this machine would each run the quick bench
# under valgrind (a minute or more apiece); one native run fills the cache.
"$bin" bench --runs 1 >/dev/null 2>&1
# check EXPECTED_STATUS ARGS...: valgrind must report no error and no leak.
check() {
	want=$1; shift
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		"$bin" "$@" >/dev/null 2>"$HOME/vg.err"
	got=$?
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL (status $got, want $want): canirun $*"
		sed 's/^/  /' "$HOME/vg.err" | head -20
	fi
}
fx=tests/fixtures
check 0 hw --json --sysroot $fx/dual-3090/sysroot --pci-dump $fx/dual-3090/pci.dump
check 0 hw --sysroot $fx/strix-halo/sysroot --pci-dump $fx/strix-halo/pci.dump
check 0 hw --gpu "2x RTX 3090" --ram 64G --sysroot $fx/vm-nogpu/sysroot
check 1 hw --pci-dump $fx/broken/garbage.dump --sysroot $fx/vm-nogpu/sysroot
check 1 hw --gpu "RTX 9999"
check 2 hw --ctx lots
p=$fx/profiles/desktop-3090.json
check 0 report --hw $p llama3.1:8b qwen3:30b gemma3:27b
check 0 report --json --all --hw $fx/profiles/cpu-16core.json --task code
check 0 show llama3.1:70b --hw $p
check 0 show deepseek-r1:671b --json --hw $p --gpu "8x H100 SXM"
check 0 gguf $fx/gguf-seeds/llama-v3.gguf --hw $p
check 1 gguf $fx/gguf-broken/bad-magic.gguf --hw $p  # --hw: no CPU bench under valgrind
check 0 plan --hw $p --users 10
check 0 plan --json --hw $fx/profiles/cpu-16core.json --ram 1G --task code,embedding
check 2 plan --task poetry
check 1 show nosuchmodel:7b --hw $p
check 0 show llama3.1:70b --node $p --node $fx/profiles/rpc-node-3090.json --node $fx/profiles/rpc-node-cpu.json
check 0 report --json --node $p --node $fx/profiles/rpc-node-4070.json --link 10GbE llama3.1:8b qwen3:30b
check 0 report --node $p --node $fx/profiles/rpc-node-3090.json llama3.1:8b qwen2.5:32b
check 1 show llama3.1:8b --node $p --node $fx/profiles/missing.json
check 0 report --hw $p qwen2.5 llama3.1:8b-instruct-q8_0 hf.co/bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M
check 0 hw --gpu "M1 Max 64GB"
check 1 hw --gpu "RTX 4090 48GB"
check 0 local --hw $p
check 0 add $fx/hf-config/Qwen3-8B/config.json --id vg-qwen3
check 0 show vg-qwen3 --hw $p
check 1 add $fx/hf-config/Qwen3-8B/config.json --id vg-qwen3
check 1 add $fx/gguf-seeds/llama-v3.gguf
# Fault paths (tests/test-faults.sh has the rest): an impossible profile
# value, a GGUF that is a pipe, model stores that loop.
printf '{"ram":{},"cpu":{},"disk":{},"gpus":[{"name":"X","vendor":"nvidia","bandwidth_gbps":1e-300}]}' >"$HOME/bad.json"
check 1 report --hw "$HOME/bad.json" llama3.1:8b
mkfifo "$HOME/pipe.gguf"
check 1 gguf --hw $p "$HOME/pipe.gguf"
mkdir -p "$HOME/.cache/huggingface/hub" && ln -s . "$HOME/.cache/huggingface/hub/loop"
check 0 local --hw $p
# A GGUF truncated while it is read (tests/fault_shrink.c), a store path
# that is a file, cost options given and one refused (a zero API price).
cp $fx/gguf-seeds/llama-v3.gguf "$HOME/shrinks.gguf"
export CANIRUN_SHRINK_PATH="$HOME/shrinks.gguf" LD_PRELOAD="$PWD/build/fault-shim/shrink.so"
check 1 gguf --hw $p "$HOME/shrinks.gguf"
unset CANIRUN_SHRINK_PATH LD_PRELOAD
mkdir -p "$HOME/.ollama/models" && : >"$HOME/.ollama/models/manifests"
check 0 local --hw $p
check 0 report --hw $p llama3.1:8b --cost --watts 300 --kwh-price 0.3
check 2 cost qwen2.5:14b --hw $p --tokens-per-day 1000 --api-price 0,0
check 0 show gpt-oss:120b --hw $p --cpu "Ryzen 9 7950X" --ram 64G --disk nvme
check 0 report --json --hw $p --cpu-only --ram-gbps 70 --ram 64G llama3.1:8b
check 1 hw --hw $p --cpu "Ryzen 9"
check 0 cost qwen2.5:14b llama3.1:8b --hw $p --users 10 --prompts-per-day 100 --tokens-per-prompt 500 --seat-price 30 --hw-cost 1200
check 0 cost qwen2.5:14b --json --hw $p --tokens-per-day 20000000
check 0 report --cost --hw $p llama3.1:8b qwen3:30b
check 0 show qwen2.5:14b --cost --json --hw $p --api deepseek-v3 --tokens-per-day 100000
check 2 cost qwen2.5:14b --hw $p --tokens-per-day 1000 --api gpt-9
check 0 need qwen2.5:0.5b --hw $p --cpu "Ryzen 9 7950X" --min-tps 100
check 0 need qwen2.5-coder:32b --json --hw $p --min-tps 20 --ram 32G
check 2 need qwen2.5:7b --gpu "RTX 3090"
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
