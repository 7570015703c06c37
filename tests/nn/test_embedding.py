"""Embedding and EmbeddingBag against torch with the same weights: outputs, weight gradients (padding row,
frequency scaling, sparse gradients), max_norm renormalisation in place, per_sample_weights, offsets, errors,
modules (default init, from_pretrained, repr)."""
import numpy as np
import pytest
import torch

import ember
import ember.nn  # noqa: F401 - ember.nn is not imported by ember itself (yet)
from ember.ops.embedding import SparseGrad
from module_oracle import check_module
from oracle import assert_same, check, check_error

rng = np.random.default_rng(0)


def table(rows=10, dim=4, dtype=np.float32):
    return np.asarray(rng.standard_normal((rows, dim)), dtype)


def ids(shape, high=10, dtype=np.int64):
    return rng.integers(0, high, shape).astype(dtype)


def node_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


# ---- F.embedding ----
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4), ()])
@pytest.mark.parametrize("index_dtype", [np.int64, np.int32])
@pytest.mark.parametrize("weight_dtype", [np.float32, np.float64])
def test_embedding(shape, index_dtype, weight_dtype):
    e, t = check(lambda lib, i, w: lib.nn.functional.embedding(i, w), ids(shape, dtype=index_dtype),
                 table(dtype=weight_dtype))
    assert node_name(e) == node_name(t) == "EmbeddingBackward0"


@pytest.mark.parametrize("padding_idx", [None, 3])
def test_embedding_frequent_indices(padding_idx):
    """Indices repeated many times (and at most a few times): the gradient sums every lookup of a row."""
    indices = np.concatenate([np.full(50, 3), ids(200), np.full(20, 7), np.full(10, 1)])
    rng.shuffle(indices)
    check(lambda lib, i, w: lib.nn.functional.embedding(i, w, padding_idx), indices.reshape(7, 40), table())


@pytest.mark.parametrize("padding_idx", [0, 3, 9, -1, -10])
def test_embedding_padding_row_gets_no_gradient(padding_idx):
    indices = np.array([[0, 3, 9, 3], [9, 9, 1, 0]])
    check(lambda lib, i, w: lib.nn.functional.embedding(i, w, padding_idx=padding_idx), indices, table())


@pytest.mark.parametrize("padding_idx", [None, 2])
def test_embedding_scale_grad_by_freq(padding_idx):
    indices = np.array([[1, 2, 1, 1], [5, 2, 7, 1]])
    check(lambda lib, i, w: lib.nn.functional.embedding(i, w, padding_idx, scale_grad_by_freq=True), indices, table())


def test_embedding_second_derivative():
    """The weight gradient is linear in the upstream gradient: differentiate it once more. (Not with
    scale_grad_by_freq: torch's double backward ignores the scaling there, ember's keeps it.)"""
    indices, w, v = ids((3, 4)), table(), rng.standard_normal((3, 4, 4)).astype(np.float32)
    results = []
    for lib in (ember, torch):
        weight, up = lib.tensor(w, requires_grad=True), lib.tensor(v, requires_grad=True)
        out = lib.nn.functional.embedding(lib.tensor(indices), weight, padding_idx=2)
        (g,) = lib.autograd.grad(out, weight, up, create_graph=True)
        (g * g).sum().backward()
        results.append(up.grad)
    assert_same(*results)


@pytest.mark.parametrize("max_norm, norm_type", [(1.0, 2.0), (0.5, 1.0), (1.5, 3.0), (0.7, float("inf"))])
def test_embedding_max_norm_renormalises_rows_in_place(max_norm, norm_type):
    indices, w = np.array([[1, 2, 2], [4, 7, 1]]), table() * 2
    results = []
    for lib in (ember, torch):
        weight = lib.tensor(w, requires_grad=True)
        out = lib.nn.functional.embedding(lib.tensor(indices), weight, max_norm=max_norm, norm_type=norm_type)
        out.backward(lib.ones_like(out))
        results.append((out, weight, weight.grad))
    for e, t in zip(*results):
        assert_same(e, t, atol=1e-6)
    renormed = results[0][1].detach().numpy()
    untouched = [r for r in range(10) if r not in indices]
    np.testing.assert_array_equal(renormed[untouched], w[untouched])


