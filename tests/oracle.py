"""The oracle: run the same program on ember and on real PyTorch from the same numpy data and compare.

    check(lambda lib, a, b: lib.add(a, b), np_a, np_b)

builds ember and torch tensors from the numpy inputs (floating ones require grad), runs ``fn`` with each
library, compares output values, dtypes and shapes, then backpropagates the same random upstream gradient
through both and compares the gradient of every input.
"""
import numpy as np
import torch

import ember

TOL = {"float16": (1e-2, 1e-2), "float32": (1e-5, 1e-4), "float64": (1e-10, 1e-8)}


def to_torch(x, requires_grad=False):
    if isinstance(x, np.ndarray):
        t = torch.from_numpy(x.copy())
        return t.requires_grad_(True) if requires_grad and x.dtype.kind == "f" else t
    return x


def to_ember(x, requires_grad=False):
    if isinstance(x, np.ndarray):
        t = ember.from_numpy(x.copy())
        return t.requires_grad_(True) if requires_grad and x.dtype.kind == "f" else t
    return x


def dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def assert_same(e, t, what="output", atol=None, rtol=None):
    """An ember result equals a torch result: same type of container, dtype, shape and values."""
    if isinstance(t, (tuple, list)):
        assert isinstance(e, (tuple, list)) and len(e) == len(t), f"{what}: {e!r} vs {t!r}"
        for i, (ei, ti) in enumerate(zip(e, t)):
            assert_same(ei, ti, f"{what}[{i}]", atol, rtol)
        return
    if not isinstance(t, torch.Tensor):
        assert e == t, f"{what}: ember {e!r} != torch {t!r}"
        return
    assert isinstance(e, ember.Tensor), f"{what}: expected a Tensor, got {type(e).__name__}"
    assert dtype_name(e) == dtype_name(t), f"{what}: dtype ember {e.dtype} != torch {t.dtype}"
    assert tuple(e.shape) == tuple(t.shape), f"{what}: shape ember {tuple(e.shape)} != torch {tuple(t.shape)}"
    default_atol, default_rtol = TOL.get(dtype_name(t), (0, 0))
    np.testing.assert_allclose(np.asarray(e.detach()._array, dtype=np.float64) if e.dtype.is_floating_point
                               else e.detach()._array, t.detach().numpy(),
                               atol=default_atol if atol is None else atol,
                               rtol=default_rtol if rtol is None else rtol, err_msg=what, equal_nan=True)


def _float_outputs(out):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in outs if hasattr(o, "requires_grad") and o.requires_grad]


def check(fn, *inputs, grad=True, atol=None, rtol=None, seed=0):
    """Compare ``fn(lib, *tensors)`` between ember and torch, forward and (if ``grad``) backward."""
    t_in = [to_torch(x, grad) for x in inputs]
    e_in = [to_ember(x, grad) for x in inputs]
    t_out = fn(torch, *t_in)
    e_out = fn(ember, *e_in)
    assert_same(e_out, t_out, "forward", atol, rtol)
    t_outs, e_outs = _float_outputs(t_out), _float_outputs(e_out)
    assert len(t_outs) == len(e_outs), "a different number of outputs require grad"
    if not grad or not t_outs:
        return e_out, t_out
    rng = np.random.default_rng(seed)
    upstream = [rng.standard_normal(o.shape).astype(str(o.dtype).replace("torch.", "")) for o in t_outs]
    torch.autograd.backward(t_outs, [torch.from_numpy(u) for u in upstream])
    ember.autograd.backward(e_outs, [ember.from_numpy(u.copy()) for u in upstream])
    for i, (et, tt) in enumerate(zip(e_in, t_in)):
        if isinstance(tt, torch.Tensor) and tt.requires_grad:
            assert (et.grad is None) == (tt.grad is None), f"grad of input {i}: ember {et.grad} torch {tt.grad}"
            if tt.grad is not None:
                assert_same(et.grad, tt.grad, f"grad of input {i}", atol, rtol)
    return e_out, t_out


def check_error(fn, *inputs):
    """``fn`` raises the same exception class on ember as on torch; returns ember's message."""
    try:
        fn(torch, *[to_torch(x) for x in inputs])
    except Exception as exc:  # noqa: BLE001 - any class torch raises is the expected one
        expected = type(exc)
    else:
        raise AssertionError("torch raised nothing")
    try:
        fn(ember, *[to_ember(x) for x in inputs])
    except Exception as exc:  # noqa: BLE001
        assert isinstance(exc, expected), f"ember raised {type(exc).__name__}: {exc}; torch raised {expected.__name__}"
        return str(exc)
    raise AssertionError(f"ember raised nothing; torch raised {expected.__name__}")
