"""The Tensor class: shape and data access, conversions, .to(), operators and in-place ops, printing;
compared with real PyTorch."""
import numpy as np
import pytest
import torch

import ember
from oracle import assert_same, check, check_error

rng = np.random.default_rng(0)
A = rng.standard_normal((2, 3)).astype(np.float32)
B = rng.standard_normal((2, 3)).astype(np.float32)
ROW = rng.standard_normal((3,)).astype(np.float32)
INTS = rng.integers(-5, 6, (2, 3))
POS_INTS = rng.integers(1, 6, (2, 3))


def both(fn):
    """``fn`` run with each library: (ember result, torch result)."""
    return fn(ember), fn(torch)


# ---- shape and metadata ----
def test_shape_prints_as_torch_size():
    e, t = both(lambda lib: lib.zeros(2, 3, 4).shape)
    assert repr(e) == repr(t) == "torch.Size([2, 3, 4])" and str(e) == str(t)
    assert isinstance(e, tuple) and e == (2, 3, 4)
    assert repr(e[1:]) == repr(t[1:]) and e[-1] == 4
    assert repr(ember.zeros(()).shape) == repr(torch.zeros(()).shape)
    assert e.numel() == t.numel() == 24
    assert repr(ember.Size([2, 3])) == repr(torch.Size([2, 3]))
    assert repr((1,) + e) == repr((1,) + t) and repr(e + (1,)) == repr(t + (1,))
    assert repr(e * 2) == repr(t * 2) and repr(2 * e) == repr(2 * t)


@pytest.mark.parametrize("dim", [0, 1, -1, -3])
def test_size_dim(dim):
    assert_same(*both(lambda lib: lib.zeros(2, 3, 4).size(dim)))


def test_size_dim_out_of_range():
    check_error(lambda lib: lib.zeros(2, 3).size(2))


def test_metadata():
    for shape in ((), (0,), (2, 3), (1, 2, 3)):
        e, t = both(lambda lib: lib.zeros(shape))
        assert (e.dim(), e.ndim, e.numel(), e.nelement(), e.element_size()) == \
               (t.dim(), t.ndim, t.numel(), t.nelement(), t.element_size())
        assert e.stride() == t.stride()


def test_item():
    assert_same(*both(lambda lib: lib.tensor([[2.5]]).item()))
    assert_same(*both(lambda lib: lib.tensor(7).item()))
    assert_same(*both(lambda lib: lib.tensor(True).item()))
    e, t = both(lambda lib: lib.tensor(3).item())
    assert type(e) is type(t) is int
    check_error(lambda lib: lib.zeros(2).item())


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([[1.5, 2.0], [3.0, 4.0]]), lambda lib: lib.tensor(3), lambda lib: lib.tensor([True]),
    lambda lib: lib.arange(6).reshape(2, 3).t(), lambda lib: lib.zeros(0, 2),
])
def test_tolist(make):
    e, t = both(lambda lib: make(lib).tolist())
    assert e == t and type(e) is type(t)


def test_numpy_shares_memory():
    x = ember.zeros(3)
    arr = x.numpy()
    assert arr.dtype == np.float32
    arr[0] = 5
    assert x[0].item() == 5
    x.add_(1)
    assert arr.tolist() == [6.0, 1.0, 1.0]


def test_numpy_refuses_tensor_that_requires_grad():
    check_error(lambda lib: lib.zeros(2, requires_grad=True).numpy())
    assert ember.zeros(2, requires_grad=True).detach().numpy().tolist() == [0.0, 0.0]


def test_array_protocol():
    x = ember.tensor([[1, 2], [3, 4]])
    arr = np.asarray(x)
    assert arr.dtype == np.int64 and arr.tolist() == [[1, 2], [3, 4]]
    assert np.asarray(x, dtype=np.float32).dtype == np.float32
    assert np.array(ember.ones(2)).tolist() == [1.0, 1.0]


def test_np_array_copies_and_np_asarray_shares():
    def run(lib):
        x = lib.zeros(4)
        np.array(x)[0] = 1
        np.asarray(x)[1] = 2
        np.array(x, dtype=np.float32)[2] = 3
        np.asarray(x, dtype=np.float64)[3] = 4
        return x
    assert_same(*both(run))


