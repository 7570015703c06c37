"""Elementwise unary math: exp, log, sqrt, abs, sign, sigmoid, tanh, relu."""
from ..autograd.function import Op
from ..backend import xp_of
from .. import dtypes


def _as_float(a):
    """Integer and bool inputs of float-valued functions compute in the default dtype, as in PyTorch."""
    return a if a.dtype.kind == "f" else a.astype(dtypes.get_default_dtype().np)


class Exp(Op):
    _node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, a):
        out = xp_of(a).exp(_as_float(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Op):
    _node_name = "LogBackward0"

    @staticmethod
    def forward(ctx, a):
        a = _as_float(a)
        ctx.save_for_backward(a)
        return xp_of(a).log(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / a


class Sqrt(Op):
    _node_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx, a):
        a = _as_float(a)
        out = xp_of(a).sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


class Abs(Op):
    _node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "b":
            raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool': abs needs a numeric tensor")
        ctx.save_for_backward(a)
        return xp_of(a).abs(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * a.sign()


class Sign(Op):
    _node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, a):
        return xp_of(a).sign(a) if a.dtype.kind != "b" else a.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Sigmoid(Op):
    _node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        a = _as_float(a)
        xp = xp_of(a)
        out = 1 / (1 + xp.exp(-a))
        ctx.save_for_backward(out)
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Tanh(Op):
    _node_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, a):
        out = xp_of(a).tanh(_as_float(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Relu(Op):
    _node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "b":
            raise RuntimeError('"clamp_min_cpu" not implemented for \'Bool\': relu needs a numeric tensor')
        out = xp_of(a).maximum(a, 0).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out > 0)



# ---- public functions (also bound as Tensor methods) ----
from ..tensor import _out  # noqa: E402


def _unary_fn(op, name):
    def fn(input, *, out=None):
        return _out(op.apply(input), out)
    fn.__name__ = name
    return fn


exp = _unary_fn(Exp, "exp")
log = _unary_fn(Log, "log")
sqrt = _unary_fn(Sqrt, "sqrt")
abs = _unary_fn(Abs, "abs")  # noqa: A001 - PyTorch's name
sign = _unary_fn(Sign, "sign")
sigmoid = _unary_fn(Sigmoid, "sigmoid")
tanh = _unary_fn(Tanh, "tanh")
relu = _unary_fn(Relu, "relu")
absolute = abs


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"exp": exp, "log": log, "sqrt": sqrt, "abs": abs, "absolute": abs, "sign": sign,
                         "sigmoid": sigmoid, "tanh": tanh, "relu": relu}
METHODS = {"__abs__": abs}
INPLACE = dict.fromkeys(("exp", "log", "sqrt", "abs", "absolute", "sign", "sigmoid", "tanh", "relu"))
