"""Procedural product photos: a product of some category and colour on a background, lit from a side.

Drawn at 128x128 with PIL and downsampled to 64x64 for anti-aliasing. Deterministic per (seed, index).
"""
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

import vocabulary as v

DRAW = 128
SIZE = 64


def _background(kind, rng):
    y, x = np.mgrid[0:DRAW, 0:DRAW].astype(np.float32) / DRAW
    img = np.zeros((DRAW, DRAW, 3), np.float32)
    if kind == "studio white":
        base = 235 + 10 * rng.random()
        shade = base - 25 * ((x - 0.5) ** 2 + (y - 0.4) ** 2)
        img[:] = shade[..., None]
        floor = y > 0.72 + 0.05 * rng.random()
        img[floor] -= 12
    elif kind == "beach":
        horizon = 0.45 + 0.1 * rng.random()
        sky = np.stack([110 + 60 * y, 170 + 50 * y, 235 + 0 * y], -1)
        sea = np.stack([30 + 0 * y, 110 + 20 * y, 170 + 0 * y], -1)
        sand = np.stack([225 + 10 * y, 200 + 10 * y, 150 + 0 * y], -1)
        sea_band = (y > horizon) & (y < horizon + 0.12)
        img[:] = sky
        img[sea_band] = sea[sea_band]
        img[y >= horizon + 0.12] = sand[y >= horizon + 0.12]
        img += rng.normal(0, 4, img.shape)
    elif kind == "marble":
        phase = rng.random() * 6.28
        veins = np.abs(np.sin(10 * x + 6 * y + 3 * np.sin(7 * y + phase) + phase))
        grey = 215 - 90 * np.exp(-veins * 12)
        img[:] = np.stack([grey, grey, grey + 6], -1)
    elif kind == "wood":
        phase = rng.random() * 6.28
        grain = np.sin(60 * y + 4 * np.sin(5 * x + phase)) * 0.5 + 0.5
        img[:] = np.stack([150 + 35 * grain, 95 + 25 * grain, 50 + 15 * grain], -1)
    elif kind == "pastel gradient":
        a = np.array([250, 200, 215], np.float32) + rng.normal(0, 6, 3)
        b = np.array([200, 200, 250], np.float32) + rng.normal(0, 6, 3)
        t = ((x + y) / 2)[..., None]
        img[:] = a * (1 - t) + b * t
    else:
        raise ValueError(kind)
    return img


def _product_mask(category, rng):
    """Returns (mask image 'L', detail image 'L' with darker details) of the product at DRAW size."""
    mask = Image.new("L", (DRAW, DRAW), 0)
    detail = Image.new("L", (DRAW, DRAW), 0)
    d, dd = ImageDraw.Draw(mask), ImageDraw.Draw(detail)
    s = 0.85 + 0.3 * rng.random()
    cx = DRAW / 2 + rng.normal(0, 5)
    cy = DRAW / 2 + 8 + rng.normal(0, 4)

    def box(w, h, ox=0.0, oy=0.0):
        return [cx + ox * s - w * s / 2, cy + oy * s - h * s / 2, cx + ox * s + w * s / 2, cy + oy * s + h * s / 2]

    if category == "sneaker":
        d.polygon([(cx - 40 * s, cy + 14 * s), (cx - 38 * s, cy - 6 * s), (cx - 8 * s, cy - 18 * s),
                   (cx + 6 * s, cy - 4 * s), (cx + 40 * s, cy + 2 * s), (cx + 42 * s, cy + 14 * s)], fill=255)
        dd.rectangle([cx - 41 * s, cy + 8 * s, cx + 42 * s, cy + 15 * s], fill=255)  # sole
        for i in range(3):
            dd.line([cx - 14 * s + 7 * i * s, cy - 12 * s + 2 * i * s, cx - 6 * s + 7 * i * s, cy - 6 * s], fill=170, width=2)
    elif category == "mug":
        d.rectangle(box(44, 50), fill=255)
        d.ellipse(box(26, 30, 28, 0), fill=255)
        d.ellipse(box(12, 16, 28, 0), fill=0)
        dd.ellipse(box(44, 8, 0, -25), fill=140)
    elif category == "bottle":
        d.rectangle(box(26, 56, 0, 10), fill=255)
        d.polygon([(cx - 13 * s, cy - 18 * s), (cx + 13 * s, cy - 18 * s), (cx + 6 * s, cy - 30 * s), (cx - 6 * s, cy - 30 * s)], fill=255)
        d.rectangle(box(10, 12, 0, -34), fill=255)
        dd.rectangle(box(10, 6, 0, -38), fill=200)  # cap
        dd.rectangle(box(26, 16, 0, 12), fill=90)  # label
    elif category == "box":
        d.polygon([(cx - 30 * s, cy - 10 * s), (cx, cy - 24 * s), (cx + 30 * s, cy - 10 * s), (cx + 30 * s, cy + 24 * s),
                   (cx, cy + 36 * s), (cx - 30 * s, cy + 24 * s)], fill=255)
        dd.polygon([(cx - 30 * s, cy - 10 * s), (cx, cy - 24 * s), (cx + 30 * s, cy - 10 * s), (cx, cy + 4 * s)], fill=60)
        dd.polygon([(cx, cy + 4 * s), (cx + 30 * s, cy - 10 * s), (cx + 30 * s, cy + 24 * s), (cx, cy + 36 * s)], fill=150)
    elif category == "watch":
        d.rectangle(box(18, 76), fill=255)  # strap
        d.ellipse(box(40, 40), fill=255)
        dd.ellipse(box(30, 30), fill=255)  # face, drawn light
        dd.line([cx, cy, cx, cy - 11 * s], fill=230, width=2)
        dd.line([cx, cy, cx + 8 * s, cy], fill=230, width=2)
    elif category == "lamp":
        d.polygon([(cx - 14 * s, cy - 30 * s), (cx + 14 * s, cy - 30 * s), (cx + 26 * s, cy - 6 * s), (cx - 26 * s, cy - 6 * s)], fill=255)
        d.rectangle(box(5, 36, 0, 12), fill=255)
        d.ellipse(box(34, 10, 0, 30), fill=255)
        dd.rectangle(box(5, 36, 0, 12), fill=120)
        dd.ellipse(box(34, 10, 0, 30), fill=120)
    else:
        raise ValueError(category)
    return mask, detail


