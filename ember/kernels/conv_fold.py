"""The input gradient's fold (ember/kernels/conv.py) as a compiled loop (numba): each tap's columns are added
into the phase buffer one row at a time while the row sits in cache, instead of one pass over the whole buffer
per tap. One thread: a chunk's fold takes about 0.1 ms (ResNet-size), less than handing half of it to another
thread costs."""
from ._numba import njit


@njit
def _fold(cols, shifts, width, buffer, start, stop):
    for c in range(start, stop):
        for n in range(cols.shape[2]):
            row = buffer[c, n]
            row[:] = 0
            for t in range(cols.shape[1]):
                source, target = cols[c, t, n], row[shifts[t]:shifts[t] + width]
                for p in range(width):
                    target[p] += source[p]


def fold(cols, shifts, width, buffer):
    """Columns (C, taps, n, width) summed into the first n samples of ``buffer`` (C, chunk, length), tap t at its
    shift."""
    _fold(cols, shifts, width, buffer, 0, cols.shape[0])
