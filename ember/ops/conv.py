"""Convolution (plain and transposed, any number of spatial dims) and unfold/fold, on the kernels in
ember/kernels/conv.py. Each backward is built from these same ops, so higher-order gradients work.

``padding`` is one (before, after) pair per spatial dim; a transposed convolution is told its output's
spatial ``size`` (which fixes output_padding).
"""
import math

from ..autograd.function import Op
from ..backend import xp_of
from ..kernels.conv import col2im, conv, conv_input_grad, conv_weight_grad, im2col, output_size


class Convolution(Op):
    _node_name = "ConvolutionBackward0"
    _num_inputs = 3

    @staticmethod
    def forward(ctx, input, weight, bias, stride, padding, dilation, transposed, size, groups):
        out = (conv_input_grad(input, weight, size, stride, padding, dilation, groups) if transposed else
               conv(input, weight, stride, padding, dilation, groups))
        if bias is not None:
            out += bias.reshape((-1,) + (1,) * len(stride))
        if ctx.needs_input_grad:
            ctx.save_for_backward(input, weight)
            ctx.geometry = (stride, padding, dilation, groups)
            ctx.transposed = transposed
        return out

    @staticmethod
    def backward(ctx, grad):
        input, weight = ctx.saved_tensors
        stride, padding, dilation, groups = ctx.geometry
        needs_input, needs_weight, needs_bias = ctx.needs_input_grad
        grad_input = grad_weight = grad_bias = None
        if needs_input:
            grad_input = Convolution.apply(grad, weight, None, stride, padding, dilation, not ctx.transposed,
                                           input.shape[2:], groups)
        if needs_weight:
            grad_weight = (WeightGrad.apply(input, grad, tuple(weight.shape), *ctx.geometry) if ctx.transposed else
                           WeightGrad.apply(grad, input, tuple(weight.shape), *ctx.geometry))
        if needs_bias:
            grad_bias = grad.sum((0,) + tuple(range(2, grad.dim())))
        return grad_input, grad_weight, grad_bias


class WeightGrad(Op):
    """The weight gradient of a convolution of ``input`` whose output gradient is ``grad``; bilinear in both."""

    _node_name = "ConvolutionBackwardBackward0"
    _num_inputs = 2

    @staticmethod
    def forward(ctx, grad, input, weight_shape, stride, padding, dilation, groups):
        ctx.save_for_backward(grad, input)
        ctx.geometry = (stride, padding, dilation, groups)
        return conv_weight_grad(grad, input, weight_shape, stride, padding, dilation, groups)

    @staticmethod
    def backward(ctx, upstream):
        grad, input = ctx.saved_tensors
        stride, padding, dilation, groups = ctx.geometry
        needs_grad, needs_input = ctx.needs_input_grad
        return (Convolution.apply(input, upstream, None, stride, padding, dilation, False, None, groups)
                if needs_grad else None,
                Convolution.apply(grad, upstream, None, stride, padding, dilation, True, input.shape[2:], groups)
                if needs_input else None)


class Im2Col(Op):
    """unfold: (N, C, *S) -> (N, C * prod(kernel), L), one column per sliding block."""

    _num_inputs = 1

    @staticmethod
    def forward(ctx, input, kernel, dilation, padding, stride):
        out = output_size(input.shape[2:], kernel, stride, dilation, padding)
        cols = im2col(input, kernel, stride, dilation, padding, out)
        ctx.args = (input.shape[2:], kernel, dilation, padding, stride)
        blocks = cols.reshape(input.shape[1] * math.prod(kernel), input.shape[0], math.prod(out))
        return xp_of(cols).ascontiguousarray(blocks.swapaxes(0, 1))

    @staticmethod
    def backward(ctx, grad):
        size, kernel, dilation, padding, stride = ctx.args
        return Col2Im.apply(grad, size, kernel, dilation, padding, stride)


class Col2Im(Op):
    """fold: (N, C * prod(kernel), L) -> (N, C, *size), overlapping blocks summed."""

    _num_inputs = 1

    @staticmethod
    def forward(ctx, input, size, kernel, dilation, padding, stride):
        out = output_size(size, kernel, stride, dilation, padding)
        ctx.args = (kernel, dilation, padding, stride)
        channels = input.shape[1] // math.prod(kernel)
        cols = input.swapaxes(0, 1).reshape((channels,) + tuple(kernel) + input.shape[:1] + out)
        return col2im(cols, size, stride, dilation, padding)

    @staticmethod
    def backward(ctx, grad):
        return Im2Col.apply(grad, *ctx.args)
