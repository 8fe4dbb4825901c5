#!/usr/bin/env bash
# Runs on a GPU machine with CUDA PyTorch in python3 but no Java (the workplace's device machine),
# from the repository root, with .gpu/bundle.tar.xz made by tests/gpu/bundle.sh beside it.
# Writes everything to $OUT (default out/device-run):
#   1. nvidia-smi and the torch build found;
#   2. whether DJL's cu128 JNI (built for libtorch 2.7.1) finds every libtorch symbol it needs in
#      this torch: the count and the first missing ones;
#   3. tests/gpu/ModelOnGpu.java through that JNI: the project's DiffusionModel on cuda:0 (fp16
#      and fp32), stage seconds, renders/s, parity with fp32 on the CPU, PNGs. With a torch other
#      than 2.7.1 it must stop at LibTorchVersion's error (exit 1) before DJL loads anything: on
#      torch 2.11 that JNI crashed the JVM (SIGSEGV in c10::AutogradState::set_tls_state);
#   4. the same fp16 TorchScript UNet timed from Python torch (no JVM), as the reference for 3's
#      per-step figures.
# Exit status: that of step 3 (0 when every check passed).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/out/device-run}"
mkdir -p "$OUT"
B=/tmp/gpu-bundle
rm -rf "$B" && mkdir -p "$B"
tar xJf .gpu/bundle.tar.xz -C "$B" 2>/dev/null \
  || python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" .gpu/bundle.tar.xz "$B"

echo "== 1. machine"
nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv
TORCH_LIB=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
TORCH_VERSION=$(python3 -c 'import torch; print(torch.__version__.split("+")[0], torch.version.cuda)')
echo "torch $TORCH_VERSION at $TORCH_LIB"
ls "$TORCH_LIB" | tr '\n' ' '; echo
SITE=$(dirname "$(dirname "$TORCH_LIB")")
NVIDIA_LIBS=$(ls -d "$SITE"/nvidia/*/lib "$SITE"/nvidia/cu*/lib 2>/dev/null | sort -u | paste -sd:)
export LD_LIBRARY_PATH="$TORCH_LIB:$NVIDIA_LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

echo "== 2. DJL's cu128 JNI against this libtorch"
python3 - "$TORCH_LIB" "$B/jni" <<'EOF' | tee "$OUT/jni-symbols.txt"
import ctypes, os, sys
lib, jni = sys.argv[1], sys.argv[2]
import torch  # loads its own libraries first
handles = []
for name in ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"]:
    handles.append(ctypes.CDLL(os.path.join(lib, name), mode=ctypes.RTLD_GLOBAL))
wanted = [s.strip() for s in open(os.path.join(jni, "undefined.txt")) if s.strip()]
missing = []
for symbol in wanted:
    if not any(hasattr(h, symbol) for h in handles):
        missing.append(symbol)
libc = ctypes.CDLL(None)
missing = [s for s in missing if not hasattr(libc, s)]
print(f"jni symbols: {len(wanted)} wanted, {len(missing)} not found in this torch")
for s in missing[:25]:
    print("missing", s)
try:
    ctypes.CDLL(os.path.join(jni, "libdjl_torch.so"), mode=os.RTLD_NOW)
    print("dlopen libdjl_torch.so: ok")
except OSError as e:
    print("dlopen libdjl_torch.so: FAILED:", e)
EOF

echo "== 3. ModelOnGpu through DJL (the project's model path on cuda:0)"
PTLIB=/tmp/djl-libtorch
rm -rf "$PTLIB" && mkdir -p "$PTLIB" "$OUT/images"
for f in libc10.so libc10_cuda.so libtorch_cpu.so libtorch_cuda.so libtorch.so; do ln -s "$TORCH_LIB/$f" "$PTLIB/$f"; done
cp "$B/jni/libdjl_torch.so" "$PTLIB/0.36.0-libdjl_torch.so"
export PYTORCH_LIBRARY_PATH="$PTLIB" PYTORCH_VERSION="${TORCH_VERSION%% *}" PYTORCH_FLAVOR=cu128
export DJL_CACHE_DIR=/tmp/djl-cache
timeout 300 "$B/jre/bin/java" -Dai.djl.offline=true -Xmx8g -cp "$B/jars/*" ModelOnGpu models/demo "$OUT/images" 2>&1 \
  | tee "$OUT/model-on-gpu.txt"
status=${PIPESTATUS[0]}
echo "ModelOnGpu exit status: $status"

echo "== 4. the fp16 UNet from Python torch (no JVM), same shapes as UnetTimer"
python3 - <<'EOF' 2>&1 | tee "$OUT/python-unet.txt"
import json, time, torch
m = json.load(open("models/demo/manifest.json"))
unet = torch.jit.load("models/demo/unet_fp16.pt", map_location="cuda:0").eval()
c, s, t, h = m["latent_channels"], m["latent_size"], m["text"]["max_tokens"], m["text"]["hidden_size"]
with torch.no_grad():
    for images in [1, 8, 64, 256]:
        n = 2 * images
        x = torch.randn(n, c, s, s, device="cuda:0").half()
        ts = torch.full((n,), 500.0, device="cuda:0")
        ctx = torch.randn(n, t, h, device="cuda:0").half()
        for _ in range(5):
            unet(x, ts, ctx)
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(30):
            unet(x, ts, ctx)
        torch.cuda.synchronize()
        print(f"figure python_unet_ms_per_step_fp16_cuda0_x{images} {(time.perf_counter() - start) / 30 * 1000:.4f}")
EOF
exit "$status"
