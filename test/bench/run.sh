#!/usr/bin/env bash
# run.sh - the libk6c benchmark; doc/performance.md describes the method and
# holds the results. Not run by `meson test`: it takes minutes and wants a
# quiet machine. All traffic goes to an nginx on 127.0.0.1 that it starts and
# stops itself; every run is bounded in time.
#
# Usage: test/bench/run.sh [throughput] [memory] [startup] [soak] [sharedarray]
#        (default: all five)
#
# Environment:
#   K6C       the k6c binary (default: build/samples/cli/k6c)
#   K6        real k6, run the same way when found (default: `k6` on PATH)
#   DURATION  seconds of each throughput run (20)
#   CONNS     connections of wrk = VUs of k6c (50)
#   SOAK      seconds of the RSS-over-time run (60; SOAK=600 for the 10-minute
#             run of doc/performance.md)
#   SOAK_WARMUP  seconds of that run before RSS growth is counted (10)
#   MEM_DURATION  seconds of each memory-per-VU run (15)
#   SA_MB     size of the SharedArray's JSON file in MB (10)
#   GEN_CPU, SRV_CPU   CPUs of the load generator and of nginx (0 and 1)
#   KEEP=1    keep the directory with every raw output
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=samples/nginx-target.sh
. "$top/samples/nginx-target.sh"

K6C=${K6C:-$top/build/samples/cli/k6c}
K6=${K6:-$(command -v k6 || true)}
DURATION=${DURATION:-20}
CONNS=${CONNS:-50}
SOAK=${SOAK:-60}
MEM_DURATION=${MEM_DURATION:-15}
SA_MB=${SA_MB:-10}
GEN_CPU=${GEN_CPU:-0}
SRV_CPU=${SRV_CPU:-1}

die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }
hdr() { printf '\n## %s\n\n' "$*"; }
# calc EXPR [DECIMALS]: floating-point arithmetic.
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }

[ -x "$K6C" ] || die "no k6c binary at $K6C (build first: meson setup build && meson compile -C build, or set K6C)"
for tool in wrk taskset nginx python3; do
	command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || die "$tool is needed (see .ci/debian-packages)"
done
[ -x /usr/bin/time ] || die "GNU time is needed at /usr/bin/time (Debian package: time)"

sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(throughput memory startup soak sharedarray)
for s in "${sections[@]}"; do
	case $s in throughput | memory | startup | soak | sharedarray) ;; *) die "unknown section '$s'" ;; esac
done

# One CPU for the generator, another for nginx, so neither steals the other's
# time and "CPU seconds" mean the generator's alone.
gen=() srv_cpu=
if [ "$(nproc)" -ge 2 ]; then
	gen=(taskset -c "$GEN_CPU")
	srv_cpu=$SRV_CPU
else
	echo "warning: fewer than 2 CPUs: nothing is pinned, generator and nginx share the CPU"
fi
# 1000 VUs hold 1000 sockets.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

