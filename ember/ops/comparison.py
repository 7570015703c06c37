"""Comparisons, value tests (isnan, isclose, ...) and logical/bitwise ops: results carry no gradient."""
import operator

from .. import dtypes
from ..autograd.function import Op
from ..backend import xp_of
from . import promotion
from .broadcast import BroadcastingOp


class _Compare(BroadcastingOp):
    _fn = None

    @classmethod
    def forward(cls, ctx, a, b, dt):
        return cls._fn(promotion.cast(a, dt), promotion.cast(b, dt))


def _compare_op(name, fn):
    return type(name, (_Compare,), {"_fn": staticmethod(fn)})


Eq = _compare_op("Eq", operator.eq)
Ne = _compare_op("Ne", operator.ne)
Lt = _compare_op("Lt", operator.lt)
Le = _compare_op("Le", operator.le)
Gt = _compare_op("Gt", operator.gt)
Ge = _compare_op("Ge", operator.ge)


class _Bitwise(_Compare):
    @classmethod
    def forward(cls, ctx, a, b, dt):
        if dt.kind == "f":
            raise NotImplementedError(f'"{cls.__name__.lower()}_cpu" not implemented for '
                                      f"'{dtypes.scalar_type_name(dt)}': bitwise operators need integer or bool "
                                      "tensors")
        return super().forward(ctx, a, b, dt)


BitwiseAnd = type("Bitwise_and", (_Bitwise,), {"_fn": staticmethod(operator.and_)})
BitwiseOr = type("Bitwise_or", (_Bitwise,), {"_fn": staticmethod(operator.or_)})
BitwiseXor = type("Bitwise_xor", (_Bitwise,), {"_fn": staticmethod(operator.xor)})


class _Test(Op):
    """A bool-valued test of each element: ``_fn(xp, a)``; integer and bool inputs use ``_exact`` (their answer
    for every whole number)."""

    _fn = None
    _exact = False

    @classmethod
    def forward(cls, ctx, a):
        if a.dtype.kind == "f":
            return cls._fn(xp_of(a), a)
        return xp_of(a).full(a.shape, cls._exact)


def _test_op(name, fn, exact=False):
    return type(name, (_Test,), {"_fn": staticmethod(fn), "_exact": exact})


IsNan = _test_op("IsNan", lambda xp, a: xp.isnan(a))
IsInf = _test_op("IsInf", lambda xp, a: xp.isinf(a))
IsFinite = _test_op("IsFinite", lambda xp, a: xp.isfinite(a), exact=True)
IsPosInf = _test_op("IsPosInf", lambda xp, a: xp.isposinf(a))
IsNegInf = _test_op("IsNegInf", lambda xp, a: xp.isneginf(a))


class SignBit(Op):
    @staticmethod
    def forward(ctx, a):
        return xp_of(a).signbit(a) if a.dtype.kind != "b" else xp_of(a).zeros(a.shape, bool)


class IsClose(BroadcastingOp):
    """|a - b| <= atol + rtol * |b|, or a == b (so equal infinities are close); nan close to nan if asked."""

    @staticmethod
    def forward(ctx, a, b, rtol, atol, equal_nan):
        xp = xp_of(a)
        close = a == b
        if equal_nan:
            close |= xp.isnan(a) & xp.isnan(b)
        if a.dtype.kind == "b":
            return close
        wide = "float64" if a.dtype.kind != "f" else a.dtype
        a, b = a.astype(wide, copy=False), b.astype(wide, copy=False)
        return close | (xp.isfinite(a) & xp.isfinite(b) & (xp.abs(a - b) <= atol + rtol * xp.abs(b)))


class BitwiseNot(Op):
    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "f":
            raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{dtypes.scalar_type_name(a.dtype)}': "
                                      "bitwise_not needs an integer or bool tensor")
        return ~a


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import Tensor, _out  # noqa: E402


def _binary_fn(op, name):
    def fn(input, other, *, out=None):
        return _out(op.apply(input, other, promotion.operand_dtype(input, other).np), out)
    fn.__name__ = name
    return fn


