#!/bin/bash
# Load figures for docs/PERFORMANCE.md, "ingress-auth serve (issue 15)": nginx auth_request ->
# ingress-auth serve against nginx auth_basic on the same bcrypt cost-10 file (wrk -t1 -c8 -d5s),
# then a wrong-password flood from one client address while a good user from another address is
# measured, directly and through nginx auth_request (X-Forwarded-For set by nginx, serve started
# with --trusted-proxy 127.0.0.1/32). Needs nginx, wrk, curl, htpasswd and a release build:
#   cargo build --release -p ingress-auth && crates/ingress-auth/tests/load/serve-vs-auth-basic.sh
# Every process it starts is stopped by pid on exit.
set -eu
BIN=${BIN:-$(cd "$(dirname "$0")/../../../.." && pwd)/target/release/ingress-auth}
NGINX=${NGINX:-/usr/sbin/nginx}
D=$(mktemp -d /tmp/serve-load.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$D"; }
trap cleanup EXIT
mkdir -p "$D/www" "$D/tmp"
echo ok > "$D/www/index.html"
htpasswd -cbB -C 10 "$D/htpasswd" alice 'correct horse' 2>/dev/null
cat > "$D/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $D/nginx.pid;
error_log $D/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $D/tmp;
  proxy_temp_path $D/tmp;
  fastcgi_temp_path $D/tmp;
  uwsgi_temp_path $D/tmp;
  scgi_temp_path $D/tmp;
  upstream serve { server 127.0.0.1:19201; keepalive 16; }
  server {
    listen 127.0.0.1:19202;
    root $D/www;
    location = /_auth {
      internal;
      proxy_pass http://serve/auth;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
    location / { auth_request /_auth; }
  }
  server {
    listen 127.0.0.1:19203;
    root $D/www;
    location / { auth_basic "test"; auth_basic_user_file $D/htpasswd; }
  }
}
CONF
"$BIN" serve --htpasswd "$D/htpasswd" --listen 127.0.0.1:19201 --trusted-proxy 127.0.0.1/32 2>"$D/serve.log" &
PIDS+=($!)
"$NGINX" -p "$D" -c "$D/nginx.conf" &
PIDS+=($!)
sleep 1
GOOD="Authorization: Basic $(printf 'alice:correct horse' | base64 -w0)"
BAD="Authorization: Basic $(printf 'alice:wrong horse' | base64 -w0)"
for url in http://127.0.0.1:19202/ http://127.0.0.1:19203/ http://127.0.0.1:19201/auth; do
  printf '%s right %s wrong %s\n' "$url" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "$GOOD" "$url")" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "$BAD" "$url")"
done
w() { wrk -t1 -c8 -d5s --latency "$@" | grep -E "requests in|Requests/sec|  50%|  99%|Non-2xx"; }
echo "== nginx auth_request -> serve, right password"; w -H "$GOOD" http://127.0.0.1:19202/
echo "== nginx auth_basic, right password"; w -H "$GOOD" http://127.0.0.1:19203/
echo "== serve directly, right password"; w -H "$GOOD" http://127.0.0.1:19201/auth
for target in "serve directly|http://127.0.0.1:19201/auth" "through nginx auth_request|http://127.0.0.1:19202/"; do
  name=${target%%|*}; url=${target#*|}
  echo "== $name: good user from 192.0.2.1 during a wrong-password flood from 198.51.100.66"
  wrk -t1 -c8 -d7s -H "$BAD" -H "X-Forwarded-For: 198.51.100.66" "$url" > "$D/flood.txt" &
  FLOOD=$!
  sleep 1
  w -H "$GOOD" -H "X-Forwarded-For: 192.0.2.1" "$url"
  wait "$FLOOD"
  echo "   flood: $(grep -E 'requests in' "$D/flood.txt" | xargs)"
done
curl -s http://127.0.0.1:19201/metrics | grep -E '^ingress_auth_(checks_total|cache_hits_total|hashes_total|throttled_total|busy_total)'
