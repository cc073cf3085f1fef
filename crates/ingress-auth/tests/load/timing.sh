#!/bin/bash
# Timing over HTTP (docs/PERFORMANCE.md, "ingress-auth serve (issue 15)"): wrong password, unknown
# user and malformed stored hash against a bcrypt cost-10 file, each request from a fresh
# X-Forwarded-For address (so the throttle never answers), wrk -t1 -c2 -d8s (two connections for
# the two hash threads of a 2-core machine: the latency is the check, not a queue). Needs wrk,
# htpasswd and a release build. The process it starts is stopped by pid on exit.
set -eu
BIN=${BIN:-$(cd "$(dirname "$0")/../../../.." && pwd)/target/release/ingress-auth}
D=$(mktemp -d /tmp/serve-timing.XXXXXX)
PID=
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; rm -rf "$D"; }
trap cleanup EXIT
htpasswd -cbB -C 10 "$D/htpasswd" alice 'correct horse' 2>/dev/null
echo 'broken:$2y$10$this-is-not-a-bcrypt-hash' >> "$D/htpasswd"
cat > "$D/fresh.lua" <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255),
    math.floor(counter / 250) % 250, counter % 250 + 1)
  return wrk.format(nil)
end
LUA
"$BIN" serve --htpasswd "$D/htpasswd" --listen 127.0.0.1:19301 --trusted-proxy 127.0.0.1/32 2>/dev/null &
PID=$!
sleep 1
for case in "wrong password|alice:wrong horse" "unknown user|nobody:correct horse" "malformed stored hash|broken:correct horse"; do
  name=${case%%|*}; creds=${case#*|}
  echo "== $name"
  wrk -t1 -c2 -d8s --latency -s "$D/fresh.lua" \
    -H "Authorization: Basic $(printf '%s' "$creds" | base64 -w0)" http://127.0.0.1:19301/auth |
    grep -E "Latency  |  50%|  90%|  99%|requests in|Non-2xx"
done
curl -s http://127.0.0.1:19301/metrics | grep -E '^ingress_auth_(checks_total|throttled_total|hashes_total)'
