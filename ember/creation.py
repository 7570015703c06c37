"""Creating tensors: tensor, as_tensor, from_numpy, zeros/ones/full/empty (+ _like), arange, linspace, logspace,
eye, meshgrid."""
import operator

import numpy

from . import dtypes
from .backend import check_device
from .tensor import Tensor, _wrap


_PY_SCALAR_DTYPES = {bool: lambda: dtypes.bool, int: lambda: dtypes.int64, float: dtypes.get_default_dtype}


def _scan(data, seen):
    """``data`` with tensors replaced by their arrays; adds the dtype of every leaf to ``seen``."""
    if isinstance(data, (list, tuple, range)):
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
        _check_strides(data)
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
        if array.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
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
    except OverflowError:
        arr = _wrapped_ints(data, dt)
    return _finish(arr, requires_grad, device)


def _wrapped_ints(data, dt):
    """Python ints outside an integer dtype: PyTorch wraps negatives into an unsigned type (-1 -> 255) and
    refuses anything else out of range."""
    wide = numpy.array(data)
    info = numpy.iinfo(dt.np)
    low = -info.max if info.min == 0 else info.min
    if wide.dtype.kind == "O" or wide.min() < low or wide.max() > info.max:
        raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow")
    return wide.astype(dt.np)


def as_tensor(data, dtype=None, device=None):
    """Shares memory with a tensor or numpy array when dtype allows; copies otherwise."""
    check_device(device)
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
    _check_strides(ndarray)
    return _wrap(ndarray)


def _check_strides(ndarray):
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a "
                         "copy of your array  with array.copy().) ")


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    try:
        size = tuple(operator.index(s) for s in size)
    except TypeError:
        raise TypeError(f"expected a sequence of integers or a single integer for the size, got "
                        f"{[type(s).__name__ for s in size]}") from None
    for s in size:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return size


def _dtype_or_default(dtype):
    return dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()


def _filled(fill, size, dtype, device, requires_grad, out):
    arr = fill(_size(size), _dtype_or_default(dtype).np)
    if out is not None:
        out._array = arr
        return out
    return _finish(arr, requires_grad, device)


def _shape_or_size(shape, size):
    """``zeros(2, 3)``, ``zeros((2, 3))`` and ``zeros(size=(2, 3))`` all name the same shape."""
    return shape if size is None else (size,)


