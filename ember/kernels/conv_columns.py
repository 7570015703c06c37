"""The fold of the GEMM path of ember/kernels/conv.py (the input gradient's columns added back into the phase
buffer) as a compiled loop (numba): one row at a time while the row sits in cache, instead of one pass over the
whole buffer per tap. ``runs`` are the positions in a sample's row where each run of columns starts, each
``run_length`` long: one run per sample for wide columns, one per row of outputs for compact ones. One thread:
a chunk takes about 0.1 ms (ResNet-size), less than handing half of it to another thread costs.
"""
from ._numba import njit


@njit
def fold(cols, shifts, runs, run_length, buffer):
    """Columns (C, taps, n, positions) summed into the first n samples of ``buffer`` (C, chunk, length)."""
    for c in range(cols.shape[0]):
        for n in range(cols.shape[2]):
            target = buffer[c, n]
            target[:] = 0
            for t in range(cols.shape[1]):
                source = cols[c, t, n]
                for r in range(runs.shape[0]):
                    start, at = shifts[t] + runs[r], r * run_length
                    into, part = target[start:start + run_length], source[at:at + run_length]
                    for p in range(run_length):
                        into[p] += part[p]
