#!/bin/sh
# verify_in_node.sh SCRIPT_DIR [SCRIPT] - runs syntax.js (by default) under
# node 20+ ($NODE, else node on PATH) with stand-ins for the k6 modules, to
# confirm that every check's expected value is what a standard engine
# computes. The script and its lib/ are copied into a temporary directory
# with a node_modules/k6 package.
set -eu
src=$1
script=${2:-syntax.js}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/node_modules/k6"
printf '{"type":"module"}\n' > "$tmp/package.json"
printf '{"name":"k6","type":"module","exports":{".":"./index.js","./http":"./http.js"}}\n' \
	> "$tmp/node_modules/k6/package.json"
cp "$here/k6-stub-index.js" "$tmp/node_modules/k6/index.js"
cp "$here/k6-stub-http.js" "$tmp/node_modules/k6/http.js"
cp "$src/$script" "$tmp/"
cp -r "$src/lib" "$tmp/"
cp "$here/driver.mjs" "$tmp/"
cd "$tmp"
exec "${NODE:-node}" driver.mjs "./$script"
