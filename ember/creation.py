"""Creating tensors: tensor, as_tensor, from_numpy, zeros/ones/full/empty (+ _like), arange, linspace, eye."""
import numpy

from . import dtypes
from .backend import check_device
from .tensor import Tensor, _wrap


_PY_SCALAR_DTYPES = {bool: lambda: dtypes.bool, int: lambda: dtypes.int64, float: dtypes.get_default_dtype}


def _scan(data, seen):
    """``data`` with tensors replaced by their arrays; adds the dtype of every leaf to ``seen``."""
    if isinstance(data, (list, tuple)):
        return [_scan(x, seen) for x in data]
    if isinstance(data, Tensor):
        seen.add(data.dtype)
        return data._array
    if isinstance(data, (numpy.ndarray, numpy.generic)):
        seen.add(dtypes.from_numpy_dtype(data.dtype))
        return data
    make = _PY_SCALAR_DTYPES.get(type(data))
    if make is None:
        if isinstance(data, str):
            raise ValueError(f"too many dimensions '{type(data).__name__}'")
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    seen.add(make())
    return data


def _scanned(data):
    """PyTorch's reading of python data: numpy-ready data and the dtype promoted over every element."""
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if isinstance(data, numpy.ndarray):
        return data, dtypes.from_numpy_dtype(data.dtype)
    seen = set()
    data = _scan(data, seen)
    dt = None
    for d in seen:
        dt = d if dt is None else dtypes.promote_types(dt, d)
    return data, dt or dtypes.get_default_dtype()


def _finish(array, requires_grad, device):
    check_device(device)
    t = _wrap(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor that copies ``data``; dtype inferred like PyTorch (python floats -> default dtype)."""
    data, inferred = (data._array, data.dtype) if isinstance(data, Tensor) else _scanned(data)
    dt = dtypes.to_dtype(dtype) if dtype is not None else inferred
    try:
        arr = numpy.array(data, dtype=dt.np)
    except ValueError as e:
        raise ValueError(f"tensor(): could not build a tensor from the data ({e})") from None
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype=None, device=None):
    """Shares memory with a tensor or numpy array when dtype allows; copies otherwise."""
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtypes.to_dtype(dtype))
    if isinstance(data, numpy.ndarray) and (dtype is None or dtypes.to_dtype(dtype).np == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray``: edits on either side show on the other."""
    if not isinstance(ndarray, numpy.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)
    return _wrap(ndarray)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, numpy.integer)):
            raise TypeError(f"expected a sequence of integers or a single integer for the size, got "
                            f"{type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _dtype_or_default(dtype):
    return dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()


def _filled(fill, size, dtype, device, requires_grad, out):
    arr = fill(_size(size), _dtype_or_default(dtype).np)
    if out is not None:
        out._array = arr
        return out
    return _finish(arr, requires_grad, device)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(numpy.zeros, size, dtype, device, requires_grad, out)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(numpy.ones, size, dtype, device, requires_grad, out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None):
    return _filled(numpy.empty, size, dtype, device, requires_grad, out)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if dtype is None:
        dtype = _scanned(fill_value)[1]
    return _filled(lambda s, d: numpy.full(s, fill_value, d), (size,) if isinstance(size, int) else size,
                   dtype, device, requires_grad, out)


def _like(fn):
    def like(input, *args, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        return fn(input.shape, *args, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)
    like.__name__ = fn.__name__ + "_like"
    return like


zeros_like, ones_like, empty_like, full_like = _like(zeros), _like(ones), _like(empty), _like(full)


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"upper bound and lower bound inconsistent with step sign: arange({start}, {end}, "
                           f"{step}) would be empty")
    if dtype is None:
        dtype = dtypes.int64 if all(isinstance(v, int) for v in (start, end, step)) else dtypes.get_default_dtype()
    dt = dtypes.to_dtype(dtype)
    count = max(0, int(numpy.ceil((end - start) / step)))
    arr = (start + step * numpy.arange(count, dtype=numpy.float64 if dt.is_floating_point else numpy.int64))
    return _filled(lambda s, d: arr.astype(d), (count,), dt, device, requires_grad, out)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dt = _dtype_or_default(dtype)
    arr = numpy.linspace(start, end, steps, dtype=numpy.float64)
    return _filled(lambda s, d: arr.astype(d), (steps,), dt, device, requires_grad, out)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(lambda s, d: numpy.eye(n, m, dtype=d), (n, n if m is None else m), dtype, device,
                   requires_grad, out)
