#!/usr/bin/env bash
# Measures the scheduler's cold start: process start → first 2xx answer to a signed webhook, with
# the launch line of the image (Dockerfile.scheduler: extracted jar, deploy/jvm.options), with and
# without the AOT cache trained at build time, against a plain `java -jar` of the fat jar on 17.
# Everything runs on 127.0.0.1; the training run uses local-only configuration.
#
#   bench/startup.sh [RUNS]
#
# JAVA17 and JAVA25 override the JDKs (default: `java` on PATH and Temurin 25). The figures are
# wall-clock times; "process CPU" beside each shows how much work the start was, which stays
# meaningful when other processes share the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-5}
java17=${JAVA17:-java}
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
secret=bench-secret
port=18183
jar=$root/scheduler-service/target/scheduler-service.jar
[ -f "$jar" ] || ./mvnw -B -q -DskipTests -pl scheduler-service -am package

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The image's stage 1 and stage 2, on this machine (see Dockerfile.scheduler).
"$java25" -Djarmode=tools -jar "$jar" extract --destination "$work/app" > /dev/null
cp deploy/jvm.options "$work/app/jvm.options"
cd "$work/app"
PORT=0 AUTORUNNER_WEBHOOK_SECRET=training-only AUTORUNNER_TASKS_MODE=local \
  "$java25" @jvm.options -XX:MaxRAM=1g -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh \
  -jar scheduler-service.jar > "$work/training.log" 2>&1
[ -f app.aot ] || { echo "training produced no app.aot:"; tail -20 "$work/training.log"; exit 1; }

# Runs one configuration RUNS times; prints each figure, then the median and the best.
measure() {
  local name=$1
  shift
  local times=()
  echo "== $name"
  echo "   $*"
  for _ in $(seq 1 "$runs"); do
    line=$("$java25" "$root/bench/WebhookBench.java" startup-cmd "$secret" "$port" -- "$@")
    echo "   $line"
    times+=("$(sed -E 's/.*after ([0-9]+) ms.*/\1/' <<< "$line")")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  median=$(sed -n "$(((runs + 1) / 2))p" <<< "$sorted")
  echo "   median ${median} ms, best $(head -1 <<< "$sorted") ms"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "fat jar, $("$java17" -version 2>&1 | head -1)" "$java17" -jar "$jar"
measure "extracted jar, $("$java25" -version 2>&1 | head -1)" \
  "$java25" @jvm.options -jar scheduler-service.jar
measure "extracted jar + AOT cache (the image's launch line)" \
  "$java25" @jvm.options -XX:AOTCache=app.aot -jar scheduler-service.jar
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
