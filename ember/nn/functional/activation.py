"""Activation functions, as torch.nn.functional: the elementwise ones, their in-place ``_`` forms, softmax and
friends (with the legacy implicit dim), PReLU, RReLU and GLU."""
import warnings

from ...creation import empty, empty_like, zeros_like
from ...ops import activation as ops
from ...ops.inplace import apply_inplace
from ...ops.softmax import log_softmax as _log_softmax
from ...ops.softmax import softmax as _softmax

__all__ = [
    "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_", "elu", "elu_", "selu",
    "selu_", "celu", "celu_", "gelu", "silu", "mish", "sigmoid", "tanh", "hardtanh", "hardtanh_", "hardsigmoid",
    "hardswish", "softplus", "softsign", "softshrink", "hardshrink", "tanhshrink", "threshold", "threshold_",
    "logsigmoid", "softmax", "log_softmax", "softmin", "gumbel_softmax", "glu",
]


def _run(op, inplace_op, input, inplace, *params):
    """``op`` on ``input``, or ``inplace_op`` writing its result into ``input`` (same object, version bumped)."""
    if inplace:
        return apply_inplace(input, lambda t: inplace_op.apply(t, *params))
    return op.apply(input, *params)


def relu(input, inplace=False):
    return input.relu_() if inplace else input.relu()


def relu_(input):
    return input.relu_()


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val cannot be greater than max_val (got min_val={min_val}, "
                         f"max_val={max_val})")
    return _run(ops.Hardtanh, ops.Hardtanh, input, inplace, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """Unchecked, as PyTorch's: with min_val > max_val every element becomes max_val."""
    return _run(ops.Hardtanh, ops.Hardtanh, input, True, min_val, max_val)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _run(ops.LeakyRelu, ops.LeakyReluInplace, input, inplace, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, True)


def prelu(input, weight):
    return ops.Prelu.apply(input, weight)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Training: each negative element gets its own slope, uniform in [lower, upper); eval: their mean."""
    if lower > upper:
        raise RuntimeError(f"rrelu: Lower bound should be less than or equal to the upper bound (got lower={lower}, "
                           f"upper={upper})")
    noise = empty(input.shape, dtype=input.dtype).uniform_(lower, upper) \
        if training and input.is_floating_point() else (lower + upper) / 2
    return _run(ops.RreluWithNoise, ops.RreluWithNoiseInplace, input, inplace, noise)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, True)


def elu(input, alpha=1.0, inplace=False):
    return _run(ops.Elu, ops.EluInplace, input, inplace, alpha, 1.0, 1.0)


def elu_(input, alpha=1.0):
    return elu(input, alpha, True)


def selu(input, inplace=False):
    return _run(ops.Elu, ops.EluInplace, input, inplace, ops.SELU_ALPHA, ops.SELU_SCALE, 1.0)


def selu_(input):
    return selu(input, True)


def celu(input, alpha=1.0, inplace=False):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU (celu scales its input by 1 / alpha)")
    return _run(ops.Celu, ops.CeluInplace, input, inplace, alpha, 1.0, 1.0 / alpha)


def celu_(input, alpha=1.0):
    return celu(input, alpha, True)


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"gelu: approximate argument must be either none or tanh, got {approximate!r}")
    return ops.Gelu.apply(input, approximate)


def silu(input, inplace=False):
    return _run(ops.Silu, ops.Silu, input, inplace)


def mish(input, inplace=False):
    return _run(ops.Mish, ops.Mish, input, inplace)


def sigmoid(input):
    return input.sigmoid()


def tanh(input):
    return input.tanh()


def hardsigmoid(input, inplace=False):
    return _run(ops.Hardsigmoid, ops.Hardsigmoid, input, inplace)


def hardswish(input, inplace=False):
    return _run(ops.Hardswish, ops.Hardswish, input, inplace)


def softplus(input, beta=1.0, threshold=20.0):
    return ops.Softplus.apply(input, beta, threshold)


def softsign(input):
    return input / (input.abs() + 1)


def softshrink(input, lambd=0.5):
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be in range [0, inf), but found {lambd}")
    return ops.Softshrink.apply(input, lambd)


def hardshrink(input, lambd=0.5):
    return ops.Hardshrink.apply(input, lambd)


def tanhshrink(input):
    return input - input.tanh()


def threshold(input, threshold, value, inplace=False):
    return _run(ops.Threshold, ops.ThresholdInplace, input, inplace, threshold, value)


def threshold_(input, threshold, value):
    return _run(ops.Threshold, ops.ThresholdInplace, input, True, threshold, value)


def logsigmoid(input):
    return ops.LogSigmoid.apply(input)


def _implicit_dim(name, ndim, stacklevel):
    """PyTorch's legacy choice when no dim is given: 0 for 0-, 1- and 3-d inputs, else 1, with a warning."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _implicit_dim("softmax", input.dim(), _stacklevel)
    return _softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _implicit_dim("softmin", input.dim(), _stacklevel)
    return _softmax(-input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _implicit_dim("log_softmax", input.dim(), _stacklevel)
    return _log_softmax(input, dim, dtype)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A softmax of Gumbel-perturbed logits; ``hard``: the one-hot argmax, with the soft sample's gradient."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def glu(input, dim=-1):
    return ops.Glu.apply(input, dim)
