"""Reading and writing at index tensors: gather, scatter, scatter_add, take, take_along_dim and the index_* family.

Writes with repeated indices are reduced without ``np.add.at``: one ``bincount`` over flat positions (floats),
or a sort and ``reduceat`` (other dtypes, or few values into a large tensor).
"""
import math

from .. import dtypes
from ..autograd.function import Op
from ..backend import xp_of
from .dims import wrap_dim


def flat_positions(shape, dim, index):
    """Flat positions, in a C-contiguous array of ``shape``, of the elements ``index`` names along ``dim``;
    every other coordinate of an element is its own (the addressing of gather and scatter)."""
    xp = xp_of(index)
    strides = [1] * len(shape)
    for d in range(len(shape) - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    flat = index.astype(xp.int64) * strides[dim]
    for d, n in enumerate(index.shape):
        if d != dim:
            flat = flat + xp.arange(n).reshape((n,) + (1,) * (index.ndim - d - 1)) * strides[d]
    return flat


def reduce_into(out, positions, values, how):
    """``out.flat[positions] (how)= values`` for a contiguous ``out``; ``how`` is 'set', 'add' or 'multiply'.
    Repeated positions combine all their values (for 'set' the last one wins)."""
    xp = xp_of(out)
    target, positions = out.reshape(-1), positions.reshape(-1)
    values = xp.broadcast_to(values, positions.shape) if values.ndim == 0 else values.reshape(-1)
    if how == "set" or positions.size == 0:
        if how == "set":
            target[positions] = values
        return out
    if how == "add" and values.dtype.kind == "f" and 4 * positions.size >= target.size:
        target += xp.bincount(positions, values, minlength=target.size).astype(target.dtype, copy=False)
        return out
    order = xp.argsort(positions, kind="stable")
    sorted_positions = positions[order]
    starts = xp.flatnonzero(xp.concatenate(([True], sorted_positions[1:] != sorted_positions[:-1])))
    ufunc = xp.add if how == "add" else xp.multiply
    unique = sorted_positions[starts]
    target[unique] = ufunc(target[unique], ufunc.reduceat(values[order], starts))
    return out


def check_index(index, n, dim, error=RuntimeError, prefix="", negative=False):
    """``error`` naming the first index outside ``[0, n)`` (``[-n, n)`` where ``negative`` ones are allowed)."""
    if index.size == 0:
        return
    bad = (index < (-n if negative else 0)) | (index >= n)
    if bad.any():
        raise error(f"{prefix}index {int(index[bad].reshape(-1)[0])} is out of bounds for dimension {dim} "
                    f"with size {n}")


def check_index_dtype(name, index, allowed="int64"):
    if index.dtype.kind not in "iu" or (allowed == "int64" and index.dtype.itemsize != 8):
        want = "int64" if allowed == "int64" else "int32 or int64"
        raise RuntimeError(f"{name}(): Expected dtype {want} for index, but got "
                           f"{dtypes.scalar_type_name(index.dtype)}")


def _check_index_shape(name, a, dim, index, src=None):
    """gather/scatter: index has self's ndim and fits in self (apart from ``dim``) and in src."""
    if index.ndim != a.ndim and index.size:
        raise RuntimeError(f"{name}(): Index tensor must have the same number of dimensions as "
                           f"{'input' if name == 'gather' else 'self'} tensor")
    fits_self = all(i == dim or m <= n for i, (m, n) in enumerate(zip(index.shape, a.shape)))
    fits_src = src is None or getattr(src, "ndim", 0) == 0 or all(m <= n for m, n in zip(index.shape, src.shape))
    if not (fits_self and fits_src):
        src_part = "" if src is None or getattr(src, "ndim", 0) == 0 else \
            f" and to be no larger size than src {list(src.shape)}"
        raise RuntimeError(f"{name}(): Expected index {list(index.shape)} to be no larger than self {list(a.shape)} apart "
                           f"from dimension {dim}{src_part}")


def _check_same_dtype(name, a, src):
    if getattr(src, "ndim", None) is not None and src.dtype != a.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype, but got "
                           f"{dtypes.scalar_type_name(a.dtype)} and {dtypes.scalar_type_name(src.dtype)}")


def _fit(src, shape):
    """The leading ``shape`` block of ``src`` (scatter reads only as much of src as index covers)."""
    if src.ndim == 0 or src.shape == shape:
        return src
    return src[tuple(slice(0, n) for n in shape)]


def _at_least_1d(*arrays):
    return tuple(a.reshape(1) if a.ndim == 0 else a for a in arrays)