tmp=$(mktemp -d "${TMPDIR:-/tmp}/k6c-bench.XXXXXX")
cleanup() {
	nginx_target_stop
	if [ "${KEEP:-0}" = 1 ]; then echo "raw outputs kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
mkdir "$tmp/nginx"
nginx_target_start "$here/nginx.conf" "$tmp/nginx" "$srv_cpu"
url="http://127.0.0.1:$NGINX_PORT/"
# A private lowering cache, warmed before any measurement, so that only the
# start-up section ever pays for Babel.
export K6C_CACHE_DIR=$tmp/cache

# The generators, each limited to one thread of execution to match wrk -t1.
# k6 would report usage to the internet unless told not to.
k6c_run=("$K6C" run -q --workers 1)
k6_run=(env GOMAXPROCS=1 K6_NO_USAGE_REPORT=true "$K6" run -q --no-usage-report)
generators=(k6c)
[ -z "$K6" ] || generators+=(k6)

echo "# libk6c benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, $(awk '/^model name/ { sub(/.*: /, ""); print; exit }' /proc/cpuinfo), $(uname -sr)"
echo "k6c: $("$K6C" version 2>&1 | head -n 1)"
echo "wrk: $(wrk -v 2>&1 | head -n 1)"
echo "nginx: 127.0.0.1:$NGINX_PORT on CPU ${srv_cpu:-any}; generator on CPU ${gen[2]:-any}"
[ -n "$K6" ] && echo "k6: $("$K6" version 2>&1 | head -n 1)" || echo "k6: not installed, skipped"

# timed OUT CMD...: runs CMD under GNU time (pinned to the generator CPU);
# CMD's output goes to OUT.out and time's report to OUT.time. Returns CMD's status.
timed() {
	local out=$1
	shift
	/usr/bin/time -v -o "$out.time" "${gen[@]}" "$@" >"$out.out" 2>&1
}
# tfield OUT NAME: a field of time's report, e.g. "Maximum resident set size".
tfield() { awk -v k="$2" 'index($0, k) { print $NF; exit }' "$1.time"; }
cpu_s() { calc "$(tfield "$1" "User time") + $(tfield "$1" "System time")" 2; }
rss_mib() { calc "$(tfield "$1" "Maximum resident set size") / 1024" 1; }
# http_reqs OUT: "count rate" from a k6 summary.
http_reqs() {
	sed -n 's/^[[:space:]]*http_reqs[.]*:[[:space:]]*\([0-9.]*\)[[:space:]]*\([0-9.]*\)\/s.*/\1 \2/p' "$1.out" | head -n 1
}
# gen_run NAME OUT ARGS...: runs generator NAME (k6c or k6) with k6 run ARGS.
gen_run() {
	local name=$1 out=$2
	shift 2
	if [ "$name" = k6c ]; then timed "$out" "${k6c_run[@]}" "$@"; else timed "$out" "${k6_run[@]}" "$@"; fi
}
failed() { echo "$1 failed (exit $2); its output:"; tail -n 20 "$3.out"; }

bench_throughput() {
	hdr "Throughput: GET $url, $CONNS connections, ${DURATION} s, generator on one CPU"
	local st=0 reqs rps cpu wrk_rps wrk_eff
	timed "$tmp/wrk" wrk -t1 -c"$CONNS" -d"${DURATION}s" "$url" || st=$?
	[ "$st" -eq 0 ] || { failed wrk "$st" "$tmp/wrk"; return 0; }
	reqs=$(awk '/ requests in / { print $1; exit }' "$tmp/wrk.out")
	wrk_rps=$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk.out")
	cpu=$(cpu_s "$tmp/wrk")
	wrk_eff=$(calc "$reqs / $cpu" 0)
	row() { printf '| %-9s | %10s | %7s | %9s | %12s | %10s | %15s |\n' "$@"; }
	row generator requests/s "CPU s" req/CPU-s "peak RSS MiB" "rps / wrk" "req/CPU-s / wrk"
	row --------- ---------- ------- --------- ------------ ---------- ---------------
	row wrk "$(calc "$wrk_rps" 0)" "$cpu" "$wrk_eff" "$(rss_mib "$tmp/wrk")" 1.00 1.00
	for g in "${generators[@]}"; do
		st=0
		gen_run "$g" "$tmp/tp-$g" --vus "$CONNS" --duration "${DURATION}s" -e "URL=$url" "$here/get.js" || st=$?
		[ "$st" -eq 0 ] || { failed "$g" "$st" "$tmp/tp-$g"; continue; }
		read -r reqs rps <<<"$(http_reqs "$tmp/tp-$g")"
		[ -n "${rps:-}" ] || { echo "$g: no http_reqs line in its summary"; continue; }
		cpu=$(cpu_s "$tmp/tp-$g")
		row "$g" "$(calc "$rps" 0)" "$cpu" "$(calc "$reqs / $cpu" 0)" "$(rss_mib "$tmp/tp-$g")" \
			"$(calc "$rps / $wrk_rps" 2)" "$(calc "($reqs / $cpu) / $wrk_eff" 2)"
	done
}

bench_memory() {
	hdr "Memory per VU: http.get + sleep(1), 100 and 1000 VUs, ${MEM_DURATION} s each, peak RSS"
	local g n st r100 r1000
	for g in "${generators[@]}"; do
		r100='' r1000=''
		for n in 100 1000; do
			st=0
			gen_run "$g" "$tmp/mem-$g-$n" --vus "$n" --duration "${MEM_DURATION}s" -e "URL=$url" "$here/get_sleep.js" || st=$?
			[ "$st" -eq 0 ] || { failed "$g" "$st" "$tmp/mem-$g-$n"; continue 2; }
			printf -v "r$n" '%s' "$(tfield "$tmp/mem-$g-$n" "Maximum resident set size")"
		done
		echo "$g: $(calc "$r100 / 1024") MiB at 100 VUs, $(calc "$r1000 / 1024") MiB at 1000 VUs," \
			"$(calc "($r1000 - $r100) / 900" 0) KiB per VU"
	done
}

# Wall-clock milliseconds of one command, the median of three runs.
bench_startup() {
	hdr "Start-to-exit time: typical.js, one iteration (median of 3)"
	local g mode i st t0 times
	for g in "${generators[@]}"; do
		for mode in cold cached; do
			[ "$g" = k6c ] || [ "$mode" = cold ] || continue
			times=()
			[ "$mode" = cold ] || K6C_CACHE_DIR=$tmp/start-cache gen_run "$g" "$tmp/start-warm" \
				-e "BASE_URL=${url%/}" "$here/typical.js" || true
			for i in 1 2 3; do
				[ "$mode" = cached ] || rm -rf "$tmp/start-cache"
				st=0
				t0=$(date +%s%N)
				K6C_CACHE_DIR=$tmp/start-cache gen_run "$g" "$tmp/start-$g-$mode-$i" \
					-e "BASE_URL=${url%/}" "$here/typical.js" || st=$?
				[ "$st" -eq 0 ] || { failed "$g" "$st" "$tmp/start-$g-$mode-$i"; continue 3; }
				times+=("$((($(date +%s%N) - t0) / 1000000))")
			done
			mapfile -t times < <(printf '%s\n' "${times[@]}" | sort -n)
			echo "$g $mode: ${times[1]} ms (runs: $(printf '%s ' "${times[@]}")ms)," \
				"peak RSS $(rss_mib "$tmp/start-$g-$mode-1") MiB"
		done
	done
}

# nginx_requests: nginx's count of the requests it has served (stub_status at
# /nginx_status, which counts this request too), or nothing if it does not
# answer within 5 s. A subshell, so that a refused connection stays a local
# failure.
nginx_requests() (
	local line seen=0 _a _b n
	exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT" || exit 0
	printf 'GET /nginx_status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
	while IFS= read -r -t 5 line <&3; do
		if [ "$seen" = 1 ]; then
			read -r _a _b n <<<"$line"
			echo "$n"
			exit 0
		fi
		case $line in *'accepts handled requests'*) seen=1 ;; esac
	done
)

