"""The pointwise part of an LSTM backward step as one compiled call (numba): NumPy needs about ten passes over
the step's arrays and four whole-sequence temporaries for it. The step's GEMM stays in ember/kernels/rnn.py.

Each loop writes one row and reads few others: with more, LLVM cannot prove the rows apart and gives up
vectorising."""
import numpy as np

from ._numba import njit


@njit
def lstm_step_backward(gates, c_prev, tanh_c, grad_out, has_grad_out, dh, dc, grad_pre):
    """From the activated ``gates`` (B, 4, H) of one step, its input cell ``c_prev``, ``tanh_c`` of its output cell
    and the gradients ``dh``, ``dc`` of its output state (plus ``grad_out`` of its output h when
    ``has_grad_out``): the pre-activations' gradient into ``grad_pre`` (B, 4, H), and dc becomes that of the input
    cell."""
    batch, _, hidden = gates.shape
    total = np.empty(hidden, gates.dtype)
    for b in range(batch):
        i, f, g, o = gates[b, 0], gates[b, 1], gates[b, 2], gates[b, 3]
        t, d, c = tanh_c[b], dh[b], dc[b]
        if has_grad_out:
            extra = grad_out[b]
            for j in range(hidden):
                d[j] += extra[j]
        for j in range(hidden):
            total[j] = d[j] * o[j] * (1 - t[j] * t[j]) + c[j]
        out = grad_pre[b, 0]
        for j in range(hidden):
            out[j] = total[j] * g[j] * (i[j] * (1 - i[j]))
        out, previous = grad_pre[b, 1], c_prev[b]
        for j in range(hidden):
            out[j] = total[j] * previous[j] * (f[j] * (1 - f[j]))
        out = grad_pre[b, 2]
        for j in range(hidden):
            out[j] = total[j] * i[j] * (1 - g[j] * g[j])
        out = grad_pre[b, 3]
        for j in range(hidden):
            out[j] = d[j] * t[j] * (o[j] * (1 - o[j]))
        for j in range(hidden):
            c[j] = total[j] * f[j]
