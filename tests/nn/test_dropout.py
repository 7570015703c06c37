"""Dropout against torch by structure (the random streams differ): which elements or channels are zeroed, how
survivors are scaled, how often, the gradient, the identity cases, in-place forms, errors, warnings, modules."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.nn  # noqa: F401 - ember.nn is not imported by ember itself (yet)
from oracle import check_error

rng = np.random.default_rng(0)
SELU_ALPHA = 1.7580993408473766


def positive(*shape, dtype=np.float32):
    """Values in [0.5, 2]: a zero in the output can only mean a dropped element."""
    return np.asarray(rng.uniform(0.5, 2.0, shape), dtype)


def node_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


def assert_fraction(dropped, p):
    """The share of dropped units is ``p`` within five standard errors."""
    n = dropped.size
    assert abs(dropped.mean() - p) <= 5 * math.sqrt(p * (1 - p) / n) + 1e-12, (dropped.mean(), p)


# ---- dropout ----
@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dropout_zeros_and_scales(p, dtype):
    x_np = positive(400, 500, dtype=dtype)
    x = ember.tensor(x_np, requires_grad=True)
    y = ember.nn.functional.dropout(x, p)
    out = y.detach().numpy()
    dropped = out == 0
    assert out.dtype == dtype
    assert_fraction(dropped, p)
    rtol = 2e-3 if dtype == np.float16 else 1e-6
    np.testing.assert_allclose(out[~dropped], x_np[~dropped] / dtype(1 - p), rtol=rtol)
    y.backward(ember.ones_like(y))
    np.testing.assert_allclose(x.grad.numpy(), np.where(dropped, 0, 1 / dtype(1 - p)), rtol=rtol)
    assert node_name(y) == node_name(torch.nn.functional.dropout(torch.ones(3, requires_grad=True), p))


BATCHED = {"dropout": (2, 3, 4, 5), "alpha_dropout": (2, 3, 4, 5), "feature_alpha_dropout": (2, 3, 4, 5),
           "dropout1d": (2, 3, 4), "dropout2d": (2, 3, 4, 5), "dropout3d": (2, 3, 4, 5, 6)}


@pytest.mark.parametrize("fn", list(BATCHED))
@pytest.mark.parametrize("p, training", [(0.0, True), (0.5, False), (1.0, False)])
def test_identity_cases_return_the_input(fn, p, training):
    for lib in (ember, torch):
        x = lib.ones(BATCHED[fn], requires_grad=True)
        assert getattr(lib.nn.functional, fn)(x, p, training) is x


@pytest.mark.parametrize("fn", ["dropout", "alpha_dropout", "feature_alpha_dropout", "dropout2d"])
def test_p_one_zeroes_everything(fn):
    names = []
    for lib in (ember, torch):
        x = lib.ones(2, 3, 4, 5, requires_grad=True)
        y = getattr(lib.nn.functional, fn)(x, 1.0, True)
        assert not y.detach().numpy().any()
        y.sum().backward()
        assert not x.grad.numpy().any()
        names.append(node_name(y))
    assert names[0] == names[1] == "MulBackward0"


def test_dropout_empty_input():
    x = ember.empty(0, 3)
    assert ember.nn.functional.dropout(x, 0.5) is x


@pytest.mark.parametrize("fn", ["dropout", "alpha_dropout", "dropout2d", "feature_alpha_dropout"])
def test_in_place(fn):
    for lib in (ember, torch):
        base = lib.tensor(positive(4, 6, 3, 3), requires_grad=True)
        x = base * 1
        y = getattr(lib.nn.functional, fn)(x, 0.5, True, inplace=True)
        assert y is x and node_name(y) in ("MulBackward0", "AddBackward0")
        y.sum().backward()
        shift = y.detach().numpy() - base.grad.numpy() * base.detach().numpy()  # y = x * noise (+ shift)
        assert np.unique(shift.round(5)).size == (2 if "alpha" in fn else 1)


def test_in_place_on_a_leaf_that_requires_grad_fails():
    message = check_error(lambda lib, a: lib.nn.functional.dropout(a.requires_grad_(), 0.5, inplace=True),
                          positive(3, 4))
    assert "leaf Variable that requires grad" in message


def test_in_place_on_an_unbatched_dropout1d_writes_the_input():
    x0 = ember.tensor(positive(64, 50), requires_grad=True)
    x = x0 * 1
    y = ember.nn.functional.dropout1d(x, 0.5, inplace=True)
    assert y is x and x.shape == (64, 50)
    rows_zero = (x.detach().numpy() == 0).all(1)
    assert rows_zero.any() and not rows_zero.all()


def test_dropout_grad_fn_names_match_torch():
    for fn in ("dropout", "alpha_dropout", "dropout2d", "feature_alpha_dropout"):
        names = [node_name(getattr(lib.nn.functional, fn)(lib.ones(2, 3, 4, 5, requires_grad=True), 0.3, True))
                 for lib in (ember, torch)]
        assert names[0] == names[1], (fn, names)


# ---- channel dropout ----
@pytest.mark.parametrize("fn, shape, lead", [("dropout1d", (64, 32, 7), 2), ("dropout1d", (512, 9), 1),
                                             ("dropout2d", (32, 48, 3, 4), 2), ("dropout2d", (64, 24, 5), 2),
                                             ("dropout3d", (16, 64, 2, 3, 2), 2), ("dropout3d", (512, 2, 3, 2), 1),
                                             ("feature_alpha_dropout", (32, 48, 3, 4), 2)])
@pytest.mark.parametrize("p", [0.2, 0.6])
def test_channel_dropout_drops_whole_channels(fn, shape, lead, p):
    """Each channel (the first ``lead`` dims name one) is either dropped or kept as a whole."""
    x_np = positive(*shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = getattr(ember.nn.functional, fn)(ember.tensor(x_np), p, True).numpy()
    assert out.shape == shape
    channels, inputs = out.reshape(shape[:lead] + (-1,)), x_np.reshape(shape[:lead] + (-1,))
    if fn == "feature_alpha_dropout":
        a = 1 / math.sqrt((SELU_ALPHA ** 2 * p + 1) * (1 - p))
        dropped_value, kept_value = _alpha_dropped_value(p), a * inputs + SELU_ALPHA * a * p
    else:
        dropped_value, kept_value = 0, inputs / (1 - p)
    dropped = np.isclose(channels, dropped_value).all(-1)
    kept = np.isclose(channels, kept_value, rtol=1e-5).all(-1)
    assert (dropped ^ kept).all()
    assert_fraction(dropped, p)


def _alpha_dropped_value(p):
    a = 1 / math.sqrt((SELU_ALPHA ** 2 * p + 1) * (1 - p))
    return np.float32(-SELU_ALPHA * a + SELU_ALPHA * a * p)


@pytest.mark.parametrize("fn, ndim, words", [("dropout2d", 2, "Received a 2-D input to dropout2d"),
                                             ("dropout2d", 5, "Received a 5-D input to dropout2d"),
                                             ("dropout2d", 3, "Received a 3D input to dropout2d"),
                                             ("dropout3d", 3, "Received a 3-D input to dropout3d")])
def test_channel_dropout_warnings(fn, ndim, words):
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match=words):
            getattr(lib.nn.functional, fn)(lib.ones((2,) * ndim), 0.5)


# ---- alpha dropout ----
@pytest.mark.parametrize("p", [0.1, 0.3, 0.6])
def test_alpha_dropout_keeps_mean_and_std(p):
    x = ember.randn(400, 500)
    out = ember.nn.functional.alpha_dropout(x, p, True).numpy().astype(np.float64)
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1) < 0.02


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_alpha_dropout_values_match_torch_formula(p):
    x_np = positive(300, 400)
    outs = []
    for lib in (ember, torch):
        out = lib.nn.functional.alpha_dropout(lib.tensor(x_np), p, True).numpy()
        values, counts = np.unique(out, return_counts=True)
        outs.append((out, values[counts.argmax()]))
    (e_out, e_dropped), (_, t_dropped) = outs
    assert e_dropped == pytest.approx(float(t_dropped), rel=1e-6)
    assert e_dropped == pytest.approx(float(_alpha_dropped_value(p)), rel=1e-6)
    a = 1 / math.sqrt((SELU_ALPHA ** 2 * p + 1) * (1 - p))
    kept = e_out != e_dropped
    np.testing.assert_allclose(e_out[kept], a * x_np[kept] + SELU_ALPHA * a * p, rtol=1e-5)
    assert_fraction(~kept, p)


def test_alpha_dropout_gradient_is_the_scale():
    p = 0.4
    x = ember.randn(200, 300, requires_grad=True)
    y = ember.nn.functional.alpha_dropout(x, p, True)
    y.backward(ember.ones_like(y))
    a = 1 / math.sqrt((SELU_ALPHA ** 2 * p + 1) * (1 - p))
    dropped = np.isclose(y.detach().numpy(), _alpha_dropped_value(p))
    np.testing.assert_allclose(x.grad.numpy(), np.where(dropped, 0, a), rtol=1e-6)


# ---- errors ----
@pytest.mark.parametrize("fn", ["dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d",
                                "dropout3d"])
@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_probability_out_of_range(fn, p):
    message = check_error(lambda lib, a: getattr(lib.nn.functional, fn)(a, p, True), positive(2, 3, 4))
    assert f"has to be between 0 and 1, but got {p}" in message


@pytest.mark.parametrize("call, x, words", [
    (lambda lib, a: lib.nn.functional.dropout1d(a, 0.5), positive(4), "Expected 2D or 3D input, but received a 1D"),
    (lambda lib, a: lib.nn.functional.dropout1d(a, 0.5), positive(2, 3, 4, 5), "received a 4D input"),
    (lambda lib, a: lib.nn.functional.feature_alpha_dropout(a, 0.5, True), positive(4), "at least 2 dimensions"),
    (lambda lib, a: lib.nn.functional.dropout(a, 0.5), np.ones((3, 4), np.int64), "desired output type Long"),
    (lambda lib, a: lib.nn.functional.alpha_dropout(a, 0.5, True), np.ones(3, np.int64), "output type Long")])
def test_dropout_errors(call, x, words):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert words in check_error(call, x)


def test_manual_seed_repeats_the_mask():
    x = ember.ones(50, 50)
    ember.manual_seed(11)
    first = ember.nn.functional.dropout(x, 0.5).numpy()
    ember.manual_seed(11)
    assert np.array_equal(first, ember.nn.functional.dropout(x, 0.5).numpy())
    assert not np.array_equal(first, ember.nn.functional.dropout(x, 0.5).numpy())


# ---- modules ----
MODULES = {"Dropout": "dropout", "Dropout1d": "dropout1d", "Dropout2d": "dropout2d", "Dropout3d": "dropout3d",
           "AlphaDropout": "alpha_dropout", "FeatureAlphaDropout": "feature_alpha_dropout"}


@pytest.mark.parametrize("name", MODULES)
@pytest.mark.parametrize("kwargs", [{}, {"p": 0.25}, {"p": 1, "inplace": True}, {"inplace": True}])
def test_module_repr_and_state(name, kwargs):
    e, t = getattr(ember.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(e) == repr(t) and e.p == t.p and e.inplace == t.inplace
    assert list(e.parameters()) == [] and e.state_dict() == {} and e.training


@pytest.mark.parametrize("name", MODULES)
def test_module_train_and_eval(name):
    module = getattr(ember.nn, name)(0.5)
    x = ember.tensor(positive(*(2 * n for n in BATCHED[MODULES[name]])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trained = module(x)
        assert trained is not x and not np.array_equal(trained.numpy(), x.numpy())
        assert module.eval() is module and not module.training
        assert module(x) is x
        module.train()
        assert module.training and module(x) is not x


@pytest.mark.parametrize("name", MODULES)
def test_module_bad_probability(name):
    assert "but got 1.5" in check_error(lambda lib: getattr(lib.nn, name)(1.5))


def test_module_in_place():
    x = ember.tensor(positive(8, 50))
    before = x.numpy().copy()
    assert ember.nn.Dropout(0.5, inplace=True)(x) is x
    assert not np.array_equal(x.numpy(), before)
