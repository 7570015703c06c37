"""Elementwise arithmetic: add, sub, mul, div, neg, pow, floor_divide, remainder."""
import math
import numbers
import warnings

from .. import dtypes
from ..autograd.function import Op
from ..backend import xp_of
from . import promotion
from .broadcast import BroadcastingOp, sum_to_shape


def _shape(x):
    return getattr(x, "shape", None)


class _Binary(BroadcastingOp):
    """Forward gets both operands already cast to the result dtype; backward reduces to each input's shape."""

    @staticmethod
    def _record(ctx, a, b):
        """Remember the inputs' shapes and dtypes for backward (only when a graph is recorded)."""
        if ctx.needs_input_grad:
            ctx.a_meta = (_shape(a), getattr(a, "dtype", None))
            ctx.b_meta = (_shape(b), getattr(b, "dtype", None))

    @staticmethod
    def _grads(ctx, grad_a, grad_b):
        """The two input gradients, each only if needed, reduced to its input's shape and dtype."""
        need_a, need_b = ctx.needs_input_grad
        ga = sum_to_shape(grad_a(), *ctx.a_meta) if need_a else None
        gb = sum_to_shape(grad_b(), *ctx.b_meta) if need_b else None
        return ga, gb


class _UfuncBinary(_Binary):
    """A binary op whose forward is one array-library ufunc and whose backward needs both operands."""

    _ufunc = None

    @classmethod
    def forward(cls, ctx, a, b, dt):
        cls._record(ctx, a, b)
        a, b = promotion.cast(a, dt), promotion.cast(b, dt)
        ctx.save_for_backward(a, b)
        return getattr(xp_of(a), cls._ufunc)(a, b)


class Add(_Binary):
    _node_name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, dt, alpha=1):
        Add._record(ctx, a, b)
        ctx.alpha = alpha
        a, b = promotion.cast(a, dt), promotion.cast(b, dt)
        return a + b if alpha == 1 else a + b * alpha

    @staticmethod
    def backward(ctx, grad):
        alpha = ctx.alpha
        return _Binary._grads(ctx, lambda: grad, lambda: grad if alpha == 1 else grad * alpha)


class Sub(_Binary):
    _node_name = "SubBackward0"

    @staticmethod
    def forward(ctx, a, b, dt, alpha=1):
        Sub._record(ctx, a, b)
        ctx.alpha = alpha
        a, b = promotion.cast(a, dt), promotion.cast(b, dt)
        return a - b if alpha == 1 else a - b * alpha

    @staticmethod
    def backward(ctx, grad):
        alpha = ctx.alpha
        return _Binary._grads(ctx, lambda: grad, lambda: -grad if alpha == 1 else grad * -alpha)


class Mul(_Binary):
    _node_name = "MulBackward0"

    @staticmethod
    def forward(ctx, a, b, dt):
        Mul._record(ctx, a, b)
        a, b = promotion.cast(a, dt), promotion.cast(b, dt)
        ctx.save_for_backward(a if ctx.needs_input_grad[1:2] == (True,) else None,
                              b if ctx.needs_input_grad[:1] == (True,) else None)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _Binary._grads(ctx, lambda: grad * b, lambda: grad * a)


class Div(_Binary):
    _node_name = "DivBackward0"

    @staticmethod
    def forward(ctx, a, b, dt):
        Div._record(ctx, a, b)
        a, b = promotion.cast(a, dt), promotion.cast(b, dt)
        ctx.save_for_backward(a if ctx.needs_input_grad[1:2] == (True,) else None, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _Binary._grads(ctx, lambda: grad / b, lambda: -grad * a / (b * b))


class Neg(Op):
    _node_name = "NegBackward0"

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(_Binary):
    _node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b, dt):
        Pow._record(ctx, a, b)
        a, b = promotion.cast(a, dt), promotion.cast(b, dt)
        out = _power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        return _Binary._grads(ctx, lambda: grad * b * a ** (b - 1), lambda: grad * out * _log_or_zero(a))


class PowScalar(Op):
    """tensor ** python number: PowBackward0 in PyTorch."""

    _node_name = "PowBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, exponent, dt):
        a = promotion.cast(a, dt)
        if a.dtype.kind in "iu" and type(exponent) is int and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        ctx.exponent = exponent
        ctx.save_for_backward(a)
        return (a ** exponent).astype(a.dtype, copy=False)  # numpy makes bool ** bool an int8

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        e = ctx.exponent
        if e == 0:
            return grad * 0
        return grad * e * a ** (e - 1) if e != 2 else grad * 2 * a


