"""Indexing and indexed assignment: values, views, errors and gradients compared with real PyTorch."""
import numpy as np
import pytest
import torch

import ember
from oracle import assert_same, check, check_error

rng = np.random.default_rng(2)
X = rng.standard_normal((4, 5, 3)).astype(np.float32)
V = rng.standard_normal((4,)).astype(np.float32)
MASK_2D = X[:, :, 0] > 0
MASK_1D = np.array([True, False, True, True])


def _keys(lib):
    """Index keys built with ``lib`` (tensor keys must be the library's own tensors)."""
    return {
        "int": 1, "neg_int": -1, "int_int": (2, -3), "all_ints": (1, 2, 0),
        "slice": slice(1, 3), "slice_step": slice(None, None, 2), "slice_neg": slice(-3, -1),
        "slice_past_end": slice(2, 100), "slice_empty": slice(3, 1),
        "slices": (slice(None), slice(1, 4, 2)), "int_slice": (0, slice(2, None)),
        "none": None, "none_mid": (slice(None), None, 1), "ellipsis": Ellipsis, "ellipsis_int": (Ellipsis, 0),
        "none_ellipsis_int": (None, Ellipsis, 0), "ellipsis_mid": (1, Ellipsis, 2),
        "mask_1d": lib.tensor(MASK_1D), "mask_2d": lib.tensor(MASK_2D), "mask_full": lib.tensor(X > 0),
        "mask_then_slice": (lib.tensor(MASK_1D), slice(1, None)),
        "slice_then_mask": (slice(None), lib.tensor(X[0, :, 0] > 0)),
        "mask_all_false": lib.tensor(np.zeros(4, bool)),
        "long": lib.tensor([0, 2]), "long_neg": lib.tensor([-1, 0, -1]), "long_2d": lib.tensor([[0, 1], [3, 3]]),
        "list": [0, 2], "list_repeat": [1, 1, 1], "slice_list": (slice(None), [0, 2]),
        "list_slice_list": ([0, 1], slice(None), [2, 0]), "two_lists": ([0, 3], [4, 1]),
        "list_int": ([0, 1], 2), "int_list": (1, [0, 4]), "list_none": ([0, 1], None),
        "int32_tensor": lib.tensor([3, 1], dtype=lib.int32), "uint8_mask": lib.tensor(MASK_1D.astype(np.uint8)),
        "scalar_tensor": lib.tensor(2), "scalar_bool": lib.tensor(True),
        "tensor_and_slice": (lib.tensor([1, 2]), slice(None, None, 2), 0),
        "empty_list": [],
        "list_of_lists_is_tuple": [[0, 1], [1, 2]], "list_with_slice_is_tuple": [0, slice(1, 3)],
        "list_of_0d_tensors_is_tuple": [lib.tensor(0), lib.tensor(1)],
        "ndarray": np.array([[0, 1], [1, 2]]), "tensor_slice_bounds": slice(lib.tensor(1), lib.tensor(3)),
        "numpy_int": np.int64(2), "true": True, "false": False, "tuple_in_key": ((0, 2),),
        "int_slice_list": (1, slice(None), [0, 2]), "list_slice_int": ([0, 3], slice(None), 1),
        "int_slice_tensor_none": (2, slice(1, None), lib.tensor([[0], [1]]), None),
        "mask_slice_int": (lib.tensor(MASK_1D), slice(None), 0),
    }


KEY_NAMES = list(_keys(ember))


def both(fn):
    """``fn`` run with each library: (ember result, torch result)."""
    return fn(ember), fn(torch)


@pytest.mark.parametrize("name", KEY_NAMES)
def test_getitem_values_and_grads(name):
    check(lambda lib, x: x[_keys(lib)[name]], X)


@pytest.mark.parametrize("name", KEY_NAMES)
def test_getitem_int_tensor(name):
    check(lambda lib, x: x[_keys(lib)[name]], X.astype(np.int64))


