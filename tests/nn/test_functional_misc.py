"""nn.functional against torch: one_hot, normalize, cosine_similarity, pairwise_distance, pdist and pad (values,
dtypes, gradients, second derivatives, grad_fn names, errors)."""
import inspect

import numpy as np
import pytest
import torch

import ember
import ember.nn  # noqa: F401 - ember.nn is not imported by ember itself (yet)
from oracle import assert_same, check, check_error

rng = np.random.default_rng(0)


def randn(*shape, dtype=np.float32):
    return np.asarray(rng.standard_normal(shape), dtype)


def node_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


def second_order(fn, x):
    """``fn``'s gradient, differentiated once more (create_graph), in both libraries: the input's final grad."""
    grads = []
    for lib in (ember, torch):
        a = lib.tensor(x, requires_grad=True)
        out = fn(lib, a)
        (g,) = lib.autograd.grad(out, a, lib.ones_like(out) * 0.5, create_graph=True)
        (g * g * lib.arange(g.numel(), dtype=g.dtype).reshape(g.shape)).sum().backward()
        grads.append(a.grad)
    assert_same(*grads, "second derivative")


# ---- one_hot ----
@pytest.mark.parametrize("shape", [(5,), (2, 3), (), (0,)])
@pytest.mark.parametrize("num_classes", [-1, 7])
def test_one_hot(shape, num_classes):
    x = rng.integers(0, 5, shape).astype(np.int64)
    if x.size == 0 and num_classes == -1:
        assert "Can not infer" in check_error(lambda lib, a: lib.nn.functional.one_hot(a), x)
    else:
        check(lambda lib, a: lib.nn.functional.one_hot(a, num_classes), x)


@pytest.mark.parametrize("values, num_classes, words", [
    (np.array([1.0]), -1, "LongTensor"), (np.array([1], np.int32), -1, "LongTensor"),
    (np.array([], np.int64), -1, "empty tensor"), (np.array([-1]), -1, "non-negative"),
    (np.array([3]), 3, "num_classes=3"), (np.array([1]), -2, "smaller than num_classes")])
def test_one_hot_errors(values, num_classes, words):
    assert words in check_error(lambda lib, a: lib.nn.functional.one_hot(a, num_classes), values)


# ---- normalize ----
@pytest.mark.parametrize("p", [1, 2.0, 3, float("inf")])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_normalize(p, dim):
    check(lambda lib, a: lib.nn.functional.normalize(a, p, dim), randn(4, 5, 3))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normalize_zero_rows_stay_finite(dtype):
    x = randn(4, 6, dtype=dtype)
    x[2] = 0
    e, _ = check(lambda lib, a: lib.nn.functional.normalize(a, dim=1, eps=1e-6), x)
    assert np.isfinite(e.detach().numpy()).all()


def test_normalize_out():
    x = randn(3, 4)
    outs = []
    for lib in (ember, torch):
        out = lib.empty(3, 4)
        assert lib.nn.functional.normalize(lib.tensor(x), out=out) is out
        outs.append(out)
    assert_same(*outs)


def test_normalize_second_derivative():
    second_order(lambda lib, a: lib.nn.functional.normalize(a, dim=1), randn(3, 4))


def test_normalize_integer_error():
    assert "floating point" in check_error(lambda lib, a: lib.nn.functional.normalize(a), np.ones((2, 3), np.int64))


# ---- cosine_similarity ----
@pytest.mark.parametrize("shapes, dim", [(((4, 5), (4, 5)), 1), (((4, 5), (4, 5)), 0), (((4, 5), (1, 5)), 1),
                                         (((2, 3, 4), (3, 4)), -1), (((5,), (5,)), 0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cosine_similarity(shapes, dim, dtype):
    x1, x2 = (randn(*s, dtype=dtype) for s in shapes)
    e, t = check(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b, dim), x1, x2)
    assert node_name(e) == node_name(t) == "SumBackward1"


def test_cosine_similarity_zero_vector_and_eps():
    x1, x2 = randn(4, 5), randn(4, 5)
    x1[1] = 0
    check(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b), x1, x2)
    check(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b, eps=10.0), x1, x2)


def test_cosine_similarity_mixed_int_float():
    check(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b), np.arange(6).reshape(2, 3), randn(2, 3))


