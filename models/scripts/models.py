"""The demo model: autoencoder, text encoder, int8-friendly conditional UNet, CLIP-style scorer.

Design for int8 (torch 1.13 eager-mode static quantization, engine onednn):
- Residual blocks are conv -> GroupNorm -> ReLU with the skip add through FloatFunctional, so a
  whole block stays quantized (torch 1.13 has quantized conv, GroupNorm, ReLU, add, cat and
  nearest upsampling, but no quantized SiLU, softmax or bmm).
- Float islands only where int8 kernels do not exist: the timestep MLP, cross-attention (softmax,
  bmm) at 8x8 and 4x4, the input conv (adds the timestep embedding) and the output conv
  (epsilon precision). Each island is entered by a DeQuantStub and left by its own QuantStub.
- Linear layers are 1x1 convolutions: Debian's torch links a reference BLAS for matmul.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

TEXT_DIM = 64
TEXT_TOKENS = 20
LATENT_CHANNELS = 4


class Autoencoder(nn.Module):
    """64x64x3 in [-1,1] <-> 16x16x4 latents (4x downsampling)."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(3, 48, 4, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(48, 64, 3, padding=1), nn.ReLU(),
            nn.Conv2d(64, 96, 4, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(96, 96, 3, padding=1), nn.ReLU(),
            nn.Conv2d(96, LATENT_CHANNELS, 1))
        self.decoder = Decoder()

    def forward(self, x):
        return self.decoder(self.encoder(x))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(LATENT_CHANNELS, 96, 3, padding=1), nn.ReLU(),
            nn.Conv2d(96, 96, 3, padding=1), nn.ReLU(),
            nn.Upsample(scale_factor=2.0, mode="nearest"),
            nn.Conv2d(96, 64, 3, padding=1), nn.ReLU(),
            nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
            nn.Conv2d(64, 48, 3, padding=1), nn.ReLU(),
            nn.PixelShuffle(2),
            nn.Conv2d(12, 3, 3, padding=1))

    def forward(self, z):
        return torch.clamp(self.net(z), -1.0, 1.0)


class TextEncoder(nn.Module):
    """input_ids long[B,20] -> (hidden float[B,20,64], pooled float[B,64]); pad id is 0."""

    def __init__(self, vocab_size, layers=2):
        super().__init__()
        self.token = nn.Embedding(vocab_size, TEXT_DIM)
        self.position = nn.Parameter(torch.randn(1, TEXT_TOKENS, TEXT_DIM) * 0.02)
        self.layers = nn.ModuleList([TextLayer() for _ in range(layers)])
        self.norm = nn.LayerNorm(TEXT_DIM)

    def forward(self, input_ids):
        mask = (input_ids != 0).to(torch.float32)  # [B,T]
        h = self.token(input_ids) + self.position
        bias = (1.0 - mask)[:, None, :] * -1e4  # [B,1,T]
        for layer in self.layers:
            h = layer(h, bias)
        h = self.norm(h)
        pooled = (h * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
        return h, pooled


class TextLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(TEXT_DIM)
        self.qkv = nn.Linear(TEXT_DIM, 3 * TEXT_DIM)
        self.out = nn.Linear(TEXT_DIM, TEXT_DIM)
        self.norm2 = nn.LayerNorm(TEXT_DIM)
        self.mlp = nn.Sequential(nn.Linear(TEXT_DIM, 4 * TEXT_DIM), nn.GELU(), nn.Linear(4 * TEXT_DIM, TEXT_DIM))

    def forward(self, h, bias):
        q, k, v = self.qkv(self.norm1(h)).chunk(3, dim=-1)
        attention = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(TEXT_DIM) + bias, dim=-1)
        h = h + self.out(attention @ v)
        return h + self.mlp(self.norm2(h))


