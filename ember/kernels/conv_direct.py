"""Direct convolution loops for layers with few channels on one side (LeNet's 3 -> 6, a 1-channel output),
compiled by numba: there a GEMM over columns streams columns it barely reuses; these loops work on the phase
buffer itself (see ember/kernels/conv.py), one sample's rows at a time, while they sit in cache.

Layouts: phase buffer (C_in, N, length); wide rows of the output or its gradient (C_out, N, width); weight
(C_out, pairs) with one pair per (input channel of the group, tap): pair j reads the group's channel
channels[j] at buffer position shifts[j] + p for output position p. Work is unrolled four pairs (or four
output channels) at a time, so each pass over a row does four multiply-adds per load and store.
"""
import numpy as np

from ._numba import njit, run_parallel, sample_ranges


@njit
def _four_rows(buffer, channels, shifts, first, n, j, width):
    """The buffer rows pairs j .. j + 3 read for sample n, whose group starts at channel ``first``."""
    return (buffer[first + channels[j], n, shifts[j]:shifts[j] + width],
            buffer[first + channels[j + 1], n, shifts[j + 1]:shifts[j + 1] + width],
            buffer[first + channels[j + 2], n, shifts[j + 2]:shifts[j + 2] + width],
            buffer[first + channels[j + 3], n, shifts[j + 3]:shifts[j + 3] + width])


@njit
def _group_sizes(channels, c_out, c_in):
    """Input and output channels per group."""
    c_group = channels[-1] + 1
    return c_group, c_out * c_group // c_in


@njit
def _forward(buffer, weight, channels, shifts, width, out, start, stop):
    c_out, pairs = weight.shape
    c_group, out_group = _group_sizes(channels, c_out, buffer.shape[0])
    for n in range(start, stop):
        for o in range(c_out):
            first = o // out_group * c_group
            acc = out[o, n]
            acc[:] = 0
            j = 0
            while j + 4 <= pairs:
                a, b, c, d = _four_rows(buffer, channels, shifts, first, n, j, width)
                wa, wb, wc, wd = weight[o, j], weight[o, j + 1], weight[o, j + 2], weight[o, j + 3]
                for p in range(width):
                    acc[p] += wa * a[p] + wb * b[p] + wc * c[p] + wd * d[p]
                j += 4
            for j in range(j, pairs):
                a, wa = buffer[first + channels[j], n, shifts[j]:shifts[j] + width], weight[o, j]
                for p in range(width):
                    acc[p] += wa * a[p]


@njit
def _weight_grad(buffer, grad, channels, shifts, width, total, start, stop):
    c_out, pairs = total.shape
    c_group, out_group = _group_sizes(channels, c_out, buffer.shape[0])
    zero = np.zeros(1, total.dtype)[0]
    for n in range(start, stop):
        for o in range(c_out):
            first = o // out_group * c_group
            g = grad[o, n]
            j = 0
            while j + 4 <= pairs:
                a, b, c, d = _four_rows(buffer, channels, shifts, first, n, j, width)
                sa, sb, sc, sd = zero, zero, zero, zero
                for p in range(width):
                    v = g[p]
                    sa += v * a[p]
                    sb += v * b[p]
                    sc += v * c[p]
                    sd += v * d[p]
                total[o, j] += sa
                total[o, j + 1] += sb
                total[o, j + 2] += sc
                total[o, j + 3] += sd
                j += 4
            for j in range(j, pairs):
                a, sa = buffer[first + channels[j], n, shifts[j]:shifts[j] + width], zero
                for p in range(width):
                    sa += g[p] * a[p]
                total[o, j] += sa


@njit
def _input_grad(grad, weight, channels, shifts, width, buffer, start, stop):
    c_out, pairs = weight.shape
    c_group, out_group = _group_sizes(channels, c_out, buffer.shape[0])
    for n in range(start, stop):
        for ci in range(buffer.shape[0]):
            first, c = ci // c_group * out_group, ci % c_group
            buffer[ci, n] = 0
            taps = pairs // c_group
            for j in range(c * taps, (c + 1) * taps):  # the pairs of channel c (see _pairs)
                acc = buffer[ci, n, shifts[j]:shifts[j] + width]
                k = 0
                while k + 4 <= out_group:
                    o = first + k
                    a, b, cc, d = grad[o, n], grad[o + 1, n], grad[o + 2, n], grad[o + 3, n]
                    wa, wb, wc, wd = weight[o, j], weight[o + 1, j], weight[o + 2, j], weight[o + 3, j]
                    for p in range(width):
                        acc[p] += wa * a[p] + wb * b[p] + wc * cc[p] + wd * d[p]
                    k += 4
                for o in range(first + k, first + out_group):
                    a, wa = grad[o, n], weight[o, j]
                    for p in range(width):
                        acc[p] += wa * a[p]


def _pairs(weight_shape, shifts):
    """Per (input channel of a group, tap) pair: its channel and its shift."""
    c_group, taps = weight_shape[1], len(shifts)
    return np.repeat(np.arange(c_group), taps), np.tile(shifts, c_group)


def forward(buffer, weight, shifts, width):
    """Wide output rows (C_out, N, width) of the convolution of a phase buffer with ``weight`` (C_out, C_g, *k)."""
    out = np.empty((weight.shape[0], buffer.shape[1], width), buffer.dtype)
    flat, pairs = np.ascontiguousarray(weight.reshape(weight.shape[0], -1)), _pairs(weight.shape, shifts)
    run_parallel(_forward, [(buffer, flat, *pairs, width, out, a, b) for a, b in sample_ranges(buffer.shape[1])])
    return out


def weight_grad(buffer, grad, shifts, width, weight_shape):
    """The weight gradient, of ``weight_shape``, from a phase buffer and wide gradient rows."""
    ranges = sample_ranges(buffer.shape[1])
    totals = np.zeros((len(ranges), weight_shape[0], int(np.prod(weight_shape[1:]))), grad.dtype)
    pairs = _pairs(weight_shape, shifts)
    run_parallel(_weight_grad, [(buffer, grad, *pairs, width, totals[i], a, b) for i, (a, b) in enumerate(ranges)])
    return totals.sum(0).reshape(weight_shape)


def input_grad(grad, weight, shifts, width, channels, length):
    """The phase buffer (C_in, N, length) of the input gradient, from wide gradient rows and ``weight``."""
    buffer = np.empty((channels, grad.shape[1], length), grad.dtype)
    flat, pairs = np.ascontiguousarray(weight.reshape(weight.shape[0], -1)), _pairs(weight.shape, shifts)
    run_parallel(_input_grad, [(grad, flat, *pairs, width, buffer, a, b) for a, b in sample_ranges(grad.shape[1])])
    return buffer
