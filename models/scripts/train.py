"""Trains the demo model: autoencoder, then text encoder + UNet (epsilon prediction, CFG dropout), then CLIP.

Usage: /usr/bin/python3 models/scripts/train.py --out models/build [--images 30000]
       [--ae-minutes 12] [--unet-minutes 30] [--clip-minutes 4]
Each phase runs for a wall-clock budget and checkpoints to OUT/checkpoint.pt.
"""
import argparse
import copy
import json
import math
import os
import shutil
import sys
import time
from multiprocessing import Pool

import numpy as np
import torch
import torch.nn.functional as F

import dataset
import models
import schedule
import vocabulary as v


def _chunk(args):
    n, seed = args
    return dataset.generate(n, seed)


def make_dataset(n, seed):
    chunks = [(n // 8, seed * 1000 + i) for i in range(8)]
    with Pool(2) as pool:
        parts = pool.map(_chunk, chunks)
    images = np.concatenate([p[0] for p in parts])
    attrs = [a for p in parts for a in p[1]]
    return images, attrs


def to_tensor(images):
    return torch.from_numpy(images).permute(0, 3, 1, 2).float() / 127.5 - 1.0


def lr_at(fraction, peak, warmup=0.03):
    if fraction < warmup:
        return peak * fraction / warmup
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, (fraction - warmup) / (1 - warmup)))))


def chroma(x):
    """The two opponent-colour (YCbCr) chroma channels of RGB in [-1, 1]: a per-pixel RGB loss
    weighs them little next to lightness, and the decoder learned lightness first and chroma last
    (greens and purples came back grey)."""
    r, g, b = x[:, 0:1], x[:, 1:2], x[:, 2:3]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    return torch.cat([b - y, r - y], 1)


def reconstruction_step(encoder, decoder, xb, opt, colour_weight=0.0):
    """One optimizer step on L1 + L2 reconstruction; latent noise so the decoder tolerates the
    imperfect latents a sampler produces. colour_weight > 0 adds the chroma error, per pixel and
    4x4-pooled (what a person reads as "the product's colour"), which plain per-pixel RGB loss let
    drift: the 1.x/2.0 decoder turned green grey-blue and purple grey
    (models/scripts/colour_roundtrip.py)."""
    z = encoder(xb)
    rec = decoder(z + 0.05 * z.detach().std() * torch.randn_like(z))
    loss = (rec - xb).abs().mean() + (rec - xb).pow(2).mean() + 1e-4 * z.pow(2).mean()
    if colour_weight > 0:
        loss = loss + colour_weight * (chroma(rec) - chroma(xb)).abs().mean()
        loss = loss + colour_weight * (F.avg_pool2d(chroma(rec), 4) - F.avg_pool2d(chroma(xb), 4)).abs().mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss, rec


def train_autoencoder(x, minutes, log, colour_weight=0.0):
    ae = models.Autoencoder()
    opt = torch.optim.AdamW(ae.parameters(), lr=2e-3, weight_decay=1e-5)
    start, step, batch = time.time(), 0, 48
    while time.time() - start < minutes * 60:
        frac = (time.time() - start) / (minutes * 60)
        for g in opt.param_groups:
            g["lr"] = lr_at(frac, 2e-3)
        idx = torch.randint(0, len(x), (batch,))
        xb = x[idx]
        loss, rec = reconstruction_step(ae.encoder, ae.decoder.net, xb, opt, colour_weight)
        step += 1
        if step % 50 == 0:
            psnr = 10 * math.log10(4.0 / max(1e-8, (torch.clamp(rec, -1, 1) - xb).pow(2).mean().item()))
            log(f"ae step {step} loss {loss.item():.4f} psnr {psnr:.1f} dB")
    return ae.eval(), step


