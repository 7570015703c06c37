"""nn.utils: gradient clipping, parameter/vector conversion, and nn.utils.rnn against torch."""
import numpy as np
import pytest
import torch

import ember
from oracle import assert_same, check, check_error, to_ember, to_torch

RNG = np.random.default_rng(0)
LIBS = [torch, ember]


def randn(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def params_with_grads(lib, grads):
    """Parameters whose .grad are the given numpy arrays (a None entry leaves that grad unset)."""
    params = []
    for g in grads:
        p = lib.nn.Parameter(lib.zeros(*g.shape) if g is not None else lib.zeros(1))
        if g is not None:
            p.grad = lib.from_numpy(g.copy())
        params.append(p)
    return params


GRADS = [randn(3, 2), None, randn(4)]


@pytest.mark.parametrize("max_norm", [0.5, 100.0])
@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf"), "inf"])
def test_clip_grad_norm_matches_torch(max_norm, norm_type):
    t_params, e_params = (params_with_grads(lib, GRADS) for lib in LIBS)
    t_norm = torch.nn.utils.clip_grad_norm_(t_params, max_norm, norm_type=norm_type)
    e_norm = ember.nn.utils.clip_grad_norm_(e_params, max_norm, norm_type=norm_type)
    assert_same(e_norm, t_norm, "total norm")
    for e, t in zip(e_params, t_params):
        assert (e.grad is None) == (t.grad is None)
        if t.grad is not None:
            assert_same(e.grad, t.grad, "clipped grad")


def test_clip_grad_norm_accepts_a_single_tensor_and_no_grads():
    t_param, e_param = (params_with_grads(lib, [GRADS[0]])[0] for lib in LIBS)
    assert_same(ember.nn.utils.clip_grad_norm_(e_param, 1.0), torch.nn.utils.clip_grad_norm_(t_param, 1.0))
    assert_same(e_param.grad, t_param.grad)
    assert_same(ember.nn.utils.clip_grad_norm_([ember.nn.Parameter(ember.ones(1))], 1.0),
                torch.nn.utils.clip_grad_norm_([torch.nn.Parameter(torch.ones(1))], 1.0))


def test_clip_grad_norm_nonfinite():
    for lib in LIBS:
        params = params_with_grads(lib, [np.array([np.inf, 1.0], dtype=np.float32)])
        with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
            lib.nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
        assert lib.nn.utils.clip_grad_norm_(params, 1.0).isinf()


def test_get_total_norm_and_clip_grads_with_norm():
    t_params, e_params = (params_with_grads(lib, GRADS) for lib in LIBS)
    t_norm = torch.nn.utils.get_total_norm([p.grad for p in t_params if p.grad is not None])
    e_norm = ember.nn.utils.get_total_norm([p.grad for p in e_params if p.grad is not None])
    assert_same(e_norm, t_norm)
    torch.nn.utils.clip_grads_with_norm_(t_params, 0.1, t_norm)
    ember.nn.utils.clip_grads_with_norm_(e_params, 0.1, e_norm)
    assert_same(e_params[0].grad, t_params[0].grad)


@pytest.mark.parametrize("clip", [0.3, 2])
def test_clip_grad_value_matches_torch(clip):
    t_params, e_params = (params_with_grads(lib, GRADS) for lib in LIBS)
    torch.nn.utils.clip_grad_value_(t_params, clip)
    ember.nn.utils.clip_grad_value_(e_params, clip)
    for e, t in zip(e_params, t_params):
        if t.grad is not None:
            assert_same(e.grad, t.grad)
    assert float(e_params[0].grad.abs().max()) <= clip * (1 + 1e-6)


def test_parameters_to_vector_and_back():
    check(lambda lib, a, b: lib.nn.utils.parameters_to_vector([a, b]), randn(2, 3), randn(4))
    layer = ember.nn.Linear(3, 2)
    vec = ember.arange(8, dtype=ember.float32)
    ember.nn.utils.vector_to_parameters(vec, layer.parameters())
    assert layer.weight.tolist() == [[0, 1, 2], [3, 4, 5]] and layer.bias.tolist() == [6, 7]
    assert type(layer.weight) is ember.nn.Parameter
    assert ember.nn.utils.parameters_to_vector(layer.parameters()).tolist() == list(range(8))
    for lib in LIBS:
        with pytest.raises(TypeError, match="expected torch.Tensor, but got"):
            lib.nn.utils.vector_to_parameters([1.0], lib.nn.Linear(1, 1).parameters())


# ---- nn.utils.rnn ----
SEQS = [randn(4, 2), randn(2, 2), randn(3, 2)]


def rnn(lib):
    return lib.nn.utils.rnn


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_matches_torch(batch_first, padding_side):
    check(lambda lib, *s: rnn(lib).pad_sequence(s, batch_first=batch_first, padding_value=-1.5,
                                                padding_side=padding_side), *SEQS)


def test_pad_sequence_errors():
    for lib in LIBS:
        with pytest.raises(RuntimeError, match="Expected iterable for input sequences"):
            rnn(lib).pad_sequence(5)


def packed_fields(packed):
    return [packed.data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths", [[4, 3, 1], [2, 4, 4]])
def test_pack_padded_sequence_unsorted_round_trip(batch_first, lengths):
    padded = randn(3, 4, 2) if batch_first else randn(4, 3, 2)

    def run(lib, x):
        packed = rnn(lib).pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
        out, out_lengths = rnn(lib).pad_packed_sequence(packed, batch_first=batch_first, padding_value=9.0,
                                                         total_length=5)
        return packed_fields(packed) + [out, out_lengths]
    check(run, padded)


def test_packed_sequence_layout_and_repr_match_torch():
    t, e = (rnn(lib).pack_sequence([to_torch(s) if lib is torch else to_ember(s) for s in SEQS],
                                   enforce_sorted=False) for lib in LIBS)
    for ef, tf in zip(packed_fields(e), packed_fields(t)):
        assert_same(ef, tf)
    sorted_t, sorted_e = (rnn(lib).pack_sequence([lib.tensor([1.0, 2, 3]), lib.tensor([4.0, 5])]) for lib in LIBS)
    assert repr(sorted_e) == repr(sorted_t)
    assert isinstance(sorted_e, tuple) and sorted_e.data is sorted_e[0]
    assert sorted_e.double().data.dtype == ember.float64 and sorted_e.to(ember.float32) is sorted_e


def test_unpack_and_unpad_sequence():
    packed = rnn(ember).pack_sequence([to_ember(s) for s in SEQS], enforce_sorted=False)
    for got, expected in zip(rnn(ember).unpack_sequence(packed), SEQS):
        np.testing.assert_array_equal(got.numpy(), expected)
    padded = rnn(ember).pad_sequence([to_ember(s) for s in SEQS])
    for got, expected in zip(rnn(ember).unpad_sequence(padded, ember.tensor([4, 2, 3])), SEQS):
        np.testing.assert_array_equal(got.numpy(), expected)


@pytest.mark.parametrize("lengths, exc", [([3, 4, 1], RuntimeError), ([4, 3, 0], RuntimeError)])
def test_pack_padded_sequence_errors(lengths, exc):
    msg = check_error(lambda lib, x: rnn(lib).pack_padded_sequence(x, lengths), randn(4, 3, 2))
    assert "lengths" in msg


def test_pad_packed_sequence_total_length_too_short():
    for lib in LIBS:
        packed = rnn(lib).pack_sequence([lib.ones(3), lib.ones(2)])
        with pytest.raises(ValueError, match="Expected total_length to be at least"):
            rnn(lib).pad_packed_sequence(packed, total_length=2)
