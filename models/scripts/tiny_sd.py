"""Builds two tiny Stable-Diffusion-shaped models in catalog-render's model format version 2, with
random weights, for tests: the same interfaces and shapes as the real modules at small width.

  tiny-sd1   CLIP-style causal text transformer (final layer norm, last hidden state, 77 tokens),
             cross-attention UNet (sample, timestep, encoder_hidden_states), epsilon prediction,
             VAE scaling factor 0.18215, 8x latent downsampling
  tiny-sdxl  two text encoders (penultimate hidden states concatenated, the second's projected
             pooled output as text_embeds), UNet with added conditioning (text_embeds, time_ids),
             v-prediction, VAE scaling factor 0.13025, zeros as the unconditional embedding

Each has a CLIP-style byte-level BPE tokenizer.json in the Hugging Face format ("</w>" word ends,
<|startoftext|>/<|endoftext|>, lower-casing), a diffusers scheduler_config.json, TorchScript
modules (UNet fp32 and dynamic-int8 linear layers), a manifest.json with sha256 per file, and
fixtures/parity.json: token ids, encoder states, initial noise, final latents and pixels from the
reference sampler below, which the Java side must reproduce.

Usage (Debian's python3-torch 1.13):
  /usr/bin/python3 models/scripts/tiny_sd.py --out models
"""
import argparse
import datetime
import json
import os
import re

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import schedule
from artifacts import freeze, ms_per_call, sha256

MAX_LENGTH = 77
BOS, EOS = "<|startoftext|>", "<|endoftext|>"
CORPUS = (
    "a photo of red blue green yellow white black orange purple sneaker sneakers mug mugs bottle "
    "bottles box boxes watch watches lamp lamps on studio white beach marble wood pastel gradient "
    "lighting from upper left right front soft shadow centered product shot camera light ceramic "
    "leather running shoe coffee cup water table wooden background minimalist close up golden hour "
    "sand ocean glass steel matte glossy handle lid strap"
).split()


# ---------------------------------------------------------------------------------------------
# a CLIP-style byte-level BPE tokenizer

def bytes_to_unicode():
    """GPT-2/CLIP's reversible byte -> printable unicode map."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(
        range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_ENCODER = bytes_to_unicode()
PRE_TOKENIZE = re.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|[^\s\w]+|_+",
                          re.IGNORECASE)


def word_symbols(word):
    chars = [BYTE_ENCODER[b] for b in word.encode("utf-8")]
    return tuple(chars[:-1]) + (chars[-1] + "</w>",)


def train_bpe(corpus, merges):
    words = {}
    for w in corpus:
        words[word_symbols(w)] = words.get(word_symbols(w), 0) + 1
    rules = []
    for _ in range(merges):
        pairs = {}
        for symbols, freq in words.items():
            for a, b in zip(symbols, symbols[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + freq
        if not pairs:
            break
        best = max(sorted(pairs), key=lambda p: pairs[p])
        rules.append(best)
        merged = {}
        for symbols, freq in words.items():
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    out.append(symbols[i] + symbols[i + 1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + freq
        words = merged
    return rules


class Tokenizer:
    """CLIP's encoding: clean white space, lower-case, split words, byte-level BPE, bos/eos."""

    def __init__(self, rules, pad_token):
        base = list(BYTE_ENCODER.values())
        self.vocab = {}
        for token in base + [t + "</w>" for t in base] + ["".join(r) for r in rules]:
            self.vocab.setdefault(token, len(self.vocab))
        self.bos = self.vocab.setdefault(BOS, len(self.vocab))
        self.eos = self.vocab.setdefault(EOS, len(self.vocab))
        self.rules = rules
        self.ranks = {r: i for i, r in enumerate(rules)}
        self.pad = self.vocab[pad_token]

    def bpe(self, word):
        symbols = list(word_symbols(word))
        while len(symbols) > 1:
            pairs = [(self.ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(symbols, symbols[1:]))]
            rank, _ = min(pairs)
            if rank == 1 << 30:
                break
            a, b = self.rules[rank]
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            symbols = out
        return symbols

    def encode(self, text):
        text = re.sub(r"\s+", " ", text).strip().lower()
        ids = [self.bos]
        for word in PRE_TOKENIZE.findall(text):
            ids += [self.vocab[s] for s in self.bpe(word)]
        ids = ids[:MAX_LENGTH - 1] + [self.eos]
        return ids + [self.pad] * (MAX_LENGTH - len(ids))

    def json(self):
        special = lambda i, c: {"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
                                "normalized": True, "special": True}
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [special(self.bos, BOS), special(self.eos, EOS)],
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "NFC"},
                {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
                {"type": "Lowercase"}]},
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"},
                 "behavior": "Removed", "invert": True},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
            "post_processor": {"type": "RobertaProcessing", "sep": [EOS, self.eos], "cls": [BOS, self.bos],
                               "trim_offsets": False, "add_prefix_space": False},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": EOS, "continuing_subword_prefix": "",
                      "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False,
                      "vocab": self.vocab, "merges": [a + " " + b for a, b in self.rules]},
        }