@torch.no_grad()
def update_ema(pairs, step):
    """Exponential moving average of each live module into its EMA twin (warm-up, then 0.999)."""
    decay = min(0.999, (1 + step) / (10 + step))
    for ema, live in pairs:
        for pe, pl in zip(ema.parameters(), live.parameters()):
            pe.mul_(decay).add_(pl, alpha=1 - decay)


@torch.no_grad()
def encode_all(encoder, x):
    return torch.cat([encoder(x[i:i + 512]) for i in range(0, len(x), 512)])


def train_unet(latents, ids, minutes, vocab_size, log, checkpoint, start=None, peak_lr=5e-4):
    unet, text = models.UNet(), models.TextEncoder(vocab_size)
    if start is not None:  # resume from a checkpoint's (EMA) weights with a fresh optimizer
        unet.load_state_dict(start["unet"])
        text.load_state_dict(start["text_encoder"])
    params = list(unet.parameters()) + list(text.parameters())
    opt = torch.optim.AdamW(params, lr=5e-4, weight_decay=1e-4)
    ema_unet, ema_text = copy.deepcopy(unet), copy.deepcopy(text)
    alphas_cumprod = torch.from_numpy(schedule.alphas_cumprod()).float()
    empty = torch.zeros(1, models.TEXT_TOKENS, dtype=torch.long)
    empty[0, 0] = 2  # <bos>
    start, step, batch, last_save = time.time(), 0, 64, time.time()
    while time.time() - start < minutes * 60:
        frac = (time.time() - start) / (minutes * 60)
        for g in opt.param_groups:
            g["lr"] = lr_at(frac, peak_lr)
        idx = torch.randint(0, len(latents), (batch,))
        x0, tokens = latents[idx], ids[idx].clone()
        drop = torch.rand(batch) < 0.1
        tokens[drop] = empty
        t = torch.randint(0, schedule.TRAIN_STEPS, (batch,))
        ab = alphas_cumprod[t][:, None, None, None]
        noise = torch.randn_like(x0)
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * noise
        hidden, _ = text(tokens)
        loss = F.mse_loss(unet(xt, t.float(), hidden), noise)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        update_ema(((ema_unet, unet), (ema_text, text)), step)
        if step % 50 == 0:
            log(f"unet step {step} loss {loss.item():.4f} lr {opt.param_groups[0]['lr']:.2e}")
        if time.time() - last_save > 180:
            checkpoint(unet=ema_unet.state_dict(), text_encoder=ema_text.state_dict(), unet_steps=step)
            last_save = time.time()
    return ema_unet.eval(), ema_text.eval(), step


def train_clip(x_clean, x_recon, ids, keys, minutes, vocab_size, log):
    image, text = models.ClipImage(), models.ClipText(vocab_size)
    logit_scale = torch.nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    params = list(image.parameters()) + list(text.parameters()) + [logit_scale]
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=1e-4)
    start, step, batch = time.time(), 0, 128
    while time.time() - start < minutes * 60:
        frac = (time.time() - start) / (minutes * 60)
        for g in opt.param_groups:
            g["lr"] = lr_at(frac, 1e-3)
        idx = torch.randint(0, len(x_clean), (batch,))
        use_recon = (torch.rand(batch) < 0.5)[:, None, None, None]
        xb = torch.where(use_recon, x_recon[idx], x_clean[idx])
        ie, te = image(xb), text(ids[idx])
        logits = logit_scale.exp().clamp(max=100) * ie @ te.t()
        k = keys[idx]
        same = (k[:, None] == k[None, :]).float()
        target = same / same.sum(1, keepdim=True)
        loss = 0.5 * (torch.sum(-target * F.log_softmax(logits, 1), 1).mean()
                      + torch.sum(-target * F.log_softmax(logits.t(), 1), 1).mean())
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 50 == 0:
            log(f"clip step {step} loss {loss.item():.4f} scale {logit_scale.exp().item():.1f}")
    return image.eval(), text.eval(), step


REUSED_FILES = ("text_encoder.pt", "vae_decoder.pt", "clip_image.pt", "clip_text.pt", "vocabulary.txt")


