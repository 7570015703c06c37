"""Convolution on raw arrays over any number of spatial dims: GEMMs over columns cut as contiguous slices.

The zero-padded input is split into its stride phases (space-to-depth) and flattened per channel and sample in a
"phase buffer", so that kernel tap (phase r, shift q) of output position i reads flat position
offset(r) + flat(i + q): each tap's rows of the columns are one contiguous slice of the buffer, at a fixed shift.
Outputs are computed over the phase grid's full row width ("wide" rows) and cropped. The input gradient (also
the transposed convolution) is the adjoint: one GEMM gives every tap's wide rows, each added back into the phase
buffer at its shift. Samples go through in chunks, so the columns stay small and are never kept.

unfold and fold use ``im2col`` and ``col2im``: columns laid out (C, *kernel, N, *out) by a loop over kernel
offsets. ``padding`` is one (before, after) pair per spatial dim.
"""
import functools
import itertools
import math

import numpy

from ..backend import xp_of
from . import _numba

# Columns of one chunk of samples: small enough to stay in cache, unless the GEMM of a chunk would then have fewer
# than _LEAST_GEMM_COLUMNS columns (a short GEMM is slow, and each multi-threaded GEMM waits long for its threads
# on a busy machine), and never above _CHUNK_BYTES_LIMIT.
_CHUNK_BYTES = 1 << 22
_LEAST_GEMM_COLUMNS = 2048  # measured on the quiet 2-core machine: ResNet-size conv 71 ms at 2048, 109 ms at 8192
_CHUNK_BYTES_LIMIT = 1 << 25
# The direct loops (conv_direct.py) replace the GEMMs when one side of the weight has at most this many rows:
# output channels per group, or input channels per group times taps. Measured on the quiet 2-core machine:
# LeNet's 3 -> 6 5x5 conv (6 output channels), forward + both gradients 3.5 ms against 8.4 ms with GEMMs; with
# 16 output channels and 150 columns rows (LeNet's second conv) the GEMMs win.
_DIRECT_MOST_ROWS = 8
# Columns are compact (only the real output positions) when wide rows would hold this much more than that: a
# compact tap copies a cropped view, slower than the wide contiguous slice, but the GEMMs skip the cropped positions.
# Measured: 32x32 outputs with padding 1 (6% more) stay wide; 8x8 (25% more) save 4 ms of GEMM for 0.8 ms of copy.
_COMPACT_ABOVE = 1.12
_ONE_RUN = numpy.zeros(1, numpy.int64)  # the compiled fold's runs for wide columns: one per sample


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
    """Per stride phase: (its index in the phase grid + its grid slices, the input slices it holds)."""
    per_dim = []
    for n, (lo, _), s in zip(size, padding, stride):
        options = []
        for r in range(s):
            first = (r - lo) % s
            start = (first + lo) // s
            options.append((r, slice(start, start + len(range(first, n, s))), slice(first, n, s)))
        per_dim.append(options)
    return [(phase + cells, source)
            for phase, cells, source in (zip(*combo) for combo in itertools.product(*per_dim))]


