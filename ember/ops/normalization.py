"""Normalization with an optional affine, as one fused op: out = (x - mean) * invstd * weight + bias, the
statistics taken over ``axes`` and the weight and bias broadcast through ``param_shape``. Its backward is the
closed form dx = invstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * weight. Batch norm's layout (one
channel at dim 1) streams over (N, C, L) rows with per-row sums, in few passes over the data."""
from ..autograd.function import Op
from ..autograd.grad_mode import STATE
from ..backend import xp_of
from ..tensor import _wrap


class _AffineNorm(Op):
    """Returns (out, mean, biased var); only ``out`` carries gradients. The statistics are taken on x viewed
    as ``view_shape`` (group norm's (N, G, C/G, -1)) when one is given."""

    _num_inputs = 3

    @staticmethod
    def forward(ctx, x, weight, bias, axes, param_shape, eps, view_shape=None):
        ctx.per_channel = _is_per_channel(x, axes, view_shape)
        norm = _channel_norm if ctx.per_channel else _axes_norm
        out, mean, var, invstd = norm(x, weight, bias, axes, param_shape, eps, view_shape)
        ctx.axes, ctx.param_shape, ctx.eps, ctx.view_shape = axes, param_shape, eps, view_shape
        ctx.x_shape = x.shape
        ctx.param_sizes = tuple(None if p is None else p.shape for p in (weight, bias))
        ctx.save_for_backward(x, weight, mean, invstd)
        return out, mean, var

    @staticmethod
    def backward(ctx, grad, _grad_mean=None, _grad_var=None):
        x, weight, mean, invstd = ctx.saved_tensors
        if STATE.enabled:
            return _affine_norm_backward_composed(ctx, x, weight, grad)
        arrays = (x._array, None if weight is None else weight._array, mean._array, invstd._array, grad._array)
        dx, dw, db = (_channel_norm_backward if ctx.per_channel else _axes_norm_backward)(ctx, *arrays)
        _, needs_weight, needs_bias = ctx.needs_input_grad
        weight_size, bias_size = ctx.param_sizes
        dw = _wrap(dw.reshape(weight_size)) if needs_weight else None
        db = _wrap(db.reshape(bias_size)) if needs_bias else None
        return _wrap(dx.reshape(x.shape)), dw, db


def _is_per_channel(x, axes, view_shape):
    """Batch norm's layout: statistics per dim-1 channel over all other dims, with a spatial extent to stream over."""
    return (view_shape is None and x.ndim > 2 and x.dtype.kind == "f"
            and tuple(axes) == (0,) + tuple(range(2, x.ndim)))


def _axes_norm(x, weight, bias, axes, param_shape, eps, view_shape):
    """Any axes: mean, centered copy, variance, then scale and shift in place."""
    viewed = x if view_shape is None else x.reshape(view_shape)
    mean = viewed.mean(axis=axes, keepdims=True)
    out = viewed - mean
    var = (out * out).mean(axis=axes, keepdims=True)
    invstd = (1.0 / (var + eps) ** 0.5).astype(x.dtype, copy=False)
    out *= invstd if weight is None else invstd * weight.reshape(param_shape)
    if bias is not None:
        out += bias.reshape(param_shape)
    return out.reshape(x.shape), mean, var, invstd


def _axes_norm_backward(ctx, x, weight, mean, invstd, grad):
    axes, param_shape = ctx.axes, ctx.param_shape
    viewed = x if ctx.view_shape is None else x.reshape(ctx.view_shape)
    xhat = (viewed - mean) * invstd
    g = grad.reshape(xhat.shape)
    w = None if weight is None else weight.reshape(param_shape)
    if all(param_shape[a] == 1 for a in axes):
        dx, sum_gx, sum_g = _backward_constant_params(g, xhat, invstd, w, axes)
        return dx, _sum_to_param(sum_gx, param_shape), _sum_to_param(sum_g, param_shape)
    return _backward_varying_params(g, xhat, invstd, w, axes, param_shape)


def _channel_rows(a):
    """``a`` as (N, C, L): each (sample, channel) pair one contiguous row when ``a`` is contiguous."""
    return a.reshape(a.shape[0], a.shape[1], -1)


def _per_row(values, rows, dtype):
    """A per-channel vector spread over a whole (C, L) row block: NumPy multiplies by a full row faster than it
    broadcasts a stride-0 column."""
    xp = xp_of(rows)
    return xp.ascontiguousarray(xp.broadcast_to(values.astype(dtype)[:, None], rows.shape[1:]))


def _channel_sums(a, b=None):
    """Per-channel sum of ``a`` (or of ``a * b``), summed along rows in the array's type, then over N in float64."""
    xp = xp_of(a)
    per_row = a.sum(-1) if b is None else xp.einsum("ncl,ncl->nc", a, b)
    return per_row.sum(0, dtype=xp.float64)


def _channel_norm(x, weight, bias, axes, param_shape, eps, view_shape):
    """Batch norm in four passes over the data: sum, center (into the output), sum of squares, scale and shift."""
    xp = xp_of(x)
    rows = _channel_rows(x)
    count = rows.shape[0] * rows.shape[2]
    mean = _channel_sums(rows) / count
    out = xp.empty(rows.shape, x.dtype)
    xp.subtract(rows, _per_row(mean, rows, x.dtype), out=out)
    var = _channel_sums(out, out) / count
    invstd = 1.0 / xp.sqrt(var + eps)
    out *= _per_row(invstd if weight is None else invstd * weight, rows, x.dtype)
    if bias is not None:
        out += _per_row(bias, rows, x.dtype)
    return (out.reshape(x.shape), *(v.astype(x.dtype).reshape(param_shape) for v in (mean, var, invstd)))