def train_encoder(x, decoder, minutes, log):
    """An encoder for a frozen (TorchScript) decoder: reconstruction through the decoder."""
    encoder = models.Autoencoder().encoder
    opt = torch.optim.AdamW(encoder.parameters(), lr=2e-3, weight_decay=1e-5)
    start, step, batch = time.time(), 0, 48
    while time.time() - start < minutes * 60:
        for g in opt.param_groups:
            g["lr"] = lr_at((time.time() - start) / (minutes * 60), 2e-3)
        xb = x[torch.randint(0, len(x), (batch,))]
        loss, rec = reconstruction_step(encoder, decoder, xb, opt)
        step += 1
        if step % 50 == 0:
            psnr = 10 * math.log10(4.0 / max(1e-8, (rec - xb).pow(2).mean().item()))
            log(f"encoder step {step} loss {loss.item():.4f} psnr {psnr:.1f} dB")
    return encoder.eval(), step


def noisy_batch(latents, caption_of, hidden, empty, batch, alphas_cumprod, drop=0.1):
    """Training batch: x_t at uniform timesteps, the caption's hidden states (CFG dropout to empty)."""
    idx = torch.randint(0, len(latents), (batch,))
    x0 = latents[idx]
    context = hidden[caption_of[idx]].clone()
    context[torch.rand(batch) < drop] = empty
    t = torch.randint(0, schedule.TRAIN_STEPS, (batch,))
    ab = alphas_cumprod[t][:, None, None, None]
    noise = torch.randn_like(x0)
    return ab.sqrt() * x0 + (1 - ab).sqrt() * noise, t.float(), context, noise


def train_unet_frozen_text(latents, caption_of, hidden, empty, minutes, log, checkpoint, peak_lr):
    """UNet only, on the hidden states of a frozen text encoder (computed once per caption)."""
    unet = models.UNet()
    opt = torch.optim.AdamW(unet.parameters(), lr=peak_lr, weight_decay=1e-4)
    ema = copy.deepcopy(unet)
    alphas_cumprod = torch.from_numpy(schedule.alphas_cumprod()).float()
    start, step, last_save = time.time(), 0, time.time()
    while time.time() - start < minutes * 60:
        for g in opt.param_groups:
            g["lr"] = lr_at((time.time() - start) / (minutes * 60), peak_lr)
        xt, t, context, noise = noisy_batch(latents, caption_of, hidden, empty, 64, alphas_cumprod)
        loss = F.mse_loss(unet(xt, t, context), noise)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(unet.parameters(), 1.0)
        opt.step()
        step += 1
        update_ema(((ema, unet),), step)
        if step % 50 == 0:
            log(f"unet step {step} loss {loss.item():.4f} lr {opt.param_groups[0]['lr']:.2e}")
        if time.time() - last_save > 180:
            checkpoint(unet=ema.state_dict(), unet_steps=step)
            last_save = time.time()
    return ema.eval(), step


