#!/usr/bin/env bash
# quickstart.sh - from a fresh Debian 12 machine to a first load test:
#   1. installs the Debian packages listed in .ci/debian-packages (apt-get,
#      through sudo when not root), if any is missing;
#   2. builds libk6c and the k6c command with meson into build/;
#   3. starts nginx on a free 127.0.0.1 port (config: samples/nginx.conf);
#   4. runs samples/scripts/quickstart.js against it with 10 VUs for 5 s,
#      which prints k6's end-of-test summary;
#   5. stops nginx.
# Extra arguments go to `k6c run`, e.g. `./samples/quickstart.sh --vus 20`.
# The exit status is k6c's (k6's exit codes: 0 when the run went well).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=samples/nginx-target.sh
. samples/nginx-target.sh

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# 1. Packages.
mapfile -t packages < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' .ci/debian-packages)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "==> installing ${missing[*]}"
	# Keep the nginx package from starting a system-wide server on port 80.
	policy_rc_created=0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
		as_root chmod 755 /usr/sbin/policy-rc.d
		policy_rc_created=1
	fi
	as_root apt-get update
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
	[ "$policy_rc_created" = 0 ] || as_root rm -f /usr/sbin/policy-rc.d
fi

# 2. Build.
echo "==> building into build/"
[ -f build/meson-private/coredata.dat ] || meson setup build
meson compile -C build

# 3. Target.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/k6c-quickstart.XXXXXX")
trap 'nginx_target_stop; rm -rf "$tmp"' EXIT
nginx_target_start samples/nginx.conf "$tmp"
echo "==> nginx is serving http://127.0.0.1:$NGINX_PORT/"

# 4. The load test.
rc=0
build/samples/cli/k6c run --vus 10 --duration 5s -e "BASE_URL=http://127.0.0.1:$NGINX_PORT" \
	"$@" samples/scripts/quickstart.js || rc=$?
echo "==> k6c exited with $rc; next: meson test -C build"
exit "$rc"