def _channel_norm_backward(ctx, x, weight, mean, invstd, grad):
    """dx = scale * (g - mean(g) - xhat * mean(g * xhat)) as g * a + x * b + c per channel: two reductions
    (sum g, sum g * x) and three passes."""
    xp = xp_of(x)
    rows, g = _channel_rows(x), _channel_rows(grad)
    count = rows.shape[0] * rows.shape[2]
    mean, invstd = mean.reshape(-1).astype(xp.float64), invstd.reshape(-1).astype(xp.float64)
    sum_g = _channel_sums(g)
    sum_g_centered = _channel_sums(g, rows) - mean * sum_g
    scale = invstd if weight is None else invstd * weight
    x_factor = -scale * invstd * invstd * sum_g_centered / count
    dx = g * _per_row(scale, rows, x.dtype)
    dx += rows * _per_row(x_factor, rows, x.dtype)
    dx += _per_row(-scale * sum_g / count - x_factor * mean, rows, x.dtype)
    return dx, (sum_g_centered * invstd).astype(x.dtype), sum_g.astype(x.dtype)


def _backward_constant_params(g, xhat, invstd, w, axes):
    """Batch norm's case, weight constant over the normalized axes: dx = invstd * w / n * (n * g - sum(g) -
    xhat * sum(g * xhat)), whose two sums, per group, also make the weight and bias gradients."""
    n = xhat.size // max(invstd.size, 1)
    sum_g = g.sum(axis=axes, keepdims=True)
    sum_gx = (g * xhat).sum(axis=axes, keepdims=True)
    scale = invstd if w is None else invstd * w
    dx = xhat * (sum_gx / n)
    dx += sum_g / n
    xp_of(g).subtract(g, dx, out=dx)
    dx *= scale
    return dx, sum_gx, sum_g


def _backward_varying_params(g, xhat, invstd, w, axes, param_shape):
    gw = g if w is None else g * w
    dx = invstd * (gw - gw.mean(axis=axes, keepdims=True) - xhat * (gw * xhat).mean(axis=axes, keepdims=True))
    return dx, _sum_to_param(g * xhat, param_shape), _sum_to_param(g, param_shape)


def _sum_to_param(array, param_shape):
    """Sum ``array`` over the dims a parameter is broadcast along."""
    return array.sum(axis=tuple(i for i, size in enumerate(param_shape) if size == 1))


def _affine_norm_backward_composed(ctx, x, weight, grad):
    """The same gradients in Tensor ops, recomputing the statistics from x, so they can be differentiated again."""
    dims = tuple(ctx.axes)
    if ctx.view_shape is not None:
        x, grad = x.reshape(ctx.view_shape), grad.reshape(ctx.view_shape)
    centered = x - x.mean(dims, keepdim=True)
    invstd = ((centered * centered).mean(dims, keepdim=True) + ctx.eps).rsqrt()
    xhat = centered * invstd
    gw = grad if weight is None else grad * weight.reshape(ctx.param_shape)
    dx = invstd * (gw - gw.mean(dims, keepdim=True) - xhat * (gw * xhat).mean(dims, keepdim=True))
    param_dims = [i for i, size in enumerate(ctx.param_shape) if size == 1]
    weight_size, bias_size = ctx.param_sizes
    dw = (grad * xhat).sum(param_dims).reshape(weight_size) if weight_size is not None else None
    db = grad.sum(param_dims).reshape(bias_size) if bias_size is not None else None
    return dx.reshape(ctx.x_shape), dw, db


class NativeBatchNorm(_AffineNorm):
    _node_name = "NativeBatchNormBackward0"


class NativeLayerNorm(_AffineNorm):
    _node_name = "NativeLayerNormBackward0"


class NativeGroupNorm(_AffineNorm):
    _node_name = "NativeGroupNormBackward0"


def affine_norm(op, input, weight, bias, axes, param_shape, eps, view_shape=None):
    """``op`` (one of the Native*Norm classes) on ``input``: the output, and the batch mean and var (no grad)."""
    out, mean, var = op.apply(input, weight, bias, axes, param_shape, eps, view_shape)
    return out, mean.detach(), var.detach()


class NativeBatchNormEval(Op):
    """Batch norm with given statistics (eval mode): ``(x - mean) * invstd * weight + bias``."""

    _num_inputs = 3
    _node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, running_mean, running_var, param_shape, eps):
        invstd = (1.0 / (running_var + eps) ** 0.5).astype(x.dtype, copy=False)
        scale = invstd if weight is None else invstd * weight
        shift = -running_mean * scale if bias is None else bias - running_mean * scale
        ctx.param_shape = param_shape
        ctx.save_for_backward(x, weight, running_mean.copy(), invstd)
        return x * scale.reshape(param_shape) + shift.reshape(param_shape)

    @staticmethod
    def backward(ctx, grad):
        x, weight, mean, invstd = ctx.saved_tensors
        shape = ctx.param_shape
        dims = [i for i, size in enumerate(shape) if size == 1]
        _, needs_weight, needs_bias = ctx.needs_input_grad
        scale = invstd if weight is None else invstd * weight
        dx = grad * scale.reshape(shape) if ctx.needs_input_grad[0] else None
        dw = (grad * ((x - mean.reshape(shape)) * invstd.reshape(shape))).sum(dims) if needs_weight else None
        db = grad.sum(dims) if needs_bias else None
        return dx, dw, db