@pytest.mark.parametrize("name", KEY_NAMES)
def test_getitem_grad_fn_name(name):
    def name_of(lib):
        out = lib.tensor(X, requires_grad=True)[_keys(lib)[name]]
        return out.grad_fn.name()
    e, t = both(name_of)
    assert e == t


def test_named_grad_fns():
    for key, expected in ((0, "SelectBackward0"), (slice(1, 3), "SliceBackward0")):
        e = ember.tensor(X, requires_grad=True)[key]
        assert e.grad_fn.name() == expected
    assert ember.tensor(X, requires_grad=True)[ember.tensor([0, 1])].grad_fn.name() == "IndexBackward0"


@pytest.mark.parametrize("name", [n for n, k in _keys(ember).items()
                                  if not isinstance(k, (ember.Tensor, list, bool)) and not
                                  (isinstance(k, tuple) and any(isinstance(i, (ember.Tensor, list, tuple))
                                                                for i in k))])
def test_basic_getitem_is_a_view(name):
    def run(lib):
        x = lib.tensor(X)
        view = x[_keys(lib)[name]]
        view.mul_(-1)
        x.add_(1)
        return x, view, x._version
    assert_same(*both(run))


def test_advanced_getitem_is_a_copy():
    def run(lib):
        x = lib.tensor(X)
        picked = x[lib.tensor([0, 1])]
        picked.zero_()
        return x
    assert_same(*both(run))


def test_repeated_indices_accumulate_grad():
    check(lambda lib, x: x[[0, 0, 2, 0]] * 2, X)
    check(lambda lib, x: x[lib.tensor([[1, 1], [1, 3]]), 2], X)
    check(lambda lib, x: x[[1, 1], [2, 2]], X)


def test_index_twice_and_chain_grads():
    check(lambda lib, x: x[1:][0][lib.tensor([0, 0, 4])][:, 1], X)
    check(lambda lib, x: x.t()[0] if x.ndim == 2 else x[:, 0].t()[1], X)


OUT_OF_RANGE = {
    "int": lambda lib: 4, "neg_int": lambda lib: -5, "second_dim": lambda lib: (0, 5),
    "tensor": lambda lib: lib.tensor([0, 4]), "list": lambda lib: [1, -5], "too_many": lambda lib: (0, 0, 0, 0),
    "mask_shape": lambda lib: lib.tensor([True, False]),
}


@pytest.mark.parametrize("name", OUT_OF_RANGE)
def test_getitem_out_of_range(name):
    check_error(lambda lib: lib.tensor(X)[OUT_OF_RANGE[name](lib)])


@pytest.mark.parametrize("name", OUT_OF_RANGE)
def test_setitem_out_of_range(name):
    def assign(lib):
        x = lib.tensor(X)
        x[OUT_OF_RANGE[name](lib)] = 0.0
    check_error(assign)


def test_bad_index_types():
    check_error(lambda lib: lib.tensor(X)[lib.tensor([0.0, 1.0])])
    check_error(lambda lib: lib.tensor(X)[1.5])
    check_error(lambda lib: lib.tensor(X)["a"])
    check_error(lambda lib: lib.tensor(X)[::-1])


def test_index_0d_tensor():
    check_error(lambda lib: lib.tensor(2.0)[0])
    assert_same(*both(lambda lib: lib.tensor(2.0)[...]))
    assert_same(*both(lambda lib: lib.tensor(2.0)[None]))


# ---- setitem ----
SET_KEYS = ["int", "neg_int", "int_int", "all_ints", "slice", "slice_step", "slices", "int_slice", "none_mid",
            "ellipsis", "ellipsis_int", "mask_1d", "mask_2d", "mask_full", "mask_then_slice", "long", "long_neg",
            "list", "slice_list", "list_slice_list", "two_lists", "int_list", "scalar_tensor", "mask_all_false",
            "int_slice_list", "list_slice_int", "int_slice_tensor_none", "mask_slice_int", "true"]


def _indexed_shape(name):
    return tuple(torch.zeros(X.shape)[_keys(torch)[name]].shape)


