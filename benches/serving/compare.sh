#!/usr/bin/env bash
# Serving-time basic auth under load (issue 14), all on 127.0.0.1 with keep-alive, one load
# generator (wrk) for all, one bcrypt cost-10 htpasswd file, the same credentials repeated:
#
#   1. tower-htpasswd's axum_static example vs the same app without the layer (--no-auth),
#   2. nginx auth_basic and Caddy basicauth serving the same file and directory,
#   3. a flood of wrong passwords for random users (one address) while one good user with a
#      cached password keeps requesting: the good user's latency percentiles.
#
# Usage: benches/serving/compare.sh [SECONDS]   (default 5 s per run; needs wrk, nginx, caddy,
# htpasswd; each missing server is SKIPPED). Every process it starts is stopped by pid.
set -euo pipefail

SECS=${1:-5}
# shellcheck source=benches/serving/common.sh
source "$(dirname "$0")/common.sh"

# wrk's summary: requests/s and latency percentiles (after checking the URL refuses anonymous
# requests and serves the credentials).
run_wrk() { # label url [extra wrk args...]
  local label=$1 url=$2; shift 2
  local anon authed
  anon=$(curl -s -o /dev/null -w '%{http_code}' "$url")
  authed=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "$url")
  if [[ $label != *no-auth* && $anon != 401 ]] || [[ $authed != 200 ]]; then
    printf '| %s | INVALID: anonymous %s, with credentials %s | | | |\n' "$label" "$anon" "$authed"
    return
  fi
  local out
  out=$(wrk -t1 -c8 -d"${SECS}s" --latency -H "$AUTH" "$@" "$url")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '| %s | %s | %s | %s | %s |\n' "$label" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "file: one user, $(cut -c1-7 <<<"$HASH")... (bcrypt cost 10); wrk -t1 -c8 -d${SECS}s, keep-alive"
echo
echo "| server | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"

# 1. The example, with and without the layer.
"$EXAMPLE" --htpasswd "$WORK/htpasswd" --listen 127.0.0.1:18081 "$WORK/www" & PIDS+=($!)
"$EXAMPLE" --htpasswd "$WORK/htpasswd" --listen 127.0.0.1:18082 --no-auth "$WORK/www" & PIDS+=($!)
wait_port 18081; wait_port 18082
curl -sf -o /dev/null -H "$AUTH" http://127.0.0.1:18081/index.html # warm the cache
run_wrk "axum_static + tower-htpasswd, file" http://127.0.0.1:18081/index.html
run_wrk "axum_static --no-auth, file" http://127.0.0.1:18082/index.html
run_wrk "axum_static + tower-htpasswd, /hello" http://127.0.0.1:18081/hello
run_wrk "axum_static --no-auth, /hello" http://127.0.0.1:18082/hello

# 2. nginx auth_basic.
if need nginx; then
  cat > "$WORK/nginx.conf" <<CONF
worker_processes $(nproc);
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:18083;
    root $WORK/www;
    auth_basic "bench";
    auth_basic_user_file $WORK/htpasswd;
    # empty_gif is a content handler: it runs after auth_basic (a "return" would run before it).
    location = /hello { empty_gif; }
  }
}
CONF
  nginx -c "$WORK/nginx.conf" -p "$WORK" & PIDS+=($!)
  wait_port 18083
  run_wrk "nginx $(nginx -v 2>&1 | cut -d/ -f2) auth_basic, file" http://127.0.0.1:18083/index.html
  run_wrk "nginx auth_basic, /hello" http://127.0.0.1:18083/hello
else
  echo "| nginx | SKIPPED (not installed) | | | |"
fi

# 3. Caddy basicauth (Caddy caches verdicts since 2.4).
if need caddy; then
  cat > "$WORK/Caddyfile" <<CONF
{
  admin off
  auto_https off
}
http://127.0.0.1:18084 {
  root * $WORK/www
  basicauth {
    $USER_NAME $HASH
  }
  respond /hello "hello" 200
  file_server
}
CONF
  XDG_DATA_HOME="$WORK" XDG_CONFIG_HOME="$WORK" caddy run --config "$WORK/Caddyfile" --adapter caddyfile >"$WORK/caddy.log" 2>&1 & PIDS+=($!)
  wait_port 18084
  curl -sf -o /dev/null -H "$AUTH" http://127.0.0.1:18084/index.html || { echo "caddy refused the credentials:"; tail -5 "$WORK/caddy.log"; }
  run_wrk "caddy $(caddy version | cut -d' ' -f1) basicauth, file" http://127.0.0.1:18084/index.html
  run_wrk "caddy basicauth, /hello" http://127.0.0.1:18084/hello
else
  echo "| caddy | SKIPPED (not installed) | | | |"
fi

# 4. Flood: wrong passwords for random users, while the good user requests (cached).
cat > "$WORK/flood.lua" <<'LUA'
local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function enc(s)
  return ((s:gsub('.', function(x)
    local r, b = '', x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and '1' or '0') end
    return r
  end) .. '0000'):gsub('%d%d%d?%d?%d?%d?', function(x)
    if #x < 6 then return '' end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == '1' and 2 ^ (6 - i) or 0) end
    return b64:sub(c + 1, c + 1)
  end) .. ({ '', '==', '=' })[#s % 3 + 1])
end
request = function()
  local cred = enc("user" .. math.random(1, 1000000) .. ":guess" .. math.random(1, 1000000))
  return wrk.format("GET", "/index.html", { ["Authorization"] = "Basic " .. cred })
end
LUA
echo
echo "flood: wrk -t1 -c8 -s flood.lua (random users, wrong passwords) against axum_static while the good user runs wrk -t1 -c1:"
echo
echo "| client | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
wrk -t1 -c8 -d"$((SECS + 2))s" --latency -s "$WORK/flood.lua" http://127.0.0.1:18081/ >"$WORK/flood.out" & FLOOD=$!
PIDS+=($FLOOD)
sleep 1
out=$(wrk -t1 -c1 -d"${SECS}s" --latency -H "$AUTH" http://127.0.0.1:18081/index.html)
printf '| good user (cached) | %s | %s | %s | %s |\n' "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
  "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")" \
  "$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
wait "$FLOOD" || true
printf '| flood | %s | %s | %s | %s (401 then 429) |\n' "$(awk '/Requests\/sec/ {print $2}' "$WORK/flood.out")" \
  "$(awk '$1=="50%" {print $2}' "$WORK/flood.out")" "$(awk '$1=="99%" {print $2}' "$WORK/flood.out")" \
  "$(awk '/Non-2xx/ {print $NF}' "$WORK/flood.out")"
