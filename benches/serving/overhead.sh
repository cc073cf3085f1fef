#!/usr/bin/env bash
# The tower layer's cost, by alternating runs (issue 14): the axum_static example with the
# layer and without it (--no-auth) serve the same directory; wrk measures each in turn, ROUNDS
# times per URL, so that a change in the machine's load hits both sides alike. Prints each pair
# and the median of the per-pair ratios.
#
# Usage: benches/serving/overhead.sh [ROUNDS] [SECONDS]   (default 6 rounds of 3 s; needs wrk
# and htpasswd). Every process it starts is stopped by pid.
set -euo pipefail

ROUNDS=${1:-6}
SECS=${2:-3}
# shellcheck source=benches/serving/common.sh
source "$(dirname "$0")/common.sh"

"$EXAMPLE" --htpasswd "$WORK/htpasswd" --listen 127.0.0.1:18181 "$WORK/www" & PIDS+=($!)
declare -A SERVER=([18181]=$!)
"$EXAMPLE" --htpasswd "$WORK/htpasswd" --listen 127.0.0.1:18182 --no-auth "$WORK/www" & PIDS+=($!)
SERVER[18182]=$!
wait_port 18181; wait_port 18182
for port in 18181 18182; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "http://127.0.0.1:$port/index.html")
  [[ $code == 200 ]] || { echo "127.0.0.1:$port answered $code with the credentials" >&2; exit 1; }
done
code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18181/index.html)
[[ $code == 401 ]] || { echo "the layer answered $code without credentials" >&2; exit 1; }

# One wrk run: "REQUESTS_PER_S CPU_US_PER_REQUEST", the second from the server's own CPU time
# (utime + stime in /proc/PID/stat) over the requests it served: less sensitive to the load of
# other processes than the rate.
rps() { # port path
  local pid=${SERVER[$1]} t0 t1 out
  t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(wrk -t1 -c8 -d"${SECS}s" -H "$AUTH" "http://127.0.0.1:$1$2")
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '
    /requests in/ {n = $1} /Requests\/sec/ {r = $2}
    END {printf "%s %.2f\n", r, t / hz * 1e6 / n}' <<<"$out"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t1 -c8 -d${SECS}s, keep-alive, $ROUNDS alternating rounds per URL"
for path in /hello /index.html; do
  echo
  echo "| $path round | with layer (req/s) | without (req/s) | with / without | server CPU with (µs/req) | without | difference |"
  echo "|---|---|---|---|---|---|---|"
  ratios=() diffs=()
  for round in $(seq 1 "$ROUNDS"); do
    # Alternate which side goes first, so a trend in the load does not favour one.
    if (( round % 2 )); then read -r a ca < <(rps 18181 "$path"); read -r b cb < <(rps 18182 "$path")
    else read -r b cb < <(rps 18182 "$path"); read -r a ca < <(rps 18181 "$path"); fi
    r=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", a / b}')
    d=$(awk -v a="$ca" -v b="$cb" 'BEGIN {printf "%.2f", a - b}')
    ratios+=("$r") diffs+=("$d")
    echo "| $round | $a | $b | $r | $ca | $cb | $d |"
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
  m=$(median "${ratios[@]}")
  echo "| median | | | $m (layer cost $(awk -v m="$m" 'BEGIN {printf "%.1f", (1 - m) * 100}') %) | | | $(median "${diffs[@]}") µs |"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
