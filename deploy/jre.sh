#!/bin/sh
# Builds the Java runtime both images run on, with jlink from the JDK in JAVA_HOME (or on PATH):
#   deploy/jre.sh OUTPUT_DIR
# Used by the Dockerfiles' build stage and by bench/startup.sh, so the bench measures the same runtime.
#
# Only the modules the services use. Found with
#   jdeps --ignore-missing-deps --multi-release 25 --print-module-deps --class-path 'lib/*' <service>.jar
# on both extracted jars (the handler's set is the scheduler's without jdk.httpserver), plus
# jdk.management, which platform MXBeans are looked up through at run time and jdeps cannot see.
# jdk.httpserver serves the scheduler's training run (AotTraining's Cloud Tasks stand-in).
#
# Left out on purpose: jdk.localedata. With it, the first Locale.getAvailableLocales() call (Spring's
# MessageSourceSupport makes it while the context refreshes, on the start-up's critical path)
# enumerates ~1000 CLDR locales: bench/startup.sh measured the first answer ~130 ms later with the
# full JRE than with this one (paired runs, 9 of 12 faster). The services format nothing per locale;
# java.base keeps English and the root locale. Also left out: jdk.charsets (GitHub, Google and the
# logs all speak UTF-8, which java.base has), compilers, debuggers and the rest of the JDK's tools.
set -eu
if [ $# -ne 1 ]; then
  echo "usage: $0 OUTPUT_DIR" >&2
  exit 2
fi
jlink=jlink
if [ -n "${JAVA_HOME:-}" ]; then
  jlink=$JAVA_HOME/bin/jlink
fi
modules=java.base,java.compiler,java.desktop,java.instrument,java.management,java.naming
modules=$modules,java.net.http,java.prefs,java.scripting,java.security.jgss,java.sql
modules=$modules,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported
"$jlink" --add-modules "$modules" --no-man-pages --no-header-files --output "$1"