# Trend values that one iteration of get.js records: its one request adds
# http_req_duration, _blocked, _connecting, _tls_handshaking, _sending,
# _waiting and _receiving, and http_req_duration again for the
# {expected_response:true} submetric, which k6 keeps in a sink of its own;
# the iteration adds iteration_duration.
TREND_PER_ITER=9

# RSS (VmRSS of /proc/PID/status) of a full-speed run every 5 s, reported
# every 5 s for runs up to a minute and every minute beyond, with nginx's
# request counter at the same instants: the growth after the warm-up
# (SOAK_WARMUP seconds, while the VUs and their connections are created) is
# divided by the trend values recorded after it. Bounded: k6c is stopped if
# it is still running 60 s after its duration.
bench_soak() {
	local warm=${SOAK_WARMUP:-10} step=5 pid t0 now t rss hwm st=0 n0
	local samples=$tmp/soak.samples
	[ "$SOAK" -le 60 ] || step=60
	if [ "$warm" -ge "$SOAK" ] || [ $((warm % 5)) -ne 0 ]; then
		die "SOAK_WARMUP must be a multiple of 5 below SOAK"
	fi
	hdr "RSS over a ${SOAK} s full-speed run: get.js, $CONNS VUs, sampled every 5 s, shown every $step s"
	: >"$samples"
	n0=$(nginx_requests)
	[ -n "$n0" ] || { echo "nginx does not answer on /nginx_status"; return 0; }
	t0=$(date +%s%N)
	"${gen[@]}" "${k6c_run[@]}" --vus "$CONNS" --duration "${SOAK}s" -e "URL=$url" "$here/get.js" \
		>"$tmp/soak.out" 2>&1 &
	pid=$!
	for ((t = 5; ; t += 5)); do
		now=$((($(date +%s%N) - t0) / 1000000))
		[ "$now" -ge $((t * 1000)) ] || sleep "$(calc "($t * 1000 - $now) / 1000" 3)"
		# An exited process (a zombie until waited for) has no VmRSS line.
		rss='' hwm=''
		read -r rss hwm < <(awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 }
			END { if (r != "") print r, h }' "/proc/$pid/status" 2>/dev/null) || true
		[ -n "$rss" ] || break
		if [ "$t" -gt $((SOAK + 60)) ]; then
			echo "k6c still running 60 s after its ${SOAK} s: stopped"
			kill "$pid" 2>/dev/null || true
			break
		fi
		echo "$t $rss $hwm $(nginx_requests)" >>"$samples"
	done
	wait "$pid" || st=$?
	[ "$st" -eq 0 ] || { failed k6c "$st" "$tmp/soak"; return 0; }

	# Rows at 5 s, at the end of the warm-up and every step s up to SOAK. The
	# counter also counts the status requests, one per sample: subtracted.
	awk -v soak="$SOAK" -v warm="$warm" -v step="$step" -v n0="$n0" -v k="$TREND_PER_ITER" '
		$1 > soak || $4 == "" { next }
		{ n = $4 - n0 - NR; t[NR] = $1; r[NR] = $2; req[NR] = n; last = NR }
		$1 == warm { w = NR }
		function row(i, p) {
			printf "| %5d | %7.1f | %10d | %8s | %9.2f |\n", t[i], r[i] / 1024, req[i],
				p ? sprintf("%.0f", (req[i] - req[p]) / (t[i] - t[p])) : sprintf("%.0f", req[i] / t[i]),
				req[i] * k / 1e6
		}
		END {
			if (!w || last <= w) { print "too few samples"; exit }
			print "| t (s) | RSS MiB | requests | req/s | trend values (M) |"
			print "| --- | --- | --- | --- | --- |"
			p = 0
			for (i = 1; i <= last; i++)
				if (i == 1 || i == w || i == last || t[i] % step == 0) { row(i, p); p = i }
			lo = hi = r[w]
			for (i = w; i <= last; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
			g = r[last] - r[w]; v = (req[last] - req[w]) * k
			printf "\nafter the first %d s (%d to %d s, %d samples): RSS %.1f -> %.1f MiB, range %.1f-%.1f MiB\n",
				warm, warm, t[last], last - w + 1, r[w] / 1024, r[last] / 1024, lo / 1024, hi / 1024
			printf "growth after warm-up: %+.1f MiB (%+d KiB) over %d requests = %.2f M trend values:" \
				" %+.1f KiB per million trend values, %+.3f bytes per value\n",
				g / 1024, g, req[last] - req[w], v / 1e6, g / (v / 1e6), g * 1024 / v
			# Growth that stops is a high-water mark; growth that goes on
			# with the trend values is not.
			c = w
			for (i = w + 1; i <= last; i++) if (r[i] != r[i - 1]) c = i
			printf "RSS last changed at %d s; from there to %d s: %+d KiB over %d requests = %.2f M trend values\n",
				t[c], t[last], r[last] - r[c], req[last] - req[c], (req[last] - req[c]) * k / 1e6
		}' "$samples"

	local reqs rate iters
	read -r reqs rate <<<"$(http_reqs "$tmp/soak")"
	iters=$(sed -n 's/^[[:space:]]*iterations[.]*:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/soak.out" | head -n 1)
	echo "k6c summary: $reqs requests ($(calc "$rate" 0)/s), $iters iterations," \
		"$(calc "($reqs * ($TREND_PER_ITER - 1) + $iters) / 1e6" 2) M trend values in all;" \
		"peak RSS (VmHWM) $(calc "$(awk 'END { print $3 }' "$samples") / 1024") MiB"
	echo "its percentiles, still computed at the end:"
	grep -m 2 -A 1 'http_req_duration[.]*:' "$tmp/soak.out" || echo "(no http_req_duration line)"
}

# A JSON array of SA_MB megabytes held in a SharedArray by 1000 VUs, against
# the same VUs without it, and against each VU parsing its own copy (fewer
# VUs: a copy per VU is what a SharedArray avoids).
bench_sharedarray() {
	hdr "SharedArray: a ${SA_MB} MB JSON array, http.get + sleep(1), ${MEM_DURATION} s each, peak RSS"
	local data=$tmp/sa.json mode n st r_none r_shared r_copy
	python3 - "$data" "$SA_MB" <<'PY'
import json, sys
path, mb = sys.argv[1], float(sys.argv[2])
rows, size, i = [], 2, 0
while size < mb * 1e6:
    row = {"id": i, "name": "user%d" % i, "email": "user%d@example.com" % i,
           "address": {"street": "%d Long Street" % i, "city": "Springfield"},
           "tags": ["a", "b", "c"], "pad": "x" * 120}
    rows.append(row)
    size += len(json.dumps(row, separators=(",", ":"))) + 1
    i += 1
with open(path, "w") as f:
    json.dump(rows, f, separators=(",", ":"))
PY
	echo "data: $(calc "$(stat -c %s "$data") / 1000000") MB, $(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$data") elements"
	for mode in none:1000 shared:1000 copy:20; do
		n=${mode#*:} mode=${mode%:*} st=0
		gen_run k6c "$tmp/sa-$mode" --vus "$n" --duration "${MEM_DURATION}s" -e "URL=$url" \
			-e "DATA=$data" -e "MODE=$mode" "$here/shared_array.js" || st=$?
		[ "$st" -eq 0 ] || { failed k6c "$st" "$tmp/sa-$mode"; return 0; }
		printf -v "r_$mode" '%s' "$(tfield "$tmp/sa-$mode" "Maximum resident set size")"
		echo "k6c, $n VUs, MODE=$mode: $(rss_mib "$tmp/sa-$mode") MiB"
	done
	echo "SharedArray cost at 1000 VUs: $(calc "($r_shared - $r_none) / 1024") MiB in all;" \
		"a copy per VU: $(calc "$r_copy / 1024 / 20") MiB per VU at 20 VUs"
}

for script in get.js get_sleep.js; do
	"${k6c_run[@]}" --vus 1 --iterations 1 -e "URL=$url" "$here/$script" >"$tmp/warm.out" 2>&1 ||
		die "k6c cannot run $script: $(tail -n 5 "$tmp/warm.out")"
done
for s in "${sections[@]}"; do
	"bench_$s"
done
