#!/usr/bin/env bash
# schemathesis against the running server's own OpenAPI document: a scratch database with
# the demo firm (2,000 trades through the back office), a user holding every role, its API
# token, `kulissi serve` on a loopback port; every operation but token revocation (which
# could revoke the run's own token) is fuzzed. Fails on any 5xx answer and on any answer
# that does not conform to the document (status, content type, schema).
#
#   VENV=/path/to/venv tools/peers/schemathesis.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${VENV:-/tmp/kulissi-ci-venv}
budget=${1:-240}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
kulissi=target/release/kulissi
[ -x "$kulissi" ] || cargo build --quiet --release -p kulissi
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
db="$work/api.db"
KULISSI_ADMIN_PASSWORD=ci-admin-password-not-secret "$kulissi" --db "$db" init > /dev/null
"$kulissi" --db "$db" generate --trades 2000 --back-office > /dev/null
KULISSI_PASSWORD=ci-password-not-secret "$kulissi" --db "$db" --actor system:ci user add ci \
  --name "CI" --department operations \
  --roles trader,risk,settlements,reconciliations,accountant,compliance_officer,hr_administrator,system_administrator,auditor > /dev/null
token=$("$kulissi" --db "$db" --actor system:ci token issue ci --name schemathesis --days 1 | tail -n 1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
KULISSI_SECURE_COOKIES=false "$kulissi" --db "$db" serve --listen "127.0.0.1:$port" 2> "$work/serve.log" &
server=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "http://127.0.0.1:$port/health"; echo
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --exclude-path-regex '^/api/v1/tokens/' \
  --phases examples,coverage,fuzzing \
  --max-time "$budget" \
  --workers 2 \
  --seed 1 \
  --no-color 2>&1 | tail -n 60