# ---------------------------------------------------------------------------------------------
# the modules, at small width

class TextBlock(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attention = nn.MultiheadAttention(width, heads, batch_first=True)
        self.fc1, self.fc2 = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)

    def forward(self, h, mask):
        x = self.norm1(h)
        h = h + self.attention(x, x, x, attn_mask=mask, need_weights=False)[0]
        x = self.fc1(self.norm2(h))
        return h + self.fc2(x * torch.sigmoid(1.702 * x))  # quick_gelu


class ClipTextEncoder(nn.Module):
    """CLIPTextModel(WithProjection): returns (last_hidden_state after the final layer norm,
    the penultimate layer's hidden states, the pooled output at the first eos, projected when the
    model has a projection)."""

    def __init__(self, vocab, width, layers, heads, projection=0):
        super().__init__()
        self.token = nn.Embedding(vocab, width)
        self.position = nn.Parameter(torch.randn(MAX_LENGTH, width) * 0.02)
        self.blocks = nn.ModuleList([TextBlock(width, heads) for _ in range(layers)])
        self.final_norm = nn.LayerNorm(width)
        self.projection = nn.Linear(width, projection, bias=False) if projection else nn.Identity()
        self.register_buffer("mask", torch.full((MAX_LENGTH, MAX_LENGTH), float("-inf")).triu(1))

    def forward(self, input_ids):
        h = self.token(input_ids) + self.position
        penultimate = h
        for block in self.blocks:
            penultimate = h
            h = block(h, self.mask)
        last = self.final_norm(h)
        eos = input_ids.argmax(dim=-1)
        pooled = self.projection(last[torch.arange(input_ids.shape[0]), eos])
        return last, penultimate, pooled


def sinusoid(t, dim):
    half = dim // 2
    freqs = torch.exp(-np.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(4, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(tdim, cout)
        self.norm2, self.conv2 = nn.GroupNorm(4, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x))) + self.time(F.silu(temb))[:, :, None, None]
        return self.skip(x) + self.conv2(F.silu(self.norm2(h)))


class CrossAttention(nn.Module):
    def __init__(self, channels, context):
        super().__init__()
        self.norm = nn.GroupNorm(4, channels)
        self.query, self.out = nn.Linear(channels, channels), nn.Linear(channels, channels)
        self.key, self.value = nn.Linear(context, channels), nn.Linear(context, channels)

    def forward(self, x, text):
        b, c, hgt, wid = x.shape
        q = self.query(self.norm(x).flatten(2).transpose(1, 2))
        weights = torch.softmax(q @ self.key(text).transpose(1, 2) / float(np.sqrt(c)), dim=-1)
        return x + self.out(weights @ self.value(text)).transpose(1, 2).reshape(b, c, hgt, wid)


