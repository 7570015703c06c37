"""Pieces the update rules share: argument checks, the step counter, state tensors, weight decay and maximize.

Everything here works on the parameters' numpy arrays in place: an optimizer step builds no autograd graph.
"""
import numpy

from ..dtypes import get_default_dtype, float64
from ..tensor import Tensor, _wrap


def scalar(value):
    """A hyperparameter given as a python number or a 1-element tensor, as a python float."""
    return float(value) if isinstance(value, Tensor) else value


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    check_nonnegative(lr, "learning rate")


def check_nonnegative(value, what):
    """PyTorch's constructor check: ``ValueError("Invalid <what>: <value>")`` for a negative value."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")


def check_betas(betas):
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def check_fused(fused, foreach, differentiable):
    """``fused=True`` together with ``foreach`` or ``differentiable`` is refused, as in PyTorch."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def new_step(value=0.0):
    """A 0-d state tensor such as the ``step`` counter of PyTorch 2: float32 (float64 when that is the default
    dtype)."""
    return _wrap(numpy.array(value, dtype=numpy.float64 if get_default_dtype() is float64 else numpy.float32))


def count_step(state):
    """Add one to ``state['step']`` and return the new count as a python float."""
    step = state["step"]._array
    step += 1
    return float(step)


def zeros_state(p, fill=0.0):
    """A state tensor shaped and typed like the parameter ``p``, filled with ``fill``."""
    return _wrap(numpy.full_like(p._array, fill))


def decayed_grad(p, weight_decay, maximize):
    """The gradient array to descend: negated under ``maximize``, plus ``weight_decay * p`` (L2 penalty).

    It may be the gradient's own array: callers never write into it."""
    g = p._grad._array
    if maximize:
        g = -g
    if weight_decay != 0:
        g = g + weight_decay * p._array
    return g


def decay_weights(p, lr, weight_decay):
    """Decoupled (AdamW-style) weight decay: ``p *= 1 - lr * weight_decay``."""
    if weight_decay != 0:
        p._array *= 1 - lr * weight_decay


def lerp_(a, end, weight, buf):
    """``a.lerp_(end, weight)`` with PyTorch's rounding (it picks the formula by the size of ``weight``)."""
    numpy.subtract(end, a, out=buf)
    if weight < 0.5:
        buf *= weight
        a += buf
    else:
        buf *= 1 - weight
        numpy.subtract(end, buf, out=a)


def average_square_(avg, g, decay, buf):
    """``avg.mul_(decay).addcmul_(g, g, value=1 - decay)``: a running average of the squared gradient."""
    numpy.multiply(g, 1 - decay, out=buf)
    buf *= g
    avg *= decay
    avg += buf


def adam_grad(p, lr, weight_decay, decoupled, maximize):
    """The gradient for the Adam family: weight decay decoupled (the weights shrink) or an L2 term in it."""
    if not decoupled:
        return decayed_grad(p, weight_decay, maximize)
    decay_weights(p, lr, weight_decay)
    return decayed_grad(p, 0, maximize)


def init_state(p, state, *names):
    """The first state of most optimizers: the step count, then zeroed tensors like ``p`` called ``names``."""
    state["step"] = new_step()
    for name in names:
        state[name] = zeros_state(p)


def update_moments(state, g, beta1, beta2, buf):
    """Adam's moment updates; returns the two moment arrays."""
    exp_avg, exp_avg_sq = state["exp_avg"]._array, state["exp_avg_sq"]._array
    lerp_(exp_avg, g, 1 - beta1, buf)
    average_square_(exp_avg_sq, g, beta2, buf)
    return exp_avg, exp_avg_sq
