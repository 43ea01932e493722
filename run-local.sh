#!/usr/bin/env bash
# Runs autorunner on this machine with no cloud or GitHub account: builds the jars if needed,
# starts the scheduler (local task queue) and the handler against local fakes of GitHub and Compute
# Engine, sends a small signed workflow through them, prints what happened, and stops it all.
set -euo pipefail
cd "$(dirname "$0")"
jars=(scheduler-service/target/scheduler-service.jar handler-service/target/handler-service.jar
  testkit/target/testkit.jar)
build=false
for jar in "${jars[@]}"; do
  [ -f "$jar" ] || build=true
done
if [ "$build" = false ] && [ -n "$(find common scheduler-service handler-service testkit bootstrap \
  -newer testkit/target/testkit.jar -type f -not -path '*/target/*' -print -quit)" ]; then
  build=true
fi
if [ "$build" = true ]; then
  echo "Building (first run, or sources changed) ..."
  ./mvnw -B -q -DskipTests package
fi
exec java -cp testkit/target/testkit.jar io.autorunner.testkit.local.LocalDemo . run/local
