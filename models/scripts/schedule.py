"""Noise schedule and the DPM++ 2M Karras sampler (diffusers' DPMSolverMultistepScheduler with
algorithm dpmsolver++, order 2, midpoint, karras sigmas, final sigma 0, lower-order final step).

The Java sampler (com.catalogrender.diffusion.DpmSolverSampler) implements the same arithmetic in
double precision; the parity fixtures written by export.py check the two agree.
"""
import numpy as np

TRAIN_STEPS = 1000
BETA_START = 0.00085
BETA_END = 0.012


def betas():
    return (np.linspace(BETA_START ** 0.5, BETA_END ** 0.5, TRAIN_STEPS, dtype=np.float64) ** 2)


def alphas_cumprod():
    return np.cumprod(1.0 - betas())


def betas_of(config):
    """The betas of a diffusers scheduler_config.json (scaled_linear or linear)."""
    n, start, end = config["num_train_timesteps"], config["beta_start"], config["beta_end"]
    if config["beta_schedule"] == "scaled_linear":
        return np.linspace(start ** 0.5, end ** 0.5, n, dtype=np.float64) ** 2
    if config["beta_schedule"] == "linear":
        return np.linspace(start, end, n, dtype=np.float64)
    raise ValueError(config["beta_schedule"])


def karras_sigmas(steps, rho=7.0, train_betas=None):
    ac = np.cumprod(1.0 - (betas() if train_betas is None else train_betas))
    train_sigmas = np.sqrt((1 - ac) / ac)
    s_min, s_max = train_sigmas[0], train_sigmas[-1]
    ramp = np.linspace(0, 1, steps)
    sig = (s_max ** (1 / rho) + ramp * (s_min ** (1 / rho) - s_max ** (1 / rho))) ** rho
    log_train = np.log(train_sigmas)
    timesteps = np.interp(np.log(sig), log_train, np.arange(len(train_sigmas)))
    return np.append(sig, 0.0), timesteps


def sample(eps_fn, x, steps=25, guidance=4.0, train_betas=None, prediction="epsilon"):
    """eps_fn(x_doubled, t) -> (unconditional, conditional) model outputs (noise, or velocity with
    prediction v_prediction); x: initial noise [B,...] float64 numpy. Returns final x."""
    sigmas, timesteps = karras_sigmas(steps, train_betas=train_betas)
    previous = None
    x = x.astype(np.float64)
    for i in range(steps):
        s, t = sigmas[i], sigmas[i + 1]
        eps_u, eps_c = eps_fn(np.concatenate([x, x]), timesteps[i])
        eps = eps_u + guidance * (eps_c - eps_u)
        alpha_s, sigma_s = 1 / np.sqrt(s * s + 1), s / np.sqrt(s * s + 1)
        x0 = (x - sigma_s * eps) / alpha_s if prediction == "epsilon" else alpha_s * x - sigma_s * eps
        if t == 0:
            x = x0
        else:
            alpha_t, sigma_t = 1 / np.sqrt(t * t + 1), t / np.sqrt(t * t + 1)
            lam_t, lam_s = np.log(alpha_t) - np.log(sigma_t), np.log(alpha_s) - np.log(sigma_s)
            h = lam_t - lam_s
            if previous is None or i == steps - 1:
                x = (sigma_t / sigma_s) * x - alpha_t * np.expm1(-h) * x0
            else:
                prev_x0, lam_prev = previous
                r0 = (lam_s - lam_prev) / h
                d0, d1 = x0, (x0 - prev_x0) / r0
                x = (sigma_t / sigma_s) * x - alpha_t * np.expm1(-h) * d0 - 0.5 * alpha_t * np.expm1(-h) * d1
            previous = (x0, lam_s)
    return x


MASK64 = (1 << 64) - 1


class SplittableRandom:
    """java.util.SplittableRandom(seed): SplitMix64, so Python draws the noise Java draws."""

    GAMMA = 0x9E3779B97F4A7C15

    def __init__(self, seed):
        self.seed = seed & MASK64

    def next_long(self):
        self.seed = (self.seed + self.GAMMA) & MASK64
        z = self.seed
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def next_double(self):
        return (self.next_long() >> 11) * (1.0 / (1 << 53))


def initial_noise(seed, count):
    """Same as com.catalogrender.diffusion.InitialNoise.gaussian."""
    rnd = SplittableRandom(seed)
    out = np.zeros(count, np.float32)
    for i in range(0, count, 2):
        u1 = 1.0 - rnd.next_double()
        u2 = rnd.next_double()
        r = np.sqrt(-2.0 * np.log(u1))
        out[i] = np.float32(r * np.cos(2 * np.pi * u2))
        if i + 1 < count:
            out[i + 1] = np.float32(r * np.sin(2 * np.pi * u2))
    return out
