#!/usr/bin/env bash
# GPU check for a machine with an NVIDIA GPU (not part of CI; under 8 minutes). It asserts, and
# exits non-zero on the first failure. Builds once, then:
#   1. the fp16 UNet on cuda:0 through render-one: 3 images, none flat (luma stddev > 8),
#   2. a stock Spark standalone Master + Worker on loopback (tests/stock-spark's jars, the
#      application jar shipped by submit.sh) advertising this node's GPUs through
#      conf/gpu/discover-gpus.sh, and a 64-row render whose tasks take their CUDA device from Spark's
#      GPU resource: every row ok, device cuda:<its gpu_address>, variant fp16, UNet and VAE
#      seconds > 0 on every row, text encoder seconds > 0 on the embedding cache's misses,
#   3. one table of the figures: stage seconds on the GPU, renders/s, model loads, busy share.
# Needs a CUDA build of libtorch 2.7.1 (pytorch-native-cpu from Maven has no CUDA kernels, and
# DJL's CUDA jars are not on Maven Central): PYTORCH_LIBRARY_PATH=/path/to/libtorch/lib, or a
# Python torch 2.7.x with CUDA whose lib directory this script finds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/out/gpu-check}"
mkdir -p "$OUT"
nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv

if [[ -z "${PYTORCH_LIBRARY_PATH:-}" ]]; then
  for py in python3 /usr/bin/python3; do
    lib=$("$py" -c 'import torch, os; assert torch.cuda.is_available(); print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null) || continue
    export PYTORCH_LIBRARY_PATH="$lib"
    export PYTORCH_VERSION=$("$py" -c 'import torch; print(torch.__version__.split("+")[0])')
    export PYTORCH_FLAVOR=$("$py" -c 'import torch; print("cu" + torch.version.cuda.replace(".", ""))')
    break
  done
fi
if [[ -z "${PYTORCH_LIBRARY_PATH:-}" ]]; then
  echo "check.sh: no CUDA libtorch found: set PYTORCH_LIBRARY_PATH (and PYTORCH_VERSION, PYTORCH_FLAVOR)" >&2
  exit 3
fi
echo "libtorch: $PYTORCH_LIBRARY_PATH ($PYTORCH_VERSION $PYTORCH_FLAVOR)"

fail() { echo "check.sh: FAILED: $*" >&2; exit 1; }
mvn -B -q install -DskipTests

echo "== 1. fp16 UNet on cuda:0 (render-one, 25 steps)"
for round in 1 2 3; do
  ./submit.sh render-one --caption "red mug on beach, studio lighting from upper-left" --seed "$round" \
    --variant fp16 --device cuda:0 --out "$OUT/fp16-$round.png" --size 512 | tee "$OUT/render-one-$round.txt"
  grep -q "on cuda:0" "$OUT/render-one-$round.txt" || fail "render-one did not run on cuda:0"
done
java tests/gpu/ImageStats.java "$OUT"/fp16-*.png | tee "$OUT/stats.txt"
awk '$1 <= 8 { bad = 1 } END { exit bad }' "$OUT/stats.txt" || fail "a flat fp16 image (luma stddev <= 8)"

echo "== 2. Spark standalone on loopback, GPU addresses from the discovery script"
export SPARK_HOME="$OUT/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
mkdir -p "$SPARK_HOME/bin"
ln -sfn "$ROOT/tests/stock-spark/target/spark-home/jars" "$SPARK_HOME/jars"
cp tests/stock-spark/bin/* "$SPARK_HOME/bin/" && cp tests/stock-spark/RELEASE "$SPARK_HOME/"
FLAGS=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED)
GPUS=$(nvidia-smi --query-gpu=index --format=csv,noheader | wc -l)
java "${FLAGS[@]}" -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 7177 --webui-port 8180 > "$OUT/master.log" 2>&1 &
MASTER=$!
java "${FLAGS[@]}" -Dspark.worker.resource.gpu.amount="$GPUS" \
  -Dspark.worker.resource.gpu.discoveryScript="$ROOT/conf/gpu/discover-gpus.sh" \
  -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 4 --memory 16g \
  --webui-port 8181 spark://127.0.0.1:7177 > "$OUT/worker.log" 2>&1 &
WORKER=$!
trap 'kill $WORKER $MASTER 2>/dev/null || true; pkill -f "$SPARK_HOME/jars" || true' EXIT
sleep 8
./submit.sh seed-catalog --master local[1] --table "$OUT/catalog" --rows 64 --seed 5 > /dev/null
./submit.sh render --master spark://127.0.0.1:7177 --catalog "$OUT/catalog" --warehouse "$OUT/warehouse" \
  --images "$OUT/images" --rerender-all \
  --spark-conf spark.executor.resource.gpu.amount=1 --spark-conf spark.task.resource.gpu.amount=0.5 \
  --spark-conf spark.executor.cores=2 --spark-conf spark.executorEnv.PYTORCH_LIBRARY_PATH="$PYTORCH_LIBRARY_PATH" \
  --spark-conf spark.executorEnv.PYTORCH_VERSION="$PYTORCH_VERSION" --spark-conf spark.executorEnv.PYTORCH_FLAVOR="$PYTORCH_FLAVOR" \
  | tee "$OUT/render.txt"
[[ ${PIPESTATUS[0]} -eq 0 ]] || fail "the render exited ${PIPESTATUS[0]}"
bad=$(./submit.sh sql --master local[1] --format csv --warehouse "$OUT/warehouse" "select count(*) from renders
  where status <> 'ok' or variant <> 'fp16' or device <> concat('cuda:', gpu_address)
     or not (seconds_unet > 0 and seconds_vae > 0)" | tail -1)
[[ "$bad" == 0 ]] || fail "$bad render rows not ok on the GPU Spark assigned (device, variant or stage seconds)"
rows=$(./submit.sh sql --master local[1] --format csv --warehouse "$OUT/warehouse" "select count(*) from renders" | tail -1)
[[ "$rows" == 64 ]] || fail "$rows result rows for 64 catalog rows"
encoded=$(./submit.sh sql --master local[1] --format csv --warehouse "$OUT/warehouse" "select count(*) from renders where seconds_text_encoder > 0" | tail -1)
[[ "$encoded" -gt 0 ]] || fail "no row measured text encoder seconds (embedding cache hits have none; misses must)"

echo "== 3. GPU figures"
./submit.sh sql --warehouse "$OUT/warehouse" "select device, gpu_address, variant, count(*) renders,
  round(avg(seconds_text_encoder)*1000,2) text_ms, round(avg(seconds_unet)*1000,2) unet_ms,
  round(avg(seconds_vae)*1000,2) vae_ms, round(avg(seconds_post)*1000,2) post_ms, round(avg(seconds_io)*1000,2) io_ms
  from renders group by device, gpu_address, variant order by device"
./submit.sh sql --warehouse "$OUT/warehouse" "select executors, model_loads, round(renders_per_second,2) renders_per_s,
  round(device_busy_share,3) busy, round(cost_per_render_eur,7) eur_per_render from runs"
