#!/usr/bin/env bash
# catalog-render's one entry point: builds what is missing, then runs a command.
#   ./submit.sh demo                       seed a small catalog, render it locally, show where the pictures are
#   ./submit.sh test                       install what the tests need (when it can), then run every test
#   ./submit.sh render [--settings FILE|URI] [setting flags]   render the catalog's changed rows
#   ./submit.sh sql [--warehouse DIR] [--format table|csv|json] "QUERY"
#   ./submit.sh cost-report | cache-warmup | cache-stats | audit | sql-server | seed-catalog
#   ./submit.sh render-one | bench-model | bench
#   ./submit.sh COMMAND --help             that command's options and defaults (no build, no Spark)
# Options for Spark, any command: --master URL, --deploy-mode client|cluster, --spark-conf K=V
# (repeatable), --properties-file FILE, --archives FILE#NAME, --files FILE.
# Without SPARK_HOME: Spark's own SparkSubmit on the project's classpath (local[*] by default, no
# Spark installation needed). With SPARK_HOME: that installation's spark-submit with the
# application jar jobs/target/catalog-render-app.jar (Spark and Hadoop provided by it).
# Exit codes: 0 success, 1 failure, 2 usage error, 3 audit verdict failed, 4 budget exhausted.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
TARGET="$ROOT/jobs/target"
JOBS_JAR="$TARGET/catalog-render-jobs-0.1.0-SNAPSHOT.jar"
APP_JAR="$TARGET/catalog-render-app.jar"
MAIN=com.catalogrender.jobs.Main

usage() { sed -n '2,15p' "$ROOT/submit.sh" | sed 's/^# \{0,1\}//'; }

[[ $# -ge 1 ]] || { usage >&2; exit 2; }
command="$1"

# --- help: generated from the parser (jobs/help/*.txt, checked by HelpFilesTest); no build -------
case "$command" in
  -h|--help|help) usage; echo; cat "$ROOT/jobs/help/submit.sh.txt"; exit 0 ;;
esac
for arg in "${@:2}"; do
  if [[ "$arg" == "--help" || "$arg" == "-h" ]]; then
    if [[ -f "$ROOT/jobs/help/$command.txt" ]]; then cat "$ROOT/jobs/help/$command.txt"; exit 0; fi
    echo "error: unknown command '$command'" >&2; cat "$ROOT/jobs/help/submit.sh.txt" >&2; exit 2
  fi
done

# --- test: the README's test command; .ci/run calls it too ----------------------------------------
if [[ "$command" == test ]]; then
  packages=(jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib python3-pil python3-nbformat)
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo -n"
    if command -v apt-get >/dev/null 2>&1 && { [[ -z "$SUDO" ]] || sudo -n true 2>/dev/null; }; then
      echo "submit.sh test: installing ${missing[*]} (the notebooks suite runs notebooks/ headless)" >&2
      export DEBIAN_FRONTEND=noninteractive
      $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "submit.sh test: missing Debian packages: ${missing[*]}" >&2
      echo "  install them (apt-get install --no-install-recommends ${missing[*]}) and run again" >&2
      exit 2
    fi
  fi
  cd "$ROOT"
  exec mvn -B verify "${@:2}"
fi

cd "$ROOT"
sources_newer_than() {
  [[ -n "$(find udfs/src jobs/src conf/render.properties conf/rates.properties conf/audit pom.xml \
    udfs/pom.xml jobs/pom.xml -newer "$1" -type f 2>/dev/null | head -1)" ]]
}

# Torch intra-op threads: all cores for one-off commands; one per task for Spark commands, where
# tasks run side by side (on a cluster, match spark.task.cpus).
case "$command" in
  render-one|bench-model) THREADS="${CATALOG_RENDER_THREADS:-$(nproc)}" ;;
  *) THREADS="${CATALOG_RENDER_THREADS:-1}" ;;
