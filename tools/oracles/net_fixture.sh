#!/usr/bin/env bash
# Regenerates the netting oracle fixtures of crates/kulissi-formats/tests/net_file.rs:
#   net-trades.csv   12,000 trades from the shared peers' gen_trades.py (seed 7, 20
#                    counterparties, 60 ISINs, 5 trade dates; pyarrow writes the header quoted)
#   net-duckdb.csv   what net_duckdb.py --out writes for them (DuckDB 2.0.1: GROUP BY ALL,
#                    exact DECIMAL(38,4) cash, ORDER BY ALL)
#
# usage: tools/oracles/net_fixture.sh [OUTDIR]   (default: the committed fixture directory)
#   VENV   a venv with duckdb==2.0.1 pyarrow==26.0.1 numpy==2.4.6 (default /tmp/peers-venv;
#          created and filled if it has no python)
#   PEERS  the shared peer scripts (default /work/shared/peers)
# Both generator and DuckDB are deterministic: the files come out byte for byte the same.
# To check the committed files:  d=$(mktemp -d); tools/oracles/net_fixture.sh "$d" &&
#   cmp "$d/net-trades.csv" crates/kulissi-formats/tests/fixtures/net-trades.csv &&
#   cmp "$d/net-duckdb.csv" crates/kulissi-formats/tests/fixtures/net-duckdb.csv
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-crates/kulissi-formats/tests/fixtures}
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
versions=$("$venv/bin/python" -c 'import duckdb, pyarrow, numpy; print(f"duckdb {duckdb.__version__} pyarrow {pyarrow.__version__} numpy {numpy.__version__}")')
[ "$versions" = "duckdb 2.0.1 pyarrow 26.0.1 numpy 2.4.6" ] ||
  echo "warning: the fixtures were made with duckdb 2.0.1 pyarrow 26.0.1 numpy 2.4.6; this venv has $versions" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" "$peers/gen_trades.py" 12000 "$work" --seed 7 --cps 20 --isins 60 --days 5 > /dev/null
"$venv/bin/python" "$peers/net_duckdb.py" 12000 "$work" --out "$work/net.csv" > /dev/null
mkdir -p "$out"
cp "$work/trades_12000.csv" "$out/net-trades.csv"
cp "$work/net.csv" "$out/net-duckdb.csv"
echo "wrote $out/net-trades.csv and $out/net-duckdb.csv ($versions)"
