# shellcheck shell=bash
# nginx-target.sh - sourced by samples/quickstart.sh and test/bench/run.sh:
# starts a private nginx on a free 127.0.0.1 port from a config template in the
# repository (@DIR@ and @PORT@ are replaced) and stops it again. Everything
# nginx writes stays in the given directory; nothing listens beyond loopback.

# nginx_target_start TEMPLATE DIR [CPU]: starts nginx in the foreground of a
# background job (pinned to CPU with taskset if given) and waits until it
# accepts connections. Sets NGINX_PID and NGINX_PORT. Returns 1 if it fails.
nginx_target_start() {
	local template=$1 dir=$2 cpu=${3:-} nginx_bin pin=()
	nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
	[ -z "$cpu" ] || pin=(taskset -c "$cpu")
	NGINX_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$NGINX_PORT|g" "$template" >"$dir/nginx.conf"
	"${pin[@]}" "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
	NGINX_PID=$!
	for _ in $(seq 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$NGINX_PID" 2>/dev/null; then
			echo "nginx did not start:" >&2
			cat "$dir/error.log" >&2 || true
			return 1
		fi
		sleep 0.1
	done
	echo "nginx is not accepting connections on 127.0.0.1:$NGINX_PORT after 10 s" >&2
	return 1
}

# nginx_target_stop: stops the nginx that nginx_target_start started.
nginx_target_stop() {
	[ -n "${NGINX_PID:-}" ] || return 0
	kill -TERM "$NGINX_PID" 2>/dev/null || true
	wait "$NGINX_PID" 2>/dev/null || true
	NGINX_PID=
}
