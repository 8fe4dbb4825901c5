"""Where is colour lost? Round-trips ground-truth dataset images through the demo model's VAE decoder
(with an encoder trained for that frozen decoder) and reports, per colour, the CIELAB error of the
product's centre patch (original vs decoded) and the colour name nearest to what came back.

Usage: /usr/bin/python3 models/scripts/colour_roundtrip.py --model models/demo [--minutes 5] [--images 6000]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import dataset  # noqa: E402
import train  # noqa: E402
import vocabulary as v  # noqa: E402


def srgb_to_lab(rgb):
    c = rgb / 255.0
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def centre_colour(images):
    """Median RGB of a 6x6 patch where every category's product is (dataset: centre x 32, y 36)."""
    patch = images[:, 33:39, 29:35, :].reshape(len(images), -1, 3).astype(np.float64)
    return np.median(patch, axis=1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="models/demo")
    p.add_argument("--minutes", type=float, default=5)
    p.add_argument("--images", type=int, default=6000)
    a = p.parse_args()
    torch.manual_seed(0)
    images, attrs = train.make_dataset(a.images, 7)
    x = train.to_tensor(images)
    decoder = torch.jit.load(os.path.join(a.model, "vae_decoder.pt")).eval()
    start = time.time()
    encoder, steps = train.train_encoder(x[: a.images - 800], decoder, a.minutes, lambda m: None)
    print(f"encoder for the kept decoder: {steps} steps in {time.time() - start:.0f}s")
    held = x[a.images - 800:]
    with torch.no_grad():
        rec = torch.clamp(decoder(encoder(held)), -1, 1)
    rec_img = ((rec.permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().astype(np.uint8)
    orig = images[a.images - 800:]
    mse = ((rec_img.astype(np.float64) - orig) ** 2).mean()
    print(f"round trip PSNR {10 * np.log10(255 ** 2 / mse):.1f} dB on {len(orig)} held-out images")
    lab_o, lab_r = srgb_to_lab(centre_colour(orig)), srgb_to_lab(centre_colour(rec_img))
    names = list(v.COLOURS)
    ref = srgb_to_lab(np.array([v.COLOURS[n] for n in names], np.float64))
    print(f"{'colour':8} {'n':>4} {'dE76':>6} {'dL':>6} {'da':>6} {'db':>6}  nearest(orig)  nearest(decoded)")
    for name in names:
        idx = [i for i, t in enumerate(attrs[a.images - 800:]) if t[1] == name and t[0] != "watch"]
        if not idx:
            continue
        d = lab_r[idx] - lab_o[idx]
        de = np.sqrt((d ** 2).sum(-1))
        near_o = np.argmin(((lab_o[idx][:, None] - ref[None]) ** 2).sum(-1), 1)
        near_r = np.argmin(((lab_r[idx][:, None] - ref[None]) ** 2).sum(-1), 1)
        acc_o = (near_o == names.index(name)).mean()
        acc_r = (near_r == names.index(name)).mean()
        print(f"{name:8} {len(idx):4d} {de.mean():6.1f} {d[:, 0].mean():6.1f} {d[:, 1].mean():6.1f} {d[:, 2].mean():6.1f}"
              f"  {acc_o:13.2f}  {acc_r:16.2f}")


if __name__ == "__main__":
    main()
