"""Elementwise unary math: one generic op class, built per function from a table of (forward, derivative)."""
import math

from ..autograd.function import Op
from ..backend import xp_of
from .. import dtypes
from . import special

_LN2, _LN10 = math.log(2), math.log(10)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


# dtype rules: each takes the input array and the op's name, and returns the array to compute on (or raises)
def _to_float(a, name):
    """Integer and bool inputs of float-valued functions compute in the default dtype, as in PyTorch."""
    return a if a.dtype.kind == "f" else a.astype(dtypes.get_default_dtype().np)


def _keep_numeric(kernel, exc=NotImplementedError):
    """Inputs keep their dtype; bool is refused with PyTorch's exception class, naming the op."""
    def prepare(a, name):
        if a.dtype.kind == "b":
            raise exc(f"\"{kernel}\" not implemented for 'Bool': {name} needs a numeric tensor")
        return a
    return prepare


def _keep_float(a, name):
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{dtypes.scalar_type_name(a.dtype)}': "
                                  f"{name} needs a floating point tensor")
    return a


def _keep(a, name):
    return a


class _Unary(Op):
    """``_fn(xp, a, *params)`` on arrays; ``_derivative(grad, saved, *params)`` in Tensor ops, where ``saved``
    is the input, or the output when ``_of_output``; no derivative means a zero gradient."""

    _num_inputs = 1
    _name = None
    _fn = None
    _derivative = None
    _of_output = False
    _prepare = staticmethod(_to_float)

    @classmethod
    def forward(cls, ctx, a, *params):
        a = cls._prepare(a, cls._name)
        out = cls._fn(xp_of(a), a, *params)
        if cls._derivative is not None:
            ctx.params = params
            ctx.save_for_backward(out if cls._of_output else a)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        if cls._derivative is None:
            return grad.new_zeros(grad.shape)
        (saved,) = ctx.saved_tensors
        return cls._derivative(grad, saved, *ctx.params)


def _unary_op(name, fn, derivative=None, of_output=False, prepare=_to_float, node=None):
    node = node or name[0].upper() + name[1:] + "Backward0"
    return type(node[:-len("Backward0")], (_Unary,), {
        "_node_name": node, "_name": name, "_fn": staticmethod(fn), "_of_output": of_output,
        "_derivative": staticmethod(derivative) if derivative else None, "_prepare": staticmethod(prepare)})


def _rounded(ufunc):
    """A rounding function: integers are already whole, so they come back as a copy in their own dtype."""
    return lambda xp, a: getattr(xp, ufunc)(a) if a.dtype.kind == "f" else a.copy()


def _sign(xp, a):
    """sign, with PyTorch's 0 for nan."""
    if a.dtype.kind != "f":
        return xp.sign(a) if a.dtype.kind != "b" else a.copy()
    return xp.where(xp.isnan(a), 0, xp.sign(a)).astype(a.dtype, copy=False)


def _sigmoid(xp, a):
    return (1 / (1 + xp.exp(-a))).astype(a.dtype, copy=False)


def _erf_slope(x):
    return _TWO_OVER_SQRT_PI * (-x * x).exp()


def _sinc(xp, a):
    scaled = a * a.dtype.type(math.pi)
    return xp.where(a == 0, 1, xp.sin(scaled) / xp.where(a == 0, 1, scaled)).astype(a.dtype, copy=False)


def _sinc_derivative(g, x):
    scaled = x * math.pi
    return g * ((scaled.cos() * scaled - scaled.sin()) / (scaled * x)).where(x != 0, 0.0)


def _nan_to_num(xp, a, nan, posinf, neginf):
    if a.dtype.kind != "f":
        return a.copy()
    return xp.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)


def _logit(xp, a, eps):
    if eps is not None:
        a = xp.clip(a, eps, 1 - eps)
    return xp.log(a / (1 - a))


def _logit_derivative(grad, x, eps):
    slope = grad / (x * (1 - x))
    lo, hi = (0.0, 1.0) if eps is None else (eps, 1 - eps)
    return slope.where((x >= lo) & (x <= hi), math.nan if eps is None else 0.0)


def _round_decimals(xp, a, decimals):
    if a.dtype.kind != "f":
        return a.copy()
    scale = a.dtype.type(10.0 ** abs(decimals))
    return xp.round(a * scale) / scale if decimals > 0 else xp.round(a / scale) * scale


