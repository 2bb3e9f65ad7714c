#!/usr/bin/env bash
# Netting a trade file: `kulissi settle net-file` beside DuckDB and polars.
#
# usage: bench/net_peers.sh [N]        (N trades, default 10000000)
#   ROUNDS   interleaved rounds (default 3): kulissi, duckdb, polars, then again
#   KULISSI  the binary (default target/release/kulissi; cargo build --release -p kulissi)
#   VENV     the peers' venv (default /tmp/peers-venv: duckdb==2.0.1 polars==2.1.0
#            pyarrow==26.0.1 numpy==2.4.6, see /work/shared/peers/setup_peers.sh)
#   PEERS    the shared peer scripts (default /work/shared/peers)
#   DATA     where trades_N.csv is generated once and kept (default /tmp/pdata)
#
# Each run is one process under /usr/bin/time -f '%e %M': wall seconds and peak RSS. The
# Python peers' wall time includes starting the interpreter and importing the library (what
# an operations team running the script pays); their own timer (`secs=`, after the imports)
# is printed beside it. All three write the netted file; kulissi's and polars' are `cmp`ed
# with DuckDB's after every round. Prints every run, the medians, the ratios kulissi/duckdb
# (time and memory), and ends with one JSON line.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000000}
rounds=${ROUNDS:-3}
kulissi=${KULISSI:-target/release/kulissi}
venv=${VENV:-/tmp/peers-venv}
peers=${PEERS:-/work/shared/peers}
data=${DATA:-/tmp/pdata}
py="$venv/bin/python"
mkdir -p "$data"
work=$(mktemp -d /tmp/kulissi-net-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -f "$data/trades_$n.csv" ] || "$py" "$peers/gen_trades.py" "$n" "$data"
trades="$data/trades_$n.csv"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); $("$kulissi" --version)"
echo "peers: $("$py" -c 'import duckdb, polars; print(f"duckdb {duckdb.__version__}, polars {polars.__version__}")')"
echo "input: $trades ($(du -h "$trades" | cut -f1), $n trades)"

# run TOOL ROUND: one run, its figures appended to $work/TOOL.tsv (wall_s rss_mib).
run() {
  local tool=$1 round=$2 out="$work/net_$1.csv"
  rm -f "$out"
  case $tool in
    kulissi) cmd=("$kulissi" settle net-file --trades "$trades" --out "$out") ;;
    duckdb) cmd=("$py" "$peers/net_duckdb.py" "$n" "$data" --out "$out") ;;
    polars) cmd=("$py" "$peers/net_polars.py" "$n" "$data" --out "$out") ;;
  esac
  /usr/bin/time -f '%e %M' -o "$work/$tool.time" timeout "${TIMEOUT:-600}" "${cmd[@]}" \
    > "$work/$tool.out" 2> "$work/$tool.err" || {
      echo "$tool failed:"; tail -5 "$work/$tool.err"; exit 1; }
  local wall rss own
  read -r wall rss < <(tail -n 1 "$work/$tool.time")
  rss=$((rss / 1024))
  own=$(grep -o 'secs=[0-9.]*\| in [0-9.]* s' "$work/$tool.out" | grep -o '[0-9.]*' | head -n 1)
  printf '%s\t%s\n' "$wall" "$rss" >> "$work/$tool.tsv"
  printf 'round %d  %-8s %7.2f s  %6d MiB   (own timer %s s)\n' "$round" "$tool" "$wall" "$rss" "$own"
}

for round in $(seq 1 "$rounds"); do
  for tool in kulissi duckdb polars; do run "$tool" "$round"; done
  cmp "$work/net_kulissi.csv" "$work/net_duckdb.csv" || { echo "kulissi's output differs from DuckDB's"; exit 1; }
  if cmp -s "$work/net_polars.csv" "$work/net_duckdb.csv"; then same_polars=true; else same_polars=false; fi
done
groups=$(($(wc -l < "$work/net_duckdb.csv") - 1))
echo "outputs: kulissi = duckdb byte for byte ($groups groups); polars = duckdb: $same_polars"

median() { cut -f"$2" "$work/$1.tsv" | sort -g | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
for tool in kulissi duckdb polars; do
  printf -v "t_$tool" '%s' "$(median "$tool" 1)"
  printf -v "m_$tool" '%s' "$(median "$tool" 2)"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a / b}'; }
echo "medians of $rounds: kulissi $t_kulissi s $m_kulissi MiB; duckdb $t_duckdb s $m_duckdb MiB; polars $t_polars s $m_polars MiB"
echo "kulissi/duckdb: time $(ratio "$t_kulissi" "$t_duckdb"), memory $(ratio "$m_kulissi" "$m_duckdb"); kulissi/polars: time $(ratio "$t_kulissi" "$t_polars"), memory $(ratio "$m_kulissi" "$m_polars")"
printf '{"bench":"net_peers","trades":%s,"groups":%s,"rounds":%s,"kulissi_s":%s,"kulissi_mib":%s,"duckdb_s":%s,"duckdb_mib":%s,"polars_s":%s,"polars_mib":%s,"time_ratio_duckdb":%s,"memory_ratio_duckdb":%s,"identical":true}\n' \
  "$n" "$groups" "$rounds" "$t_kulissi" "$m_kulissi" "$t_duckdb" "$m_duckdb" "$t_polars" "$m_polars" \
  "$(ratio "$t_kulissi" "$t_duckdb")" "$(ratio "$m_kulissi" "$m_duckdb")"
