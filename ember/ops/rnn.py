"""Fused LSTM and GRU cells: one GEMM on the stacked hidden weights, gates in place, closed-form gate gradients;
and a whole LSTM layer direction as one op, its backward one BPTT loop on arrays."""
from ..autograd import function
from ..autograd.function import Op
from ..autograd.grad_mode import STATE, enable_grad
from ..backend import xp_of
from ..kernels import rnn as kernels
from .joining import cat


class LSTMCellStep(Op):
    """(x_proj, h, c, w_hh, b_hh) -> (h_new, c_new, gates): ``x_proj`` is the input projection with bias_ih added;
    ``gates`` are the activated i, f, g, o, returned so backward (and double backward) can reach them."""

    _node_name = "LSTMCellBackward0"
    _num_inputs = 5

    @staticmethod
    def forward(ctx, x_proj, h, c, w_hh, b_hh):
        xp = xp_of(x_proj)
        gates = x_proj + h @ w_hh.T
        if b_hh is not None:
            gates += b_hh
        hidden = c.shape[1]
        for part in (slice(0, 2 * hidden), slice(3 * hidden, None)):
            _sigmoid_in_place(xp, gates[:, part])
        xp.tanh(gates[:, 2 * hidden:3 * hidden], out=gates[:, 2 * hidden:3 * hidden])
        in_gate, forget_gate, cell_gate, out_gate = (gates[:, k * hidden:(k + 1) * hidden] for k in range(4))
        c_new = forget_gate * c + in_gate * cell_gate
        h_new = out_gate * xp.tanh(c_new)
        ctx.save_for_backward(h, c, w_hh, c_new, gates)
        ctx.has_bias = b_hh is not None
        return h_new, c_new, gates

    @staticmethod
    def backward(ctx, grad_h, grad_c, grad_gates):
        return _closed_form(_lstm_grads, (grad_h, grad_c, grad_gates, *ctx.saved_tensors), ctx.has_bias)


def _lstm_grads(math, grad_h, grad_c, grad_gates, h, c, w_hh, c_new, gates, has_bias):
    """Gradients of (x_proj, h, c, w_hh, b_hh) in operators only, so arrays and Tensors both fit."""
    hidden = c.shape[1]
    in_gate, forget_gate, cell_gate, out_gate = (gates[:, k * hidden:(k + 1) * hidden] for k in range(4))
    tanh_c = math.tanh(c_new)
    grad_c = grad_c + grad_h * out_gate * (1 - tanh_c * tanh_c)
    grad_activated = math.concat([grad_c * cell_gate, grad_c * c, grad_c * in_gate, grad_h * tanh_c]) + grad_gates
    slope = math.concat([in_gate * (1 - in_gate), forget_gate * (1 - forget_gate), 1 - cell_gate * cell_gate,
                         out_gate * (1 - out_gate)])
    grad_pre = grad_activated * slope
    return (grad_pre, grad_pre @ w_hh, grad_c * forget_gate, grad_pre.T @ h, grad_pre.sum(0) if has_bias else None)


class GRUCellStep(Op):
    """(x_proj, h, w_hh, b_hh) -> (h_new, workspace): ``workspace`` holds the reset, update and new gates and the
    hidden part of the candidate, returned so backward (and double backward) can reach them."""

    _node_name = "GRUCellBackward0"
    _num_inputs = 4

    @staticmethod
    def forward(ctx, x_proj, h, w_hh, b_hh):
        xp = xp_of(x_proj)
        hidden = h.shape[1]
        hidden_part = h @ w_hh.T
        if b_hh is not None:
            hidden_part += b_hh
        workspace = xp.empty((h.shape[0], 4 * hidden), dtype=hidden_part.dtype)
        gates, candidate_hidden = workspace[:, :3 * hidden], workspace[:, 3 * hidden:]
        xp.add(x_proj[:, :2 * hidden], hidden_part[:, :2 * hidden], out=gates[:, :2 * hidden])
        _sigmoid_in_place(xp, gates[:, :2 * hidden])
        candidate_hidden[...] = hidden_part[:, 2 * hidden:]
        new_gate = gates[:, 2 * hidden:]
        xp.multiply(gates[:, :hidden], candidate_hidden, out=new_gate)
        new_gate += x_proj[:, 2 * hidden:]
        xp.tanh(new_gate, out=new_gate)
        h_new = new_gate + gates[:, hidden:2 * hidden] * (h - new_gate)
        ctx.save_for_backward(h, w_hh, workspace)
        ctx.has_bias = b_hh is not None
        return h_new, workspace

    @staticmethod
    def backward(ctx, grad_h, grad_workspace):
        return _closed_form(_gru_grads, (grad_h, grad_workspace, *ctx.saved_tensors), ctx.has_bias)


def _gru_grads(math, grad_h, grad_workspace, h, w_hh, workspace, has_bias):
    """Gradients of (x_proj, h, w_hh, b_hh) in operators only, so arrays and Tensors both fit."""
    hidden = h.shape[1]
    reset, update, new, candidate_hidden = (workspace[:, k * hidden:(k + 1) * hidden] for k in range(4))
    grad_reset_out, grad_update_out, grad_new_out, grad_candidate_out = (
        grad_workspace[:, k * hidden:(k + 1) * hidden] for k in range(4))
    grad_new_pre = (grad_h * (1 - update) + grad_new_out) * (1 - new * new)
    grad_reset_pre = (grad_new_pre * candidate_hidden + grad_reset_out) * reset * (1 - reset)
    grad_update_pre = (grad_h * (h - new) + grad_update_out) * update * (1 - update)
    grad_hidden_part = math.concat([grad_reset_pre, grad_update_pre, grad_new_pre * reset + grad_candidate_out])
    return (math.concat([grad_reset_pre, grad_update_pre, grad_new_pre]), grad_h * update + grad_hidden_part @ w_hh,
            grad_hidden_part.T @ h, grad_hidden_part.sum(0) if has_bias else None)


