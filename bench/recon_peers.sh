#!/usr/bin/env bash
# Reconciling positions: `kulissi recon files` beside DuckDB, polars and pandas.
#
# usage: bench/recon_peers.sh [N]        (N positions each side, default 10000000)
#   ROUNDS   interleaved rounds (default 3): kulissi, duckdb, polars, pandas, then again
#   TOOLS    the peers (default "duckdb polars pandas")
#   KULISSI  the binary (default target/release/kulissi; cargo build --release -p kulissi)
#   VENV     the peers' venv (default /tmp/peers-venv: duckdb==2.0.1 polars pandas pyarrow
#            numpy, see /work/shared/peers/setup_peers.sh)
#   PEERS    the shared peer scripts (default /work/shared/peers)
#   DATA     where recon_N_*.csv are generated once and kept (default /tmp/pdata)
#
# Each run is one process under /usr/bin/time -f '%e %M': wall seconds and peak RSS. The
# Python peers' wall time includes starting the interpreter and importing the library; their
# own timer (`secs=`, after the imports) is printed beside it. Every tool writes the breaks
# file; kulissi's is `cmp`ed with DuckDB's after every round. Prints every run, the medians,
# the ratios kulissi/duckdb (time and memory), and ends with one JSON line.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000000}
rounds=${ROUNDS:-3}
tools=${TOOLS:-"duckdb polars pandas"}
kulissi=${KULISSI:-target/release/kulissi}
venv=${VENV:-/tmp/peers-venv}
peers=${PEERS:-/work/shared/peers}
data=${DATA:-/tmp/pdata}
py="$venv/bin/python"
mkdir -p "$data"
work=$(mktemp -d /tmp/kulissi-recon-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -f "$data/recon_${n}_internal.csv" ] || "$py" "$peers/gen_recon.py" "$n" "$data"
ours="$data/recon_${n}_internal.csv"
theirs="$data/recon_${n}_custodian.csv"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); $("$kulissi" --version)"
echo "peers: $("$py" -c 'import duckdb, polars, pandas; print(f"duckdb {duckdb.__version__}, polars {polars.__version__}, pandas {pandas.__version__}")')"
echo "input: $ours ($(du -h "$ours" | cut -f1)) and $theirs ($(du -h "$theirs" | cut -f1))"

# run TOOL ROUND: one run, its figures appended to $work/TOOL.tsv (wall_s rss_mib).
run() {
  local tool=$1 round=$2 out="$work/breaks_$1.csv"
  rm -f "$out"
  case $tool in
    kulissi) cmd=("$kulissi" recon files --ours "$ours" --theirs "$theirs" --key account,isin --compare quantity --out "$out") ;;
    *) cmd=("$py" "$peers/recon_$tool.py" "$n" "$data" --out "$out") ;;
  esac
  /usr/bin/time -f '%e %M' -o "$work/$tool.time" timeout "${TIMEOUT:-900}" "${cmd[@]}" \
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
  for tool in kulissi $tools; do run "$tool" "$round"; done
  cmp "$work/breaks_kulissi.csv" "$work/breaks_duckdb.csv" || { echo "kulissi's output differs from DuckDB's"; exit 1; }
done
breaks=$(($(wc -l < "$work/breaks_duckdb.csv") - 1))
echo "outputs: kulissi = duckdb byte for byte ($breaks breaks)"

median() { cut -f"$2" "$work/$1.tsv" | sort -g | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a / b}'; }
json="{\"bench\":\"recon_peers\",\"positions\":$n,\"breaks\":$breaks,\"rounds\":$rounds"
summary="medians of $rounds:"
for tool in kulissi $tools; do
  t=$(median "$tool" 1); m=$(median "$tool" 2)
  summary="$summary $tool $t s $m MiB;"
  json="$json,\"${tool}_s\":$t,\"${tool}_mib\":$m"
done
echo "$summary"
t_k=$(median kulissi 1); m_k=$(median kulissi 2); t_d=$(median duckdb 1); m_d=$(median duckdb 2)
echo "kulissi/duckdb: time $(ratio "$t_k" "$t_d"), memory $(ratio "$m_k" "$m_d"); kulissi peak $m_k MiB (target at most 2048)"
echo "$json,\"time_ratio_duckdb\":$(ratio "$t_k" "$t_d"),\"memory_ratio_duckdb\":$(ratio "$m_k" "$m_d"),\"identical\":true}"
