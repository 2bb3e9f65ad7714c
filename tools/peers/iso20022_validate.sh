#!/usr/bin/env bash
# Validates Kulissi's ISO 20022 messages against the models of PyPI python-iso20022 0.3.0
# (structure, code lists, required elements, lengths, patterns, digits, choices and element
# order) with the project's shared checker: every sese.023 the example
# crates/kulissi-iso20022/examples/write_sese023.rs writes, and every test fixture.
#
# usage: tools/peers/iso20022_validate.sh
#   VENV   the Python venv to use (default /tmp/peers-venv); python-iso20022==0.3.0 is
#          installed into it when missing
#   CHECK  the checker (default: shared/peers/iso20022_check.py beside the repository,
#          /work/shared/peers/iso20022_check.py otherwise)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

venv=${VENV:-/tmp/peers-venv}
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
if ! "$venv/bin/python" -c 'import python_iso20022' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check python-iso20022==0.3.0
fi

check=${CHECK:-}
if [ -z "$check" ]; then
  for c in "$repo/../shared/peers/iso20022_check.py" /work/shared/peers/iso20022_check.py; do
    if [ -f "$c" ]; then check=$c; break; fi
  done
fi
[ -n "$check" ] && [ -f "$check" ] || { echo "iso20022_check.py not found (set CHECK)" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run --quiet --release -p kulissi-iso20022 --example write_sese023 -- "$out" >/dev/null

shopt -s nullglob
files=("$out"/*.xml crates/kulissi-iso20022/tests/fixtures/*.xml)
written=("$out"/*.xml)
[ "${#written[@]}" -ge 4 ] || { echo "the example wrote ${#written[@]} files, expected 4" >&2; exit 1; }
# The checker exits 1 when any file has an error.
"$venv/bin/python" "$check" validate "${files[@]}"
echo "${#files[@]} ISO 20022 messages valid"
