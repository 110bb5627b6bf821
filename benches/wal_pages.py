#!/usr/bin/env python3
"""Which tables and indexes the commits in a SQLite write-ahead log wrote, page by page.

Usage: benches/wal_pages.py LEDGER [EVENTS]

LEDGER is a copy of a ledger file with its `-wal` beside it, taken while the writer was
still open (a clean shutdown checkpoints the log and removes it). The log holds the
commits since it last started over (at most some 1,000 pages on the ledger thread's
default checkpoint), so this is a sample of the latest ones. Each page a commit wrote is
named after the b-tree it belongs to (SQLite's `dbstat`, in Debian's `sqlite3`). With
EVENTS, the events those commits recorded, pages are also given per event.

Used by benches/serve_load.sh (issue 14: a post waits for its commit's pages to be
flushed, so fewer pages per event is what makes posts faster).
"""
import collections
import struct
import subprocess
import sys


def frames(log):
    """(page number, whether it ends a commit) of each valid frame, in order."""
    data = open(log, "rb").read()
    if len(data) < 32:
        return []
    _, _, page_size, _, salt1, salt2, _, _ = struct.unpack(">IIIIIIII", data[:32])
    found, offset = [], 32
    while offset + 24 + page_size <= len(data):
        page, commit_size, s1, s2 = struct.unpack(">IIII", data[offset:offset + 16])
        if (s1, s2) != (salt1, salt2):
            break  # a frame of an earlier pass over the file
        found.append((page, commit_size != 0))
        offset += 24 + page_size
    return found


def main():
    ledger = sys.argv[1]
    events = int(sys.argv[2]) if len(sys.argv) > 2 else None
    written = frames(ledger + "-wal")
    listing = subprocess.run(["sqlite3", ledger, "SELECT pageno, name FROM dbstat"],
                             capture_output=True, text=True, check=True).stdout
    owner = {int(line.split("|")[0]): line.split("|")[1]
             for line in listing.splitlines() if "|" in line}
    commits = sum(1 for _, ends in written if ends)
    if not commits:
        print("no whole commit in the log")
        return
    last = max(i for i, (_, ends) in enumerate(written) if ends)
    counts = collections.Counter(owner.get(page, "?") for page, _ in written[:last + 1])
    total = sum(counts.values())
    print(f"{commits} commits in the log, {total / commits:.1f} pages each")
    for name, count in counts.most_common():
        per_event = f", {count / events:.3f} an event" if events else ""
        print(f"  {name:<32} {count / commits:5.2f} a commit ({100 * count / total:4.1f} %){per_event}")


if __name__ == "__main__":
    main()
