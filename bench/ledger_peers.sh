#!/usr/bin/env bash
# The general-ledger benchmark, side by side with the plain-text accounting tools.
#
# usage: bench/ledger_peers.sh [N] [TOOLS]     (N trades, default 1000000;
#                                               TOOLS default "ledger hledger beancount")
#        BACK_OFFICE=1 bench/ledger_peers.sh ... also settles the trades (twice the entries)
#
# (a) Kulissi books N generated trades end to end, durably (`kulissi generate --trades N`;
#     with BACK_OFFICE=1, `--back-office`: opening capital, settlement confirmations, two
#     ends of day with prices and FX rates); then prints the trial balance
#     (`kulissi ledger trial-balance`, from its read model) and, for comparison, the trial
#     balance as of a date (`--as-of`, which replays the log).
# (b) Kulissi exports its journal; `ledger bal`, `hledger balance` and beancount
#     (`bean-check`, then `bean-query` for the balances) compute the balance of that same
#     journal. hledger's and beancount's balances are checked against Kulissi's trial balance
#     (tools/oracles/ledger_balances.py).
#
# Needs a release build (cargo build --release -p kulissi), Debian's `ledger` and `hledger`,
# and beancount in $VENV (default /tmp/kulissi-ci-venv). Each step runs under
# /usr/bin/time for wall time and peak memory. Ends with one JSON line.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
tools=${2:-${TOOLS:-"ledger hledger beancount"}}
venv=${VENV:-/tmp/kulissi-ci-venv}
kulissi=${KULISSI:-target/release/kulissi}
work=$(mktemp -d /tmp/kulissi-ledger-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
db="$work/gl.db"

# run LABEL CMD...: runs CMD with stdout to $work/LABEL.out; sets wall_LABEL, rss_LABEL (MiB).
run() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/$label.time" timeout "${TIMEOUT:-900}" "$@" \
    > "$work/$label.out" 2> "$work/$label.err" || {
      echo "$label failed:"; tail -5 "$work/$label.err"; return 1; }
  read -r wall rss < <(tail -n 1 "$work/$label.time")
  printf -v "wall_$label" '%s' "$wall"
  printf -v "rss_$label" '%s' "$((rss / 1024))"
  printf '%-22s %8.2f s  %6d MiB\n' "$label" "$wall" "$((rss / 1024))"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $($kulissi --version)"
echo "peers: $(ledger --version | head -1); $(hledger --version); beancount $("$venv/bin/python" -c 'import beancount; print(beancount.__version__)' 2>/dev/null || echo absent)"
"$kulissi" --db "$db" init > /dev/null
back_office=()
[ "${BACK_OFFICE:-0}" = 1 ] && back_office=(--back-office)
run kulissi_booking "$kulissi" --db "$db" generate --trades "$n" "${back_office[@]}"
cat "$work/kulissi_booking.out"
run kulissi_trial_balance "$kulissi" --db "$db" ledger trial-balance --format csv
run kulissi_tb_as_of "$kulissi" --db "$db" ledger trial-balance --format csv --as-of 2099-12-31
cmp <(sort "$work/kulissi_trial_balance.out") <(sort "$work/kulissi_tb_as_of.out")
run kulissi_export "$kulissi" --db "$db" ledger export --format hledger --to "$work/gl.journal"
entries=$(grep -o 'exported [0-9]*' "$work/kulissi_export.err" | grep -o '[0-9]*')
lines=$(grep -c '^    ' "$work/gl.journal")
echo "journal: $entries entries, $lines lines, $(du -h "$work/gl.journal" | cut -f1)"

json_peers=""
for tool in $tools; do
  case $tool in
    ledger)
      run ledger_bal ledger -f "$work/gl.journal" bal --flat --no-total
      json_peers+=",\"ledger_bal_seconds\":$wall_ledger_bal,\"ledger_bal_rss_mib\":$rss_ledger_bal" ;;
    hledger)
      run hledger_bal hledger -f "$work/gl.journal" bal --layout=bare -O csv
      python3 tools/oracles/ledger_balances.py "$work/kulissi_trial_balance.out" hledger-csv "$work/hledger_bal.out"
      json_peers+=",\"hledger_bal_seconds\":$wall_hledger_bal,\"hledger_bal_rss_mib\":$rss_hledger_bal" ;;
    beancount)
      "$kulissi" --db "$db" ledger export --format beancount --to "$work/gl.beancount" 2> /dev/null
      export BEANCOUNT_DISABLE_LOAD_CACHE=1
      run bean_check "$venv/bin/bean-check" "$work/gl.beancount"
      run bean_query "$venv/bin/bean-query" -f csv "$work/gl.beancount" \
        "SELECT account, currency, sum(number) AS balance GROUP BY account, currency ORDER BY account, currency"
      python3 tools/oracles/ledger_balances.py "$work/kulissi_trial_balance.out" bean-csv "$work/bean_query.out"
      json_peers+=",\"bean_check_seconds\":$wall_bean_check,\"bean_check_rss_mib\":$rss_bean_check,\"bean_query_seconds\":$wall_bean_query" ;;
  esac
done

ratios=""
if [ -n "${wall_ledger_bal:-}" ]; then
  ratios=$(python3 -c "
tb, booking, as_of, ledger = $wall_kulissi_trial_balance, $wall_kulissi_booking, $wall_kulissi_tb_as_of, $wall_ledger_bal
print(',\"ratio_wall_trial_balance_vs_ledger_bal\":%.4f,\"ratio_wall_booking_and_trial_balance_vs_ledger_bal\":%.3f,\"ratio_wall_trial_balance_as_of_vs_ledger_bal\":%.3f' % (max(tb, 0.01) / ledger, (booking + tb) / ledger, as_of / ledger))")
fi
echo "{\"bench\":\"trial_balance\",\"n\":$n,\"back_office\":${BACK_OFFICE:-0},\"journal_entries\":$entries,\"journal_lines\":$lines,\"kulissi_booking_seconds\":$wall_kulissi_booking,\"kulissi_booking_rss_mib\":$rss_kulissi_booking,\"kulissi_trial_balance_seconds\":$wall_kulissi_trial_balance,\"kulissi_trial_balance_as_of_seconds\":$wall_kulissi_tb_as_of,\"kulissi_export_seconds\":$wall_kulissi_export$json_peers$ratios}"