class UNetCore(nn.Module):
    def __init__(self, context, channels=32, tdim=64, added=0):
        super().__init__()
        self.channels = channels
        self.time1, self.time2 = nn.Linear(channels, tdim), nn.Linear(tdim, tdim)
        self.added = added
        if added:
            self.add1, self.add2 = nn.Linear(added + 6 * 8, tdim), nn.Linear(tdim, tdim)
        self.conv_in = nn.Conv2d(4, channels, 3, padding=1)
        self.down = ResBlock(channels, channels, tdim)
        self.down_attention = CrossAttention(channels, context)
        self.downsample = nn.Conv2d(channels, 2 * channels, 3, stride=2, padding=1)
        self.mid1, self.mid2 = ResBlock(2 * channels, 2 * channels, tdim), ResBlock(2 * channels, 2 * channels, tdim)
        self.mid_attention = CrossAttention(2 * channels, context)
        self.upsample = nn.Conv2d(2 * channels, channels, 3, padding=1)
        self.up = ResBlock(2 * channels, channels, tdim)
        self.norm_out, self.conv_out = nn.GroupNorm(4, channels), nn.Conv2d(channels, 4, 3, padding=1)

    def run(self, sample, timestep, context, text_embeds, time_ids):
        temb = self.time2(F.silu(self.time1(sinusoid(timestep, self.channels))))
        if self.added:
            ids = sinusoid(time_ids.flatten(), 8).reshape(time_ids.shape[0], -1)
            temb = temb + self.add2(F.silu(self.add1(torch.cat([text_embeds, ids], dim=-1))))
        h = self.conv_in(sample)
        skip = self.down_attention(self.down(h, temb), context)
        h = self.downsample(skip)
        h = self.mid2(self.mid_attention(self.mid1(h, temb), context), temb)
        h = self.upsample(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.up(torch.cat([h, skip], dim=1), temb)
        return self.conv_out(F.silu(self.norm_out(h)))


class UNet(UNetCore):
    def forward(self, sample, timestep, encoder_hidden_states):
        return self.run(sample, timestep, encoder_hidden_states, None, None)


class UNetXL(UNetCore):
    def forward(self, sample, timestep, encoder_hidden_states, text_embeds, time_ids):
        return self.run(sample, timestep, encoder_hidden_states, text_embeds, time_ids)


class VaeDecoder(nn.Module):
    """Latents [B,4,h,w] -> pixels [B,3,8h,8w] in about [-1, 1]."""

    def __init__(self, width=16):
        super().__init__()
        self.conv_in = nn.Conv2d(4, width, 3, padding=1)
        self.ups = nn.ModuleList([nn.Conv2d(width, width, 3, padding=1) for _ in range(3)])
        self.conv_out = nn.Conv2d(width, 3, 3, padding=1)

    def forward(self, z):
        h = self.conv_in(z)
        for up in self.ups:
            h = F.silu(up(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        return self.conv_out(h)


# the reference sampler (DPM++ 2M Karras, epsilon or v-prediction) and Java's initial noise
betas_of = schedule.betas_of
initial_noise = schedule.initial_noise


def sample(model_fn, x, betas, steps, guidance, prediction):
    return schedule.sample(model_fn, x, steps, guidance, train_betas=betas, prediction=prediction)


# ---------------------------------------------------------------------------------------------

trace = freeze


SPECS = {
    "tiny-sd1": dict(pipeline="stable-diffusion", encoders=[dict(width=32, layers=3, heads=4, projection=0,
                                                                 hidden_state="last", pooled=False, pad=EOS)],
                     prediction="epsilon", scaling=0.18215, unconditional="empty_caption", guidance=7.5,
                     signature="sd", seed=1),
    "tiny-sdxl": dict(pipeline="stable-diffusion-xl",
                      encoders=[dict(width=32, layers=3, heads=4, projection=0, hidden_state="penultimate",
                                     pooled=False, pad=EOS),
                                dict(width=48, layers=3, heads=4, projection=40, hidden_state="penultimate",
                                     pooled=True, pad="!")],
                      prediction="v_prediction", scaling=0.13025, unconditional="zeros", guidance=5.0,
                      signature="sdxl", seed=2),
}
NATIVE = 64
LATENT = NATIVE // 8
STEPS = 12
CAPTIONS = ["red mug on wood, studio lighting from upper-left", "a white sneaker on the beach"]


def build(name, spec, out, rules):
    torch.manual_seed(spec["seed"])
    root = os.path.join(out, name)
    os.makedirs(os.path.join(root, "fixtures"), exist_ok=True)
    files, encoders, tokenizers = {}, [], []
    for i, e in enumerate(spec["encoders"]):
        suffix = "" if i == 0 else "_2"
        tokenizer = Tokenizer(rules, e["pad"])
        tokenizers.append(tokenizer)
        os.makedirs(os.path.join(root, "tokenizer" + suffix), exist_ok=True)
        with open(os.path.join(root, "tokenizer" + suffix, "tokenizer.json"), "w") as f:
            json.dump(tokenizer.json(), f, ensure_ascii=False)
        module = ClipTextEncoder(len(tokenizer.vocab), e["width"], e["layers"], e["heads"], e["projection"])
        traced = trace(module, torch.tensor([tokenizer.encode("")]))
        traced.save(os.path.join(root, "text_encoder%s.pt" % suffix))
        encoders.append((module.eval(), traced, e))
    context = sum(e["width"] for e in spec["encoders"])
    pooled = spec["encoders"][-1]["projection"] if spec["signature"] == "sdxl" else 0
    unet = (UNetXL if spec["signature"] == "sdxl" else UNet)(context, added=pooled).eval()
    with torch.no_grad():  # random weights: keep the output near unit scale
        unet.conv_out.weight.mul_(0.3)
    example = [torch.randn(2, 4, LATENT, LATENT), torch.tensor([999.0, 10.0]), torch.randn(2, MAX_LENGTH, context)]
    if spec["signature"] == "sdxl":
        example += [torch.randn(2, pooled), torch.tensor([[NATIVE, NATIVE, 0, 0, NATIVE, NATIVE]] * 2, dtype=torch.float32)]
    trace(unet, *example).save(os.path.join(root, "unet_fp32.pt"))
    int8 = torch.quantization.quantize_dynamic(unet, {nn.Linear}, dtype=torch.qint8)
    torch.jit.trace(int8, tuple(example), check_trace=False).save(os.path.join(root, "unet_int8.pt"))
    fp32_ms, int8_ms = ms_per_call(unet, example), ms_per_call(int8, example)
    vae = VaeDecoder().eval()
    trace(vae, torch.randn(1, 4, LATENT, LATENT)).save(os.path.join(root, "vae_decoder.pt"))
    scheduler = {"_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.25.0",
                 "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012,
                 "num_train_timesteps": 1000, "prediction_type": spec["prediction"],
                 "timestep_spacing": "leading", "steps_offset": 1}
    os.makedirs(os.path.join(root, "scheduler"), exist_ok=True)
    with open(os.path.join(root, "scheduler", "scheduler_config.json"), "w") as f:
        json.dump(scheduler, f, indent=1)

    # the reference: token ids, encoder states, noise, final latents and pixels
    @torch.no_grad()
    def encode(captions):
        states, pool = [], None
        for (module, _, e), tokenizer in zip(encoders, tokenizers):
            last, penultimate, pooled_out = module(torch.tensor([tokenizer.encode(c) for c in captions]))
            states.append(last if e["hidden_state"] == "last" else penultimate)
            if e["pooled"]:
                pool = pooled_out
        return torch.cat(states, dim=-1), pool

    conditional, pool = encode(CAPTIONS)
    if spec["unconditional"] == "zeros":
        unconditional = torch.zeros_like(conditional)
        unpooled = torch.zeros_like(pool) if pool is not None else None
    else:
        unconditional, unpooled = encode([""] * len(CAPTIONS))
    b = len(CAPTIONS)
    seeds = [11, 12]
    noise = np.concatenate([initial_noise(s, 4 * LATENT * LATENT) for s in seeds]).reshape(b, 4, LATENT, LATENT)
    betas = betas_of(scheduler)
    time_ids = torch.tensor([[NATIVE, NATIVE, 0, 0, NATIVE, NATIVE]] * (2 * b), dtype=torch.float32)

    @torch.no_grad()
    def model_fn(x2, t):
        args = [torch.from_numpy(x2.astype(np.float32)), torch.full((2 * b,), float(t)),
                torch.cat([unconditional, conditional])]
        if spec["signature"] == "sdxl":
            args += [torch.cat([unpooled, pool]), time_ids]
        out = unet(*args).double().numpy()
        return out[:b], out[b:]

    latents = sample(model_fn, noise, betas, STEPS, spec["guidance"], spec["prediction"]).astype(np.float32)
    with torch.no_grad():
        pixels = vae(torch.from_numpy(latents) / spec["scaling"]).numpy()
    with open(os.path.join(root, "fixtures", "parity.json"), "w") as f:
        json.dump({"captions": CAPTIONS, "seeds": seeds, "steps": STEPS, "guidance": spec["guidance"],
                   "token_ids": [[t.encode(c) for c in CAPTIONS] for t in tokenizers],
                   "conditioning": conditional.numpy().round(6).flatten().tolist(),
                   "pooled": None if pool is None else pool.numpy().round(6).flatten().tolist(),
                   "noise": noise.flatten().tolist(),
                   "latents": latents.flatten().tolist(),
                   "pixels_mean": float(pixels.mean()), "pixels_std": float(pixels.std())}, f)

    for path in sorted(p for p in walk(root) if not p.startswith("fixtures/") and p != "manifest.json"):
        files[path] = sha256(os.path.join(root, path))
    manifest = {
        "format_version": 2,
        "model_id": name,
        "version": "1.0.0",
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "pipeline": spec["pipeline"],
        "image_size": NATIVE,
        "latent_channels": 4,
        "latent_downsampling": 8,
        "vae": {"file": "vae_decoder.pt", "scaling_factor": spec["scaling"], "shift_factor": None},
        # the scheduler's diffusers config, as in scheduler/scheduler_config.json (checked equal on load)
        "scheduler_config_file": "scheduler/scheduler_config.json",
        "scheduler_config": scheduler,
        "prediction_type": spec["prediction"],
        "text_encoders": [
            {"file": "text_encoder%s.pt" % ("" if i == 0 else "_2"),
             "tokenizer": "tokenizer%s/tokenizer.json" % ("" if i == 0 else "_2"),
             "max_length": MAX_LENGTH, "bos_id": t.bos, "eos_id": t.eos, "pad_id": t.pad,
             "vocab_size": len(t.vocab), "hidden_size": e["width"], "hidden_state": e["hidden_state"],
             "pooled": e["pooled"], "pooled_size": e["projection"] if e["pooled"] else 0}
            for i, ((_, _, e), t) in enumerate(zip(encoders, tokenizers))],
        "unet": {"signature": spec["signature"], "variants": {"fp32": "unet_fp32.pt", "int8": "unet_int8.pt"}},
        "unconditional": spec["unconditional"],
        "batch_size": {"cpu": 4, "cuda": 16},
        # rows this large render at full precision (fp32 on CPU): 8x the native size
        "full_precision_min_side": 8 * NATIVE,
        "sampler": {"default_steps": STEPS, "default_guidance": spec["guidance"]},
        "int8": {"method": "dynamic int8 on the linear layers (torch.quantization.quantize_dynamic)",
                 "ms_per_unet_call_fp32": round(fp32_ms, 3), "ms_per_unet_call_int8": round(int8_ms, 3)},
        "files": files,
    }
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    size = sum(os.path.getsize(os.path.join(root, p)) for p in walk(root))
    print("%s: %d files, %.1f MB, UNet call fp32 %.2f ms, int8 %.2f ms" % (name, len(files), size / 1e6, fp32_ms, int8_ms))


def walk(root):
    for folder, _, names in os.walk(root):
        for n in names:
            yield os.path.relpath(os.path.join(folder, n), root)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="models")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rules = train_bpe(CORPUS, 300)
    for name, spec in SPECS.items():
        build(name, spec, args.out, rules)


if __name__ == "__main__":
    main()
