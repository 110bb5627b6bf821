#!/usr/bin/env bash
# Instructions per single-event POST, thread by thread, counted by callgrind (Debian's
# `valgrind`): a figure that does not move with the machine's load, for changes too small
# for `serve_load.sh`'s events/s to show on a shared machine.
#
# The server runs under callgrind (threads counted apart) on the 3-rule benchmark club
# (benches/club); one connection posts 200 events to warm up, then N; a second run posts
# 200 + M. The difference between the two runs, divided by M − N, is what one post costs
# each thread, without start-up and shut-down. Posts go one at a time, so every post is
# a group and a commit of its own (under load, 16 or so posts share one).
#
# Usage: benches/serve_instructions.sh BIN [BIN...]   (N = 300, M = 1300; env N, M)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
first=${N:-300}
second=${M:-1300}
if ! command -v valgrind > /dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind > /dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat > "$out/post.py" << 'EOF'
import http.client, os, sys
url, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host, port = url.replace("http://", "").split(":")
connection = http.client.HTTPConnection(host, int(port))
headers = {"Authorization": "Bearer " + os.environ["BASHGAH_KEY"], "Content-Type": "application/json"}
for i in range(n):
    body = '{"id":"L%s-%d","member":"m%07d","date":"2025-06-14","amount":"%d","channel":"app","store":"s01"}' % (
        prefix, i, i % 10000, 50000 + (i * 7919) % 2000000)
    connection.request("POST", "/v1/clubs/club/events", body, headers)
    answer = connection.getresponse()
    answer.read()
    assert answer.status in (200, 201), answer.status
EOF
run() { # BIN POSTS FOLDER
    local work server url
    work=$(mktemp -d)
    mkdir -p "$work/policies" "$3"
    cp -r "$root/benches/club" "$work/policies/club"
    export BASHGAH_KEY=bench-key
    printf 'keys:\n  - {name: bench, sha256: %s, clubs: [club]}\n' \
        "$(printf '%s' "$BASHGAH_KEY" | sha256sum | cut -d' ' -f1)" > "$work/keys.yaml"
    (cd "$work" && RUST_LOG=warn exec valgrind --tool=callgrind --separate-threads=yes \
        --callgrind-out-file="$3/cg.%p" "$1" serve --listen 127.0.0.1:0 > server.out 2> server.err) &
    server=$!
    for _ in $(seq 600); do grep -q listening "$work/server.out" 2> /dev/null && break; sleep 0.1; done
    url=$(sed -n 's/^listening on //p' "$work/server.out")
    python3 "$out/post.py" "$url" 200 warm
    python3 "$out/post.py" "$url" "$2" run
    kill -INT $server
    wait $server || true
    rm -rf "$work"
}
for bin in "$@"; do
    run "$bin" "$first" "$out/a"
    run "$bin" "$second" "$out/b"
    python3 - "$out/a" "$out/b" "$((second - first))" "$bin" << 'EOF'
import glob, re, sys
def threads(folder):
    counts = {}
    for path in glob.glob(folder + "/cg.*-*"):
        name, total = re.search(r"-(\d+)$", path).group(1), 0
        for line in open(path):
            if line.startswith("summary:"):
                total = int(line.split()[1])
                break
        counts[int(name)] = total
    return counts
a, b, posts = threads(sys.argv[1]), threads(sys.argv[2]), int(sys.argv[3])
each = {t: (b.get(t, 0) - a.get(t, 0)) / posts for t in set(a) | set(b)}
busiest = sorted(each.items(), key=lambda x: -x[1])[:3]
print("%s: %.0f instructions a post; busiest threads %s (the first is the club's ledger thread)"
      % (sys.argv[4], sum(each.values()), ", ".join("%.0f" % x for _, x in busiest)))
EOF
    rm -rf "$out/a" "$out/b"
done
