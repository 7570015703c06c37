"""Views share memory and a version counter with their base, as in PyTorch; shapes, errors and gradients
are compared with real PyTorch."""
import numpy as np
import pytest
import torch

import ember
from oracle import assert_same, check, check_error

rng = np.random.default_rng(1)
X = rng.standard_normal((2, 3, 4)).astype(np.float32)
M = rng.standard_normal((3, 4)).astype(np.float32)


def both(fn):
    """``fn`` run with each library: (ember result, torch result)."""
    return fn(ember), fn(torch)


VIEWS = {
    "view": lambda x: x.view(6, 4),
    "view_infer": lambda x: x.view(-1, 2),
    "view_tuple": lambda x: x.view((4, 6)),
    "view_flat": lambda x: x.view(-1),
    "view_as": lambda x: x.view_as(x.new_zeros(3, 8)),
    "reshape": lambda x: x.reshape(2, 12),
    "reshape_infer": lambda x: x.reshape(-1),
    "slice": lambda x: x[1:, ::2],
    "slice_last": lambda x: x[..., 1:3],
    "select": lambda x: x[1],
    "transpose": lambda x: x.transpose(0, 2),
    "transpose_neg": lambda x: x.transpose(-1, -2),
    "swapaxes": lambda x: x.swapaxes(0, 1),
    "permute": lambda x: x.permute(2, 0, 1),
    "permute_tuple": lambda x: x.permute((1, 2, 0)),
    "T_of_2d": lambda x: x[0].t(),
    "mT": lambda x: x.mT,
    "squeeze": lambda x: x[:1].squeeze(),
    "squeeze_dim": lambda x: x[:, :1].squeeze(1),
    "squeeze_noop": lambda x: x.squeeze(0),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "unsqueeze_neg": lambda x: x.unsqueeze(-1),
    "expand": lambda x: x[:, :1].expand(2, 5, 4),
    "expand_new_dim": lambda x: x.expand(3, 2, 3, 4),
    "flatten": lambda x: x.flatten(),
    "flatten_range": lambda x: x.flatten(1),
    "narrow": lambda x: x.narrow(2, 1, 2),
    "narrow_neg": lambda x: x.narrow(-1, -3, 2),
    "select_fn": lambda x: x.select(1, -1),
    "unbind": lambda x: x.unbind(1),
    "chain": lambda x: x.transpose(0, 1)[1:].unsqueeze(0).squeeze(0).narrow(2, 0, 3),
}


@pytest.mark.parametrize("name", VIEWS)
def test_view_values_and_grads(name):
    check(lambda lib, x: VIEWS[name](x), X)


@pytest.mark.parametrize("name", VIEWS)
def test_view_grad_fn_name(name):
    e = VIEWS[name](ember.tensor(X, requires_grad=True))
    t = VIEWS[name](torch.tensor(X, requires_grad=True))
    for ei, ti in zip(e, t) if isinstance(t, tuple) else [(e, t)]:
        assert ei.grad_fn.name() == ti.grad_fn.name()


def _views_of(x, name):
    out = VIEWS[name](x)
    return out if isinstance(out, tuple) else (out,)


@pytest.mark.parametrize("name", [n for n in VIEWS if not n.startswith("expand")])
def test_write_through_view_shows_in_base(name):
    def run(lib):
        x = lib.tensor(X)
        for v in _views_of(x, name):
            v.mul_(-2)
            v.add_(1)
        return x, x._version
    assert_same(*both(run))


@pytest.mark.parametrize("name", VIEWS)
def test_write_to_base_shows_in_view(name):
    def run(lib):
        x = lib.tensor(X)
        views = _views_of(x, name)
        x.add_(10)
        x[0, 0, 0] = -1
        return views, [v._version for v in views]
    assert_same(*both(run))


def test_version_counter_shared_like_torch():
    def run(lib):
        x = lib.arange(12.0).reshape(3, 4)
        start = x._version
        v = x.view(4, 3)
        v.add_(1)
        rows = x[1:]
        rows[0, 0] = 5
        x.t().mul_(2)
        x.zero_()
        return [x._version - start, v._version - start, rows._version - start, x[0]._version - start]
    assert_same(*both(run))


def test_view_on_transposed_tensor_raises():
    check_error(lambda lib: lib.zeros(2, 3).t().view(-1))
    check_error(lambda lib: lib.zeros(2, 3, 4).permute(2, 0, 1).view(8, 3))


@pytest.mark.parametrize("shape", [(5,), (-1, 5), (2, -1, -1), (4, -2)], ids=repr)
def test_view_bad_shape_raises(shape):
    check_error(lambda lib: lib.zeros(2, 3).view(*shape))
    check_error(lambda lib: lib.zeros(2, 3).reshape(*shape))


def test_reshape_views_when_it_can():
    x = ember.zeros(2, 3)
    x.reshape(3, 2).add_(1)
    assert x.tolist() == [[1.0] * 3] * 2


def test_reshape_copies_when_it_must():
    def run(lib):
        x = lib.tensor(M)
        y = x.t().reshape(-1)
        y.add_(100)
        return x, y
    assert_same(*both(run))
    check(lambda lib, m: m.t().reshape(2, 6) * 2, M)
    e = ember.tensor(M, requires_grad=True).t().reshape(-1)
    t = torch.tensor(M, requires_grad=True).t().reshape(-1)
    assert e.grad_fn.name() == t.grad_fn.name()


def test_transpose_is_not_contiguous_view():
    x = ember.tensor(M)
    t = torch.tensor(M)
    assert x.t().is_contiguous() == t.t().is_contiguous()
    assert x.t().stride() == t.t().stride()
    assert x.T.shape == t.T.shape


