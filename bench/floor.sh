#!/usr/bin/env bash
# The floor under bench/frontdoor.sh's figures on this machine: the same harness, the same fake
# Cloud Tasks and the same load (N signed deliveries at C clients, a new connection each, warmed by
# W first), against bench/FloorServer.java (the JDK's HTTP server, the HMAC check and one createTask
# POST a delivery, nothing else) on the image's runtime flags that matter here (C1 only, Serial GC,
# up to 64 idle connections). The client, the fake and the server share the cores, so a scheduler's
# p99 here can come near this figure but not under it.
#
#   bench/floor.sh [RUNS]          (default 2)
#
# After each run, the harness's wrk cross-check on the warm server (bench/wrk-cross-check.sh).
#
# Settings (environment): HARNESS (../shared/bench), N (2000), CLIENTS (50), WARMUP (6000), JAVA25,
# WRK_SECONDS (4), WRK_POOL (20000).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-2}
harness=${HARNESS:-$PWD/../shared/bench}
n=${N:-2000}
clients=${CLIENTS:-50}
warmup=${WARMUP:-6000}
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
secret=bench-secret
port=18186
fake_port=18125
[ -f "$harness/webhook_load.py" ] || { echo "no harness at $harness (set HARNESS)"; exit 2; }
work=$(mktemp -d)
fake=
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2> /dev/null && wait "$server" 2> /dev/null
  [ -n "$fake" ] && kill "$fake" 2> /dev/null && wait "$fake" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"${java25%/java}/javac" -d "$work" bench/FloorServer.java
python3 "$harness/fake_cloud_tasks.py" --port "$fake_port" > "$work/fake.log" 2>&1 &
fake=$!
export WEBHOOK_SECRET=$secret
ticks=$(getconf CLK_TCK)
. bench/wrk-cross-check.sh
wrk_pool "$work"
echo "machine: $(nproc) cores; harness $harness; N=$n at C=$clients, new connection each"
for run in $(seq 1 "$runs"); do
  echo "== run $run: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$java25" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dhttp.maxConnections=64 -cp "$work" \
    FloorServer "$port" "$fake_port" "$secret" > "$work/server.log" 2>&1 &
  server=$!
  # Up once an unsigned POST is refused.
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -XPOST "http://127.0.0.1:$port/")" = 401 ]; do
    sleep 0.05
  done
  python3 "$harness/webhook_load.py" load --url "http://127.0.0.1:$port/webhook" -n "$warmup" -c "$clients" > /dev/null
  before=$(awk '{ print $14 + $15 }' "/proc/$server/stat")
  python3 "$harness/webhook_load.py" load --url "http://127.0.0.1:$port/webhook" -n "$n" -c "$clients" | sed 's/^/   /'
  cpu=$(($(awk '{ print $14 + $15 }' "/proc/$server/stat") - before))
  echo "   floor server CPU: $(awk -v c="$cpu" -v t="$ticks" -v n="$n" 'BEGIN { printf "%.2f", c * 1000 / t / n }') ms a delivery"
  wrk_run "$port" "$fake_port" "$server"
  kill "$server"
  wait "$server" 2> /dev/null || true
  server=
done
