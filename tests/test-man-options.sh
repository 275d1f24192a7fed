#!/bin/sh
# The man page and the completions against the program: every --option the
# usage texts name is documented in man/canirun.1 and offered by both
# completion scripts; the page is clean under mandoc -Tlint and groff -ww.
# Prints "man-options: N passed, N failed" like the C suites.
bin=${CANIRUN_BIN:-./canirun}
man=man/canirun.1 bash_comp=data/completions/canirun.bash zsh_comp=data/completions/_canirun
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL man-options: $*" >&2; }

options=$(for c in "" report show hw bench gguf local cost; do $bin $c --help; done |
	grep -o -- '--[a-z][a-z-]*' | sort -u)
[ -n "$options" ] && ok || bad "no options found in '$bin --help'"
for opt in $options; do
	name=${opt#--}
	grep -q -- "^\.It Fl -$name\( \|$\)\|Fl -$name\( \|$\)" "$man" && ok || bad "$opt not in $man"
	grep -q -- "$opt\b" "$bash_comp" && ok || bad "$opt not in $bash_comp"
	grep -q -- "'\*\?$opt[=\[]\|\"$opt[=\[]\|{-[a-zA-Z],$opt}" "$zsh_comp" && ok || bad "$opt not in $zsh_comp"
done
for cmd in report show hw bench gguf local cost; do
	grep -q "^\.Cm $cmd" "$man" && ok || bad "command $cmd not in $man"
done
if command -v mandoc >/dev/null; then
	out=$(mandoc -Tlint -W all "$man" 2>&1) && [ -z "$out" ] && ok || bad "mandoc -Tlint: $out"
fi
if command -v groff >/dev/null; then
	out=$(groff -mdoc -ww -z "$man" 2>&1) && [ -z "$out" ] && ok || bad "groff: $out"
fi
echo "man-options: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
