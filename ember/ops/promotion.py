"""PyTorch's result dtype for an op's operands (Tensors and python scalars)."""
import numpy as np

from .. import dtypes
from ..dtypes import _FROM_NP, _PROMOTE


def operand_dtype(a, b):
    """Result dtype of a binary op where ``a`` or ``b`` may be a python scalar (at least one is a Tensor)."""
    a_arr = getattr(a, "_array", None)
    b_arr = getattr(b, "_array", None)
    if a_arr is not None and b_arr is not None:
        da, db = _FROM_NP[a_arr.dtype], _FROM_NP[b_arr.dtype]
        if da is db:
            return da
        a0, b0 = a_arr.ndim == 0, b_arr.ndim == 0
        if a0 == b0:
            return _PROMOTE[(da, db)]
        return dtypes.result_type_of([db if a0 else da], [da if a0 else db], [])
    arr, scalar = (a_arr, b) if a_arr is not None else (b_arr, a)
    if arr is None:
        return dtypes.result_type_of([], [], [dtypes.scalar_dtype(a), dtypes.scalar_dtype(b)])
    dt = _FROM_NP[arr.dtype]
    ds = dtypes.scalar_dtype(scalar)
    if ds._category <= dt._category:
        return dt
    return dtypes._combine(dt, ds)


def result_dtype(*operands):
    """Result dtype over any number of operands (Tensors, python numbers; None is skipped): dimensioned tensors,
    then 0-d tensors, then python numbers, as PyTorch ranks them."""
    dims, zero_dims, scalars = [], [], []
    for x in operands:
        arr = getattr(x, "_array", None)
        if arr is not None:
            (dims if arr.ndim else zero_dims).append(_FROM_NP[arr.dtype])
        elif x is not None:
            scalars.append(dtypes.scalar_dtype(x))
    return dtypes.result_type_of(dims, zero_dims, scalars)


def float_dtype(dt):
    """``dt`` if it is floating point, else the default dtype (int / int is float in PyTorch)."""
    return dt if dt.is_floating_point else dtypes.get_default_dtype()


def cast(x, np_dtype):
    """An array operand cast to ``np_dtype`` (no copy when it already is); python scalars pass through,
    except integers out of an integer dtype's range, which wrap around as in PyTorch."""
    x_dtype = getattr(x, "dtype", None)
    if x_dtype is not None:
        return x if x_dtype is np_dtype or x_dtype == np_dtype else x.astype(np_dtype)
    if type(x) is int and np_dtype.kind in "iu" and not _INT_RANGE[np_dtype][0] <= x <= _INT_RANGE[np_dtype][1]:
        return np.asarray(x).astype(np_dtype)[()]
    return x


_INT_RANGE = {d.np: (np.iinfo(d.np).min, np.iinfo(d.np).max) for d in dtypes.ALL if d.np.kind in "iu"}