def test_expand_write_raises():
    check_error(lambda lib: lib.zeros(3, 1).expand(3, 4).add_(1))


def test_expand_errors():
    check_error(lambda lib: lib.zeros(3, 2).expand(3, 4))
    check_error(lambda lib: lib.zeros(3, 2).expand(2))


def test_expand_keeps_base_and_minus_one():
    assert_same(*both(lambda lib: lib.tensor(M)[:1].expand(-1, 4).shape))
    assert_same(*both(lambda lib: lib.tensor(M)[:, :1].expand(3, -1)))
    assert_same(*both(lambda lib: lib.tensor(M)[:1].expand_as(lib.zeros(2, 3, 4))))


def test_t_rejects_3d():
    check_error(lambda lib: lib.zeros(2, 3, 4).t())


def test_t_of_1d_and_0d():
    assert_same(*both(lambda lib: lib.arange(3).t()))
    assert_same(*both(lambda lib: lib.tensor(2.0).t()))


def test_permute_errors():
    check_error(lambda lib: lib.zeros(2, 3).permute(0, 0))
    check_error(lambda lib: lib.zeros(2, 3).permute(0))


def test_dim_out_of_range():
    check_error(lambda lib: lib.zeros(2, 3).transpose(0, 2))
    check_error(lambda lib: lib.zeros(2, 3).unsqueeze(3))
    check_error(lambda lib: lib.zeros(2, 3).squeeze(2))


def test_narrow_and_select_errors():
    check_error(lambda lib: lib.zeros(2, 3).narrow(1, 2, 2))
    check_error(lambda lib: lib.zeros(2, 3).select(1, 3))


def test_flatten_errors_and_scalars():
    check_error(lambda lib: lib.zeros(2, 3, 4).flatten(2, 1))
    assert_same(*both(lambda lib: lib.tensor(5.0).flatten()))
    assert_same(*both(lambda lib: lib.zeros(2, 3).flatten(0, 0)))


def test_squeeze_multiple_dims():
    assert_same(*both(lambda lib: lib.zeros(1, 3, 1, 2).squeeze((0, 2)).shape))


def test_functional_forms():
    check(lambda lib, x: lib.transpose(x, 0, 1) + lib.permute(x, (1, 0, 2)), X)
    check(lambda lib, x: lib.reshape(x, (4, 6)) * lib.flatten(x).view(4, 6), X)
    check(lambda lib, x: lib.squeeze(lib.unsqueeze(x, 0), 0) * lib.select(x, 0, 1), X)
    check(lambda lib, x: lib.narrow(x, 1, 0, 2).sum() + sum(lib.unbind(x, 2)).sum(), X)


def test_view_of_view_grad_through_inplace():
    def fn(lib, x):
        y = x * 1
        y.view(-1)[2:5].mul_(3)
        y.transpose(0, 1)[0].add_(1)
        return y
    check(fn, X)


def test_view_of_leaf_inplace_raises():
    check_error(lambda lib: lib.zeros(2, 3, requires_grad=True)[0].add_(1))


def test_view_of_dtype_is_conversion():
    assert_same(*both(lambda lib: lib.tensor(M).view(lib.float32)))


def test_unbind_returns_tuple_of_views():
    e = ember.tensor(M).unbind()
    assert isinstance(e, tuple) and len(e) == 3
    assert_same(e, torch.tensor(M).unbind())


def test_unbind_errors():
    check_error(lambda lib: lib.tensor(1.0).unbind())
    check_error(lambda lib: lib.zeros(2).unbind(1))


def test_iteration_is_unbind():
    e = list(ember.ones(2, 3, requires_grad=True))
    t = list(torch.ones(2, 3, requires_grad=True))
    assert e[0].grad_fn.name() == t[0].grad_fn.name()
    check(lambda lib, x: sum(row * i for i, row in enumerate(x)), M)


def test_view_under_no_grad_still_requires_grad():
    def run(lib):
        x = lib.tensor(M, requires_grad=True)
        with lib.no_grad():
            views = (x[0], x.t(), x.view(-1), x.unsqueeze(0), x.unbind()[1])
            copies = (x * 2, x[[0, 1]])
        return [repr(v) for v in views + copies], [v.is_leaf for v in views]
    e, t = both(run)
    assert e == t


def test_unbind_grad_when_only_some_outputs_are_used():
    check(lambda lib, x: x.unbind(1)[2] * 2, X)
    check(lambda lib, x: x.unbind(-1)[0] + x.unbind(-1)[0], X)


@pytest.mark.parametrize("name, args", [("transpose_", (0, 1)), ("swapaxes_", (0, 2)), ("t_", ()),
                                        ("unsqueeze_", (1,)), ("squeeze_", ()), ("squeeze_", (1,)),
                                        ("as_strided_", ((2, 2), (1, 2)))])
def test_inplace_view_ops_reshape_the_tensor_itself(name, args):
    shape = (3, 2) if name == "t_" else (2, 1, 3)

    def program(lib, a):
        b = a * 2
        result = getattr(b, name)(*args)
        assert result is b
        names.append(type(b.grad_fn).__name__)
        return b * 1

    names = []
    check(program, np.random.default_rng(0).standard_normal(shape).astype(np.float32))
    assert names[0] == names[1]


def test_inplace_view_of_a_view_writes_through_and_bumps_the_version():
    for lib in (torch, ember):
        base = lib.zeros(2, 3)
        row = base[0]
        version = row._version
        row.unsqueeze_(0).add_(1)
        assert tuple(row.shape) == (1, 3) and row._version == version + 2
        assert base.sum().item() == 3


def test_inplace_view_on_a_leaf_that_requires_grad_fails_like_torch():
    check_error(lambda lib: lib.ones(2, 3, requires_grad=True).transpose_(0, 1))
