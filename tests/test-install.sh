#!/bin/sh
# `make install PREFIX=<dir>` gives a <dir>/bin/canirun that runs from any
# working directory, and the data directory is chosen in the documented order
# (--data-dir, CANIRUN_DATA_DIR, the build tree's data/ beside the binary,
# the installed directory, <exe>/../share/canirun). Installs into a temporary
# PREFIX (which relinks ./canirun with that path), and rebuilds ./canirun
# with the caller's PREFIX at the end.
# Prints "install: N passed, N failed" like the C suites.
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/canirun-install.XXXXXX") || exit 2
prefix=$tmp/prefix
profile=$root/tests/fixtures/profiles/desktop-3090.json
pass=0 fail=0
unset CANIRUN_DATA_DIR
finish() {
	rm -rf "$tmp"
	make -s canirun >/dev/null 2>&1 || echo "FAIL install: could not rebuild ./canirun" >&2
}
trap finish EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL install: $*" >&2; }

# expect STATUS TEXT BIN ARGS...: run BIN from / ; the exit status is STATUS
# and stdout+stderr contain TEXT.
expect() {
	want=$1 text=$2; shift 2
	out=$(cd / && "$@" 2>&1)
	got=$?
	if [ "$got" = "$want" ] && printf '%s' "$out" | grep -F -q -- "$text"; then
		ok
	else
		bad "'$*' from /: status $got (want $want), output lacks '$text':"
		printf '%s\n' "$out" | head -5 | sed 's/^/  /' >&2
	fi
}

if make -s install PREFIX="$prefix" >"$tmp/make.log" 2>&1; then ok; else
	bad "make install PREFIX=$prefix failed:"; sed 's/^/  /' "$tmp/make.log" >&2
fi
bin=$prefix/bin/canirun
for f in bin/canirun share/canirun/gpus.json share/canirun/models.json share/man/man1/canirun.1; do
	[ -f "$prefix/$f" ] && ok || bad "$prefix/$f not installed"
done
# The compiled-in data path follows PREFIX.
grep -F -q -a "$prefix/share/canirun" "$bin" && ok || bad "$bin does not embed $prefix/share/canirun"
expect 0 '"schema_version"' "$bin" hw --json --hw "$profile"
expect 0 'llama3.1:8b' "$bin" report --hw "$profile" llama3.1:8b
# --data-dir, then CANIRUN_DATA_DIR, win over the installed directory.
expect 1 "$tmp/none/gpus.json" "$bin" --data-dir "$tmp/none" hw --hw "$profile"
expect 1 "$tmp/env/gpus.json" env CANIRUN_DATA_DIR="$tmp/env" "$bin" hw --hw "$profile"
# A binary in a build tree reads the tree's data/, never a stale install:
# the installed gpus.json is broken, the tree's ./canirun (built with this
# PREFIX) still works, the installed one names the broken file.
cp "$prefix/share/canirun/gpus.json" "$tmp/gpus.json.good"
echo '{ broken' >"$prefix/share/canirun/gpus.json"
expect 0 '"schema_version"' "$root/canirun" hw --json --hw "$profile"
expect 1 "$prefix/share/canirun/gpus.json" "$bin" hw --hw "$profile"
# An install moved elsewhere finds its data beside it (<exe>/../share/canirun).
cp "$tmp/gpus.json.good" "$prefix/share/canirun/gpus.json"
mv "$prefix" "$tmp/moved"
expect 0 '"schema_version"' "$tmp/moved/bin/canirun" hw --json --hw "$profile"
mv "$tmp/moved" "$prefix"
make -s uninstall PREFIX="$prefix" >/dev/null 2>&1 && [ ! -e "$bin" ] && [ ! -e "$prefix/share/canirun" ] &&
	ok || bad "make uninstall PREFIX=$prefix left files"
echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
