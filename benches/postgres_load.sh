#!/usr/bin/env bash
# PostgreSQL beside SQLite (issue 15), in one run on this machine:
#   1. import: the same café purchases into a SQLite file and into PostgreSQL;
#   2. serve: single-event POSTs (wrk, Debian package `wrk`) to one process on SQLite,
#      then to 1, 2 and 3 processes on one PostgreSQL database (each process gets its
#      share of the connections; throughput is the sum, p99 the worst of them).
# The PostgreSQL cluster is a throwaway one with PostgreSQL's own durability settings
# (.ci/postgres start DIR durable); every answered event is committed (synchronous_commit
# on, as SQLite's synchronous=FULL in the host process).
# Usage: benches/postgres_load.sh [SECONDS] [CONNECTIONS] [PURCHASES]
set -euo pipefail
seconds=${1:-10}
connections=${2:-24}
purchases=${3:-20000}
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v wrk > /dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk > /dev/null
fi
bin=${BASHGAH_BIN:-$root/target/release/bashgah}
[ -n "${BASHGAH_BIN:-}" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml"
work=$(mktemp -d)
cluster=$(mktemp -d /tmp/bashgah-bench-postgres.XXXXXX)
servers=()
stop() {
    for pid in "${servers[@]}"; do kill "$pid" 2> /dev/null || true; done
    "$root/.ci/postgres" stop "$cluster" || true
    rm -rf "$work" "$cluster"
}
trap stop EXIT
url=$("$root/.ci/postgres" start "$cluster" durable)
cp -r "$root/policies" "$work/policies"
cd "$work"
export BASHGAH_KEY=bench-key
hash=$(printf '%s' "$BASHGAH_KEY" | sha256sum | cut -d' ' -f1)
printf 'keys:\n  - {name: bench, sha256: %s, clubs: [cafe]}\n' "$hash" > keys.yaml

# Purchases by 5,000 members over a year, in time order.
python3 - "$purchases" > purchases.csv << 'PY'
import sys
n = int(sys.argv[1])
print("id,member,date,amount")
for i in range(n):
    day = 1 + (i * 365) // n
    month, mday = 1 + (day - 1) // 31, 1 + (day - 1) % 31
    month, mday = min(month, 12), min(mday, 29)
    print(f"P{i},M{(i * 7919) % 5000},1403-{month:02d}-{mday:02d} 10:00,{100000 + (i * 37) % 900000}")
PY

seconds_of() { /usr/bin/time -f "%e" "$@" 2>&1 > /dev/null | tail -n 1; }
echo "== import: $purchases purchases by 5,000 members, café club"
sqlite=$(seconds_of "$bin" import cafe purchases.csv --db import.sqlite)
postgres=$(seconds_of "$bin" --database "$url" import cafe purchases.csv)
awk -v n="$purchases" -v s="$sqlite" -v p="$postgres" 'BEGIN {
    printf "SQLite      %6.2f s  %8.0f events/s\n", s, n / s
    printf "PostgreSQL  %6.2f s  %8.0f events/s  (%.1fx the time)\n", p, n / p, p / s }'

echo "== migrate: the SQLite ledger just imported, copied into an empty PostgreSQL database"
mkdir -p data && cp import.sqlite data/cafe.sqlite
psql "$url" -qc "CREATE DATABASE migrated"
migrate=$(seconds_of "$bin" migrate cafe --to "${url%/*}/migrated")
awk -v n="$purchases" -v s="$sqlite" -v m="$migrate" 'BEGIN {
    printf "migrate     %6.2f s  %8.0f events/s  (%.1fx the SQLite import'"'"'s time)\n", m, n / m, m / s }'

# Starts `bashgah serve` with these global options; its address goes to `started`.
start_server() {
    local out="server.$RANDOM$RANDOM.out"
    RUST_LOG=warn "$bin" "$@" serve --listen 127.0.0.1:0 > "$out" 2> /dev/null &
    servers+=("$!")
    for _ in $(seq 100); do grep -q listening "$out" 2> /dev/null && break; sleep 0.1; done
    started=$(sed -n 's/^listening on //p' "$out")
}

# Runs wrk against each address at once; prints the sum of requests/s and the worst p99.
load() {
    local label=$1; shift
    local share=$(( connections / $# )) i=0 pids=()
    for address in "$@"; do
        i=$((i + 1))
        PREFIX="$label$i-" wrk -t1 -c"$share" -d"${seconds}s" -s "$root/benches/serve_events.lua" "$address" > "wrk.$label.$i" &
        pids+=("$!")
    done
    wait "${pids[@]}"
    cat wrk."$label".* | awk -v label="$label" -v n="$#" '
        /^requests/ { errors += $4 }
        /^throughput/ { total += $2 }
        /^latency/ { gsub(",", ""); if ($6 > p99) p99 = $6 }
        END { printf "%-24s %3d process(es)  %7.0f events/s  p99 %6.2f ms  errors %d\n", label, n, total, p99, errors }'
}

echo "== serve: one event per POST, ${seconds}s, $connections connections in all"
start_server --data sqlite-data
load sqlite "$started"
kill "${servers[@]}"; wait "${servers[@]}" 2> /dev/null || true; servers=()
for count in 1 2 3; do
    addresses=()
    for _ in $(seq "$count"); do
        start_server --database "$url"
        addresses+=("$started")
    done
    load "postgres$count" "${addresses[@]}"
    kill "${servers[@]}"; wait "${servers[@]}" 2> /dev/null || true; servers=()
done
psql "$url" -Atc "SELECT 'events in PostgreSQL: ' || COUNT(*) FROM club_cafe.events"
