"""RNN, LSTM, GRU and their cells against torch: outputs, final states, gradients of inputs, states and every
parameter, packed sequences, reprs, state_dict keys and errors."""
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.kernels._numba as compiled_kernels
from module_oracle import assert_same_parameter_grads, copy_state
from oracle import assert_same, to_ember, to_torch

RNG = np.random.default_rng(0)
LAYERS = ["RNN", "LSTM", "GRU"]


@pytest.fixture(autouse=True, params=["numba", "NumPy"])
def kernels(request):
    """Every test runs twice: with the compiled LSTM backward step, and on NumPy alone."""
    previous = compiled_kernels.use(request.param == "numba")
    assert compiled_kernels.available() == (request.param == "numba"), "the test dependencies include numba"
    yield request.param
    compiled_kernels.use(previous)


def randn(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def _flat(out):
    """Every tensor in a (nested) result, PackedSequence data included, in order."""
    if isinstance(out, (tuple, list)) and not hasattr(out, "batch_sizes"):
        return [t for o in out for t in _flat(o)]
    return [out.data if hasattr(out, "batch_sizes") else out]


def _pair(build):
    t_mod, e_mod = build(torch.nn), build(ember.nn)
    copy_state(e_mod, t_mod)
    return t_mod, e_mod


def check_recurrent(build, run, *inputs, atol=None, rtol=None):
    """``run(lib, module, *tensors)`` agrees between ember and torch forward, and backward for every gradient."""
    t_mod, e_mod = _pair(build)
    t_in, e_in = [to_torch(x, True) for x in inputs], [to_ember(x, True) for x in inputs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_out = _flat(run(torch, t_mod, *t_in))
    e_out = _flat(run(ember, e_mod, *e_in))
    assert_same(e_out, t_out, "forward", atol, rtol)
    upstream = [RNG.standard_normal(tuple(t.shape)).astype(np.float32 if t.dtype == torch.float32 else np.float64)
                for t in t_out]
    torch.autograd.backward(t_out, [torch.from_numpy(u) for u in upstream])
    ember.autograd.backward(e_out, [ember.from_numpy(u.copy()) for u in upstream])
    for i, (e, t) in enumerate(zip(e_in, t_in)):
        assert_same(e.grad, t.grad, f"grad of input {i}", atol, rtol)
    assert_same_parameter_grads(e_mod, t_mod, atol, rtol)
    return e_mod, t_mod


def _states(mode, *shape):
    """Initial states for ``mode``: h0, or (h0, c0) for LSTM (c has hidden_size, h may be projected)."""
    return [randn(*shape)] if mode != "LSTM" else [randn(*shape[:-1], shape[-1]), randn(*shape[:-1], 5)]


def _call_with_states(lib, module, x, *states):
    if not states:
        return module(x)
    return module(x, tuple(states) if len(states) == 2 else states[0])


OPTIONS = [dict(), dict(num_layers=2), dict(bias=False), dict(batch_first=True), dict(bidirectional=True),
           dict(num_layers=3, bidirectional=True, batch_first=True), dict(num_layers=2, dropout=0.0)]


@pytest.mark.parametrize("mode", LAYERS)
@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("given_states", [False, True])
def test_layer_matches_torch(mode, options, given_states):
    layers = options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
    x = randn(4, 6, 3) if options.get("batch_first") else randn(6, 4, 3)
    states = _states(mode, layers, 4, 5) if given_states else []
    check_recurrent(lambda nn: getattr(nn, mode)(3, 5, **options), _call_with_states, x, *states)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_nonlinearity(nonlinearity):
    check_recurrent(lambda nn: nn.RNN(3, 5, 2, nonlinearity=nonlinearity), _call_with_states, randn(5, 2, 3),
                    randn(2, 2, 5))
    check_recurrent(lambda nn: nn.RNN(3, 5, 1, nonlinearity), _call_with_states, randn(5, 2, 3))


@pytest.mark.parametrize("options", [dict(), dict(num_layers=2, bidirectional=True), dict(batch_first=True)],
                         ids=str)
@pytest.mark.parametrize("given_states", [False, True])
def test_lstm_projection(options, given_states):
    layers = options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
    x = randn(3, 5, 4)
    states = [randn(layers, 3 if options.get("batch_first") else 5, 2), randn(layers, 3 if options.get(
        "batch_first") else 5, 6)] if given_states else []
    e_mod, _ = check_recurrent(lambda nn: nn.LSTM(4, 6, proj_size=2, **options), _call_with_states, x, *states)
    assert tuple(e_mod.weight_hr_l0.shape) == (2, 6) and tuple(e_mod.weight_hh_l0.shape) == (24, 2)


@pytest.mark.parametrize("mode", LAYERS)
@pytest.mark.parametrize("options", [dict(), dict(num_layers=2, bidirectional=True, batch_first=True)], ids=str)
@pytest.mark.parametrize("given_states", [False, True])
def test_unbatched_input(mode, options, given_states):
    layers = options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
    states = _states(mode, layers, 5) if given_states else []
    check_recurrent(lambda nn: getattr(nn, mode)(3, 5, **options), _call_with_states, randn(7, 3), *states)


def _run_packed(lengths, batch_first, enforce_sorted):
    def run(lib, module, x, *states):
        packed = lib.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=batch_first,
                                                       enforce_sorted=enforce_sorted)
        output, hidden = _call_with_states(lib, module, packed, *states)
        assert type(output).__name__ == "PackedSequence"
        padded, _ = lib.nn.utils.rnn.pad_packed_sequence(output, batch_first=batch_first)
        return padded, hidden
    return run


@pytest.mark.parametrize("mode", LAYERS)
@pytest.mark.parametrize("options", [dict(), dict(num_layers=2, bidirectional=True), dict(batch_first=True),
                                     dict(bidirectional=True, bias=False)], ids=str)
@pytest.mark.parametrize("lengths, enforce_sorted", [([5, 3, 3, 1], True), ([2, 5, 1, 4], False),
                                                      ([4, 4, 4, 4], True)])
@pytest.mark.parametrize("given_states", [False, True])
def test_packed_sequence(mode, options, lengths, enforce_sorted, given_states):
    layers = options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
    x = randn(4, max(lengths), 3) if options.get("batch_first") else randn(max(lengths), 4, 3)
    states = _states(mode, layers, 4, 5) if given_states else []
    check_recurrent(lambda nn: getattr(nn, mode)(3, 5, **options),
                    _run_packed(lengths, options.get("batch_first", False), enforce_sorted), x, *states)


def test_packed_lstm_with_projection():
    check_recurrent(lambda nn: nn.LSTM(3, 5, proj_size=2, bidirectional=True),
                    _run_packed([4, 2, 1], False, False), randn(4, 3, 3))


@pytest.mark.parametrize("mode", LAYERS)
def test_packed_output_keeps_batch_sizes_and_indices(mode):
    layer = getattr(ember.nn, mode)(3, 4)
    packed = ember.nn.utils.rnn.pack_padded_sequence(ember.randn(5, 3, 3), [2, 5, 3], enforce_sorted=False)
    output, _ = layer(packed)
    assert isinstance(output, ember.nn.utils.rnn.PackedSequence)
    assert output.batch_sizes.tolist() == packed.batch_sizes.tolist()
    assert output.sorted_indices.tolist() == packed.sorted_indices.tolist()
    assert tuple(output.data.shape) == (10, 4)


@pytest.mark.parametrize("mode", LAYERS)
def test_float64(mode):
    e_mod, _ = check_recurrent(lambda nn: getattr(nn, mode)(3, 4, 2).double(), _call_with_states,
                               randn(5, 2, 3, dtype=np.float64))
    assert e_mod.weight_ih_l0.dtype == ember.float64


@pytest.mark.parametrize("mode", LAYERS)
def test_dropout_in_eval_mode_is_exact(mode):
    check_recurrent(lambda nn: getattr(nn, mode)(3, 5, num_layers=3, dropout=0.5).eval(), _call_with_states,
                    randn(6, 2, 3))


@pytest.mark.parametrize("mode", LAYERS)
def test_dropout_in_training_changes_output(mode):
    ember.manual_seed(0)
    layer = getattr(ember.nn, mode)(3, 8, num_layers=2, dropout=0.5)
    x = ember.randn(6, 2, 3)
    output, _ = layer(x)
    assert tuple(output.shape) == (6, 2, 8)
    layer.eval()
    assert not ember.allclose(output, layer(x)[0])


@pytest.mark.parametrize("build", [
    lambda nn: nn.LSTM(10, 20, num_layers=2, batch_first=True), lambda nn: nn.LSTM(10, 20, proj_size=5),
    lambda nn: nn.GRU(3, 4, bias=False, dropout=0.25, num_layers=2, bidirectional=True), lambda nn: nn.RNN(3, 4),
    lambda nn: nn.RNN(3, 4, nonlinearity="relu"), lambda nn: nn.RNN(3, 4, 2, "relu"),
    lambda nn: nn.RNNCell(3, 4), lambda nn: nn.RNNCell(3, 4, bias=False, nonlinearity="relu"),
    lambda nn: nn.LSTMCell(3, 4), lambda nn: nn.GRUCell(3, 4, bias=False)])
def test_repr_and_state_dict_match_torch(build):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_mod, e_mod = build(torch.nn), build(ember.nn)
    assert repr(e_mod) == repr(t_mod)
    t_state, e_state = t_mod.state_dict(), e_mod.state_dict()
    assert list(e_state) == list(t_state)
    assert [tuple(v.shape) for v in e_state.values()] == [tuple(v.shape) for v in t_state.values()]


@pytest.mark.parametrize("build", [lambda nn: nn.LSTM(4, 6, 2, bidirectional=True, proj_size=3),
                                   lambda nn: nn.GRU(4, 6, 3, bias=False)])
def test_state_dicts_interchange_both_ways(build):
    t_mod, e_mod = build(torch.nn), build(ember.nn)
    t_mod.load_state_dict({k: torch.from_numpy(v.detach().numpy().copy()) for k, v in e_mod.state_dict().items()})
    x = randn(3, 2, 4)
    assert_same(e_mod(ember.from_numpy(x))[0], t_mod(torch.from_numpy(x))[0])


@pytest.mark.parametrize("mode, hidden_size", [("LSTM", 4), ("GRU", 100), ("RNN", 9)])
def test_default_init_is_uniform_within_one_over_sqrt_hidden(mode, hidden_size):
    layer = getattr(ember.nn, mode)(7, hidden_size, 2, bidirectional=True)
    bound = 1 / hidden_size ** 0.5
    for name, param in layer.named_parameters():
        values = param.detach().numpy()
        assert values.dtype == np.float32 and np.abs(values).max() <= bound, name
        assert values.std() > bound / 4, name


def test_flatten_parameters_and_all_weights():
    layer = ember.nn.LSTM(3, 4, 2, bidirectional=True)
    assert layer.flatten_parameters() is None
    t_layer = torch.nn.LSTM(3, 4, 2, bidirectional=True)
    assert [[tuple(w.shape) for w in ws] for ws in layer.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in t_layer.all_weights]


CELLS = [("RNNCell", {}), ("RNNCell", dict(nonlinearity="relu")), ("RNNCell", dict(bias=False)),
         ("LSTMCell", {}), ("LSTMCell", dict(bias=False)), ("GRUCell", {}), ("GRUCell", dict(bias=False))]


def _call_cell(lib, cell, x, *states):
    if not states:
        return cell(x)
    return cell(x, tuple(states) if len(states) == 2 else states[0])


@pytest.mark.parametrize("name, options", CELLS, ids=str)
@pytest.mark.parametrize("batch", [3, None])
@pytest.mark.parametrize("given_states", [False, True])
def test_cell_matches_torch(name, options, batch, given_states):
    shape = (batch,) if batch else ()
    states = [randn(*shape, 5) for _ in range(2 if name == "LSTMCell" else 1)] if given_states else []
    check_recurrent(lambda nn: getattr(nn, name)(4, 5, **options), _call_cell, randn(*shape, 4), *states)


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_unrolled_equals_layer(name):
    """A cell stepped by hand over a sequence gives the one-layer module's output (same weights)."""
    cell = getattr(ember.nn, name)(3, 4)
    layer = getattr(ember.nn, name[:-4])(3, 4)
    layer.load_state_dict({f"{k}_l0": v for k, v in cell.state_dict().items()})
    x = ember.randn(5, 2, 3)
    state = None
    for step in x:
        state = cell(step, state)
    h = state[0] if name == "LSTMCell" else state
    assert ember.allclose(h, layer(x)[0][-1], atol=1e-6)


def _raises_like_torch(build, run):
    """``run(lib, module)`` raises the same class on both; returns ember's message."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_mod, e_mod = build(torch.nn), build(ember.nn)
    with pytest.raises(Exception) as t_err:
        run(torch, t_mod)
    with pytest.raises(t_err.type) as e_err:
        run(ember, e_mod)
    return str(e_err.value)


@pytest.mark.parametrize("mode", LAYERS)
@pytest.mark.parametrize("run, words", [
    (lambda lib, m: m(lib.randn(5, 2, 4)), "input_size. Expected 3, got 4"),
    (lambda lib, m: m(lib.randn(5, 2, 3, 1)), "Expected input to be 2D or 3D"),
    (lambda lib, m: m(lib.randn(5, 2, 3, dtype=lib.float64)), "does not match weight dtype"),
    (lambda lib, m: m(lib.randn(5, 2, 3), lib.randn(1, 3, 6) if m.mode != "LSTM" else
                      (lib.randn(1, 3, 6), lib.randn(1, 3, 6))), "Expected hidden"),
    (lambda lib, m: m(lib.randn(5, 2, 3), lib.randn(1, 6) if m.mode != "LSTM" else
                      (lib.randn(1, 6), lib.randn(1, 6))), "hx should also be 3-D"),
    (lambda lib, m: m(lib.randn(5, 3), lib.randn(1, 1, 6) if m.mode != "LSTM" else
                      (lib.randn(1, 1, 6), lib.randn(1, 1, 6))), "hx should also be 2-D"),
])
def test_layer_errors_match_torch(mode, run, words):
    message = _raises_like_torch(lambda nn: getattr(nn, mode)(3, 6), run)
    assert words in message and (mode in message or "dtype" in words)


def test_lstm_cell_state_error_names_hidden_1():
    message = _raises_like_torch(lambda nn: nn.LSTM(3, 6, proj_size=2),
                                 lambda lib, m: m(lib.randn(5, 2, 3), (lib.randn(1, 2, 2), lib.randn(1, 2, 2))))
    assert "Expected hidden[1] size (1, 2, 6), got [1, 2, 2]" in message


def test_error_names_the_layer_inside_a_model():
    model = ember.nn.Sequential(ember.nn.Linear(2, 3), ember.nn.LSTM(4, 5))
    with pytest.raises(RuntimeError, match=r"1 \(LSTM\)"):
        model(ember.randn(3, 2, 2))


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("run", [
    lambda lib, c: c(lib.randn(2, 5)),
    lambda lib, c: c(lib.randn(2, 3, 4)),
    lambda lib, c: c(lib.randn(2, 4), lib.randn(2, 2, 5) if c.__class__.__name__ != "LSTMCell" else
                     (lib.randn(2, 2, 5), lib.randn(2, 2, 5))),
    lambda lib, c: c(lib.randn(2, 4), lib.randn(2, 6) if c.__class__.__name__ != "LSTMCell" else
                     (lib.randn(2, 6), lib.randn(2, 6))),
])
def test_cell_errors_match_torch(name, run):
    _raises_like_torch(lambda nn: getattr(nn, name)(4, 5), run)


@pytest.mark.parametrize("build", [
    lambda nn: nn.LSTM(3, 4, proj_size=4), lambda nn: nn.LSTM(3, 4, proj_size=-1), lambda nn: nn.GRU(3, 4, dropout=2),
    lambda nn: nn.RNN(3, 4, nonlinearity="gelu"), lambda nn: nn.GRU(3, 4, proj_size=2), lambda nn: nn.RNN(0, 4),
    lambda nn: nn.LSTM(3, 4, bias=1), lambda nn: nn.LSTM(3, 4.0), lambda nn: nn.GRU(3, 4, num_layers=0)])
def test_constructor_errors_match_torch(build):
    with pytest.raises(Exception) as t_err:
        build(torch.nn)
    with pytest.raises(t_err.type) as e_err:
        build(ember.nn)
    assert str(e_err.value) == str(t_err.value)


def test_dropout_with_one_layer_warns_as_torch():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        ember.nn.LSTM(3, 4, dropout=0.5)


@pytest.mark.parametrize("bias", [True, False])
def test_fused_lstm_cell_gradients_of_every_order(bias):
    from ember.ops.rnn import lstm_cell_step
    inputs = [ember.randn(*shape, dtype=ember.float64, requires_grad=True)
              for shape in [(2, 12), (2, 4), (2, 3), (12, 4)] + ([(12,)] if bias else [])]
    assert ember.autograd.gradcheck(lambda *args: lstm_cell_step(*args), inputs)
    assert ember.autograd.gradgradcheck(lambda *args: lstm_cell_step(*args), inputs)


@pytest.mark.parametrize("mode", LAYERS)
def test_double_backward_matches_torch(mode):
    def run(lib, module, x):
        output, state = module(x)
        last = state[1] if mode == "LSTM" else state
        (grad,) = lib.autograd.grad((output ** 2).sum() + last.sum(), x, create_graph=True)
        return grad
    check_recurrent(lambda nn: getattr(nn, mode)(3, 4, 2).double(), run, randn(4, 2, 3, dtype=np.float64))


@pytest.mark.parametrize("bias", [True, False])
def test_fused_gru_cell_gradients_of_every_order(bias):
    from ember.ops.rnn import gru_cell_step
    inputs = [ember.randn(*shape, dtype=ember.float64, requires_grad=True)
              for shape in [(2, 9), (2, 3), (9, 3)] + ([(9,)] if bias else [])]
    assert ember.autograd.gradcheck(lambda *args: gru_cell_step(*args), inputs)
    assert ember.autograd.gradgradcheck(lambda *args: gru_cell_step(*args), inputs)


@pytest.mark.parametrize("mode", LAYERS)
def test_inference_under_no_grad(mode):
    t_mod, e_mod = _pair(lambda nn: getattr(nn, mode)(3, 4, 2, bidirectional=True))
    x = randn(5, 2, 3)
    with torch.no_grad(), ember.no_grad():
        t_out, e_out = _flat(t_mod(torch.from_numpy(x))), _flat(e_mod(ember.from_numpy(x)))
    assert_same(e_out, t_out)
    assert not any(e.requires_grad for e in e_out)


@pytest.mark.parametrize("layers, bidirectional", [(1, False), (2, True)])
def test_fused_lstm_layer_over_a_long_sequence_matches_torch(layers, bidirectional):
    """The whole-sequence LSTM op (forward loop and BPTT on arrays) on 40 steps with large pre-activations."""
    states = [randn(layers * (1 + bidirectional), 3, 16) for _ in range(2)]
    e_mod, _ = check_recurrent(lambda nn: nn.LSTM(5, 16, layers, bidirectional=bidirectional), _call_with_states,
                               randn(40, 3, 5) * 3, *states)
    node = e_mod(ember.randn(40, 3, 5))[0].grad_fn.next_functions[0][0]  # under the final reshape
    if bidirectional:
        node = node.next_functions[0][0]  # under the cat of the two directions
    assert node.name() == "MkldnnRnnLayerBackward0"


def test_lstm_backward_takes_the_compiled_step_with_numba(monkeypatch, kernels):
    """With numba the LSTM backward runs its pointwise part in the compiled step; without, on NumPy."""
    import ember.kernels.rnn_fused as fused
    calls = []
    monkeypatch.setattr(fused, "lstm_step_backward", lambda *a, _f=fused.lstm_step_backward: calls.append(1) or _f(*a))
    check_recurrent(lambda nn: nn.LSTM(3, 4), lambda lib, module, x: module(x)[0], randn(5, 2, 3))
    assert len(calls) == (5 if kernels == "numba" else 0)