class ScalarPow(Op):
    """python number ** tensor: PowBackward2 in PyTorch."""

    _node_name = "PowBackward2"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, exponent, base, dt):
        exponent = promotion.cast(exponent, dt)
        out = _power(xp_of(exponent).asarray(promotion.cast(base, dt), dtype=dt), exponent)
        ctx.base = base
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        if ctx.base == 0:
            return grad * 0
        return grad * out * (math.log(ctx.base) if ctx.base > 0 else math.nan)


def _power(a, b):
    """a ** b on arrays; an integer base to a negative integer power follows PyTorch (1, -1 or 0), not an error."""
    if a.dtype.kind not in "iu":
        return a ** b
    xp = xp_of(a)
    negative = b < 0
    if not xp.any(negative):
        return a ** b
    out = a ** xp.where(negative, 0, b)
    sign = xp.where(b % 2 == 0, 1, -1)
    inverse = xp.where(a == 1, 1, xp.where(a == -1, sign, 0))
    return xp.where(negative, inverse, out).astype(out.dtype, copy=False)


def _log_or_zero(a):
    """log(a) where a != 0 and 0 elsewhere, so 0 ** b has a finite gradient with respect to b."""
    return a.where(a != 0, 1.0).log()


class FloorDivide(_Binary):
    """Division rounded down; its gradient is zero, as in PyTorch."""

    _node_name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, dt):
        FloorDivide._record(ctx, a, b)
        a, b = promotion.cast(a, dt), promotion.cast(b, dt)
        return xp_of(a).floor_divide(a, b)

    @staticmethod
    def backward(ctx, grad):
        return _Binary._grads(ctx, lambda: grad * 0, lambda: grad * 0)


class TruncDivide(FloorDivide):
    _node_name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, dt):
        TruncDivide._record(ctx, a, b)
        a, b = promotion.cast(a, dt), promotion.cast(b, dt)
        xp = xp_of(a)
        if a.dtype.kind == "f":
            return xp.trunc(a / b)
        q = xp.floor_divide(a, b)
        return q + ((q < 0) & (q * b != a))


class Remainder(_UfuncBinary):
    """tensor % python number; RemainderTensors below is tensor % tensor."""

    _node_name = "RemainderBackward0"
    _ufunc = "remainder"

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _Binary._grads(ctx, lambda: grad, lambda: -grad * a.div(b, rounding_mode="floor"))


class RemainderTensors(Remainder):
    _node_name = "RemainderBackward1"


class ScalarSub(Op):
    """python number - tensor."""

    _node_name = "RsubBackward1"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, scalar, dt):
        return promotion.cast(scalar, dt) - promotion.cast(a, dt)

    @staticmethod
    def backward(ctx, grad):
        return -grad


class ScalarDiv(Op):
    """python number / tensor, which PyTorch computes as reciprocal(tensor) * number (hence the node name)."""

    _node_name = "MulBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, scalar, dt):
        a = promotion.cast(a, dt)
        out = scalar / a
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        return -grad * out / a


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import Tensor, _out, tensor_like_scalar  # noqa: E402


def add(input, other, *deprecated, alpha=1, out=None):
    if deprecated:
        other, alpha = _alpha_first("add", other, deprecated)
    dt = promotion.operand_dtype(input, other)
    if alpha != 1:
        _check_alpha(dt, alpha)
    return _out(Add.apply(input, other, dt.np, alpha), out)


def sub(input, other, *deprecated, alpha=1, out=None):
    if deprecated:
        other, alpha = _alpha_first("sub", other, deprecated)
    _check_not_bool(input, other)
    dt = promotion.operand_dtype(input, other)
    if alpha != 1:
        _check_alpha(dt, alpha)
    return _out(Sub.apply(input, other, dt.np, alpha), out)


def _alpha_first(name, alpha, rest):
    """The old ``add(Number alpha, Tensor other)`` overload that the notes still use: warn as torch, then swap."""
    if len(rest) != 1 or not isinstance(alpha, numbers.Number):
        raise TypeError(f"{name}() takes 2 positional arguments but {2 + len(rest)} were given")
    warnings.warn(f"This overload of {name} is deprecated:\n\t{name}(Number alpha, Tensor other)\nConsider using "
                  f"one of the following signatures instead:\n\t{name}(Tensor other, *, Number alpha = 1)",
                  UserWarning, stacklevel=3)
    return rest[0], alpha


def _check_alpha(dt, alpha):
    if not dt.is_floating_point and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if dt is dtypes.bool and not isinstance(alpha, bool):
        raise RuntimeError("Boolean alpha only supported for Boolean results.")


