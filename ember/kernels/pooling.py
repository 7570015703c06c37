"""Pooling and resampling on raw arrays over the trailing ``len(kernel)`` (spatial) dims.

Max pooling keeps a running maximum over the kernel offsets, each offset a strided view of the input
(or a gathered one, for adaptive windows); windows that tile the input (stride == kernel, the common 2x2)
are reduced one window axis at a time on a reshaped view instead. Its gradient places each output gradient
at its flat per-plane index: one assignment when windows are disjoint, else one bincount scatter.
Average pooling, adaptive average pooling and interpolation are linear and separable: one (out, in)
matrix per spatial dim, applied dim after dim by gathering each row's few nonzero taps; their gradients
apply the transposed matrices.
"""
import functools
import itertools
import math

import numpy as np


def pool_output_size(n, kernel, stride, padding, dilation, ceil_mode):
    """PyTorch's pooling output length; with ceil_mode a last window must start inside input or left padding."""
    span = n + 2 * padding - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1
    return out


def window_coords(n_out, kernel, stride, padding, dilation):
    """(n_out, kernel) input coordinate of each window element (negative or past the end inside padding)."""
    return np.arange(n_out)[:, None] * stride - padding + np.arange(kernel)[None, :] * dilation


def adaptive_bounds(n, n_out):
    """PyTorch's adaptive windows: [floor(o*n/m), ceil((o+1)*n/m)) for each output o."""
    o = np.arange(n_out)
    return (o * n) // n_out, ((o + 1) * n + n_out - 1) // n_out


def adaptive_coords(n, n_out):
    """Window coordinates of adaptive pooling; short windows repeat their last element (harmless for a max)."""
    start, end = adaptive_bounds(n, n_out)
    k = np.arange(int((end - start).max()))
    return np.minimum(start[:, None] + k[None, :], end[:, None] - 1)


def _running_max(windows):
    """Elementwise max over the windows and the position of the first maximum (the last NaN wins, as in PyTorch).

    The maximum comes from ``np.maximum`` (which propagates NaN) in one pass; the positions from a second pass
    of equality tests, last window first so the first match stays: two cheap passes beat one pass of masked
    copies.
    """
    windows = list(windows)
    best = windows[0].copy()
    for window in windows[1:]:
        np.maximum(best, window, out=best)
    arg = np.full(best.shape, len(windows) - 1, np.min_scalar_type(len(windows)))
    match = np.empty(best.shape, bool)
    for k in range(len(windows) - 2, -1, -1):
        np.equal(windows[k], best, out=match)
        np.copyto(arg, k, where=match)
    if best.dtype.kind == "f" and np.isnan(best).any():
        for k, window in enumerate(windows):
            np.copyto(arg, k, where=np.isnan(window))
    return best, arg.astype(np.int64)


def _flat_indices(arg, coords, plane):
    """Per-plane flat input index of each chosen window element, read from a small (outputs, window) table."""
    if arg.size == 0:
        return arg.astype(np.int64)
    dims = len(coords)
    table = 0
    for d, (c, n) in enumerate(zip(coords, plane)):
        shape = [1] * (2 * dims)
        shape[d], shape[dims + d] = c.shape
        table = table * n + c.reshape(shape)
    table = table.reshape(math.prod(c.shape[0] for c in coords), -1)
    rows = np.arange(table.shape[0]) * table.shape[1]
    return table.ravel()[arg.reshape(-1, table.shape[0]) + rows].reshape(arg.shape)


def max_pool(x, kernel, stride, padding, dilation, ceil_mode):
    """Max over windows: (values, per-plane flat indices of the maxima)."""
    dims = len(kernel)
    plane = x.shape[-dims:]
    outs = [pool_output_size(*a, ceil_mode) for a in zip(plane, kernel, stride, padding, dilation)]
    coords = [window_coords(*a) for a in zip(outs, kernel, stride, padding, dilation)]
    if _are_tiles(plane, kernel, stride, padding, dilation, outs):
        best, arg = _tiled_max(x, kernel, outs)
        if best is not None:
            return best, _flat_indices(arg, coords, plane)
    padded = _padded_with_lowest(x, padding, [max(int(c.max()) + 1 - n, 0) for c, n in zip(coords, plane)])
    views = (padded[(Ellipsis,) + tuple(slice(k * d, k * d + (m - 1) * s + 1, s)
                                        for k, d, m, s in zip(ks, dilation, outs, stride))]
             for ks in itertools.product(*map(range, kernel)))
    best, arg = _running_max(views)
    return best, _flat_indices(arg, coords, plane)


