#!/usr/bin/env bash
# Measures the scheduler's cold start: process start → first 2xx answer to a signed webhook, in its
# production mode (tasks to Cloud Tasks, here a stand-in on 127.0.0.1 that answers createTask like
# Cloud Tasks), with the launch line of the image (Dockerfile.scheduler: extracted jar, the image's
# runtime built with deploy/jre.sh, deploy/jvm.options), with and without the AOT cache the image
# build trains, against a plain `java -jar` of the fat jar on 17.
#
#   bench/startup.sh [RUNS]
#   bench/startup.sh --compare "EXTRA JVM FLAGS" [PAIRS]
#   bench/startup.sh --compare-logging [PAIRS]
#
# The second form judges one change of flags: it alternates the image's launch line without and with
# the extra flags (PAIRS pairs, default 20) and prints both medians, the median difference and in how
# many pairs the change was faster. Pairing cancels the drift of a shared machine, which moves single
# runs by a few hundred ms and would drown a 50 ms effect in separate series. The third form pairs the
# image as it logs (JSON lines for Cloud Logging) with an image built and trained with Spring's text
# lines: does the JSON logging cost start-up time?
#
# The cache is made as the image build makes it (bench/image.sh: the AotTraining run, then the
# AOTMode=on check). Every JVM here gets -XX:MaxRAM=512m: that is what it sees in the Cloud Run
# container (cloudbuild.yaml: --memory=512Mi), and the heap it sizes from it is part of what the
# cache must fit.
#
# JAVA17 and JAVA25 override the JDKs (default: `java` on PATH and Temurin 25). The figures are
# wall-clock times from the process's start to the first 2xx answer to a signed queued delivery.
#
# The poller is the shared harness's `webhook_load.py cold-start` (../shared/bench, or HARNESS=),
# which polls every 20 ms from a small Python process. Without the harness, or with POLLER=jvm, it
# is WebhookBench's own poller, which also prints the process's CPU time; being a JVM on the same two
# cores, with its HTTP client's answer path cold, it adds ~200-350 ms of its own to each figure
# (measured side by side: see the README's *The front door*).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
compare=
compare_logging=
if [ "${1:-}" = --compare ]; then
  compare=$2
  shift 2
  pairs=${1:-20}
elif [ "${1:-}" = --compare-logging ]; then
  compare_logging=1
  shift
  pairs=${1:-20}
fi
runs=${1:-5}
# Every run logs as the image does: JSON lines for Cloud Logging (Dockerfile.scheduler's ENV);
# LOGGING_STRUCTURED_FORMAT_CONSOLE= (empty) measures Spring's text lines instead.
export LOGGING_STRUCTURED_FORMAT_CONSOLE=${LOGGING_STRUCTURED_FORMAT_CONSOLE-io.autorunner.common.logging.CloudLoggingFormatter}
java17=${JAVA17:-java}
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
secret=bench-secret
port=18183
tasks_port=18190
container=-XX:MaxRAM=512m
jar=$root/scheduler-service/target/scheduler-service.jar
harness=${HARNESS:-$root/../shared/bench}
poller=${POLLER:-}
if [ -z "$poller" ]; then
  if [ -f "$harness/webhook_load.py" ]; then poller=harness; else poller=jvm; fi
fi
[ -f "$jar" ] || ./mvnw -B -q -DskipTests -pl scheduler-service -am package

