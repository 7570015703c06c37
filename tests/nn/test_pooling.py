"""Max, average, adaptive, LP pooling and max_unpool (functional and modules) against torch."""
import numpy as np
import pytest
import torch

import ember
from module_oracle import check_module
from oracle import check, check_error

RNG = np.random.default_rng(0)


def randn(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


MAX_POOL_CASES = [
    (1, (2, 3, 11), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (1, (1, 4, 10), dict(kernel_size=2)),
    (1, (2, 2, 13), dict(kernel_size=3, stride=4)),
    (1, (2, 2, 12), dict(kernel_size=3, dilation=2, padding=1)),
    (1, (3, 9), dict(kernel_size=2, stride=1)),
    (2, (2, 3, 7, 9), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (2, (1, 2, 8, 8), dict(kernel_size=2)),
    (2, (2, 2, 7, 7), dict(kernel_size=(2, 3), stride=(3, 1), padding=(1, 1), dilation=(2, 1))),
    (2, (1, 1, 4, 4), dict(kernel_size=2, stride=3, padding=1, ceil_mode=True)),
    (2, (2, 2, 5, 5), dict(kernel_size=2, stride=2, ceil_mode=True)),
    (2, (1, 2, 6, 6), dict(kernel_size=5, padding=2, stride=1)),
    (2, (3, 6, 5), dict(kernel_size=3, stride=(1, 2))),
    (3, (1, 2, 5, 6, 7), dict(kernel_size=2)),
    (3, (2, 1, 5, 5, 6), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (3, (2, 4, 4, 5), dict(kernel_size=(1, 2, 3), stride=1, dilation=(1, 2, 1))),
]


@pytest.mark.parametrize("dims, shape, kwargs", MAX_POOL_CASES)
def test_max_pool_functional_with_indices(dims, shape, kwargs):
    check(lambda lib, x: getattr(lib.nn.functional, f"max_pool{dims}d")(x, return_indices=True, **kwargs),
          randn(*shape))


@pytest.mark.parametrize("dims, shape, kwargs", MAX_POOL_CASES)
def test_max_pool_module(dims, shape, kwargs):
    check_module(lambda nn: getattr(nn, f"MaxPool{dims}d")(**kwargs), randn(*shape))


def test_max_pool_ties_pick_first_and_nan_wins():
    x = np.array([[[1, 1, 0, 2, 2, np.nan, 3, 3]]], np.float32)
    check(lambda lib, a: lib.nn.functional.max_pool1d(a, 2, return_indices=True), x)


@pytest.mark.parametrize("dims, shape, kernel", [(2, (2, 3, 8, 8), 2), (2, (2, 2, 7, 9), (2, 3)),
                                                 (2, (1, 2, 9, 6), 3), (1, (2, 3, 9), 4), (3, (1, 2, 4, 5, 6), (1, 2, 2)),
                                                 (2, (3, 300, 2), (300, 1))])
def test_max_pool_tiles_ties_pick_first(dims, shape, kernel):
    """stride == kernel (the reshaped-view path): many ties, cropped edges, a NaN in some windows."""
    x = RNG.integers(0, 3, shape).astype(np.float32)
    check(lambda lib, a: getattr(lib.nn.functional, f"max_pool{dims}d")(a, kernel, return_indices=True), x)
    check(lambda lib, a: getattr(lib.nn.functional, f"max_pool{dims}d")(a, kernel, return_indices=True),
          x.astype(np.int64))
    x.reshape(-1)[::7] = np.nan
    check(lambda lib, a: getattr(lib.nn.functional, f"max_pool{dims}d")(a, kernel, return_indices=True), x)


def test_avg_pool_inf_stays_in_its_window():
    x = randn(1, 1, 6, 6)
    x[0, 0, 1, 1] = np.inf
    check(lambda lib, a: lib.nn.functional.avg_pool2d(a, 2), x, grad=False)
    check(lambda lib, a: lib.nn.functional.adaptive_avg_pool2d(a, 4), x, grad=False)


def test_max_pool_integer_input():
    x = RNG.integers(-50, 50, (2, 3, 7, 7))
    check(lambda lib, a: lib.nn.functional.max_pool2d(a, 3, 2, 1, return_indices=True), x)


def test_max_pool_float64_and_grad_fn():
    out, _ = check(lambda lib, x: lib.nn.functional.max_pool2d(x, 2), randn(1, 2, 4, 4, dtype=np.float64))
    assert type(out.grad_fn).__name__ == "MaxPool2DWithIndicesBackward0"


def test_max_pool_double_backward():
    def second(lib, x):
        out = lib.nn.functional.max_pool2d(x, 2, stride=1)
        (grad,) = lib.autograd.grad(out.pow(2).sum(), x, create_graph=True)
        return grad
    check(second, randn(1, 1, 4, 5))


AVG_POOL_CASES = [
    (1, (2, 3, 11), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (1, (2, 3, 11), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    (1, (3, 10), dict(kernel_size=4, stride=5)),
    (2, (2, 3, 7, 9), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (2, (2, 3, 7, 9), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    (2, (1, 2, 6, 7), dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), divisor_override=5)),
    (2, (1, 1, 4, 4), dict(kernel_size=2, stride=3, padding=1, ceil_mode=True)),
    (2, (2, 5, 5), dict(kernel_size=2, ceil_mode=True, count_include_pad=False)),
    (3, (1, 2, 5, 6, 7), dict(kernel_size=2)),
    (3, (2, 1, 5, 5, 6), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    (3, (1, 1, 4, 4, 4), dict(kernel_size=3, padding=1, divisor_override=7)),
]


@pytest.mark.parametrize("dims, shape, kwargs", AVG_POOL_CASES)
def test_avg_pool_functional(dims, shape, kwargs):
    check(lambda lib, x: getattr(lib.nn.functional, f"avg_pool{dims}d")(x, **kwargs), randn(*shape))


@pytest.mark.parametrize("dims, shape, kwargs", AVG_POOL_CASES)
def test_avg_pool_module(dims, shape, kwargs):
    check_module(lambda nn: getattr(nn, f"AvgPool{dims}d")(**kwargs), randn(*shape))


ADAPTIVE_CASES = [
    (1, (2, 3, 10), 4), (1, (3, 5), 8), (1, (1, 2, 7), (3,)),
    (2, (2, 3, 7, 9), (3, 4)), (2, (1, 2, 5, 5), 7), (2, (2, 6, 11), (None, 3)), (2, (1, 1, 8, 8), 1),
    (3, (1, 2, 5, 6, 7), (2, 3, 4)), (3, (2, 3, 4, 5), (None, 2, None)),
]


@pytest.mark.parametrize("dims, shape, size", ADAPTIVE_CASES)
def test_adaptive_avg_pool(dims, shape, size):
    check_module(lambda nn: getattr(nn, f"AdaptiveAvgPool{dims}d")(size), randn(*shape))


@pytest.mark.parametrize("dims, shape, size", ADAPTIVE_CASES)
def test_adaptive_max_pool_with_indices(dims, shape, size):
    check(lambda lib, x: getattr(lib.nn.functional, f"adaptive_max_pool{dims}d")(x, size, return_indices=True),
          randn(*shape))
    check_module(lambda nn: getattr(nn, f"AdaptiveMaxPool{dims}d")(size), randn(*shape))


LP_CASES = [(1, (2, 3, 10), 2, dict(kernel_size=3, stride=2)), (1, (3, 9), 3, dict(kernel_size=2, ceil_mode=True)),
            (2, (2, 2, 7, 8), 2, dict(kernel_size=(2, 3))), (2, (1, 2, 6, 6), 1.5, dict(kernel_size=2, stride=1)),
            (3, (1, 2, 4, 5, 6), 2, dict(kernel_size=2))]


@pytest.mark.parametrize("dims, shape, norm, kwargs", LP_CASES)
def test_lp_pool(dims, shape, norm, kwargs):
    x = np.abs(randn(*shape)) + 0.1
    check_module(lambda nn: getattr(nn, f"LPPool{dims}d")(norm, **kwargs), x, atol=1e-5, rtol=1e-4)


UNPOOL_CASES = [(1, (2, 3, 10), dict(kernel_size=2), None), (1, (2, 3, 11), dict(kernel_size=3, stride=2), [12]),
                (2, (2, 3, 8, 8), dict(kernel_size=2), None), (2, (1, 2, 7, 7), dict(kernel_size=3, stride=2,
                                                                                      padding=1), (1, 2, 8, 7)),
                (2, (2, 6, 6), dict(kernel_size=2, stride=2), None), (3, (1, 2, 4, 6, 6), dict(kernel_size=2), None)]


@pytest.mark.parametrize("dims, shape, kwargs, output_size", UNPOOL_CASES)
def test_max_unpool(dims, shape, kwargs, output_size):
    def run(lib, x):
        nn = lib.nn
        out, indices = getattr(nn, f"MaxPool{dims}d")(return_indices=True, **kwargs)(x)
        return getattr(nn, f"MaxUnpool{dims}d")(**kwargs)(out, indices, output_size=output_size)
    check(run, randn(*shape))


@pytest.mark.parametrize("make, expected", [
    (lambda nn: nn.MaxPool2d(2), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"),
    (lambda nn: nn.MaxPool1d(3, 2, 1, 2, True, True), None),
    (lambda nn: nn.MaxPool3d((1, 2, 3)), None),
    (lambda nn: nn.AvgPool1d(3), "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"),
    (lambda nn: nn.AvgPool2d(2, 1, 1, True, False, 3), None),
    (lambda nn: nn.AvgPool3d((2, 2, 2)), None),
    (lambda nn: nn.AdaptiveAvgPool2d((None, 3)), "AdaptiveAvgPool2d(output_size=(None, 3))"),
    (lambda nn: nn.AdaptiveMaxPool1d(3, True), None),
    (lambda nn: nn.AdaptiveAvgPool3d(2), None),
    (lambda nn: nn.MaxUnpool2d(2), "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"),
    (lambda nn: nn.MaxUnpool1d(3, 2), None),
    (lambda nn: nn.MaxUnpool3d(2, padding=1), None),
    (lambda nn: nn.LPPool2d(2, 3), "LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)"),
    (lambda nn: nn.LPPool1d(1.5, 2, 1, True), None),
])
def test_reprs(make, expected):
    assert repr(make(ember.nn)) == repr(make(torch.nn))
    if expected:
        assert repr(make(ember.nn)) == expected


@pytest.mark.parametrize("fn, shape", [
    (lambda lib, x: lib.nn.functional.max_pool2d(x, 2), (4, 4)),
    (lambda lib, x: lib.nn.functional.max_pool2d(x, 3, padding=2), (1, 1, 6, 6)),
    (lambda lib, x: lib.nn.functional.max_pool2d(x, 3), (1, 1, 2, 2)),
    (lambda lib, x: lib.nn.functional.max_pool1d(x, 2, stride=0), (1, 1, 6)),
    (lambda lib, x: lib.nn.functional.avg_pool2d(x, 2, padding=2), (1, 1, 6, 6)),
    (lambda lib, x: lib.nn.functional.avg_pool2d(x, 2, divisor_override=0), (1, 1, 6, 6)),
    (lambda lib, x: lib.nn.functional.avg_pool1d(x, 4), (1, 1, 3)),
    (lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, 2), (5,)),
    (lambda lib, x: lib.nn.functional.adaptive_max_pool3d(x, 2), (1, 0, 2, 2)),
    (lambda lib, x: lib.nn.MaxPool2d(2)(x), (4,)),
    (lambda lib, x: lib.nn.functional.max_unpool2d(x, lib.zeros(1, 1, 2, 2, dtype=lib.int64), 2,
                                                   output_size=(9, 9)), (1, 1, 2, 2)),
    (lambda lib, x: lib.nn.functional.max_unpool1d(x, lib.full((1, 1, 2), 7, dtype=lib.int64), 2), (1, 1, 2)),
])
def test_errors(fn, shape):
    check_error(fn, randn(*shape))


def test_module_error_names_the_module():
    with pytest.raises(RuntimeError, match="MaxPool2d"):
        ember.nn.MaxPool2d(2)(ember.zeros(4))


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.nn.functional.max_pool2d(x, 2, return_indices=True),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 3, 2, 1),
    lambda lib, x: lib.nn.functional.adaptive_max_pool2d(x, 4, return_indices=True),
    lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, 4),
    lambda lib, x: lib.nn.MaxUnpool2d(2)(*lib.nn.MaxPool2d(2, return_indices=True)(x)),
])
@pytest.mark.parametrize("shape", [(0, 3, 6, 6), (1, 1, 6, 6)])
def test_empty_batch_and_batch_one(fn, shape):
    check(fn, randn(*shape))


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.nn.functional.max_pool2d(x.transpose(2, 3), 2, return_indices=True),
    lambda lib, x: lib.nn.functional.avg_pool2d(x.transpose(2, 3)[:, :, ::2], 2),
    lambda lib, x: lib.nn.functional.adaptive_max_pool2d(x[:, ::2], (3, 2)),
])
def test_non_contiguous_input(fn):
    check(fn, randn(2, 3, 7, 8))


def test_max_pool_module_return_indices():
    check(lambda lib, x: lib.nn.MaxPool2d(3, 2, 1, return_indices=True, ceil_mode=True)(x), randn(2, 2, 7, 6))
    check(lambda lib, x: lib.nn.AdaptiveMaxPool1d(4, return_indices=True)(x), randn(2, 2, 9))


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 2, 1, 1),
    lambda lib, x: lib.nn.functional.adaptive_max_pool2d(x, 3),
    lambda lib, x: lib.nn.MaxUnpool2d(2)(*lib.nn.MaxPool2d(2, return_indices=True)(x)),
])
def test_double_backward(fn):
    def second(lib, x):
        (grad,) = lib.autograd.grad(fn(lib, x).pow(2).sum(), x, create_graph=True)
        return grad
    check(second, randn(1, 2, 4, 6))


def test_grad_fn_names_match_torch():
    def names(lib):
        F = lib.nn.functional
        x, y = lib.ones(1, 1, 4, 4, 4, requires_grad=True), lib.ones(1, 1, 4, 4, requires_grad=True)
        out, indices = F.max_pool2d(y, 2, return_indices=True)
        results = [out, F.max_pool3d(x, 2), F.avg_pool2d(y, 2), F.avg_pool3d(x, 2), F.adaptive_avg_pool2d(y, 2),
                   F.adaptive_avg_pool3d(x, 2), F.adaptive_max_pool2d(y, 2), F.adaptive_max_pool3d(x, 2),
                   F.max_unpool2d(out, indices, 2)]
        return [type(t.grad_fn).__name__ for t in results]
    assert names(ember) == names(torch)
