"""Checking and normalising dimension arguments, with PyTorch's error messages."""


def wrap_dim(dim, ndim):
    """A possibly negative dim as an index in ``range(ndim)``; IndexError like PyTorch when out of range."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def wrap_dims(dim, ndim):
    """``dim`` (None, an int, or a sequence) as a sorted tuple of non-negative dims; None means all."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        return (wrap_dim(dim, ndim),) if ndim else ()
    dims = tuple(wrap_dim(d, ndim) for d in dim) if ndim else ()
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if dims or dim is None else tuple(range(ndim))
