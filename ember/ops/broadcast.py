"""Broadcasting: undo it in backward, in one place for every op; PyTorch's error when shapes don't broadcast."""
from .. import dtypes
from ..autograd import function as _function
from ..autograd.function import Op, _apply
from ..autograd.grad_mode import STATE


def sum_to_shape(grad, shape, dtype=None):
    """Sum ``grad`` over the dims that broadcasting added or stretched so it has ``shape``; cast to ``dtype``."""
    grad_shape = grad._array.shape
    if grad_shape != shape:
        extra = len(grad_shape) - len(shape)
        dims = tuple(range(extra)) + tuple(i + extra for i, n in enumerate(shape)
                                           if n == 1 and grad_shape[i + extra] != 1)
        if not STATE.enabled and not grad._requires_grad and grad._array.dtype.kind == "f":
            grad = _function._wrap(_summed_array(grad._array, dims, extra, shape))
        else:
            if dims:
                grad = grad.sum(dims, keepdim=True)
            if extra:
                grad = grad.reshape(shape)
    if dtype is not None and grad._array.dtype != dtype:
        grad = grad.to(dtypes.from_numpy_dtype(dtype))
    return grad


def _summed_array(array, dims, extra, shape):
    """sum_to_shape on the array itself: what the Tensor ops give when no graph is recorded, without their cost."""
    if dims:
        array = array.sum(dims, keepdims=True)
    return array.reshape(shape) if extra else array


def broadcast_error(*shapes):
    """PyTorch's RuntimeError naming the first dim where the shapes can't broadcast; None if they can."""
    shape_a = shapes[0]
    for shape_b in shapes[1:]:
        ndim = max(len(shape_a), len(shape_b))
        for i in range(1, min(len(shape_a), len(shape_b)) + 1):
            if shape_a[-i] != shape_b[-i] and shape_a[-i] != 1 and shape_b[-i] != 1:
                return RuntimeError(f"The size of tensor a ({shape_a[-i]}) must match the size of tensor b "
                                    f"({shape_b[-i]}) at non-singleton dimension {ndim - i}")
        shape_a = _broadcast_shape(shape_a, shape_b)
    return None


def _broadcast_shape(shape_a, shape_b):
    ndim = max(len(shape_a), len(shape_b))
    padded_a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    padded_b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    return tuple(n if m == 1 else m for m, n in zip(padded_a, padded_b))


class BroadcastingOp(Op):
    """An op whose tensor (or python scalar) inputs broadcast against each other."""

    _num_inputs = 2

    @classmethod
    def apply(cls, *args):
        try:
            return _apply(cls, args, cls._num_inputs)
        except ValueError:
            error = broadcast_error(*(getattr(x, "shape", ()) for x in args[:cls._num_inputs]))
            if error is None:
                raise
            raise error from None
