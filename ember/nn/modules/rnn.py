"""Recurrent layers RNN, LSTM, GRU and their one-step cells, with torch's parameter names, init, repr and errors."""
import math
import numbers
import warnings

from ...creation import empty, zeros
from ...ops.joining import cat, stack
from ...ops.rnn import gru_cell_step, lstm_cell_step, lstm_layer
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module, ModuleInputError

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _elman_cell(activation):
    """A one-step tanh or relu RNN cell; ``x_proj`` is the input already multiplied by weight_ih (plus bias_ih)."""
    def cell(x_proj, state, w_hh, b_hh, w_hr=None):
        return (activation(F.linear(state[0], w_hh, b_hh) + x_proj),)
    return cell


_rnn_tanh_cell = _elman_cell(lambda x: x.tanh())
_rnn_relu_cell = _elman_cell(lambda x: x.relu())


def _lstm_cell(x_proj, state, w_hh, b_hh, w_hr=None):
    """One LSTM step (the fused op); h is then projected by weight_hr if given."""
    h, c = lstm_cell_step(x_proj, *state, w_hh, b_hh)
    return (h if w_hr is None else F.linear(h, w_hr), c)


def _gru_cell(x_proj, state, w_hh, b_hh, w_hr=None):
    """One GRU step (the fused op); the reset gate scales the hidden part of the candidate, bias_hh included."""
    return (gru_cell_step(x_proj, state[0], w_hh, b_hh),)


_CELLS = {"RNN_TANH": _rnn_tanh_cell, "RNN_RELU": _rnn_relu_cell, "LSTM": _lstm_cell, "GRU": _gru_cell}


def _run_forward(cell, x_proj, batch_sizes, state, weights):
    """Run ``cell`` over packed steps, first to last; the batch shrinks as sequences end.

    Returns the per-step outputs and the state of every sequence after its own last step."""
    outputs, finished = [], []
    for step in x_proj.split(batch_sizes):
        size = step.shape[0]
        if size < state[0].shape[0]:
            finished.append(tuple(s[size:] for s in state))
            state = tuple(s[:size] for s in state)
        state = cell(step, state, *weights)
        outputs.append(state[0])
    finals = [state] + finished[::-1]
    return outputs, tuple(cat([f[i] for f in finals]) if len(finals) > 1 else state[i] for i in range(len(state)))


def _run_reverse(cell, x_proj, batch_sizes, state, weights):
    """Run ``cell`` over packed steps, last to first; a sequence joins (from its initial state) at its last step."""
    initial, outputs = state, []
    state = tuple(s[:batch_sizes[-1]] for s in initial)
    for step in reversed(x_proj.split(batch_sizes)):
        size = step.shape[0]
        if size > state[0].shape[0]:
            state = tuple(cat([s, s0[s.shape[0]:size]]) for s, s0 in zip(state, initial))
        state = cell(step, state, *weights)
        outputs.append(state[0])
    return outputs[::-1], state


def _check_dropout(dropout, num_layers):
    if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
        raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                         "being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                      f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                      stacklevel=3)


def _check_sizes(bias, batch_first, input_size, hidden_size, num_layers, proj_size):
    for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                              ("input_size", input_size, int), ("hidden_size", hidden_size, int)):
        if not isinstance(value, kind):
            raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