def test_embedding_max_norm_bumps_the_version():
    weight = ember.tensor(table() * 5)
    before = weight._version
    ember.nn.functional.embedding(ember.tensor([1, 2]), weight, max_norm=1.0)
    assert weight._version > before


# ---- sparse gradients ----
def _sparse_grads(indices_list, padding_idx=None):
    """Backpropagate each lookup in turn into one table, sparse=True, in both libraries."""
    grads = []
    w = table()
    for lib in (ember, torch):
        weight = lib.tensor(w, requires_grad=True)
        for indices in indices_list:
            out = lib.nn.functional.embedding(lib.tensor(indices), weight, padding_idx=padding_idx, sparse=True)
            (out * lib.arange(4.0)).sum().backward()
        grads.append(weight.grad)
    return grads


@pytest.mark.parametrize("padding_idx", [None, 0, 4])
@pytest.mark.parametrize("index_dtype", [np.int64, np.int32])
def test_sparse_gradient(padding_idx, index_dtype):
    e, t = _sparse_grads([np.array([[4, 0, 4], [2, 9, 2]], index_dtype)], padding_idx)
    assert isinstance(e, SparseGrad) and e.is_sparse and t.is_sparse
    t = t.coalesce()
    assert_same(e.coalesce()._indices(), t._indices())
    assert_same(e.coalesce()._values(), t._values())
    assert e._nnz() == t._nnz()
    assert_same(e.to_dense(), t.to_dense())
    assert type(e.to_dense()) is ember.Tensor


def test_sparse_gradients_accumulate_rows():
    e, t = _sparse_grads([np.array([1, 3]), np.array([3, 5, 5])])
    assert e.is_sparse
    t = t.coalesce()
    assert_same(e._indices(), t._indices())
    assert_same(e._values(), t._values())


def test_sparse_plus_dense_gradient_is_dense():
    w = table()
    grads = []
    for lib in (ember, torch):
        weight = lib.tensor(w, requires_grad=True)
        lib.nn.functional.embedding(lib.tensor([1, 2]), weight, sparse=True).sum().backward()
        (weight * 2).sum().backward()
        grads.append(weight.grad)
    assert not grads[0].is_sparse and not grads[1].is_sparse
    assert_same(*grads)


def test_zero_grad_keeps_a_sparse_gradient_without_rows():
    grads = []
    for lib in (ember, torch):
        module = lib.nn.Embedding(6, 2, sparse=True)
        module(lib.tensor([1, 4])).sum().backward()
        module.zero_grad(set_to_none=False)
        assert module.weight.grad.is_sparse and module.weight.grad.coalesce()._nnz() == 0
        module(lib.tensor([2, 2])).sum().backward()
        grads.append(module.weight.grad.coalesce())
    assert_same(grads[0]._indices(), grads[1]._indices())
    assert_same(grads[0]._values(), grads[1]._values())


def test_plain_tensors_are_not_sparse():
    assert ember.ones(2).is_sparse is torch.ones(2).is_sparse is False


def test_sparse_with_scale_grad_by_freq_fails_in_backward():
    message = check_error(lambda lib, i, w: lib.nn.functional.embedding(
        i, w.requires_grad_(), scale_grad_by_freq=True, sparse=True).sum().backward(), ids(5), table())
    assert "scale_grad_by_freq not supported with sparse gradients" in message


# ---- errors ----
@pytest.mark.parametrize("indices, weight, padding_idx, words", [
    (np.array([10]), table(), None, "index out of range in self: embedding index 10"),
    (np.array([[1, -1]]), table(), None, "num_embeddings=10"),
    (np.array([1.0]), table(), None, "Long, Int; but got torch.DoubleTensor"),
    (np.array([1]), np.ones(5, np.float32), None, "2-D"),
    (np.array([1]), np.ones((5, 2, 2), np.float32), None, "2-D"),
    (np.array([1]), table(), 10, "Padding_idx must be within num_embeddings"),
    (np.array([1]), table(), -11, "Padding_idx must be within num_embeddings")])