class _TensorMath:
    """Tensor ops: backward recorded for higher-order gradients."""

    @staticmethod
    def concat(parts):
        return cat(parts, 1)

    @staticmethod
    def tanh(x):
        return x.tanh()


class _ArrayMath:
    """Raw-array ops: the fast path when no graph of the backward is being built."""

    def __init__(self, xp):
        self.xp = xp

    def concat(self, parts):
        return self.xp.concatenate(parts, 1)

    def tanh(self, x):
        return self.xp.tanh(x)


def _closed_form(grads_fn, tensors, has_bias):
    """``grads_fn`` on Tensors when backward is itself recorded (create_graph), else on their arrays."""
    if STATE.enabled:
        return grads_fn(_TensorMath, *tensors, has_bias)
    arrays = [t._array for t in tensors]
    return tuple(None if g is None else function._wrap(g) for g in grads_fn(_ArrayMath(xp_of(arrays[0])), *arrays,
                                                                            has_bias))


def _sigmoid_in_place(xp, a):
    """sigmoid(a) = (1 + tanh(a / 2)) / 2, which cannot overflow as exp(-a) can."""
    a *= 0.5
    xp.tanh(a, out=a)
    a += 1
    a *= 0.5


def lstm_cell_step(x_proj, h, c, w_hh, b_hh=None):
    """One LSTM step from a precomputed input projection; returns (h_new, c_new) before any projection."""
    h_new, c_new, _ = LSTMCellStep.apply(x_proj, h, c, w_hh, b_hh)
    return h_new, c_new


def gru_cell_step(x_proj, h, w_hh, b_hh=None):
    """One GRU step from a precomputed input projection."""
    return GRUCellStep.apply(x_proj, h, w_hh, b_hh)[0]


class LSTMLayer(Op):
    """(x_proj (T*B, 4H), h0, c0, w_hh, b_hh) -> (every h (T*B, H), h_T, c_T) for one direction of one layer,
    ``x_proj`` being the input projection with bias_ih added."""

    _node_name = "MkldnnRnnLayerBackward0"
    _num_inputs = 5

    @staticmethod
    def forward(ctx, x_proj, h0, c0, w_hh, b_hh, reverse):
        state = kernels.lstm_forward(x_proj.reshape(-1, h0.shape[0], x_proj.shape[1]), h0, c0, w_hh, b_hh, reverse)
        if ctx.needs_input_grad:  # recorded (the shared no-grad ctx would keep the state alive)
            ctx.state, ctx.reverse = state, reverse
            ctx.save_for_backward(x_proj, h0, c0, w_hh, b_hh)
        out, h_n, c_n = kernels.state_outputs(state[1], state[2], reverse)
        # copies: the state buffers stay private to backward, whatever the caller does to the outputs in place
        return out.reshape(-1, h0.shape[1]).copy(), h_n.copy(), c_n.copy()

    @staticmethod
    def backward(ctx, grad_out, grad_h, grad_c):
        if STATE.enabled:
            return _recorded_layer_grads(ctx, grad_out, grad_h, grad_c)
        w_hh = ctx.saved_tensors[3]
        gates = ctx.state[0]
        grad_out = grad_out._array.reshape(gates.shape[0], gates.shape[1], -1)
        grads = kernels.lstm_backward(grad_out, grad_h._array, grad_c._array, *ctx.state, w_hh._array, ctx.reverse)
        return tuple(function._wrap(g) if need else None for g, need in zip(grads, ctx.needs_input_grad))


def _recorded_layer_grads(ctx, grad_out, grad_h, grad_c):
    """For create_graph: the layer rerun step by step in recorded ops, then differentiated with a graph."""
    from ..autograd import grad
    inputs = ctx.saved_tensors
    with enable_grad():
        outputs = lstm_layer_steps(*inputs, ctx.reverse)
    wanted = [t for t, need in zip(inputs, ctx.needs_input_grad) if need]
    found = iter(grad(outputs, wanted, (grad_out, grad_h, grad_c), create_graph=True, allow_unused=True))
    return tuple(next(found) if need else None for need in ctx.needs_input_grad)


def lstm_layer_steps(x_proj, h0, c0, w_hh, b_hh, reverse):
    """The same layer as LSTMLayer, one recorded LSTMCellStep per step: (every h, h_T, c_T)."""
    state, outputs = (h0, c0), []
    steps = x_proj.split(h0.shape[0])
    for step in (reversed(steps) if reverse else steps):
        state = lstm_cell_step(step, *state, w_hh, b_hh)
        outputs.append(state[0])
    if reverse:
        outputs.reverse()
    return (cat(outputs), *state)


def lstm_layer(x_proj, h0, c0, w_hh, b_hh=None, reverse=False):
    """One LSTM layer direction over equal-length sequences (a batch of at least one): (every h (T*B, H), h_T,
    c_T)."""
    return LSTMLayer.apply(x_proj, h0, c0, w_hh, b_hh, reverse)
