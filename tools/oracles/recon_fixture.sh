#!/usr/bin/env bash
# Regenerates the reconciliation oracle fixtures of crates/kulissi-formats/tests/recon_file.rs:
#   recon-internal.csv, recon-custodian.csv   20,000 positions and the custodian's copy with
#                                             ~1% breaks (the shared peers' gen_recon.py, seed 42)
#   recon-duckdb.csv                          what recon_duckdb.py --out writes for them
#                                             (DuckDB 2.0.1: FULL OUTER JOIN, ORDER BY account, isin)
#
# usage: tools/oracles/recon_fixture.sh [OUTDIR]   (default: the committed fixture directory)
#   VENV   a venv with duckdb==2.0.1 pyarrow==26.0.1 numpy==2.4.6 (default /tmp/peers-venv)
#   PEERS  the shared peer scripts (default ../shared/peers, else /work/shared/peers)
# Both generator and DuckDB are deterministic: the files come out byte for byte the same.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-crates/kulissi-formats/tests/fixtures}
venv=${VENV:-/tmp/peers-venv}
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
"$venv/bin/python" "$peers/gen_recon.py" 20000 "$work" > /dev/null
"$venv/bin/python" "$peers/recon_duckdb.py" 20000 "$work" --out "$work/breaks.csv" > /dev/null
mkdir -p "$out"
cp "$work/recon_20000_internal.csv" "$out/recon-internal.csv"
cp "$work/recon_20000_custodian.csv" "$out/recon-custodian.csv"
cp "$work/breaks.csv" "$out/recon-duckdb.csv"
echo "wrote $out/recon-internal.csv, recon-custodian.csv and recon-duckdb.csv ($versions)"