@pytest.mark.parametrize("max_norm", [None, 1.0])
def test_embedding_errors(indices, weight, padding_idx, words, max_norm):
    message = check_error(lambda lib, i, w: lib.nn.functional.embedding(i, w, padding_idx, max_norm), indices, weight)
    assert words in message.replace("2-dimensional", "2-D")


# ---- F.embedding_bag ----
OFFSETS = [np.array([0, 2, 2, 5]), np.array([0]), np.array([0, 1, 2, 3, 4, 5, 6, 7]), np.array([0, 8])]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("offsets", OFFSETS)
@pytest.mark.parametrize("padding_idx", [None, 3])
def test_embedding_bag_1d(mode, offsets, padding_idx):
    indices = np.array([1, 3, 5, 3, 3, 9, 0, 5])
    e, t = check(lambda lib, i, w, o: lib.nn.functional.embedding_bag(i, w, o, mode=mode, padding_idx=padding_idx),
                 indices, table(), offsets)
    assert node_name(e) == node_name(t) == "EmbeddingBagBackward0"


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_embedding_bag_2d(mode, dtype):
    check(lambda lib, i, w: lib.nn.functional.embedding_bag(i, w, mode=mode), ids((4, 5)), table(dtype=dtype))


@pytest.mark.parametrize("offsets", [np.array([0, 2, 2, 5, 8]), np.array([0, 3, 8]), np.array([0, 8])])
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_include_last_offset(offsets, mode):
    check(lambda lib, i, w, o: lib.nn.functional.embedding_bag(i, w, o, mode=mode, include_last_offset=True),
          ids(8), table(), offsets)


@pytest.mark.parametrize("padding_idx", [None, 3])
@pytest.mark.parametrize("two_d", [False, True])
def test_embedding_bag_per_sample_weights(padding_idx, two_d):
    indices = np.array([1, 3, 5, 3, 3, 9, 0, 5])
    psw = rng.standard_normal(8).astype(np.float32)
    if two_d:
        check(lambda lib, i, w, s: lib.nn.functional.embedding_bag(i, w, mode="sum", per_sample_weights=s,
                                                                   padding_idx=padding_idx),
              indices.reshape(2, 4), table(), psw.reshape(2, 4))
    else:
        check(lambda lib, i, w, o, s: lib.nn.functional.embedding_bag(i, w, o, mode="sum", per_sample_weights=s,
                                                                      padding_idx=padding_idx),
              indices, table(), np.array([0, 2, 2, 5]), psw)


