#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript and
# spark.worker.resource.gpu.discoveryScript): prints the CUDA indexes of this node's GPUs as
#   {"name":"gpu","addresses":["0","1",...]}
# catalog-render uses the first address Spark assigns to a task as its CUDA device index.
# CUDA_VISIBLE_DEVICES, when set (YARN and Kubernetes isolate GPUs that way), wins: the indexes
# are then 0..n-1 inside the container.
set -euo pipefail
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" && "${CUDA_VISIBLE_DEVICES}" != "NoDevFiles" ]]; then
  count=$(tr ',' '\n' <<< "$CUDA_VISIBLE_DEVICES" | grep -c .)
  indexes=$(seq 0 $((count - 1)))
else
  indexes=$(nvidia-smi --query-gpu=index --format=csv,noheader)
fi
printf '{"name":"gpu","addresses":[%s]}\n' "$(sed 's/.*/"&"/' <<< "$indexes" | paste -sd, -)"