def windows_are_disjoint(kernel, stride, dilation):
    """Whether no input element is in two windows (then a max pool's gradient has one writer per element)."""
    return all(s >= d * (k - 1) + 1 for k, s, d in zip(kernel, stride, dilation))


def _are_tiles(plane, kernel, stride, padding, dilation, outs):
    """Windows that tile the input without padding or gaps: stride == kernel, every window whole."""
    return (not any(padding) and all(d == 1 for d in dilation) and tuple(stride) == tuple(kernel)
            and all(m * k <= n for m, k, n in zip(outs, kernel, plane)) and math.prod(kernel) > 1)


def _tiled_max(x, kernel, outs):
    """Max over tiles through a reshaped view (..., o1, k1, o2, k2, ...), one window axis at a time, last first,
    so ties keep the first element in row-major order. Returns (None, None) when a NaN makes the order matter
    (the general path handles it)."""
    lead = x.shape[:x.ndim - len(kernel)]
    cropped = x[(Ellipsis,) + tuple(slice(0, m * k) for m, k in zip(outs, kernel))]
    best = cropped.reshape(lead + tuple(n for m, k in zip(outs, kernel) for n in (m, k)))
    code_type = np.min_scalar_type(math.prod(kernel) - 1)
    code, inner = None, 1
    for d in range(len(kernel) - 1, -1, -1):
        axis = len(lead) + 2 * d + 1
        best, arg = _max_along(best, axis, kernel[d], code_type)
        code = arg if code is None else arg * code_type.type(inner) + _select(code, arg, axis, kernel[d])
        inner *= kernel[d]
    if best.dtype.kind == "f" and np.isnan(best).any():
        return None, None
    return np.ascontiguousarray(best), code


def _max_along(a, axis, k, code_type):
    """Max over ``axis`` (removed) and the index of its first maximum, in ``code_type``."""
    parts = [a[(slice(None),) * axis + (j,)] for j in range(k)]
    if k == 1:
        return parts[0], np.zeros(parts[0].shape, code_type)
    arg = np.greater(parts[1], parts[0]).astype(code_type)
    best = np.maximum(parts[0], parts[1])
    for j in range(2, k):
        take = np.greater(parts[j], best)
        np.maximum(best, parts[j], out=best)
        arg += take * (code_type.type(j) - arg)
    return best, arg


def _select(a, arg, axis, k):
    """``a`` read along ``axis`` (removed) at position ``arg``, by arithmetic (faster than fancy indexing)."""
    parts = [a[(slice(None),) * axis + (j,)] for j in range(k)]
    out = parts[0].copy()
    for j in range(1, k):
        out += (arg == j) * (parts[j] - parts[0])
    return out


def _padded_with_lowest(x, before, after):
    """``x`` with its trailing dims padded by the dtype's lowest value (no copy when nothing is padded)."""
    if not any(before) and not any(after):
        return x
    plane = x.shape[-len(before):]
    lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    padded = np.full(x.shape[:-len(before)] + tuple(n + b + a for n, b, a in zip(plane, before, after)), lowest,
                     x.dtype)
    padded[(Ellipsis,) + tuple(slice(b, b + n) for b, n in zip(before, plane))] = x
    return padded


def adaptive_max_pool(x, output_size):
    """Max over PyTorch's adaptive windows: (values, per-plane flat indices)."""
    dims = len(output_size)
    plane = x.shape[-dims:]
    coords = [adaptive_coords(n, m) for n, m in zip(plane, output_size)]
    views = (x[(Ellipsis,) + np.ix_(*(c[:, k] for c, k in zip(coords, ks)))]
             for ks in itertools.product(*(range(c.shape[1]) for c in coords)))
    best, arg = _running_max(views)
    return best, _flat_indices(arg, coords, plane)