@pytest.mark.parametrize("name", SET_KEYS)
def test_setitem_scalar(name):
    def run(lib):
        x = lib.tensor(X)
        x[_keys(lib)[name]] = -7.5
        return x, x._version
    assert_same(*both(run))


@pytest.mark.parametrize("name", SET_KEYS)
def test_setitem_tensor_values_and_grads(name):
    value = rng.standard_normal(_indexed_shape(name)).astype(np.float32)

    def fn(lib, x, v):
        y = x * 1
        y[_keys(lib)[name]] = v * 2
        return y * x
    check(fn, X, value)


@pytest.mark.parametrize("name", ["slice", "int", "mask_2d", "slice_list", "ellipsis_int"])
def test_setitem_broadcast_value(name):
    last = rng.standard_normal(_indexed_shape(name)[-1:]).astype(np.float32)

    def fn(lib, x, v):
        y = x * 1
        y[_keys(lib)[name]] = v
        return y
    check(fn, X, last)


@pytest.mark.parametrize("name", ["int", "slice_step", "mask_2d", "list", "two_lists"])
def test_setitem_grad_fn_type(name):
    def name_of(lib):
        y = lib.tensor(X, requires_grad=True) * 1
        y[_keys(lib)[name]] = 0.0
        return type(y.grad_fn).__name__
    e, t = both(name_of)
    assert e == t


def test_setitem_uint8_mask_with_tensor_value():
    def fn(lib, x, v):
        y = x * 1
        y[lib.tensor(MASK_1D.astype(np.uint8))] = v[:3]
        return y
    check(fn, X, X)


def test_setitem_into_int_tensor_truncates():
    def run(lib):
        x = lib.zeros(4, dtype=lib.int64)
        x[1] = 2.7
        x[2:] = lib.tensor([1.9, -1.9])
        return x
    assert_same(*both(run))


def test_setitem_basic_key_casts_value():
    def run(lib):
        x = lib.zeros(3, dtype=lib.float64)
        x[0] = lib.tensor(1.5, dtype=lib.float32)
        x[1:] = lib.tensor([2, 3])
        x[lib.tensor([0, 2])] = 4
        return x
    assert_same(*both(run))


@pytest.mark.parametrize("key", [[0, 1], "mask"])
def test_setitem_advanced_key_needs_same_dtype(key):
    def assign(lib):
        x = lib.zeros(3, dtype=lib.float64)
        x[lib.tensor([True, False, True]) if key == "mask" else key] = lib.tensor([2.0, 3.0])
    check_error(assign)


@pytest.mark.parametrize("value", [[1, 2, 3], (1, 2, 3), np.arange(3.0)], ids=repr)
def test_setitem_sequence_value_raises(value):
    def assign(lib):
        x = lib.zeros(2, 3)
        x[0] = value
    assert check_error(assign) == f"can't assign a {type(value).__name__.replace('ndarray', 'numpy.ndarray')} " \
                                  "to a torch.FloatTensor"


def test_setitem_shape_mismatch():
    def assign(lib):
        x = lib.zeros(4, 5)
        x[0] = lib.ones(4)
    check_error(assign)


def test_setitem_on_leaf_requiring_grad_raises():
    def assign(lib):
        x = lib.zeros(3, requires_grad=True)
        x[0] = 1.0
    check_error(assign)


def test_setitem_through_view_updates_base_and_grad():
    def fn(lib, x, v):
        y = x * 1
        rows = y[1:3]
        rows[:, 0] = v[:1]
        rows[0, 1:3] = v[1:4]
        return y
    check(fn, X, V)


def test_setitem_keeps_identity_and_bumps_version():
    for lib in (ember, torch):
        x = lib.zeros(3)
        before = id(x)
        x[0] = 1
        x[lib.tensor([1, 2])] = 2
        assert id(x) == before and x._version == 2
        assert x.tolist() == [1.0, 2.0, 2.0]


def test_setitem_duplicate_indices_value_grad():
    def fn(lib, x, v):
        y = x * 1
        y[[0, 2]] = v[:2].unsqueeze(-1).unsqueeze(-1)
        return y.sum(0)
    check(fn, X, V)
