"""What every exporter of a model directory needs: sha256 of a file, a frozen TorchScript trace,
and the mean milliseconds of a module call."""
import hashlib
import time

import torch


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def freeze(module, *example):
    """trace + freeze. Not optimize_for_inference: its MKLDNN weights do not survive save/load."""
    return torch.jit.freeze(torch.jit.trace(module.eval(), example, check_trace=False))


def ms_per_call(module, args, repeats=20):
    with torch.no_grad():
        for _ in range(3):
            module(*args)
        start = time.perf_counter()
        for _ in range(repeats):
            module(*args)
    return 1000 * (time.perf_counter() - start) / repeats