def _as_planes(a, dims):
    """``a`` as a 2-d (planes, elements per plane) array over its trailing ``dims`` dims."""
    return a.reshape(math.prod(a.shape[:a.ndim - dims]), math.prod(a.shape[a.ndim - dims:]))


def scatter_to_planes(values, indices, plane, unique=False):
    """Sum ``values`` into zero planes of shape ``plane`` at their per-plane flat ``indices``; ``unique`` says
    no two share an index in a plane (disjoint windows), so a plain assignment does."""
    if unique:
        return place_in_planes(values, indices, plane)
    lead = values.shape[:values.ndim - len(plane)]
    size = math.prod(plane)
    out = np.bincount(_global_indices(indices, plane), weights=values.ravel(), minlength=math.prod(lead) * size)
    return out.astype(values.dtype, copy=False).reshape(lead + tuple(plane))


def place_in_planes(values, indices, plane):
    """Zero planes of shape ``plane`` holding ``values`` at their per-plane flat ``indices`` (max_unpool)."""
    lead = values.shape[:values.ndim - len(plane)]
    out = np.zeros(math.prod(lead) * math.prod(plane), values.dtype)
    out[_global_indices(indices, plane)] = values.ravel()
    return out.reshape(lead + tuple(plane))


def _global_indices(indices, plane):
    """Per-plane flat indices made flat indices into all planes, raveled."""
    flat = _as_planes(indices, len(plane))
    return (flat + np.arange(flat.shape[0])[:, None] * math.prod(plane)).ravel()


def gather_from_planes(x, indices, dims):
    """``x`` read at per-plane flat ``indices`` (the adjoint of scatter_to_planes)."""
    return np.take_along_axis(_as_planes(x, dims), _as_planes(indices, indices.ndim - (x.ndim - dims)),
                              axis=1).reshape(indices.shape)


def apply_matrices(x, matrices):
    """Multiply each trailing dim of ``x`` by its (out, in) matrix, reading only the nonzero taps of each row
    (linear cost; an inf or NaN only reaches the outputs that read it)."""
    first = x.ndim - len(matrices)
    for axis, m in enumerate(matrices, first):
        x = _apply_taps(x, axis, *_taps(m))
    return x


def _taps(m):
    """(out, T) column indices and weights of each row's nonzeros; short rows point at column ``in`` (a zero)."""
    nonzero = m != 0
    taps = max(int(nonzero.sum(1).max(initial=0)), 1)
    order = np.argsort(~nonzero, axis=1, kind="stable")[:, :taps]
    present = np.take_along_axis(nonzero, order, 1)
    return np.where(present, order, m.shape[1]), np.where(present, np.take_along_axis(m, order, 1), 0)


