"""The host arrays MPI reads and writes for ember tensors, and how results get back into the tensors."""
import numpy

from ..backend import xp_of


def host_array(tensor):
    """The tensor's data as a C-contiguous NumPy array: its own memory when it can be, else a copy."""
    array = tensor._array
    if type(array) is numpy.ndarray and array.flags.c_contiguous:
        return array
    return numpy.ascontiguousarray(array.get() if hasattr(array, "get") else array)


def write_back(tensor, array):
    """Store ``array`` into ``tensor`` in place (nothing to copy when MPI wrote the tensor's own memory)."""
    if array is not tensor._array:
        tensor._array[...] = xp_of(tensor._array).asarray(array).reshape(tensor._array.shape)
    tensor._version_counter[0] += 1


def average(array, size):
    """Divide a summed array by the number of ranks in place (ReduceOp.AVG)."""
    array /= size


def stacked(tensors, what):
    """One contiguous array holding equally shaped tensors one after another."""
    shapes = {tuple(t.shape) for t in tensors}
    dtypes = {t.dtype for t in tensors}
    if len(shapes) > 1 or len(dtypes) > 1:
        raise ValueError(f"{what}: the tensors in the list must all have one shape and dtype, got shapes "
                         f"{sorted(shapes)} and dtypes {sorted(map(str, dtypes))}")
    return numpy.stack([host_array(t) for t in tensors])
