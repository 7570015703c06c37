"""Joining, splitting and the view ops that reshape (movedim, unflatten, unfold, as_strided) against torch."""
import numpy as np
import pytest
import torch

import ember
from oracle import assert_same, check, check_error

rng = np.random.default_rng(7)
X = rng.standard_normal((5, 4)).astype(np.float32)
Y = rng.standard_normal((5, 4)).astype(np.float64)
V = rng.standard_normal(4).astype(np.float32)
X3 = rng.standard_normal((3, 4, 5)).astype(np.float32)
S = np.array(2.5, np.float32)

JOINS = {
    "cat": (lambda lib, a, b: lib.cat([a, b]), X, X),
    "cat_neg_dim": (lambda lib, a, b: lib.cat((a, b), dim=-1), X, X[:, :2]),
    "cat_mixed_dtypes": (lambda lib, a, b: lib.cat([a, b], 1), X, Y),
    "cat_int_float": (lambda lib, a, b: lib.concat([a, b]), np.arange(4).reshape(1, 4), X),
    "cat_legacy_empty": (lambda lib, a, b: lib.concatenate([a, b]), X, np.zeros(0, np.float32)),
    "stack": (lambda lib, a, b: lib.stack([a, b]), X, X),
    "stack_last": (lambda lib, a, b: lib.stack((a, b), -1), X, Y),
    "hstack": (lambda lib, a, b: lib.hstack([a, b]), X, Y),
    "hstack_1d": (lambda lib, a, b: lib.hstack([a, b]), V, V),
    "hstack_0d": (lambda lib, a, b: lib.hstack([a, b]), S, V),
    "vstack": (lambda lib, a, b: lib.vstack([a, b]), X, V),
    "vstack_0d": (lambda lib, a, b: lib.vstack((a, b)), S, S),
    "row_stack": (lambda lib, a, b: lib.row_stack([a, b]), V, V),
    "dstack": (lambda lib, a, b: lib.dstack([a, b]), X, Y),
    "dstack_1d": (lambda lib, a, b: lib.dstack([a, b]), V, V),
    "dstack_3d": (lambda lib, a, b: lib.dstack([a, b]), X3, X3),
    "column_stack": (lambda lib, a, b: lib.column_stack([a, b]), X, Y),
    "column_stack_1d": (lambda lib, a, b: lib.column_stack((a, b)), X[:, 0].copy(), Y[:, 1].copy()),
    "column_stack_0d": (lambda lib, a, b: lib.column_stack([a, b]), S, S),
}


@pytest.mark.parametrize("name", JOINS)
def test_joins(name):
    fn, *inputs = JOINS[name]
    check(fn, *inputs)


@pytest.mark.parametrize("fn", [lambda lib, a, o: lib.cat([a, a], out=o), lambda lib, a, o: lib.stack([a, a], 1, out=o),
                                lambda lib, a, o: lib.hstack([a, a], out=o), lambda lib, a, o: lib.vstack([a], out=o),
                                lambda lib, a, o: lib.dstack([a, a], out=o)],
                         ids=["cat", "stack", "hstack", "vstack", "dstack"])
def test_join_out(fn):
    e_out, t_out = ember.empty(0), torch.empty(0)
    assert fn(ember, ember.from_numpy(X.copy()), e_out) is e_out
    fn(torch, torch.from_numpy(X.copy()), t_out)
    assert_same(e_out, t_out)


@pytest.mark.parametrize("x", [S, V, X, X3], ids=["0d", "1d", "2d", "3d"])
@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
def test_atleast(name, x):
    check(lambda lib, a: getattr(lib, name)(a), x)
    check(lambda lib, a: getattr(lib, name)(a, a), x)
    check(lambda lib, a: getattr(lib, name)([a]), x)


SPLITS = {
    "split": lambda lib, a: a.split(2),
    "split_fn_dim": lambda lib, a: lib.split(a, 3, dim=-1),
    "split_sizes": lambda lib, a: lib.split(a, [1, a.shape[0] - 2, 1]),
    "split_sizes_zero": lambda lib, a: a.split([1, 0, 3], 1),
    "split_larger": lambda lib, a: a.split(10),
    "chunk": lambda lib, a: a.chunk(3),
    "chunk_dim": lambda lib, a: lib.chunk(a, 2, dim=-1),
    "chunk_many": lambda lib, a: a.chunk(10),
    "tensor_split_sections": lambda lib, a: lib.tensor_split(a, 3),
    "tensor_split_more_sections": lambda lib, a: a.tensor_split(7),
    "tensor_split_indices": lambda lib, a: a.tensor_split([1, 3], dim=1),
    "tensor_split_negative": lambda lib, a: a.tensor_split((-1, 2, 10)),
    "tensor_split_tensor_indices": lambda lib, a: a.tensor_split(lib.tensor([1, 3])),
    "tensor_split_tensor_sections": lambda lib, a: lib.tensor_split(a, lib.tensor(2), -1),
    "unbind": lambda lib, a: a.unbind(-1),
    "hsplit": lambda lib, a: a.hsplit(2),
    "hsplit_indices": lambda lib, a: lib.hsplit(a, [1, 2]),
    "vsplit": lambda lib, a: lib.vsplit(a, [2]),
    "narrow": lambda lib, a: a.narrow(-1, 1, 2),
    "select": lambda lib, a: lib.select(a, 1, -1),
}


