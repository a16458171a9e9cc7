#!/bin/sh
# run.sh - PROTOTYPE: runs one case through lower.js in libk6c's Duktape
# (dukrun, see dukrun.c) and natively in node, and compares the printed JSON.
# usage: run.sh DUKRUN CASE.js   (env DUMP=1 prints the lowered code)
set -e
here=$(cd "$(dirname "$0")" && pwd)
js=$here/../../lib/engine/js
D=$1; C=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
pre="$js/collections.js $js/iterators.js $js/promise.js $js/array.js $js/object.js $js/string.js $js/reflect.js"
extra=""; [ -n "$DUMP" ] && extra="$here/dump.js"; [ -n "$STATS" ] && extra="$extra $here/stats.js"
got=$(nice -n 19 "$D" $pre /usr/share/nodejs/acorn/dist/acorn.js "$here/../../lib/engine/js/lower/runtime.js" "$here/../../lib/engine/js/lower/lower.js" $extra "$here/harness.js" -- fast "$C" 2>&1) || true
want=$(nice -n 19 node "$here/noderun.mjs" "$C" 2>&1)
if [ "$(printf '%s' "$got" | tail -1)" = "$want" ]; then echo "PASS $(basename "$C")"; else echo "FAIL $(basename "$C")"; echo " duk:  $got"; echo " node: $want"; fi
