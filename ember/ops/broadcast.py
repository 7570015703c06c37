"""Undo broadcasting in backward, in one place for every op."""
from .. import dtypes


def sum_to_shape(grad, shape, dtype=None):
    """Sum ``grad`` over the dims that broadcasting added or stretched so it has ``shape``; cast to ``dtype``."""
    if grad.shape != shape:
        extra = grad.ndim - len(shape)
        dims = tuple(range(extra)) + tuple(i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1)
        if dims:
            grad = grad.sum(dims, keepdim=True)
        if extra:
            grad = grad.reshape(shape)
    if dtype is not None and grad.dtype.np != dtype:
        grad = grad.to(dtypes.from_numpy_dtype(dtype))
    return grad
