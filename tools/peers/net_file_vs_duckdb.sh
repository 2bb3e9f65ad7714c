#!/usr/bin/env bash
# CI check: `kulissi settle net-file` writes byte for byte what DuckDB writes.
#
# usage: tools/peers/net_file_vs_duckdb.sh [N]     (N trades, default 1000000)
#   KULISSI  the binary (default target/release/kulissi; build it first)
#   VENV     a venv with duckdb==2.0.1 pyarrow==26.0.1 numpy==2.4.6 (default /tmp/peers-venv;
#            created and filled if it has no python)
#   PEERS    the shared peer scripts (default /work/shared/peers)
# Generates N trades with gen_trades.py (seed 7, 200 counterparties, 1000 ISINs, 5 trade
# dates), nets them with kulissi and with net_duckdb.py --out, and `cmp`s the two files.
# Exit status 0 when they are identical, non-zero on any difference or failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000000}
kulissi=${KULISSI:-target/release/kulissi}
venv=${VENV:-/tmp/peers-venv}
# The shared peer scripts: beside the repository (../shared/peers), else this machine's.
if [ -z "${PEERS:-}" ]; then
  if [ -d ../shared/peers ]; then peers=$(cd ../shared/peers && pwd); else peers=/work/shared/peers; fi
else
  peers=$PEERS
fi
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -c 'import duckdb, pyarrow, numpy' 2>/dev/null ||
  "$venv/bin/pip" install --quiet --disable-pip-version-check duckdb==2.0.1 pyarrow==26.0.1 numpy==2.4.6
work=$(mktemp -d /tmp/kulissi-net-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" "$peers/gen_trades.py" "$n" "$work"
"$kulissi" settle net-file --trades "$work/trades_$n.csv" --out "$work/net_kulissi.csv"
"$venv/bin/python" "$peers/net_duckdb.py" "$n" "$work" --out "$work/net_duckdb.csv"
if cmp "$work/net_kulissi.csv" "$work/net_duckdb.csv"; then
  echo "OK: kulissi settle net-file and DuckDB wrote identical files ($(($(wc -l < "$work/net_duckdb.csv") - 1)) groups of $n trades)"
else
  diff "$work/net_kulissi.csv" "$work/net_duckdb.csv" | head -n 20
  echo "FAIL: kulissi settle net-file differs from DuckDB on $n trades"
  exit 1
fi
