"""Exports a diffusers Stable Diffusion 1.x/2.x or SDXL pipeline directory to catalog-render's
model format version 2 (the format models/scripts/tiny_sd.py writes and the tests check):

  text_encoder.pt [, text_encoder_2.pt]   TorchScript, ids [n, 77] -> (last_hidden_state,
                                          penultimate hidden states, pooled output / text_embeds)
  tokenizer/tokenizer.json [, tokenizer_2/tokenizer.json]   the Hugging Face fast tokenizers
  unet_fp32.pt, unet_int8.pt (dynamic int8 on the linear layers, CPU), unet_fp16.pt (CUDA only)
  vae_decoder.pt                          TorchScript, latents / scaling_factor -> pixels in [-1, 1]
  scheduler/scheduler_config.json         copied; the manifest embeds it too
  fixtures/parity.json                    token ids, states, noise and final latents of 2 captions
  manifest.json                           format_version 2, sha256 of every file

diffusers and transformers cannot be installed on catalog-render's build machines, so this script
is not run in CI; it needs a machine with them (and the weights, which never leave it):

  python3 -m venv export && . export/bin/activate
  pip install torch==2.3.1 diffusers==0.29.2 transformers==4.42.4 accelerate safetensors
  python models/scripts/export_diffusers.py --pipeline /data/stable-diffusion-v1-5 \\
      --out models/my-sd15 --model-id my-sd15 --version 1.0.0
  python models/scripts/export_diffusers.py --pipeline /data/sdxl-base-1.0 --out models/my-sdxl \\
      --model-id my-sdxl --version 1.0.0 --fp16      # --fp16 needs a CUDA device
  ./submit.sh render --model-dir models/my-sd15        # or s3a://bucket/models/my-sd15

Which hidden states condition the UNet follows diffusers: SD 1.x and 2.x use the encoder's
last_hidden_state (SD 2.x's exported encoder already stops at OpenCLIP's penultimate layer, as its
config's num_hidden_layers says); SDXL concatenates both encoders' hidden_states[-2] and passes the
second encoder's text_embeds and time_ids as added conditioning.
"""
import argparse
import datetime
import json
import os
import shutil

import numpy as np
import torch
import torch.nn as nn

from artifacts import ms_per_call, sha256
import tiny_sd  # the reference sampler and Java's initial noise, shared with the tiny test models

CAPTIONS = ["red ceramic mug on a wooden table, soft studio lighting", "white sneaker on the beach"]


class EncoderExport(nn.Module):
    def __init__(self, encoder, projected):
        super().__init__()
        self.encoder, self.projected = encoder, projected

    def forward(self, ids):
        out = self.encoder(ids, output_hidden_states=True, return_dict=True)
        pooled = out.text_embeds if self.projected else out.pooler_output
        return out.last_hidden_state, out.hidden_states[-2], pooled


class UNetExport(nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timestep, encoder_hidden_states, return_dict=False)[0]


class UNetXLExport(nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states, text_embeds, time_ids):
        return self.unet(sample, timestep, encoder_hidden_states,
                         added_cond_kwargs={"text_embeds": text_embeds, "time_ids": time_ids}, return_dict=False)[0]


class VaeExport(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latents):
        return self.vae.decode(latents, return_dict=False)[0]


