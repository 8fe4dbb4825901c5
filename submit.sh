#!/usr/bin/env bash
# catalog-render's one entry point: builds what is missing, then runs a subcommand.
#   ./submit.sh render-one --caption "red mug on beach, studio lighting from upper-left" --seed 1 --out out/mug.png
#   ./submit.sh bench-model [--json]
# Runs locally on the project's own classpath (no Spark installation needed).
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
THREADS="${CATALOG_RENDER_THREADS:-$(nproc)}"
DJL_FLAGS=(-Dai.djl.offline=true "-Dai.djl.pytorch.num_threads=$THREADS" -Dai.djl.pytorch.num_interop_threads=1)
export OPT_OUT_TRACKING=true DJL_OFFLINE=true

needs_build() {
  [[ ! -f "$JOBS_JAR" || ! -f "$CLASSPATH_FILE" ]] && return 0
  [[ -n "$(find udfs/src jobs/src pom.xml udfs/pom.xml jobs/pom.xml -newer "$JOBS_JAR" -type f 2>/dev/null | head -1)" ]]
}

if needs_build; then
  echo "submit.sh: building (mvn -B -q install -DskipTests) ..." >&2
  mvn -B -q install -DskipTests -Dspotless.check.skip=true >&2
fi

usage() {
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
  echo "commands: render-one, bench-model" >&2
}

[[ $# -ge 1 ]] || { usage; exit 2; }
case "$1" in
  -h|--help|help) usage; exit 0 ;;
esac

exec "$JAVA" "${MODULE_FLAGS[@]}" "${DJL_FLAGS[@]}" ${CATALOG_RENDER_JAVA_OPTS:-} \
  -cp "$JOBS_JAR:$(cat "$CLASSPATH_FILE")" com.catalogrender.jobs.Main "$@"