eq, ne, lt, le, gt, ge = (_binary_fn(op, n) for op, n in
                          ((Eq, "eq"), (Ne, "ne"), (Lt, "lt"), (Le, "le"), (Gt, "gt"), (Ge, "ge")))
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
bitwise_and = _binary_fn(BitwiseAnd, "bitwise_and")
bitwise_or = _binary_fn(BitwiseOr, "bitwise_or")
bitwise_xor = _binary_fn(BitwiseXor, "bitwise_xor")


def bitwise_not(input, *, out=None):
    return _out(BitwiseNot.apply(input), out)


def invert(input):
    """The ``~`` operator: a TypeError for float tensors, like PyTorch's ``Tensor.__invert__``."""
    if input.is_floating_point():
        raise TypeError(f"~ (operator.invert) is only implemented on integer and Boolean-type tensors, got "
                        f"{input.dtype}")
    return BitwiseNot.apply(input)


def logical_not(input, *, out=None):
    return _out(eq(input, 0), out)


def _logical_fn(bitwise, name):
    """A logical op of two tensors: the bitwise op of their truth values (a python number is a TypeError)."""
    def fn(input, other, *, out=None):
        if not isinstance(other, Tensor):
            raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
        return _out(bitwise(ne(input, 0), ne(other, 0)), out)
    fn.__name__ = name
    return fn


logical_and = _logical_fn(bitwise_and, "logical_and")
logical_or = _logical_fn(bitwise_or, "logical_or")
logical_xor = _logical_fn(bitwise_xor, "logical_xor")


def equal(input, other):
    return input.shape == other.shape and bool((input._array == other._array).all())


def _test_fn(op, name):
    def fn(input, *, out=None):
        return _out(op.apply(input), out)
    fn.__name__ = name
    return fn


isnan, isinf, isfinite, isposinf, isneginf, signbit = (_test_fn(op, name) for op, name in (
    (IsNan, "isnan"), (IsInf, "isinf"), (IsFinite, "isfinite"), (IsPosInf, "isposinf"), (IsNegInf, "isneginf"),
    (SignBit, "signbit")))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    if not isinstance(other, Tensor):
        raise TypeError(f"isclose(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{_type_name(input)} did not match {_type_name(other)}: isclose needs two tensors "
                           "of one dtype")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if tol < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {tol}")
    return IsClose.apply(input, other, rtol, atol, equal_nan)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan)._array.all())


def _type_name(t):
    return dtypes.scalar_type_name(t._array.dtype)


def _not_implemented_on_type_error(fn):
    """``t == None`` is False (and ``t != "a"`` True), as in PyTorch: an operand that is no tensor-like value
    hands the comparison back to Python."""
    def operator(self, other):
        try:
            return fn(self, other)
        except TypeError:
            return NotImplemented
    operator.__name__ = fn.__name__
    return operator


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge, "greater": gt, "greater_equal": ge, "less": lt,
    "less_equal": le, "not_equal": ne, "bitwise_and": bitwise_and, "bitwise_or": bitwise_or,
    "bitwise_xor": bitwise_xor, "bitwise_not": bitwise_not, "logical_not": logical_not,
    "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor, "equal": equal,
    "isnan": isnan, "isinf": isinf, "isfinite": isfinite, "isposinf": isposinf, "isneginf": isneginf,
    "signbit": signbit, "isclose": isclose, "allclose": allclose}
METHODS = {"__eq__": _not_implemented_on_type_error(eq), "__ne__": _not_implemented_on_type_error(ne),
           "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge, "__invert__": invert,
           "__and__": bitwise_and, "__rand__": bitwise_and, "__or__": bitwise_or, "__ror__": bitwise_or,
           "__xor__": bitwise_xor, "__rxor__": bitwise_xor}
INPLACE = {**dict.fromkeys(("eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
                             "not_equal", "bitwise_not", "logical_not", "logical_and", "logical_or", "logical_xor")),
           "bitwise_and": "__iand__", "bitwise_or": "__ior__", "bitwise_xor": "__ixor__"}
