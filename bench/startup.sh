#!/usr/bin/env bash
# Start-up with and without a snapshot (issue 9): for each size, a log of generated events
# (`kulissi generate --trades N`: the demo firm's reference data and N bookings, one event
# each, written without periodic snapshots), then `kulissi bench startup`: the writer opened
# by replaying the whole log, a snapshot written, the writer opened from it (medians of RUNS).
# Peak memory of the whole run from /usr/bin/time.
#
# usage: bench/startup.sh [SIZES] [RUNS]     (default "1000000 10000000", 3 runs)
# Needs a release build (cargo build --release -p kulissi). Ends with one JSON line per size.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-"1000000 10000000"}
runs=${2:-3}
kulissi=${KULISSI:-target/release/kulissi}
work=$(mktemp -d "${TMPDIR:-/tmp}/kulissi-startup-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
for n in $sizes; do
  db="$work/startup-$n.db"
  "$kulissi" --db "$db" init >/dev/null
  start=$(date +%s)
  "$kulissi" --db "$db" --snapshot-every 0 generate --trades "$n" >/dev/null
  echo "generated $n trades in $(( $(date +%s) - start )) s"
  /usr/bin/time -f "peak memory %M KiB" "$kulissi" --db "$db" --snapshot-every 0 \
    bench startup --runs "$runs" 2>&1 | tee "$work/out-$n.txt"
  rm -f "$db" "$db-wal" "$db-shm"
done