work=$(mktemp -d)
stub=
cleanup() {
  [ -n "$stub" ] && kill "$stub" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/bench"
"${java25%/java}/javac" -cp "$root/common/target/classes" -d "$work/bench" bench/WebhookBench.java
"$java25" -cp "$work/bench:$root/common/target/classes" WebhookBench tasks-stub "$tasks_port" > "$work/stub.log" 2>&1 &
stub=$!

# The image's stage 1 and stage 2, on this machine (see bench/image.sh).
JAVA25=$java25 bench/image.sh "$work"
jre=$work/jre/bin/java
if [ -n "$compare_logging" ]; then
  LOGGING_STRUCTURED_FORMAT_CONSOLE='' JAVA25=$java25 bench/image.sh "$work/text"
fi
cd "$work/app"

# The scheduler as deployed: tasks go to Cloud Tasks (the stand-in), with an invoker and a handler URL.
export AUTORUNNER_TASKS_MODE=cloud-tasks
export AUTORUNNER_TASKS_ENDPOINT=http://127.0.0.1:$tasks_port
export AUTORUNNER_TASKS_QUEUE=projects/bench-project/locations/us-central1/queues/runners
export AUTORUNNER_TASKS_HANDLER_URL=https://handler-bench.a.run.app
export AUTORUNNER_TASKS_INVOKER_SERVICE_ACCOUNT=invoker@bench-project.iam.gserviceaccount.com

# The harness's deliveries come from a public repository of bench-org, which the routing must let
# through; WebhookBench's come from a private one of acme.
export AUTORUNNER_ROUTING_ALLOW_PUBLIC_REPOSITORIES=true

# One start of the command: prints "first 2xx webhook after N ms …".
start_once() {
  if [ "$poller" = harness ]; then
    PORT=$port AUTORUNNER_WEBHOOK_SECRET=$secret python3 "$harness/webhook_load.py" cold-start \
      --url "http://127.0.0.1:$port/webhook" --secret "$secret" --repeat 1 -- "$@" 2>&1 \
      | sed -nE 's/^run 1: first 2xx after ([0-9]+)(\.[0-9]+)? ms \(([0-9]+) attempts\).*/first 2xx webhook after \1 ms (\3 polls)/p'
  else
    "$java25" -cp "$work/bench:$root/common/target/classes" WebhookBench startup-cmd "$secret" "$port" -- "$@"
  fi
}

median_of() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

# Runs one configuration RUNS times; prints each figure, then the median and the best.
measure() {
  local name=$1
  shift
  local times=()
  echo "== $name"
  echo "   $*"
  for _ in $(seq 1 "$runs"); do
    line=$(start_once "$@")
    echo "   $line"
    [[ $line == "first 2xx"* ]] || exit 1
    times+=("$(sed -E 's/.*after ([0-9]+) ms.*/\1/' <<< "$line")")
  done
  echo "   median $(median_of "${times[@]}") ms, best $(printf '%s\n' "${times[@]}" | sort -n | head -1) ms"
}

first2xx() {
  start_once "$@" | sed -nE 's/^first 2xx webhook after ([0-9]+) ms.*/\1/p'
}

# first2xx with the services' log format set to $1 (empty: Spring's text lines).
first2xx_logging() {
  local format=$1
  shift
  LOGGING_STRUCTURED_FORMAT_CONSOLE=$format start_once "$@" \
    | sed -nE 's/^first 2xx webhook after ([0-9]+) ms.*/\1/p'
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); poller: $poller"
if [ -n "$compare_logging" ]; then
  json_format=$LOGGING_STRUCTURED_FORMAT_CONSOLE
  json=() text=() differences=() faster=0
  for _ in $(seq 1 "$pairs"); do
    a=$(cd "$work/app" && first2xx_logging "$json_format" "$jre" @jvm.options "$container" \
      -XX:AOTCache=app.aot -jar scheduler-service.jar)
    b=$(cd "$work/text/app" && first2xx_logging '' "$work/text/jre/bin/java" @jvm.options \
      "$container" -XX:AOTCache=app.aot -jar scheduler-service.jar)
    if [ -z "$a" ] || [ -z "$b" ]; then
      echo "a run got no 2xx"
      exit 1
    fi
    json+=("$a") text+=("$b") differences+=("$((a - b))")
    [ "$a" -lt "$b" ] && faster=$((faster + 1))
  done
  echo "JSON lines (the image): median $(median_of "${json[@]}") ms"
  echo "text lines:             median $(median_of "${text[@]}") ms"
  echo "median difference JSON − text $(median_of "${differences[@]}") ms; JSON sooner in $faster of $pairs pairs"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
if [ -n "$compare" ]; then
  image=("$jre" @jvm.options "$container" -XX:AOTCache=app.aot)
  read -r -a extra <<< "$compare"
  without=() with=() differences=() faster=0
  for _ in $(seq 1 "$pairs"); do
    a=$(first2xx "${image[@]}" -jar scheduler-service.jar)
    b=$(first2xx "${image[@]}" "${extra[@]}" -jar scheduler-service.jar)
    if [ -z "$a" ] || [ -z "$b" ]; then
      echo "a run got no 2xx"
      exit 1
    fi
    without+=("$a") with+=("$b") differences+=("$((b - a))")
    [ "$b" -lt "$a" ] && faster=$((faster + 1))
  done
  echo "image line:              median $(median_of "${without[@]}") ms"
  echo "image line + $compare: median $(median_of "${with[@]}") ms"
  echo "median difference $(median_of "${differences[@]}") ms; faster in $faster of $pairs pairs"
  exit 0
fi
measure "fat jar, $("$java17" -version 2>&1 | head -1)" "$java17" "$container" -jar "$jar"
measure "extracted jar, the image's runtime and flags, no AOT cache, $("$jre" -version 2>&1 | head -1)" \
  "$jre" @jvm.options "$container" -jar scheduler-service.jar
measure "extracted jar + AOT cache (the image's launch line)" \
  "$jre" @jvm.options "$container" -XX:AOTCache=app.aot -jar scheduler-service.jar
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
