"""Dropout: zero random elements (or whole channels) while training and rescale the rest; identity otherwise.

As in PyTorch on the CPU, the result is ``input * noise`` (MulBackward0), and for the alpha variants
``input * noise + shift`` (AddBackward0), so the gradient is the noise itself.
"""
import math
import warnings

from ... import dtypes
from ...backend import xp_of
from ...random import _rng
from ...tensor import _wrap

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]

_SELU_ALPHA = 1.7580993408473766  # SELU's alpha * scale: the value a dropped unit takes before the affine fix


def dropout(input, p=0.5, training=True, inplace=False):
    """Each element zeroed with probability ``p``, the others scaled by ``1 / (1 - p)``."""
    return _dropout(input, p, training, inplace, feature=False, alpha=False)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped elements take SELU's negative saturation, then an affine map keeps the
    mean and variance."""
    return _dropout(input, p, training, inplace, feature=False, alpha=True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout of whole channels (dim 1)."""
    return _dropout(input, p, training, inplace, feature=True, alpha=True)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an (N, C, L) or (C, L) input."""
    _check_probability(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _unbatched_feature_dropout(input, p, training, inplace, batched=input.dim() == 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an (N, C, H, W) input (a 3-D input is read as (N, C, L), as PyTorch does)."""
    _check_probability(p)
    _warn_unusual_dim("dropout2d", input.dim(), 2)
    if input.dim() == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=2)
    return _dropout(input, p, training, inplace, feature=True, alpha=False)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an (N, C, D, H, W) or (C, D, H, W) input."""
    _check_probability(p)
    _warn_unusual_dim("dropout3d", input.dim(), 3)
    return _unbatched_feature_dropout(input, p, training, inplace, batched=input.dim() == 5)


def _check_probability(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _warn_unusual_dim(name, ndim, spatial):
    if ndim not in (spatial + 1, spatial + 2):
        warnings.warn(f"{name}: Received a {ndim}-D input to {name}, which is deprecated and will result in an "
                      f"error in a future release. To retain the behavior and silence this warning, please use "
                      f"dropout instead. Note that {name} exists to provide channel-wise dropout on inputs with "
                      f"{spatial} spatial dimensions, a channel dimension, and an optional batch dimension (i.e. "
                      f"{spatial + 1}D or {spatial + 2}D inputs).", stacklevel=3)


def _unbatched_feature_dropout(input, p, training, inplace, batched):
    """Channel dropout where an input without a batch dimension gets one for the duration."""
    if batched:
        return _dropout(input, p, training, inplace, feature=True, alpha=False)
    result = _dropout(input.unsqueeze(0), p, training, inplace, feature=True, alpha=False)
    return input if inplace else result.squeeze(0)


def _dropout(input, p, training, inplace, feature, alpha):
    _check_probability(p)
    if p == 0 or not training or input.numel() == 0:
        return input
    if feature and input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{dtypes.scalar_type_name(input.dtype.np)}")
    a = input._array
    if p == 1:
        return _combine(input, _wrap(xp_of(a).zeros((), a.dtype)), None, inplace)
    shape = a.shape[:2] + (1,) * (a.ndim - 2) if feature else a.shape
    kept = _rng(None).random(shape, dtype="float32") < 1 - p
    if not alpha:
        return _combine(input, _wrap(kept.astype(a.dtype) / a.dtype.type(1 - p)), None, inplace)
    scale = 1.0 / math.sqrt((_SELU_ALPHA ** 2 * p + 1) * (1 - p))
    shift = (kept.astype(a.dtype) - 1) * a.dtype.type(_SELU_ALPHA * scale) + a.dtype.type(_SELU_ALPHA * scale * p)
    return _combine(input, _wrap(kept * a.dtype.type(scale)), _wrap(shift), inplace)


def _combine(input, noise, shift, inplace):
    """``input * noise (+ shift)``, in place when asked."""
    if inplace:
        input.mul_(noise)
        return input if shift is None else input.add_(shift)
    out = input * noise
    return out if shift is None else out + shift