def test_len_and_iteration():
    e, t = both(lambda lib: lib.tensor(A))
    assert len(e) == len(t) == 2
    rows = list(e)
    assert len(rows) == 2
    for er, tr in zip(rows, t):
        assert_same(er, tr)
    check_error(lambda lib: len(lib.tensor(1.0)))
    check_error(lambda lib: iter(lib.tensor(1.0)))


def test_iteration_rows_are_views():
    x = ember.zeros(2, 2)
    for row in x:
        row.add_(1)
    assert x.tolist() == [[1.0, 1.0], [1.0, 1.0]]


@pytest.mark.parametrize("convert", [bool, float, int])
@pytest.mark.parametrize("value", [[2.5], [[0.0]], [-3]])
def test_python_conversions(convert, value):
    assert_same(*both(lambda lib: convert(lib.tensor(value))))


@pytest.mark.parametrize("convert", [bool, float, int])
def test_python_conversion_of_many_elements(convert):
    check_error(lambda lib: convert(lib.tensor([1.0, 2.0])))


def test_bool_of_empty():
    check_error(lambda lib: bool(lib.tensor([])))


def test_index_conversion():
    assert_same(*both(lambda lib: [10, 20, 30][lib.tensor(2)]))
    assert_same(*both(lambda lib: list(range(10))[lib.tensor(1):lib.tensor([5])]))
    check_error(lambda lib: [1, 2][lib.tensor(1.0)])
    check_error(lambda lib: [1, 2][lib.tensor([0, 1])])


def test_contiguous():
    e, t = both(lambda lib: lib.arange(6).reshape(2, 3))
    assert e.is_contiguous() and e.contiguous() is e
    et, tt = e.t(), t.t()
    assert et.is_contiguous() == tt.is_contiguous() is False
    assert et.stride() == tt.stride()
    ec, tc = et.contiguous(), tt.contiguous()
    assert ec.is_contiguous() and ec.stride() == tc.stride()
    assert_same(ec, tc)
    ec[0, 0] = 100
    assert e[0, 0].item() == 0


def test_clone_copies():
    x = ember.ones(3)
    y = x.clone()
    y.add_(1)
    assert x.tolist() == [1.0, 1.0, 1.0]
    check(lambda lib, a: a.clone() * 2, A)
    e, t = both(lambda lib: lib.ones(2, requires_grad=True).clone())
    assert e.grad_fn.name() == t.grad_fn.name()


def test_detach_shares_memory_without_history():
    x = ember.ones(3, requires_grad=True)
    y = (x * 2).detach()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    d = x.detach()
    d.add_(1)
    assert x.tolist() == [2.0, 2.0, 2.0]
    assert x._version == d._version == 1


@pytest.mark.parametrize("method", ["float", "double", "long", "int", "bool", "half", "short", "byte", "char"])
def test_dtype_conversion_methods(method):
    assert_same(*both(lambda lib: getattr(lib.tensor([[-1.7, 0.0], [2.2, 300.0]]), method)()))


def test_conversion_to_same_dtype_returns_self():
    x = ember.ones(2)
    assert x.float() is x and x.to(ember.float32) is x and x.to("cpu") is x and x.cpu() is x


def test_conversion_backward():
    check(lambda lib, a: a.double() * 3, A)
    check(lambda lib, a: a.to(lib.float16).float(), A)


@pytest.mark.parametrize("arg", ["torch.DoubleTensor", "torch.LongTensor", "torch.BoolTensor", "float64",
                                 "int32"])
def test_type_conversion(arg):
    def convert(lib, x):
        return x.type(arg if arg.startswith("torch.") else getattr(lib, arg))
    assert_same(*both(lambda lib: convert(lib, lib.tensor([1.5, -2.0]))))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8",
                                   "bool"])
def test_type_string(dtype):
    e, t = both(lambda lib: lib.zeros(1, dtype=getattr(lib, dtype)).type())
    assert e == t


def test_type_bad_string():
    check_error(lambda lib: lib.zeros(1).type("torch.Nonsense"))


