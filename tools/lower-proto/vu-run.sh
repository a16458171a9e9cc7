#!/bin/sh
# vu-run.sh - PROTOTYPE: runs a case lowered by lower.js inside a real k6c
# (its VUs, coroutine stacks, interrupt hook), by handing k6c the ES5 output
# with runtime.js in front (k6c's Babel then has nothing left to lower).
# usage: vu-run.sh DUKRUN K6C CASE.js [k6c run flags...]
set -e
here=$(cd "$(dirname "$0")" && pwd)
D=$1; K=$2; C=$3; shift 3
out=$(mktemp -d)
echo 'print(K6cLower.lower(__read(__args[0])));' > "$out/low.js"
nice -n 19 "$D" /usr/share/nodejs/acorn/dist/acorn.js "$here/../../lib/engine/js/lower/lower.js" "$out/low.js" -- "$C" > "$out/body.js"
cat "$here/../../lib/engine/js/lower/runtime.js" "$out/body.js" > "$out/main.js"
K6C_CACHE_DIR= nice -n 19 "$K" run "$@" "$out/main.js"
rm -rf "$out"
