"""einsum against torch: values, dtypes, gradients of every operand (also second order), errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import assert_same, check, check_error

rng = np.random.default_rng(0)


def randn(shape, dtype=np.float64):
    return np.asarray(rng.standard_normal(shape), dtype)


# equation: operand shapes
EQUATIONS = {
    "ij,jk->ik": [(2, 3), (3, 4)],
    "ij,jk": [(2, 3), (3, 4)],
    "bij,bjk->bik": [(2, 3, 4), (2, 4, 5)],
    "bij,bjk": [(2, 3, 4), (2, 4, 5)],
    "ii": [(3, 3)],
    "ii->i": [(3, 3)],
    "iij->j": [(3, 3, 2)],
    "ij->ji": [(2, 3)],
    "ij->": [(2, 3)],
    "ij->j": [(2, 3)],
    "i,j->ij": [(2,), (3,)],
    "i,i->": [(4,), (4,)],
    "i,i": [(4,), (4,)],
    "...ij,...jk->...ik": [(2, 1, 3, 4), (5, 4, 2)],
    "...ij->...ji": [(2, 3, 4)],
    "...ii->...i": [(2, 3, 3)],
    "b...,b...->b": [(2, 3, 4), (2, 3, 4)],
    "i...->...": [(2, 3, 4)],
    "ij,ij->ij": [(1, 3), (4, 3)],
    "ij,jk,kl->il": [(2, 3), (3, 4), (4, 2)],
    "bn,anm,bm->ba": [(2, 3), (4, 3, 5), (2, 5)],
    "Ab,bc->Ac": [(3, 3), (3, 2)],
    "ijk,kji->": [(2, 3, 4), (4, 3, 2)],
    "ij,jk->i": [(2, 3), (3, 4)],
    "i,j,k->ijk": [(2,), (3,), (2,)],
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("equation", list(EQUATIONS))
def test_einsum(equation, dtype):
    operands = [randn(s, dtype) for s in EQUATIONS[equation]]
    check(lambda lib, *ops: lib.einsum(equation, *ops), *operands)


def test_einsum_operands_as_list():
    check(lambda lib, a, b: lib.einsum("ij,jk->ik", [a, b]), randn((2, 3)), randn((3, 4)))


def test_einsum_sublist_form():
    check(lambda lib, a, b: lib.einsum(a, [0, 1], b, [1, 2], [0, 2]), randn((2, 3)), randn((3, 4)))
    check(lambda lib, a: lib.einsum(a, [Ellipsis, 0, 0], [Ellipsis, 0]), randn((2, 3, 3)))


def test_einsum_ints():
    a = np.arange(6).reshape(2, 3)
    check(lambda lib, a, b: lib.einsum("ij,kj->ik", a, b), a, a + 1)


def test_einsum_one_operand_output_owns_memory():
    x = ember.ones(3, 3)
    y = ember.einsum("ij->ji", x)
    y[0, 1] = 5
    assert x[1, 0].item() == 1


@pytest.mark.parametrize("equation", ["ij,jk->ik", "ii->i", "i,j->ij", "bij,bjk->bik"])
def test_einsum_double_backward(equation):
    shapes = EQUATIONS.get(equation) or EQUATIONS[equation.split("->")[0]]
    inputs = [randn(s) for s in shapes]
    results = []
    for lib in (torch, ember):
        ops = [lib.tensor(x, requires_grad=True) for x in inputs]
        out = lib.einsum(equation, *ops)
        grads = lib.autograd.grad((out * out).sum(), ops, create_graph=True)
        second = lib.autograd.grad(sum((g * g).sum() for g in grads), ops)
        results.append((grads, second))
    (t_first, t_second), (e_first, e_second) = results
    assert_same(list(e_first), list(t_first))
    assert_same(list(e_second), list(t_second))


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk", [(2, 3), (4, 5)]),
    ("ij,jk", [(2, 3)]),
    ("ij", [(2, 3), (3, 4)]),
    ("ijk", [(2, 3)]),
    ("ij->k", [(2, 3)]),
    ("ij->ii", [(2, 3)]),
    ("i#", [(2, 3)]),
])
def test_einsum_errors(equation, shapes):
    message = check_error(lambda lib, *ops: lib.einsum(equation, *ops), *[randn(s) for s in shapes])
    assert "einsum" in message


def test_einsum_mixed_dtypes_error():
    message = check_error(lambda lib, a, b: lib.einsum("ij,jk", a, b), randn((2, 3), np.float32), randn((3, 2)))
    assert "float32" in message and "float64" in message
