"""Normalization functions: batch_norm, instance_norm, layer_norm, group_norm, rms_norm, local_response_norm."""
import math

import numpy as np

from ...autograd.grad_mode import no_grad
from ...ops.normalization import NativeBatchNorm, NativeBatchNormEval, NativeGroupNorm, NativeLayerNorm, affine_norm
from .padding import pad

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "local_response_norm"]


def _channel_shape(input):
    """Shape that broadcasts a per-channel (dim 1) vector against ``input``."""
    return (1, input.shape[1]) + (1,) * (input.dim() - 2)


def _check_more_than_one_value(input):
    size = input.numel() // input.shape[1]
    if size == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"torch.Size({list(input.shape)})")


def _check_per_channel_sizes(input, **vectors):
    channels = input.shape[1] if input.dim() > 1 else 1
    for name, vector in vectors.items():
        if vector is not None and vector.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {vector.numel()}")


def _update_running_stats(running_mean, running_var, mean, var, count, momentum):
    """running = (1 - momentum) * running + momentum * batch, with the unbiased batch variance (as torch)."""
    unbiased = var * (count / max(count - 1, 1))
    with no_grad():
        running_mean.mul_(1 - momentum).add_(mean.reshape(-1).to(running_mean.dtype), alpha=momentum)
        running_var.mul_(1 - momentum).add_(unbiased.reshape(-1).to(running_var.dtype), alpha=momentum)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05):
    """Normalize each channel (dim 1) over the batch and spatial dims, or with the running stats in eval."""
    _check_per_channel_sizes(input, running_mean=running_mean, running_var=running_var, weight=weight, bias=bias)
    shape = _channel_shape(input)
    if training:
        _check_more_than_one_value(input)
        axes = (0,) + tuple(range(2, input.dim()))
        out, mean, var = affine_norm(NativeBatchNorm, input, weight, bias, axes, shape, eps)
        if running_mean is not None:
            _update_running_stats(running_mean, running_var, mean, var, input.numel() // input.shape[1], momentum)
        return out
    if running_mean is None or running_var is None:
        raise RuntimeError(f"{'running_mean' if running_mean is None else 'running_var'} must be defined in "
                           "evaluation mode")
    return NativeBatchNormEval.apply(input, weight, bias, running_mean, running_var, shape, eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-05):
    """Batch norm of each sample's channels on their own: input viewed as (1, N*C, ...), as torch does."""
    n, c = input.shape[0], input.shape[1]
    if use_input_stats and input.numel() // (n * c) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"torch.Size({list(input.shape)})")
    folded = input.reshape(1, n * c, *input.shape[2:])
    mean_n, var_n, weight_n, bias_n = (None if v is None else v.repeat(n)
                                       for v in (running_mean, running_var, weight, bias))
    out = batch_norm(folded, mean_n, var_n, weight_n, bias_n, use_input_stats, momentum, eps)
    if use_input_stats and running_mean is not None:
        with no_grad():
            running_mean.copy_(mean_n.view(n, c).mean(0))
            running_var.copy_(var_n.view(n, c).mean(0))
    return out.reshape(input.shape)


def _check_normalized_shape(input, normalized_shape, weight):
    """``normalized_shape`` as a tuple, after checking that the weight has it and the input ends with it."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {list(shape)}")
    if input.dim() < len(shape) or tuple(input.shape[input.dim() - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(str(s) for s in shape)}], but got input of size{list(input.shape)}")
    return shape


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalize over the last ``len(normalized_shape)`` dims, then scale and shift elementwise."""
    shape = _check_normalized_shape(input, normalized_shape, weight)
    axes = tuple(range(input.dim() - len(shape), input.dim()))
    param_shape = (1,) * (input.dim() - len(shape)) + shape
    return affine_norm(NativeLayerNorm, input, weight, bias, axes, param_shape, eps)[0]


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Normalize each group of channels of each sample, then scale and shift per channel."""
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    grouped = (n, num_groups, c // num_groups, math.prod(input.shape[2:]))
    param_shape = (1, num_groups, c // num_groups, 1)
    return affine_norm(NativeGroupNorm, input, weight, bias, (2, 3), param_shape, eps, grouped)[0]


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``x / sqrt(mean(x**2) + eps)`` over the last dims, times weight; eps defaults to the dtype's machine eps."""
    shape = _check_normalized_shape(input, normalized_shape, weight)
    dims = tuple(range(input.dim() - len(shape), input.dim()))
    if eps is None:
        eps = float(np.finfo(input._array.dtype).eps)
    out = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return out if weight is None else out * weight


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Divide each channel by (k + alpha * mean of squares over ``size`` neighbouring channels) ** beta."""
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.dim()} dimensions)")
    if input.numel() == 0:
        return input
    channels = input.shape[1]
    squared = (input * input).reshape(input.shape[0], channels, -1)
    padded = pad(squared, [0, 0, size // 2, (size - 1) // 2])
    window_sum = padded.narrow(1, 0, channels)
    for offset in range(1, size):
        window_sum = window_sum + padded.narrow(1, offset, channels)
    return input / window_sum.reshape(input.shape).mul(alpha / size).add(k).pow(beta)
