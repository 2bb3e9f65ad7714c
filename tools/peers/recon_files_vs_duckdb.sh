#!/usr/bin/env bash
# CI check: `kulissi recon files` writes byte for byte what DuckDB writes.
#
# usage: tools/peers/recon_files_vs_duckdb.sh [N]     (N internal rows, default 1000000)
#   KULISSI  the binary (default target/release/kulissi; build it first)
#   VENV     a venv with duckdb==2.0.1 pyarrow==26.0.1 numpy==2.4.6 (default /tmp/peers-venv;
#            created and filled if it has no python)
#   PEERS    the shared peer scripts (default ../shared/peers, else /work/shared/peers)
# Generates N positions and the custodian's copy with ~1% breaks (gen_recon.py, seed 42),
# reconciles them with kulissi and with recon_duckdb.py --out, and `cmp`s the two files.
# Exit status 0 when they are identical, non-zero on any difference or failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000000}
kulissi=${KULISSI:-target/release/kulissi}
venv=${VENV:-/tmp/peers-venv}
if [ -z "${PEERS:-}" ]; then
  if [ -d ../shared/peers ]; then peers=$(cd ../shared/peers && pwd); else peers=/work/shared/peers; fi
else
  peers=$PEERS
fi
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -c 'import duckdb, pyarrow, numpy' 2>/dev/null ||
  "$venv/bin/pip" install --quiet --disable-pip-version-check duckdb==2.0.1 pyarrow==26.0.1 numpy==2.4.6
work=$(mktemp -d /tmp/kulissi-recon-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" "$peers/gen_recon.py" "$n" "$work" > /dev/null
"$kulissi" recon files --ours "$work/recon_${n}_internal.csv" --theirs "$work/recon_${n}_custodian.csv" \
  --key account,isin --compare quantity --out "$work/breaks_kulissi.csv"
"$venv/bin/python" "$peers/recon_duckdb.py" "$n" "$work" --out "$work/breaks_duckdb.csv"
expected=$(sed -n 's/^breaks=//p' "$work/recon_$n.expected")
got=$(($(wc -l < "$work/breaks_kulissi.csv") - 1))
if cmp "$work/breaks_kulissi.csv" "$work/breaks_duckdb.csv" && [ "$got" = "$expected" ]; then
  echo "OK: kulissi recon files and DuckDB wrote identical files ($got breaks, as generated, in $n positions)"
else
  diff "$work/breaks_kulissi.csv" "$work/breaks_duckdb.csv" | head -n 20
  echo "FAIL: kulissi recon files differs from DuckDB on $n positions ($got breaks, $expected generated)"
  exit 1
fi