def main():
    from diffusers import DiffusionPipeline
    from transformers import CLIPTokenizerFast

    parser = argparse.ArgumentParser()
    parser.add_argument("--pipeline", required=True, help="a diffusers pipeline directory (local path)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--model-id", required=True)
    parser.add_argument("--version", default="1.0.0")
    parser.add_argument("--fp16", action="store_true", help="also export unet_fp16.pt (needs CUDA)")
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--guidance", type=float, default=None)
    args = parser.parse_args()

    pipe = DiffusionPipeline.from_pretrained(args.pipeline, torch_dtype=torch.float32)
    xl = getattr(pipe, "text_encoder_2", None) is not None
    out = args.out
    os.makedirs(os.path.join(out, "fixtures"), exist_ok=True)
    ids_length = pipe.tokenizer.model_max_length
    encoders, tokenizers = [], []
    pairs = [("", pipe.text_encoder, "tokenizer", False)]
    if xl:
        pairs.append(("_2", pipe.text_encoder_2, "tokenizer_2", True))
    for suffix, encoder, folder, projected in pairs:
        fast = CLIPTokenizerFast.from_pretrained(os.path.join(args.pipeline, folder))
        os.makedirs(os.path.join(out, "tokenizer" + suffix), exist_ok=True)
        fast.backend_tokenizer.save(os.path.join(out, "tokenizer" + suffix, "tokenizer.json"))
        example = fast([""], padding="max_length", max_length=ids_length, return_tensors="pt").input_ids
        module = EncoderExport(encoder.eval(), projected)
        torch.jit.freeze(torch.jit.trace(module, (example,), check_trace=False, strict=False)).save(
            os.path.join(out, "text_encoder%s.pt" % suffix))
        encoders.append({
            "file": "text_encoder%s.pt" % suffix, "tokenizer": "tokenizer%s/tokenizer.json" % suffix,
            "max_length": ids_length, "bos_id": fast.bos_token_id, "eos_id": fast.eos_token_id,
            "pad_id": fast.pad_token_id, "vocab_size": encoder.config.vocab_size,
            "hidden_size": encoder.config.hidden_size,
            "hidden_state": "penultimate" if xl else "last",
            "pooled": projected, "pooled_size": encoder.config.projection_dim if projected else 0})
        tokenizers.append((fast, module))

    unet = pipe.unet.eval()
    latent = unet.config.sample_size
    scale = 2 ** (len(pipe.vae.config.block_out_channels) - 1)
    context = sum(e["hidden_size"] for e in encoders)
    example = [torch.randn(2, unet.config.in_channels, latent, latent), torch.tensor([999.0, 10.0]),
               torch.randn(2, ids_length, context)]
    wrapper = UNetExport(unet)
    if xl:
        native = latent * scale
        example += [torch.randn(2, encoders[-1]["pooled_size"]),
                    torch.tensor([[native, native, 0, 0, native, native]] * 2, dtype=torch.float32)]
        wrapper = UNetXLExport(unet)
    variants = {"fp32": "unet_fp32.pt", "int8": "unet_int8.pt"}
    torch.jit.freeze(torch.jit.trace(wrapper, tuple(example), check_trace=False)).save(os.path.join(out, "unet_fp32.pt"))
    int8 = torch.quantization.quantize_dynamic(wrapper, {nn.Linear}, dtype=torch.qint8)
    torch.jit.trace(int8, tuple(example), check_trace=False).save(os.path.join(out, "unet_int8.pt"))
    fp32_ms, int8_ms = ms_per_call(wrapper, example, 5), ms_per_call(int8, example, 5)
    if args.fp16:
        half = (UNetXLExport if xl else UNetExport)(unet.half().cuda()).eval()
        cuda = [t.half().cuda() if t.is_floating_point() else t.cuda() for t in example]
        torch.jit.freeze(torch.jit.trace(half, tuple(cuda), check_trace=False)).save(os.path.join(out, "unet_fp16.pt"))
        variants["fp16"] = "unet_fp16.pt"
        unet.float().cpu()
    vae = VaeExport(pipe.vae.eval())
    torch.jit.freeze(torch.jit.trace(vae, (torch.randn(1, 4, latent, latent),), check_trace=False)).save(
        os.path.join(out, "vae_decoder.pt"))
    os.makedirs(os.path.join(out, "scheduler"), exist_ok=True)
    shutil.copy(os.path.join(args.pipeline, "scheduler", "scheduler_config.json"),
                os.path.join(out, "scheduler", "scheduler_config.json"))
    with open(os.path.join(out, "scheduler", "scheduler_config.json")) as f:
        scheduler = json.load(f)
    prediction = scheduler.get("prediction_type", "epsilon")
    zeros = bool(xl and pipe.config.get("force_zeros_for_empty_prompt", True))
    guidance = args.guidance if args.guidance is not None else (5.0 if xl else 7.5)

    # parity fixtures: the same sampler arithmetic the Java runtime runs, from Java's noise
    @torch.no_grad()
    def encode(captions):
        states, pooled = [], None
        for (fast, module), spec in zip(tokenizers, encoders):
            ids = fast(captions, padding="max_length", max_length=ids_length, truncation=True,
                       return_tensors="pt").input_ids
            last, penultimate, pool = module(ids)
            states.append(last if spec["hidden_state"] == "last" else penultimate)
            if spec["pooled"]:
                pooled = pool
        return torch.cat(states, dim=-1), pooled

    conditional, pool = encode(CAPTIONS)
    unconditional, unpooled = (torch.zeros_like(conditional), torch.zeros_like(pool) if pool is not None else None) \
        if zeros else encode([""] * len(CAPTIONS))
    b = len(CAPTIONS)
    noise = np.concatenate([tiny_sd.initial_noise(s, 4 * latent * latent) for s in (11, 12)]).reshape(b, 4, latent, latent)
    native = latent * scale
    time_ids = torch.tensor([[native, native, 0, 0, native, native]] * (2 * b), dtype=torch.float32)

    @torch.no_grad()
    def model_fn(x2, t):
        inputs = [torch.from_numpy(x2.astype(np.float32)), torch.full((2 * b,), float(t)),
                  torch.cat([unconditional, conditional])]
        if xl:
            inputs += [torch.cat([unpooled, pool]), time_ids]
        result = wrapper(*inputs).double().numpy()
        return result[:b], result[b:]

    latents = tiny_sd.sample(model_fn, noise, tiny_sd.betas_of(scheduler), args.steps, guidance, prediction)
    with open(os.path.join(out, "fixtures", "parity.json"), "w") as f:
        json.dump({"captions": CAPTIONS, "seeds": [11, 12], "steps": args.steps, "guidance": guidance,
                   "token_ids": [[fast(c, padding="max_length", max_length=ids_length, truncation=True).input_ids
                                  for c in CAPTIONS] for fast, _ in tokenizers],
                   "conditioning": conditional.numpy().flatten().tolist(),
                   "pooled": None if pool is None else pool.numpy().flatten().tolist(),
                   "noise": noise.flatten().tolist(), "latents": latents.astype(np.float32).flatten().tolist()}, f)

    files = {}
    for folder, _, names in os.walk(out):
        for n in names:
            rel = os.path.relpath(os.path.join(folder, n), out)
            if rel != "manifest.json" and not rel.startswith("fixtures/"):
                files[rel] = sha256(os.path.join(out, rel))
    manifest = {
        "format_version": 2,
        "model_id": args.model_id,
        "version": args.version,
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "pipeline": "stable-diffusion-xl" if xl else "stable-diffusion",
        "source": os.path.abspath(args.pipeline),
        "image_size": native,
        "latent_channels": unet.config.in_channels,
        "latent_downsampling": scale,
        "vae": {"file": "vae_decoder.pt", "scaling_factor": pipe.vae.config.scaling_factor,
                "shift_factor": getattr(pipe.vae.config, "shift_factor", None)},
        "scheduler_config_file": "scheduler/scheduler_config.json",
        "scheduler_config": scheduler,
        "prediction_type": prediction,
        "text_encoders": encoders,
        "unet": {"signature": "sdxl" if xl else "sd", "variants": variants},
        "unconditional": "zeros" if zeros else "empty_caption",
        "batch_size": {"cpu": 1, "cuda": 4 if xl else 8},
        # rows this large (4x the native size: 2048 for SD 1.5, 4096 for SDXL) render at full precision
        "full_precision_min_side": 4 * native,
        "sampler": {"default_steps": args.steps, "default_guidance": guidance},
        "int8": {"method": "dynamic int8 on the linear layers (torch.quantization.quantize_dynamic)",
                 "ms_per_unet_call_fp32": round(fp32_ms, 1), "ms_per_unet_call_int8": round(int8_ms, 1)},
        "files": files,
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("%s: %s, %d px native, UNet call on CPU fp32 %.0f ms, int8 %.0f ms (%.2fx)" % (
        args.model_id, manifest["pipeline"], native, fp32_ms, int8_ms, fp32_ms / int8_ms))


if __name__ == "__main__":
    main()
