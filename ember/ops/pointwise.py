"""Elementwise binary and ternary math beyond the arithmetic operators: fmod, atan2, hypot, copysign, fmax/fmin,
logaddexp, xlogy, float_power, ldexp, nextafter, heaviside, gcd/lcm, bit shifts, addcmul/addcdiv, lerp."""
import math

from .. import dtypes
from ..backend import xp_of
from . import promotion
from .broadcast import BroadcastingOp, sum_to_shape


def _array_of(operands):
    return next(x for x in operands if hasattr(x, "dtype"))


class _Pointwise(BroadcastingOp):
    """``_fn(xp, *operands, *params)`` on operands cast to the result dtype; ``_grads[i](grad, *operands, out,
    *params)`` in Tensor ops gives input i's gradient, reduced to its shape and dtype here."""

    _fn = None
    _grads = ()
    _saves_output = False

    @classmethod
    def forward(cls, ctx, *args):
        n = cls._num_inputs
        operands, dt, params = args[:n], args[n], args[n + 1:]
        if ctx.needs_input_grad:
            ctx.metas = tuple((getattr(x, "shape", None), getattr(x, "dtype", None)) for x in operands)
            ctx.params = params
        xp = xp_of(_array_of(operands))
        # python numbers become arrays of the result dtype too, so e.g. log(3.0) against float32 stays float32
        operands = [xp.asarray(promotion.cast(x, dt), dtype=dt) for x in operands]
        out = cls._fn(xp, *operands, *params)
        if cls._grads:
            ctx.save_for_backward(*operands, out if cls._saves_output else None)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        *saved, out = ctx.saved_tensors
        return tuple(sum_to_shape(fn(grad, *saved, out, *ctx.params), *meta) if need else None
                     for fn, meta, need in zip(cls._grads, ctx.metas, ctx.needs_input_grad))


def _op(node, fn, grads=(), saves_output=False, num_inputs=2):
    return type(node.replace("Backward0", ""), (_Pointwise,), {
        "_node_name": node, "_fn": staticmethod(fn), "_grads": tuple(staticmethod(g) for g in grads),
        "_saves_output": saves_output, "_num_inputs": num_inputs})


def _zero(g, *operands):
    return g.new_zeros(g.shape)


def _fmax_keeps_a(a, b):
    return (a >= b) | b.isnan()


def _fmin_keeps_a(a, b):
    return (a <= b) | b.isnan()


def _xlogy(xp, a, b):
    out = a * xp.log(b)
    return xp.where((a == 0) & ~xp.isnan(b), 0, out).astype(out.dtype, copy=False)


def _xlogy_grad_a(g, a, b, out):
    return xlogy(g, b).where(~((a == 0) & (b <= 0)), 0.0)


def _no_derivative(name):
    def refuse(*args):
        raise RuntimeError(f"derivative for aten::{name} is not implemented")
    return refuse


def _heaviside(xp, a, values):
    return xp.where(a == 0, values, (a > 0).astype(a.dtype)).astype(a.dtype, copy=False)


def _lerp(xp, a, b, w):
    return xp.where(w < 0.5, a + w * (b - a), b - (b - a) * (1 - w)).astype(a.dtype, copy=False)


Fmax = _op("FmaxBackward0", lambda xp, a, b: xp.fmax(a, b),
           (lambda g, a, b, out: g.where(_fmax_keeps_a(a, b), 0.0),
            lambda g, a, b, out: g.where(~_fmax_keeps_a(a, b), 0.0)))
Fmin = _op("FminBackward0", lambda xp, a, b: xp.fmin(a, b),
           (lambda g, a, b, out: g.where(_fmin_keeps_a(a, b), 0.0),
            lambda g, a, b, out: g.where(~_fmin_keeps_a(a, b), 0.0)))
Fmod = _op("FmodBackward1", lambda xp, a, b: xp.fmod(a, b),
           (lambda g, a, b, out: g, lambda g, a, b, out: -g * a.div(b, rounding_mode="trunc")))
FmodScalar = _op("FmodBackward0", Fmod._fn, Fmod._grads[:1])
Atan2 = _op("Atan2Backward0", lambda xp, a, b: xp.arctan2(a, b),
            (lambda g, a, b, out: g * b / (a * a + b * b), lambda g, a, b, out: g * -a / (a * a + b * b)))
Hypot = _op("HypotBackward0", lambda xp, a, b: xp.hypot(a, b),
            (lambda g, a, b, out: g * a / out, lambda g, a, b, out: g * b / out), saves_output=True)
Copysign = _op("CopysignBackward0", lambda xp, a, b: xp.copysign(a, b),
               (lambda g, a, b, out: g * (out / a).where(a != 0, 0.0), _zero), saves_output=True)
CopysignScalar = _op("CopysignBackward1", Copysign._fn, Copysign._grads[:1], saves_output=True)
Logaddexp = _op("LogaddexpBackward0", lambda xp, a, b: xp.logaddexp(a, b),
                (lambda g, a, b, out: g / (1 + (b - a).exp()), lambda g, a, b, out: g / (1 + (a - b).exp())))
