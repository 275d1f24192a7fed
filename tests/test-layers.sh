#!/bin/sh
# The one-way rule of src/README.md, checked: a file in src/<layer>/ includes
# only headers of its own folder or of a lower layer. Peers of one rank
# (probe, bench, model) do not include each other. Exit 1 on any breach.
cd "$(dirname "$0")/.." || exit 2
rank() {
	case $1 in
	util) echo 0 ;; hw) echo 1 ;; probe|bench|model) echo 2 ;;
	estimate) echo 3 ;; decide) echo 4 ;; ui) echo 5 ;; cmd) echo 6 ;;
	*) echo x ;;
	esac
}
bad=0 checked=0
for f in src/*/*.c src/*/*.h; do
	from=${f#src/}; from=${from%%/*}
	rf=$(rank "$from")
	if [ "$rf" = x ]; then echo "layers: $f: folder '$from' has no layer in src/README.md"; bad=$((bad + 1)); continue; fi
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		checked=$((checked + 1))
		to=${inc%%/*}
		[ "$to" = "$inc" ] && { echo "layers: $f: #include \"$inc\" names no layer folder"; bad=$((bad + 1)); continue; }
		[ "$to" = "$from" ] && continue
		rt=$(rank "$to")
		if [ "$rt" = x ] || [ "$rt" -ge "$rf" ]; then
			echo "layers: $f ($from) includes $inc ($to): a layer includes only lower ones"
			bad=$((bad + 1))
		fi
	done
done
echo "layers: $((checked - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
