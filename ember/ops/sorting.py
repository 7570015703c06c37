"""Order statistics and counting: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, quantile,
nanquantile, unique, unique_consecutive, bincount, histc."""
from .. import dtypes
from ..autograd.function import Op
from ..backend import xp_of
from .dims import wrap_dim
from .reduction import SharedTiesReduction, ValueIndexReduction, named_result, scatter_back


def _argsort(xp, a, dim, descending=False):
    """A stable argsort along ``dim``; descending keeps equal elements in their original order (nan first)."""
    if not descending:
        return xp.argsort(a, axis=dim, kind="stable")
    return a.shape[dim] - 1 - xp.flip(xp.argsort(xp.flip(a, dim), axis=dim, kind="stable"), dim)


def _slice_along(array, dim, start, stop):
    return array[(slice(None),) * dim + (slice(start, stop),)]


class _Permute(Op):
    """Base of sort and topk: forward returns (values, indices); the gradient is scattered back to the indices."""

    _num_inputs = 1

    @classmethod
    def forward(cls, ctx, a, dim, *args):
        xp = xp_of(a)
        view, d = (a if a.ndim else a.reshape(1)), wrap_dim(dim, a.ndim)
        idx = cls._indices(xp, view, d, *args)
        values = xp.take_along_axis(view, idx, axis=d)
        if not a.ndim:
            values, idx = values.reshape(()), idx.reshape(())
        idx = idx.astype("int64", copy=False)
        ctx.idx, ctx.dim, ctx.shape = idx, d, a.shape
        return values, idx

    @staticmethod
    def backward(ctx, grad, grad_idx=None):
        return scatter_back(grad, ctx.idx, ctx.dim, ctx.shape)


class Sort(_Permute):
    _node_name = "SortBackward0"

    @staticmethod
    def _indices(xp, a, dim, descending):
        return _argsort(xp, a, dim, descending)


class Topk(_Permute):
    _node_name = "TopkBackward0"

    @staticmethod
    def _indices(xp, a, dim, k, largest):
        if not 0 <= k <= a.shape[dim]:
            raise RuntimeError(f"selected index k out of range: topk(k={k}) along a dim of size {a.shape[dim]} "
                               f"(input shape {tuple(a.shape)})")
        return _slice_along(_argsort(xp, a, dim, largest), dim, 0, k)


def _take_position(xp, a, dim, position):
    """The index along ``dim`` of the element at ``position`` (kept dim) of the stable sorted order."""
    return xp.take_along_axis(_argsort(xp, a, dim), position, axis=dim)


class Kthvalue(ValueIndexReduction):
    _node_name = "KthvalueBackward0"
    _name = "kthvalue"

    @classmethod
    def _index(cls, xp, a, dim, k):
        if not 1 <= k <= a.shape[dim]:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim} "
                               f"(k={k}, size {a.shape[dim]})")
        return _slice_along(_argsort(xp, a, dim), dim, k - 1, k)