Logaddexp2 = _op("Logaddexp2Backward0", lambda xp, a, b: xp.logaddexp2(a, b),
                 (lambda g, a, b, out: g / (1 + (b - a).exp2()), lambda g, a, b, out: g / (1 + (a - b).exp2())))
Xlogy = _op("XlogyBackward0", _xlogy, (_xlogy_grad_a, lambda g, a, b, out: g * a / b))
XlogyScalarSelf = _op("XlogyBackward1", _xlogy, (_zero, Xlogy._grads[1]))
XlogyScalarOther = _op("XlogyBackward2", _xlogy, Xlogy._grads[:1])
Ldexp = _op("LdexpBackward0", lambda xp, a, b: a * xp.exp2(b),
            (lambda g, a, b, out: g * b.exp2(), lambda g, a, b, out: g * out * math.log(2)), saves_output=True)
Nextafter = _op("NextafterBackward0", lambda xp, a, b: xp.nextafter(a, b), (lambda g, a, b, out: g, _zero))
Heaviside = _op("NotImplemented", _heaviside, (_no_derivative("heaviside"),) * 2)
Gcd = _op("GcdBackward0", lambda xp, a, b: xp.gcd(a, b))
Lcm = _op("LcmBackward0", lambda xp, a, b: xp.lcm(a, b))
LeftShift = _op("LshiftBackward0", lambda xp, a, b: xp.left_shift(a, b))
RightShift = _op("RshiftBackward0", lambda xp, a, b: xp.right_shift(a, b))
Addcmul = _op("AddcmulBackward0", lambda xp, a, t1, t2, value: a + value * t1 * t2,
              (lambda g, a, t1, t2, out, value: g, lambda g, a, t1, t2, out, value: g * value * t2,
               lambda g, a, t1, t2, out, value: g * value * t1), num_inputs=3)
Addcdiv = _op("AddcdivBackward0", lambda xp, a, t1, t2, value: a + value * t1 / t2,
              (lambda g, a, t1, t2, out, value: g, lambda g, a, t1, t2, out, value: g * value / t2,
               lambda g, a, t1, t2, out, value: -g * value * t1 / (t2 * t2)), num_inputs=3)
Lerp = _op("LerpBackward0", _lerp, (lambda g, a, b, out, w: g * (1 - w), lambda g, a, b, out, w: g * w))
LerpTensor = _op("LerpBackward1", _lerp, (lambda g, a, b, w, out: g * (1 - w), lambda g, a, b, w, out: g * w,
                                          lambda g, a, b, w, out: g * (b - a)), num_inputs=3)


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import Tensor, _out  # noqa: E402
from .arithmetic import _reflected  # noqa: E402


def _require_tensors(name, input, other):
    for position, (arg, x) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                            f"{type(x).__name__}")


def _refuse(name, kernel, dt, allowed):
    """PyTorch's NotImplementedError for a dtype its kernel lacks (``allowed``: the dtype kinds it has)."""
    if dt.np.kind not in allowed:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtypes.scalar_type_name(dt.np)}': {name} "
                                  "got operands of that dtype")
    return dt


def _tensor_pair_fn(name, op, kinds="fiub", floating=False):
    """A binary op that takes two tensors (a python number is a TypeError, as in PyTorch)."""
    def fn(input, other, *, out=None):
        _require_tensors(name, input, other)
        dt = promotion.operand_dtype(input, other)
        dt = _refuse(name, f"{name}_cpu", promotion.float_dtype(dt) if floating else dt, kinds)
        return _out(op.apply(input, other, dt.np), out)
    fn.__name__ = name
    return fn


fmax = _tensor_pair_fn("fmax", Fmax)
fmin = _tensor_pair_fn("fmin", Fmin)
atan2 = _tensor_pair_fn("atan2", Atan2, floating=True)
hypot = _tensor_pair_fn("hypot", Hypot, kinds="f")
logaddexp = _tensor_pair_fn("logaddexp", Logaddexp, kinds="f")
logaddexp2 = _tensor_pair_fn("logaddexp2", Logaddexp2, kinds="f")
_ldexp = _tensor_pair_fn("ldexp", Ldexp, floating=True)


def ldexp(input, other, *, out=None):
    """input * 2 ** other; PyTorch has no kernel for a bool exponent of a float input."""
    if isinstance(other, Tensor) and isinstance(input, Tensor) and other.dtype is dtypes.bool and \
            input.is_floating_point():
        raise NotImplementedError("\"ldexp_cpu_exp\" not implemented for 'Bool': ldexp got a bool exponent")
    return _ldexp(input, other, out=out)


nextafter = _tensor_pair_fn("nextafter", Nextafter, kinds="f")
gcd = _tensor_pair_fn("gcd", Gcd, kinds="iu")
lcm = _tensor_pair_fn("lcm", Lcm, kinds="iu")


def heaviside(input, values, *, out=None):
    _require_tensors("heaviside", input, values)
    if input.dtype is not values.dtype:
        raise RuntimeError(f"heaviside is not yet implemented for tensors with different dtypes ({input.dtype} and "
                           f"{values.dtype}).")
    return _out(Heaviside.apply(input, values, input._array.dtype), out)


