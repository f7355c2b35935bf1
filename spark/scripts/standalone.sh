#!/usr/bin/env bash
# Runs a command against a Spark standalone cluster on 127.0.0.1 made of one master and W workers
# (1 core each), started from the Spark jars in the local Maven repository (no Spark distribution
# needed), and stops all of it afterwards, also when the command fails. The command sees
# $MASTER (spark://127.0.0.1:PORT), $CP (Spark's classpath plus fnl4j-spark's jar), $JAR and $JVM_ARGS.
# Usage: spark/scripts/standalone.sh W 'COMMAND'
# Example (what the README's accuracy figure ran):
#   spark/scripts/standalone.sh 2 'java $JVM_ARGS -cp "$CP" org.apache.spark.deploy.SparkSubmit --master $MASTER \
#     --conf spark.executor.extraJavaOptions="$JVM_ARGS" --conf spark.executor.extraClassPath="$CP" \
#     --class org.fnl4j.spark.SparkTrain $JAR --data fashion-mnist:full --partitions 2 --out runs/cluster'
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
workers="${1:?usage: standalone.sh WORKERS COMMAND}"; cmd="${2:?usage: standalone.sh WORKERS COMMAND}"
java_home="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
export JAVA_HOME="$java_home" PATH="$java_home/bin:$PATH"
work="$(mktemp -d /tmp/fnl4j-standalone.XXXXXX)"

(cd "$root" && mvn -B -q -o install -DskipTests)
(cd "$here" && mvn -B -q -o package -DskipTests && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$work/cp.txt")
JAR="$(ls "$here"/target/fnl4j-spark-*-all.jar)"
CP="$JAR:$(cat "$work/cp.txt")"
JVM_ARGS="$(sed -n 's:.*<spark.jvm.args>\(.*\)</spark.jvm.args>.*:\1:p' "$here/pom.xml")"
export JAR CP JVM_ARGS

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port="$(free_port)"; ui="$(free_port)"
export MASTER="spark://127.0.0.1:$port"
# The workers' executor launcher wants a Spark home with a jars/ directory (empty: executors get $CP).
mkdir -p "$work/home/jars"
export SPARK_LOCAL_IP=127.0.0.1 SPARK_HOME="$work/home" SPARK_SCALA_VERSION=2.13

pids=()
cleanup() {
  for pid in "${pids[@]}"; do pkill -TERM -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# shellcheck disable=SC2086
java $JVM_ARGS -Xmx512m -cp "$CP" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port "$ui" >"$work/master.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.3
done
for w in $(seq 1 "$workers"); do
  # shellcheck disable=SC2086
  java $JVM_ARGS -Xmx512m -cp "$CP" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 4g \
    --webui-port "$(free_port)" --work-dir "$work/work$w" "$MASTER" >"$work/worker$w.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 1 300); do
  curl -s "http://127.0.0.1:$ui/json/" | tr -d ' \n' | grep -q "\"aliveworkers\":$workers" && break; sleep 0.3
done
echo "standalone.sh: master $MASTER with $workers workers (logs in $work)" >&2
bash -c "$cmd"
