"""Compare what ember.utils.data and torch.utils.data give for the same program: nested containers of the same
types (dict, namedtuple, list, tuple, str ...) down to tensors of the same dtype, shape and values."""
import collections.abc

import torch

import ember
from oracle import assert_same


def both(fn):
    """``fn(lib)`` with ember, then with torch."""
    return fn(ember), fn(torch)


def assert_same_structure(e, t, what="batch"):
    if isinstance(t, torch.Tensor):
        assert_same(e, t, what)
        return
    assert type(e).__name__ == type(t).__name__, f"{what}: ember {type(e).__name__} != torch {type(t).__name__}"
    if isinstance(t, collections.abc.Mapping):
        assert list(e) == list(t), f"{what}: keys {list(e)} != {list(t)}"
        for key in t:
            assert_same_structure(e[key], t[key], f"{what}[{key!r}]")
    elif isinstance(t, (list, tuple)):
        assert len(e) == len(t), f"{what}: length {len(e)} != {len(t)}"
        for i, (ei, ti) in enumerate(zip(e, t)):
            assert_same_structure(ei, ti, f"{what}[{i}]")
    else:
        assert e == t, f"{what}: ember {e!r} != torch {t!r}"


def assert_same_batches(fn):
    """``fn(lib)`` returns an iterable of batches; ember's and torch's are the same."""
    e, t = both(lambda lib: list(fn(lib)))
    assert_same_structure(e, t, "batches")