class RNNBase(Module):
    """The multi-layer, optionally bidirectional recurrence shared by RNN, LSTM and GRU (``mode`` picks the cell)."""

    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                     "bidirectional", "proj_size"]

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        _check_dropout(dropout, num_layers)
        _check_sizes(bias, batch_first, input_size, hidden_size, num_layers, proj_size)
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for suffix in self._direction_suffixes():
                self._register_layer(layer, suffix, device, dtype)
        self.reset_parameters()

    def _direction_suffixes(self):
        return ("", "_reverse") if self.bidirectional else ("",)

    def _register_layer(self, layer, suffix, device, dtype):
        output_size = self.proj_size or self.hidden_size
        layer_input = self.input_size if layer == 0 else output_size * len(self._direction_suffixes())
        gate_size = _GATES[self.mode] * self.hidden_size
        shapes = {"weight_ih": (gate_size, layer_input), "weight_hh": (gate_size, output_size)}
        if self.bias:
            shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
        if self.proj_size:
            shapes["weight_hr"] = (self.proj_size, self.hidden_size)
        for kind, shape in shapes.items():
            name = f"{kind}_l{layer}{suffix}"
            setattr(self, name, Parameter(empty(shape, dtype=dtype, device=device)))
            self._flat_weights_names.append(name)

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters of each layer and direction, as lists in torch's order."""
        per_layer = len(self._flat_weights_names) // (self.num_layers * len(self._direction_suffixes()))
        weights = self._flat_weights
        return [weights[i:i + per_layer] for i in range(0, len(weights), per_layer)]

    def flatten_parameters(self):
        """A no-op: ember's weights are always usable as they are (torch compacts them for cuDNN)."""

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _state_sizes(self):
        """The last dimension of each state tensor: (h,) or, for LSTM, (h, c)."""
        output_size = self.proj_size or self.hidden_size
        return (output_size, self.hidden_size) if self.mode == "LSTM" else (output_size,)

    def forward(self, input, hx=None):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        if input.dim() not in (2, 3):
            raise ValueError(f"{self._get_name()}: Expected input to be 2D or 3D, got {input.dim()}D tensor instead")
        batched = input.dim() == 3
        states = self._as_states(hx)
        if states is not None:
            self._check_state_dims(states, batched)
        if not batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
            states = None if states is None else tuple(s.unsqueeze(1) for s in states)
        if self.batch_first:
            input = input.transpose(0, 1)
        steps, batch = input.shape[0], input.shape[1]
        self._check_input(input, 3)
        output, states = self._run(input.reshape(steps * batch, input.shape[2]), [batch] * steps, states)
        output = output.reshape(steps, batch, output.shape[-1])
        if self.batch_first:
            output = output.transpose(0, 1)
        if not batched:
            output = output.squeeze(0 if self.batch_first else 1)
            states = tuple(s.squeeze(1) for s in states)
        return output, self._from_states(states)

    def _forward_packed(self, packed, hx):
        states = self._as_states(hx)
        if states is not None and packed.sorted_indices is not None:
            states = tuple(s.index_select(1, packed.sorted_indices) for s in states)
        self._check_input(packed.data, 2)
        data, states = self._run(packed.data, packed.batch_sizes.tolist(), states)
        if packed.unsorted_indices is not None:
            states = tuple(s.index_select(1, packed.unsorted_indices) for s in states)
        return PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices), \
            self._from_states(states)

    def _as_states(self, hx):
        if hx is None:
            return None
        return tuple(hx) if self.mode == "LSTM" else (hx,)

    def _from_states(self, states):
        return states if self.mode == "LSTM" else states[0]

    def _check_state_dims(self, states, batched):
        for state in states:
            if batched and state.dim() != 3:
                raise ModuleInputError(self, f"For batched 3-D input, hx should also be 3-D but got "
                                             f"{state.dim()}-D tensor")
            if not batched and state.dim() != 2:
                raise ModuleInputError(self, f"For unbatched 2-D input, hx should also be 2-D but got "
                                             f"{state.dim()}-D tensor")

    def _check_input(self, input, expected_dim):
        weight_dtype = self.weight_ih_l0.dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). Convert "
                             f"input: input.to({weight_dtype}), or convert model: model.to({input.dtype})")
        if input.dim() != expected_dim:
            raise ModuleInputError(self, f"input must have {expected_dim} dimensions, got {input.dim()}")
        if input.shape[-1] != self.input_size:
            raise ModuleInputError(self, f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                                         f"got {input.shape[-1]}")

    def _initial_states(self, states, batch, like):
        """The given states checked against torch's expected sizes, or zeros."""
        layers = self.num_layers * len(self._direction_suffixes())
        expected = [(layers, batch, size) for size in self._state_sizes()]
        if states is None:
            return tuple(zeros(shape, dtype=like.dtype, device=like.device) for shape in expected)
        for i, (state, shape) in enumerate(zip(states, expected)):
            if tuple(state.shape) != shape:
                which = f"hidden[{i}] size" if self.mode == "LSTM" else "hidden size"
                raise ModuleInputError(self, f"Expected {which} {shape}, got {list(state.shape)}")
        return states

    def _run(self, data, batch_sizes, states):
        """All layers over packed ``data`` (N, input_size); returns the last layer's output and the final states."""
        states = self._initial_states(states, batch_sizes[0] if batch_sizes else 0, data)
        cell, directions = _CELLS[self.mode], len(self._direction_suffixes())
        weights, finals = self.all_weights, []
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0:
                data = F.dropout(data, self.dropout, self.training)
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                w_ih, w_hh, *rest = weights[index]
                b_ih, b_hh = rest[:2] if self.bias else (None, None)
                w_hr = rest[-1] if self.proj_size else None
                output, final = self._run_direction(cell, F.linear(data, w_ih, b_ih), batch_sizes,
                                                    tuple(s[index] for s in states), (w_hh, b_hh, w_hr), direction)
                outputs.append(output)
                finals.append(final)
            data = outputs[0] if directions == 1 else cat(outputs, 1)
        return data, tuple(stack([f[i] for f in finals]) for i in range(len(states)))

    def _run_direction(self, cell, x_proj, batch_sizes, state, weights, reverse):
        """One direction of one layer: (all outputs, final state); an LSTM without projection over equal-length
        sequences runs as one fused op, anything else step by step."""
        if cell is _lstm_cell and not self.proj_size and batch_sizes and min(batch_sizes) == max(batch_sizes) > 0:
            output, h, c = lstm_layer(x_proj, *state, *weights[:2], reverse)
            return output, (h, c)
        steps, final = (_run_reverse if reverse else _run_forward)(cell, x_proj, batch_sizes, state, weights)
        return cat(steps), final


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if self.nonlinearity not in modes:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(modes[self.nonlinearity], *args, **kwargs)


