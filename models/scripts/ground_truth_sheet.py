"""Writes ground-truth dataset images (the procedural renderer, no model involved) as one PNG sheet
plus a CSV of their attributes: every category x colour x background once, lighting cycling, for
tests of pixel-space attribute checks.

Usage: /usr/bin/python3 models/scripts/ground_truth_sheet.py OUT_DIR [--seed 11] [--repeats 1]
"""
import argparse
import os

import numpy as np
from PIL import Image

import dataset
import vocabulary as v


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--repeats", type=int, default=1)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    rows, images = [], []
    for r in range(a.repeats):
        for c in v.CATEGORIES:
            for o in v.COLOURS:
                for b in v.BACKGROUNDS:
                    light = v.LIGHTING[len(images) % len(v.LIGHTING)]
                    images.append(dataset.render(c, o, b, light, rng))
                    rows.append((len(rows), c, o, b, light, v.is_held_out(c, o, b)))
    cols = 16
    sheet = Image.new("RGB", (cols * dataset.SIZE, ((len(images) + cols - 1) // cols) * dataset.SIZE))
    for i, img in enumerate(images):
        sheet.paste(img, ((i % cols) * dataset.SIZE, (i // cols) * dataset.SIZE))
    os.makedirs(a.out, exist_ok=True)
    sheet.save(os.path.join(a.out, "sheet.png"), optimize=True)
    with open(os.path.join(a.out, "attributes.csv"), "w") as f:
        f.write("index,category,colour,background,lighting,held_out\n")
        for row in rows:
            f.write(",".join(str(x).lower() for x in row) + "\n")


if __name__ == "__main__":
    main()