esac
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
DJL_FLAGS=(-Dai.djl.offline=true "-Dai.djl.pytorch.num_threads=$THREADS" -Dai.djl.pytorch.num_interop_threads=1)
# libtorch's C++ warnings (e.g. one "Could not initialize NNPACK" line per UNet call on CPUs
# without AVX2 FMA) go to ERROR only; the job's own lines and Spark's warnings stay.
export OPT_OUT_TRACKING=true DJL_OFFLINE=true TORCH_CPP_LOG_LEVEL="${TORCH_CPP_LOG_LEVEL:-ERROR}"

# --- Spark's options, any command -----------------------------------------------------------------
master="${CATALOG_RENDER_MASTER:-local[*]}"
deploy_mode=client
args=()
spark_args=()
properties_file=""
shift
while [[ $# -gt 0 ]]; do
  case "$1" in
    --master|--deploy-mode|--spark-conf|--properties-file|--archives|--files)
      [[ $# -ge 2 ]] || { echo "error: $1 needs a value" >&2; exit 2; }
      case "$1" in
        --master) master="$2" ;;
        --deploy-mode) deploy_mode="$2" ;;
        --spark-conf) spark_args+=(--conf "$2") ;;
        --properties-file) properties_file="$2" ;;
        *) spark_args+=("$1" "$2") ;;
      esac
      shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ "$deploy_mode" == client || "$deploy_mode" == cluster ]] || {
  echo "error: --deploy-mode must be client or cluster, got '$deploy_mode'" >&2; exit 2; }

ENV_CONF=(--conf spark.executorEnv.OPT_OUT_TRACKING=true --conf spark.executorEnv.DJL_OFFLINE=true
  --conf "spark.executorEnv.TORCH_CPP_LOG_LEVEL=$TORCH_CPP_LOG_LEVEL")

