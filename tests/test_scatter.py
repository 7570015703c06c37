"""gather/scatter, the index_* family, take, masks and nonzero against torch: values, dtypes, grads, errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import assert_same, check, check_error

pytestmark = pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")
rng = np.random.default_rng(3)
X = rng.standard_normal((3, 4)).astype(np.float32)
X3 = rng.standard_normal((2, 3, 4)).astype(np.float64)
MASK = X > 0


def idx(lib, values):
    """An int64 index tensor of ``lib`` (indices never require grad)."""
    return lib.from_numpy(np.asarray(values, np.int64))


def randn(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


GATHER_SCATTER = {
    "gather": (lambda lib, a: a.gather(0, idx(lib, [[0, 1, 2, 0], [2, 2, 1, 0]])), X),
    "gather_neg_dim": (lambda lib, a: lib.gather(a, -1, idx(lib, [[3, 3], [0, 1], [2, 2]])), X),
    "gather_smaller": (lambda lib, a: a.gather(1, idx(lib, [[0, 0, 3]])), X),
    "gather_3d_f64": (lambda lib, a: a.gather(1, idx(lib, np.zeros((2, 5, 4)))), X3),
    "gather_0d": (lambda lib, a: a.gather(0, idx(lib, 0)), np.array(1.5, np.float32)),
    "gather_int": (lambda lib, a: a.gather(1, idx(lib, [[1, 0]] * 3)), np.arange(12).reshape(3, 4)),
    "take_along_dim": (lambda lib, a: lib.take_along_dim(a, idx(lib, [[0], [3], [1]]), 1), X),
    "take_along_dim_bcast": (lambda lib, a: lib.take_along_dim(a, idx(lib, [[[0], [2]]]), dim=-2), X3),
    "take_along_dim_flat": (lambda lib, a: a.take_along_dim(idx(lib, [0, 11, 5])), X),
    "take": (lambda lib, a: a.take(idx(lib, [[0, -1], [5, 5]])), X),
    "take_int": (lambda lib, a: lib.take(a, idx(lib, [3, 0])), np.arange(6)),
    "index_select": (lambda lib, a: a.index_select(-1, idx(lib, [0, 3, 3])), X),
    "index_select_3d": (lambda lib, a: lib.index_select(a, 1, idx(lib, [2, 0])), X3),
    "index_select_0d_index": (lambda lib, a: a.index_select(0, idx(lib, 1)), X),
    "index_select_int": (lambda lib, a: a.index_select(0, idx(lib, [1, 1])), np.arange(6).reshape(2, 3)),
}


@pytest.mark.parametrize("name", GATHER_SCATTER)
def test_reads(name):
    fn, x = GATHER_SCATTER[name]
    check(fn, x)


WRITES = {
    "scatter": (lambda lib, a, s: a.scatter(0, idx(lib, [[0, 1, 2, 0], [2, 0, 1, 1]]), s), X, randn(2, 4)),
    "scatter_neg_dim": (lambda lib, a, s: lib.scatter(a, -1, idx(lib, [[3], [0], [1]]), s), X, randn(3, 1)),
    "scatter_src_kw": (lambda lib, a, s: a.scatter(1, idx(lib, [[3, 2]]), src=s), X, randn(1, 2)),
    "scatter_3d": (lambda lib, a, s: a.scatter(2, idx(lib, [[[0, 3]] * 3] * 2), s), X3,
                   randn(2, 3, 2, dtype=np.float64)),
    "scatter_add": (lambda lib, a, s: a.scatter_add(0, idx(lib, [[0, 0, 2, 0], [0, 0, 1, 1]]), s), X, randn(2, 4)),
    "scatter_add_fn": (lambda lib, a, s: lib.scatter_add(a, 1, idx(lib, [[1, 1, 1]] * 3), s), X, randn(3, 3)),
    "scatter_add_inplace": (lambda lib, a, s: a.clone().scatter_add_(0, idx(lib, [[2, 2, 2, 2]]), s), X, randn(1, 4)),
    "scatter_inplace": (lambda lib, a, s: a.clone().scatter_(1, idx(lib, [[0], [1], [2]]), s), X, randn(3, 1)),
    "index_add": (lambda lib, a, s: a.index_add(1, idx(lib, [0, 3, 0]), s), X, randn(3, 3)),
    "index_add_alpha": (lambda lib, a, s: lib.index_add(a, 0, idx(lib, [2, 2]), s, alpha=-1.5), X, randn(2, 4)),
    "index_add_inplace": (lambda lib, a, s: a.clone().index_add_(-1, idx(lib, [1]), s), X3,
                          randn(2, 3, 1, dtype=np.float64)),
    "index_copy": (lambda lib, a, s: a.index_copy(1, idx(lib, [0, 3, 1]), s), X, randn(3, 3)),
    "index_copy_inplace": (lambda lib, a, s: a.clone().index_copy_(0, idx(lib, [1]), s), X, randn(1, 4)),
    "index_fill_tensor": (lambda lib, a, v: a.index_fill(1, idx(lib, [0, 3]), v), X, np.array(2.0, np.float32)),
    "index_put": (lambda lib, a, v: a.index_put((idx(lib, [0, 2]), idx(lib, [1, -1])), v), X, randn(2)),
    "index_put_rows": (lambda lib, a, v: lib.index_put(a, (idx(lib, [1]),), v), X, randn(4)),
    "index_put_accumulate": (lambda lib, a, v: a.index_put((idx(lib, [0, 0, -1]),), v, accumulate=True), X,
                             randn(3, 4)),
    "index_put_accumulate_pairs": (lambda lib, a, v: a.index_put((idx(lib, [1, 1]), idx(lib, [2, 2])), v, True),
                                   X, randn(1)),
    "index_put_inplace": (lambda lib, a, v: a.clone().index_put_((idx(lib, [2, 2]),), v, accumulate=True), X, randn(4)),
    "masked_scatter": (lambda lib, a, s: a.masked_scatter(lib.from_numpy(MASK), s), X, randn(15)),
    "masked_scatter_bcast": (lambda lib, a, s: a[0].masked_scatter(lib.from_numpy(MASK), s), X, randn(4, 4)),
    "masked_scatter_inplace": (lambda lib, a, s: a.clone().masked_scatter_(lib.from_numpy(MASK), s), X, randn(12)),
    "masked_fill_tensor": (lambda lib, a, v: a.masked_fill(lib.from_numpy(MASK), v), X, np.array(3.0, np.float32)),
    "index_put_bool": (lambda lib, a, v: a.index_put((lib.from_numpy(MASK[:, 0].copy()),), v), X, randn(4)),
    "index_put_bool_accumulate": (lambda lib, a, v: a.index_put((lib.from_numpy(MASK),), v, accumulate=True), X,
                                  randn(1)),
    "select_scatter": (lambda lib, a, s: lib.select_scatter(a, s, 1, -1), X, randn(3)),
    "select_scatter_method_cast": (lambda lib, a, s: a.select_scatter(s, 0, 2), X, randn(4, dtype=np.float64)),
    "slice_scatter": (lambda lib, a, s: lib.slice_scatter(a, s, 1, 0, 4, 2), X, randn(3, 2)),
    "slice_scatter_defaults": (lambda lib, a, s: a.slice_scatter(s), X, randn(3, 4)),
    "slice_scatter_start": (lambda lib, a, s: a.slice_scatter(s, start=1), X, randn(2, 4)),
    "index_put_0d_index": (lambda lib, a, v: a.index_put((idx(lib, 1), idx(lib, [2, 2])), v, True), X, randn(2)),
    "put": (lambda lib, a, s: a.put(idx(lib, [0, -1, 5]), s), X, randn(3)),
    "put_accumulate": (lambda lib, a, s: lib.put(a, idx(lib, [[1, 1], [1, 2]]), s, accumulate=True), X, randn(2, 2)),
    "put_inplace": (lambda lib, a, s: a.clone().put_(idx(lib, [3, 3]), s, True), X, randn(2)),
}


@pytest.mark.parametrize("name", WRITES)
def test_writes(name):
    fn, *inputs = WRITES[name]
    check(fn, *inputs)


ONE_INPUT = {
    "scatter_value": lambda lib, a: a.scatter(1, idx(lib, [[0, 1], [3, 3], [2, 0]]), 2.5),
    "scatter_value_kw": lambda lib, a: lib.scatter(a, 0, idx(lib, [[1, 2]]), value=-1.0),
    "scatter_value_inplace": lambda lib, a: a.clone().scatter_(0, idx(lib, [[0, 2, 1, 0]]), 0.5),
    "index_fill": lambda lib, a: a.index_fill(-1, idx(lib, [0, 2]), -2.0),
    "index_fill_inplace": lambda lib, a: a.clone().index_fill_(0, idx(lib, [1]), 7),
    "masked_fill": lambda lib, a: a.masked_fill(lib.from_numpy(MASK), 2.0),
    "masked_fill_bcast_mask": lambda lib, a: a.masked_fill(lib.from_numpy(MASK[0]), 2.0),
    "masked_fill_bcast_self": lambda lib, a: lib.masked_fill(a[0], lib.from_numpy(MASK), 2.0),
    "masked_fill_inplace": lambda lib, a: a.clone().masked_fill_(lib.from_numpy(MASK), -1),
    "masked_select": lambda lib, a: a.masked_select(lib.from_numpy(MASK)),
    "masked_select_bcast": lambda lib, a: lib.masked_select(a[:1], lib.from_numpy(MASK)),
    "masked_select_none": lambda lib, a: a.masked_select(lib.from_numpy(np.zeros(4, bool))),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ONE_INPUT)
def test_one_input(name, dtype):
    check(ONE_INPUT[name], X.astype(dtype))


INT_WRITES = {
    "scatter_multiply": lambda lib, a: a.scatter(0, idx(lib, [[0, 0, 1]]), idx(lib, [[2, 3, 4]]), reduce="multiply"),
    "scatter_add": lambda lib, a: a.scatter_add(1, idx(lib, [[0, 0, 0]] * 2), idx(lib, [[1, 2, 3]] * 2)),
    "index_add": lambda lib, a: a.index_add(0, idx(lib, [1, 1, 0]), idx(lib, np.ones((3, 3))), alpha=2),
    "index_put_accumulate": lambda lib, a: a.index_put((idx(lib, [1, 1]),), idx(lib, [5, 6, 7]), accumulate=True),
    "masked_fill_float_value": lambda lib, a: a.masked_fill(a > 3, 1.7),
    "masked_fill_bool": lambda lib, a: (a > 2).masked_fill(a > 4, False),
}


@pytest.mark.parametrize("name", INT_WRITES)
def test_integer_writes(name):
    check(INT_WRITES[name], np.arange(6).reshape(2, 3))


def test_masked_fill_value_of_other_dtype():
    check(lambda lib, a, v: a.masked_fill(lib.from_numpy(MASK), v), X, np.array(3.0), atol=1e-5)


@pytest.mark.parametrize("as_tuple", [False, True])
@pytest.mark.parametrize("x", [X, X3 > 0, np.arange(5) % 2, np.array(0.0), np.array(2.0), np.zeros((2, 0))],
                         ids=["f32", "bool3d", "int", "zero0d", "nonzero0d", "empty"])
def test_nonzero(x, as_tuple):
    check(lambda lib, a: lib.nonzero(a, as_tuple=as_tuple), x)
    check(lambda lib, a: a.nonzero(as_tuple=as_tuple), x)


@pytest.mark.parametrize("x", [X, np.array(1.0), X3 > 0], ids=["2d", "0d", "bool3d"])
def test_argwhere_and_one_arg_where(x):
    check(lambda lib, a: lib.argwhere(a), x)
    check(lambda lib, a: lib.where(lib.as_tensor(a) > 0), x)


def test_out_arguments():
    for fn in (lambda lib, a, o: lib.gather(a, 1, idx(lib, [[0]] * 3), out=o),
               lambda lib, a, o: lib.index_select(a, 0, idx(lib, [1]), out=o),
               lambda lib, a, o: lib.take(a, idx(lib, [1, 2]), out=o),
               lambda lib, a, o: lib.masked_select(a, a > 0, out=o),
               lambda lib, a, o: lib.scatter_add(a, 0, idx(lib, [[0, 1, 2, 0]]), a[:1], out=o),
               lambda lib, a, o: lib.take_along_dim(a, idx(lib, [[1]]), 0, out=o)):
        e_out, t_out = ember.empty(0), torch.empty(0)
        e_res, t_res = fn(ember, ember.from_numpy(X.copy()), e_out), fn(torch, torch.from_numpy(X.copy()), t_out)
        assert e_res is e_out and t_res is t_out
        assert_same(e_out, t_out)
    e_out = ember.empty(0, dtype=ember.int64)
    assert ember.nonzero(ember.from_numpy(X), out=e_out) is e_out
    assert_same(e_out, torch.nonzero(torch.from_numpy(X)))


GRAD_FN = {
    "GatherBackward0": lambda lib, a: a.gather(0, idx(lib, [[0]])),
    "ScatterBackward0": lambda lib, a: a.scatter(0, idx(lib, [[0]]), a),
    "ScatterBackward1": lambda lib, a: a.scatter(0, idx(lib, [[0]]), 1.0),
    "ScatterAddBackward0": lambda lib, a: a.scatter_add(0, idx(lib, [[0]]), a),
    "ScatterReduceBackward0": lambda lib, a: a.scatter_reduce(0, idx(lib, [[0]]), a, "mean"),
    "IndexSelectBackward0": lambda lib, a: a.index_select(0, idx(lib, [0])),
    "IndexAddBackward0": lambda lib, a: a.index_add(0, idx(lib, [0]), a[:1]),
    "IndexCopyBackward0": lambda lib, a: a.index_copy(0, idx(lib, [0]), a[:1]),
    "IndexFillBackward0": lambda lib, a: a.index_fill(0, idx(lib, [0]), 1.0),
    "IndexPutBackward0": lambda lib, a: a.index_put((idx(lib, [0]),), a[0], accumulate=True),
    "TakeBackward0": lambda lib, a: a.take(idx(lib, [0])),
    "SelectScatterBackward0": lambda lib, a: lib.select_scatter(a, a[0] * 2, 0, 1),
    "SliceScatterBackward0": lambda lib, a: a.slice_scatter(a[:1] * 2, 0, 1, 2),
    "MaskedFillBackward0": lambda lib, a: a.masked_fill(a > 0, 1.0),
    "MaskedSelectBackward0": lambda lib, a: a.masked_select(a > 0),
    "MaskedScatterBackward0": lambda lib, a: a.masked_scatter(a > 0, a),
}


@pytest.mark.parametrize("name", GRAD_FN)
def test_grad_fn_names(name):
    e = GRAD_FN[name](ember, ember.from_numpy(X.copy()).requires_grad_())
    t = GRAD_FN[name](torch, torch.from_numpy(X.copy()).requires_grad_())
    assert e.grad_fn.name() == t.grad_fn.name() == name


SECOND_ORDER = {
    "gather": lambda lib, a: a.gather(1, idx(lib, [[0, 0], [1, 3], [2, 2]])),
    "scatter_add": lambda lib, a: a.scatter_add(0, idx(lib, [[0, 0, 1, 2]]), a[1:2] * a[2:]),
    "scatter_reduce_mean": lambda lib, a: a.scatter_reduce(0, idx(lib, [[0, 0, 1, 2]]), a[1:2] * a[2:], "mean"),
    "scatter_reduce_amax": lambda lib, a: a.scatter_reduce(1, idx(lib, [[0, 0]] * 3), a[:, 1:3] * 2, "amax"),
    "index_select": lambda lib, a: a.index_select(1, idx(lib, [3, 3, 0])),
    "index_add": lambda lib, a: a.index_add(0, idx(lib, [2, 2]), a[:2] * a[:2]),
    "masked_fill": lambda lib, a: a.masked_fill(a > 0, 0.0),
    "masked_select": lambda lib, a: a.masked_select(a > 0),
    "take": lambda lib, a: a.take(idx(lib, [1, 1, 7])),
    "select_scatter": lambda lib, a: lib.select_scatter(a, a[0] * a[1], 0, 2),
    "index_put_accumulate": lambda lib, a: a.index_put((idx(lib, [1, 1]),), a[:2] * a[1:], accumulate=True),
}


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_double_backward(name):
    def second(lib, a):
        (g,) = lib.autograd.grad((SECOND_ORDER[name](lib, a) ** 2).sum(), a, create_graph=True)
        return (g * a).sum()
    check(second, X)


ERRORS = {
    "gather_oob": lambda lib, a: a.gather(0, idx(lib, [[5]])),
    "gather_negative": lambda lib, a: a.gather(0, idx(lib, [[-1]])),
    "gather_ndim": lambda lib, a: a.gather(0, idx(lib, [0])),
    "gather_too_big": lambda lib, a: a.gather(0, idx(lib, np.zeros((4, 5)))),
    "gather_float_index": lambda lib, a: a.gather(0, a.long().float()),
    "gather_dim": lambda lib, a: a.gather(2, idx(lib, [[0]])),
    "scatter_dtype": lambda lib, a: a.scatter(0, idx(lib, [[0]]), a.double()),
    "scatter_small_src": lambda lib, a: a.scatter(0, idx(lib, np.zeros((3, 3))), a[:2, :2]),
    "scatter_bad_reduce": lambda lib, a: a.scatter(0, idx(lib, [[0]]), a, reduce="max"),
    "scatter_oob": lambda lib, a: a.scatter(0, idx(lib, [[7]]), 1.0),
    "scatter_ndim": lambda lib, a: a.scatter(0, idx(lib, [0]), 1.0),
    "scatter_add_dtype": lambda lib, a: a.scatter_add(0, idx(lib, [[0]]), a.double()),
    "scatter_reduce_bad_reduce": lambda lib, a: a.scatter_reduce(0, idx(lib, [[0]]), a, "add"),
    "scatter_reduce_dtype": lambda lib, a: a.scatter_reduce(0, idx(lib, [[0]]), a.double(), "sum"),
    "scatter_reduce_oob": lambda lib, a: a.scatter_reduce(0, idx(lib, [[3]]), a, "amax"),
    "index_select_2d": lambda lib, a: a.index_select(0, idx(lib, [[0]])),
    "index_select_oob": lambda lib, a: a.index_select(0, idx(lib, [9])),
    "index_select_float": lambda lib, a: a.index_select(0, a[0]),
    "index_add_count": lambda lib, a: a.index_add(0, idx(lib, [0]), a[:2]),
    "index_add_oob": lambda lib, a: a.index_add(0, idx(lib, [5]), a[:1]),
    "index_add_dtype": lambda lib, a: a.index_add(0, idx(lib, [0]), a[:1].double()),
    "index_add_shape": lambda lib, a: a.index_add(0, idx(lib, [0]), a[:1, :3]),
    "index_copy_count": lambda lib, a: a.index_copy(0, idx(lib, [0]), a[:2]),
    "index_copy_oob": lambda lib, a: a.index_copy(0, idx(lib, [5]), a[:1]),
    "index_copy_dtype": lambda lib, a: a.index_copy(0, idx(lib, [0]), a[:1].double()),
    "index_copy_shape": lambda lib, a: a.index_copy(0, idx(lib, [0]), a[:1, :3]),
    "index_fill_vector": lambda lib, a: a.index_fill(0, idx(lib, [0]), a[0]),
    "index_fill_oob": lambda lib, a: a.index_fill(0, idx(lib, [5]), 1.0),
    "index_put_oob": lambda lib, a: a.index_put((idx(lib, [5]),), a[0, 0]),
    "index_put_accumulate_oob": lambda lib, a: a.index_put((idx(lib, [5]),), a[0, 0], accumulate=True),
    "index_put_dtype": lambda lib, a: a.index_put((idx(lib, [0]),), a[0].double()),
    "take_oob": lambda lib, a: a.take(idx(lib, [20])),
    "take_negative_oob": lambda lib, a: a.take(idx(lib, [-13])),
    "take_along_dim_ndim": lambda lib, a: lib.take_along_dim(a, idx(lib, [0]), 0),
    "masked_fill_float_mask": lambda lib, a: a.masked_fill(a, 0.0),
    "masked_fill_vector_value": lambda lib, a: a.masked_fill(a > 0, a[0]),
    "masked_fill_inplace_bcast": lambda lib, a: a.masked_fill_(lib.ones(2, 3, 4, dtype=lib.bool), 0.0),
    "masked_select_float_mask": lambda lib, a: a.masked_select(a),
    "masked_select_shape": lambda lib, a: a.masked_select(lib.ones(5, dtype=lib.bool)),
    "masked_scatter_few": lambda lib, a: a.masked_scatter(a == a, a[0]),
    "masked_scatter_dtype": lambda lib, a: a.masked_scatter(a == a, a.double()),
    "nonzero_out_dtype": lambda lib, a: lib.nonzero(a, out=lib.empty(0)),
    "select_scatter_size": lambda lib, a: lib.select_scatter(a, a[0], 1, 0),
    "select_scatter_index": lambda lib, a: lib.select_scatter(a, a[:, 0], 1, 9),
    "slice_scatter_size": lambda lib, a: lib.slice_scatter(a, a[:, :1], 1),
    "put_counts": lambda lib, a: a.put(idx(lib, [0, 1]), a[0, :3]),
    "put_oob": lambda lib, a: a.put(idx(lib, [0, 13]), a[0, :2]),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors(name):
    message = check_error(ERRORS[name], X)
    assert message


@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_reduce(reduce):
    check(lambda lib, a: a.scatter(0, idx(lib, [[1, 1, 0]]), 2.0, reduce=reduce), X, grad=False)
    check(lambda lib, a, s: a.scatter(1, idx(lib, [[1, 1]] * 3), s, reduce=reduce), X, randn(3, 2), grad=False)
    check(lambda lib, a, s: a.clone().scatter_(0, idx(lib, [[2, 2]]), s, reduce=reduce), X, randn(1, 2), grad=False)


REDUCTIONS = ["sum", "prod", "mean", "amax", "amin"]


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCTIONS)
def test_scatter_reduce_values_and_grads(reduce, include_self):
    def fn(lib, a, s):
        return a.scatter_reduce(0, idx(lib, [[0, 1, 2, 0], [0, 2, 1, 0]]), s, reduce, include_self=include_self)
    check(fn, X, randn(2, 4))
    check(lambda lib, a, s: lib.scatter_reduce(a, -1, idx(lib, [[[1, 1]] * 3] * 2), s, reduce,
                                               include_self=include_self), X3, randn(2, 3, 2, dtype=np.float64))
    check(lambda lib, a: a.scatter_reduce(1, idx(lib, [[0, 0, 2]] * 2), idx(lib, [[4, 5, 6]] * 2), reduce,
                                          include_self=include_self), np.arange(1, 7).reshape(2, 3))


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCTIONS)
def test_scatter_reduce_ties_and_zeros(reduce, include_self):
    index = [1, 0, 2, 2, 1, 0]
    check(lambda lib, a, s: a.clone().scatter_reduce_(0, idx(lib, index), s, reduce, include_self=include_self),
          np.array([0.0, 2.0, 1.0], np.float32), np.array([0.0, 2.0, 0.0, 1.0, 1.0, 2.0], np.float32))


def test_scatter_reduce_max_min_aliases():
    """torch's forward takes 'max' and 'min'; its backward does not, so only values are compared."""
    check(lambda lib, a, s: a.scatter_reduce(0, idx(lib, [0, 0, 1]), s, "max"), X[0], randn(3), grad=False)
    check(lambda lib, a, s: a.scatter_reduce(0, idx(lib, [0, 0, 1]), s, "min", include_self=False), X[0], randn(3),
          grad=False)


