"""Run one small autograd program with torch and with ember and compare the results.

    same_printout(lambda lib: program_using(lib))

``program(lib)`` returns what the script prints (any value; it is turned into ``str``). Object addresses
(``<MulBackward0 object at 0x...>``) are dropped before comparing. ``same_values`` compares tensors within a
tolerance instead, for results whose last printed digit may differ by float rounding.
"""
import re

import numpy as np
import torch

import ember

_ADDRESS = re.compile(r" object at 0x[0-9a-f]+")


def printed(value):
    return _ADDRESS.sub(" object", str(value))


def same_printout(program):
    """``program`` prints the same with ember as with torch; returns ember's printout."""
    expected = printed(program(torch))
    got = printed(program(ember))
    assert got == expected, f"ember printed:\n{got}\ntorch printed:\n{expected}"
    return got


def raised(program, lib):
    try:
        program(lib)
    except Exception as exc:  # noqa: BLE001 - the class is what is compared
        return exc
    raise AssertionError(f"{lib.__name__} raised nothing")


def same_error(program, exact=True):
    """``program`` raises the same class with both libraries, and (if ``exact``) the same message."""
    expected, got = raised(program, torch), raised(program, ember)
    assert isinstance(got, type(expected)), f"ember raised {type(got).__name__}: {got}; torch raised " \
                                            f"{type(expected).__name__}: {expected}"
    if exact:
        assert str(got) == str(expected), f"ember said:\n{got}\ntorch said:\n{expected}"
    return str(got)


def node_name(node):
    return None if node is None else type(node).__name__


def same_values(program, rtol=1e-5, atol=1e-6):
    """``program`` returns tensors (compared by value, dtype and grad_fn name) or other values (compared by str)."""
    expected, got = program(torch), program(ember)
    _compare(got, expected, rtol, atol, "result")


def _compare(got, expected, rtol, atol, where):
    if isinstance(expected, (tuple, list)):
        assert len(got) == len(expected), f"{where}: {printed(got)} vs {printed(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            _compare(g, e, rtol, atol, f"{where}[{i}]")
    elif isinstance(expected, torch.Tensor):
        assert isinstance(got, ember.Tensor), f"{where}: {printed(got)} is not a Tensor"
        assert str(got.dtype) == str(expected.dtype), f"{where}: dtype {got.dtype} vs {expected.dtype}"
        assert node_name(got.grad_fn) == node_name(expected.grad_fn), \
            f"{where}: grad_fn {node_name(got.grad_fn)} vs {node_name(expected.grad_fn)}"
        np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=rtol, atol=atol,
                                   err_msg=where)
    else:
        assert printed(got) == printed(expected), f"{where}: ember {printed(got)} vs torch {printed(expected)}"
