#!/usr/bin/env bash
# The booking benchmark of two builds, interleaved (A B A B ...), so that the machine's drift
# falls on both alike: `kulissi bench booking --trades N` on SQLite (and on PostgreSQL with
# PG=postgres://...), ROUNDS rounds. Prints each run's trades per second and the medians.
#
# usage: bench/booking_vs_previous.sh PREVIOUS_BINARY [CURRENT_BINARY] [N] [ROUNDS]
#   e.g. git worktree add /tmp/prev 88c8645 && (cd /tmp/prev && cargo build --release -p kulissi)
#        bench/booking_vs_previous.sh /tmp/prev/target/release/kulissi
set -euo pipefail
cd "$(dirname "$0")/.."
previous=$1
current=${2:-target/release/kulissi}
n=${3:-1000000}
rounds=${4:-3}
run() { # binary, db args...
  local bin=$1; shift
  "$bin" "$@" bench booking --trades "$n" | tail -n 1 \
    | python3 -c 'import json,sys; print(round(json.loads(sys.stdin.read())["per_second"]))'
}
for backend in sqlite ${PG:+postgres}; do
  args=()
  [ "$backend" = postgres ] && args=(--db "$PG")
  prev_rates=(); cur_rates=()
  for r in $(seq 1 "$rounds"); do
    p=$(run "$previous" "${args[@]}"); c=$(run "$current" "${args[@]}")
    echo "$backend round $r: previous $p trades/s, current $c trades/s"
    prev_rates+=("$p"); cur_rates+=("$c")
  done
  python3 - "$backend" "${prev_rates[*]}" "${cur_rates[*]}" <<'PY'
import json, statistics, sys
backend, prev, cur = sys.argv[1], [int(x) for x in sys.argv[2].split()], [int(x) for x in sys.argv[3].split()]
p, c = statistics.median(prev), statistics.median(cur)
print(json.dumps({"bench": "booking-vs-previous", "backend": backend, "previous_median": p,
                  "current_median": c, "ratio": round(c / p, 3)}))
PY
done