def _median_position(xp, a, dim, ignore_nan):
    """Where the lower median sits in ``a`` sorted along ``dim`` (kept dim); nans sort last.

    median: the first nan when there is one; nanmedian: the lower median of the non-nan values (a nan, if none).
    """
    n = a.shape[dim]
    valid = (a == a).sum(axis=dim, keepdims=True)
    if ignore_nan:
        return xp.maximum(valid - 1, 0) // 2
    return xp.where(valid < n, valid, (n - 1) // 2)


class MedianDim(ValueIndexReduction):
    _node_name = "MedianBackward1"
    _name = "median"
    _ignore_nan = False

    @classmethod
    def _index(cls, xp, a, dim):
        return _take_position(xp, a, dim, _median_position(xp, a, dim, cls._ignore_nan))


class NanmedianDim(MedianDim):
    _node_name = "NanmedianBackward1"
    _name = "nanmedian"
    _ignore_nan = True


class MedianAll(SharedTiesReduction):
    """median() of all elements: the gradient is shared evenly among elements equal to it, as in PyTorch."""

    _node_name = "MedianBackward0"
    _name = "median"
    _ignore_nan = False

    @classmethod
    def _check(cls, a, dim, dims):
        """An empty input has median nan, not an error."""

    @classmethod
    def _reduce(cls, a, dims, keepdim):
        xp = xp_of(a)
        if not a.size:
            return xp.asarray(xp.nan, a.dtype)
        flat = a.reshape(-1)
        return flat[_take_position(xp, flat, 0, _median_position(xp, flat, 0, cls._ignore_nan))].reshape(())


class NanmedianAll(MedianAll):
    _node_name = "NanmedianBackward0"
    _name = "nanmedian"
    _ignore_nan = True


class Mode(ValueIndexReduction):
    _node_name = "ModeBackward0"
    _name = "mode"

    @classmethod
    def _index(cls, xp, a, dim):
        """The most frequent value (the smallest among equally frequent ones) at its last position."""
        order = xp.moveaxis(_argsort(xp, a, dim), dim, -1)
        ordered = xp.take_along_axis(xp.moveaxis(a, dim, -1), order, axis=-1)
        positions = xp.arange(ordered.shape[-1])
        starts = xp.ones(ordered.shape, bool)
        starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
        run_length = positions - xp.maximum.accumulate(xp.where(starts, positions, 0), axis=-1)
        end_of_longest = xp.argmax(run_length, axis=-1)[..., None]
        return xp.moveaxis(xp.take_along_axis(order, end_of_longest, axis=-1), -1, dim)


class _Unique(Op):
    """unique / unique_consecutive: (values, inverse, counts); PyTorch defines no derivative for them."""

    _num_inputs = 1

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError(f"the derivative for '{ctx.aten}' is not implemented.")


class Unique(_Unique):
    _node_name = "Unique2Backward0"

    @staticmethod
    def forward(ctx, a, dim):
        xp = xp_of(a)
        axis = None if dim is None else wrap_dim(dim, a.ndim)
        ctx.aten = "_unique2" if dim is None else "unique_dim"
        values, inverse, counts = xp.unique(a, return_inverse=True, return_counts=True, axis=axis,
                                            equal_nan=False)
        inverse = inverse.reshape(a.shape if axis is None else -1)
        return values, inverse.astype("int64", copy=False), counts.astype("int64", copy=False)


class UniqueConsecutive(_Unique):
    _node_name = "UniqueConsecutiveBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        xp = xp_of(a)
        ctx.aten = "unique_consecutive"
        axis = 0 if dim is None else wrap_dim(dim, a.ndim)
        lines = xp.moveaxis(a.reshape(-1) if dim is None else a, axis, 0)
        n = lines.shape[0]
        rows = lines.reshape(n, -1)
        new = xp.ones(n, bool)
        new[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        inverse = xp.cumsum(new) - 1
        starts = xp.flatnonzero(new)
        counts = xp.diff(xp.append(starts, n))
        values = xp.moveaxis(lines[new], 0, axis)
        return values, inverse.reshape(a.shape if dim is None else -1), counts.astype("int64", copy=False)


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import Tensor, _out, _wrap  # noqa: E402


def sort(input, dim=-1, descending=False, *, stable=False, out=None):
    return named_result("sort", Sort.apply(input, dim, descending), out)


def argsort(input, dim=-1, descending=False, *, stable=False):
    return sort(input, dim, descending).indices


def msort(input, *, out=None):
    return _out(sort(input, 0).values, out)


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):  # noqa: A002 - PyTorch's name
    return named_result("topk", Topk.apply(input, -1 if dim is None else dim, k, largest), out)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    return named_result("kthvalue", Kthvalue.apply(input, -1 if dim is None else dim, keepdim, k), out)


def _median_fn(all_op, dim_op, name):
    def median(input, dim=None, keepdim=False, *, out=None):
        if dim is None:
            return _out(all_op.apply(input, None, False), out)
        return named_result(name, dim_op.apply(input, dim, keepdim), out)
    median.__name__ = name
    return median


median = _median_fn(MedianAll, MedianDim, "median")
nanmedian = _median_fn(NanmedianAll, NanmedianDim, "nanmedian")


def mode(input, dim=-1, keepdim=False, *, out=None):
    return named_result("mode", Mode.apply(input, dim, keepdim), out)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _check_quantile(name, input, q, interpolation):
    if input.dtype not in (dtypes.float32, dtypes.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype, got "
                           f"{dtypes.scalar_type_name(input._array.dtype)}")
    if not input._array.size:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor, got shape {tuple(q.shape)}")
        if q.dtype != input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor, got {q.dtype} "
                               f"and {input.dtype}")
    q_arr = q._array if isinstance(q, Tensor) else xp_of(input._array).asarray(q, input._array.dtype)
    if not ((q_arr >= 0) & (q_arr <= 1)).all():
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q_arr.tolist()}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    return q_arr