def test_embedding_bag_include_last_offset_drops_trailing_indices():
    check(lambda lib, i, w, o: lib.nn.functional.embedding_bag(i, w, o, mode="sum", include_last_offset=True),
          ids(8), table(), np.array([0, 3, 6]))


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_scale_grad_by_freq(mode):
    """Against torch's embedding followed by a sum or mean per bag: torch's own embedding_bag divides every row's
    gradient by the frequency of the smallest index instead of its own (a torch bug ember does not copy)."""
    indices, w = np.array([1, 1, 2, 1, 4, 2]), table()
    ember_weight = ember.tensor(w, requires_grad=True)
    out = ember.nn.functional.embedding_bag(ember.tensor(indices), ember_weight, ember.tensor([0, 3]), mode=mode,
                                            scale_grad_by_freq=True)
    torch_weight = torch.tensor(w, requires_grad=True)
    rows = torch.nn.functional.embedding(torch.tensor(indices), torch_weight, scale_grad_by_freq=True)
    expected = getattr(rows.reshape(2, 3, 4), mode)(1)
    assert_same(out.detach(), expected.detach())
    upstream = rng.standard_normal((2, 4)).astype(np.float32)
    out.backward(ember.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    assert_same(ember_weight.grad, torch_weight.grad)


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_sparse_gradient(mode):
    grads = []
    for lib in (ember, torch):
        weight = lib.tensor(table(), requires_grad=True)
        out = lib.nn.functional.embedding_bag(lib.tensor([1, 4, 4, 7]), weight, lib.tensor([0, 1]), mode=mode,
                                              sparse=True)
        out.backward(lib.ones_like(out))
        grads.append(weight.grad)
    assert grads[0].is_sparse and grads[1].is_sparse
    assert_same(grads[0].to_dense(), grads[1].to_dense())
    assert_same(grads[0]._indices(), grads[1].coalesce()._indices())


@pytest.mark.parametrize("max_norm", [0.5, 1.0])
def test_embedding_bag_max_norm(max_norm):
    results, w = [], table() * 2
    for lib in (ember, torch):
        weight = lib.tensor(w, requires_grad=True)
        out = lib.nn.functional.embedding_bag(lib.tensor([1, 4, 4, 7]), weight, lib.tensor([0, 2]),
                                              max_norm=max_norm)
        out.backward(lib.ones_like(out))
        results.append((out, weight, weight.grad))
    for e, t in zip(*results):
        assert_same(e, t, atol=1e-6)


@pytest.mark.parametrize("mode, samples", [("sum", False), ("mean", False), ("max", False), ("sum", True)])
def test_embedding_bag_second_derivative(mode, samples):
    """torch has no double backward through embedding_bag; ember's is checked numerically."""
    indices, offsets = ember.tensor([1, 2, 3, 1, 5, 6]), ember.tensor([0, 4])
    weight = ember.tensor(table(dtype=np.float64), requires_grad=True)
    per_sample = ember.tensor(rng.standard_normal(6), requires_grad=True) if samples else None
    assert ember.autograd.gradgradcheck(
        lambda w, *s: ember.nn.functional.embedding_bag(indices, w, offsets, mode=mode,
                                                        per_sample_weights=s[0] if s else None),
        (weight, per_sample) if samples else (weight,))


def test_embedding_bag_old_argument_order_warns():
    outs, weight = [], table()
    for lib in (ember, torch):
        w, i, o = lib.tensor(weight), lib.tensor([1, 2, 3]), lib.tensor([0, 1])
        with pytest.warns(UserWarning, match="Argument order of nn.functional.embedding_bag was changed"):
            outs.append(lib.nn.functional.embedding_bag(w, i, o))
    assert_same(*outs)


I8 = np.array([1, 3, 5, 3, 3, 9, 0, 5])


@pytest.mark.parametrize("call, words", [
    (lambda F, i, w, o: F.embedding_bag(i, w, o, mode="foo"), "mode has to be one of sum, mean or max"),
    (lambda F, i, w, o: F.embedding_bag(i, w, mode="sum"), "offsets has to be a 1D Tensor but got None"),
    (lambda F, i, w, o: F.embedding_bag(i, w, o.reshape(1, -1)), "offsets has to be a 1D Tensor"),
    (lambda F, i, w, o: F.embedding_bag(i.reshape(2, 4), w, o), "if input is 2D, then offsets has to be None"),
    (lambda F, i, w, o: F.embedding_bag(i.reshape(2, 2, 2), w, o), "input has to be 1D or 2D Tensor"),
    (lambda F, i, w, o: F.embedding_bag(i, w[0], o), "weight has to be a 2D Tensor"),
    (lambda F, i, w, o: F.embedding_bag(i, w, o, mode="max", sparse=True), "max mode does not support sparse"),
    (lambda F, i, w, o: F.embedding_bag(i, w, o, mode="max", scale_grad_by_freq=True), "scaling the gradient"),
    (lambda F, i, w, o: F.embedding_bag(i, w, o, mode="mean", per_sample_weights=w[0, :1].expand(8)),
     "only supported for mode='sum' (got mode='mean')"),
    (lambda F, i, w, o: F.embedding_bag(i, w, o, mode="sum", per_sample_weights=w[0, :1].expand(7)),
     "must have the same shape as the input"),
    (lambda F, i, w, o: F.embedding_bag(i, w, o, mode="sum", per_sample_weights=w[0, :1].expand(8).double()),
     "to have the same type"),
    (lambda F, i, w, o: F.embedding_bag(i, w, o + 1), "offsets[0] has to be 0"),
    (lambda F, i, w, o: F.embedding_bag(i, w, o * 3), "offsets[-1] can not be greater than input's length 8"),
    (lambda F, i, w, o: F.embedding_bag(i * 2, w, o), "takes value 10 which is not in the valid range [0, 10)"),
    (lambda F, i, w, o: F.embedding_bag(i.float(), w, o), "Long, Int; but got torch.FloatTensor"),
    (lambda F, i, w, o: F.embedding_bag(i, w, o, padding_idx=10), "-10 through 9, but got 10")])
def test_embedding_bag_errors(call, words):
    message = check_error(lambda lib, i, w, o: call(lib.nn.functional, i, w, o), I8, table(), np.array([0, 2, 5]))
    assert words in message


@pytest.mark.parametrize("index_dtype, offset_dtype", [(np.int32, np.int64), (np.int32, np.int32),
                                                       (np.int64, np.int32)])
def test_embedding_bag_index_dtypes(index_dtype, offset_dtype):
    check(lambda lib, i, w, o: lib.nn.functional.embedding_bag(i, w, o, mode="sum"),
          ids(8, dtype=index_dtype), table(), np.array([0, 3], offset_dtype))


def test_embedding_bag_empty_input_gives_empty_bags():
    check(lambda lib, i, w, o: lib.nn.functional.embedding_bag(i, w, o), np.array([], np.int64), table(),
          np.array([0, 0]))


def test_embedding_bag_2d_input_without_columns():
    assert "step must be nonzero" in check_error(lambda lib, i, w: lib.nn.functional.embedding_bag(i, w),
                                                 np.zeros((1, 0), np.int64), table())


def test_embedding_bag_decreasing_offsets():
    assert "non-decreasing" in check_error(lambda lib, i, w, o: lib.nn.functional.embedding_bag(i, w, o),
                                           I8, table(), np.array([0, 3, 2]))


# ---- modules ----
@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 0}, {"padding_idx": -1}, {"max_norm": 1.0},
                                    {"max_norm": 2.0, "norm_type": 1.0, "scale_grad_by_freq": True, "sparse": True}])