@pytest.mark.parametrize("x1, x2, dim, words", [
    (randn(2, 3), randn(2, 4), 1, "size of tensor a (3)"),
    (np.ones((2, 3), np.int64), np.ones((2, 3), np.int64), 1, "floating point"),
    (randn(2, 3), randn(2, 3), 2, "Dimension out of range")])
def test_cosine_similarity_errors(x1, x2, dim, words):
    assert words in check_error(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b, dim), x1, x2)


# ---- pairwise_distance ----
@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, float("inf")])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shapes", [((4, 5), (4, 5)), ((4, 5), (5,)), ((5,), (5,)), ((2, 3, 4), (3, 4))])
def test_pairwise_distance(p, keepdim, shapes):
    x1, x2 = (randn(*s) for s in shapes)
    check(lambda lib, a, b: lib.nn.functional.pairwise_distance(a, b, p, keepdim=keepdim), x1, x2)


def test_pairwise_distance_eps():
    x = randn(3, 4)
    check(lambda lib, a, b: lib.nn.functional.pairwise_distance(a, b, eps=0.5), x, x.copy())


def test_pairwise_distance_shape_error():
    assert "size of tensor a (3)" in check_error(
        lambda lib, a, b: lib.nn.functional.pairwise_distance(a, b), randn(2, 3), randn(2, 4))


# ---- pdist ----
@pytest.mark.parametrize("p", [0, 0.5, 1, 1.5, 2, 3, float("inf")])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pdist(p, dtype):
    e, t = check(lambda lib, a: lib.nn.functional.pdist(a, p), randn(6, 4, dtype=dtype))
    assert node_name(e) == node_name(t) == "PdistBackward0"


@pytest.mark.parametrize("p", [0.5, 1, 2, 3, float("inf")])
def test_pdist_repeated_rows_and_coordinates(p):
    """Zero distances and zero coordinate differences: torch's gradient conventions there."""
    x = randn(5, 3)
    x[1], x[2, 0] = x[3], x[4, 0]
    check(lambda lib, a: lib.nn.functional.pdist(a, p), x)


@pytest.mark.parametrize("p", [1.5, 2, 3])
def test_pdist_second_derivative(p):
    """torch has no double backward through pdist; ember's is checked numerically."""
    x = ember.tensor(randn(4, 3, dtype=np.float64), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda a: ember.nn.functional.pdist(a, p), (x,))


def test_pdist_single_row_is_empty():
    check(lambda lib, a: lib.nn.functional.pdist(a), randn(1, 4), grad=False)


@pytest.mark.parametrize("x, p, words", [(randn(2, 3, 4), 2, "2D"), (randn(3, 4), -1, "non-negative"),
                                         (np.ones((3, 4), np.int64), 2, "floating-point")])
def test_pdist_errors(x, p, words):
    assert words in check_error(lambda lib, a: lib.nn.functional.pdist(a, p), x)


@pytest.mark.parametrize("name", ["cosine_similarity", "pairwise_distance", "pdist"])
def test_distances_at_the_top_level(name):
    args = (randn(4, 5),) if name == "pdist" else (randn(4, 5), randn(4, 5))
    check(lambda lib, *xs: getattr(lib, name)(*xs), *args)
    assert getattr(ember, name) is getattr(ember.nn.functional, name)


# ---- pad ----
PADS = [(1, 2), (0, 0), (-1, 2), (3, -2), (2, 1, 1, 2), (-2, 3, 3, -1), (1, 1, 2, 0, 1, 2), (2, -1, 0, 1, -1, 1)]


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("pad", PADS)
@pytest.mark.parametrize("batched", [False, True])
def test_pad(mode, pad, batched):
    dims = len(pad) // 2
    x = randn(*((2, 3) if batched else (3,)), *(5, 6, 7)[:dims])
    e, t = check(lambda lib, a: lib.nn.functional.pad(a, pad, mode=mode), x)
    assert node_name(e) == node_name(t).replace("torch::autograd::", "")  # CopySlices: torch names it in C++