def _ranks(xp, arr, dim, q, ignore_nan, interpolation):
    """Fractional positions in ``arr`` sorted along ``dim`` of each quantile ``q``: shape (len(q), kept shape)."""
    last = arr.shape[dim] - 1
    valid = (arr == arr).sum(axis=dim, keepdims=True)[None]
    qs = q.reshape((-1,) + (1,) * arr.ndim)
    if ignore_nan:  # an all-nan line takes rank 0, a nan
        ranks = xp.maximum(qs * (valid - 1).astype(arr.dtype), 0)
    else:  # a line with a nan takes the last rank, a nan
        ranks = xp.where(valid <= last, last, qs * arr.dtype.type(last))
    rounding = {"lower": xp.floor, "higher": xp.ceil, "nearest": xp.round}.get(interpolation)
    return ranks if rounding is None else rounding(ranks)


def _quantile_fn(name, ignore_nan):
    def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
        """Sort, then interpolate between the two neighbouring order statistics (as PyTorch composes it)."""
        q_arr = _check_quantile(name, input, q, interpolation)
        xp = xp_of(input._array)
        x = input.reshape(-1) if dim is None or not input.ndim else input
        d = 0 if dim is None else wrap_dim(dim, input.ndim)
        ranks = _ranks(xp, x._array, d, q_arr, ignore_nan, interpolation)
        below = xp.floor(ranks).astype("int64")
        ordered = sort(x, d).values.unsqueeze(0).expand(ranks.shape[:1] + x.shape)
        values = ordered.gather(d + 1, _wrap(below))
        if interpolation in ("linear", "midpoint"):
            weights = xp.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
            upper = ordered.gather(d + 1, _wrap(xp.ceil(ranks).astype("int64")))
            values = values + (upper - values) * _wrap(weights.astype(ranks.dtype))
        values = values.squeeze(d + 1)
        if keepdim:
            values = values.reshape((-1,) + (1,) * input.ndim) if dim is None else values.unsqueeze(d + 1)
        return _out(values.squeeze(0) if q_arr.ndim == 0 else values, out)
    quantile.__name__ = name
    return quantile


quantile = _quantile_fn("quantile", False)
nanquantile = _quantile_fn("nanquantile", True)


def _unique_result(values, inverse, counts, return_inverse, return_counts):
    if not return_inverse and not return_counts:
        return values
    return (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """Always sorted, as PyTorch's CPU kernel returns it."""
    return _unique_result(*Unique.apply(input, dim), return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    return _unique_result(*UniqueConsecutive.apply(input, dim), return_inverse, return_counts)


def bincount(input, weights=None, minlength=0):
    arr = input._array
    xp = xp_of(arr)
    if arr.dtype.kind not in "iu":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{dtypes.scalar_type_name(arr.dtype)}'")
    if arr.ndim != 1 or (arr.size and arr.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs, got "
                           f"{dtypes.scalar_type_name(arr.dtype)} of shape {tuple(arr.shape)}")
    if weights is None:
        return _wrap(xp.bincount(arr, minlength=minlength).astype("int64", copy=False))
    w = weights._array
    out_dtype = w.dtype if w.dtype.kind == "f" else xp.dtype("float64")
    return _wrap(xp.bincount(arr, weights=w, minlength=minlength).astype(out_dtype, copy=False))


def histc(input, bins=100, min=0, max=0, *, out=None):  # noqa: A002 - PyTorch's names
    arr = input._array
    xp = xp_of(arr)
    if arr.dtype.kind != "f":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{dtypes.scalar_type_name(arr.dtype)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if min > max:
        raise RuntimeError(f"torch.histc: max must be larger than min, got min={min}, max={max}")
    lo, hi = float(min), float(max)
    if lo == hi and arr.size:
        lo, hi = float(arr.min()), float(arr.max())
        if not xp.isfinite([lo, hi]).all():
            raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    inside = arr[(arr >= lo) & (arr <= hi)].astype("float64")
    which = xp.minimum(((inside - lo) * bins / (hi - lo)).astype("int64"), bins - 1)
    return _out(_wrap(xp.bincount(which, minlength=bins).astype(arr.dtype)), out)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"sort": sort, "argsort": argsort, "msort": msort, "topk": topk, "kthvalue": kthvalue,
                         "median": median, "nanmedian": nanmedian, "mode": mode, "quantile": quantile,
                         "nanquantile": nanquantile, "unique": unique, "unique_consecutive": unique_consecutive,
                         "bincount": bincount, "histc": histc}