def _apply_taps(x, axis, index, weight):
    if (index == x.shape[axis]).any():
        x = np.concatenate([x, np.zeros(x.shape[:axis] + (1,) + x.shape[axis + 1:], x.dtype)], axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    out = None
    for t in range(index.shape[1]):
        term = np.take(x, index[:, t], axis=axis)
        if not (weight[:, t] == 1).all():
            term *= weight[:, t].astype(x.dtype).reshape(shape)
        if out is None:
            out = term
        else:
            out += term
    return out


def _cached_read_only(build):
    """Memoise a matrix builder (layers resample the same sizes step after step); the matrices are frozen."""
    @functools.lru_cache(maxsize=256)
    @functools.wraps(build)
    def cached(*args):
        matrix = build(*args)
        matrix.flags.writeable = False
        return matrix
    return cached


def _window_matrix(start, end, n, weights):
    cols = np.arange(n)
    return ((cols >= start[:, None]) & (cols < end[:, None])) * weights[:, None]


@_cached_read_only
def avg_pool_matrix(n, kernel, stride, padding, ceil_mode, count_include_pad, divide=True):
    """(out, n) averaging matrix of one dim; its divisor is PyTorch's, per dim (the 2-d divisor is their product)."""
    start = np.arange(pool_output_size(n, kernel, stride, padding, 1, ceil_mode)) * stride - padding
    end = np.minimum(start + kernel, n + padding)
    clipped_start, clipped_end = np.maximum(start, 0), np.minimum(end, n)
    divisor = (end - start) if count_include_pad else (clipped_end - clipped_start)
    weights = 1.0 / np.maximum(divisor, 1) if divide else np.ones(len(start))
    return _window_matrix(clipped_start, clipped_end, n, weights)


@_cached_read_only
def adaptive_avg_matrix(n, n_out):
    start, end = adaptive_bounds(n, n_out)
    return _window_matrix(start, end, n, 1.0 / (end - start))


def _source_index(n_out, scale, align_corners, cubic, dtype):
    """PyTorch's area_pixel_compute_source_index, in the input's float type."""
    dst = np.arange(n_out, dtype=dtype)
    if align_corners:
        return dst * dtype(scale)
    src = dtype(scale) * (dst + dtype(0.5)) - dtype(0.5)
    return src if cubic else np.maximum(src, 0)


def interp_scale(n, n_out, align_corners, scale_factor):
    """Input step per output step: from the user's scale factor when given, else from the sizes."""
    if align_corners:
        return (n - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale_factor if scale_factor else n / n_out


@_cached_read_only
def nearest_matrix(n, n_out, scale_factor, exact):
    """Output o reads input floor((o [+ 0.5]) * scale), computed in float32 as PyTorch does for every dtype;
    legacy 'nearest' reads o itself, or o // 2, whenever the output is once or twice the input's length."""
    if not exact and n_out in (n, 2 * n):
        src = np.arange(n_out) // (n_out // n)
    else:
        scale = np.float32(1.0 / scale_factor if scale_factor else n / n_out)
        dst = np.arange(n_out, dtype=np.float32) + np.float32(0.5 if exact else 0)
        src = np.minimum(np.floor(dst * scale).astype(np.int64), n - 1)
    return (np.arange(n)[None, :] == src[:, None]).astype(np.float32)


@_cached_read_only
def linear_matrix(n, n_out, align_corners, scale_factor, dtype):
    src = _source_index(n_out, interp_scale(n, n_out, align_corners, scale_factor), align_corners, False, dtype)
    low = np.minimum(src.astype(np.int64), n - 1)
    high = low + (low < n - 1)
    frac = src - low
    m = np.zeros((n_out, n), dtype)
    rows = np.arange(n_out)
    np.add.at(m, (rows, low), 1 - frac)
    np.add.at(m, (rows, high), frac)
    return m


def _cubic_weights(t, a=-0.75):
    """Keys' cubic convolution weights of the four taps around a point at fraction ``t``."""
    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return far(t + 1), near(t), near(1 - t), far(2 - t)


@_cached_read_only
def cubic_matrix(n, n_out, align_corners, scale_factor, dtype):
    src = _source_index(n_out, interp_scale(n, n_out, align_corners, scale_factor), align_corners, True, dtype)
    low = np.floor(src).astype(np.int64)
    m = np.zeros((n_out, n), dtype)
    rows = np.arange(n_out)
    for tap, w in enumerate(_cubic_weights(src - low)):
        np.add.at(m, (rows, np.clip(low - 1 + tap, 0, n - 1)), w)
    return m


def _triangle(x):
    return np.maximum(1 - np.abs(x), 0)


def _cubic_filter(x, a=-0.5):
    """Keys' cubic with a = -0.5 (as PIL), the kernel of antialiased bicubic resampling."""
    x = np.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x < 1, near, np.where(x < 2, far, 0))


@_cached_read_only
def antialias_matrix(n, n_out, align_corners, scale_factor, cubic):
    """PyTorch's antialiased resampling (as PIL): when shrinking, the filter widens by the scale factor."""
    scale = interp_scale(n, n_out, align_corners, scale_factor)
    support = (2.0 if cubic else 1.0) * max(scale, 1.0)
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    center = scale * (np.arange(n_out) + 0.5)
    low = np.maximum((center - support + 0.5).astype(np.int64), 0)
    high = np.minimum((center + support + 0.5).astype(np.int64), n)
    cols = np.arange(n)[None, :]
    inside = (cols >= low[:, None]) & (cols < high[:, None])
    weights = (_cubic_filter if cubic else _triangle)((cols - center[:, None] + 0.5) * invscale) * inside
    total = weights.sum(1, keepdims=True)
    return np.divide(weights, total, out=np.zeros_like(weights), where=total != 0)
