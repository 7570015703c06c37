"""Normalization with an optional affine, as one fused op: out = (x - mean) * invstd * weight + bias, the
statistics taken over ``axes`` and the weight and bias broadcast through ``param_shape``. Its backward is the
closed form dx = invstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * weight."""
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
        viewed = x if view_shape is None else x.reshape(view_shape)
        mean = viewed.mean(axis=axes, keepdims=True)
        out = viewed - mean
        var = (out * out).mean(axis=axes, keepdims=True)
        invstd = (1.0 / (var + eps) ** 0.5).astype(x.dtype, copy=False)
        out *= invstd if weight is None else invstd * weight.reshape(param_shape)
        if bias is not None:
            out += bias.reshape(param_shape)
        ctx.axes, ctx.param_shape, ctx.eps, ctx.view_shape = axes, param_shape, eps, view_shape
        ctx.x_shape = x.shape
        ctx.param_sizes = tuple(None if p is None else p.shape for p in (weight, bias))
        ctx.save_for_backward(x, weight, mean, invstd)
        return out.reshape(x.shape), mean, var

    @staticmethod
    def backward(ctx, grad, _grad_mean=None, _grad_var=None):
        x, weight, mean, invstd = ctx.saved_tensors
        if STATE.enabled:
            return _affine_norm_backward_composed(ctx, x, weight, grad)
        axes, param_shape = ctx.axes, ctx.param_shape
        invstd = invstd._array
        viewed = x._array if ctx.view_shape is None else x._array.reshape(ctx.view_shape)
        xhat = (viewed - mean._array) * invstd
        g = grad._array.reshape(xhat.shape)
        w = None if weight is None else weight._array.reshape(param_shape)
        if all(param_shape[a] == 1 for a in axes):
            dx, sum_gx, sum_g = _backward_constant_params(g, xhat, invstd, w, axes)
            dw, db = _sum_to_param(sum_gx, param_shape), _sum_to_param(sum_g, param_shape)
        else:
            dx, dw, db = _backward_varying_params(g, xhat, invstd, w, axes, param_shape)
        _, needs_weight, needs_bias = ctx.needs_input_grad
        weight_size, bias_size = ctx.param_sizes
        dw = _wrap(dw.reshape(weight_size)) if needs_weight else None
        db = _wrap(db.reshape(bias_size)) if needs_bias else None
        return _wrap(dx.reshape(x.shape)), dw, db


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