def fmod(input, other, *, out=None):
    dt = _refuse("fmod", "fmod_cpu", promotion.operand_dtype(input, other), "fiu")
    if dt.np.kind in "iu":
        _check_no_zero_divisor("fmod", other)
    op = Fmod if isinstance(other, Tensor) else FmodScalar
    return _out(op.apply(input, other, dt.np), out)


def _check_no_zero_divisor(name, other):
    values = other._array if isinstance(other, Tensor) else other
    if (values == 0).any() if hasattr(values, "any") else values == 0:
        raise RuntimeError(f"ZeroDivisionError: {name} got an integer divisor equal to zero")


def copysign(input, other, *, out=None):
    dt = promotion.float_dtype(promotion.operand_dtype(input, other))
    op = Copysign if isinstance(other, Tensor) else CopysignScalar
    return _out(op.apply(input, other, dt.np), out)


def xlogy(input, other, *, out=None):
    dt = promotion.float_dtype(promotion.operand_dtype(input, other)).np
    if not isinstance(input, Tensor):
        return _out(XlogyScalarSelf.apply(input, other, dt), out)
    return _out((Xlogy if isinstance(other, Tensor) else XlogyScalarOther).apply(input, other, dt), out)


def float_power(input, exponent, *, out=None):
    """pow computed in float64, whatever the operands' dtypes."""
    def double(x):
        return x.to(dtypes.float64) if isinstance(x, Tensor) else x
    return _out(double(input).pow(double(exponent)) if isinstance(input, Tensor) else
                double(exponent).__rpow__(input), out)


def _float_power_(self, exponent):
    if self.dtype is not dtypes.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {dtypes.scalar_type_name(self._array.dtype)} "
                           "but the operation's result requires dtype Double")
    return self.pow_(exponent.to(dtypes.float64) if isinstance(exponent, Tensor) else exponent)


def _shift_fn(name, op, kernel):
    def fn(input, other, *, out=None):
        dt = _refuse(name, kernel, promotion.operand_dtype(input, other), "iu")
        return _out(op.apply(input, other, dt.np), out)
    fn.__name__ = name
    return fn


bitwise_left_shift = _shift_fn("bitwise_left_shift", LeftShift, "lshift_cpu")
bitwise_right_shift = _shift_fn("bitwise_right_shift", RightShift, "rshift_cpu")


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    dt = _refuse("addcmul", "addcmul_cpu_out", promotion.result_dtype(input, tensor1, tensor2), "fiu")
    if not dt.is_floating_point:
        value = int(value)  # PyTorch truncates the factor of an integer addcmul
    return _out(Addcmul.apply(input, tensor1, tensor2, dt.np, value), out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    dt = promotion.result_dtype(input, tensor1, tensor2)
    if not dt.is_floating_point:
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
                           "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
                           f"tensor2), for all dtypes. (addcdiv got {dt})")
    return _out(Addcdiv.apply(input, tensor1, tensor2, dt.np, value), out)


def lerp(input, end, weight, *, out=None):
    dt = input.dtype
    _refuse("lerp", "lerp_kernel_scalar" if not isinstance(weight, Tensor) else "lerp_kernel_tensor", dt, "f")
    for name, x in (("end", end), ("weight", weight)):
        if isinstance(x, Tensor) and x.dtype is not dt and (name == "end" or x.ndim):
            raise RuntimeError(f"expected dtype {_short(dt)} for `{name}` but got dtype {_short(x.dtype)}")
    if isinstance(weight, Tensor):
        return _out(LerpTensor.apply(input, end, weight, dt.np), out)
    return _out(Lerp.apply(input, end, dt.np, weight), out)


def _short(dt):
    return str(dt).replace("ember.", "")


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {
    "fmax": fmax, "fmin": fmin, "fmod": fmod, "atan2": atan2, "arctan2": atan2, "hypot": hypot,
    "copysign": copysign, "logaddexp": logaddexp, "logaddexp2": logaddexp2, "xlogy": xlogy,
    "float_power": float_power, "ldexp": ldexp, "nextafter": nextafter, "heaviside": heaviside, "gcd": gcd,
    "lcm": lcm, "bitwise_left_shift": bitwise_left_shift,
    "bitwise_right_shift": bitwise_right_shift, "addcmul": addcmul, "addcdiv": addcdiv, "lerp": lerp}
METHODS = {"__lshift__": bitwise_left_shift, "__rshift__": bitwise_right_shift,
           "__rlshift__": _reflected(bitwise_left_shift), "__rrshift__": _reflected(bitwise_right_shift),
           "float_power_": _float_power_}
INPLACE = {**dict.fromkeys(("fmod", "atan2", "arctan2", "hypot", "copysign", "xlogy", "ldexp", "nextafter",
                             "heaviside", "gcd", "lcm", "addcmul", "addcdiv", "lerp")),
           "bitwise_left_shift": "__ilshift__", "bitwise_right_shift": "__irshift__"}
