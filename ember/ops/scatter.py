"""Reading and writing at index tensors: gather, scatter, scatter_add, take, take_along_dim and the index_* family.

Writes with repeated indices are reduced without ``np.add.at``: one ``bincount`` over flat positions (floats),
or a sort and ``reduceat`` (other dtypes, or few values into a large tensor).
"""
import math

from .. import dtypes
from ..autograd.function import Op
from ..backend import xp_of
from .broadcast import sum_to_shape
from .dims import wrap_dim
from .indexing import IndexPut, IndexPutAdvanced, _value_for, to_array_key


def flat_positions(shape, dim, index):
    """Flat positions, in a C-contiguous array of ``shape``, of the elements ``index`` names along ``dim``;
    every other coordinate of an element is its own (the addressing of gather and scatter)."""
    xp = xp_of(index)
    strides = [1] * len(shape)
    for d in range(len(shape) - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    # an expanded index (index_add's, or .expand()-ed by the caller) is read once per distinct value
    core = index[tuple(slice(0, 1) if step == 0 and d != dim else slice(None)
                       for d, step in enumerate(index.strides))]
    along = core.astype(xp.int64) * strides[dim]
    others = 0
    for d, n in enumerate(index.shape):
        if d != dim:
            others = others + xp.arange(n).reshape((n,) + (1,) * (index.ndim - d - 1)) * strides[d]
    return along + others


_UFUNCS = {"add": "add", "multiply": "multiply", "amax": "maximum", "amin": "minimum"}


def reduce_into(out, positions, values, how, include_self=True):
    """``out.flat[positions] (how)= values`` for a contiguous ``out``; ``how`` is 'set', 'add', 'multiply',
    'amax' or 'amin'. Repeated positions combine all their values (for 'set' the last one wins); without
    ``include_self`` the old values at the written positions take no part."""
    xp = xp_of(out)
    target, positions = out.reshape(-1), positions.reshape(-1)
    values = xp.broadcast_to(values, positions.shape) if values.ndim == 0 else values.reshape(-1)
    if how == "set" or positions.size == 0:
        if how == "set":
            target[positions] = values
        return out
    if how == "add" and include_self and values.dtype.kind == "f" and 4 * positions.size >= target.size:
        target += xp.bincount(positions, values, minlength=target.size).astype(target.dtype, copy=False)
        return out
    order = xp.argsort(positions, kind="stable")
    sorted_positions = positions[order]
    starts = xp.flatnonzero(xp.concatenate(([True], sorted_positions[1:] != sorted_positions[:-1])))
    ufunc = getattr(xp, _UFUNCS[how])
    unique = sorted_positions[starts]
    reduced = ufunc.reduceat(values[order], starts)
    target[unique] = ufunc(target[unique], reduced) if include_self else reduced
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
    fits_src = src is None or all(m <= n for m, n in zip(index.shape, src.shape))
    if not (fits_self and fits_src):
        src_part = "" if src is None else f" and to be no larger size than src {list(src.shape)}"
        raise RuntimeError(f"{name}(): Expected index {list(index.shape)} to be no larger than self "
                           f"{list(a.shape)} apart from dimension {dim}{src_part}")


def _check_same_dtype(name, a, src):
    if src.dtype != a.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype, but got "
                           f"{dtypes.scalar_type_name(a.dtype)} and {dtypes.scalar_type_name(src.dtype)}")


def _fit(src, shape):
    """The leading ``shape`` block of ``src`` (scatter reads only as much of src as index covers)."""
    if src.shape == shape:
        return src
    return src[tuple(slice(0, n) for n in shape)]


def _at_least_1d(*arrays):
    return tuple(a.reshape(1) if a.ndim == 0 else a for a in arrays)