@pytest.mark.parametrize("x", [X, Y, X3], ids=["f32", "f64", "3d"])
@pytest.mark.parametrize("name", SPLITS)
def test_splits(name, x):
    check(SPLITS[name], x)


def test_hsplit_of_1d_and_dsplit():
    check(lambda lib, a: a.hsplit(2), V)
    check(lambda lib, a: a.dsplit([1, 3]), X3)
    check(lambda lib, a: lib.dsplit(a, 5), X3)


def test_split_grad_fn_names_and_views():
    for lib in (ember, torch):
        x = lib.ones(6, requires_grad=True)
        assert x.split(2)[0].grad_fn.name() == "SplitBackward0"
        assert x.split([2, 4])[1].grad_fn.name() == "SplitWithSizesBackward0"
        assert x.chunk(2)[0].grad_fn.name() == "SplitBackward0"
    base = ember.zeros(6)
    base.split(2)[1][0] = 7
    assert base.tolist() == [0, 0, 7, 0, 0, 0]


def test_split_in_place_on_output_fails_like_torch():
    for lib in (ember, torch):
        piece = lib.ones(4, requires_grad=True).clone().split(2)[0]
        with pytest.raises(RuntimeError, match="view and is being modified inplace"):
            piece.mul_(2)


def test_int_splits_have_no_grad():
    check(lambda lib, a: a.split([1, 1]), np.arange(2))
    check(lambda lib, a: a.chunk(2), np.arange(5))


VIEWS = {
    "movedim": lambda lib, a: a.movedim(0, -1),
    "movedim_tuple": lambda lib, a: lib.movedim(a, (0, 1), (2, 0)),
    "moveaxis": lambda lib, a: lib.moveaxis(a, -1, 0),
    "movedim_list": lambda lib, a: a.moveaxis([2], [1]),
    "unflatten": lambda lib, a: a.unflatten(1, (2, 2)),
    "unflatten_infer": lambda lib, a: lib.unflatten(a, -1, (-1, 1, 5)),
    "unflatten_non_contiguous": lambda lib, a: a.transpose(0, 2).unflatten(0, (5, 1)),
    "unfold": lambda lib, a: a.unfold(2, 2, 1),
    "unfold_step": lambda lib, a: a.unfold(-1, 3, 2),
    "unfold_whole": lambda lib, a: a.unfold(0, 3, 3),
    "unfold_transposed": lambda lib, a: a.transpose(0, 1).unfold(1, 2, 1),
    "unfold_size0": lambda lib, a: a.unfold(1, 0, 2),
    "unfold_twice": lambda lib, a: a.unfold(1, 2, 1).unfold(0, 2, 1),
    "as_strided": lambda lib, a: a.as_strided((3, 3), (1, 2)),
    "as_strided_offset": lambda lib, a: lib.as_strided(a, (2, 2), (1, 1), 4),
    "as_strided_of_view": lambda lib, a: a[1].as_strided((2, 2), (5, 1)),
    "as_strided_overlapping": lambda lib, a: a.as_strided((4, 3), (2, 1), 1),
    "swapaxes": lambda lib, a: a.swapaxes(0, -1),
    "expand_as": lambda lib, a: a[:1].expand_as(a),
    "view_as": lambda lib, a: a.view_as(a.new_zeros(60)),
    "reshape_as": lambda lib, a: a.transpose(0, 1).reshape_as(a.new_zeros(5, 12)),
}


@pytest.mark.parametrize("name", VIEWS)
def test_views(name):
    check(VIEWS[name], X3)


@pytest.mark.parametrize("name", ["unfold", "unfold_step", "as_strided", "movedim_tuple", "unflatten"])
def test_views_double_backward(name):
    def second(lib, a):
        (g,) = lib.autograd.grad((VIEWS[name](lib, a) ** 3).sum(), a, create_graph=True)
        return (g * a).sum()
    check(second, X3)


def test_unfold_of_0d():
    check(lambda lib, a: a.unfold(0, 1, 1), S)


