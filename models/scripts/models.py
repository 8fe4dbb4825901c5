"""The demo model: autoencoder, text encoder, int8-friendly conditional UNet, CLIP-style scorer.

Design for int8 (torch 1.13 eager-mode static quantization, engine onednn):
- Residual blocks have no normalisation: conv+ReLU (fused), a conditioning bias added with
  broadcasting, conv, add_relu with the skip; the whole encoder/decoder path stays quantized
  (torch 1.13 has quantized conv, ConvReLU, add, add_relu, cat and nearest upsampling, but no
  quantized SiLU, softmax or bmm). GroupNorm in the blocks made int8 slower than fp32.
- Float only where int8 kernels do not exist or precision matters: the conditioning head (timestep
  MLP + text projection, on [N,C,1,1] tensors), the per-block conditioning projections (quantized
  right after), cross-attention at 4x4 (softmax, bmm), the input conv and the output conv.
- Linear layers are 1x1 convolutions: Debian's torch links a reference BLAS for matmul.
"""
import copy
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
    """conv+ReLU -> + conditioning bias -> conv -> + skip -> ReLU, quantized end to end in the int8 model.

    No normalisation: GroupNorm was the slowest quantized op here (5x slower on channels-last
    outputs) and a norm-free block fuses into quantized ConvReLU2d, add and add_relu. Training
    stays stable because conv2 starts at zero (each block starts as the identity). The
    conditioning (timestep + text) comes in as a per-sample channel bias: a float 1x1 conv on the
    [N,cond,1,1] conditioning vector, quantized and added with broadcasting.
    """

    def __init__(self, cin, cout, cond):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.act1 = nn.ReLU()
        self.cond = nn.Conv2d(cond, cout, 1)
        self.cond_quant = torch.quantization.QuantStub()
        self.add_cond = nn.quantized.FloatFunctional()
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        self.add = nn.quantized.FloatFunctional()

    def forward(self, x, c):
        h = self.act1(self.conv1(x))
        h = self.add_cond.add(h, self.cond_quant(self.cond(c)))
        return self.add.add_relu(self.conv2(h), self.skip(x))

    def fuse(self):
        torch.ao.quantization.fuse_modules(self, [["conv1", "act1"]], inplace=True)


class CrossAttention(nn.Module):
    """Float island at 4x4: conditioning bias + cross-attention on the text hidden states, residual.

    torch 1.13 has no quantized softmax or bmm, so it is entered by a DeQuantStub and left by a
    QuantStub; at 4x4 (16 positions) the two transitions cost little.
    """

    def __init__(self, channels, cond):
        super().__init__()
        self.dequant = torch.quantization.DeQuantStub()
        self.time = nn.Conv2d(cond, channels, 1)
        self.norm = nn.GroupNorm(8, channels)
        self.query = nn.Conv2d(channels, channels, 1)
        self.key = nn.Conv1d(TEXT_DIM, channels, 1)
        self.value = nn.Conv1d(TEXT_DIM, channels, 1)
        self.out = nn.Conv2d(channels, channels, 1)
        self.quant = torch.quantization.QuantStub()
        self.scale = 1.0 / math.sqrt(channels)

    def forward(self, x, c, text):
        # text: [B, TEXT_DIM, T] (channels first for 1x1 Conv1d)
        x = self.dequant(x) + self.time(c)
        b, ch, hh, ww = x.shape
        q = self.query(self.norm(x)).reshape(b, ch, hh * ww).transpose(1, 2)  # [B,HW,C]
        k = self.key(text)  # [B,C,T]
        v = self.value(text).transpose(1, 2)  # [B,T,C]
        attention = torch.softmax(torch.bmm(q, k) * self.scale, dim=-1)
        h = torch.bmm(attention, v).transpose(1, 2).reshape(b, ch, hh, ww)
        return self.quant(x + self.out(h))

    FLOAT = ("time", "norm", "query", "key", "value", "out")