# ---- .to() ----
TO_CALLS = {
    "dtype": lambda lib, x: x.to(lib.float64),
    "device": lambda lib, x: x.to("cpu"),
    "device_obj": lambda lib, x: x.to(lib.device("cpu")),
    "device_dtype": lambda lib, x: x.to("cpu", lib.int32),
    "kwargs": lambda lib, x: x.to(device="cpu", dtype=lib.float16),
    "other": lambda lib, x: x.to(lib.zeros(1, dtype=lib.int64)),
    "copy": lambda lib, x: x.to(lib.float32, copy=True),
    "positional_flags": lambda lib, x: x.to("cpu", lib.float64, False, True),
    "non_blocking": lambda lib, x: x.to(lib.int64, non_blocking=True),
    "cpu": lambda lib, x: x.cpu(),
    "type_as": lambda lib, x: x.type_as(lib.zeros(1, dtype=lib.float64)),
}


@pytest.mark.parametrize("name", TO_CALLS)
def test_to(name):
    e, t = both(lambda lib: TO_CALLS[name](lib, lib.tensor(A)))
    assert_same(e, t)
    assert repr(e.device) == repr(t.device)


@pytest.mark.parametrize("convert", [lambda lib, x: x.to(lib.float32, copy=True),
                                     lambda lib, x: x.to("cpu", lib.float32, False, True)])
def test_to_copy_is_new_memory(convert):
    def run(lib):
        x = lib.ones(2)
        convert(lib, x).add_(1)
        return x
    assert_same(*both(run))


def test_to_keeps_graph():
    e, t = both(lambda lib: lib.ones(2, requires_grad=True).to(lib.float64))
    assert e.grad_fn.name() == t.grad_fn.name() and e.requires_grad


# ---- operators ----
BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "truediv": lambda a, b: a / b, "floordiv": lambda a, b: a // b, "mod": lambda a, b: a % b,
    "pow": lambda a, b: a ** b,
}
NOT_DIFFERENTIABLE = {"floordiv"}
NOT_DIFFERENTIABLE_REFLECTED = {"floordiv", "mod"}
POSITIVE = np.abs(A) + 0.5
COMPARISONS = {
    "lt": lambda a, b: a < b, "le": lambda a, b: a <= b, "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b, "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
}


@pytest.mark.parametrize("op", BINARY)
def test_binary_operator_float(op):
    grad = op not in NOT_DIFFERENTIABLE
    check(lambda lib, a, b: BINARY[op](a, b), POSITIVE, B, grad=grad)
    check(lambda lib, a, b: BINARY[op](a, b), POSITIVE, ROW, grad=grad)


@pytest.mark.parametrize("op", BINARY)
def test_binary_operator_int(op):
    check(lambda lib, a, b: BINARY[op](a, b), INTS, POS_INTS)


@pytest.mark.parametrize("op", BINARY)
@pytest.mark.parametrize("scalar", [2, 1.5, -3])
def test_binary_operator_scalar_both_sides(op, scalar):
    check(lambda lib, a: BINARY[op](a, scalar), POSITIVE, grad=op not in NOT_DIFFERENTIABLE)
    check(lambda lib, a: BINARY[op](abs(scalar), a), A, grad=op not in NOT_DIFFERENTIABLE_REFLECTED)
    if op == "pow" and scalar == -3:
        check_error(lambda lib: BINARY[op](lib.tensor(POS_INTS), scalar))
    else:
        check(lambda lib, a: BINARY[op](a, scalar), POS_INTS)
    check(lambda lib, a: BINARY[op](scalar, a), POS_INTS)


@pytest.mark.parametrize("op", COMPARISONS)
def test_comparison_operators(op):
    check(lambda lib, a, b: COMPARISONS[op](a, b), A, B)
    check(lambda lib, a: COMPARISONS[op](a, 0), A)
    check(lambda lib, a: COMPARISONS[op](0.5, a), A)
    check(lambda lib, a, b: COMPARISONS[op](a, b), INTS, POS_INTS)


@pytest.mark.parametrize("value", [None, "a", object()], ids=repr)
def test_equality_with_non_tensor_values(value):
    e, t = both(lambda lib: (lib.ones(2) == value, lib.ones(2) != value))
    assert e == t


def test_matmul_operator():
    check(lambda lib, a, b: a @ b.t(), A, B)
    check(lambda lib, a, b: a @ b, A, ROW)


def test_unary_operators():
    check(lambda lib, a: -a, A)
    check(lambda lib, a: abs(a), A)
    check(lambda lib, a: +a, A)
    check(lambda lib, a: -a, INTS)
    check_error(lambda lib: -lib.tensor([True]))


BITWISE = {"and": lambda a, b: a & b, "or": lambda a, b: a | b, "xor": lambda a, b: a ^ b}


