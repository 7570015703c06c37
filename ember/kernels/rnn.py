"""A whole LSTM layer direction on raw arrays: the forward loop keeps every step's gates and cells, the backward
loop (BPTT) runs on them and ends with one GEMM for the recurrent weight's gradient over all steps.

Gates are in torch's order (input, forget, cell, output). The sigmoid gates' pre-activations are halved
up front (weights and input projection), so one tanh per step serves all four gates:
sigmoid(z) = (1 + tanh(z / 2)) / 2.
"""
import numpy as np

from . import _numba

# per gate: the pre-activation factor, then the affine map taking tanh to the activation
_PRE_SCALE = np.array([0.5, 0.5, 1.0, 0.5])
_POST_SHIFT = np.array([0.5, 0.5, 0.0, 0.5])
# multiply-adds of a GEMM that OpenBLAS runs on one thread, and of a product small enough to be split into such
_SERIAL_GEMM_WORK = 1 << 19
_SPLIT_GEMM_WORK = 1 << 22


def lstm_forward(x_proj, h0, c0, w_hh, b_hh, reverse):
    """Run the steps of ``x_proj`` (T, B, 4H) from (h0, c0), last step first when ``reverse``.

    Returns the saved state for lstm_backward: (gates (T, B, 4, H) activated, hidden (T+1, B, H),
    cells (T+1, B, H), tanh of the cells (T, B, H)); step t's input state sits at index t (or t + 1 when
    ``reverse``) of hidden and cells, its output at the other one.
    """
    steps, batch, hidden = x_proj.shape[0], x_proj.shape[1], h0.shape[1]
    dtype = x_proj.dtype
    scale = np.repeat(_PRE_SCALE.astype(dtype), hidden)
    gates = x_proj + b_hh if b_hh is not None else x_proj.copy()
    gates *= scale
    w_scaled_t = np.ascontiguousarray((w_hh * scale[:, None]).T)  # NumPy's GEMM is slow on a transposed view
    gates = gates.reshape(steps, batch, 4, hidden)
    # full (4, H) rows: NumPy broadcasts them over the batch faster than stride-0 columns over H
    post_scale, post_shift = (np.repeat(v.astype(dtype)[:, None], hidden, 1) for v in (_PRE_SCALE, _POST_SHIFT))
    hs, cs = np.empty((steps + 1, batch, hidden), dtype), np.empty((steps + 1, batch, hidden), dtype)
    tanh_cs = np.empty((steps, batch, hidden), dtype)
    recurrent, cell_input = np.empty((batch, 4 * hidden), dtype), np.empty((batch, hidden), dtype)
    order, before, after = _step_order(steps, reverse)
    hs[before(order[0])], cs[before(order[0])] = h0, c0
    for t in order:
        step = gates[t]
        _matmul_into(hs[before(t)], w_scaled_t, recurrent)
        step += recurrent.reshape(batch, 4, hidden)
        np.tanh(step, out=step)
        step *= post_scale
        step += post_shift
        c = cs[after(t)]
        np.multiply(step[:, 1], cs[before(t)], out=c)
        np.multiply(step[:, 0], step[:, 2], out=cell_input)
        c += cell_input
        np.tanh(c, out=tanh_cs[t])
        np.multiply(step[:, 3], tanh_cs[t], out=hs[after(t)])
    return gates, hs, cs, tanh_cs


def _matmul_into(a, b, out):
    """``a @ b`` into ``out``. A step's small product goes in row blocks that OpenBLAS runs on one thread each: its
    threads synchronise on every call, which costs milliseconds per step when other processes keep the cores busy
    (and the blocks are no slower on idle cores)."""
    work = a.shape[1] * b.shape[1]
    if a.shape[0] * work > _SPLIT_GEMM_WORK or work > _SERIAL_GEMM_WORK:
        np.matmul(a, b, out=out)
        return
    rows = _SERIAL_GEMM_WORK // work
    for start in range(0, a.shape[0], rows):
        np.matmul(a[start:start + rows], b, out=out[start:start + rows])