if [[ -n "${SPARK_HOME:-}" ]]; then
  # --- a Spark installation: the application jar, our JVM flags as defaults the site's
  # extraJavaOptions add to ------------------------------------------------------------------------
  if [[ ! -f "$APP_JAR" ]] || sources_newer_than "$APP_JAR"; then
    echo "submit.sh: building the application jar (mvn -B -q install -DskipTests) ..." >&2
    mvn -B -q install -DskipTests -Dspotless.check.skip=true -pl jobs -am >&2
  fi
  if [[ -n "$properties_file" ]]; then
    # Spark 3.5's --properties-file replaces conf/spark-defaults.conf; the site's defaults stay
    # here: the site's file first, the user's after it (a later key wins)
    site="${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-defaults.conf"
    merged="$(mktemp -t catalog-render-properties.XXXXXX)"
    { [[ -f "$site" ]] && cat "$site"; echo; cat "$properties_file"; } > "$merged"
    spark_args+=(--properties-file "$merged")
  fi
  # Spark's launcher adds the Java 17 module options to a client-mode driver and to executors,
  # not to a driver a standalone Worker launches in cluster mode: they go in the defaults too
  JVM_DEFAULTS="${MODULE_FLAGS[*]} ${DJL_FLAGS[*]}"
  driver_conf=()
  if [[ "$deploy_mode" == cluster && "$master" == spark://* ]]; then
    # A standalone Worker launches a cluster-mode driver with spark.driver.extraJavaOptions only
    # (Spark 3.5's Client does not prepend defaultJavaOptions): ours go first there, then yours
    # (--spark-conf) or else the site's (spark-defaults.conf), which this keeps
    user_opts=""
    for arg in "${spark_args[@]}"; do
      [[ "$arg" == spark.driver.extraJavaOptions=* ]] && user_opts="${arg#*=}"
    done
    site="${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-defaults.conf"
    if [[ -z "$user_opts" && -f "$site" ]]; then
      user_opts="$(sed -n 's/^[[:space:]]*spark\.driver\.extraJavaOptions[[:space:]=]*//p' "$site" | tail -1)"
    fi
    driver_conf=(--conf "spark.driver.extraJavaOptions=$JVM_DEFAULTS $user_opts")
  fi
  submit=("$SPARK_HOME/bin/spark-submit" --master "$master" --deploy-mode "$deploy_mode" --class "$MAIN"
    --name "catalog-render $command"
    --conf "spark.driver.defaultJavaOptions=$JVM_DEFAULTS"
    --conf "spark.executor.defaultJavaOptions=$JVM_DEFAULTS"
    --conf spark.standalone.submit.waitAppCompletion=true
    "${ENV_CONF[@]}" "${spark_args[@]}" "${driver_conf[@]}" "$APP_JAR" "$command" "${args[@]}")
  if [[ "$deploy_mode" == cluster && "$master" == spark://* ]]; then
    # Spark 3.5's standalone client exits 0 whatever became of the driver: read its final state
    log="$(mktemp -t catalog-render-submit.XXXXXX)"
    set +e
    "${submit[@]}" 2>&1 | tee "$log"
    code=${PIPESTATUS[0]}
    set -e
    if [[ $code -eq 0 ]] && grep -qE "State of driver [^ ]+ is (FAILED|ERROR|KILLED)" "$log"; then
      echo "submit.sh: the driver ended $(grep -oE "is (FAILED|ERROR|KILLED)" "$log" | tail -1 | cut -d' ' -f2); its log is in the Worker's work directory (driver-*/stderr)" >&2
      code=1
    fi
    rm -f "$log"
    exit "$code"
  fi
  exec "${submit[@]}"
fi

# --- embedded: Spark's SparkSubmit from the project's classpath ------------------------------------
if [[ ! -f "$JOBS_JAR" || ! -f "$TARGET/runtime-classpath.txt" || ! -f "$TARGET/provided-classpath.txt" ]] \
    || sources_newer_than "$JOBS_JAR"; then
  echo "submit.sh: building (mvn -B -q install -DskipTests) ..." >&2
  mvn -B -q install -DskipTests -DskipAppJar -Dspotless.check.skip=true -pl jobs -am >&2
fi
[[ "$deploy_mode" == client ]] || {
  echo "error: --deploy-mode cluster needs a Spark installation (set SPARK_HOME)" >&2; exit 2; }
[[ -z "$properties_file" ]] || spark_args+=(--properties-file "$properties_file")
primary="$JOBS_JAR"
if [[ "$master" != local* ]]; then
  # a cluster's executors have Spark and nothing else: they get the application jar
  if [[ ! -f "$APP_JAR" ]] || sources_newer_than "$APP_JAR"; then
    echo "submit.sh: building the application jar for the cluster ..." >&2
    mvn -B -q install -DskipTests -Dspotless.check.skip=true -pl jobs -am >&2
  fi
  primary="$APP_JAR"
fi
LOG_FLAGS=("-Dlog4j2.configurationFile=$ROOT/conf/log4j2.properties")
CLASSPATH="$JOBS_JAR:$(cat "$TARGET/runtime-classpath.txt"):$(cat "$TARGET/provided-classpath.txt")"

case "$command" in
  render-one|bench-model)
    exec "$JAVA" "${MODULE_FLAGS[@]}" "${DJL_FLAGS[@]}" "${LOG_FLAGS[@]}" ${CATALOG_RENDER_JAVA_OPTS:-} \
      -cp "$CLASSPATH" "$MAIN" "$command" "${args[@]}" ;;
esac

exec "$JAVA" "${MODULE_FLAGS[@]}" "${DJL_FLAGS[@]}" "${LOG_FLAGS[@]}" ${CATALOG_RENDER_JAVA_OPTS:-} \
  -cp "$CLASSPATH" org.apache.spark.deploy.SparkSubmit --master "$master" \
  --class "$MAIN" --name "catalog-render $command" \
  --conf "spark.executor.defaultJavaOptions=${MODULE_FLAGS[*]} ${DJL_FLAGS[*]}" \
  "${ENV_CONF[@]}" "${spark_args[@]}" "$primary" "$command" "${args[@]}"