class _Geometry:
    """Where every kernel tap reads in the phase buffer, flattened per channel and sample, for one input size."""

    def __init__(self, size, kernel, stride, dilation, padding):
        self.size = size
        self.out = output_size(size, kernel, stride, dilation, padding)
        self.grid = tuple(-(-(n + lo + hi) // s) for n, (lo, hi), s in zip(size, padding, stride))
        self.phase_grid = tuple(stride) + self.grid
        self.placements = _phase_placements(size, padding, stride)
        self.width = self.out[0] * math.prod(self.grid[1:])  # output positions on full grid rows
        self.shifts = [_flat(tuple(d * k % s for k, d, s in zip(offset, dilation, stride)) +
                             tuple(d * k // s for k, d, s in zip(offset, dilation, stride)), self.phase_grid)
                       for offset in itertools.product(*map(range, kernel))]
        self.length = max(math.prod(self.phase_grid), max(self.shifts) + self.width)
        self.shift_array = numpy.array(self.shifts, numpy.int64)
        wide = self.out[:1] + self.grid[1:]
        self.runs = numpy.array([_flat(index + (0,), wide) for index in itertools.product(*map(range, self.out[:-1]))],
                                numpy.int64)
        self.positions = math.prod(self.out)

    def chunk(self, n, channels, itemsize):
        """Samples per chunk for columns of ``channels`` rows per tap."""
        sample = channels * len(self.shifts) * self.width * itemsize
        most = max(1, min(max(_CHUNK_BYTES // sample, -(-_LEAST_GEMM_COLUMNS // self.width)),
                          _CHUNK_BYTES_LIMIT // sample))
        return max(1, -(-n // max(1, -(-n // most))))  # as even as chunks of at most ``most`` samples can be

    def crop(self, rows):
        """Wide rows (C, samples, width) -> the (C, samples, *out) view of the real output positions."""
        wide = rows.reshape(rows.shape[:2] + self.out[:1] + self.grid[1:])
        return wide[(slice(None),) * 3 + tuple(slice(0, n) for n in self.out[1:])]

    def outputs(self, rows, compact):
        """Rows (C, samples, positions), compact or wide -> the (C, samples, *out) view of the real outputs."""
        return rows.reshape(rows.shape[:2] + self.out) if compact else self.crop(rows)


@functools.lru_cache(maxsize=256)
def _geometry(size, kernel, stride, dilation, padding):
    return _Geometry(tuple(size), tuple(kernel), tuple(stride), tuple(dilation), tuple(padding))


def _phase_buffer(xp, channels, chunk, geometry, dtype):
    """A zeroed (C, chunk, length) phase buffer and its (C, chunk, *phase grid) view."""
    buffer = xp.zeros((channels, chunk, geometry.length), dtype)
    return buffer, buffer[..., :math.prod(geometry.phase_grid)].reshape((channels, chunk) + geometry.phase_grid)


def _fill_cells(cells, samples, geometry):
    """Place ``samples`` (C, n, *S) in the first n samples of a phase buffer's ``cells``."""
    for cells_index, source_index in geometry.placements:
        cells[(slice(None), slice(0, samples.shape[1])) + cells_index] = samples[(slice(None),) * 2 + source_index]


def _read_cells(x, cells, geometry):
    """Fill ``x`` (n, C, *S) from the first n samples of a phase buffer's ``cells``: the adjoint of _fill_cells."""
    for cells_index, source_index in geometry.placements:
        x[(slice(None),) * 2 + source_index] = cells[(slice(None), slice(0, x.shape[0])) + cells_index].swapaxes(0, 1)


def _whole_phase_buffer(x, geometry):
    """``x`` (N, C, *S) in one (C, N, length) phase buffer."""
    buffer, cells = _phase_buffer(xp_of(x), x.shape[1], x.shape[0], geometry, x.dtype)
    _fill_cells(cells, x.swapaxes(0, 1), geometry)
    return buffer


def _direct(array, weight_shape, groups):
    """Whether the direct loops suit this convolution: few rows on one side of the weight, arrays numba takes."""
    return (array.shape[0] > 0 and min(weight_shape[0] // groups, math.prod(weight_shape[1:])) <= _DIRECT_MOST_ROWS
            and _numba.suits(array))


def _direct_loops():
    """The module of direct loops; importing it imports numba, so only once ``_direct`` said yes."""
    from . import conv_direct
    return conv_direct


def _samples_of(storage, chunk, samples):
    """The leading part of a chunk's flat ``storage`` that holds ``samples`` of its ``chunk`` samples."""
    return storage[:storage.size // chunk * samples]


def _compact(geometry):
    """Whether the GEMM path's columns hold only the real output positions (else the wide rows)."""
    return 0 < geometry.positions * _COMPACT_ABOVE < geometry.width


def _column_chunks(x, geometry, chunk, compact):
    """(start, stop, columns (C, taps, samples, positions)) for each chunk of samples of ``x`` (N, C, *S)."""
    xp = xp_of(x)
    n, c = x.shape[:2]
    buffer, cells = _phase_buffer(xp, c, chunk, geometry, x.dtype)
    positions = geometry.positions if compact else geometry.width
    storage = xp.empty(c * len(geometry.shifts) * chunk * positions, x.dtype)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        _fill_cells(cells, x[start:stop].swapaxes(0, 1), geometry)
        cols = _samples_of(storage, chunk, stop - start).reshape(c, -1, stop - start, positions)
        for t, shift in enumerate(geometry.shifts):
            wide = buffer[:, :stop - start, shift:shift + geometry.width]
            if compact:
                geometry.outputs(cols[:, t], True)[...] = geometry.crop(wide)
            else:
                cols[:, t] = wide
        yield start, stop, cols


def _row_chunks(grad, geometry, chunk, compact):
    """(start, stop, rows (C, samples, positions)) for each chunk of samples of an output gradient: compact, or
    wide with zeros at the cropped positions."""
    xp = xp_of(grad)
    storage = (xp.empty if compact else xp.zeros)((grad.shape[1], chunk, geometry.positions if compact else
                                                   geometry.width), grad.dtype)
    for start in range(0, grad.shape[0], chunk):
        stop = min(grad.shape[0], start + chunk)
        rows = storage[:, :stop - start]
        geometry.outputs(rows, compact)[...] = grad[start:stop].swapaxes(0, 1)
        yield start, stop, rows


def conv(x, weight, stride, padding, dilation, groups):
    """Cross-correlation of ``x`` (N, C_in, *S) with ``weight`` (C_out, C_in / groups, *kernel)."""
    geometry = _geometry(x.shape[2:], weight.shape[2:], stride, dilation, padding)
    if _direct(x, weight.shape, groups):
        rows = _direct_loops().forward(_whole_phase_buffer(x, geometry), weight, geometry.shift_array,
                                       geometry.width)
        return numpy.ascontiguousarray(geometry.crop(rows).swapaxes(0, 1))
    c_out = weight.shape[0]
    grouped = weight.reshape(groups, c_out // groups, -1)
    xp = xp_of(x)
    y = xp.empty((x.shape[0], c_out) + geometry.out, x.dtype)
    chunk = geometry.chunk(x.shape[0], x.shape[1], x.itemsize)
    compact = _compact(geometry)
    storage = xp.empty(c_out * chunk * geometry.width, x.dtype)
    for start, stop, cols in _column_chunks(x, geometry, chunk, compact):
        rows = storage[:c_out * (stop - start) * cols.shape[3]].reshape(groups, c_out // groups, -1)
        xp.matmul(grouped, cols.reshape(groups, grouped.shape[2], -1), out=rows)
        rows = rows.reshape(c_out, stop - start, -1)
        y[start:stop] = geometry.outputs(rows, compact).swapaxes(0, 1)
    return y


def conv_weight_grad(grad, x, weight_shape, stride, padding, dilation, groups):
    """The gradient of ``conv`` with respect to its weight, from the output gradient and the input."""
    geometry = _geometry(x.shape[2:], weight_shape[2:], stride, dilation, padding)
    if _direct(x, weight_shape, groups):
        _, _, rows = next(_row_chunks(grad, geometry, grad.shape[0], False))
        return _direct_loops().weight_grad(_whole_phase_buffer(x, geometry), rows, geometry.shift_array,
                                           geometry.width, weight_shape)
    c_out = weight_shape[0]
    total = xp_of(x).zeros((groups, c_out // groups, math.prod(weight_shape[1:])), grad.dtype)
    chunk = geometry.chunk(x.shape[0], x.shape[1], x.itemsize)
    compact = _compact(geometry)
    for (_, _, cols), (_, _, rows) in zip(_column_chunks(x, geometry, chunk, compact),
                                          _row_chunks(grad, geometry, chunk, compact)):
        total += rows.reshape(groups, c_out // groups, -1) @ cols.reshape(groups, total.shape[2], -1).swapaxes(1, 2)
    return total.reshape(weight_shape)


def conv_input_grad(grad, weight, size, stride, padding, dilation, groups):
    """The gradient of ``conv`` with respect to an input of spatial ``size``; also the transposed convolution."""
    geometry = _geometry(size, weight.shape[2:], stride, dilation, padding)
    xp = xp_of(grad)
    c_out, c_group = weight.shape[:2]
    c_in = c_group * groups
    if _direct(grad, weight.shape, groups):
        return _direct_input_grad(grad, weight, geometry, c_in)
    spread = xp.ascontiguousarray(weight.reshape(groups, c_out // groups, -1).swapaxes(1, 2))
    chunk = geometry.chunk(grad.shape[0], c_in, grad.itemsize)
    buffer, cells = _phase_buffer(xp, c_in, chunk, geometry, grad.dtype)
    x = xp.empty((grad.shape[0], c_in) + tuple(size), grad.dtype)
    compact = _compact(geometry)
    storage = xp.empty(c_in * len(geometry.shifts) * chunk * geometry.width, grad.dtype)
    for start, stop, rows in _row_chunks(grad, geometry, chunk, compact):
        cols = storage[:c_in * len(geometry.shifts) * (stop - start) * rows.shape[2]]
        xp.matmul(spread, rows.reshape(groups, c_out // groups, -1), out=cols.reshape(groups, spread.shape[1], -1))
        cols = cols.reshape(c_in, -1, stop - start, rows.shape[2])
        _fold(cols, geometry, buffer, compact)
        _read_cells(x[start:stop], cells, geometry)
    return x


def _fold(cols, geometry, buffer, compact):
    """Columns (C, taps, n, positions) summed into the first n samples of the phase ``buffer``, each tap at its
    shift."""
    if _numba.suits(cols):
        from .conv_columns import fold
        runs, run_length = (geometry.runs, geometry.out[-1]) if compact else (_ONE_RUN, geometry.width)
        fold(cols, geometry.shift_array, runs, run_length, buffer)
        return
    buffer[:, :cols.shape[2]] = 0
    for t, shift in enumerate(geometry.shifts):
        wide = buffer[:, :cols.shape[2], shift:shift + geometry.width]
        if compact:
            geometry.crop(wide)[...] += geometry.outputs(cols[:, t], True)
        else:
            wide += cols[:, t]


def _direct_input_grad(grad, weight, geometry, c_in):
    """conv_input_grad by the direct loops."""
    _, _, rows = next(_row_chunks(grad, geometry, grad.shape[0], False))
    buffer = _direct_loops().input_grad(rows, weight, geometry.shift_array, geometry.width, c_in, geometry.length)
    cells = buffer[..., :math.prod(geometry.phase_grid)].reshape(buffer.shape[:2] + geometry.phase_grid)
    x = numpy.empty((grad.shape[0], c_in) + geometry.size, grad.dtype)
    _read_cells(x, cells, geometry)
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