class Gather(Op):
    _node_name = "GatherBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim, index):
        check_index_dtype("gather", index)
        shape = index.shape
        a1, index = _at_least_1d(a, index)
        d = wrap_dim(dim, a1.ndim)
        _check_index_shape("gather", a1, d, index)
        check_index(index, a1.shape[d], d, prefix="gather(): ")
        ctx.dim, ctx.shape = dim, a.shape
        ctx.save_for_backward(index.reshape(shape))
        block = a1[tuple(slice(None) if i == d else slice(0, n) for i, n in enumerate(index.shape))]
        return xp_of(a).take_along_axis(block, index, axis=d).reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        return grad.new_zeros(ctx.shape).scatter_add(ctx.dim, index, grad)


class Scatter(Op):
    """scatter with a src tensor (``reduce``: None, 'add' or 'multiply')."""

    _node_name = "ScatterBackward0"
    _num_inputs = 2

    @staticmethod
    def forward(ctx, a, src, dim, index, reduce, name="scatter"):
        check_index_dtype(name, index)
        _check_same_dtype(name, a, src)
        shape = a.shape
        a1, index = _at_least_1d(a, index)
        src1 = src.reshape(1) if getattr(src, "ndim", 1) == 0 and index.ndim else src
        d = wrap_dim(dim, a1.ndim)
        _check_index_shape(name, a1, d, index, src1 if hasattr(src1, "ndim") else None)
        check_index(index, a1.shape[d], d, prefix=f"{name}(): ")
        ctx.dim, ctx.reduce, ctx.src_shape = dim, reduce, getattr(src, "shape", None)
        ctx.save_for_backward(index.reshape(index.shape if a.ndim else ()))
        values = src1 if not hasattr(src1, "ndim") else _fit(src1, index.shape)
        values = xp_of(a).asarray(values, a.dtype)
        return reduce_into(a1.copy(), flat_positions(a1.shape, d, index), values, reduce or "set").reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        if ctx.reduce is not None:
            raise RuntimeError("the derivative for 'scatter' with reduce is not implemented")
        (index,) = ctx.saved_tensors
        need_a, need_src = ctx.needs_input_grad
        return (grad.scatter(ctx.dim, index, 0) if need_a else None,
                _src_grad(ctx, grad, index) if need_src else None)


class ScatterValue(Scatter):
    _node_name = "ScatterBackward1"


class ScatterAdd(Scatter):
    _node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, a, src, dim, index):
        return Scatter.forward(ctx, a, src, dim, index, "add", "scatter_add")

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        need_a, need_src = ctx.needs_input_grad
        return grad if need_a else None, _src_grad(ctx, grad, index) if need_src else None


def _src_grad(ctx, grad, index):
    """The gradient of scatter's src: the read-back values in the block index covers, zero elsewhere."""
    picked = grad.gather(ctx.dim, index)
    if picked.shape == ctx.src_shape:
        return picked
    full = picked.new_zeros(ctx.src_shape)
    full[tuple(slice(0, n) for n in picked.shape)] = picked
    return full


def _index_vector(name, index):
    """An index_* index as a 1-d array (a 0-d one holds one index)."""
    if index.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    check_index_dtype(name, index, "int32 or int64")
    return index.reshape(-1)


def _along(index, dim, ndim):
    """A 1-d index shaped to broadcast along ``dim`` of an ``ndim``-d array."""
    return index.reshape((1,) * dim + (-1,) + (1,) * (ndim - dim - 1))


class IndexSelect(Op):
    _node_name = "IndexSelectBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim, index):
        if index.ndim > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
        check_index_dtype("index_select", index, "int32 or int64")
        if a.ndim == 0 and index.size > 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index.size} value(s)")
        a1 = a.reshape(1) if a.ndim == 0 else a
        d = wrap_dim(dim, a1.ndim)
        flat = index.reshape(-1)
        if flat.size and ((flat < 0) | (flat >= a1.shape[d])).any():
            raise IndexError(f"index_select(): index out of range in self (index {flat.tolist()} for dimension "
                             f"{d} of size {a1.shape[d]})")
        ctx.dim, ctx.shape = d, a.shape
        ctx.save_for_backward(flat)
        out = xp_of(a).take(a1, flat, axis=d)
        return out.reshape(()) if a.ndim == 0 else out

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        zeros = grad.new_zeros(ctx.shape)
        return zeros.index_add(ctx.dim, index, grad.reshape(zeros.shape) if not zeros.ndim else grad)


