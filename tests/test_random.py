"""Random numbers: the streams differ from PyTorch's, so compare shapes, dtypes, ranges, statistics, seeding and
generators, gradients (zeros, as in PyTorch) and errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import check_error

N = 200_000  # large samples: a mean is within ~0.01 of its expectation


def both(fn):
    return fn(ember), fn(torch)


def same_meta(e, t):
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape), (e.dtype, t.dtype, e.shape, t.shape)


def node_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


# ---- Generator and global seeding ----
def test_generator_methods():
    g = ember.Generator()
    assert g.manual_seed(7) is g and g.initial_seed() == 7
    a = ember.rand(5, generator=g)
    g.manual_seed(7)
    assert np.array_equal(a.numpy(), ember.rand(5, generator=g).numpy())
    seed = g.seed()
    assert isinstance(seed, int) and g.initial_seed() == seed
    assert str(g.device) == "cpu"


def test_generator_state_roundtrip():
    g = ember.Generator().manual_seed(3)
    state = g.get_state()
    assert state.dtype is ember.uint8 and state.ndim == 1
    first = ember.randn(4, generator=g)
    g.set_state(state)
    assert np.array_equal(first.numpy(), ember.randn(4, generator=g).numpy())


def test_generator_set_state_errors():
    g = ember.Generator()
    assert "ByteTensor" in check_error(lambda lib: lib.Generator().set_state([1, 2]))
    check_error(lambda lib: lib.Generator().set_state(lib.zeros(3)))
    assert "get_state" in check_error(lambda lib: lib.Generator().set_state(lib.zeros(3, dtype=lib.uint8)))
    assert g.set_state(g.get_state()) is g


def test_rng_state_roundtrip_covers_every_sampler():
    state = ember.get_rng_state()
    draws = [ember.rand(3), ember.randn(3), ember.randint(9, (3,)), ember.randperm(5), ember.normal(0.0, 1.0, (3,)),
             ember.bernoulli(ember.full((3,), 0.5)), ember.multinomial(ember.ones(4), 2)]
    ember.set_rng_state(state)
    again = [ember.rand(3), ember.randn(3), ember.randint(9, (3,)), ember.randperm(5), ember.normal(0.0, 1.0, (3,)),
             ember.bernoulli(ember.full((3,), 0.5)), ember.multinomial(ember.ones(4), 2)]
    for a, b in zip(draws, again):
        assert np.array_equal(a.numpy(), b.numpy())


def test_manual_seed_and_seed():
    ember.manual_seed(11)
    a = ember.randn(3)
    assert ember.initial_seed() == 11
    ember.manual_seed(11)
    assert np.array_equal(a.numpy(), ember.randn(3).numpy())
    seed = ember.seed()
    assert isinstance(seed, int) and ember.initial_seed() == seed


SAMPLERS = {
    "rand": lambda lib, g: lib.rand(2, 3, generator=g),
    "randn": lambda lib, g: lib.randn((2, 3), generator=g),
    "randint": lambda lib, g: lib.randint(0, 9, (2, 3), generator=g),
    "randperm": lambda lib, g: lib.randperm(7, generator=g),
    "normal_tensors": lambda lib, g: lib.normal(lib.zeros(3), lib.ones(3), generator=g),
    "normal_floats": lambda lib, g: lib.normal(0.0, 2.0, (3,), generator=g),
    "bernoulli": lambda lib, g: lib.bernoulli(lib.full((6,), 0.5), generator=g),
    "bernoulli_p": lambda lib, g: lib.bernoulli(lib.zeros(6), 0.5, generator=g),
    "multinomial": lambda lib, g: lib.multinomial(lib.ones(2, 5), 3, generator=g),
    "rand_like": lambda lib, g: lib.rand_like(lib.zeros(3), generator=g),
    "randn_like": lambda lib, g: lib.randn_like(lib.zeros(3), generator=g),
    "randint_like": lambda lib, g: lib.randint_like(lib.zeros(3), 10, generator=g),
    "uniform_": lambda lib, g: lib.zeros(4).uniform_(generator=g),
    "normal_": lambda lib, g: lib.zeros(4).normal_(generator=g),
    "random_": lambda lib, g: lib.zeros(4).random_(generator=g),
    "bernoulli_": lambda lib, g: lib.zeros(4).bernoulli_(generator=g),
    "exponential_": lambda lib, g: lib.zeros(4).exponential_(generator=g),
}


@pytest.mark.parametrize("name", SAMPLERS)
def test_generator_argument_repeats_and_leaves_global_stream(name):
    draw = SAMPLERS[name]
    same_meta(*both(lambda lib: draw(lib, lib.Generator().manual_seed(0))))
    state = ember.get_rng_state()
    a = draw(ember, ember.Generator().manual_seed(5))
    b = draw(ember, ember.Generator().manual_seed(5))
    assert np.array_equal(a.numpy(), b.numpy())
    assert np.array_equal(state.numpy(), ember.get_rng_state().numpy())
    ember.manual_seed(5)
    c = draw(ember, None)
    ember.manual_seed(5)
    assert np.array_equal(c.numpy(), draw(ember, None).numpy())


# ---- normal ----
NORMAL_FORMS = [
    ("NormalBackward3", lambda lib, m, s: lib.normal(m, s)),
    ("NormalBackward1", lambda lib, m, s: lib.normal(m, 2.0)),
    ("NormalBackward2", lambda lib, m, s: lib.normal(1.0, s)),
]


@pytest.mark.parametrize("node, fn", NORMAL_FORMS)
@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((4, 1), (1, 5)), ((), ())])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normal_tensor_forms(node, fn, shapes, dtype):
    outs, grads = [], []
    for lib in (ember, torch):
        m = lib.zeros(shapes[0], dtype=getattr(lib, dtype), requires_grad=True)
        s = lib.ones(shapes[1], dtype=getattr(lib, dtype), requires_grad=True)
        out = fn(lib, m, s)
        out.sum().backward()
        outs.append(out)
        grads.append((m.grad, s.grad))
    same_meta(*outs)
    assert node_name(outs[0]) == node_name(outs[1]) == node
    for eg, tg in zip(*grads):
        assert (eg is None) == (tg is None)
        if tg is not None:
            same_meta(eg, tg)
            assert not eg.numpy().any()


def test_normal_mixed_dtypes_and_size_form():
    same_meta(*both(lambda lib: lib.normal(lib.zeros(3, dtype=lib.float64), lib.ones(3))))
    same_meta(*both(lambda lib: lib.normal(lib.zeros(3, dtype=lib.float16), lib.ones(3))))
    same_meta(*both(lambda lib: lib.normal(lib.zeros(3), lib.ones(3, dtype=lib.float64))))
    same_meta(*both(lambda lib: lib.normal(0, 1, size=(2, 3))))
    same_meta(*both(lambda lib: lib.normal(0.0, 1.0, (2, 3), dtype=lib.float64)))
    e, t = both(lambda lib: lib.normal(2.0, 3.0, (2,), requires_grad=True))
    assert e.requires_grad and t.requires_grad and e.is_leaf


@pytest.mark.parametrize("mean, std", [(0.0, 1.0), (5.0, 0.5), (-2.0, 3.0)])
def test_normal_statistics(mean, std):
    x = ember.normal(mean, std, (N,)).numpy()
    assert abs(x.mean() - mean) < 0.02 * std and abs(x.std() - std) < 0.02 * std
    m = ember.full((N,), mean)
    y = ember.normal(m, ember.full((N,), std)).numpy()
    assert abs(y.mean() - mean) < 0.02 * std and abs(y.std() - std) < 0.02 * std


def test_normal_per_element_mean_and_std():
    x = ember.normal(ember.tensor([[0.0], [100.0]]).expand(2, N), ember.tensor([1.0, 0.0]).reshape(2, 1))
    assert abs(x[0].mean().item()) < 0.02 and (x[1] == 100).all().item()


def test_normal_out():
    e, t = both(lambda lib: lib.normal(lib.zeros(2, 3), 1.0, out=lib.empty(2, 3)))
    same_meta(e, t)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.normal(0.0, -1.0, (2,)),
    lambda lib: lib.normal(lib.zeros(2), -1.0),
    lambda lib: lib.normal(lib.zeros(2), -lib.ones(2)),
    lambda lib: lib.normal(lib.zeros(2, dtype=lib.int64), 1.0),
    lambda lib: lib.normal(lib.zeros(2, 3), lib.ones(4)),
    lambda lib: lib.normal(lib.zeros(2), 1.0, (3,)),
    lambda lib: lib.normal(0.0, 1.0),
    lambda lib: lib.normal(0.0, 1.0, (2,), dtype=lib.int64),
])
def test_normal_errors(fn):
    message = check_error(fn)
    assert any(w in message for w in ("normal", "size of tensor")), message


# ---- rand_like / randn_like / randint_like ----
@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.rand_like(x), lambda lib, x: lib.randn_like(x, dtype=lib.float64),
    lambda lib, x: lib.randint_like(x, 5), lambda lib, x: lib.randint_like(x, 5, 7),
    lambda lib, x: lib.randint_like(x, low=-3, high=3, dtype=lib.int32), lambda lib, x: lib.randint_like(x.t(), 4),
    lambda lib, x: lib.rand_like(x, requires_grad=True),
])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_like_samplers(fn, dtype):
    x = lambda lib: lib.zeros(2, 3, dtype=getattr(lib, dtype))
    try:
        t = fn(torch, x(torch))
    except (RuntimeError, NotImplementedError):
        check_error(lambda lib: fn(lib, x(lib)))
        return
    e = fn(ember, x(ember))
    same_meta(e, t)
    assert e.stride() == t.stride() and e.requires_grad == t.requires_grad


def test_randint_like_range():
    x = ember.randint_like(ember.zeros(N), 3, 7).numpy()
    assert x.min() == 3 and x.max() == 6
    assert "from" in check_error(lambda lib: lib.randint_like(lib.zeros(2), 5, 5))


# ---- randperm ----
@pytest.mark.parametrize("n", [0, 1, 7, 1000])
@pytest.mark.parametrize("dtype", [None, "int32", "int16", "float32", "float64", "uint8"])
def test_randperm(n, dtype):
    kwargs = lambda lib: {} if dtype is None else {"dtype": getattr(lib, dtype)}
    try:
        t = torch.randperm(n, **kwargs(torch))
    except RuntimeError:
        check_error(lambda lib: lib.randperm(n, **kwargs(lib)))
        return
    e = ember.randperm(n, **kwargs(ember))
    same_meta(e, t)
    assert sorted(e.numpy().tolist()) == list(range(n))


def test_randperm_shuffles_and_errors():
    assert not np.array_equal(ember.randperm(1000).numpy(), np.arange(1000))
    check_error(lambda lib: lib.randperm(-1))
    check_error(lambda lib: lib.randperm(3, dtype=lib.bool))
    assert "uint8" in check_error(lambda lib: lib.randperm(300, dtype=lib.uint8))
    e, t = both(lambda lib: lib.randperm(4, dtype=lib.float32, requires_grad=True))
    assert e.requires_grad == t.requires_grad
    same_meta(*both(lambda lib: lib.randperm(4, out=lib.empty(0, dtype=lib.int64))))


# ---- bernoulli ----
@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.9, 1.0])
def test_bernoulli_frequency(p):
    x = ember.bernoulli(ember.full((N,), p)).numpy()
    assert set(np.unique(x).tolist()) <= {0.0, 1.0} and abs(x.mean() - p) < 0.01
    y = ember.bernoulli(ember.zeros(N, dtype=ember.int64), p).numpy()
    assert y.dtype == np.int64 and abs(y.mean() - p) < 0.01
    z = ember.zeros(N).bernoulli(p=p).numpy()
    assert abs(z.mean() - p) < 0.01


def test_bernoulli_per_element_probability():
    x = ember.bernoulli(ember.tensor([[0.0], [1.0], [0.3]]).expand(3, N))
    assert not x[0].any().item() and x[1].all().item() and abs(x[2].mean().item() - 0.3) < 0.01


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_bernoulli_dtype_and_grad(dtype):
    outs = []
    for lib in (ember, torch):
        p = lib.full((2, 3), 0.5, dtype=getattr(lib, dtype), requires_grad=True)
        out = lib.bernoulli(p)
        out.sum().backward()
        outs.append((out, p.grad))
    same_meta(outs[0][0], outs[1][0])
    same_meta(outs[0][1], outs[1][1])
    assert node_name(outs[0][0]) == node_name(outs[1][0]) == "BernoulliBackward0"
    assert not outs[0][1].numpy().any()


@pytest.mark.parametrize("fn", [
    lambda lib: lib.bernoulli(lib.ones(3, dtype=lib.int64)),
    lambda lib: lib.bernoulli(lib.full((3,), 2.0)),
    lambda lib: lib.bernoulli(lib.full((3,), -0.5)),
    lambda lib: lib.bernoulli(lib.ones(3), 2.0),
    lambda lib: lib.zeros(3).bernoulli_(-0.1),
    lambda lib: lib.zeros(3).bernoulli_(lib.full((3,), 1.5)),
])
def test_bernoulli_errors(fn):
    assert "bernoulli" in check_error(fn)


# ---- multinomial ----
@pytest.mark.parametrize("shape", [(5,), (3, 5)])
@pytest.mark.parametrize("num_samples, replacement", [(1, False), (3, False), (5, False), (1, True), (8, True)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_multinomial_shapes(shape, num_samples, replacement, dtype):
    e, t = both(lambda lib: lib.multinomial(lib.rand(shape, dtype=getattr(lib, dtype)) + 0.1, num_samples,
                                            replacement=replacement))
    same_meta(e, t)
    e = e.numpy().reshape(-1, num_samples)
    assert e.min() >= 0 and e.max() < shape[-1]
    if not replacement:
        assert all(len(set(row)) == num_samples for row in e.tolist())


def test_multinomial_frequencies():
    probs = np.array([1.0, 2.0, 0.0, 5.0])
    x = ember.multinomial(ember.tensor(probs), N, replacement=True).numpy()
    np.testing.assert_allclose(np.bincount(x, minlength=4) / N, probs / probs.sum(), atol=0.01)
    rows = ember.multinomial(ember.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]), 1000, True).numpy()
    assert (rows[0] == 1).all() and (rows[1] == 0).all()


def test_multinomial_without_replacement_first_draw_and_zeros_last():
    x = ember.multinomial(ember.tensor([1.0, 2.0, 0.0, 5.0]).expand(N, 4), 4).numpy()
    np.testing.assert_allclose(np.bincount(x[:, 0], minlength=4) / N, [1 / 8, 2 / 8, 0, 5 / 8], atol=0.01)
    assert (x[:, 3] == 2).all() and (np.sort(x, axis=1) == np.arange(4)).all()


@pytest.mark.parametrize("fn", [
    lambda lib: lib.multinomial(lib.ones(3), 4),
    lambda lib: lib.multinomial(lib.tensor([1.0, -1.0, 0.0]), 1),
    lambda lib: lib.multinomial(lib.tensor([1.0, float("nan")]), 1),
    lambda lib: lib.multinomial(lib.tensor([1.0, float("inf")]), 1),
    lambda lib: lib.multinomial(lib.zeros(3), 1),
    lambda lib: lib.multinomial(lib.ones(2, 2, 2), 1),
    lambda lib: lib.multinomial(lib.ones(3), 0),
    lambda lib: lib.multinomial(lib.ones(3, dtype=lib.int64), 1),
])
def test_multinomial_errors(fn):
    assert "multinomial" in check_error(fn)


# ---- in-place samplers ----
INPLACE = {
    "uniform_": ((2.0, 3.0), "UniformBackward0"),
    "normal_": ((1.0, 2.0), "NormalBackward0"),
    "random_": ((0, 5), "RandomBackward0"),
    "bernoulli_": ((0.5,), "BernoulliBackward2"),
    "exponential_": ((2.0,), "ExponentialBackward0"),
}


@pytest.mark.parametrize("name", INPLACE)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "bool"])
def test_inplace_sampler_keeps_dtype_shape_and_bumps_version(name, dtype):
    args = INPLACE[name][0]
    make = lambda lib: lib.zeros(2, 3, dtype=getattr(lib, dtype))
    try:
        getattr(make(torch), name)(*args)
    except (RuntimeError, NotImplementedError):
        check_error(lambda lib: getattr(make(lib), name)(*args))
        return
    x = make(ember)
    view = x[0]
    assert getattr(x, name)(*args) is x
    same_meta(x, make(torch))
    assert x._version == view._version == 1


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_sampler_autograd(name):
    args, node = INPLACE[name]
    check_error(lambda lib: getattr(lib.zeros(3, requires_grad=True), name)(*args))
    for lib in (ember, torch):
        w = lib.zeros(3, requires_grad=True)
        with lib.no_grad():
            getattr(w, name)(*args)
        assert w.is_leaf and w.requires_grad and w.grad_fn is None
        y = w * 2
        getattr(y, name)(*args)
        assert node_name(y) == node
        y.sum().backward()
        assert not w.grad.numpy().any()


def test_bernoulli_inplace_with_tensor_p():
    y = ember.zeros(3, requires_grad=True) * 1
    y.bernoulli_(ember.tensor([0.0, 1.0, 1.0]))
    assert y.tolist() == [0.0, 1.0, 1.0] and node_name(y) == "BernoulliBackward1"
    x = ember.zeros(N, dtype=ember.int32).bernoulli_(ember.full((N,), 0.25)).numpy()
    assert x.dtype == np.int32 and abs(x.mean() - 0.25) < 0.01


@pytest.mark.parametrize("dtype, low, high", [("float32", 0, 2 ** 24 + 1), ("float16", 0, 2 ** 11 + 1),
                                              ("float64", 0, 2 ** 53 + 1), ("int64", 0, 2 ** 63),
                                              ("uint8", 0, 256), ("int8", 0, 128), ("bool", 0, 2)])
def test_random_default_range(dtype, low, high):
    x = ember.zeros(N, dtype=getattr(ember, dtype)).random_().numpy().astype(np.float64)
    assert x.min() >= low and x.max() < high and x.max() >= (high - 1) * 0.9
    assert str(ember.zeros(1, dtype=getattr(ember, dtype)).random_().dtype) == f"torch.{dtype}"


@pytest.mark.parametrize("args, kwargs, low, high", [((5,), {}, 0, 5), ((2, 5), {}, 2, 5), ((-3, 3), {}, -3, 3),
                                                     ((), {"to": 7}, 0, 7), ((4,), {"to": 6}, 4, 6)])
def test_random_forms(args, kwargs, low, high):
    x = ember.zeros(N).random_(*args, **kwargs).numpy()
    assert x.min() == low and x.max() == high - 1 and (x == np.round(x)).all()
    t = torch.zeros(N).random_(*args, **kwargs).numpy()
    assert t.min() == low and t.max() == high - 1


@pytest.mark.parametrize("fn", [
    lambda lib: lib.zeros(3).random_(5, 2),
    lambda lib: lib.zeros(3, dtype=lib.uint8).random_(0, 300),
    lambda lib: lib.zeros(3, dtype=lib.int8).random_(-200, 5),
    lambda lib: lib.zeros(3).uniform_(3, 2),
    lambda lib: lib.zeros(3).normal_(0, -1),
    lambda lib: lib.zeros(3).exponential_(0),
    lambda lib: lib.zeros(3).exponential_(-1),
])
def test_inplace_sampler_errors(fn):
    message = check_error(fn)
    assert any(w in message for w in ("random_", "uniform_", "normal", "exponential_")), message


@pytest.mark.parametrize("name, args, check", [
    ("uniform_", (-2.0, 3.0), lambda x: x.min() >= -2 and x.max() < 3 and abs(x.mean() - 0.5) < 0.02),
    ("normal_", (1.0, 2.0), lambda x: abs(x.mean() - 1) < 0.02 and abs(x.std() - 2) < 0.02),
    ("exponential_", (4.0,), lambda x: x.min() >= 0 and abs(x.mean() - 0.25) < 0.005),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_inplace_sampler_statistics(name, args, check, dtype):
    x = getattr(ember.zeros(N, dtype=getattr(ember, dtype)), name)(*args)
    assert str(x.dtype) == f"torch.{dtype}"
    assert check(x.numpy().astype(np.float64))


def test_initializers_like_nn_init():
    w = ember.empty(3, 4, requires_grad=True)
    with ember.no_grad():
        w.uniform_(-0.1, 0.1)
        w.normal_(0, 0.02)
    assert w.is_leaf and w.requires_grad and w._version == 2
    (w * 2).sum().backward()
    assert (w.grad.numpy() == 2).all()