def zeros(*shape, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(numpy.zeros, _shape_or_size(shape, size), dtype, device, requires_grad, out)


def ones(*shape, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(numpy.ones, _shape_or_size(shape, size), dtype, device, requires_grad, out)


def empty(*shape, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    return _filled(numpy.empty, _shape_or_size(shape, size), dtype, device, requires_grad, out)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if dtype is None:
        dtype = _scanned(fill_value)[1]
    return _filled(lambda s, d: numpy.full(s, fill_value, d), (size,) if isinstance(size, int) else size,
                   dtype, device, requires_grad, out)


def _like(fn):
    def like(input, *args, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
             **options):
        out = fn(input.shape, *args, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad,
                 **options)
        return _preserve_layout(out, input._array) if memory_format is None else out
    like.__name__ = fn.__name__ + "_like"
    return like


def _preserve_layout(out, like):
    """PyTorch's preserve_format: the output of ``*_like`` of a permuted (say transposed) tensor is laid out in
    the same dim order; broadcast (stride 0) inputs give a contiguous output."""
    if like.flags.c_contiguous or 0 in like.strides:
        return out
    arr = numpy.empty_like(like, dtype=out._array.dtype, order="K")
    arr[...] = out._array
    out._array = arr
    return out


zeros_like, ones_like, empty_like, full_like = _like(zeros), _like(ones), _like(empty), _like(full)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if dtype is None:
        integral = all(isinstance(v, (int, numpy.integer)) for v in (start, end, step))
        dtype = dtypes.int64 if integral else dtypes.get_default_dtype()
    dt = dtypes.to_dtype(dtype)
    if not dt.is_floating_point:
        start, end, step = int(start), int(end), int(step)  # PyTorch truncates the bounds to the integer dtype
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"upper bound and lower bound inconsistent with step sign: arange({start}, {end}, "
                           f"{step}) would be empty")
    count = max(0, int(numpy.ceil((end - start) / step)))
    arr = _arange_values(start, step, count, dt.np)
    return _filled(lambda s, d: arr, (count,), dt, device, requires_grad, out)


_VECTOR_BYTES = 32  # the SIMD width PyTorch's x86 CPU kernels use (AVX2)


def _arange_values(start, step, count, np_dtype):
    """PyTorch's CPU kernel, value for value: in pairs of SIMD vectors, each vector counts from its first value
    rounded to the dtype; the tail is computed one by one (each value a fused multiply-add in float64, or in
    float32 for float16)."""
    if np_dtype.kind != "f":
        return (start + step * numpy.arange(count, dtype=numpy.int64)).astype(np_dtype)
    acc = numpy.float32 if np_dtype == numpy.float16 else numpy.float64
    start, step = numpy.float64(acc(start)), numpy.float64(acc(step))
    idx = numpy.arange(count)
    lanes = _VECTOR_BYTES // np_dtype.itemsize
    lane = numpy.where(idx < count - count % (2 * lanes), idx % lanes, 0).astype(numpy.float64)
    first = _rounded(_fused_multiply_add(step, idx - lane, start), acc, np_dtype)
    return _rounded(_fused_multiply_add(step, lane, first.astype(numpy.float64)), acc, np_dtype)


def _rounded(values, acc, np_dtype):
    return values.astype(acc).astype(np_dtype)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = _dtype_or_default(dtype)
    start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    arr = _linspace_values(start, end, int(steps), dt.np)
    return _filled(lambda s, d: arr, (steps,), dt, device, requires_grad, out)


def _linspace_values(start, end, steps, np_dtype):
    """PyTorch's CPU kernel: the first half counts up from start, the second half down from end, in steps of
    ``step`` computed in the output's precision; each value is one fused multiply-add (float16 rounds every
    operation instead)."""
    step_type = np_dtype.type if np_dtype.kind == "f" else numpy.float64
    first, last = (step_type(numpy.asarray(v).astype(np_dtype)) for v in (start, end))
    if steps <= 1:
        return numpy.full(steps, first).astype(np_dtype)
    step = (last - first) / step_type(steps - 1)
    idx = numpy.arange(steps)
    up = idx < steps // 2
    count = numpy.where(up, idx, idx - (steps - 1)).astype(step_type)
    base = numpy.where(up, first, last).astype(step_type)
    if np_dtype == numpy.float16:
        return base + step * count
    return _fused_multiply_add(numpy.float64(step), count.astype(numpy.float64),
                               base.astype(numpy.float64)).astype(np_dtype)


def _fused_multiply_add(a, b, c):
    """``a * b + c`` in float64 with a single rounding (Dekker's exact product and Knuth's exact sum)."""
    product = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    product_err = ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    total = product + c
    back = total - product
    sum_err = (product - (total - back)) + (c - back)
    return total + (sum_err + product_err)


def _split(x):
    t = 134217729.0 * x
    hi = t - (t - x)
    return hi, x - hi


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """``base ** linspace(start, end, steps)``, computed as PyTorch's CPU kernel does: exponents in float64 from
    both ends, the power in float64, then rounded (truncated for integer dtypes) to the dtype."""
    if steps < 0:
        raise RuntimeError(f"logspace: number of steps must be non-negative, got {steps}")
    dt = _dtype_or_default(dtype)
    start, end = (numpy.asarray(v.item() if isinstance(v, Tensor) else v).astype(dt.np).item() for v in (start, end))
    # float_power matches C pow to the bit; numpy.power takes a vectorised path that can be an ulp off
    arr = numpy.float_power(float(base), _exponents(start, end, int(steps), dt.np)).astype(dt.np)
    return _filled(lambda s, d: arr, (steps,), dt, device, requires_grad, out)


def _exponents(start, end, steps, np_dtype):
    """Counted from the nearer end in float64; a float dtype rounds the span ``end - start`` to itself first."""
    if steps <= 1:
        return numpy.full(steps, float(start))
    span = numpy.asarray(end - start).astype(np_dtype) if np_dtype.kind == "f" else end - start
    step = float(span) / (steps - 1)
    idx = numpy.arange(steps)
    return numpy.where(idx < steps // 2, start + step * idx, end - step * (steps - 1 - idx))


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 0-D/1-D tensors, as views; ``indexing='ij'`` (matrix) or ``'xy'`` (Cartesian)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    _check_meshgrid(tensors, indexing)
    swap = indexing == "xy" and len(tensors) > 1  # 'xy' is 'ij' with the first two inputs' roles exchanged
    if swap:
        tensors = _first_two_swapped(tensors)
    shape = tuple(t.numel() for t in tensors)
    grids = tuple(t.reshape(tuple(-1 if d == i else 1 for d in range(len(shape)))).expand(shape)
                  for i, t in enumerate(tensors))
    return _first_two_swapped(grids) if swap else grids


def _first_two_swapped(items):
    return (items[1], items[0]) + tuple(items[2:])


def _check_meshgrid(tensors, indexing):
    if indexing is None:
        import warnings
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=3)
    elif indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a tensor of "
                               f"shape {list(t.shape)}")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError(f"meshgrid expects all tensors to have the same dtype, got {tensors[0].dtype} and "
                               f"{t.dtype}")


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(lambda s, d: numpy.eye(n, m, dtype=d), (n, n if m is None else m), dtype, device,
                   requires_grad, out)


# ---- what this module exports as ember.<name> ----
FUNCTIONS = {"tensor": tensor, "as_tensor": as_tensor, "from_numpy": from_numpy, "zeros": zeros, "ones": ones,
             "empty": empty, "full": full, "zeros_like": zeros_like, "ones_like": ones_like,
             "empty_like": empty_like, "full_like": full_like, "arange": arange, "linspace": linspace, "eye": eye,
             "logspace": logspace, "meshgrid": meshgrid}