class _IndexWrite(Op):
    """index_add / index_copy: ``source`` written (combined per ``_how``) at ``index`` along ``dim``."""

    _num_inputs = 2
    _how = None
    _name = None

    @classmethod
    def forward(cls, ctx, a, source, dim, index, alpha=1):
        name = cls._name
        index = _index_vector(name, index)
        a1, s1 = _at_least_1d(a, source)
        d = wrap_dim(dim, a1.ndim)
        cls._check(a1, s1, d, index)
        check_index(index, a1.shape[d], d, cls._bounds_error, cls._bounds_prefix)
        ctx.dim, ctx.alpha, ctx.source_shape = d, alpha, source.shape
        ctx.save_for_backward(index)
        values = s1 if alpha == 1 else s1 * alpha
        full = xp_of(a).broadcast_to(_along(index, d, s1.ndim), s1.shape)
        return reduce_into(a1.copy(), flat_positions(a1.shape, d, full), values, cls._how).reshape(a.shape)

    @classmethod
    def _check(cls, a, source, d, index):
        if a.dtype != source.dtype:
            raise RuntimeError(f"{cls._name}(): self ({dtypes.scalar_type_name(a.dtype)}) and source "
                               f"({dtypes.scalar_type_name(source.dtype)}) must have the same scalar type")
        if source.shape[d] != index.size:
            raise RuntimeError(f"{cls._name}(): Number of indices ({index.size}) should be equal to "
                               f"source.size(dim): ({source.shape[d]}), for dim: {d}")
        if source.ndim != a.ndim or any(i != d and m != n for i, (m, n) in enumerate(zip(a.shape, source.shape))):
            raise RuntimeError(f"{cls._name}(): source tensor shape must match self tensor shape, excluding the "
                               f"specified dimension. Got self.shape = {list(a.shape)} source.shape = "
                               f"{list(source.shape)}")

    @staticmethod
    def _source_grad(ctx, grad, index):
        picked = grad.index_select(ctx.dim, index)
        return picked.reshape(ctx.source_shape)


class IndexAdd(_IndexWrite):
    _node_name = "IndexAddBackward0"
    _how, _name = "add", "index_add_"
    _bounds_error, _bounds_prefix = RuntimeError, ""

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        need_a, need_source = ctx.needs_input_grad
        gs = IndexAdd._source_grad(ctx, grad, index) if need_source else None
        return grad if need_a else None, (gs if ctx.alpha == 1 else gs * ctx.alpha) if gs is not None else None


class IndexCopy(_IndexWrite):
    _node_name = "IndexCopyBackward0"
    _how, _name = "set", "index_copy_"
    _bounds_error, _bounds_prefix = IndexError, "index_copy_(): "

    @classmethod
    def _check(cls, a, source, d, index):
        if a.dtype != source.dtype:
            raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                               f"{dtypes.scalar_type_name(a.dtype)} and (source) "
                               f"{dtypes.scalar_type_name(source.dtype)}")
        if source.shape[d] != index.size:
            raise IndexError(f"index_copy_(): Number of indices ({index.size}) should be equal to "
                             f"source.size(dim) ({source.shape[d]})")
        for i, (m, n) in enumerate(zip(a.shape, source.shape)):
            if i != d and m != n:
                raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. "
                                   f"Destination slice shape: {m} at dimension {i} and source slice shape: {n} at "
                                   f"dimension {i}.")

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        need_a, need_source = ctx.needs_input_grad
        return (grad.index_fill(ctx.dim, index, 0) if need_a else None,
                IndexCopy._source_grad(ctx, grad, index) if need_source else None)


class IndexFill(Op):
    """index_fill with a number or a 0-d tensor (differentiable) as the value."""

    _node_name = "IndexFillBackward0"
    _num_inputs = 2

    @staticmethod
    def forward(ctx, a, value, dim, index):
        index = _index_vector("index_fill_", index)
        a1 = a.reshape(1) if a.ndim == 0 else a
        d = wrap_dim(dim, a1.ndim)
        check_index(index, a1.shape[d], d, IndexError)
        ctx.dim, ctx.value_dtype = d, getattr(value, "dtype", None)
        ctx.save_for_backward(index)
        out = a1.copy()
        out[(slice(None),) * d + (index,)] = value
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        need_a, need_value = ctx.needs_input_grad
        g = grad.reshape(-1) if grad.ndim == 0 else grad
        gv = g.index_select(ctx.dim, index).sum().to(dtypes.from_numpy_dtype(ctx.value_dtype)) \
            if need_value else None
        return grad.index_fill(ctx.dim, index, 0) if need_a else None, gv


class IndexFillTensor(IndexFill):
    _node_name = "IndexFillBackward1"


class Take(Op):
    _node_name = "TakeBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, index):
        check_index_dtype("take", index)
        n = a.size
        bad = (index < -n) | (index >= n)
        if bad.any():
            raise IndexError(f"take(): out of range: tried to access index {int(index[bad].reshape(-1)[0])} on a "
                             f"tensor of {n} elements (shape {list(a.shape)}).")
        flat = index % n if n else index
        ctx.shape = a.shape
        ctx.save_for_backward(flat)
        return a.reshape(-1)[flat]

    @staticmethod
    def backward(ctx, grad):
        (flat,) = ctx.saved_tensors
        return grad.new_zeros(math.prod(ctx.shape)).index_add(0, flat.reshape(-1), grad.reshape(-1)).reshape(ctx.shape)


