"""Convolution on raw arrays over any number of spatial dims, as GEMMs over columns cut from contiguous slices.

The zero-padded input is split into its stride phases (space-to-depth) and flattened per channel and sample, so
that kernel tap (phase r, shift q) of output position i reads flat position offset(r) + flat(i + q): each tap's
column rows are one contiguous slice. Outputs are computed on the phase grid's full row width and cropped. The
transposed convolution (the input gradient) works the same way per phase, on the output gradient placed in a
zero margin. Samples go through in chunks, so the columns stay small and are never kept.

unfold and fold use ``im2col`` and ``col2im``: columns laid out (C, *kernel, N, *out) by a loop over kernel
offsets. ``padding`` is one (before, after) pair per spatial dim.
"""
import functools
import itertools
import math

from ..backend import xp_of

_CHUNK_BYTES = 1 << 22  # columns per chunk of samples: small enough to stay in cache


def output_size(size, kernel, stride, dilation, padding):
    """Spatial size of a convolution's output, per dim."""
    return tuple((n + lo + hi - d * (k - 1) - 1) // s + 1
                 for n, k, s, d, (lo, hi) in zip(size, kernel, stride, dilation, padding))


def _flat(index, shape):
    """Row-major flat position of ``index`` in an array of ``shape``."""
    position = 0
    for i, n in zip(index, shape):
        position = position * n + i
    return position


def _phase_placements(size, padding, stride):
    """Per stride phase, as in itertools.product order: (phase, its grid slices, the input slices it holds)."""
    per_dim = []
    for n, (lo, _), s in zip(size, padding, stride):
        options = []
        for r in range(s):
            first = (r - lo) % s
            start = (first + lo) // s
            options.append((r, slice(start, start + len(range(first, n, s))), slice(first, n, s)))
        per_dim.append(options)
    return [tuple(zip(*combo)) for combo in itertools.product(*per_dim)]