class ResBlock(nn.Module):
    """Stays quantized end to end in the int8 model."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm1 = nn.GroupNorm(8, cout)
        self.act1 = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.norm2 = nn.GroupNorm(8, cout)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        self.add = nn.quantized.FloatFunctional()
        self.act2 = nn.ReLU()

    def forward(self, x):
        h = self.act1(self.norm1(self.conv1(x)))
        h = self.norm2(self.conv2(h))
        return self.act2(self.add.add(h, self.skip(x)))


class CrossAttention(nn.Module):
    """Float island: timestep bias + cross-attention on the text hidden states, residual."""

    def __init__(self, channels, time_dim):
        super().__init__()
        self.dequant = torch.quantization.DeQuantStub()
        self.time = nn.Conv2d(time_dim, channels, 1)
        self.norm = nn.GroupNorm(8, channels)
        self.query = nn.Conv2d(channels, channels, 1)
        self.key = nn.Conv1d(TEXT_DIM, channels, 1)
        self.value = nn.Conv1d(TEXT_DIM, channels, 1)
        self.out = nn.Conv2d(channels, channels, 1)
        self.quant = torch.quantization.QuantStub()
        self.scale = 1.0 / math.sqrt(channels)

    def forward(self, x, temb, text):
        # text: [B, TEXT_DIM, T] (channels first for 1x1 Conv1d)
        x = self.dequant(x) + self.time(temb)
        b, c, hh, ww = x.shape
        q = self.query(self.norm(x)).reshape(b, c, hh * ww).transpose(1, 2)  # [B,HW,C]
        k = self.key(text)  # [B,C,T]
        v = self.value(text).transpose(1, 2)  # [B,T,C]
        attention = torch.softmax(torch.bmm(q, k) * self.scale, dim=-1)
        h = torch.bmm(attention, v).transpose(1, 2).reshape(b, c, hh, ww)
        return self.quant(x + self.out(h))


class UNet(nn.Module):
    """(sample [N,4,16,16], timestep [N] float, encoder_hidden_states [N,20,64]) -> noise [N,4,16,16]."""

    def __init__(self, c1=48, c2=96, time_dim=128):
        super().__init__()
        self.time_mlp = nn.Sequential(nn.Conv2d(c1, time_dim, 1), nn.ReLU(), nn.Conv2d(time_dim, time_dim, 1))
        self.half_freqs = c1 // 2
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c1, 3, padding=1)
        self.time_in = nn.Conv2d(time_dim, c1, 1)
        self.quant_in = torch.quantization.QuantStub()
        self.down1a = ResBlock(c1, c1)
        self.down1b = ResBlock(c1, c1)
        self.downsample1 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.down2a = ResBlock(c2, c2)
        self.attn2 = CrossAttention(c2, time_dim)
        self.down2b = ResBlock(c2, c2)
        self.downsample2 = nn.Conv2d(c2, c2, 3, stride=2, padding=1)
        self.mid_a = ResBlock(c2, c2)
        self.attn_mid = CrossAttention(c2, time_dim)
        self.mid_b = ResBlock(c2, c2)
        self.upsample2 = nn.Upsample(scale_factor=2.0, mode="nearest")
        self.cat2 = nn.quantized.FloatFunctional()
        self.up2a = ResBlock(2 * c2, c2)
        self.attn_up2 = CrossAttention(c2, time_dim)
        self.up2b = ResBlock(c2, c2)
        self.upsample1 = nn.Upsample(scale_factor=2.0, mode="nearest")
        self.cat1 = nn.quantized.FloatFunctional()
        self.up1a = ResBlock(c2 + c1, c1)
        self.up1b = ResBlock(c1, c1)
        self.dequant_out = torch.quantization.DeQuantStub()
        self.norm_out = nn.GroupNorm(8, c1)
        self.conv_out = nn.Conv2d(c1, LATENT_CHANNELS, 3, padding=1)
        self.register_buffer("freqs", torch.exp(-math.log(10000.0) * torch.arange(self.half_freqs) / self.half_freqs))

    def forward(self, sample, timestep, encoder_hidden_states):
        dtype = self.conv_in.weight.dtype
        t = timestep.to(torch.float32).reshape(-1).expand(sample.shape[0])
        angles = t[:, None] * self.freqs.to(torch.float32)[None, :]
        sinusoid = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1).to(dtype)[:, :, None, None]
        temb = self.time_mlp(sinusoid)  # [N,time_dim,1,1]
        text = encoder_hidden_states.to(dtype).transpose(1, 2)
        h = self.conv_in(sample.to(dtype)) + self.time_in(temb)
        h = self.quant_in(h)
        h = self.down1b(self.down1a(h))
        skip1 = h
        h = self.down2b(self.attn2(self.down2a(self.downsample1(h)), temb, text))
        skip2 = h
        h = self.mid_b(self.attn_mid(self.mid_a(self.downsample2(h)), temb, text))
        h = self.cat2.cat([self.upsample2(h), skip2], dim=1)
        h = self.up2b(self.attn_up2(self.up2a(h), temb, text))
        h = self.cat1.cat([self.upsample1(h), skip1], dim=1)
        h = self.up1b(self.up1a(h))
        h = self.dequant_out(h)
        return self.conv_out(F.relu(self.norm_out(h))).to(torch.float32)


class ClipImage(nn.Module):
    """image [N,3,64,64] in [-1,1] -> unit embedding [N,128]."""

    def __init__(self, dim=128):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 4, stride=2, padding=1), nn.GroupNorm(8, 64), nn.ReLU(),
            nn.Conv2d(64, 96, 4, stride=2, padding=1), nn.GroupNorm(8, 96), nn.ReLU(),
            nn.Conv2d(96, 128, 4, stride=2, padding=1), nn.GroupNorm(8, 128), nn.ReLU(),
            nn.Conv2d(128, 128, 3, padding=1), nn.ReLU())
        self.project = nn.Conv2d(128 * 2, dim, 1)

    def forward(self, image):
        h = self.net(image)
        pooled = torch.cat([h.mean(dim=(2, 3), keepdim=True), h.amax(dim=(2, 3), keepdim=True)], dim=1)
        return F.normalize(self.project(pooled).flatten(1), dim=1)


class ClipText(nn.Module):
    """input_ids long[N,20] -> unit embedding [N,128]: token + position embeddings, a 1-D conv, masked mean."""

    def __init__(self, vocab_size, dim=128):
        super().__init__()
        self.token = nn.Embedding(vocab_size, 96)
        self.position = nn.Parameter(torch.randn(1, TEXT_TOKENS, 96) * 0.02)
        self.conv = nn.Conv1d(96, 128, 3, padding=1)
        self.project = nn.Conv1d(128, dim, 1)

    def forward(self, input_ids):
        mask = (input_ids != 0).to(torch.float32)[:, None, :]
        h = (self.token(input_ids) + self.position).transpose(1, 2)
        h = F.relu(self.conv(h)) * mask
        pooled = h.sum(2, keepdim=True) / mask.sum(2, keepdim=True).clamp(min=1.0)
        return F.normalize(self.project(pooled).flatten(1), dim=1)
