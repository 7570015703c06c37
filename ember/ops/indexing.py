"""Indexing with ints, slices, None, Ellipsis, bool masks and integer tensors: get and set, with backward."""
import operator

import numpy

from ..autograd.function import Op
from ..backend import xp_of
from .broadcast import sum_to_shape


def to_array_key(key):
    """A PyTorch index as a numpy one: Tensors and lists become arrays; reports whether it is advanced."""
    from ..tensor import Tensor
    items = key if type(key) is tuple or _list_as_tuple(key) else (key,)
    out, advanced = [], False
    for k in items:
        if type(k) is slice:
            k = _slice_key(k)
        elif isinstance(k, Tensor):
            k = _tensor_key(k._array)
            advanced = advanced or not isinstance(k, int)
        elif isinstance(k, (list, tuple, numpy.ndarray)):
            k = _list_key(list(k) if type(k) is tuple else k)
            advanced = True
        elif isinstance(k, bool):
            k, advanced = numpy.asarray(k), True  # PyTorch reads t[True] as a (copying) 0-d mask
        elif isinstance(k, str):
            raise TypeError(f"new(): invalid data type '{type(k).__name__}'")
        elif not (k is None or k is Ellipsis or isinstance(k, (int, numpy.integer))):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                             f"are valid indices (got {type(k).__name__})")
        out.append(k)
    if not advanced and Ellipsis not in out:
        out.append(Ellipsis)  # keeps an all-int index a 0-d view instead of a numpy scalar copy
    return tuple(out), advanced


def _list_as_tuple(key):
    """PyTorch (like old numpy) reads ``t[[0, slice(1, 3)]]`` or ``t[[[0, 1], [1, 2]]]`` as a tuple of indices:
    a short list holding a sequence, tensor, slice, None or Ellipsis."""
    from ..tensor import Tensor
    return type(key) is list and len(key) < 32 and any(
        k is None or k is Ellipsis or isinstance(k, (list, tuple, slice, Tensor, numpy.ndarray)) for k in key)


def _slice_key(k):
    """A slice with plain int bounds (tensors and numpy ints as bounds become ints); steps must be positive."""
    if not all(v is None or type(v) is int for v in (k.start, k.stop, k.step)):
        k = slice(*(None if v is None else operator.index(v) for v in (k.start, k.stop, k.step)))
    if k.step is not None and k.step <= 0:
        raise ValueError("step must be greater than zero")
    return k


def _tensor_key(k):
    """An index tensor's array: a 0-d integer one is a plain int; uint8 is a (legacy) mask, as in PyTorch."""
    if k.dtype.kind not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if k.dtype == numpy.uint8:
        return k.astype(bool)
    if k.ndim == 0 and k.dtype.kind != "b":
        return int(k)
    return k


def _list_key(k):
    from ..tensor import Tensor
    arr = numpy.asarray([x.item() if isinstance(x, Tensor) else x for x in k] if isinstance(k, list) else k)
    if arr.size == 0:
        arr = arr.astype("int64")
    if arr.dtype.kind not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return arr


def check_bounds(shape, key):
    """IndexError in PyTorch's words for an int index outside its dim (numpy's message names no tensor)."""
    items = key if type(key) is tuple else (key,)
    dim = 0
    for k in items:
        if k is None:
            continue
        if k is Ellipsis:
            dim = len(shape) - sum(1 for x in items if x is not None and x is not Ellipsis)
            continue
        if dim >= len(shape):
            raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
        if isinstance(k, (int, numpy.integer)) and not -shape[dim] <= k < shape[dim]:
            raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {shape[dim]}")
        dim += k.ndim if getattr(k, "dtype", None) is not None and k.dtype.kind == "b" else 1


def node_name(key, advanced):
    """The grad_fn name PyTorch gives ``t[key]``: named after the last index that does something."""
    if advanced:
        return "IndexBackward0"
    items = [k for k in key if k is not Ellipsis and not (isinstance(k, slice) and k == slice(None))]
    if not items:
        return "AliasBackward0"
    last = items[-1]
    return "UnsqueezeBackward0" if last is None else "SliceBackward0" if isinstance(last, slice) \
        else "SelectBackward0"


class Index(Op):
    """``t[key]``: a view for basic keys, a copy for advanced ones."""

    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, key, advanced):
        ctx.shape, ctx.key, ctx.advanced = a.shape, key, advanced
        return a[key]

    @staticmethod
    def backward(ctx, grad):
        return IndexGrad.apply(grad, ctx.shape, ctx.key, ctx.advanced)


_INDEX_OPS = {}


def index_op(name):
    """The Index subclass whose node carries PyTorch's name for this kind of key."""
    cls = _INDEX_OPS.get(name)
    if cls is None:
        cls = _INDEX_OPS[name] = type(name.replace("Backward0", "Index"), (Index,), {"_node_name": name})
    return cls


class IndexGrad(Op):
    """The gradient of ``t[key]``: zeros of t's shape with the gradient placed (summed, for repeats) at key."""

    _node_name = "IndexBackwardBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, g, shape, key, advanced):
        ctx.key, ctx.advanced = key, advanced
        xp = xp_of(g)
        out = xp.zeros(shape, g.dtype)
        if advanced:
            xp.add.at(out, key, g)
        else:
            out[key] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        return index_op(node_name(ctx.key, ctx.advanced)).apply(grad, ctx.key, ctx.advanced)