def test_scatter_src_larger_than_index():
    """torch's own backward fails here (a gradient of index's shape); ember's src gradient has src's shape."""
    check(lambda lib, a, s: a.scatter(-1, idx(lib, [[3], [0], [1]]), s), X, randn(3, 2), grad=False)
    a, s = ember.from_numpy(X).requires_grad_(), ember.ones(2, 3, requires_grad=True)
    a.scatter(1, idx(ember, [[3, 2]]), s).sum().backward()
    assert s.grad.tolist() == [[1, 1, 0], [0, 0, 0]]


def test_scatter_reduce_has_no_backward():
    for lib in (ember, torch):
        a = lib.ones(3, requires_grad=True)
        out = a.scatter(0, idx(lib, [0]), a.detach() * 2, reduce="multiply")
        with pytest.raises(RuntimeError):
            out.sum().backward()


def test_scatter_add_float32_stays_float32_with_many_repeats():
    src = randn(1000, 3)
    index = np.repeat(np.arange(10), 100)[:, None].repeat(3, 1)
    check(lambda lib, a, s: a.scatter_add(0, idx(lib, index), s), np.zeros((10, 3), np.float32), src, atol=1e-4)
    check(lambda lib, a, s: a.index_add(0, idx(lib, index[:, 0]), s), np.zeros((10, 3), np.float32), src, atol=1e-4)
    check(lambda lib, a, s: a.index_add(0, idx(lib, [7, 7]), s), np.zeros((1000, 3), np.float32), src[:2])
