#!/usr/bin/env bash
# The main job on the embedded default (DuckDB): build the demo data set, validate it, compute the
# indicators, classify it with every shipped policy, fit the value model, write the reports; then import
# it into the embedded SQLite store, save two runs, compare them, and show an account manager's month.
# Everything lands under out/.
set -euo pipefail
cd "$(dirname "$0")/.."
tw() { .venv/bin/tierwise "$@"; }
OUT=out
rm -rf "$OUT" && mkdir -p "$OUT/results"

echo "== 1. demo data: 2,000 customers, three years of history, Chinese headers, GBK CSV"
tw demo --out "$OUT/demo" --lang zh --customers 2000 --seed 7

echo "== 2. validate it"
tw check "$OUT/demo"

echo "== 3. indicators: one row per customer"
tw indicators "$OUT/demo" --out "$OUT/results/indicators.parquet"

echo "== 4. classify with every shipped policy"
policies=$(tw policies --names)
for policy in $policies; do
  [ "$policy" = bank-lobby ] && continue   # walk-in triage, step 7
  tw classify "$OUT/demo" --policy "$policy" --lang zh --rows 5 --out "$OUT/results/$policy.csv"
done

echo "== 5. the 80/20 picture"
tw pareto "$OUT/demo"

echo "== 6. customer value: BG/NBD + Gamma-Gamma, 12-month CLV and P(alive)"
tw value "$OUT/demo" --out "$OUT/results/value.csv"

echo "== 7. a walk-in at the bank lobby"
tw triage --policy bank-lobby --json '{"business": "deposit", "amount": 8000, "enquiries": ["forex"]}'

echo "== 8. reports"
tw report "$OUT/demo" --lang zh --compare 2024-12-31 --out "$OUT/report.html"
tw report "$OUT/demo" --lang zh --compare 2024-12-31 --out "$OUT/report.xlsx"
echo "== 9. the store: import the demo data into the embedded SQLite store (id numbers, phones, e-mails sealed)"
export TIERWISE_DATABASE_URL="sqlite:///$PWD/$OUT/tierwise.db"
# the personal-data key lives outside the repository: made once for this machine, readable by its owner only
KEY_FILE="${XDG_CONFIG_HOME:-$HOME/.config}/tierwise/dev-secret-key"
if [ -z "${TIERWISE_SECRET_KEY:-}" ]; then
  if [ ! -s "$KEY_FILE" ]; then
    mkdir -p "$(dirname "$KEY_FILE")"
    (umask 077 && .venv/bin/python -c 'from tierwise.security.pii import new_key_entry; print(new_key_entry("dev1"))' >"$KEY_FILE")
    echo "made a development key in $KEY_FILE"
  fi
  TIERWISE_SECRET_KEY="$(cat "$KEY_FILE")"
  export TIERWISE_SECRET_KEY
fi
tw db upgrade
tw import "$OUT/demo" --as analyst
tw import list

echo "== 10. classify from the store and save two runs (last quarter, this quarter)"
for policy in china-post key-account; do
  tw classify "$TIERWISE_DATABASE_URL" --policy "$policy" --as-of 2025-09-30 --save --lang zh --rows 3
  tw classify "$TIERWISE_DATABASE_URL" --policy "$policy" --as-of 2025-12-31 --save --lang zh --rows 3
done
tw runs list --lang zh

echo "== 11. who moved between the two china-post runs, and the up-or-out list"
tw runs diff 1 2 --lang zh
tw runs up-or-out --policy key-account --lang zh

echo "== 12. one account manager's month: the contact plan and the alerts to act on"
tw plan --month 2026-01 --owner li.wei --lang zh
tw alerts --owner li.wei --kind key_account_downgraded --kind complaint_open --lang zh
echo "== 12b. li.wei's prospects against the qualified-customer profile (those to develop make the plan's new-account time), and the analyses per account manager"
tw prospects --owner li.wei --limit 5 --lang zh
tw analyses --by owner --promotion "双十一:2025-11-01:2025-11-30" --lang zh
echo "== 13. the web UI and the API: a user per role, then the server answers the sign-in page and the API"
# no default account exists: the demo users get one random password, kept outside the repository
PASSWORD_FILE="${XDG_CONFIG_HOME:-$HOME/.config}/tierwise/demo-password"
if [ ! -s "$PASSWORD_FILE" ]; then
  mkdir -p "$(dirname "$PASSWORD_FILE")"
  (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))' >"$PASSWORD_FILE")
fi
TIERWISE_NEW_PASSWORD="$(cat "$PASSWORD_FILE")"
export TIERWISE_NEW_PASSWORD
for user in zhao.director:analyst sun.manager:manager li.wei:account_manager xu.lobby:lobby admin:admin; do
  tw user create "${user%%:*}" --role "${user##*:}"
done
PORT="${TIERWISE_DEMO_PORT:-8765}"
.venv/bin/tierwise serve --port "$PORT" >"$OUT/serve.log" 2>&1 &  # not through tw: $! must be the server itself
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/api/v1/health"; echo
curl -fsS "http://127.0.0.1:$PORT/login?lang=zh" | grep -o '<title>[^<]*</title>'
kill $SERVER; wait $SERVER 2>/dev/null || true
trap - EXIT
echo
echo "Done. Open $OUT/report.html in a browser or $OUT/report.xlsx in Excel; results per policy are in $OUT/results/;
the store is $OUT/tierwise.db (TIERWISE_DATABASE_URL=sqlite:///$PWD/$OUT/tierwise.db tierwise runs list).
For the web UI: TIERWISE_DATABASE_URL=sqlite:///$PWD/$OUT/tierwise.db TIERWISE_SECRET_KEY=\"\$(cat $KEY_FILE)\" .venv/bin/tierwise serve,
open http://127.0.0.1:8000/ and sign in as zhao.director, sun.manager, li.wei, xu.lobby or admin with the password in $PASSWORD_FILE."
