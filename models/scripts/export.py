"""Exports a trained checkpoint to the TorchScript model directory the Java runtime loads.

Usage: /usr/bin/python3 models/scripts/export.py --checkpoint models/build/checkpoint.pt --out models/demo

Writes text_encoder.pt, unet_fp32.pt, unet_int8.pt, unet_fp16.pt, vae_decoder.pt, clip_image.pt,
clip_text.pt, vocabulary.txt, fixtures/parity.json, samples.png and manifest.json (sha256 per file).
"""
import argparse
import copy
import datetime
import json
import os
import shutil
import time

import numpy as np
import torch
from PIL import Image, ImageDraw

from artifacts import freeze, ms_per_call, sha256
import dataset
import models
import schedule
import vocabulary as v

MODEL_ID = "catalog-render-demo"
VERSION = "3.0.0"
STEPS = 25
GUIDANCE = 4.0
CALIBRATION_SAMPLES = 512

# Layers that stay float in the int8 UNet, and why (written to the manifest).
FLOAT_LAYERS = {
    "time_mlp, text_proj, cond_mlp": "conditioning head on [N,C,1,1] tensors: negligible cost, precision matters",
    "*.cond": "per-block conditioning projections on [N,128,1,1], quantized right after (cond_quant) "
    "and added to the block with a broadcasting quantized add",
    "conv_in, cond_in": "input conv (4 channels in) adds the conditioning in float before the first QuantStub",
    "attn_mid.time/norm/query/key/value/out": "torch 1.13 has no quantized softmax or bmm: cross-attention "
    "at 4x4 is a float island entered by DeQuantStub, left by QuantStub (16 positions: cheap transitions)",
    "conv_out": "the epsilon prediction needs more than 8 bits: the output conv stays float",
}


initial_noise = schedule.initial_noise


def trained_int8(unet, state):
    """The int8 UNet from quantization-aware distillation: rebuild the fake-quantized copy the
    training used, load its weights and frozen observer scales, convert."""
    prepared = models.int8_training_copy(unet)
    prepared.load_state_dict(state)
    return torch.ao.quantization.convert(prepared.eval())


class Sampler:
    def __init__(self, text_encoder, unet, decoder, latent_scale, index):
        self.text, self.unet, self.decoder, self.scale, self.index = text_encoder, unet, decoder, latent_scale, index

    def ids(self, captions):
        return torch.tensor([v.encode(c, self.index) for c in captions], dtype=torch.long)

    @torch.no_grad()
    def render(self, captions, noise):
        b = len(captions)
        hidden = self.text(self.ids([""] + captions))[0]
        context = torch.cat([hidden[:1].repeat(b, 1, 1), hidden[1:]])

        def eps_fn(x2, t):
            ts = torch.full((2 * b,), float(t), dtype=torch.float32)
            eps = self.unet(torch.from_numpy(x2.astype(np.float32)), ts, context).double().numpy()
            return eps[:b], eps[b:]

        latents = schedule.sample(eps_fn, noise.astype(np.float64), STEPS, GUIDANCE).astype(np.float32)
        pixels = self.decoder(torch.from_numpy(latents) / self.scale).numpy()
        images = np.clip(np.floor((pixels + 1.0) * 127.5 + 0.5), 0, 255).astype(np.uint8)
        return latents, images.transpose(0, 2, 3, 1)


def clip_scores(clip_image, clip_text, index, images, combos):
    """Similarity to the prompt, and per-attribute zero-shot accuracy (others held at truth)."""
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 127.5 - 1.0
    with torch.no_grad():
        ie = clip_image(x)
        sims, correct = [], {"category": 0, "colour": 0, "background": 0}
        for i, (c, o, b, light) in enumerate(combos):
            te = clip_text(torch.tensor([v.encode(v.caption(c, o, b, light), index)]))
            sims.append(float(ie[i] @ te[0]))
            for attr, values in (("category", v.CATEGORIES), ("colour", list(v.COLOURS)), ("background", v.BACKGROUNDS)):
                caps = []
                for val in values:
                    cc = {"category": c, "colour": o, "background": b}
                    cc[attr] = val
                    caps.append(v.caption(cc["category"], cc["colour"], cc["background"], light))
                scores = clip_text(torch.tensor([v.encode(cap, index) for cap in caps])) @ ie[i]
                truth = {"category": c, "colour": o, "background": b}[attr]
                correct[attr] += int(values[int(scores.argmax())] == truth)
    n = len(combos)
    return float(np.mean(sims)), {k: c / n for k, c in correct.items()}


