"""interpolate / Upsample (every mode), pixel shuffle and the padding modules against torch."""
import numpy as np
import pytest
import torch

import ember
from module_oracle import check_module
from oracle import check, check_error

RNG = np.random.default_rng(0)


def randn(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


SHAPES = {"linear": (2, 3, 7), "bilinear": (2, 3, 5, 6), "bicubic": (1, 2, 5, 6), "trilinear": (1, 2, 3, 4, 5)}
SIZE_ARGS = [dict(scale_factor=2), dict(scale_factor=1.7), dict(scale_factor=0.6), dict(size=9), dict(size=3),
             dict(scale_factor=2.5, recompute_scale_factor=True), dict(size=1)]


@pytest.mark.parametrize("mode", ["linear", "bilinear", "bicubic", "trilinear"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size_args", SIZE_ARGS)
def test_interpolate_linear_modes(mode, align_corners, size_args):
    check(lambda lib, x: lib.nn.functional.interpolate(x, mode=mode, align_corners=align_corners, **size_args),
          randn(*SHAPES[mode]))


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "area"])
@pytest.mark.parametrize("shape", [(2, 3, 7), (1, 2, 5, 6), (1, 2, 3, 4, 5)])
@pytest.mark.parametrize("size_args", SIZE_ARGS)
def test_interpolate_nearest_and_area(mode, shape, size_args):
    check(lambda lib, x: lib.nn.functional.interpolate(x, mode=mode, **size_args), randn(*shape))


@pytest.mark.parametrize("kwargs", [dict(size=(4, 9)), dict(scale_factor=(1.5, 2.0)), dict(scale_factor=(0.5, 3))])
@pytest.mark.parametrize("mode", ["nearest", "bilinear", "bicubic"])
def test_interpolate_per_dim_sizes(kwargs, mode):
    check(lambda lib, x: lib.nn.functional.interpolate(x, mode=mode, **kwargs), randn(2, 2, 6, 5))


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "area"])
def test_interpolate_inf_and_nan_stay_local(mode):
    x = randn(1, 1, 6, 6)
    x[0, 0, 1, 1], x[0, 0, 4, 3] = np.inf, np.nan
    check(lambda lib, a: lib.nn.functional.interpolate(a, size=(3, 9), mode=mode), x, grad=False)


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
@pytest.mark.parametrize("scale", [2.2, 1.2, 2.0, 0.5])
def test_nearest_output_once_or_twice_the_input(mode, scale):
    check(lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=scale, mode=mode), randn(1, 2, 3, 4))


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size_args", [dict(size=(5, 4)), dict(scale_factor=0.3), dict(scale_factor=1.7),
                                       dict(size=(20, 6)), dict(scale_factor=(0.5, 0.37))])
def test_interpolate_antialias(mode, align_corners, size_args):
    def run(lib, x):
        out = lib.nn.functional.interpolate(x, mode=mode, align_corners=align_corners, antialias=True, **size_args)
        assert type(out.grad_fn).__name__ == f"Upsample{mode.capitalize()}2DAaBackward0"
        return out
    check(run, randn(2, 3, 13, 11))


def test_interpolate_float64():
    check(lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=1.5, mode="bicubic"),
          randn(1, 1, 4, 5, dtype=np.float64))


@pytest.mark.parametrize("make", [
    lambda nn: nn.Upsample(scale_factor=2), lambda nn: nn.Upsample(size=(4, 7), mode="bilinear"),
    lambda nn: nn.Upsample(scale_factor=(2.0, 1.5), mode="bicubic", align_corners=True),
    lambda nn: nn.UpsamplingNearest2d(size=7), lambda nn: nn.UpsamplingBilinear2d(scale_factor=2),
    lambda nn: nn.Upsample(scale_factor=1.5, mode="nearest-exact", recompute_scale_factor=True),
])
def test_upsample_modules(make):
    check_module(make, randn(2, 3, 5, 6))
    assert repr(make(ember.nn)) == repr(make(torch.nn))


def test_upsample_aliases():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda lib, x: lib.nn.functional.upsample_bilinear(x, scale_factor=2), randn(1, 2, 3, 4))
        check(lambda lib, x: lib.nn.functional.upsample_nearest(x, size=5), randn(1, 2, 3, 4))
        check(lambda lib, x: lib.nn.functional.upsample(x, size=5, mode="linear"), randn(1, 2, 3))


@pytest.mark.parametrize("fn, shape", [
    (lambda lib, x: lib.nn.functional.interpolate(x, size=4, scale_factor=2), (1, 1, 3)),
    (lambda lib, x: lib.nn.functional.interpolate(x), (1, 1, 3)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=4, mode="bilinear"), (1, 1, 3)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=4, mode="nearest", align_corners=True), (1, 1, 3)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=(4, 4)), (1, 1, 3)),
    (lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=(2, 2)), (1, 1, 3)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=4, recompute_scale_factor=True), (1, 1, 3)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=4, mode="cubic"), (1, 1, 3)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=4), (3,)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=4, mode="linear", antialias=True), (1, 1, 3)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=0), (1, 1, 3)),
    (lambda lib, x: lib.nn.functional.pixel_shuffle(x, 2), (1, 5, 2, 2)),
    (lambda lib, x: lib.nn.functional.pixel_shuffle(x, 2), (4, 2)),
    (lambda lib, x: lib.nn.functional.pixel_unshuffle(x, 2), (1, 1, 5, 4)),
    (lambda lib, x: lib.nn.functional.pixel_unshuffle(x, 2), (1, 1, 4, 3)),
])
def test_errors(fn, shape):
    check_error(fn, randn(*shape))