def train_int8(teacher, latents, caption_of, hidden, empty, minutes, log, peak_lr=3e-5):
    """Quantization-aware fine-tuning, distilled: the fake-quantized student learns the float
    UNet's own noise prediction, so the int8 model tracks fp32 rather than the data. Observers
    are frozen for the last 40% so the scales settle."""
    student = models.int8_training_copy(teacher)
    teacher.eval()
    opt = torch.optim.AdamW(student.parameters(), lr=peak_lr, weight_decay=0.0)
    alphas_cumprod = torch.from_numpy(schedule.alphas_cumprod()).float()
    start, step, frozen = time.time(), 0, False
    while time.time() - start < minutes * 60:
        frac = (time.time() - start) / (minutes * 60)
        for g in opt.param_groups:
            g["lr"] = lr_at(frac, peak_lr)
        if frac > 0.6 and not frozen:
            student.apply(torch.ao.quantization.disable_observer)
            frozen = True
            log(f"int8 step {step}: observers frozen")
        xt, t, context, _ = noisy_batch(latents, caption_of, hidden, empty, 64, alphas_cumprod)
        with torch.no_grad():
            target = teacher(xt, t, context)
        loss = F.mse_loss(student(xt, t, context), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 25 == 0:
            log(f"int8 step {step} distillation mse {loss.item():.6f}")
    return student.state_dict(), step


def kept_text_and_dataset(a, source, files, log):
    """Copies the kept files of an exported model next to the checkpoint (export reads them from
    there), loads its vocabulary and text encoder, builds the dataset and the frozen text encoder's
    hidden states per distinct caption (and for the empty caption, for guidance dropout)."""
    t0 = time.time()
    reused = os.path.join(a.out, "reused")
    os.makedirs(reused, exist_ok=True)
    for name in files:
        shutil.copyfile(os.path.join(source, name), os.path.join(reused, name))
    with open(os.path.join(reused, "vocabulary.txt")) as f:
        vocab = f.read().split("\n")[:-1]
    index = {w: i for i, w in enumerate(vocab)}
    text = torch.jit.load(os.path.join(reused, "text_encoder.pt")).eval()
    images, attrs = make_dataset(a.images, a.seed)
    x = to_tensor(images)
    captions = [v.caption(*at) for at in attrs]
    ids = torch.tensor([v.encode(c, index) for c in captions], dtype=torch.long)
    keys = torch.tensor([hash(c) % (2 ** 61) for c in captions], dtype=torch.long)
    distinct, caption_of = torch.unique(ids, dim=0, return_inverse=True)
    with torch.no_grad():
        hidden = text(distinct)[0]
        empty = text(torch.tensor([v.encode("", index)]))[0][0]
    log(f"dataset {tuple(x.shape)}, {len(distinct)} distinct captions, in {time.time() - t0:.0f}s")
    return reused, vocab, x, ids, keys, caption_of, hidden, empty


def latents_of(encoder, decoder, x):
    """Latents of the whole dataset, the scale that gives them unit variance, and the reconstruction
    PSNR through the decoder."""
    z = encode_all(encoder, x)
    with torch.no_grad():
        mse = sum(F.mse_loss(decoder(z[i:i + 512]), x[i:i + 512], reduction="sum").item()
                  for i in range(0, len(z), 512)) / x.numel()
    return z, float(1.0 / z.std()), 10 * math.log10(4.0 / mse)


def unet_and_int8(a, latents, caption_of, hidden, empty, log, checkpoint):
    """The UNet on the frozen text encoder's hidden states, then its int8 twin by distillation."""
    unet, unet_steps = train_unet_frozen_text(latents, caption_of, hidden, empty, a.unet_minutes, log, checkpoint,
                                              a.peak_lr)
    checkpoint(unet=unet.state_dict(), unet_steps=unet_steps)
    log(f"unet: {unet_steps} steps")
    qat, qat_steps = train_int8(unet, latents, caption_of, hidden, empty, a.int8_minutes, log)
    checkpoint(unet_int8_training=qat, int8_steps=qat_steps)
    log(f"int8 distillation: {qat_steps} steps")


def run_command():
    return " ".join(["/usr/bin/python3", "models/scripts/train.py"] + sys.argv[1:])


def reuse_and_train(a, log, checkpoint):
    """Keeps the text encoder, VAE decoder and CLIP scorer of an exported model directory (copied
    next to the checkpoint, so export reads them from there); trains an encoder for that decoder,
    the UNet on the frozen text encoder, then the int8 UNet by distillation."""
    t0 = time.time()
    reused, vocab, x, ids, _, caption_of, hidden, empty = kept_text_and_dataset(a, a.reuse, REUSED_FILES, log)
    decoder = torch.jit.load(os.path.join(reused, "vae_decoder.pt")).eval()

    encoder, encoder_steps = train_encoder(x, decoder, a.ae_minutes, log)
    z, latent_scale, psnr = latents_of(encoder, decoder, x)
    log(f"encoder: {encoder_steps} steps, PSNR {psnr:.2f} dB through the kept decoder, latent scale {latent_scale:.4f}")
    checkpoint(reused_from=a.reuse, reused_files=list(REUSED_FILES), vocabulary=vocab, encoder=encoder.state_dict(),
               latent_scale=latent_scale, autoencoder_psnr=psnr, encoder_steps=encoder_steps, images=a.images)

    unet_and_int8(a, z * latent_scale, caption_of, hidden, empty, log, checkpoint)
    checkpoint(train_seconds=time.time() - t0, command=run_command())
    log(f"done in {time.time() - t0:.0f}s")


def reuse_text_and_train(a, log, checkpoint):
    """Keeps only the text encoder and vocabulary of an exported model (so text-embedding cache keys
    stay valid); trains a new autoencoder with the colour loss, the UNet on the frozen text encoder,
    the int8 UNet by distillation, and a CLIP-style scorer on ground-truth images only (no decoder
    outputs, so it cannot learn a decoder's colour shifts as correct)."""
    t0 = time.time()
    kept = ("text_encoder.pt", "vocabulary.txt")
    _, vocab, x, ids, keys, caption_of, hidden, empty = kept_text_and_dataset(a, a.reuse_text, kept, log)

    ae, ae_steps = train_autoencoder(x, a.ae_minutes, log, colour_weight=a.colour_weight)
    z, latent_scale, psnr = latents_of(ae.encoder, ae.decoder, x)
    log(f"autoencoder: {ae_steps} steps, PSNR {psnr:.2f} dB, latent scale {latent_scale:.4f}")
    checkpoint(reused_from=a.reuse_text, reused_files=list(kept), vocabulary=vocab, autoencoder=ae.state_dict(),
               latent_scale=latent_scale, autoencoder_psnr=psnr, ae_steps=ae_steps, images=a.images,
               colour_weight=a.colour_weight)

    unet_and_int8(a, z * latent_scale, caption_of, hidden, empty, log, checkpoint)
    clip_image, clip_text, clip_steps = train_clip(x, x, ids, keys, a.clip_minutes, len(vocab), log)
    checkpoint(clip_image=clip_image.state_dict(), clip_text=clip_text.state_dict(), clip_steps=clip_steps,
               clip_training="ground-truth dataset images only", train_seconds=time.time() - t0,
               command=run_command())
    log(f"clip (ground truth only): {clip_steps} steps; done in {time.time() - t0:.0f}s")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--images", type=int, default=30000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--ae-minutes", type=float, default=8)
    p.add_argument("--unet-minutes", type=float, default=25)
    p.add_argument("--clip-minutes", type=float, default=4)
    p.add_argument("--resume", help="checkpoint to continue the UNet and text encoder from (AE and CLIP kept)")
    p.add_argument("--resume-lr", type=float, default=2e-4)
    p.add_argument("--reuse", help="exported model directory whose text encoder, VAE decoder and CLIP are kept")
    p.add_argument("--int8-minutes", type=float, default=8, help="quantization-aware distillation (with --reuse)")
    p.add_argument("--reuse-text", help="exported model directory whose text encoder and vocabulary are kept;"
                                        " autoencoder, UNet, int8 and CLIP are trained anew")
    p.add_argument("--colour-weight", type=float, default=4.0, help="weight of the pooled-colour loss (--reuse-text)")
    p.add_argument("--peak-lr", type=float, default=6e-4)
    a = p.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    t_all = time.time()
    logf = open(os.path.join(a.out, "train.log"), "a")

    def log(msg):
        line = f"[{time.time() - t_all:7.1f}s] {msg}"
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    state = {}

    def checkpoint(**kw):
        state.update(kw)
        torch.save(state, os.path.join(a.out, "checkpoint.pt"))

    vocab = v.build_vocabulary()
    index = {w: i for i, w in enumerate(vocab)}
    if a.resume:
        resume(a, log, checkpoint, state)
        return
    if a.reuse:
        reuse_and_train(a, log, checkpoint)
        return
    if a.reuse_text:
        reuse_text_and_train(a, log, checkpoint)
        return
    images, attrs = make_dataset(a.images, a.seed)
    log(f"dataset {images.shape}")
    x = to_tensor(images)
    captions = [v.caption(*at) for at in attrs]
    ids = torch.tensor([v.encode(c, index) for c in captions], dtype=torch.long)
    keys = torch.tensor([hash(c) % (2 ** 61) for c in captions], dtype=torch.long)

    ae, ae_steps = train_autoencoder(x, a.ae_minutes, log)
    z = encode_all(ae.encoder, x)
    latent_scale = float(1.0 / z.std())
    with torch.no_grad():
        recon = torch.cat([ae.decoder(z[i:i + 512]) for i in range(0, len(z), 512)])
        psnr = 10 * math.log10(4.0 / (recon - x).pow(2).mean().item())
    log(f"autoencoder: {ae_steps} steps, PSNR {psnr:.2f} dB, latent scale {latent_scale:.4f}")
    checkpoint(autoencoder=ae.state_dict(), latent_scale=latent_scale, autoencoder_psnr=psnr,
               vocabulary=vocab, ae_steps=ae_steps)

    unet, text, unet_steps = train_unet(z * latent_scale, ids, a.unet_minutes, len(vocab), log, checkpoint)
    checkpoint(unet=unet.state_dict(), text_encoder=text.state_dict(), unet_steps=unet_steps)
    log(f"unet: {unet_steps} steps")

    clip_image, clip_text, clip_steps = train_clip(x, recon, ids, keys, a.clip_minutes, len(vocab), log)
    checkpoint(clip_image=clip_image.state_dict(), clip_text=clip_text.state_dict(), clip_steps=clip_steps,
               train_seconds=time.time() - t_all, images=a.images)
    log(f"done in {time.time() - t_all:.0f}s")
    with open(os.path.join(a.out, "train_summary.json"), "w") as f:
        json.dump({k: state[k] for k in ("autoencoder_psnr", "latent_scale", "ae_steps", "unet_steps",
                                         "clip_steps", "train_seconds", "images")}, f, indent=1)


