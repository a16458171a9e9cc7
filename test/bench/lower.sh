#!/usr/bin/env bash
# lower.sh - what lowering costs, through each path (K6C_LOWER=fast and
# K6C_LOWER=babel; lib/engine/lower.h): start-to-exit wall time of a
# one-iteration run with an empty cache (cold) and with a warm one (cached),
# for test/bench/typical.js (about 50 lines) and test/script/syntax.js (about
# 400 lines, plus the 40 lines of its lib/ imports), and the peak bytes held
# by the lowerer's heap (counted by its allocator, printed by `k6c -v`);
# then what the lowered code of test/bench/lowered.js costs at run time.
# doc/performance.md describes the method and holds the results. Not run by
# `meson test`. Requests go to an nginx on 127.0.0.1 that it starts and stops.
#
# Usage: test/bench/lower.sh
#
# Environment:
#   K6C    the k6c binary (default: build/samples/cli/k6c)
#   RUNS   runs per figure, the median is printed (5)
#   KEEP=1 keep the directory with every raw output
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=samples/nginx-target.sh
. "$top/samples/nginx-target.sh"

K6C=${K6C:-$top/build/samples/cli/k6c}
RUNS=${RUNS:-5}

die() { printf 'lower.sh: %s\n' "$*" >&2; exit 1; }
[ -x "$K6C" ] || die "no k6c binary at $K6C (build first, or set K6C)"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || die "nginx is needed (see .ci/debian-packages)"
[ -x /usr/bin/time ] || die "GNU time is needed at /usr/bin/time (Debian package: time)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/k6c-lower-bench.XXXXXX")
cleanup() {
	nginx_target_stop
	if [ "${KEEP:-0}" = 1 ]; then echo "raw outputs kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
mkdir "$tmp/nginx"
nginx_target_start "$here/nginx.conf" "$tmp/nginx"
base="http://127.0.0.1:$NGINX_PORT"

echo "# libk6c lowering benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(uname -sr)"

# one MODE SCRIPT OUT: one run; prints its wall time in ms (its CPU time
# goes to OUT.time, see cpu_ms). Exit code 99
# (thresholds crossed: syntax.js's checks of /get against nginx) still
# counts as a run.
one() {
	local mode=$1 script=$2 out=$3 st=0 t0
	t0=$(date +%s%N)
	K6C_LOWER=$mode K6C_CACHE_DIR=$tmp/cache /usr/bin/time -f '%U %S' -o "$out.time" \
		"$K6C" run -q -v --no-summary --workers 1 -e "BASE_URL=$base" "$script" >"$out" 2>&1 || st=$?
	[ "$st" -eq 0 ] || [ "$st" -eq 99 ] || { echo "k6c failed (exit $st):" >&2; tail -n 20 "$out" >&2; exit 1; }
	echo $((($(date +%s%N) - t0) / 1000000))
}

# cpu_ms OUT: user + system CPU time of a run in ms; on a busy machine it
# moves less than the wall time.
cpu_ms() { tail -n 1 "$1.time" | awk '{ printf "%.0f", ($1 + $2) * 1000 }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The lowering line of `k6c -v` (lib/engine/program.c): the heap peak of the
# engine that ran, in MiB.
peak() {
	sed -n "s/.*lowering: .*; $2 [0-9.]* ms load + [0-9.]* ms, peak \([0-9.]*\) MiB.*/\1/p" "$1" | head -n 1
}
lowering_ms() {
	sed -n "s/.*lowering: .*; $2 \([0-9.]*\) ms load + \([0-9.]*\) ms, .*/\1 \2/p" "$1" | head -n 1 |
		awk '{ printf "%.0f", $1 + $2 }'
}

printf '\n| path | script | cold (ms) | cold CPU (ms) | lowering in it (ms) | lowering heap peak (MiB) | cached (ms) |\n'
printf '| --- | --- | --- | --- | --- | --- | --- |\n'
for mode in fast babel; do
	for script in "$here/typical.js" "$top/test/script/syntax.js"; do
		name=$(basename "$script")
		cold=() cached=() low=() cpu=()
		for i in $(seq "$RUNS"); do
			rm -rf "$tmp/cache"
			cold+=("$(one "$mode" "$script" "$tmp/$mode-$name-cold-$i")")
			low+=("$(lowering_ms "$tmp/$mode-$name-cold-$i" "$mode")")
			cpu+=("$(cpu_ms "$tmp/$mode-$name-cold-$i")")
		done
		for i in $(seq "$RUNS"); do
			cached+=("$(one "$mode" "$script" "$tmp/$mode-$name-cached-$i")")
		done
		grep -q "cached [1-9]" "$tmp/$mode-$name-cached-1" || die "$mode $name: the second run did not hit the cache"
		printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$mode" "$name" "$(median "${cold[@]}")" \
			"$(median "${cpu[@]}")" "$(median "${low[@]}")" "$(peak "$tmp/$mode-$name-cold-1" "$mode")" "$(median "${cached[@]}")"
	done
done
echo
echo "cold: empty cache, so the run loads the engine and lowers every module;"
echo "cached: the same script again, loaded from the cache. Medians of $RUNS runs."

# What the lowered code costs when it runs: test/bench/lowered.js times the
# constructs whose lowering adds run-time work (its BENCH line: ms per
# loop), through each path; medians of RUNS runs, and fast/babel.
figure() { sed -n "s/.*BENCH .*\b$2=\([0-9]*\).*/\1/p" "$1" | head -n 1; }
names=$(K6C_LOWER=fast "$K6C" run -q --no-summary "$here/lowered.js" 2>&1 | sed -n 's/.*BENCH \(.*\) (.*/\1/p' | sed 's/=[0-9]*//g')
[ -n "$names" ] || die "lowered.js printed no BENCH line"
for mode in fast babel; do
	for i in $(seq "$RUNS"); do
		K6C_LOWER=$mode K6C_CACHE_DIR=$tmp/cache "$K6C" run -q --no-summary "$here/lowered.js" >"$tmp/run-$mode-$i" 2>&1
	done
done
printf '\n| lowered code at run time (ms) | fast | babel | fast/babel |\n| --- | --- | --- | --- |\n'
for name in $names; do
	f=() b=()
	for i in $(seq "$RUNS"); do
		f+=("$(figure "$tmp/run-fast-$i" "$name")")
		b+=("$(figure "$tmp/run-babel-$i" "$name")")
	done
	fm=$(median "${f[@]}") bm=$(median "${b[@]}")
	printf '| %s | %s | %s | %s |\n' "$name" "$fm" "$bm" "$(awk -v f="$fm" -v b="$bm" 'BEGIN { printf "%.2f", (b > 0 ? f / b : 0) }')"
done