class UNet(nn.Module):
    """(sample [N,4,16,16], timestep [N] float, encoder_hidden_states [N,20,64]) -> noise [N,4,16,16].

    Channels 64/128/128 (16x16, 8x8, 4x4). A float head turns the timestep and the text hidden
    states (flattened: token order kept) into one conditioning vector; every ResBlock adds its own
    projection of it, and the 4x4 middle also cross-attends to the text hidden states.
    """

    FLOAT_LAYERS = ("time_mlp", "text_proj", "cond_mlp", "conv_in", "cond_in", "conv_out")

    def __init__(self, c1=64, c2=128, time_dim=128):
        super().__init__()
        self.half_freqs = c1 // 2
        self.text_width = TEXT_DIM * TEXT_TOKENS
        self.register_buffer("freqs", torch.exp(-math.log(10000.0) * torch.arange(self.half_freqs) / self.half_freqs))
        self.time_mlp = nn.Sequential(nn.Conv2d(c1, time_dim, 1), nn.ReLU(), nn.Conv2d(time_dim, time_dim, 1))
        self.text_proj = nn.Conv2d(self.text_width, time_dim, 1)
        self.cond_mlp = nn.Sequential(nn.ReLU(), nn.Conv2d(2 * time_dim, time_dim, 1), nn.ReLU())
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c1, 3, padding=1)
        self.cond_in = nn.Conv2d(time_dim, c1, 1)
        self.quant_in = torch.quantization.QuantStub()
        self.down1a = ResBlock(c1, c1, time_dim)
        self.down1b = ResBlock(c1, c1, time_dim)
        self.downsample1 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.downsample1_act = nn.ReLU()
        self.down2a = ResBlock(c2, c2, time_dim)
        self.down2b = ResBlock(c2, c2, time_dim)
        self.downsample2 = nn.Conv2d(c2, c2, 3, stride=2, padding=1)
        self.downsample2_act = nn.ReLU()
        self.mid_a = ResBlock(c2, c2, time_dim)
        self.attn_mid = CrossAttention(c2, time_dim)
        self.mid_b = ResBlock(c2, c2, time_dim)
        self.upsample2 = nn.Upsample(scale_factor=2.0, mode="nearest")
        self.cat2 = nn.quantized.FloatFunctional()
        self.up2a = ResBlock(2 * c2, c2, time_dim)
        self.up2b = ResBlock(c2, c2, time_dim)
        self.upsample1 = nn.Upsample(scale_factor=2.0, mode="nearest")
        self.cat1 = nn.quantized.FloatFunctional()
        self.up1a = ResBlock(c2 + c1, c1, time_dim)
        self.up1b = ResBlock(c1, c1, time_dim)
        self.dequant_out = torch.quantization.DeQuantStub()
        self.conv_out = nn.Conv2d(c1, LATENT_CHANNELS, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        dtype = self.conv_in.weight.dtype
        n = sample.shape[0]
        t = timestep.to(torch.float32).reshape(-1).expand(n)
        angles = t[:, None] * self.freqs.to(torch.float32)[None, :]
        sinusoid = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1).to(dtype)[:, :, None, None]
        hidden = encoder_hidden_states.to(dtype)
        text = self.text_proj(hidden.reshape(n, self.text_width, 1, 1))
        c = self.cond_mlp(torch.cat([self.time_mlp(sinusoid), text], dim=1))  # [N,time_dim,1,1]
        h = self.quant_in(self.conv_in(sample.to(dtype)) + self.cond_in(c))
        h = self.down1b(self.down1a(h, c), c)
        skip1 = h
        h = self.down2b(self.down2a(self.downsample1_act(self.downsample1(h)), c), c)
        skip2 = h
        h = self.mid_a(self.downsample2_act(self.downsample2(h)), c)
        h = self.mid_b(self.attn_mid(h, c, hidden.transpose(1, 2)), c)
        h = self.cat2.cat([self.upsample2(h), skip2], dim=1)
        h = self.up2b(self.up2a(h, c), c)
        h = self.cat1.cat([self.upsample1(h), skip1], dim=1)
        h = self.up1b(self.up1a(h, c), c)
        return self.conv_out(self.dequant_out(h)).to(torch.float32)

    def fuse(self):
        """Conv+ReLU pairs into one module (one quantized ConvReLU2d kernel); call on a copy in eval."""
        for module in self.modules():
            if isinstance(module, ResBlock):
                module.fuse()
        torch.ao.quantization.fuse_modules(
            self, [["downsample1", "downsample1_act"], ["downsample2", "downsample2_act"]], inplace=True)

    def set_quantization(self, qconfig):
        """qconfig on the quantized path; None on the float layers (the head, the conditioning
        projections, the attention island's layers) so their stubs stay the only transitions."""
        self.qconfig = qconfig
        for name in self.FLOAT_LAYERS:
            getattr(self, name).qconfig = None
        for module in self.modules():
            if isinstance(module, ResBlock):
                module.cond.qconfig = None
            if isinstance(module, CrossAttention):
                for name in CrossAttention.FLOAT:
                    getattr(module, name).qconfig = None


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


def _fused_copy(unet, training, qconfig):
    """A fused copy of a float UNet with qconfig on its int8 path (engine onednn)."""
    torch.backends.quantized.engine = "onednn"
    q = copy.deepcopy(unet).train(training)
    q.fuse()
    q.set_quantization(qconfig)
    return q


def int8_training_copy(unet):
    """A fused copy of a float UNet prepared for quantization-aware training (fake quantization
    on the int8 path); torch.ao.quantization.convert turns it into the int8 UNet."""
    qconfig = torch.ao.quantization.get_default_qat_qconfig("onednn")
    return torch.ao.quantization.prepare_qat(_fused_copy(unet, True, qconfig))


def post_training_int8(unet, calibration):
    """Static post-training int8: observers on the int8 path, calibration batches, convert."""
    qconfig = torch.ao.quantization.get_default_qconfig("onednn")
    prepared = torch.ao.quantization.prepare(_fused_copy(unet, False, qconfig))
    with torch.no_grad():
        for sample, timestep, context in calibration:
            prepared(sample, timestep, context)
    return torch.ao.quantization.convert(prepared)
