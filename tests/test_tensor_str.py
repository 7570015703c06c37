"""Compare ember's tensor printing against real torch's repr, byte for byte."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch

_spec = importlib.util.spec_from_file_location(
    "ember_tensor_str", Path(__file__).resolve().parents[1] / "ember" / "_tensor_str.py")
ts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ts)

rng = np.random.default_rng(0)


def normal(shape, scale=1.0, dtype=np.float32):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def integers(shape, low=-50, high=50, dtype=np.int64):
    return rng.integers(low, high, shape).astype(dtype)


ARRAYS = {
    # 0-d
    "scalar_float": np.array(3.0, np.float32),
    "scalar_frac": np.array(-2.71828, np.float64),
    "scalar_int": np.array(5, np.int64),
    "scalar_bool": np.array(True),
    "scalar_nan": np.array(np.nan, np.float32),
    "scalar_big": np.array(1e10, np.float32),
    "scalar_half": np.array(0.1, np.float16),
    # empty
    "empty_f32": np.zeros((0,), np.float32),
    "empty_f64": np.zeros((0,), np.float64),
    "empty_2x0": np.zeros((2, 0), np.float32),
    "empty_0x3": np.zeros((0, 3), np.float32),
    "empty_i32": np.zeros((0,), np.int32),
    "empty_i64": np.zeros((0, 2), np.int64),
    "empty_bool": np.zeros((0,), bool),
    # each dtype, small
    "int_mode_f32": np.array([1.0, 2.0, 3.0], np.float32),
    "int_mode_neg": np.array([-1.0, 20.0, 0.0, -300.0], np.float32),
    "f16": normal((2, 3), dtype=np.float16),
    "f16_ints": np.array([1, 2, 2048, -7], np.float16),
    "f64": normal((3, 4), dtype=np.float64),
    "u8": integers((2, 5), 0, 255, np.uint8),
    "i8": integers((4,), -128, 127, np.int8),
    "i16": integers((3, 3), -30000, 30000, np.int16),
    "i32": integers((2, 2, 2), dtype=np.int32),
    "i64": integers((6,)),
    "i64_big": np.array([1, -(2 ** 62), 7], np.int64),
    "bool_vec": np.array([True, False, True]),
    "bool_all_true": np.array([[True, True], [True, True]]),
    "bool_2d": rng.random((3, 4)) > 0.5,
    # shapes
    "vec": normal(5),
    "mat": normal((4, 3)),
    "cube": normal((2, 3, 4)),
    "hyper": normal((2, 2, 2, 3)),
    "five_d": integers((2, 1, 2, 1, 2)),
    "single": np.array([0.5], np.float32),
    # scales
    "scale_1e-6": normal((3, 3), 1e-6),
    "scale_1e-3": normal(6, 1e-3),
    "scale_1e3": normal(6, 1e3),
    "scale_1e6": normal((2, 3), 1e6),
    "scale_1e10": normal((2, 3), 1e10),
    "scale_1e10_f64": normal(4, 1e10, np.float64),
    "f64_tiny": np.array([1e-120, 1.0, -3e200], np.float64),
    "ratio_over_1000": np.array([0.5, 600.0], np.float32),
    "ratio_under_1000": np.array([0.5, 400.0], np.float32),
    "int_mode_sci": np.array([1.0, 1e9], np.float32),
    "int_mode_ratio": np.array([1.0, 2000.0], np.float32),
    "mixed_int_frac": np.array([1.0, 2.5, -3.0, 100.0], np.float32),
    "rounds_up": np.array([9.99996, 1.5], np.float32),
    "zeros": np.zeros((2, 3), np.float32),
    "neg_zero": np.array([-0.0, 1.0, 2.0], np.float32),
    "negatives": -np.abs(normal(7)),
    # nan / inf
    "nan_inf": np.array([np.nan, np.inf, -np.inf, 1.0], np.float32),
    "nan_frac": np.array([np.nan, 1.5, -np.inf], np.float32),
    "only_nonfinite": np.array([np.nan, np.inf, -np.inf], np.float32),
    "nan_sci": np.array([np.nan, 1e-7, 3.0], np.float64),
    "inf_2d": np.array([[np.inf, 0.0], [2.0, -1e5]], np.float32),
    # summarisation
    "big_vec": normal(2000),
    "big_int_vec": np.arange(2000, dtype=np.int64),
    "big_40x40": normal((40, 40)),
    "big_5x300": normal((5, 300), 100),
    "big_3d": normal((20, 10, 10)),
    "big_4d_int": integers((8, 8, 8, 8), dtype=np.int32),
    "big_bool": rng.random(1500) > 0.5,
    "big_f16": normal((30, 40), dtype=np.float16),
    "big_sci_hidden": np.concatenate([np.ones(500), np.full(600, 1e9), np.ones(500)]).astype(np.float32),
    # wrapping
    "wide_vec": normal(50),
    "wide_int": np.arange(100, dtype=np.int64) * 1000,
    "wide_rows": normal((3, 30)),
    "wide_3d": normal((2, 2, 25), 1e5),
    "wide_bool": rng.random(40) > 0.5,
}


def dtype_name(tensor):
    return str(tensor.dtype).removeprefix("torch.")


@pytest.mark.parametrize("name", ARRAYS)
def test_matches_torch(name):
    array = ARRAYS[name]
    t = torch.from_numpy(array.copy())
    expected = repr(t)
    assert str(t) == expected
    assert ts.format_tensor(array, dtype_name(t)) == expected


@pytest.mark.parametrize("name", ["scalar_float", "vec", "cube", "wide_rows", "big_40x40", "empty_0x3"])
def test_requires_grad(name):
    t = torch.tensor(ARRAYS[name], requires_grad=True)
    got = ts.format_tensor(ARRAYS[name], "float32", requires_grad=True)
    assert got == repr(t)


@pytest.mark.parametrize("name", ["scalar_float", "vec", "wide_vec", "f64", "hyper"])
def test_grad_fn(name):
    array = ARRAYS[name]
    t = torch.tensor(array, requires_grad=True) * 1
    got = ts.format_tensor(array, dtype_name(t), requires_grad=True, grad_fn_name="MulBackward0")
    assert got == repr(t)


@pytest.mark.parametrize("name", ["vec", "wide_vec", "scalar_float", "wide_rows"])
def test_device_suffix(name):
    # No CUDA in the oracle: build torch's text from its own body and suffix helpers.
    array = ARRAYS[name]
    t = torch.from_numpy(array.copy())
    expected = torch._tensor_str._add_suffixes(
        "tensor(" + torch._tensor_str._tensor_str(t, 7), ["device='cuda:0'", "requires_grad=True"], 7, False)
    got = ts.format_tensor(array, "float32", requires_grad=True, device_suffix="cuda:0")
    assert got == expected


@pytest.fixture
def default_float64():
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("name", ["scalar_float", "vec", "f64", "empty_f32", "empty_f64", "empty_0x3",
                                  "i32", "scalar_int", "empty_bool", "f16"])
def test_default_dtype_float64(name, default_float64):
    array = ARRAYS[name]
    t = torch.from_numpy(array.copy())
    assert ts.format_tensor(array, dtype_name(t), default_dtype_name="float64") == repr(t)


OPTIONS = [
    dict(precision=2),
    dict(precision=6),
    dict(precision=0),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(sci_mode=True, precision=2),
    dict(threshold=5),
    dict(threshold=0),
    dict(threshold=5, edgeitems=1),
    dict(threshold=5, edgeitems=0),
    dict(edgeitems=0),
    dict(linewidth=40),
    dict(linewidth=120),
    dict(linewidth=10),
    dict(profile="short"),
    dict(profile="full"),
    dict(profile="short", precision=5),
]


@pytest.fixture
def restore_options():
    yield
    torch.set_printoptions(profile="default")
    ts.set_printoptions(profile="default")


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("name", ["vec", "cube", "big_vec", "big_40x40", "scale_1e10", "scale_1e-6",
                                  "int_mode_f32", "nan_inf", "only_nonfinite", "i64", "bool_vec",
                                  "scalar_frac", "empty_2x0", "wide_3d", "big_int_vec", "hyper"])
def test_print_options(options, name, restore_options):
    array = ARRAYS[name]
    t = torch.from_numpy(array.copy())
    torch.set_printoptions(**options)
    ts.set_printoptions(**options)
    assert ts.format_tensor(array, dtype_name(t)) == repr(t)


def test_long_suffix_wraps(restore_options):
    array = ARRAYS["wide_rows"].astype(np.float64)
    for linewidth in (60, 70, 75, 80):
        torch.set_printoptions(linewidth=linewidth)
        ts.set_printoptions(linewidth=linewidth)
        t = torch.tensor(array, requires_grad=True) * 1
        got = ts.format_tensor(array, "float64", grad_fn_name="MulBackward0")
        assert got == repr(t)


def test_set_printoptions_resets_sci_mode(restore_options):
    ts.set_printoptions(sci_mode=True)
    ts.set_printoptions(precision=3)
    assert ts.PRINT_OPTIONS.sci_mode is None and ts.PRINT_OPTIONS.precision == 3