class _Geometry:
    """Where every kernel tap of a convolution reads, for one input size.

    Forward: the phase grid (*stride, *grid) of the padded input, output rows of ``width`` flat positions.
    Transposed: per phase, the taps in it, reading the output gradient placed at ``margin`` in ``margin_grid``."""

    def __init__(self, size, kernel, stride, dilation, padding):
        self.out = output_size(size, kernel, stride, dilation, padding)
        self.grid = tuple(-(-(n + lo + hi) // s) for n, (lo, hi), s in zip(size, padding, stride))
        self.placements = _phase_placements(size, padding, stride)
        taps = [tuple(zip(*(divmod(d * k, s) for k, d, s in zip(offset, dilation, stride))))
                for offset in itertools.product(*map(range, kernel))]  # per tap: (shifts, phases)
        self.phase_grid = tuple(stride) + self.grid
        self.width = self.out[0] * math.prod(self.grid[1:])
        self.shifts = [_flat(phase + shift, self.phase_grid) for shift, phase in taps]
        self.length = max(math.prod(self.phase_grid), max(self.shifts) + self.width)
        margin = tuple(map(max, zip(*(shift for shift, _ in taps))))
        self.margin = tuple(slice(m, m + n) for m, n in zip(margin, self.out))
        self.margin_grid = tuple(q + m for q, m in zip(self.grid, margin))
        self.margin_width = self.grid[0] * math.prod(self.margin_grid[1:])
        self.phase_taps = [[t for t, (_, phase) in enumerate(taps) if phase == placement[0]]
                           for placement in self.placements]
        self.margin_shifts = [[_flat(tuple(m - q for m, q in zip(margin, taps[t][0])), self.margin_grid)
                               for t in group] for group in self.phase_taps]
        self.margin_length = max(math.prod(self.margin_grid),
                                 max(map(max, filter(None, self.margin_shifts))) + self.margin_width)


@functools.lru_cache(maxsize=256)
def _geometry(size, kernel, stride, dilation, padding):
    return _Geometry(size, kernel, stride, dilation, padding)


def _samples_per_chunk(n, sample_bytes):
    return max(1, min(n, _CHUNK_BYTES // max(1, sample_bytes)))


def _column_chunks(source, grid, placements, length, tap_groups, width, chunk):
    """For chunks of ``chunk`` samples of ``source`` (N, C, *S): (start, stop, columns per group of taps).

    Each source sample is copied by ``placements`` (grid slices, source slices) into a zeroed (C, chunk, length)
    buffer whose first cells are viewed as ``grid``; tap shift ``s`` gives the rows ``buffer[..., s:s + width]``
    of the group's (C, taps, samples, width) columns."""
    xp = xp_of(source)
    n, c = source.shape[:2]
    buffer = xp.zeros((c, chunk, length), source.dtype)
    cells = buffer[..., :math.prod(grid)].reshape((c, chunk) + grid)
    storage = xp.empty(c * sum(map(len, tap_groups)) * chunk * width, source.dtype)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        samples = source[start:stop].swapaxes(0, 1)
        for grid_index, source_index in placements:
            cells[(slice(None), slice(0, stop - start)) + grid_index] = samples[(slice(None), slice(None))
                                                                                + source_index]
        columns, used = [], 0
        for shifts in tap_groups:
            size = c * len(shifts) * (stop - start) * width
            cols = storage[used:used + size].reshape(c, len(shifts), stop - start, width)
            for t, shift in enumerate(shifts):
                cols[:, t] = buffer[:, :stop - start, shift:shift + width]
            columns.append(cols)
            used += size
        yield start, stop, columns


def _input_columns(x, geometry, taps):
    """Column chunks of the input ``x`` for the forward convolution and its weight gradient."""
    chunk = _samples_per_chunk(x.shape[0], x.shape[1] * taps * geometry.width * x.itemsize)
    placements = [(phase + grid, source) for phase, grid, source in geometry.placements]
    return chunk, _column_chunks(x, geometry.phase_grid, placements, geometry.length, [geometry.shifts],
                                 geometry.width, chunk)


def _crop(rows, out, grid):
    """(C, samples, rows on the grid's full width) -> the (C, samples, *out) view of the real positions."""
    wide = rows.reshape(rows.shape[:2] + out[:1] + grid[1:])
    return wide[(slice(None), slice(None), slice(None)) + tuple(slice(0, n) for n in out[1:])]


def conv(x, weight, stride, padding, dilation, groups):
    """Cross-correlation of ``x`` (N, C_in, *S) with ``weight`` (C_out, C_in / groups, *kernel)."""
    geometry = _geometry(x.shape[2:], weight.shape[2:], stride, dilation, padding)
    c_out = weight.shape[0]
    grouped = weight.reshape(groups, c_out // groups, -1)
    y = xp_of(x).empty((x.shape[0], c_out) + geometry.out, x.dtype)
    _, chunks = _input_columns(x, geometry, math.prod(weight.shape[2:]))
    for start, stop, (cols,) in chunks:
        rows = grouped @ cols.reshape(groups, grouped.shape[2], -1)
        y[start:stop] = _crop(rows.reshape(c_out, stop - start, -1), geometry.out, geometry.grid).swapaxes(0, 1)
    return y


def conv_weight_grad(grad, x, weight_shape, stride, padding, dilation, groups):
    """The gradient of ``conv`` with respect to its weight, from the output gradient and the input."""
    geometry = _geometry(x.shape[2:], weight_shape[2:], stride, dilation, padding)
    xp = xp_of(x)
    c_out = weight_shape[0]
    chunk, chunks = _input_columns(x, geometry, math.prod(weight_shape[2:]))
    wide_grad = xp.zeros((c_out, chunk, geometry.width), grad.dtype)
    total = xp.zeros((groups, c_out // groups, math.prod(weight_shape[1:])), grad.dtype)
    for start, stop, (cols,) in chunks:
        rows = wide_grad[:, :stop - start]
        _crop(rows, geometry.out, geometry.grid)[...] = grad[start:stop].swapaxes(0, 1)
        total += rows.reshape(groups, c_out // groups, -1) @ cols.reshape(groups, total.shape[2], -1).swapaxes(1, 2)
    return total.reshape(weight_shape)


def conv_input_grad(grad, weight, size, stride, padding, dilation, groups):
    """The gradient of ``conv`` with respect to an input of spatial ``size``; also the transposed convolution."""
    geometry = _geometry(tuple(size), weight.shape[2:], stride, dilation, padding)
    xp = xp_of(grad)
    c_out, c_group = weight.shape[:2]
    taps = weight.reshape(groups, c_out // groups, c_group, -1)
    phase_weights = [taps[..., group].transpose(0, 2, 1, 3).reshape(groups, c_group, -1)
                     for group in geometry.phase_taps]
    x = xp.zeros((grad.shape[0], c_group * groups) + tuple(size), grad.dtype)
    chunk = _samples_per_chunk(grad.shape[0], c_out * len(geometry.shifts) * geometry.margin_width * grad.itemsize)
    chunks = _column_chunks(grad, geometry.margin_grid, [(geometry.margin, ())], geometry.margin_length,
                            geometry.margin_shifts, geometry.margin_width, chunk)
    for start, stop, columns in chunks:
        for (_, grid_index, source_index), w, cols in zip(geometry.placements, phase_weights, columns):
            if cols.shape[1]:
                rows = (w @ cols.reshape(groups, w.shape[2], -1)).reshape(c_group * groups, stop - start, -1)
                phase = _crop(rows, geometry.grid, geometry.margin_grid)
                x[(slice(start, stop), slice(None)) + source_index] = \
                    phase[(slice(None), slice(None)) + grid_index].swapaxes(0, 1)
    return x


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