@pytest.mark.parametrize("shape, factor", [((1, 8, 3, 4), 2), ((2, 9, 2, 2), 3), ((18, 2, 3), 3),
                                           ((2, 2, 4, 3, 3), 2), ((1, 3, 2, 2), 1)])
def test_pixel_shuffle(shape, factor):
    check_module(lambda nn: nn.PixelShuffle(factor), randn(*shape))
    shuffled = tuple(shape[:-3]) + (shape[-3] // factor ** 2, shape[-2] * factor, shape[-1] * factor)
    check_module(lambda nn: nn.PixelUnshuffle(factor), randn(*shuffled))
    assert repr(ember.nn.PixelShuffle(factor)) == repr(torch.nn.PixelShuffle(factor))
    assert repr(ember.nn.PixelUnshuffle(factor)) == repr(torch.nn.PixelUnshuffle(factor))


PAD_CASES = [
    (lambda nn: nn.ZeroPad1d(2), (2, 3, 5)), (lambda nn: nn.ZeroPad2d((1, 0, 2, 3)), (2, 3, 4, 5)),
    (lambda nn: nn.ZeroPad3d(1), (1, 2, 3, 4, 5)), (lambda nn: nn.ZeroPad2d((-1, 2, 0, 1)), (3, 4, 5)),
    (lambda nn: nn.ConstantPad1d((3, 1), 2.5), (3, 4)), (lambda nn: nn.ConstantPad2d(1, -1.0), (1, 2, 3, 3)),
    (lambda nn: nn.ConstantPad3d((1, 0, 0, 2, 1, 1), 0.5), (2, 2, 2, 3)),
    (lambda nn: nn.ReflectionPad1d(2), (2, 3, 5)), (lambda nn: nn.ReflectionPad2d((1, 2, 3, 0)), (1, 2, 4, 5)),
    (lambda nn: nn.ReflectionPad3d(1), (1, 1, 3, 3, 3)),
    (lambda nn: nn.ReplicationPad1d((0, 3)), (3, 4)), (lambda nn: nn.ReplicationPad2d(2), (2, 1, 3, 3)),
    (lambda nn: nn.ReplicationPad3d((1, 2, 0, 1, 2, 0)), (1, 2, 2, 3, 2)),
    (lambda nn: nn.CircularPad1d(2), (2, 3, 5)), (lambda nn: nn.CircularPad2d((1, 2, 2, 1)), (1, 2, 4, 5)),
    (lambda nn: nn.CircularPad3d(1), (2, 3, 3, 3)),
]


@pytest.mark.parametrize("make, shape", PAD_CASES)
def test_padding_modules(make, shape):
    check_module(make, randn(*shape))
    assert repr(make(ember.nn)) == repr(make(torch.nn))


@pytest.mark.parametrize("make, shape", [
    (lambda nn: nn.CircularPad2d(1), (5, 5)), (lambda nn: nn.ReflectionPad1d(3), (1, 2, 3)),
    (lambda nn: nn.ReplicationPad2d(1), (2, 3, 4, 5, 6)),
])
def test_padding_module_errors(make, shape):
    check_error(lambda lib, x: make(lib.nn)(x), randn(*shape))


@pytest.mark.parametrize("mode, shape, name", [
    ("nearest", (1, 2, 4), "UpsampleNearest1DBackward0"), ("nearest", (1, 2, 3, 4), "UpsampleNearest2DBackward0"),
    ("nearest-exact", (1, 2, 3, 4, 2), "UpsampleNearestExact3DBackward0"),
    ("linear", (1, 2, 4), "UpsampleLinear1DBackward0"), ("bilinear", (1, 2, 3, 4), "UpsampleBilinear2DBackward0"),
    ("bicubic", (1, 2, 3, 4), "UpsampleBicubic2DBackward0"),
    ("trilinear", (1, 2, 3, 4, 2), "UpsampleTrilinear3DBackward0"),
])
def test_grad_fn_names_and_double_backward(mode, shape, name):
    def second(lib, x):
        out = lib.nn.functional.interpolate(x, scale_factor=2, mode=mode)
        assert type(out.grad_fn).__name__ == name
        (grad,) = lib.autograd.grad(out.pow(2).sum(), x, create_graph=True)
        return grad
    check(second, randn(*shape))


def test_nearest_keeps_integer_dtype():
    x = RNG.integers(0, 255, (1, 3, 4, 5)).astype(np.uint8)
    check(lambda lib, a: lib.nn.functional.interpolate(a, scale_factor=(1.5, 2), mode="nearest"), x, grad=False)