@pytest.mark.parametrize("pad", [(1, 1), (1, 2, 3, 4), (1, -1, 0, 2, 1, 1, 2, 0)])
@pytest.mark.parametrize("value", [None, 0.0, 2.5, -1])
def test_pad_constant_any_rank(pad, value):
    check(lambda lib, a: lib.nn.functional.pad(a, pad, value=value), randn(2, 3, 4, 5))


@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.float64])
def test_pad_constant_other_dtypes(dtype):
    x = (randn(3, 4) > 0).astype(dtype)
    check(lambda lib, a: lib.nn.functional.pad(a, [1, 2, 0, 1], value=1), x)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_integer_input(mode):
    check(lambda lib, a: lib.nn.functional.pad(a, (2, 1), mode=mode), np.arange(24).reshape(2, 3, 4))


def test_pad_zero_value_allowed_for_non_constant():
    check(lambda lib, a: lib.nn.functional.pad(a, (1, 1), mode="reflect", value=0.0), randn(2, 3, 4))


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_second_derivative(mode):
    second_order(lambda lib, a: lib.nn.functional.pad(a, (2, 1, 1, 0), mode=mode) ** 2, randn(1, 2, 4, 5))


@pytest.mark.parametrize("shape, pad, mode, words", [
    ((2, 3, 4), (1,), "constant", "divisible by 2"),
    ((2, 3, 4), (1,) * 8, "constant", "padding length 8"),
    ((2, 3, 4), (-3, -2), "constant", "dimension 2 of size 4"),
    ((2, 3, 4), (4, 1), "reflect", "padding (4, 1) at dimension 2"),
    ((2, 3, 4), (-3, -3), "reflect", "Calculated output W: -2"),
    ((2, 3, 4), (-4, 0), "replicate", "Calculated output W: 0"),
    ((2, 3, 4), (1,) * 6, "reflect", "Padding size 6 is not supported for 3D"),
    ((3,), (1, 1), "replicate", "Padding size 2 is not supported for 1D"),
    ((2, 3, 4, 5, 6, 7), (1,) * 6, "circular", "6D"),
    ((2, 3, 4), (5, 1), "circular", "wrapping around more than once"),
    ((2, 3, 4), (1, 1), "foo", "Unrecognised padding mode foo"),
    ((2, 3, 4), (1, 1), "reflect-value", "doesn't take in value"),
    ((0, 3, 4), (1, 1, 1, 1), "reflect", "but got: [0, 3, 4]"),
    ((3, 0, 4), (1, 1, 1, 1), "replicate", "non-zero dimensions"),
])
def test_pad_errors(shape, pad, mode, words):
    value = 2.0 if mode.endswith("-value") else None
    mode = mode.split("-")[0]
    assert words in check_error(lambda lib, a: lib.nn.functional.pad(a, pad, mode=mode, value=value), randn(*shape))


@pytest.mark.parametrize("amount, kind", [(1.0, "float"), (True, "bool")])
def test_pad_amount_type_error(amount, kind):
    message = check_error(lambda lib, a: lib.nn.functional.pad(a, (amount, 1)), randn(2, 3))
    assert f"must be tuple of ints, but found element of type {kind} at pos 0" in message


def test_pad_takes_numpy_integers_and_lists():
    check(lambda lib, a: lib.nn.functional.pad(a, [np.int64(1), np.int32(2)], mode="replicate"), randn(2, 3))


# ---- signatures: torch's parameter names and defaults (where torch's function has a Python signature) ----
def _parameters(fn):
    return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize("module, name", [
    *[("functional", n) for n in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
                                  "feature_alpha_dropout", "embedding", "embedding_bag", "normalize", "pad")],
    *[("init", n) for n in torch.nn.init.__all__]])
def test_function_signature_is_torchs(module, name):
    e, t = getattr(getattr(ember.nn, module), name), getattr(getattr(torch.nn, module), name)
    assert _parameters(e) == _parameters(t)


@pytest.mark.parametrize("cls", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                                 "FeatureAlphaDropout", "Embedding", "EmbeddingBag"])
@pytest.mark.parametrize("method", ["__init__", "forward", "from_pretrained"])
def test_module_signature_is_torchs(cls, method):
    t = getattr(getattr(torch.nn, cls), method, None)
    e = getattr(getattr(ember.nn, cls), method, None)
    assert (e is None) == (t is None)
    if t is not None:
        assert _parameters(e) == _parameters(t)