class LSTM(RNNBase):
    """Long short-term memory; returns ``output, (h_n, c_n)``; ``proj_size`` > 0 projects h (weight_hr)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit with torch's gate order (reset, update, new)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


class RNNCellBase(Module):
    """One step of a recurrence: weight_ih, weight_hh, bias_ih, bias_hh for ``num_chunks`` stacked gates."""

    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), dtype=dtype, device=device))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, dtype=dtype, device=device))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _step(self, input, states, cell):
        """Check shapes, add the batch dimension to unbatched inputs, run ``cell`` once."""
        name = self._get_name()
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if states is not None and any(s.dim() not in (1, 2) for s in states):
            raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {states[0].dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if states is None:
            states = tuple(zeros((input.shape[0], self.hidden_size), dtype=input.dtype, device=input.device)
                           for _ in range(2 if cell is _lstm_cell else 1))
        elif not batched:
            states = tuple(s.unsqueeze(0) for s in states)
        self._check_step_shapes(input, states)
        out = cell(F.linear(input, self.weight_ih, self.bias_ih), states, self.weight_hh, self.bias_hh)
        return out if batched else tuple(s.squeeze(0) for s in out)

    def _check_step_shapes(self, input, states):
        if input.shape[1] != self.input_size:
            raise ModuleInputError(self, f"input has inconsistent input_size: got {input.shape[1]} "
                                         f"expected {self.input_size}")
        for i, state in enumerate(states):
            if state.shape[0] != input.shape[0]:
                raise ModuleInputError(self, f"Input batch size {input.shape[0]} doesn't match hidden{i} batch "
                                             f"size {state.shape[0]}")
            if state.shape[1] != self.hidden_size:
                raise ModuleInputError(self, f"hidden{i} has inconsistent hidden_size: got {state.shape[1]}, "
                                             f"expected {self.hidden_size}")


class RNNCell(RNNCellBase):
    """One step of an Elman RNN with tanh or relu."""

    __constants__ = ["input_size", "hidden_size", "bias", "nonlinearity"]

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        cells = {"tanh": _rnn_tanh_cell, "relu": _rnn_relu_cell}
        if self.nonlinearity not in cells:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._step(input, None if hx is None else (hx,), cells[self.nonlinearity])[0]


class LSTMCell(RNNCellBase):
    """One LSTM step; returns ``(h_1, c_1)``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._step(input, None if hx is None else tuple(hx), _lstm_cell)


class GRUCell(RNNCellBase):
    """One GRU step."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._step(input, None if hx is None else (hx,), _gru_cell)[0]
