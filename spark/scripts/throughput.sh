#!/usr/bin/env bash
# Training throughput of fnl4j-spark against one fnl train process, alternated A/B so that the
# noise of a shared machine hits both sides alike. Factorized ResNet-20 (s = 0.111, SI + FD, the
# defaults of fnl train) on the first N images of the full Fashion-MNIST, one epoch:
#   single: ./fnl train --threads 2
#   spark:  spark-submit --master local[P] with P partitions x 1 thread, at each K of $KS
# Usage: spark/scripts/throughput.sh [ROUNDS=2] [N=25600] [KS="1 10 100"] [P=2]
# Prints one line per run: side, K, images/s, compute and sync ms per round, bytes per sync.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-2}"; n="${2:-25600}"; ks="${3:-1 10 100}"; p="${4:-2}"
java_home="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
export JAVA_HOME="$java_home" PATH="$java_home/bin:$PATH"
out="$(mktemp -d /tmp/fnl4j-throughput.XXXXXX)"

(cd "$root" && mvn -B -q -o install -DskipTests)
(cd "$here" && mvn -B -q -o package -DskipTests && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$out/cp.txt")
jar="$(ls "$here"/target/fnl4j-spark-*-all.jar)"
jvm_args="$(sed -n 's:.*<spark.jvm.args>\(.*\)</spark.jvm.args>.*:\1:p' "$here/pom.xml")"
data="fashion-mnist:full"
# The JVM options ./fnl gives its JVM on JDK 17 (ParallelGC, a large young generation), with a
# larger heap for Spark; the same JVM runs the driver and the local[P] executor's tasks.
gc="-XX:+UseParallelGC -Xms3g -Xmx3g -Xmn1500m"
common=(--data "$data" --train-limit "$n" --test-limit 1000 --epochs 1 --seed 0)

for r in $(seq 1 "$rounds"); do
  o="$out/single-$r"
  (cd "$root" && ./fnl train --threads 2 "${common[@]}" --out "$o" --no-plots 2>"$o.err" >"$o.json")
  echo "single threads=2 run=$r $(cat "$o.json")"
  for k in $ks; do
    o="$out/spark-k$k-$r"
    # shellcheck disable=SC2086
    java $jvm_args $gc -cp "$jar:$(cat "$out/cp.txt")" org.apache.spark.deploy.SparkSubmit \
      --master "local[$p]" --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 \
      --class org.fnl4j.spark.SparkTrain "$jar" "${common[@]}" --partitions "$p" --threads 1 --sync-every "$k" \
      --out "$o" 2>"$o.err" >"$o.json"
    echo "spark P=$p K=$k run=$r $(cat "$o.json")"
  done
done
echo "logs in $out"