def _check_not_bool(a, b):
    if _is_bool(a) or _is_bool(b):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def _is_bool(x):
    return x._array.dtype.kind == "b" if isinstance(x, Tensor) else isinstance(x, bool)


def mul(input, other, *, out=None):
    return _out(Mul.apply(input, other, promotion.operand_dtype(input, other).np), out)


def div(input, other, *, rounding_mode=None, out=None):
    dt = promotion.operand_dtype(input, other)
    if rounding_mode is None:
        return _out(Div.apply(input, other, promotion.float_dtype(dt).np), out)
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    _refuse_bool(f"div_{rounding_mode}_cpu", dt, "div")
    _check_int_zero_division(other, dt)
    op = FloorDivide if rounding_mode == "floor" else TruncDivide
    return _out(op.apply(input, other, dt.np), out)


def _refuse_bool(kernel, dt, name):
    if dt is dtypes.bool:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool': {name} needs numeric operands")


def _check_int_zero_division(other, dt):
    if dt.np.kind in "iub":
        arr = other._array if isinstance(other, Tensor) else other
        if (arr == 0).any() if hasattr(arr, "any") else arr == 0:
            raise RuntimeError("ZeroDivisionError")


def floor_divide(input, other, *, out=None):
    return div(input, other, rounding_mode="floor", out=out)


def remainder(input, other, *, out=None):
    dt = promotion.operand_dtype(input, other)
    _refuse_bool("remainder_cpu", dt, "remainder")
    _check_int_zero_division(other, dt)
    op = RemainderTensors if isinstance(other, Tensor) else Remainder
    return _out(op.apply(input, other, dt.np), out)


def neg(input, *, out=None):
    if input.dtype.np.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return _out(Neg.apply(input), out)


def pow(input, exponent, *, out=None):  # noqa: A001 - PyTorch's name
    dt = promotion.operand_dtype(input, exponent)
    if dt is dtypes.bool and (isinstance(exponent, Tensor) or not isinstance(input, Tensor)):
        raise NotImplementedError("\"pow\" not implemented for 'Bool': pow of a bool tensor needs a number exponent")
    if not isinstance(input, Tensor):
        return _out(ScalarPow.apply(exponent, input, dt.np), out)
    if isinstance(exponent, Tensor):
        return _out(Pow.apply(input, exponent, dt.np), out)
    return _out(PowScalar.apply(input, exponent, dt.np), out)


def square(input, *, out=None):
    """input ** 2: integers stay integers (bool becomes int64), as in PyTorch."""
    return pow(input, 2, out=out)


def _rsub(self, other):
    _check_not_bool(self, other)
    return ScalarSub.apply(self, other, promotion.operand_dtype(self, other).np)


def _rdiv(self, other):
    return ScalarDiv.apply(self, other, promotion.float_dtype(promotion.operand_dtype(self, other)).np)


def _rpow(self, other):
    return pow(other, self)


def _reflected(fn):
    """``scalar <op> tensor`` for the non-commutative operators."""
    scalar_first = {sub: _rsub, div: _rdiv, pow: _rpow}.get(fn)
    if scalar_first is not None:
        return scalar_first

    def reflected(self, other):
        dt = promotion.operand_dtype(self, other)
        return fn(tensor_like_scalar(promotion.cast(other, dt.np), dt), self)
    return reflected


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"add": add, "sub": sub, "mul": mul, "div": div, "floor_divide": floor_divide,
                         "remainder": remainder, "neg": neg, "pow": pow, "multiply": mul, "subtract": sub,
                         "divide": div, "true_divide": div, "negative": neg, "square": square}
METHODS = {"__add__": add, "__radd__": add, "__sub__": sub, "__rsub__": _reflected(sub), "__mul__": mul,
           "__rmul__": mul, "__truediv__": div, "__rtruediv__": _reflected(div), "__floordiv__": floor_divide,
           "__rfloordiv__": _reflected(floor_divide), "__mod__": remainder, "__rmod__": _reflected(remainder),
           "__pow__": pow, "__rpow__": _reflected(pow), "__neg__": neg, "__pos__": lambda self: self}
INPLACE = {"add": "__iadd__", "sub": "__isub__", "mul": "__imul__", "div": "__itruediv__",
           "floor_divide": "__ifloordiv__", "remainder": "__imod__", "pow": "__ipow__", "neg": None,
           "multiply": None, "subtract": None, "divide": None, "true_divide": None, "negative": None, "square": None}
