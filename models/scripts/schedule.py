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


def karras_sigmas(steps, rho=7.0):
    ac = alphas_cumprod()
    train_sigmas = np.sqrt((1 - ac) / ac)
    s_min, s_max = train_sigmas[0], train_sigmas[-1]
    ramp = np.linspace(0, 1, steps)
    sig = (s_max ** (1 / rho) + ramp * (s_min ** (1 / rho) - s_max ** (1 / rho))) ** rho
    log_train = np.log(train_sigmas)
    timesteps = np.interp(np.log(sig), log_train, np.arange(TRAIN_STEPS))
    return np.append(sig, 0.0), timesteps


def sample(eps_fn, x, steps=25, guidance=4.0):
    """eps_fn(x_doubled, t, cond) -> eps_doubled; x: initial noise [B,...] float64 numpy. Returns final x."""
    sigmas, timesteps = karras_sigmas(steps)
    previous = None
    x = x.astype(np.float64)
    for i in range(steps):
        s, t = sigmas[i], sigmas[i + 1]
        eps_u, eps_c = eps_fn(np.concatenate([x, x]), timesteps[i])
        eps = eps_u + guidance * (eps_c - eps_u)
        alpha_s, sigma_s = 1 / np.sqrt(s * s + 1), s / np.sqrt(s * s + 1)
        x0 = (x - sigma_s * eps) / alpha_s
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
