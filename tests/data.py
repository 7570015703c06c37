"""Random numpy inputs for op tests, from one seeded stream so runs repeat."""
import numpy as np

rng = np.random.default_rng(0)


def randn(shape, dtype=np.float32):
    return np.asarray(rng.standard_normal(shape), dtype)


def nonzero(shape, dtype=np.float32):
    """Values with magnitude in [0.5, 2] and a random sign: safe divisors, no kinks nearby."""
    return np.asarray(rng.uniform(0.5, 2, shape) * rng.choice([-1, 1], shape), dtype)


def positive(shape, dtype=np.float32):
    return np.asarray(rng.uniform(0.5, 2, shape), dtype)


def ints(shape, dtype=np.int64, low=-5, high=6):
    return np.asarray(rng.integers(low, high, shape), dtype)


def nonzero_ints(shape, dtype=np.int64):
    return np.asarray(rng.integers(1, 6, shape) * rng.choice([-1, 1], shape), dtype)


def mask(shape):
    return np.asarray(rng.standard_normal(shape) > 0)


def node_name(t):
    """The grad_fn's name, or None for a tensor without history."""
    return None if t.grad_fn is None else t.grad_fn.name()