def held_out_combos():
    return [(c, o, b, v.LIGHTING[i % len(v.LIGHTING)]) for i, (c, o, b) in enumerate(v.held_out_prompts())]


def contact_sheet(pairs, prompts, path, cell=128, columns=4):
    """fp32 | int8 of each prompt side by side (upscaled to cell px), the prompt written under them."""
    label_h = 30
    width = columns * (2 * cell + 8)
    rows = (len(pairs) + columns - 1) // columns
    sheet = Image.new("RGB", (width, rows * (cell + label_h)), "white")
    draw = ImageDraw.Draw(sheet)
    for i, ((a, b), prompt) in enumerate(zip(pairs, prompts)):
        x, y = (i % columns) * (2 * cell + 8), (i // columns) * (cell + label_h)
        for k, img in enumerate((a, b)):
            sheet.paste(Image.fromarray(img).resize((cell, cell), Image.NEAREST), (x + k * cell, y))
        draw.text((x + 2, y + cell + 2), prompt, fill="black")
        draw.text((x + 2, y + cell + 15), "fp32 | int8", fill="gray")
    sheet.save(path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    t_start = time.time()
    os.makedirs(os.path.join(a.out, "fixtures"), exist_ok=True)
    ck = torch.load(a.checkpoint)
    vocab = ck["vocabulary"]
    index = {w: i for i, w in enumerate(vocab)}
    unet = models.UNet()
    unet.load_state_dict(ck["unet"])
    unet.eval()
    scale = ck["latent_scale"]
    lat = torch.randn(16, 4, 16, 16)
    ts = torch.rand(16) * 999
    ctx = torch.randn(16, 20, 64)
    exported = {"unet_fp32": freeze(unet, lat, ts, ctx)}  # modules this export writes
    if "reused_from" in ck:
        # text encoder, VAE decoder and CLIP kept from an earlier export (copied beside the checkpoint)
        reused = os.path.join(os.path.dirname(a.checkpoint), "reused")
        for name in ck["reused_files"]:
            if os.path.abspath(os.path.join(reused, name)) != os.path.abspath(os.path.join(a.out, name)):
                shutil.copyfile(os.path.join(reused, name), os.path.join(a.out, name))
        text = torch.jit.load(os.path.join(reused, "text_encoder.pt"))
        if "autoencoder" in ck:  # --reuse-text: a new autoencoder and CLIP beside the kept text encoder
            ae = models.Autoencoder()
            ae.load_state_dict(ck["autoencoder"])
            clip_image, clip_text = models.ClipImage(), models.ClipText(len(vocab))
            clip_image.load_state_dict(ck["clip_image"])
            clip_text.load_state_dict(ck["clip_text"])
            for m in (ae, clip_image, clip_text):
                m.eval()
            encoder = ae.encoder
            ids = torch.tensor([v.encode("red mug on beach", index)] * 3)
            exported.update({
                "vae_decoder": freeze(ae.decoder, lat[:2]),
                "clip_image": freeze(clip_image, torch.randn(2, 3, 64, 64)),
                "clip_text": freeze(clip_text, ids),
            })
        else:
            encoder = models.Autoencoder().encoder
            encoder.load_state_dict(ck["encoder"])
            encoder.eval()
    else:
        ae = models.Autoencoder()
        ae.load_state_dict(ck["autoencoder"])
        text = models.TextEncoder(len(vocab))
        text.load_state_dict(ck["text_encoder"])
        clip_image, clip_text = models.ClipImage(), models.ClipText(len(vocab))
        clip_image.load_state_dict(ck["clip_image"])
        clip_text.load_state_dict(ck["clip_text"])
        for m in (ae, text, clip_image, clip_text):
            m.eval()
        encoder = ae.encoder
        with open(os.path.join(a.out, "vocabulary.txt"), "w") as f:
            f.write("\n".join(vocab) + "\n")
        ids = torch.tensor([v.encode("red mug on beach", index)] * 3)
        exported.update({
            "text_encoder": freeze(text, ids),
            "vae_decoder": freeze(ae.decoder, lat[:2]),
            "clip_image": freeze(clip_image, torch.randn(2, 3, 64, 64)),
            "clip_text": freeze(clip_text, ids),
        })

    # calibration: noisy latents at the timesteps the 25-step sampler visits, captions as in training
    images, attrs = dataset.generate(CALIBRATION_SAMPLES, seed=4242)
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 127.5 - 1.0
    _, karras_t = schedule.karras_sigmas(STEPS)
    ac = schedule.alphas_cumprod()
    calibration = []
    with torch.no_grad():
        z = encoder(x) * scale
        captions = [v.caption(*at) if k % 10 else "" for k, at in enumerate(attrs)]
        hidden = text(torch.tensor([v.encode(c, index) for c in captions]))[0]
        for i in range(0, CALIBRATION_SAMPLES, 32):
            t = torch.from_numpy(karras_t[np.random.default_rng(i).integers(0, STEPS, 32)]).float()
            abar = torch.from_numpy(np.interp(t.numpy(), np.arange(1000), ac)).float()[:, None, None, None]
            xt = abar.sqrt() * z[i:i + 32] + (1 - abar).sqrt() * torch.randn_like(z[i:i + 32])
            calibration.append((xt, t, hidden[i:i + 32]))
    post_training = torch.jit.freeze(torch.jit.trace(models.post_training_int8(unet, calibration), (lat, ts, ctx),
                                                     check_trace=False))
    if "unet_int8_training" in ck:
        unet_int8 = trained_int8(unet, ck["unet_int8_training"])
        exported["unet_int8"] = torch.jit.freeze(torch.jit.trace(unet_int8, (lat, ts, ctx), check_trace=False))
    else:
        exported["unet_int8"] = post_training
    for name, module in exported.items():
        module.save(os.path.join(a.out, name + ".pt"))
    # fp16 for CUDA: scripted (not traced on a CPU), weights in half; the module casts its inputs.
    torch.jit.script(copy.deepcopy(unet)).half().save(os.path.join(a.out, "unet_fp16.pt"))

    # reload what was saved: fixtures and figures come from the very files Java loads
    loaded = {n: torch.jit.load(os.path.join(a.out, n + ".pt"))
              for n in ("text_encoder", "unet_fp32", "unet_int8", "vae_decoder", "clip_image", "clip_text")}
    speed = {}
    for batch in (1, 8):
        args = (torch.randn(2 * batch, 4, 16, 16), torch.full((2 * batch,), 500.0), torch.randn(2 * batch, 20, 64))
        f = ms_per_call(loaded["unet_fp32"], args)
        q = ms_per_call(loaded["unet_int8"], args)
        speed[f"batch_{batch}"] = {"fp32_ms": round(f, 3), "int8_ms": round(q, 3), "speedup": round(f / q, 3)}
    print("python UNet ms per call:", speed, flush=True)

    fixtures = []
    fixture_prompts = [("red mug on beach, studio lighting from upper-left", 11),
                       ("blue sneaker on marble, studio lighting from front", 12),
                       ("green watch on wood, studio lighting from upper-right", 13)]
    sampler32 = Sampler(loaded["text_encoder"], loaded["unet_fp32"], loaded["vae_decoder"], scale, index)
    sampler8 = Sampler(loaded["text_encoder"], loaded["unet_int8"], loaded["vae_decoder"], scale, index)
    per = 4 * 16 * 16
    noise = np.stack([initial_noise(seed, per).reshape(4, 16, 16) for _, seed in fixture_prompts])
    latents, imgs = sampler32.render([c for c, _ in fixture_prompts], noise)
    for k, (caption, seed) in enumerate(fixture_prompts):
        fixtures.append({"caption": caption, "seed": seed, "token_ids": v.encode(caption, index),
                         "noise": noise[k].reshape(-1).tolist(),
                         "final_latents": latents[k].reshape(-1).tolist(),
                         "image_rgb": imgs[k].reshape(-1).tolist()})
    with open(os.path.join(a.out, "fixtures", "parity.json"), "w") as f:
        json.dump({"steps": STEPS, "guidance": GUIDANCE, "variant": "fp32", "items": fixtures}, f)

    combos = held_out_combos()
    captions = [v.caption(*c) for c in combos]
    noise = np.stack([initial_noise(1000 + i, per).reshape(4, 16, 16) for i in range(len(combos))])
    _, img32 = sampler32.render(captions, noise)
    _, img8 = sampler8.render(captions, noise)
    scorer = (loaded["clip_image"], loaded["clip_text"], index)
    sim32, acc32 = clip_scores(*scorer, img32, combos)
    sim8, acc8 = clip_scores(*scorer, img8, combos)
    print(f"held-out similarity fp32 {sim32:.4f} int8 {sim8:.4f}; accuracy fp32 {acc32} int8 {acc8}", flush=True)
    # the post-training alternative (512 calibration samples), for the record
    sim_ptq, acc_ptq = sim8, acc8
    if exported["unet_int8"] is not post_training:
        _, img_ptq = Sampler(loaded["text_encoder"], post_training, loaded["vae_decoder"], scale, index).render(
            captions, noise)
        sim_ptq, acc_ptq = clip_scores(*scorer, img_ptq, combos)
    print(f"post-training int8 (512 calibration samples): similarity {sim_ptq:.4f}; accuracy {acc_ptq}", flush=True)
    contact_sheet([(img32[i], img8[i]) for i in range(len(combos))],
                  [f"{o} {c} on {b}" for c, o, b, _ in combos], os.path.join(a.out, "samples.png"))

    files = {}
    for name in sorted(os.listdir(a.out)):
        path = os.path.join(a.out, name)
        if os.path.isfile(path) and name.endswith((".pt", ".txt")):
            files[name] = sha256(path)
    summary = {k: ck[k] for k in ("autoencoder_psnr", "ae_steps", "encoder_steps", "unet_steps", "int8_steps",
                                  "clip_steps", "train_seconds", "images", "resume_command", "reused_files",
                                  "colour_weight", "clip_training", "command")
               if k in ck}
    if "reused_from" in ck and "autoencoder" in ck:
        summary["reused"] = ("text_encoder.pt and vocabulary.txt are kept from version 1.0.0 (so text-embedding cache "
                             "keys stay valid); this version trains a new autoencoder with a chroma loss (the old "
                             "decoder returned green and purple as grey), a new UNet on the kept text encoder, the "
                             "int8 UNet by quantization-aware distillation, and a CLIP-style scorer on ground-truth "
                             "dataset images only")
    elif "reused_from" in ck:
        summary["reused"] = ("text_encoder.pt, vae_decoder.pt, clip_image.pt, clip_text.pt and vocabulary.txt are "
                             "kept from version 1.0.0 (trained together by the first command below); this version "
                             "trains a new encoder for the kept decoder, a new UNet on the kept text encoder, and "
                             "the int8 UNet by quantization-aware distillation from the new fp32 UNet")
    manifest = {
        "model_id": MODEL_ID,
        "version": VERSION,
        "created": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "image_size": dataset.SIZE,
        "latent_channels": models.LATENT_CHANNELS,
        "latent_size": dataset.SIZE // 4,
        "latent_downsampling": 4,
        "latent_scale": scale,
        "text": {"max_tokens": v.MAX_TOKENS, "hidden_size": models.TEXT_DIM, "vocabulary_file": "vocabulary.txt",
                 "pad_id": 0, "unk_id": 1, "bos_id": 2, "words": "[a-z0-9]+ after lower-casing"},
        "schedule": {"type": "scaled_linear", "train_steps": schedule.TRAIN_STEPS, "beta_start": schedule.BETA_START,
                     "beta_end": schedule.BETA_END, "prediction": "epsilon", "betas": schedule.betas().tolist()},
        "sampler": {"name": "dpmpp_2m_karras", "default_steps": STEPS, "default_guidance": GUIDANCE},
        "modules": {
            "text_encoder": {"inputs": ["input_ids long[N,20]"], "outputs": ["hidden float[N,20,64]", "pooled float[N,64]"]},
            "unet_fp32": {"inputs": ["sample float[N,4,16,16]", "timestep float[N]", "encoder_hidden_states float[N,20,64]"],
                          "outputs": ["noise float[N,4,16,16]"], "export": "trace, freeze"},
            "unet_int8": {"inputs": "as unet_fp32", "outputs": "as unet_fp32", "device": "cpu only",
                          "export": "eager-mode static int8 (quantization-aware distillation, see quantization), trace, freeze"},
            "unet_fp16": {"inputs": "as unet_fp32 (cast inside)", "outputs": "float32", "device": "cuda only",
                          "export": "torch.jit.script, weights in half"},
            "vae_decoder": {"inputs": ["latents float[N,4,16,16] (divided by latent_scale)"], "outputs": ["image float[N,3,64,64] in [-1,1]"]},
            "clip_image": {"inputs": ["image float[N,3,64,64] in [-1,1]"], "outputs": ["unit embedding float[N,128]"]},
            "clip_text": {"inputs": ["input_ids long[N,20]"], "outputs": ["unit embedding float[N,128]"]},
        },
        "quantization": dict(
            {"method": "eager-mode static int8 (torch 1.13), quantization-aware training distilled from the fp32 "
                       "UNet: fake-quantized student, MSE to the fp32 noise prediction, observers frozen after 60%",
             "qconfig": "get_default_qat_qconfig('onednn')", "training_steps": ck.get("int8_steps"),
             "calibration": "moving-average observers over the distillation batches (64 noisy training latents each)"}
            if "unet_int8_training" in ck else
            {"method": "eager-mode static post-training quantization (torch 1.13)",
             "qconfig": "get_default_qconfig('onednn')", "calibration_samples": CALIBRATION_SAMPLES,
             "calibration": "noisy latents of procedurally drawn images at the 25-step Karras timesteps"},
            engine="onednn", fused="Conv+ReLU -> ConvReLU2d; residual add + ReLU -> add_relu",
            float_layers=FLOAT_LAYERS,
            post_training_comparison={"calibration_samples": CALIBRATION_SAMPLES, "held_out_similarity": sim_ptq,
                                      "held_out_attribute_accuracy": acc_ptq}),
        "attributes": {"category": v.CATEGORIES, "colour": list(v.COLOURS), "background": v.BACKGROUNDS, "lighting": v.LIGHTING},
        "caption_template": "{colour} {category} on {background}, studio lighting from {lighting}",
        "held_out_prompts": [{"category": c, "colour": o, "background": b, "lighting": l} for c, o, b, l in combos],
        "training": dict(summary, command=ck.get("command", "/usr/bin/python3 models/scripts/train.py --out models/build "
                                                                     "--images 30000 --ae-minutes 12 --unet-minutes 30 "
                                                                     "--clip-minutes 4"),
                         first_command="/usr/bin/python3 models/scripts/train.py --out models/build --images 30000 "
                                       "--ae-minutes 12 --unet-minutes 30 --clip-minutes 4",
                         export_command="/usr/bin/python3 models/scripts/export.py --checkpoint models/build/checkpoint.pt --out models/demo",
                         torch=torch.__version__),
        "python_measurements": {"unet_ms_per_call": speed, "held_out_similarity": {"fp32": sim32, "int8": sim8},
                                "held_out_attribute_accuracy": {"fp32": acc32, "int8": acc8},
                                "export_seconds": round(time.time() - t_start, 1)},
        "files": files,
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"exported to {a.out} in {time.time() - t_start:.0f}s", flush=True)


if __name__ == "__main__":
    main()
