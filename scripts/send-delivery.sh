#!/usr/bin/env bash
# Sends one webhook delivery by hand, signed exactly as GitHub signs it.
#
#   scripts/send-delivery.sh PAYLOAD.json SECRET [URL] [EVENT]
#
# URL defaults to http://127.0.0.1:8080/webhook, EVENT to workflow_job. Prints the HTTP status and the
# scheduler's JSON answer.
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
payload=$1
secret=$2
url=${3:-http://127.0.0.1:8080/webhook}
event=${4:-workflow_job}
[ -r "$payload" ] || { echo "cannot read $payload" >&2; exit 2; }

# The signature covers the exact bytes sent, so sign the file and send the file.
signature=$(openssl dgst -sha256 -hmac "$secret" < "$payload" | sed 's/^.*= //')
delivery=$(cat /proc/sys/kernel/random/uuid 2> /dev/null || date +%s%N)
curl -sS -w '\nHTTP %{http_code}\n' \
  -H 'Content-Type: application/json' \
  -H "X-GitHub-Event: $event" \
  -H "X-GitHub-Delivery: $delivery" \
  -H "X-Hub-Signature-256: sha256=$signature" \
  --data-binary "@$payload" \
  "$url"
