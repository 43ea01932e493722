#!/usr/bin/env bash
# Measures the scheduler: throughput and p99 of signed deliveries at 50 concurrent clients (local
# queue, tasks posted to a sink standing in for the handler), and the time from `java -jar` to the
# first 2xx webhook. Everything runs on 127.0.0.1 and stops by itself.
#
#   bench/scheduler.sh [CLIENTS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-50}
seconds=${2:-20}
secret="bench-secret"
jar=scheduler-service/target/scheduler-service.jar
if [ ! -f "$jar" ] || [ ! -d common/target/classes ]; then
  ./mvnw -B -q -DskipTests package
fi
java=${JAVA:-java}
# The bench's deliveries come from the project's own builder (common's SampleDelivery).
# (An array, not a function: a function run with & would leave `$!` naming its subshell, not java.)
bench=("$java" -cp common/target/classes bench/WebhookBench.java)

"$java" -version 2>&1 | head -1
echo "== start-up: java -jar → first 2xx webhook (3 runs)"
for _ in 1 2 3; do
  "${bench[@]}" startup "$jar" "$secret" 18181
done

echo "== load: $clients clients for ${seconds}s"
"${bench[@]}" sink 18182 & sink=$!
PORT=18180 AUTORUNNER_WEBHOOK_SECRET=$secret AUTORUNNER_TASKS_HANDLER_URL=http://127.0.0.1:18182 \
  LOGGING_LEVEL_IO_AUTORUNNER=WARN "$java" -jar "$jar" > /tmp/bench-scheduler.log 2>&1 & app=$!
trap 'kill $app $sink 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -fs http://127.0.0.1:18180/healthz > /dev/null 2>&1 && break
  sleep 0.1
done
"${bench[@]}" load http://127.0.0.1:18180/webhook "$secret" "$clients" "$seconds"
