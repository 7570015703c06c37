"""Pooling ops: max pooling (fixed or adaptive windows) with its index scatter, max_unpool, and the separable
linear resampling op shared by average pooling, adaptive average pooling and interpolation."""
import math

from ..autograd.function import Op
from ..kernels import pooling as kernels


class MaxPool(Op):
    """Max over fixed windows; returns (values, indices)."""

    _num_inputs = 1

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, ceil_mode):
        values, indices = kernels.max_pool(x, kernel, stride, padding, dilation, ceil_mode)
        ctx.indices, ctx.plane = indices, x.shape[-len(kernel):]
        ctx.unique = kernels.windows_are_disjoint(kernel, stride, dilation)
        return values, indices

    @staticmethod
    def backward(ctx, grad, _):
        return MaxPoolGrad.apply(grad, ctx.indices, ctx.plane, ctx.unique)


class AdaptiveMaxPool(MaxPool):
    """Max over PyTorch's adaptive windows; returns (values, indices)."""

    @staticmethod
    def forward(ctx, x, output_size):
        values, indices = kernels.adaptive_max_pool(x, output_size)
        ctx.indices, ctx.plane, ctx.unique = indices, x.shape[-len(output_size):], False
        return values, indices


class MaxPoolGrad(Op):
    """The gradient of a max pool: each output gradient summed into the input position that won (``unique``:
    no two outputs of a plane won the same position)."""

    _num_inputs = 1

    @staticmethod
    def forward(ctx, grad, indices, plane, unique=False):
        ctx.indices, ctx.plane = indices, plane
        return kernels.scatter_to_planes(grad, indices, plane, unique)

    @staticmethod
    def backward(ctx, grad):
        return Gather.apply(grad, ctx.indices, len(ctx.plane))


class Gather(Op):
    """Read each plane of ``dims`` trailing dims at flat indices; the adjoint of MaxPoolGrad."""

    _num_inputs = 1

    @staticmethod
    def forward(ctx, x, indices, dims):
        ctx.indices, ctx.plane = indices, x.shape[-dims:]
        return kernels.gather_from_planes(x, indices, dims)

    @staticmethod
    def backward(ctx, grad):
        return MaxPoolGrad.apply(grad, ctx.indices, ctx.plane)


class MaxUnpool(Op):
    _num_inputs = 1

    @staticmethod
    def forward(ctx, x, indices, plane):
        ctx.indices, ctx.dims = indices, len(plane)
        size = math.prod(plane)
        if indices.size and (indices.min() < 0 or indices.max() >= size):
            bad = indices.max() if indices.max() >= size else indices.min()
            raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                               f"{'x'.join(map(str, plane))})")
        return kernels.place_in_planes(x, indices, plane)

    @staticmethod
    def backward(ctx, grad):
        return Gather.apply(grad, ctx.indices, ctx.dims)


class Separable(Op):
    """A linear map applied dim by dim: one (out, in) matrix per trailing dim."""

    _num_inputs = 1

    @classmethod
    def forward(cls, ctx, x, matrices):
        ctx.matrices = matrices
        return kernels.apply_matrices(x, matrices)

    @classmethod
    def backward(cls, ctx, grad):
        return Separable.apply(grad, [m.T for m in ctx.matrices])


_NAMED = {}


def named(op, node_name):
    """``op`` under PyTorch's node name for ``grad_fn`` (AvgPool2DBackward0, UpsampleBilinear2DBackward0, ...)."""
    key = (op, node_name)
    if key not in _NAMED:
        _NAMED[key] = type(node_name.replace("Backward0", ""), (op,), {"_node_name": node_name,
                                                                        "__module__": __name__})
    return _NAMED[key]
