"""Convolution on raw arrays over any number of spatial dims: im2col by a loop over kernel offsets into a
(C * prod(kernel), N * prod(out)) buffer, one (grouped) GEMM, and col2im as the same loop adding slices back.

Columns are laid out (C, *kernel, N, *out): channels outermost, so groups split them without a copy, and the
long N * prod(out) dimension is the GEMM's inner one. ``padding`` is one (before, after) pair per spatial dim.
"""
import functools
import itertools
import math

from ..backend import xp_of


def output_size(size, kernel, stride, dilation, padding):
    """Spatial size of a convolution's output, per dim."""
    return tuple((n + lo + hi - d * (k - 1) - 1) // s + 1
                 for n, k, s, d, (lo, hi) in zip(size, kernel, stride, dilation, padding))


@functools.lru_cache(maxsize=512)
def _windows(kernel, stride, dilation, out):
    """For each kernel offset: the offset and the strided slices of the padded input it reads."""
    return [(offset, (slice(None), slice(None)) + tuple(slice(o * d, o * d + s * (n - 1) + 1, s)
                                                       for o, d, s, n in zip(offset, dilation, stride, out)))
            for offset in itertools.product(*(range(k) for k in kernel))]


def _interior(size, padding):
    return (slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(size, padding))


def _padded_channels_first(x, padding):
    """``x`` (N, C, *S) as a contiguous (C, N, *S padded with zeros) array."""
    xp = xp_of(x)
    moved = x.swapaxes(0, 1)
    if not any(lo or hi for lo, hi in padding):
        return xp.ascontiguousarray(moved)
    out = xp.zeros(moved.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], padding)), x.dtype)
    out[_interior(x.shape[2:], padding)] = moved
    return out


def im2col(x, kernel, stride, dilation, padding, out):
    """``x`` (N, C, *S) -> columns (C, *kernel, N, *out)."""
    padded = _padded_channels_first(x, padding)
    cols = xp_of(x).empty((x.shape[1], *kernel, x.shape[0], *out), x.dtype)
    for offset, window in _windows(tuple(kernel), tuple(stride), tuple(dilation), tuple(out)):
        cols[(slice(None),) + offset] = padded[window]
    return cols


def col2im(cols, size, stride, dilation, padding):
    """The adjoint of im2col: columns (C, *kernel, N, *out) summed back into an (N, C, *size) array."""
    spatial = len(size)
    c, kernel, n, out = cols.shape[0], cols.shape[1:1 + spatial], cols.shape[1 + spatial], cols.shape[2 + spatial:]
    padded = xp_of(cols).zeros((c, n) + tuple(m + lo + hi for m, (lo, hi) in zip(size, padding)), cols.dtype)
    for offset, window in _windows(tuple(kernel), tuple(stride), tuple(dilation), tuple(out)):
        padded[window] += cols[(slice(None),) + offset]
    return xp_of(cols).ascontiguousarray(padded[_interior(size, padding)].swapaxes(0, 1))


def _grouped_weight(weight, groups):
    """(C_out, C_in / groups, *kernel) -> (groups, C_out / groups, C_in / groups * prod(kernel))."""
    return weight.reshape(groups, weight.shape[0] // groups, math.prod(weight.shape[1:]))


def _grouped_channels_first(grad, groups):
    """(N, C, *S) -> contiguous (groups, C / groups, N * prod(S))."""
    moved = xp_of(grad).ascontiguousarray(grad.swapaxes(0, 1))
    return moved.reshape(groups, grad.shape[1] // groups, math.prod(moved.shape[1:]))


def conv(x, weight, stride, padding, dilation, groups):
    """Cross-correlation of ``x`` (N, C_in, *S) with ``weight`` (C_out, C_in / groups, *kernel).

    Returns the output (N, C_out, *out) and the columns, which the weight gradient reuses."""
    kernel = weight.shape[2:]
    out = output_size(x.shape[2:], kernel, stride, dilation, padding)
    cols = im2col(x, kernel, stride, dilation, padding, out)
    y = _grouped_weight(weight, groups) @ cols.reshape(groups, cols.shape[0] // groups * math.prod(kernel),
                                                       x.shape[0] * math.prod(out))
    y = y.reshape((weight.shape[0], x.shape[0]) + out).swapaxes(0, 1)
    return xp_of(y).ascontiguousarray(y), cols


def conv_input_grad(grad, weight, size, stride, padding, dilation, groups):
    """The gradient of ``conv`` with respect to an input of spatial ``size``; also the transposed convolution."""
    spatial_cols = _grouped_weight(weight, groups).swapaxes(1, 2) @ _grouped_channels_first(grad, groups)
    channels = weight.shape[1] * groups
    return col2im(spatial_cols.reshape((channels,) + weight.shape[2:] + grad.shape[:1] + grad.shape[2:]),
                  size, stride, dilation, padding)


def conv_weight_grad(grad, cols, weight_shape, groups):
    """The gradient of ``conv`` with respect to its weight, from the output gradient and the input's columns."""
    g = _grouped_channels_first(grad, groups)
    columns = cols.reshape(groups, math.prod(weight_shape[1:]), g.shape[2])
    return (g @ columns.swapaxes(1, 2)).reshape(weight_shape)