@pytest.mark.parametrize("op", BITWISE)
def test_bitwise_operators(op):
    masks = (rng.random((2, 3)) > 0.5, rng.random((2, 3)) > 0.5)
    check(lambda lib, a, b: BITWISE[op](a, b), *masks)
    check(lambda lib, a, b: BITWISE[op](a, b), INTS, POS_INTS)
    check(lambda lib, a: BITWISE[op](a, 6), INTS)
    check(lambda lib, a: BITWISE[op](3, a), INTS)
    check(lambda lib, a: BITWISE[op](a, True), masks[0])


def test_invert():
    check(lambda lib, a: ~a, rng.random((2, 3)) > 0.5)
    check(lambda lib, a: ~a, INTS)
    check_error(lambda lib: ~lib.ones(2))


def test_add_alpha():
    check(lambda lib, a, b: a.add(b, alpha=2), A, B)
    check(lambda lib, a, b: lib.add(a, b, alpha=-0.5), A, B)
    check(lambda lib, a, b: a.sub(b, alpha=3), A, B)


def test_mixed_dtype_promotion():
    check(lambda lib, a, b: a + b, INTS, A)
    check(lambda lib, a: a * 1.5, INTS)
    check(lambda lib, a: a / 2, INTS)
    check(lambda lib, a: a + True, INTS)
    check(lambda lib, a, b: a + b, A.astype(np.float64), B)
    check(lambda lib, a, b: a + b[0, 0], A.astype(np.float16), B.astype(np.float64))
    check(lambda lib, a: a.clamp(-2.5, 3), INTS)
    check(lambda lib, a: a.clamp(max=2), INTS)


@pytest.mark.parametrize("scalar", [np.float32(2.0), np.float64(-1.5), np.int64(3)], ids=repr)
def test_numpy_scalar_operand_gives_tensor(scalar):
    check(lambda lib, a: scalar * a + scalar - a / scalar, A)


# ---- in-place ----
INPLACE = {
    "iadd": lambda x, v: x.__iadd__(v), "isub": lambda x, v: x.__isub__(v),
    "imul": lambda x, v: x.__imul__(v), "itruediv": lambda x, v: x.__itruediv__(v),
    "add_": lambda x, v: x.add_(v), "sub_": lambda x, v: x.sub_(v), "mul_": lambda x, v: x.mul_(v),
    "div_": lambda x, v: x.div_(v),
}


@pytest.mark.parametrize("name", INPLACE)
@pytest.mark.parametrize("value", ["tensor", "row", 2.5])
def test_inplace_values_and_identity(name, value):
    def run(lib):
        x = lib.tensor(A)
        v = {"tensor": lambda: lib.tensor(B), "row": lambda: lib.tensor(ROW)}.get(value, lambda: value)()
        out = INPLACE[name](x, v)
        assert out is x
        return x
    assert_same(*both(run))


def test_augmented_assignment_keeps_id():
    for lib in (ember, torch):
        x = lib.ones(3)
        before = id(x)
        x += 1
        x *= 3
        x -= 1
        x /= 5
        assert id(x) == before
        assert x.tolist() == [1.0, 1.0, 1.0]


def test_inplace_bumps_version():
    e, t = both(lambda lib: lib.ones(3))
    for x in (e, t):
        x += 1
        x.mul_(2)
        x.zero_()
    assert e._version == t._version == 3


def test_inplace_int_with_float_result_raises():
    check_error(lambda lib: lib.tensor([1, 2]).add_(1.5))
    check_error(lambda lib: lib.tensor([1, 2]).__itruediv__(2))
    check_error(lambda lib: lib.tensor([1, 2]).mul_(lib.tensor([0.5, 1.0])))
    check_error(lambda lib: lib.tensor([True]).add_(1))


def test_inplace_broadcast_shape_error():
    check_error(lambda lib: lib.zeros(3).add_(lib.ones(2, 3)))


def test_inplace_int_ops_keep_dtype():
    assert_same(*both(lambda lib: lib.tensor([1, 2]).add_(3)))
    assert_same(*both(lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float16).mul_(lib.tensor([2.0]))))
    assert_same(*both(lambda lib: lib.ones(2, dtype=lib.float64).add_(lib.ones(2, dtype=lib.int64))))