def test_embedding_module_repr(kwargs):
    assert repr(ember.nn.Embedding(10, 3, **kwargs)) == repr(torch.nn.Embedding(10, 3, **kwargs))


@pytest.mark.parametrize("kwargs", [{}, {"mode": "sum"}, {"padding_idx": 2, "mode": "max"},
                                    {"max_norm": 2.0, "norm_type": 3.0, "scale_grad_by_freq": True,
                                     "include_last_offset": True, "sparse": True}])
def test_embedding_bag_module_repr(kwargs):
    assert repr(ember.nn.EmbeddingBag(10, 3, **kwargs)) == repr(torch.nn.EmbeddingBag(10, 3, **kwargs))


@pytest.mark.parametrize("padding_idx", [None, 0, 5])
def test_embedding_module_against_torch(padding_idx):
    e, t = check_module(lambda nn: nn.Embedding(10, 4, padding_idx=padding_idx), ids((3, 6)))
    assert e.padding_idx == t.padding_idx and [n for n, _ in e.named_parameters()] == ["weight"]


@pytest.mark.parametrize("max_norm, norm_type", [(0.5, 2.0), (1.0, 1.0)])
def test_embedding_module_max_norm_against_torch(max_norm, norm_type):
    e, t = check_module(lambda nn: nn.Embedding(10, 4, max_norm=max_norm, norm_type=norm_type), ids((3, 6)))
    assert_same(e.weight.detach(), t.weight.detach(), atol=1e-6)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_module_against_torch(mode):
    check_module(lambda nn: nn.EmbeddingBag(10, 4, mode=mode, padding_idx=1), ids((3, 6)))
    t_mod, e_mod = torch.nn.EmbeddingBag(10, 4, mode=mode), ember.nn.EmbeddingBag(10, 4, mode=mode)
    e_mod.load_state_dict({"weight": ember.tensor(t_mod.weight.detach().numpy())})
    indices, offsets = ids(9), np.array([0, 4, 4])
    assert_same(e_mod(ember.tensor(indices), ember.tensor(offsets)),
                t_mod(torch.tensor(indices), torch.tensor(offsets)))