def _scatter_operands(ctx, name, a, src, dim, index):
    """Checks shared by the scatter ops; returns self (at least 1-d), the values to write (src's block that
    index covers, or the number) and their flat positions; keeps dim and src's shape for backward."""
    check_index_dtype(name, index)
    from_tensor = hasattr(src, "ndim")
    if from_tensor:
        _check_same_dtype(name, a, src)
    a1, index1 = _at_least_1d(a, index)
    src1 = _at_least_1d(src)[0] if from_tensor else None
    d = wrap_dim(dim, a1.ndim)
    _check_index_shape(name, a1, d, index1, src1)
    check_index(index1, a1.shape[d], d, prefix=f"{name}(): ")
    ctx.dim, ctx.src_shape = dim, getattr(src, "shape", None)
    values = _fit(src1, index1.shape) if from_tensor else xp_of(a).asarray(src).astype(a.dtype)
    return a1, values, flat_positions(a1.shape, d, index1)


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
        a1, values, positions = _scatter_operands(ctx, name, a, src, dim, index)
        ctx.reduce = reduce
        ctx.save_for_backward(index)
        return reduce_into(a1.copy(), positions, values, reduce or "set").reshape(a.shape)

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
    return _fit_grad(grad.gather(ctx.dim, index), ctx.src_shape)


def _fit_grad(picked, src_shape):
    """The gradient of scatter's src: the values read back in the block index covers, zero elsewhere."""
    if picked.shape == src_shape:
        return picked
    full = picked.new_zeros(src_shape)
    full[tuple(slice(0, n) for n in picked.shape)] = picked
    return full


class ScatterReduce(Op):
    """scatter_reduce: 'sum', 'prod', 'mean', 'amax' or 'amin' of src (and, with include_self, self) per place."""

    _node_name = "ScatterReduceBackward0"
    _num_inputs = 2
    _HOW = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "amax", "amin": "amin"}
    _ALIASES = {"max": "amax", "min": "amin"}  # PyTorch takes these too

    @staticmethod
    def forward(ctx, a, src, dim, index, reduce, include_self):
        reduce = ScatterReduce._ALIASES.get(reduce, reduce)
        if reduce not in ScatterReduce._HOW:
            raise RuntimeError(f"scatter_reduce(): reduce argument must be either sum, prod, mean, amax or amin, "
                               f"got {reduce}")
        a1, values, positions = _scatter_operands(ctx, "scatter_reduce", a, src, dim, index)
        xp = xp_of(a)
        out = reduce_into(a1.copy(), positions, values, ScatterReduce._HOW[reduce], include_self)
        hits = xp.bincount(positions.reshape(-1), minlength=a1.size).reshape(a1.shape)
        counts = hits + include_self
        if reduce == "mean":
            divisor = xp.maximum(counts, 1).astype(a.dtype)
            out = out / divisor if a.dtype.kind in "fc" else out // divisor
        ctx.reduce, ctx.include_self = reduce, include_self
        ctx.touched, ctx.counts = _wrap(hits.reshape(a.shape) > 0), _wrap(counts.reshape(a.shape))
        ctx.save_for_backward(index, a, src, out.reshape(a.shape))
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        index, a, src, out = ctx.saved_tensors
        dim, touched = ctx.dim, ctx.touched
        if ctx.reduce in ("sum", "mean"):
            per = grad if ctx.reduce == "sum" else grad / ctx.counts.clamp(min=1).to(grad.dtype)
            ga, gs = per, per.gather(dim, index)
        elif ctx.reduce == "prod":
            ga, gs = _prod_grads(ctx, grad, index, a, src, out)
        else:
            src_wins = src.eq(out.gather(dim, index)).to(grad.dtype)
            self_wins = a.eq(out).to(grad.dtype)  # counted among the ties even when excluded, as in PyTorch
            share = grad / (self_wins.scatter_add(dim, index, src_wins))
            ga, gs = share * self_wins, share.gather(dim, index) * src_wins
        if not ctx.include_self:
            ga = ga.masked_fill(touched, 0)
        need_a, need_src = ctx.needs_input_grad
        return ga if need_a else None, _fit_grad(gs, ctx.src_shape) if need_src else None


def _prod_grads(ctx, grad, index, a, src, out):
    """Gradients of a scatter product: the product of the others, also where a factor is zero (as PyTorch)."""
    dim, include_self = ctx.dim, ctx.include_self
    a_nonzero = a.masked_fill(a == 0, 1)
    ga = grad * a_nonzero.scatter_reduce(dim, index, src, "prod", include_self=include_self) / a_nonzero
    src_zero = src == 0
    zeros_per_place = a.new_zeros(a.shape).scatter_add(dim, index, src_zero.to(a.dtype)).gather(dim, index)
    single_zero = src_zero & (zeros_per_place == 1)
    without_zero = a.scatter_reduce(dim, index, src.masked_fill(single_zero, 1), "prod", include_self=include_self)
    gs = (grad * without_zero).gather(dim, index).where(single_zero,
                                                       (grad * out).gather(dim, index) / src.masked_fill(src_zero, 1))
    return ga, gs


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
        check_index(flat, a1.shape[d], d, IndexError, "index_select(): index out of range in self: ")
        ctx.dim, ctx.shape = d, a.shape
        ctx.save_for_backward(flat)
        out = xp_of(a).take(a1, flat, axis=d)
        return out.reshape(()) if a.ndim == 0 else out

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        return grad.new_zeros(ctx.shape).index_add(ctx.dim, index, grad)


