#!/usr/bin/env bash
# Builds the scheduler's image on this machine, as Dockerfile.scheduler's two stages do: the
# extracted jar, the image's runtime (deploy/jre.sh, jlink from Temurin 25), the AOT training run
# (AotTraining: real deliveries against a loopback Cloud Tasks stand-in, nothing leaves the machine)
# and the -XX:AOTMode=on check that the cache fits the launch line. Every JVM sees -XX:MaxRAM=512m,
# the Cloud Run container's memory (cloudbuild.yaml: --memory=512Mi).
#
#   bench/image.sh DIR     → DIR/app (jar, jvm.options, app.aot) and DIR/jre
#
# The launch line is then, in DIR/app:  DIR/jre/bin/java @jvm.options -XX:MaxRAM=512m
#   -XX:AOTCache=app.aot -jar scheduler-service.jar
# Used by bench/startup.sh and bench/frontdoor.sh. JAVA25 overrides the JDK.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
out=$1
# The image logs JSON for Cloud Logging (Dockerfile.scheduler); LOGGING_STRUCTURED_FORMAT_CONSOLE=
# (empty) builds and measures the text logging of a local run instead.
export LOGGING_STRUCTURED_FORMAT_CONSOLE=${LOGGING_STRUCTURED_FORMAT_CONSOLE-io.autorunner.common.logging.CloudLoggingFormatter}
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
jar=scheduler-service/target/scheduler-service.jar
[ -f "$jar" ] || ./mvnw -B -q -DskipTests -pl scheduler-service -am package
mkdir -p "$out"
rm -rf "$out/app" "$out/jre"
"$java25" -Djarmode=tools -jar "$jar" extract --destination "$out/app" > /dev/null
JAVA_HOME=$(dirname "$(dirname "$java25")") sh deploy/jre.sh "$out/jre"
cp deploy/jvm.options "$out/app/jvm.options"
cd "$out/app"
jre=$out/jre/bin/java
"$jre" @jvm.options -XX:MaxRAM=512m -XX:AOTCacheOutput=app.aot \
  -cp scheduler-service.jar io.autorunner.scheduler.training.AotTraining > "$out/training.log" 2>&1 \
  || { echo "the training run failed:"; tail -20 "$out/training.log"; exit 1; }
PORT=0 AUTORUNNER_WEBHOOK_SECRET=training-only AUTORUNNER_TASKS_MODE=local \
  "$jre" @jvm.options -XX:MaxRAM=512m -XX:AOTCache=app.aot -XX:AOTMode=on \
  -Dspring.context.exit=onRefresh -jar scheduler-service.jar > "$out/check.log" 2>&1 \
  || { echo "the cache does not fit the launch line:"; tail -20 "$out/check.log"; exit 1; }
echo "$(grep -a 'aot-training:' "$out/training.log"), cache $(du -m app.aot | cut -f1) MB"
