#!/usr/bin/env bash
# The scheduler's front door under the shared webhook harness (../shared/bench: webhook_load.py and
# fake_cloud_tasks.py, see its README): cloud-tasks mode against the loopback fake, N signed
# deliveries at C clients, a new connection each (as GitHub delivers), with the image's launch line
# (bench/image.sh builds the image here: extracted jar, linked runtime, trained AOT cache).
#
#   bench/frontdoor.sh [RUNS]          (default 2)
#
# Each run starts a fresh scheduler and measures, with the harness's `load`:
#   first  – the first N deliveries after the port opens (a new instance's first burst)
#   warm   – N deliveries after W more (discarded) have warmed it; RSS after, the scheduler's CPU
#            time per delivery, and the fake's count of tasks created (one create per delivery and,
#            asynchronously, each VM's delayed check when autorunner.tasks.check-delay turns it on)
#   wrk    – then the harness's wrk cross-check on the warm instance (bench/wrk-cross-check.sh):
#            the same deliveries from a client that takes far less of the shared cores
# Before each run it waits (up to BENCH_WAIT seconds, polling every 30 s) until the 1-minute load
# average is below BENCH_MAX_LOAD, and prints the load it started and ended at: the client, the fake
# and the scheduler share the machine's cores with whatever else runs there.
#
# Settings (environment): HARNESS (../shared/bench), N (2000), CLIENTS (50), WARMUP (6000),
# BENCH_MAX_LOAD (1.5), BENCH_WAIT (600), WRK_SECONDS (4), WRK_POOL (20000), IMAGE (a directory bench/image.sh already filled; default:
# built afresh in a temporary one), EXTRA_JVM_FLAGS (appended to the launch line, for experiments).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-2}
harness=${HARNESS:-$root/../shared/bench}
n=${N:-2000}
clients=${CLIENTS:-50}
warmup=${WARMUP:-6000}
max_load=${BENCH_MAX_LOAD:-1.5}
wait_s=${BENCH_WAIT:-600}
secret=bench-secret
port=18184
fake_port=18124
[ -f "$harness/webhook_load.py" ] || { echo "no harness at $harness (set HARNESS)"; exit 2; }

work=$(mktemp -d)
fake=
app=
cleanup() {
  [ -n "$app" ] && kill "$app" 2> /dev/null && wait "$app" 2> /dev/null
  [ -n "$fake" ] && kill "$fake" 2> /dev/null && wait "$fake" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
image=${IMAGE:-}
if [ -z "$image" ]; then
  image=$work/image
  bench/image.sh "$image"
fi

python3 "$harness/fake_cloud_tasks.py" --port "$fake_port" > "$work/fake.log" 2>&1 &
fake=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$fake_port/healthz" > /dev/null 2>&1 && break
  sleep 0.05
done

export WEBHOOK_SECRET=$secret
# The scheduler as deployed (cloudbuild.yaml), its Cloud Tasks API on the fake. The harness's
# deliveries come from a public repository of bench-org, which the routing must let through.
export PORT=$port AUTORUNNER_WEBHOOK_SECRET=$secret AUTORUNNER_TASKS_MODE=cloud-tasks
export AUTORUNNER_TASKS_ENDPOINT=http://127.0.0.1:$fake_port
export AUTORUNNER_TASKS_QUEUE=projects/bench-project/locations/us-central1/queues/runners
export AUTORUNNER_TASKS_HANDLER_URL=https://handler-bench.a.run.app
export AUTORUNNER_TASKS_INVOKER_SERVICE_ACCOUNT=invoker@bench-project.iam.gserviceaccount.com
export AUTORUNNER_ROUTING_ALLOWED_OWNERS=bench-org AUTORUNNER_ROUTING_ALLOW_PUBLIC_REPOSITORIES=true
# Logging as the image does (Dockerfile.scheduler's ENV): a JSON line for Cloud Logging per delivery.
export LOGGING_STRUCTURED_FORMAT_CONSOLE=${LOGGING_STRUCTURED_FORMAT_CONSOLE-io.autorunner.common.logging.CloudLoggingFormatter}

. bench/wrk-cross-check.sh
wrk_pool "$work"

load_below() { awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v m="$max_load" 'BEGIN { exit !(l < m) }'; }
wait_for_quiet() {
  local waited=0
  until load_below; do
    if [ "$waited" -ge "$wait_s" ]; then
      echo "   load still $(cut -d' ' -f1-3 /proc/loadavg) after ${wait_s}s; measuring anyway"
      return
    fi
    sleep 30
    waited=$((waited + 30))
  done
}

# User + system CPU of a process, in clock ticks (/proc/PID/stat fields 14 and 15).
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

load() {
  python3 "$harness/webhook_load.py" load --url "http://127.0.0.1:$port/webhook" -n "$1" -c "$clients" "${@:2}"
}

echo "machine: $(nproc) cores; harness $harness; N=$n at C=$clients, new connection each"
read -r -a extra <<< "${EXTRA_JVM_FLAGS:-}"
for run in $(seq 1 "$runs"); do
  wait_for_quiet
  echo "== run $run: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  curl -fs -XPOST "http://127.0.0.1:$fake_port/reset" > /dev/null
  (cd "$image/app" && exec "$image/jre/bin/java" @jvm.options -XX:MaxRAM=512m -XX:AOTCache=app.aot \
    "${extra[@]}" -jar scheduler-service.jar) > "$work/scheduler-$run.log" 2>&1 &
  app=$!
  for _ in $(seq 1 1000); do
    curl -fs "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
    kill -0 "$app" 2> /dev/null || { echo "the scheduler exited:"; tail -20 "$work/scheduler-$run.log"; exit 1; }
    sleep 0.01
  done
  echo "   first $n after start:"
  load "$n" --pid "$app" | sed 's/^/   /'
  load "$warmup" > /dev/null
  echo "   warm (after $warmup more):"
  cpu_before=$(cpu_ticks "$app")
  load "$n" --pid "$app" --fake-count-url "http://127.0.0.1:$fake_port/count" | sed 's/^/   /'
  cpu=$(($(cpu_ticks "$app") - cpu_before))
  echo "   scheduler CPU over the warm $n: $((cpu * 1000 / ticks)) ms, $(awk -v c="$cpu" -v t="$ticks" -v n="$n" 'BEGIN { printf "%.2f", c * 1000 / t / n }') ms a delivery (its delayed checks included)"
  wrk_run "$port" "$fake_port" "$app"
  kill "$app"
  wait "$app" 2> /dev/null || true
  app=
  grep -a "delayed checks:" "$work/scheduler-$run.log" | sed -E 's/.*(delayed checks:)/   \1/' || true
  echo "   fake Cloud Tasks: $(curl -fs "http://127.0.0.1:$fake_port/count")"
  echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
