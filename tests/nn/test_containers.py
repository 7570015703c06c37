"""Sequential, ModuleList, ModuleDict, ParameterList and ParameterDict against torch."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from module_oracle import check_module

LIBS = [torch, ember]


def layers(nn, n=3):
    return [nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)][:n]


def both(fn):
    return fn(torch), fn(ember)


def names(module):
    return [n for n, _ in module.named_modules()]


def test_sequential_forward_and_gradients_match_torch():
    x = np.random.default_rng(0).standard_normal((5, 2)).astype(np.float32)
    check_module(lambda nn: nn.Sequential(*layers(nn)), x)


def test_sequential_from_ordered_dict_keeps_names():
    t, e = both(lambda lib: lib.nn.Sequential(OrderedDict(conv=lib.nn.Linear(1, 1), act=lib.nn.ReLU())))
    assert repr(e) == repr(t) and names(e) == names(t) == ["", "conv", "act"]
    assert e[-1] is e.act and e[0] is e.conv


def test_sequential_repr_matches_torch():
    t, e = both(lambda lib: lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU()))
    assert repr(e) == repr(t) == ("Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n"
                                  "  (1): ReLU()\n)")
    nested = both(lambda lib: lib.nn.Sequential(lib.nn.Sequential(lib.nn.Linear(1, 1)), lib.nn.Identity()))
    assert repr(nested[1]) == repr(nested[0])
    assert repr(ember.nn.Sequential()) == repr(torch.nn.Sequential()) == "Sequential()"


@pytest.mark.parametrize("edit", [
    lambda lib, s: s.append(lib.nn.Tanh() if hasattr(lib.nn, "Tanh") else lib.nn.Identity()),
    lambda lib, s: s.insert(1, lib.nn.Identity()),
    lambda lib, s: s.insert(-1, lib.nn.Identity()),
    lambda lib, s: s.extend([lib.nn.Identity(), lib.nn.Identity()]),
    lambda lib, s: s.pop(0),
    lambda lib, s: s.__delitem__(-2),
    lambda lib, s: s.__delitem__(slice(0, 2)),
    lambda lib, s: s.__setitem__(-1, lib.nn.Identity()),
    lambda lib, s: s.__iadd__(lib.nn.Sequential(lib.nn.Identity())),
    lambda lib, s: s.__imul__(2),
])
def test_sequential_editing_matches_torch(edit):
    reprs = []
    for lib in LIBS:
        seq = lib.nn.Sequential(*layers(lib.nn))
        edit(lib, seq)
        reprs.append((repr(seq), len(seq), names(seq)))
    assert reprs[1] == reprs[0]


def test_sequential_indexing_slicing_and_operators():
    seq = ember.nn.Sequential(*layers(ember.nn))
    first, relu, last = list(seq)
    assert seq[0] is first and seq[-1] is last
    sliced = seq[1:]
    assert type(sliced) is ember.nn.Sequential and list(sliced) == [relu, last]
    assert list(seq + seq[:1]) == [first, relu, last, first]
    assert list(seq * 2) == [first, relu, last] * 2 and list(2 * seq) == list(seq * 2)
    assert seq.pop(1) is relu and list(seq) == [first, last]


@pytest.mark.parametrize("call, exc", [
    (lambda lib, s: s[3], IndexError), (lambda lib, s: s[-4], IndexError),
    (lambda lib, s: s + [1], ValueError), (lambda lib, s: s * 0, ValueError), (lambda lib, s: s * 1.5, TypeError),
    (lambda lib, s: s.insert(9, lib.nn.ReLU()), IndexError),
])
def test_sequential_errors_match_torch(call, exc):
    for lib in LIBS:
        with pytest.raises(exc):
            call(lib, lib.nn.Sequential(*layers(lib.nn)))


def test_module_list_repr_collapses_repeated_modules_like_torch():
    build = lambda lib: lib.nn.ModuleList([lib.nn.Linear(2, 2) for _ in range(3)] + [lib.nn.ReLU()]  # noqa: E731
                                          + [lib.nn.Linear(2, 2)])
    t, e = both(build)
    assert repr(e) == repr(t)
    assert "(0-2): 3 x Linear(in_features=2, out_features=2, bias=True)" in repr(e)
    nested = both(lambda lib: lib.nn.ModuleList([lib.nn.Sequential(lib.nn.ReLU(), lib.nn.ReLU())] * 2))
    assert repr(nested[1]) == repr(nested[0])
    assert repr(ember.nn.ModuleList()) == repr(torch.nn.ModuleList())


@pytest.mark.parametrize("edit", [
    lambda lib, m: m.append(lib.nn.Identity()),
    lambda lib, m: m.extend([lib.nn.Identity()]),
    lambda lib, m: m.insert(1, lib.nn.Identity()),
    lambda lib, m: m.__delitem__(0),
    lambda lib, m: m.__delitem__(slice(1, None)),
    lambda lib, m: m.pop(-1),
    lambda lib, m: m.__setitem__(1, lib.nn.Identity()),
    lambda lib, m: m.__iadd__([lib.nn.Identity()]),
])
def test_module_list_editing_matches_torch(edit):
    results = []
    for lib in LIBS:
        mods = lib.nn.ModuleList(layers(lib.nn))
        edit(lib, mods)
        results.append((repr(mods), len(mods), [n for n, _ in mods.named_parameters()]))
    assert results[1] == results[0]


def test_module_list_indexing_and_iteration():
    mods = ember.nn.ModuleList(layers(ember.nn))
    items = list(mods)
    assert mods[-1] is items[-1] and type(mods[:2]) is ember.nn.ModuleList and list(mods[:2]) == items[:2]
    assert list(mods + mods[:1]) == items + items[:1]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        mods[3]
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable"):
        mods.extend(5)


def test_module_list_parameters_belong_to_the_parent():
    t, e = both(lambda lib: lib.nn.Sequential(lib.nn.ModuleList(layers(lib.nn))))
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert list(e.state_dict()) == list(t.state_dict())


def test_module_dict_api_matches_torch():
    results = []
    for lib in LIBS:
        mods = lib.nn.ModuleDict({"b": lib.nn.ReLU(), "a": lib.nn.Linear(1, 1)})
        mods["c"] = lib.nn.Identity()
        mods.update([("d", lib.nn.Identity())])
        popped = mods.pop("b")
        del mods["d"]
        results.append((repr(mods), list(mods), list(mods.keys()), len(mods), "a" in mods, type(popped).__name__,
                        [type(v).__name__ for v in mods.values()], [k for k, _ in mods.items()]))
        mods.clear()
        results.append(len(mods))
    assert results[2:] == results[:2]


@pytest.mark.parametrize("bad, exc", [(5, TypeError), ([("a",)], ValueError), ([5], TypeError)])
def test_module_dict_update_errors(bad, exc):
    for lib in LIBS:
        with pytest.raises(exc):
            lib.nn.ModuleDict().update(bad)


def test_parameter_list_matches_torch():
    results = []
    for lib in LIBS:
        params = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(4)])
        params.append(lib.ones(1, dtype=lib.float64))
        params.extend([lib.nn.Parameter(lib.ones(1), requires_grad=False)])
        results.append((repr(params), len(params), [type(p).__name__ for p in params],
                        [n for n, _ in params.named_parameters()], len(params[1:3]), tuple(params[-1].shape)))
    assert results[1] == results[0]


def test_parameter_list_errors():
    for lib in LIBS:
        params = lib.nn.ParameterList()
        with pytest.raises(TypeError, match="ParameterList.extend should be called with an iterable"):
            params.extend(lib.ones(2))
        with pytest.raises(RuntimeError, match="ParameterList should not be called"):
            params(1)
        with pytest.raises(IndexError):
            params[0]


def test_parameter_dict_matches_torch():
    results = []
    for lib in LIBS:
        params = lib.nn.ParameterDict({"b": lib.ones(2), "a": lib.nn.Parameter(lib.zeros(1, 2))})
        params["c"] = lib.ones(3)
        params.update(OrderedDict(z=lib.ones(1), y=lib.ones(1)))
        popped = params.pop("z")
        merged = params | lib.nn.ParameterDict({"q": lib.ones(1)})
        results.append((repr(params), list(params), len(params), "a" in params, type(popped).__name__,
                        [n for n, _ in params.named_parameters()], list(merged.keys()), params.get("nope", 3),
                        params.popitem()[0], list(reversed(params))))
    assert results[1] == results[0]


def test_parameter_dict_rejects_non_string_keys():
    for lib in LIBS:
        with pytest.raises(TypeError, match="Index given to ParameterDict cannot be used as a key"):
            lib.nn.ParameterDict()[1]


def test_container_in_a_model_trains_its_parameters():
    model = ember.nn.Sequential(ember.nn.ModuleDict({"fc": ember.nn.Linear(2, 1)}))
    model.register_module("extra", ember.nn.ParameterList([ember.ones(1)]))
    assert [n for n, _ in model.named_parameters()] == ["0.fc.weight", "0.fc.bias", "extra.0"]