@pytest.mark.parametrize("cls", ["Embedding", "EmbeddingBag"])
@pytest.mark.parametrize("dtype", [None, "float64"])
def test_default_init_is_standard_normal_with_zero_padding_row(cls, dtype):
    module = getattr(ember.nn, cls)(1000, 300, padding_idx=7, dtype=dtype and getattr(ember, dtype))
    w = module.weight.detach().numpy().copy()
    assert w.dtype == (dtype or "float32") and module.weight.requires_grad
    assert not w[7].any()
    rest = np.delete(w, 7, axis=0).astype(np.float64)
    assert abs(rest.mean()) < 0.01 and abs(rest.std() - 1) < 0.01
    module.reset_parameters()
    assert not module.weight.detach().numpy()[7].any() and not np.array_equal(module.weight.detach().numpy(), w)


@pytest.mark.parametrize("freeze", [True, False])
@pytest.mark.parametrize("padding_idx", [None, 1])
def test_embedding_from_pretrained(freeze, padding_idx):
    w = table(5, 3)
    outs = []
    for lib in (ember, torch):
        pretrained = lib.tensor(w)
        module = lib.nn.Embedding.from_pretrained(pretrained, freeze=freeze, padding_idx=padding_idx)
        assert module.weight.requires_grad is not freeze and module.num_embeddings == 5
        pretrained[0, 0] = 7.0  # the weight shares the given tensor's memory
        assert float(module.weight[0, 0]) == 7.0
        out = module(lib.tensor([[1, 2], [4, 1]]))
        assert out.requires_grad is not freeze
        outs.append((out, repr(module)))
    assert_same(outs[0][0], outs[1][0])
    assert outs[0][1] == outs[1][1]


@pytest.mark.parametrize("freeze", [True, False])
def test_embedding_bag_from_pretrained(freeze):
    w = table(5, 3)
    outs = []
    for lib in (ember, torch):
        module = lib.nn.EmbeddingBag.from_pretrained(lib.tensor(w), freeze=freeze, mode="max")
        assert module.weight.requires_grad is not freeze
        outs.append(module(lib.tensor([[1, 2], [4, 1]])))
    assert_same(*outs)


@pytest.mark.parametrize("call, words", [
    (lambda lib: lib.nn.Embedding(5, 3, padding_idx=5), "Padding_idx must be within num_embeddings"),
    (lambda lib: lib.nn.EmbeddingBag(5, 3, padding_idx=-6), "padding_idx must be within num_embeddings"),
    (lambda lib: lib.nn.Embedding(5, 3, _weight=lib.ones(4, 3)), "Shape of weight does not match"),
    (lambda lib: lib.nn.EmbeddingBag(5, 3, _weight=lib.ones(5, 2)), "Shape of weight does not match"),
    (lambda lib: lib.nn.Embedding.from_pretrained(lib.ones(4)), "expected to be 2-dimensional"),
    (lambda lib: lib.nn.EmbeddingBag.from_pretrained(lib.ones(4, 2, 1)), "expected to be 2-dimensional")])
def test_module_construction_errors(call, words):
    assert words in check_error(call)


def test_sparse_module_gradient_marks_the_weight_grad():
    module = ember.nn.Embedding(20, 3, sparse=True)
    module(ember.tensor([[1, 5], [5, 7]])).sum().backward()
    grad = module.weight.grad
    assert grad.is_sparse and grad._indices().tolist() == [[1, 5, 7]]
    assert grad._values().shape == (3, 3) and float(grad.to_dense()[5].sum()) == 6.0