def render(category, colour, background, light, rng):
    img = _background(background, rng)
    mask, detail = _product_mask(category, rng)
    m = np.asarray(mask, np.float32) / 255
    det = np.asarray(detail, np.float32) / 255
    # shadow opposite the light
    dx = {"upper-left": 6, "upper-right": -6, "front": 0}[light]
    shadow = np.asarray(mask.filter(ImageFilter.GaussianBlur(4)), np.float32) / 255
    shadow = np.roll(np.roll(shadow, 5, axis=0), dx, axis=1)
    img *= (1 - 0.35 * shadow)[..., None]
    base = np.array(v.COLOURS[colour], np.float32) + rng.normal(0, 6, 3)
    y, x = np.mgrid[0:DRAW, 0:DRAW].astype(np.float32) / DRAW
    lx = {"upper-left": -1.0, "upper-right": 1.0, "front": 0.0}[light]
    lit = 1.0 + 0.35 * (lx * (x - 0.5) * 2 - 0.6 * (y - 0.5)) if lx != 0 else 1.05 - 0.25 * (y - 0.5)
    product = base[None, None, :] * lit[..., None]
    # details: dark where detail in (0,1), light where detail == 1 (watch face)
    face = (det > 0.99).astype(np.float32)
    darken = np.where((det > 0) & (det < 0.99), 1 - 0.5 * (1 - det), 1.0)
    product = product * darken[..., None]
    product = product * (1 - face[..., None]) + 245 * face[..., None]
    img = img * (1 - m[..., None]) + product * m[..., None]
    img = np.clip(img, 0, 255).astype(np.uint8)
    return Image.fromarray(img).resize((SIZE, SIZE), Image.LANCZOS)


def sample_attributes(rng, allow_held_out=False):
    while True:
        c = v.CATEGORIES[rng.integers(len(v.CATEGORIES))]
        o = list(v.COLOURS)[rng.integers(len(v.COLOURS))]
        b = v.BACKGROUNDS[rng.integers(len(v.BACKGROUNDS))]
        if allow_held_out or not v.is_held_out(c, o, b):
            return c, o, b, v.LIGHTING[rng.integers(len(v.LIGHTING))]


def generate(n, seed):
    """Returns uint8 images [n,64,64,3] and attribute tuples."""
    rng = np.random.default_rng(seed)
    images = np.zeros((n, SIZE, SIZE, 3), np.uint8)
    attrs = []
    for i in range(n):
        a = sample_attributes(rng)
        images[i] = np.asarray(render(*a, rng))
        attrs.append(a)
    return images, attrs


if __name__ == "__main__":
    import sys
    rng = np.random.default_rng(1)
    sheet = Image.new("RGB", (SIZE * 8, SIZE * 6))
    for r, c in enumerate(v.CATEGORIES):
        for k in range(8):
            o = list(v.COLOURS)[k]
            b = v.BACKGROUNDS[k % 5]
            sheet.paste(render(c, o, b, v.LIGHTING[k % 3], rng), (k * SIZE, r * SIZE))
    sheet.save(sys.argv[1] if len(sys.argv) > 1 else "/tmp/dataset_sheet.png")
