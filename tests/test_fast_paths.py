"""The overhead fast paths give what the general paths give: basic-key indexing, contiguous view, expand's
broadcast view, F.linear without a graph, backward's array-level sum_to_shape."""
import numpy as np
import pytest
import torch

import ember
from ember.ops.view import _broadcast_to
from oracle import assert_same, check

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)

BASIC_KEYS = [0, -1, 1, slice(None), slice(1, None), slice(0, 3, 2), (0, 1), (slice(None), 2), (1, slice(None)),
              (slice(None), slice(None)), (0, slice(1, 3), -1), (slice(None), slice(None), 3), ()]


@pytest.mark.parametrize("key", BASIC_KEYS, ids=repr)
def test_basic_key_values_grads_and_node_names(key):
    check(lambda lib, x: x[key] * 2, X)
    e, t = ember.from_numpy(X.copy()).requires_grad_()[key], torch.from_numpy(X.copy()).requires_grad_()[key]
    assert e.grad_fn.name() == t.grad_fn.name()
    assert e.stride() == t.stride()


@pytest.mark.parametrize("key", [2, -3, (0, 3), (0, 0, 4), (0, 0, 0, 0)], ids=repr)
def test_basic_key_out_of_range_raises_index_error_like_torch(key):
    with pytest.raises(IndexError):
        torch.from_numpy(X.copy())[key]
    with pytest.raises(IndexError):
        ember.from_numpy(X.copy())[key]


def test_basic_key_is_a_view_sharing_memory():
    e = ember.from_numpy(X.copy())
    row = e[1, 1:3]
    row[0, 0] = -5.0
    assert e[1, 1, 0].item() == -5.0


@pytest.mark.parametrize("shape, target", [((), (2, 3)), ((1,), (4,)), ((3,), (2, 3)), ((2, 1), (2, 5)),
                                           ((1, 1), (3, 1, 4)), ((2, 3), (2, 3)), ((1, 0), (4, 0)),
                                           ((2, 1, 3), (5, 2, 1, 3))])
def test_broadcast_view_is_numpys(shape, target):
    a = np.arange(8 * max(1, int(np.prod(shape))), dtype=np.float32)[1:1 + int(np.prod(shape))].reshape(shape)
    ours, numpys = _broadcast_to(a, target), np.broadcast_to(a, target)
    assert ours.shape == numpys.shape and ours.strides == numpys.strides
    assert ours.flags.writeable == numpys.flags.writeable
    assert ours.__array_interface__["data"][0] == numpys.__array_interface__["data"][0]
    np.testing.assert_array_equal(ours, numpys)


def test_expand_and_contiguous_view_match_torch():
    check(lambda lib, x: x[0].view(12).expand(2, 12) * 3, X)
    check(lambda lib, x: x.sum().expand(2, 3), X)
    e, t = ember.ones(3, 1).expand(2, 3, 4), torch.ones(3, 1).expand(2, 3, 4)
    assert e.stride() == t.stride()


def test_linear_without_graph_equals_linear_with_graph():
    layer = ember.nn.Linear(5, 3)
    x = ember.from_numpy(np.random.default_rng(0).standard_normal((4, 5), dtype=np.float32))
    with ember.no_grad():
        plain = layer(x)
    recorded = layer(x)
    assert plain.grad_fn is None and not plain.requires_grad and recorded.grad_fn.name() == "AddmmBackward0"
    np.testing.assert_array_equal(plain.numpy(), recorded.detach().numpy())
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        with ember.no_grad():
            ember.nn.functional.linear(ember.ones(4, 6), layer.weight, layer.bias)


def test_broadcast_gradients_sum_back_to_each_input_shape():
    check(lambda lib, a, b, c: (a + b) * c, X, np.ones((4,), np.float32), np.full((3, 1), 2.0, np.float32))


def test_broadcast_gradients_with_create_graph_keep_torchs_graph():
    grads = []
    for lib in (ember, torch):
        a = lib.ones(2, 3, requires_grad=True)
        b = lib.ones(3, requires_grad=True)
        (gb,) = lib.autograd.grad((a * b).sum(), b, create_graph=True)
        grads.append(gb)
        assert gb.grad_fn.name() == "ViewBackward0"
    assert_same(*grads)