FILL = {
    "zero_": lambda lib, x: x.zero_(),
    "fill_float": lambda lib, x: x.fill_(2.5),
    "fill_tensor": lambda lib, x: x.fill_(lib.tensor(-1.0)),
    "copy_same": lambda lib, x: x.copy_(lib.tensor(B)),
    "copy_broadcast": lambda lib, x: x.copy_(lib.tensor(ROW)),
    "copy_cast": lambda lib, x: x.copy_(lib.tensor(INTS)),
    "copy_double": lambda lib, x: x.copy_(lib.tensor(B, dtype=lib.float64)),
    "clamp_": lambda lib, x: x.clamp_(-0.5, 0.5),
    "clamp_min_": lambda lib, x: x.clamp_(min=0),
}


@pytest.mark.parametrize("name", FILL)
def test_fill_copy_clamp(name):
    def run(lib):
        x = lib.tensor(A)
        assert FILL[name](lib, x) is x
        return x
    assert_same(*both(run))


def test_copy_into_int_truncates():
    assert_same(*both(lambda lib: lib.zeros(3, dtype=lib.int64).copy_(lib.tensor([1.7, -2.2, 3.9]))))
    assert_same(*both(lambda lib: lib.zeros(2, dtype=lib.int32).fill_(3.9)))


def test_fill_with_multi_element_tensor_raises():
    check_error(lambda lib: lib.zeros(2).fill_(lib.ones(2)))


def test_inplace_on_leaf_requiring_grad_raises():
    check_error(lambda lib: lib.ones(2, requires_grad=True).add_(1))


def test_inplace_backward():
    def fn(lib, a, b):
        y = a * 1
        y.mul_(b)
        y.add_(b, alpha=2)
        y.clamp_(-1, 1)
        return y
    check(fn, A, B)


def test_copy_backward():
    def fn(lib, a, b):
        y = a * 2
        y.copy_(b[0])
        return y * a
    check(fn, A, B)


def test_inplace_grad_fn_names():
    e, t = both(lambda lib: (lib.ones(2, requires_grad=True) * 1).add_(1).grad_fn.name())
    assert e == t == "AddBackward0"
    e, t = both(lambda lib: (lib.ones(2, requires_grad=True) * 1).mul_(2).grad_fn.name())
    assert e == t


# ---- repr through the real Tensor ----
REPRS = {
    "float": lambda lib: lib.tensor(A),
    "int": lambda lib: lib.tensor(INTS),
    "bool": lambda lib: lib.tensor([True, False]),
    "float64": lambda lib: lib.tensor([1.5, 2.0], dtype=lib.float64),
    "int32": lambda lib: lib.tensor([1, 2], dtype=lib.int32),
    "requires_grad": lambda lib: lib.tensor([1.0, 2.5], requires_grad=True),
    "grad_fn": lambda lib: lib.tensor([1.0, 2.5], requires_grad=True) * 2,
    "grad_fn_sum": lambda lib: (lib.tensor(A, requires_grad=True) + 1).sum(),
    "scalar": lambda lib: lib.tensor(3.25),
    "scalar_int": lambda lib: lib.tensor(-4),
    "big": lambda lib: lib.arange(2000.0).reshape(40, 50),
    "big_int": lambda lib: lib.arange(3000),
    "sci": lambda lib: lib.tensor([1e-8, 1.0, 1e6]),
    "empty": lambda lib: lib.zeros(0, 3),
    "shape_view": lambda lib: lib.tensor(A).t(),
}


@pytest.mark.parametrize("name", REPRS)
def test_repr_matches_torch(name):
    e, t = both(REPRS[name])
    assert repr(e) == repr(t)
    assert str(e) == str(t)


def test_repr_default_dtype_suffix():
    try:
        ember.set_default_dtype(ember.float64)
        torch.set_default_dtype(torch.float64)
        for make in (lambda lib: lib.tensor([1.5]), lambda lib: lib.tensor([1.5], dtype=lib.float32)):
            e, t = both(make)
            assert repr(e) == repr(t)
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


def test_format_and_print(capsys):
    print(ember.tensor([1.0, 2.0]), f"{ember.tensor(0.123456):.3f}")
    e = capsys.readouterr().out
    print(torch.tensor([1.0, 2.0]), f"{torch.tensor(0.123456):.3f}")
    assert e == capsys.readouterr().out