# name: (forward on arrays, derivative in Tensor ops, derivative uses the output, dtype rule, node name)
_TABLE = {
    "sin": (lambda xp, a: xp.sin(a), lambda g, x: g * x.cos()),
    "cos": (lambda xp, a: xp.cos(a), lambda g, x: g * -x.sin()),
    "tan": (lambda xp, a: xp.tan(a), lambda g, y: g * (1 + y * y), True),
    "asin": (lambda xp, a: xp.arcsin(a), lambda g, x: g * (1 - x * x).rsqrt()),
    "acos": (lambda xp, a: xp.arccos(a), lambda g, x: g * -(1 - x * x).rsqrt()),
    "atan": (lambda xp, a: xp.arctan(a), lambda g, x: g / (1 + x * x)),
    "sinh": (lambda xp, a: xp.sinh(a), lambda g, x: g * x.cosh()),
    "cosh": (lambda xp, a: xp.cosh(a), lambda g, x: g * x.sinh()),
    "tanh": (lambda xp, a: xp.tanh(a), lambda g, y: g * (1 - y * y), True),
    "asinh": (lambda xp, a: xp.arcsinh(a), lambda g, x: g * (x * x + 1).rsqrt()),
    "acosh": (lambda xp, a: xp.arccosh(a), lambda g, x: g * (x * x - 1).rsqrt()),
    "atanh": (lambda xp, a: xp.arctanh(a), lambda g, x: g / (1 - x * x)),
    "exp": (lambda xp, a: xp.exp(a), lambda g, y: g * y, True),
    "exp2": (lambda xp, a: xp.exp2(a), lambda g, y: g * y * _LN2, True),
    "expm1": (lambda xp, a: xp.expm1(a), lambda g, y: g * (y + 1), True),
    "log": (lambda xp, a: xp.log(a), lambda g, x: g / x),
    "log2": (lambda xp, a: xp.log2(a), lambda g, x: g / (x * _LN2)),
    "log10": (lambda xp, a: xp.log10(a), lambda g, x: g / (x * _LN10)),
    "log1p": (lambda xp, a: xp.log1p(a), lambda g, x: g / (x + 1), False, _to_float, "Log1PBackward0"),
    "sqrt": (lambda xp, a: xp.sqrt(a), lambda g, y: g / (2 * y), True),
    "rsqrt": (lambda xp, a: 1 / xp.sqrt(a), lambda g, y: -0.5 * g * y * y * y, True),
    "reciprocal": (lambda xp, a: 1 / a, lambda g, y: -g * (y * y), True),
    "sigmoid": (_sigmoid, lambda g, y: g * y * (1 - y), True),
    "erf": (lambda xp, a: special.erf(a), lambda g, x: g * _erf_slope(x)),
    "erfc": (lambda xp, a: special.erfc(a), lambda g, x: g * -_erf_slope(x)),
    "erfinv": (lambda xp, a: special.erfinv(a), lambda g, y: g * (math.sqrt(math.pi) / 2) * (y * y).exp(), True),
    "lgamma": (lambda xp, a: special.lgamma(a), lambda g, x: g * x.digamma()),
    "digamma": (lambda xp, a: special.digamma(a), lambda g, x: g * x.polygamma(1)),
    "sinc": (_sinc, _sinc_derivative),
    "deg2rad": (lambda xp, a: a * a.dtype.type(math.pi / 180), lambda g, x: g * (math.pi / 180), False, _to_float,
                "Deg2RadBackward0"),
    "rad2deg": (lambda xp, a: a * a.dtype.type(180 / math.pi), lambda g, x: g * (180 / math.pi), False, _to_float,
                "Rad2DegBackward0"),
    "abs": (lambda xp, a: xp.abs(a), lambda g, x: g * x.sign(), False, _keep_numeric("abs_cpu")),
    "sign": (_sign, None, False, _keep),
    "sgn": (_sign, None, False, _keep),
    "floor": (_rounded("floor"), None, False, _keep_numeric("floor_vml_cpu")),
    "ceil": (_rounded("ceil"), None, False, _keep_numeric("ceil_vml_cpu")),
    "trunc": (_rounded("trunc"), None, False, _keep_numeric("trunc_vml_cpu")),
    "round": (_rounded("round"), None, False, _keep_numeric("round_vml_cpu")),
    "frac": (lambda xp, a: a - xp.trunc(a), lambda g, x: g, False, _keep_float),
    "relu": (lambda xp, a: xp.maximum(a, 0).astype(a.dtype, copy=False), lambda g, y: g * (y > 0), True,
             _keep_numeric("clamp_min_cpu", RuntimeError)),
}
_OPS = {name: _unary_op(name, *entry) for name, entry in _TABLE.items()}
# ops with parameters beyond the input
RoundDecimals = _unary_op("round", _round_decimals, None, False, _keep_numeric("round_vml_cpu"), "RoundBackward1")
NanToNum = _unary_op("nan_to_num", _nan_to_num, lambda g, x, *bounds: g.where(x.isfinite(), 0.0), False, _keep,
                     "NanToNumBackward0")
Logit = _unary_op("logit", _logit, _logit_derivative)
Polygamma = _unary_op("polygamma", lambda xp, a, n: special.polygamma(n, a),
                      lambda g, x, n: g * x.polygamma(n + 1))


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import _out  # noqa: E402


def _unary_fn(op, name):
    def fn(input, *, out=None):
        return _out(op.apply(input), out)
    fn.__name__ = name
    return fn


_FNS = {name: _unary_fn(op, name) for name, op in _OPS.items() if name != "round"}


def round(input, *, decimals=None, out=None):  # noqa: A001 - PyTorch's name
    """``decimals`` given (even 0) is PyTorch's other overload, with its own node (RoundBackward1)."""
    result = _OPS["round"].apply(input) if decimals is None else RoundDecimals.apply(input, decimals)
    return _out(result, out)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    return _out(NanToNum.apply(input, nan, posinf, neginf), out)


def logit(input, eps=None, *, out=None):
    return _out(Logit.apply(input, eps), out)


def polygamma(n, input, *, out=None):
    if n < 0:
        raise RuntimeError(f"polygamma(n, x) does not support negative n, got n={n}")
    return _out(Polygamma.apply(input, n), out)


def _polygamma_method(self, n):
    return polygamma(n, self)


def positive(input):
    if input.dtype is dtypes.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported: positive needs a numeric tensor")
    return input


_ALIASES = {"absolute": "abs", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh",
            "arccosh": "acosh", "arctanh": "atanh", "fix": "trunc"}
_WITH_PARAMS = {"round": round, "nan_to_num": nan_to_num, "logit": logit}

# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {**_FNS, **{alias: _FNS[name] for alias, name in _ALIASES.items()}, **_WITH_PARAMS,
                         "positive": positive}
FUNCTIONS = {"polygamma": polygamma}
METHODS = {"__abs__": _FNS["abs"], "polygamma": _polygamma_method}
INPLACE = dict.fromkeys([*_FNS, *_ALIASES, *_WITH_PARAMS, "polygamma"])