class IndexPutAccumulate(Op):
    """``index_put(indices, values, accumulate=True)``: repeated indices add up."""

    _node_name = "IndexPutBackward0"
    _num_inputs = 2

    @staticmethod
    def forward(ctx, a, values, key, tensor_key):
        xp = xp_of(a)
        ctx.key, ctx.values_shape = tensor_key, values.shape
        ints = []
        for k in key:
            ints.extend(xp.nonzero(k) if k.dtype.kind == "b" else (k,))
        ints = xp.broadcast_arrays(*ints)
        lead = a.shape[:len(ints)]
        for d, (k, n) in enumerate(zip(ints, lead)):
            check_index(k, n, d, IndexError, negative=True)
        rows = xp.ravel_multi_index(tuple(k % n for k, n in zip(ints, lead)), lead) if ints else xp.zeros((), int)
        rest = a.size // max(1, int(xp.prod(lead))) if a.size else 0
        positions = rows[..., None] * rest + xp.arange(rest)
        values = xp.broadcast_to(values, rows.shape + a.shape[len(ints):])
        return reduce_into(a.copy(), positions, values.reshape(positions.shape), "add")

    @staticmethod
    def backward(ctx, grad):
        from .broadcast import sum_to_shape
        need_a, need_values = ctx.needs_input_grad
        return grad if need_a else None, sum_to_shape(grad[ctx.key], ctx.values_shape) if need_values else None


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import Tensor, _out  # noqa: E402


def _array(name, index, what="index"):
    """An index argument's array (ops get index tensors as arrays: they never carry gradients)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument '{what}' must be Tensor, not {type(index).__name__}")
    return index._array


def gather(input, dim, index, *, sparse_grad=False, out=None):
    return _out(Gather.apply(input, dim, _array("gather", index)), out)


def scatter(input, dim, index, src=None, value=None, *, reduce=None, out=None):
    if reduce not in (None, "add", "multiply"):
        raise RuntimeError(f"scatter(): reduce argument must be either add or multiply, got '{reduce}'.")
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing required argument 'src' or 'value'")
    op = Scatter if isinstance(src, Tensor) else ScatterValue
    return _out(op.apply(input, src, dim, _array("scatter", index), reduce), out)


def scatter_add(input, dim, index, src, *, out=None):
    return _out(ScatterAdd.apply(input, src, dim, _array("scatter_add", index)), out)


def index_select(input, dim, index, *, out=None):
    return _out(IndexSelect.apply(input, dim, _array("index_select", index)), out)


def index_add(input, dim, index, source, *, alpha=1, out=None):
    return _out(IndexAdd.apply(input, source, dim, _array("index_add", index), alpha), out)


def index_copy(input, dim, index, source, *, out=None):
    return _out(IndexCopy.apply(input, source, dim, _array("index_copy", index)), out)


def index_fill(input, dim, index, value):
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        return IndexFillTensor.apply(input, value, dim, _array("index_fill", index))
    return IndexFill.apply(input, value, dim, _array("index_fill", index))


def index_put(input, indices, values, accumulate=False):
    from .indexing import IndexPutAdvanced, _value_for, to_array_key
    if not isinstance(values, Tensor):
        values = input.new_tensor(values)
    values = _value_for(input, values, True)
    indices = tuple(indices)
    key, _ = to_array_key(indices)
    if not accumulate:
        return IndexPutAdvanced.apply(input, values, key, True)
    return IndexPutAccumulate.apply(input, values, key, indices)


def take(input, index, *, out=None):
    return _out(Take.apply(input, _array("take", index)), out)


def take_along_dim(input, indices, dim=None, *, out=None):
    if dim is None:
        return _out(gather(input.reshape(-1), 0, indices.reshape(-1)), out)
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    d = wrap_dim(dim, input.ndim)
    shape = [max(m, n) if i != d else None for i, (m, n) in enumerate(zip(input.shape, indices.shape))]
    input = input.expand([input.shape[d] if n is None else n for n in shape])
    indices = indices.expand([indices.shape[d] if n is None else n for n in shape])
    return _out(gather(input, d, indices), out)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"gather": gather, "scatter": scatter, "scatter_add": scatter_add,
                         "index_select": index_select, "index_add": index_add, "index_copy": index_copy,
                         "index_fill": index_fill, "index_put": index_put, "take": take,
                         "take_along_dim": take_along_dim}
INPLACE = dict.fromkeys(("scatter", "scatter_add", "index_add", "index_copy", "index_fill", "index_put"))
