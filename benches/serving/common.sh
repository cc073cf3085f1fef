# Sourced by the serving benchmarks (compare.sh, overhead.sh): a work directory, the processes
# started (stopped by pid on exit), the tools checked, a bcrypt cost-10 htpasswd file with one
# user and a directory to serve, and the example built in release mode.
# Sets ROOT, WORK, PIDS, USER_NAME, PASSWORD, HASH, AUTH, EXAMPLE.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/htpasswd-serving.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1; }
need wrk || { echo "SKIPPED: wrk not installed (apt-get install -y wrk)"; exit 0; }
need htpasswd || { echo "SKIPPED: htpasswd not installed (apache2-utils)"; exit 0; }

USER_NAME=alice
PASSWORD='correct horse battery'
htpasswd -B -C 10 -b -c "$WORK/htpasswd" "$USER_NAME" "$PASSWORD" 2>/dev/null
HASH=$(cut -d: -f2 "$WORK/htpasswd")
mkdir -p "$WORK/www"
printf 'hello\n' > "$WORK/www/index.html"
# nginx's workers run as another user: let them read the file and the directory.
chmod 755 "$WORK" "$WORK/www"; chmod 644 "$WORK/htpasswd" "$WORK/www/index.html"
AUTH="Authorization: Basic $(printf '%s:%s' "$USER_NAME" "$PASSWORD" | base64 -w0)"

wait_port() { # port
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "port $1 never opened" >&2; return 1
}

cargo build -q --release -p tower-htpasswd --example axum_static --manifest-path "$ROOT/Cargo.toml"
EXAMPLE="$ROOT/target/release/examples/axum_static"
