#!/bin/sh
# The man page, SPEC.md and the completions against the program: every
# --option the usage texts name is in SPEC.md (the contract), documented in
# man/canirun.1 and offered by both completion scripts; every command of
# SPEC.md is in the page; both give the same exit statuses; the page is clean
# under mandoc -Tlint and groff -ww.
# Prints "man-options: N passed, N failed" like the C suites.
bin=${CANIRUN_BIN:-./canirun}
man=man/canirun.1 spec=SPEC.md bash_comp=data/completions/canirun.bash zsh_comp=data/completions/_canirun
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL man-options: $*" >&2; }

options=$(for c in "" report show hw bench gguf local plan cost need; do $bin $c --help; done |
	grep -o -- '--[a-z][a-z-]*' | sort -u)
[ -n "$options" ] && ok || bad "no options found in '$bin --help'"
for opt in $options; do
	name=${opt#--}
	grep -q -- "^\.It Fl -$name\( \|$\)\|Fl -$name\( \|$\)" "$man" && ok || bad "$opt not in $man"
	grep -q -- "$opt\b" "$spec" && ok || bad "$opt not in $spec"
	grep -q -- "$opt\b" "$bash_comp" && ok || bad "$opt not in $bash_comp"
	grep -q -- "'\*\?$opt[=\[]\|\"$opt[=\[]\|{-[a-zA-Z],$opt}" "$zsh_comp" && ok || bad "$opt not in $zsh_comp"
done
commands=$(sed -n 's/^    canirun \([a-z][a-z]*\) .*/\1/p' "$spec")
[ -n "$commands" ] && ok || bad "no commands found in $spec"
for cmd in $commands; do
	grep -q "^\.Cm $cmd" "$man" && ok || bad "command $cmd of $spec not in $man"
	$bin $cmd --help >/dev/null 2>&1 && ok || bad "command $cmd of $spec: '$bin $cmd --help' fails"
done
# Exit statuses: SPEC.md's "N meaning" list against the page's EXIT STATUS.
spec_codes=$(sed -n '/^## Exit status/,/^## /p' "$spec" | grep -o '\b[0-9] [a-z]' | cut -c1 | sort -u | tr -d '\n')
man_codes=$(sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$man" | sed -n 's/^\.It \([0-9]\)$/\1/p' | sort -u | tr -d '\n')
[ -n "$spec_codes" ] && [ "$spec_codes" = "$man_codes" ] && ok ||
	bad "exit statuses: $spec has '$spec_codes', $man has '$man_codes'"
if command -v mandoc >/dev/null; then
	out=$(mandoc -Tlint -W all "$man" 2>&1) && [ -z "$out" ] && ok || bad "mandoc -Tlint: $out"
fi
if command -v groff >/dev/null; then
	out=$(groff -mdoc -ww -z "$man" 2>&1) && [ -z "$out" ] && ok || bad "groff: $out"
fi
echo "man-options: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