class _IndexWrite(Op):
    """index_add / index_copy: ``source`` written (combined per ``_how``) at ``index`` along ``dim``."""

    _num_inputs = 2
    _how = _name = None
    _bounds_error, _bounds_prefix = RuntimeError, ""

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
        for k in map(xp.asarray, key):
            ints.extend(xp.nonzero(k) if k.dtype.kind == "b" else (k,))
        ints = xp.broadcast_arrays(*ints)
        lead, rest = a.shape[:len(ints)], math.prod(a.shape[len(ints):])
        for d, (k, n) in enumerate(zip(ints, lead)):
            check_index(k, n, d, IndexError, negative=True)
        rows = xp.ravel_multi_index(tuple(k % n for k, n in zip(ints, lead)), lead)
        positions = rows[..., None] * rest + xp.arange(rest)
        values = xp.broadcast_to(values, rows.shape + a.shape[len(ints):])
        return reduce_into(a.copy(), positions, values.reshape(positions.shape), "add")

    @staticmethod
    def backward(ctx, grad):
        need_a, need_values = ctx.needs_input_grad
        return grad if need_a else None, sum_to_shape(grad[ctx.key], ctx.values_shape) if need_values else None


class SelectScatter(IndexPut):
    """A copy of self with src written into one select (or, in the subclass, one slice) of it."""

    _node_name = "SelectScatterBackward0"


class SliceScatter(IndexPut):
    _node_name = "SliceScatterBackward0"


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import Tensor, _out, _wrap  # noqa: E402


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


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    return _out(ScatterReduce.apply(input, src, dim, _array("scatter_reduce", index), reduce, include_self), out)


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
    if not isinstance(values, Tensor):
        values = input.new_tensor(values)
    values = _value_for(input, values, True)
    indices = tuple(indices)
    key, _ = to_array_key(indices)
    if not accumulate:
        return IndexPutAdvanced.apply(input, values, key, True)
    return IndexPutAccumulate.apply(input, values, key, indices)


def _scatter_into(op, name, input, src, key):
    slice_shape = input._array[key].shape
    if tuple(src.shape) != slice_shape:
        raise RuntimeError(f"{name}(): expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(slice_shape)}")
    return op.apply(input, src.to(input.dtype), key, False)


def select_scatter(input, src, dim, index):
    input.select(dim, index)  # PyTorch's errors for a dim or index out of range
    key = (slice(None),) * wrap_dim(dim, input.ndim) + (index, Ellipsis)
    return _scatter_into(SelectScatter, "select_scatter", input, src, key)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    key = (slice(None),) * wrap_dim(dim, input.ndim) + (slice(start, end, step), Ellipsis)
    return _scatter_into(SliceScatter, "slice_scatter", input, src, key)


def put(input, index, source, accumulate=False):
    """``input.flatten()[index] = source`` (or ``+=``), keeping input's shape."""
    if index.numel() != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    n = input.numel()
    flat = _array("put", index).reshape(-1)
    bad = (flat < -n) | (flat >= n)
    if bad.any():
        raise IndexError(f"put_(): out of range: tried to access index {int(flat[bad][0])} on a tensor of {n} "
                         f"elements.")
    return input.reshape(-1).index_put((index.reshape(-1),), source.reshape(-1), accumulate).reshape(input.shape)


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
                         "scatter_reduce": scatter_reduce, "index_select": index_select, "index_add": index_add,
                         "index_copy": index_copy, "index_fill": index_fill, "index_put": index_put, "take": take,
                         "take_along_dim": take_along_dim, "select_scatter": select_scatter,
                         "slice_scatter": slice_scatter, "put": put}
INPLACE = dict.fromkeys(("scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill",
                         "index_put", "put"))