class IndexPut(Op):
    """``t[key] = value`` computed out of place (the in-place wrapper writes it back into t)."""

    _num_inputs = 2

    @staticmethod
    def forward(ctx, a, value, key, advanced):
        ctx.key, ctx.advanced = key, advanced
        ctx.value_shape = getattr(value, "shape", ())
        out = a.copy()
        try:
            out[key] = value
        except ValueError:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(ctx.value_shape)} cannot be "
                               f"broadcast to indexing result of shape {list(out[key].shape)}") from None
        return out

    @staticmethod
    def backward(ctx, grad):
        need_a, need_v = ctx.needs_input_grad
        ga = IndexPutCopy.apply(grad, 0.0, ctx.key, ctx.advanced) if need_a else None
        gv = None
        if need_v:
            picked = index_op(node_name(ctx.key, ctx.advanced)).apply(grad, ctx.key, ctx.advanced)
            gv = sum_to_shape(picked, ctx.value_shape)
        return ga, gv


class IndexPutCopy(IndexPut):
    _node_name = "CopySlices"


class IndexPutAdvanced(IndexPut):
    _node_name = "IndexPutBackward0"


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import Tensor  # noqa: E402
from .inplace import apply_inplace  # noqa: E402
from .view import as_view  # noqa: E402


def getitem(self, key):
    basic = _basic_key(key, self._array.shape)
    if basic is not None:
        return _index(self, *basic)
    arr_key, advanced = to_array_key(key)
    split = _ints_first(arr_key) if advanced else None
    if split is not None:
        return _index(_index(self, split[0], False), split[1], True)
    return _index(self, arr_key, advanced)


def _ints_first(key):
    """PyTorch applies the integer indices of a key that also holds index tensors first (as selects), then the
    tensors, so ``t[0, :, [0, 1]]`` has shape (3, 2) where numpy gives (2, 3). The two keys, or None when
    numpy's reading is already PyTorch's."""
    if not any(isinstance(k, (int, numpy.integer)) for k in key) or \
            any(isinstance(k, numpy.ndarray) and k.ndim == 0 for k in key):
        return None
    basic, advanced = [], []
    for k in key:
        if isinstance(k, numpy.ndarray):
            basic.extend([slice(None)] * (k.ndim if k.dtype.kind == "b" else 1))
            advanced.append(k)
        elif isinstance(k, (int, numpy.integer)):
            basic.append(k)
        else:
            basic.append(k)
            advanced.append(k if k is Ellipsis else slice(None))
    if Ellipsis not in basic:
        basic.append(Ellipsis)
    return tuple(basic), tuple(advanced)


def _basic_key(key, shape):
    """The common key of in-range ints and slices with int bounds and positive steps, as (numpy key, False, node
    name) without the general path's conversions; None for any other key."""
    items = key if type(key) is tuple else (key,)
    if len(items) > len(shape):
        return None
    name = "AliasBackward0"
    for n, k in zip(shape, items):
        if type(k) is int:
            if not -n <= k < n:
                return None
            name = "SelectBackward0"
        elif type(k) is slice and (k.start is None or type(k.start) is int) and \
                (k.stop is None or type(k.stop) is int) and (k.step is None or (type(k.step) is int and k.step > 0)):
            if k != _ALL or k is key:  # torch slices even for a lone full slice: t[:] is SliceBackward0
                name = "SliceBackward0"
        else:
            return None
    return items + (Ellipsis,), False, name


_ALL = slice(None)


def _index(self, arr_key, advanced, name=None):
    if name is None:
        if not advanced:
            check_bounds(self.shape, arr_key)
        name = node_name(arr_key, advanced)
    try:
        out = index_op(name).apply(self, arr_key, advanced)
    except IndexError as e:
        raise IndexError(f"{e} (indexing a tensor of shape {list(self.shape)})") from None
    return out if advanced else as_view(out, self, "__getitem__", (arr_key,))


def setitem(self, key, value):
    arr_key, advanced = to_array_key(key)
    split = _ints_first(arr_key) if advanced else None
    if split is not None:
        self, arr_key = _index(self, split[0], False), split[1]
    if not advanced:
        check_bounds(self.shape, arr_key)
    op = IndexPutAdvanced if advanced else IndexPutCopy
    value = _value_for(self, value, advanced)
    apply_inplace(self, lambda t, v: op.apply(t, v, arr_key, advanced), value, through_view=not advanced)


def _value_for(self, value, advanced):
    """The value of ``self[key] = value`` in self's dtype; PyTorch's errors for sequences and, in advanced
    assignment, for a tensor of another dtype."""
    if isinstance(value, (list, tuple, numpy.ndarray)):
        kind = type(value).__name__ if type(value).__module__ == "builtins" else \
            f"{type(value).__module__}.{type(value).__name__}"
        raise TypeError(f"can't assign a {kind} to a {self.type()}")
    if not isinstance(value, Tensor) or value.dtype is self.dtype:
        return value
    if advanced:
        from ..dtypes import scalar_type_name
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{scalar_type_name(self._array.dtype)} for the destination and "
                           f"{scalar_type_name(value._array.dtype)} for the source.")
    return value.to(self.dtype)


# ---- what this module exports (see ember/ops/__init__.py) ----
METHODS = {"__getitem__": getitem, "__setitem__": setitem}
