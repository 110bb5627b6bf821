#!/usr/bin/env bash
# Load run of `bashgah serve` on loopback with wrk (Debian package `wrk`):
#   1. baseline: GET /v1/health (HTTP and routing only, no ledger);
#   2. single-event POSTs of café purchases, each committed with synchronous=FULL
#      before it is answered;
#   3. which tables and indexes the latest commits wrote (benches/wal_pages.py, with
#      Debian's sqlite3 and python3 where the machine has them).
# Usage: benches/serve_load.sh [SECONDS] [CONNECTIONS]
# BASHGAH_BIN=path runs that binary instead of building this checkout (to compare builds).
# BASHGAH_SERVE_CLUB=club or =realistic posts to the import benchmark's club of that name
# (benches/club, benches/realistic: IRR purchases on a Saturday of 2025) instead of the café.
set -euo pipefail
seconds=${1:-20}
connections=${2:-32}
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v wrk >/dev/null; then
    # Debian's wrk, installed here when the machine lacks it.
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
bin=${BASHGAH_BIN:-$root/target/release/bashgah}
[ -n "${BASHGAH_BIN:-}" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml"
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
export CLUB=${BASHGAH_SERVE_CLUB:-cafe}
if [ "$CLUB" = cafe ]; then
    cp -r "$root/policies" "$work/policies"
else
    mkdir -p "$work/policies"
    cp -r "$root/benches/$CLUB" "$work/policies/$CLUB"
fi
export BASHGAH_KEY=bench-key
hash=$(printf '%s' "$BASHGAH_KEY" | sha256sum | cut -d' ' -f1)
printf 'keys:\n  - {name: bench, sha256: %s, clubs: [%s]}\n' "$hash" "$CLUB" > "$work/keys.yaml"
cd "$work"
RUST_LOG=warn "$bin" serve --listen 127.0.0.1:0 > server.out 2> server.err &
server=$!
for _ in $(seq 100); do grep -q listening server.out 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' server.out)
echo "== baseline: GET /v1/health, ${seconds}s, $connections connections"
MODE=health wrk -t2 -c"$connections" -d"${seconds}s" -s "$root/benches/serve_events.lua" "$url" | grep -E "^(requests|throughput|latency)"
echo "== POST /v1/clubs/$CLUB/events, one event per request, ${seconds}s, $connections connections"
# The club's ledger thread's CPU time (user + system, clock ticks) around the run: per
# event, a figure that moves less with the machine's load than events/s does.
# (Linux keeps a thread's first 15 characters of name.)
thread_name="ledger-$CLUB"
ledger_thread=$(grep -l "^${thread_name:0:15}\$" /proc/"$server"/task/*/comm | head -1 | xargs dirname)
ticks() { awk '{print $14 + $15}' "$ledger_thread/stat"; }
before=$(ticks)
wrk -t2 -c"$connections" -d"${seconds}s" -s "$root/benches/serve_events.lua" "$url" | tee wrk.out | grep -E "^(requests|throughput|latency)"
after=$(ticks)
posted=$(sed -n 's/^requests \([0-9]*\),.*/\1/p' wrk.out)
echo "ledger thread CPU per event: $(( (after - before) * 1000000 / $(getconf CLK_TCK) / posted )) µs"
# A copy of the ledger and its log while the server still has them open (a clean
# shutdown checkpoints the log away): which tables and indexes the latest commits wrote.
cp "data/$CLUB.sqlite" sample.sqlite && cp "data/$CLUB.sqlite-wal" sample.sqlite-wal 2>/dev/null || true
events=$(sqlite3 "data/$CLUB.sqlite" "SELECT COUNT(*) FROM events" 2>/dev/null || echo "?")
echo "events in the ledger: $events"
if command -v sqlite3 >/dev/null && command -v python3 >/dev/null && [ -f sample.sqlite-wal ]; then
    echo "== pages the latest commits wrote, by table and index (benches/wal_pages.py)"
    python3 "$root/benches/wal_pages.py" sample.sqlite | head -13
fi
