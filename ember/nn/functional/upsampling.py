"""interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area), the upsample aliases and
pixel_shuffle / pixel_unshuffle, as PyTorch."""
import math
import warnings

from ...kernels.pooling import antialias_matrix, cubic_matrix, linear_matrix, nearest_matrix
from ...ops.pooling import Separable, named
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle", "pixel_unshuffle"]

_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
_NODE_NAMES = {"nearest": "UpsampleNearest{}DBackward0", "nearest-exact": "UpsampleNearestExact{}DBackward0",
               "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
               "bicubic": "UpsampleBicubic2DBackward0", "trilinear": "UpsampleTrilinear3DBackward0"}
_ADAPTIVE_AVG = {1: adaptive_avg_pool1d, 2: adaptive_avg_pool2d, 3: adaptive_avg_pool3d}


def _matrix(mode, n, n_out, align_corners, scale_factor, dtype):
    """The (n_out, n) resampling matrix of one spatial dim."""
    if mode in ("nearest", "nearest-exact"):
        return nearest_matrix(n, n_out, scale_factor, mode == "nearest-exact")
    if mode == "bicubic":
        return cubic_matrix(n, n_out, align_corners, scale_factor, dtype)
    return linear_matrix(n, n_out, align_corners, scale_factor, dtype)


def _sizes_and_scales(input, dims, size, scale_factor, recompute_scale_factor):
    """Output sizes and the scale factors the kernels use (None where the sizes decide)."""
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if size is not None:
        sizes = list(size) if isinstance(size, (tuple, list)) else [size] * dims
        if len(sizes) != dims:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {spatial} and output size of {size}. Please provide input tensor "
                             "in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
        return [int(n) for n in sizes], [None] * dims
    scales = list(scale_factor) if isinstance(scale_factor, (tuple, list)) else [scale_factor] * dims
    if len(scales) != dims:
        raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                         f"with spatial dimensions of {spatial} and scale_factor of shape {scale_factor}. Please "
                         "provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                         "format.")
    sizes = [math.floor(float(n) * float(s)) for n, s in zip(spatial, scales)]
    return sizes, [None] * dims if recompute_scale_factor else [float(s) for s in scales]


def _check_mode(input, mode, align_corners):
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    dims = input.dim() - 2
    if input.dim() not in (3, 4, 5) or (mode not in _MODE_DIMS and mode not in ("nearest", "nearest-exact", "area")):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for "
                                  f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                  f"nearest-exact (got {mode})")
    if mode in _MODE_DIMS and _MODE_DIMS[mode] != dims:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {_MODE_DIMS[mode] + 2}D input")
    return dims


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resample the spatial dims of an (N, C, d1[, d2[, d3]]) input to ``size`` or by ``scale_factor``."""
    dims = _check_mode(input, mode, align_corners)
    if antialias and not (mode in ("bilinear", "bicubic") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D tensor "
                         "as input")
    sizes, scales = _sizes_and_scales(input, dims, size, scale_factor,
                                      recompute_scale_factor or (mode == "area" and size is None))
    if any(n <= 0 for n in sizes):
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({', '.join(map(str, input.shape[2:]))}) and output ({', '.join(map(str, sizes))})")
    if mode == "area":
        return _ADAPTIVE_AVG[dims](input, sizes)
    dtype = input._array.dtype.type
    if antialias:
        matrices = [antialias_matrix(n, m, bool(align_corners), s, mode == "bicubic")
                    for n, m, s in zip(input.shape[2:], sizes, scales)]
        return named(Separable, f"Upsample{mode.capitalize()}2DAaBackward0").apply(input, matrices)
    matrices = [_matrix(mode, n, m, bool(align_corners), s, dtype) for n, m, s in zip(input.shape[2:], sizes, scales)]
    return named(Separable, _NODE_NAMES[mode].format(dims)).apply(input, matrices)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def _check_shuffle_input(input, name):
    if input.dim() < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with {input.dim()} "
                           "dimension(s)")


def pixel_shuffle(input, upscale_factor):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r)."""
    _check_shuffle_input(input, "pixel_shuffle")
    r = int(upscale_factor)
    *lead, channels, height, width = input.shape
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    if channels % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={channels} is not divisible by {r * r}")
    n = len(lead)
    split = input.reshape(*lead, channels // (r * r), r, r, height, width)
    moved = split.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return moved.reshape(*lead, channels // (r * r), height * r, width * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W)."""
    _check_shuffle_input(input, "pixel_unshuffle")
    r = int(downscale_factor)
    *lead, channels, height, width = input.shape
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    for letter, dim, n in (("height", -2, height), ("width", -1, width)):
        if n % r:
            raise RuntimeError(f"pixel_unshuffle expects {letter} to be divisible by downscale_factor, but "
                               f"input.size({dim})={n} is not divisible by {r}")
    n = len(lead)
    split = input.reshape(*lead, channels, height // r, r, width // r, r)
    moved = split.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return moved.reshape(*lead, channels * r * r, height // r, width // r)
