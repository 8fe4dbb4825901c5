#!/usr/bin/env bash
# catalog-render's one entry point: builds what is missing, then runs a subcommand.
#   ./submit.sh demo                      seed a small catalog, render it locally, show where the pictures are
#   ./submit.sh render --catalog PATH --warehouse DIR --images DIR [--where SQL] [--limit N] [--rerender-all]
#        [--master URL] [--spark-conf KEY=VALUE ...] [--properties-file FILE]
#   ./submit.sh sql [--warehouse DIR] [--format table|csv|json] "QUERY"
#   ./submit.sh cost-report [--run ID]    the stage table of a run, and a PNG chart next to its images
#   ./submit.sh cache-warmup --catalog PATH --spark-conf spark.redis.host=H   load caption embeddings into Redis
#   ./submit.sh cache-stats --spark-conf spark.redis.host=H                   keys, memory and TTLs of that cache
#   ./submit.sh audit [--prompts CSV] [--variants int8,fp32] [--run ID]       quality audit; exit 1 when it fails
#   ./submit.sh sql-server [--port 10000] Spark Thrift JDBC server over the same tables and views
#   ./submit.sh seed-catalog --table PATH --rows N [--seed S]
#   ./submit.sh render-one --caption TEXT --seed N --variant int8|fp32 --out FILE.png [--size 512]
#   ./submit.sh bench-model [--json]
#   ./submit.sh bench [--rows 200] [--json] [--scale]   job efficiency, cost naive vs optimized, cache hit rate
# Spark commands run through Spark's own SparkSubmit on the project's classpath (local[*] by default,
# no Spark installation needed); with SPARK_HOME set, through that installation's spark-submit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
CLASSPATH_FILE="$ROOT/jobs/target/runtime-classpath.txt"
JOBS_JAR="$ROOT/jobs/target/catalog-render-jobs-0.1.0-SNAPSHOT.jar"

# Spark's own Java 17 module flags (spark-launcher JavaModuleOptions), plus DJL offline settings.
MODULE_FLAGS=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false)
# Torch intra-op threads: all cores for one-off commands; one per task for Spark commands, where
# tasks run side by side (on a cluster, match spark.task.cpus).
case "${1:-}" in
  render-one|bench-model) THREADS="${CATALOG_RENDER_THREADS:-$(nproc)}" ;;
  *) THREADS="${CATALOG_RENDER_THREADS:-1}" ;;
esac
DJL_FLAGS=(-Dai.djl.offline=true "-Dai.djl.pytorch.num_threads=$THREADS" -Dai.djl.pytorch.num_interop_threads=1)
export OPT_OUT_TRACKING=true DJL_OFFLINE=true

needs_build() {
  [[ ! -f "$JOBS_JAR" || ! -f "$CLASSPATH_FILE" ]] && return 0
  [[ -n "$(find udfs/src jobs/src pom.xml udfs/pom.xml jobs/pom.xml -newer "$JOBS_JAR" -type f 2>/dev/null | head -1)" ]]
}

if needs_build; then
  echo "submit.sh: building (mvn -B -q install -DskipTests) ..." >&2
  mvn -B -q install -DskipTests -Dspotless.check.skip=true -pl jobs -am >&2
fi

usage() {
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
}

[[ $# -ge 1 ]] || { usage; exit 2; }
command="$1"
case "$command" in
  -h|--help|help) usage; exit 0 ;;
esac

LOG_FLAGS=("-Dlog4j2.configurationFile=$ROOT/conf/log4j2.properties")
CLASSPATH="$JOBS_JAR:$(cat "$CLASSPATH_FILE")"

case "$command" in
  render-one|bench-model)
    exec "$JAVA" "${MODULE_FLAGS[@]}" "${DJL_FLAGS[@]}" "${LOG_FLAGS[@]}" ${CATALOG_RENDER_JAVA_OPTS:-} \
      -cp "$CLASSPATH" com.catalogrender.jobs.Main "$@" ;;
esac

# Spark commands: --master, --spark-conf K=V (repeatable) and --properties-file F go to
# spark-submit; everything else goes to the job.
master="${CATALOG_RENDER_MASTER:-local[*]}"
args=()
spark_args=()
shift
while [[ $# -gt 0 ]]; do
  case "$1" in
    --master) [[ $# -ge 2 ]] || { echo "error: --master needs a URL" >&2; exit 2; }; master="$2"; shift 2 ;;
    --spark-conf) [[ $# -ge 2 ]] || { echo "error: --spark-conf needs KEY=VALUE" >&2; exit 2; }; spark_args+=(--conf "$2"); shift 2 ;;
    --properties-file) [[ $# -ge 2 ]] || { echo "error: --properties-file needs a file" >&2; exit 2; }; spark_args+=(--properties-file "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

SUBMIT_CONF=(--conf "spark.driver.extraJavaOptions=${MODULE_FLAGS[*]} ${DJL_FLAGS[*]}"
  --conf "spark.executor.extraJavaOptions=${MODULE_FLAGS[*]} ${DJL_FLAGS[*]}"
  --conf "spark.executorEnv.OPT_OUT_TRACKING=true" --conf "spark.executorEnv.DJL_OFFLINE=true")

if [[ -n "${SPARK_HOME:-}" ]]; then
  # a real Spark installation: ship our jar and the dependencies Spark does not have
  deps=$(tr ':' '\n' < "$CLASSPATH_FILE" | grep -vE '/(org/apache/spark|org/apache/hadoop|org/scala-lang)/' | paste -sd, -)
  exec "$SPARK_HOME/bin/spark-submit" --master "$master" --class com.catalogrender.jobs.Main \
    --name "catalog-render $command" --jars "$deps" "${SUBMIT_CONF[@]}" "${spark_args[@]}" "$JOBS_JAR" "$command" "${args[@]}"
fi

exec "$JAVA" "${MODULE_FLAGS[@]}" "${DJL_FLAGS[@]}" "${LOG_FLAGS[@]}" ${CATALOG_RENDER_JAVA_OPTS:-} \
  -cp "$CLASSPATH" org.apache.spark.deploy.SparkSubmit --master "$master" \
  --class com.catalogrender.jobs.Main --name "catalog-render $command" "${SUBMIT_CONF[@]}" \
  "${spark_args[@]}" "$JOBS_JAR" "$command" "${args[@]}"