@pytest.mark.parametrize("name", ["movedim", "unflatten", "unfold", "as_strided"])
def test_new_views_share_memory(name):
    x = ember.zeros(3, 4, 5)
    out = VIEWS[name](ember, x)
    assert out._version_counter is x._version_counter
    out[(0,) * out.ndim] = 9
    assert x.sum().item() == 9


def test_in_place_through_unfold_flows_to_base():
    for lib in (ember, torch):
        a = lib.arange(6.0, requires_grad=True)
        b = a.clone()
        b.unfold(0, 2, 2).mul_(3)
        b.sum().backward()
        assert a.grad.tolist() == [3.0] * 6


GRAD_FN = {"PermuteBackward0": lambda lib, a: a.movedim(0, 1),
           "ViewBackward0": lambda lib, a: a.unflatten(0, (1, 3)),
           "UnfoldBackward0": lambda lib, a: a.unfold(0, 2, 1),
           "AsStridedBackward0": lambda lib, a: a.as_strided((2,), (1,)),
           "CatBackward0": lambda lib, a: lib.hstack([a, a])}


def test_grad_fn_names():
    for name, fn in GRAD_FN.items():
        assert fn(ember, ember.ones(3, 4, requires_grad=True)).grad_fn.name() == name
        assert fn(torch, torch.ones(3, 4, requires_grad=True)).grad_fn.name() == name


ERRORS = {
    "cat_empty": lambda lib, a: lib.cat([]),
    "cat_ndim": lambda lib, a: lib.cat([a, a[0]]),
    "cat_sizes": lambda lib, a: lib.cat([a, a[:, :2]]),
    "cat_dim": lambda lib, a: lib.cat([a, a], 3),
    "cat_tensor_not_list": lambda lib, a: lib.cat(a),
    "stack_empty": lambda lib, a: lib.stack([]),
    "stack_sizes": lambda lib, a: lib.stack([a, a[:2]]),
    "stack_dim": lambda lib, a: lib.stack([a, a], 4),
    "hstack_empty": lambda lib, a: lib.hstack([]),
    "vstack_sizes": lambda lib, a: lib.vstack([a[0], a[0, :2]]),
    "dstack_sizes": lambda lib, a: lib.dstack([a, a[:2]]),
    "split_sizes_sum": lambda lib, a: a.split([1, 1]),
    "split_zero": lambda lib, a: a.split(0),
    "split_dim": lambda lib, a: a.split(1, 2),
    "split_0d": lambda lib, a: a[0, 0].split(1),
    "chunk_zero": lambda lib, a: a.chunk(0),
    "chunk_negative": lambda lib, a: a.chunk(-1),
    "tensor_split_zero": lambda lib, a: lib.tensor_split(a, 0),
    "tensor_split_float": lambda lib, a: lib.tensor_split(a, 1.5),
    "tensor_split_0d": lambda lib, a: lib.tensor_split(a[0, 0], 2),
    "tensor_split_2d_tensor": lambda lib, a: lib.tensor_split(a, lib.tensor([[1]])),
    "hsplit_uneven": lambda lib, a: a.hsplit(3),
    "hsplit_0d": lambda lib, a: a[0, 0].hsplit(1),
    "vsplit_1d": lambda lib, a: a[0].vsplit(2),
    "vsplit_uneven": lambda lib, a: a.vsplit(2),
    "dsplit_2d": lambda lib, a: a.dsplit(2),
    "movedim_lengths": lambda lib, a: a.movedim((0, 1), (1,)),
    "movedim_repeated_source": lambda lib, a: a.movedim((0, 0), (1, 0)),
    "movedim_repeated_destination": lambda lib, a: a.movedim((0, 1), (1, 1)),
    "movedim_range": lambda lib, a: a.movedim(2, 0),
    "unflatten_product": lambda lib, a: a.unflatten(1, (3, 2)),
    "unflatten_two_inferred": lambda lib, a: a.unflatten(1, (-1, -1)),
    "unflatten_dim": lambda lib, a: a.unflatten(2, (2, 2)),
    "unfold_too_big": lambda lib, a: a.unfold(1, 5, 1),
    "unfold_step_zero": lambda lib, a: a.unfold(1, 2, 0),
    "unfold_negative_size": lambda lib, a: a.unfold(1, -1, 1),
    "unfold_dim": lambda lib, a: a.unfold(2, 1, 1),
    "as_strided_out_of_storage": lambda lib, a: a.as_strided((5, 5), (5, 1), 0),
    "narrow_too_long": lambda lib, a: a.narrow(0, 3, 5),
    "select_out_of_range": lambda lib, a: a.select(0, 5),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors(name):
    assert check_error(ERRORS[name], X)