def _step_order(steps, reverse):
    """The step order and where step t's input and output states sit in the (T+1)-long state buffers."""
    if reverse:
        return range(steps - 1, -1, -1), (lambda t: t + 1), (lambda t: t)
    return range(steps), (lambda t: t), (lambda t: t + 1)


def state_outputs(hs, cs, reverse):
    """(every step's h (T, B, H), final h, final c) from the forward buffers."""
    if reverse:
        return hs[:-1], hs[0], cs[0]
    return hs[1:], hs[-1], cs[-1]


def lstm_backward(grad_out, grad_h, grad_c, gates, hs, cs, tanh_cs, w_hh, reverse):
    """Gradients of (x_proj (T, B, 4H), h0, c0, w_hh, b_hh) from those of every h (T, B, H) and the final h
    and c (any may be None)."""
    steps, batch, _, hidden = gates.shape
    dtype = gates.dtype
    order = _step_order(steps, reverse)[0]
    c_prev = cs[1:] if reverse else cs[:-1]
    dh = np.zeros((batch, hidden), dtype) if grad_h is None else grad_h.astype(dtype, copy=True)
    dc = np.zeros((batch, hidden), dtype) if grad_c is None else grad_c.astype(dtype, copy=True)
    steps_backward = _fused_steps_backward if _numba.suits(gates) else _steps_backward
    grad_pre = steps_backward(grad_out, gates, c_prev, tanh_cs, w_hh, reversed(order), dh, dc)
    flat = grad_pre.reshape(steps * batch, 4 * hidden)
    h_prev = (hs[1:] if reverse else hs[:-1]).reshape(steps * batch, hidden)
    return flat, dh, dc, flat.T @ h_prev, flat.sum(0)


def _steps_backward(grad_out, gates, c_prev, tanh_cs, w_hh, order, dh, dc):
    """The backward loop on NumPy: the pre-activations' gradient (T, B, 4, H); dh and dc end as the input state's."""
    batch, hidden = dh.shape
    in_gate, forget, cell, out_gate = (gates[:, :, k] for k in range(4))
    # every local derivative at once, outside the loop: d h / d c, and d gate pre-activation / d c (or / d h),
    # which the loop then scales in place into the gradient of each pre-activation
    slope = gates * (1 - gates)
    slope[:, :, 2] = 1 - cell * cell
    grad_pre = np.empty_like(gates)
    for k, factor in enumerate((cell, c_prev, in_gate, tanh_cs)):
        np.multiply(slope[:, :, k], factor, out=grad_pre[:, :, k])
    dh_dc = out_gate * (1 - tanh_cs * tanh_cs)
    total_c = np.empty((batch, hidden), dh.dtype)
    for t in order:
        if grad_out is not None:
            dh += grad_out[t]
        np.multiply(dh, dh_dc[t], out=total_c)
        total_c += dc
        step = grad_pre[t]
        step[:, :3] *= total_c[:, None, :]
        step[:, 3] *= dh
        _matmul_into(step.reshape(batch, 4 * hidden), w_hh, dh)
        np.multiply(total_c, forget[t], out=dc)
    return grad_pre


def _fused_steps_backward(grad_out, gates, c_prev, tanh_cs, w_hh, order, dh, dc):
    """_steps_backward with each step's pointwise part in one compiled loop."""
    from .rnn_fused import lstm_step_backward
    batch, hidden = dh.shape
    grad_pre = np.empty_like(gates)
    for t in order:
        lstm_step_backward(gates[t], c_prev[t], tanh_cs[t], dh if grad_out is None else grad_out[t],
                           grad_out is not None, dh, dc, grad_pre[t])
        _matmul_into(grad_pre[t].reshape(batch, 4 * hidden), w_hh, dh)
    return grad_pre
