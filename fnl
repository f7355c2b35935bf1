#!/usr/bin/env bash
# fnl: the fnl4j command line. Picks a JDK >= 17 (JAVA_HOME if set, else the newest under
# /usr/lib/jvm, else java on PATH), builds the jar with Maven on first use or when the sources
# changed, and runs org.fnl4j.cli.Main with the Vector API module. Run `./fnl --help`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -1
}

pick_java() {
  if [ -n "${JAVA_HOME:-}" ]; then
    if [ ! -x "$JAVA_HOME/bin/java" ]; then
      echo "fnl: JAVA_HOME=$JAVA_HOME has no bin/java; unset it or point it at a JDK >= 17" >&2
      exit 1
    fi
    local v; v="$(java_major "$JAVA_HOME/bin/java")"
    if [ -z "$v" ] || [ "$v" -lt 17 ]; then
      echo "fnl: JAVA_HOME=$JAVA_HOME is Java ${v:-?}; fnl4j needs a JDK >= 17" >&2
      exit 1
    fi
    echo "$JAVA_HOME"
    return
  fi
  local best="" bestv=0 d v
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    [ -L "$d" ] && continue
    v="$(java_major "$d/bin/java")"
    if [ -n "$v" ] && [ "$v" -ge 17 ] && [ "$v" -gt "$bestv" ]; then best="$d"; bestv="$v"; fi
  done
  if [ -n "$best" ]; then echo "$best"; return; fi
  if command -v java >/dev/null 2>&1; then
    local j; j="$(readlink -f "$(command -v java)")"
    v="$(java_major "$j")"
    if [ -n "$v" ] && [ "$v" -ge 17 ]; then echo "$(dirname "$(dirname "$j")")"; return; fi
  fi
  echo "fnl: no JDK >= 17 found (set JAVA_HOME, or install one, e.g. apt-get install openjdk-17-jdk)" >&2
  exit 1
}

JAVA_HOME="$(pick_java)"
export JAVA_HOME
if [ -z "${FNL_QUIET:-}" ]; then
  echo "fnl: using $("$JAVA_HOME/bin/java" -version 2>&1 | head -1) from $JAVA_HOME" >&2
fi

jar="$(ls "$here"/target/fnl4j-*.jar 2>/dev/null | grep -v -e '-sources' -e '-javadoc' | head -1 || true)"
stale=""
if [ -z "$jar" ] || [ ! -d "$here/target/lib" ]; then
  stale="no jar yet"
elif [ -n "$(find "$here/src/main" "$here/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  stale="sources changed"
fi
if [ -n "$stale" ]; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "fnl: need to build the jar ($stale) but Maven (mvn) is not installed (apt-get install maven)" >&2
    exit 1
  fi
  echo "fnl: building the jar ($stale): mvn -q -B -DskipTests package ..." >&2
  if [ "$(java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
    # Maven's bundled Guava touches sun.misc.Unsafe, which JDK 24+ warns about at length.
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
  (cd "$here" && JAVA_HOME="$JAVA_HOME" PATH="$JAVA_HOME/bin:$PATH" mvn -q -B -DskipTests package >&2) || {
    echo "fnl: the build failed (see the Maven output above)" >&2
    exit 1
  }
  jar="$(ls "$here"/target/fnl4j-*.jar | grep -v -e '-sources' -e '-javadoc' | head -1)"
fi

# Training allocates its activations and gradients afresh every step: a parallel collector with a
# young generation that holds a few steps' worth, pre-touched, makes that nearly free (G1, the
# default, spends much of a ResNet-20 step on humongous allocations). The heap is capped so that the
# old generation is collected before it grows: dense ResNet-20 on the full Fashion-MNIST peaks at
# about 1.4 GB of resident memory. Larger models need more: FNL_JAVA_OPTS comes last, so e.g.
# FNL_JAVA_OPTS="-Xmx4g -Xmn2g" overrides these.
jvm_defaults="-XX:+UseParallelGC -Xms1200m -Xmx1200m -Xmn640m -XX:+AlwaysPreTouch"
# Compiled code and loops start on 64-byte boundaries where the JVM allows it: with the default
# 32/16, about half of all fresh JVMs ran the GEMM micro-kernel at ~165 instead of ~200 GFLOP/s on
# this machine (CHANGELOG.md). JDK 25 accepts the flags; on JDK 17 CodeEntryAlignment
# is a debug-build flag, the probe below fails and they are left out.
code_alignment="-XX:+UnlockExperimentalVMOptions -XX:CodeEntryAlignment=64 -XX:OptoLoopAlignment=64"
if "$JAVA_HOME/bin/java" $code_alignment -version >/dev/null 2>&1; then
  jvm_defaults="$jvm_defaults $code_alignment"
fi
# Every JVM started with an incubator module prints "WARNING: Using incubator modules:
# jdk.incubator.vector" on stderr at boot, and no option turns it off. Drop exactly that line (it
# comes before anything fnl prints) and pass everything else through unchanged and unbuffered
# (progress bars rewrite their line with \r). The filter ignores Ctrl-C and TERM so that it still
# shows what the JVM prints while it stops. FNL_JVM_WARNINGS=1 keeps the line.
drop_incubator_warning() {
  trap '' INT TERM
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    [ "$line" = "WARNING: Using incubator modules: jdk.incubator.vector" ] && break
    printf '%s\n' "$line"
  done
  exec cat
}
cmd=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector $jvm_defaults ${FNL_JAVA_OPTS:-}
  -Dfnl4j.home="$here" -cp "$jar:$here/target/lib/*" org.fnl4j.cli.Main "$@")
if [ -n "${FNL_JVM_WARNINGS:-}" ]; then
  exec "${cmd[@]}"
fi
exec 3> >(drop_incubator_warning >&2)
filter=$!
set +e
"${cmd[@]}" 2>&3   # in the foreground, as before: same stdin, terminal and Ctrl-C
rc=$?
exec 3>&-          # the filter sees end-of-file once the JVM has exited ...
wait "$filter"     # ... and prints its last lines before the shell prompt returns
exit $rc