def resume(a, log, checkpoint, state):
    """Continues UNet + text encoder training; autoencoder and CLIP come from the checkpoint."""
    t0 = time.time()
    old = torch.load(a.resume)
    state.update(old)
    vocab = old["vocabulary"]
    index = {w: i for i, w in enumerate(vocab)}
    images, attrs = make_dataset(a.images, a.seed)
    x = to_tensor(images)
    ids = torch.tensor([v.encode(v.caption(*at), index) for at in attrs], dtype=torch.long)
    ae = models.Autoencoder()
    ae.load_state_dict(old["autoencoder"])
    ae.eval()
    z = encode_all(ae.encoder, x) * old["latent_scale"]
    log(f"resume: dataset and latents in {time.time() - t0:.0f}s")
    unet, text, steps = train_unet(z, ids, a.unet_minutes, len(vocab), log, checkpoint, start=old,
                                   peak_lr=a.resume_lr)
    total = old.get("unet_steps", 0) + steps
    checkpoint(unet=unet.state_dict(), text_encoder=text.state_dict(), unet_steps=total,
               train_seconds=old.get("train_seconds", 0) + time.time() - t0,
               resume_command=f"/usr/bin/python3 models/scripts/train.py --out {a.out} --images {a.images} "
                              f"--resume {a.resume} --resume-lr {a.resume_lr} --unet-minutes {a.unet_minutes}")
    log(f"resumed unet: +{steps} steps, {total} in all")


if __name__ == "__main__":
    main()
