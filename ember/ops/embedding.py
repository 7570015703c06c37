"""Embedding lookups: embedding (rows of a table at index tensors) and embedding_bag (sums, means or maxima of
bags of rows), and the gradient an embedding table gets under ``sparse=True``."""
from .. import dtypes
from ..autograd.function import Op
from ..backend import xp_of
from ..tensor import Tensor, _wrap


class SparseGrad(Tensor):
    """An embedding table's gradient under ``sparse=True``: dense values (zero outside the rows looked up) that
    also know which rows were looked up, so optimizers can tell it apart (``is_sparse``) and read only those
    rows, as with PyTorch's sparse COO gradient (``coalesce()``, ``_indices()``, ``_values()``, ``to_dense()``)."""

    __slots__ = ()
    is_sparse = True

    def _rows(self):
        return self._extra["sparse_rows"]

    def coalesce(self):
        return self

    def is_coalesced(self):
        return True

    def _indices(self):
        """The rows looked up, sorted and without repeats, as a (1, nnz) int64 tensor."""
        return _wrap(self._rows().reshape(1, -1))

    def _values(self):
        """The gradient of each row in ``_indices()``: an (nnz, embedding_dim) tensor."""
        return _wrap(self._array[self._rows()])

    indices, values = _indices, _values

    def _nnz(self):
        return self._rows().size

    def to_dense(self):
        return Tensor._own_copy(self)

    def detach(self):
        return sparse_grad(Tensor.detach(self), self._rows())

    def zero_(self):
        """Zero, as a sparse gradient with no rows (what ``zero_grad(set_to_none=False)`` leaves in PyTorch)."""
        Tensor.zero_(self)
        self._extra["sparse_rows"] = self._rows()[:0]
        return self

    def _own_copy(self):
        return sparse_grad(Tensor._own_copy(self), self._rows())

    def _accumulate_(self, other):
        """Adding another sparse gradient unites the rows; adding a dense one makes the sum dense, as in PyTorch."""
        Tensor._accumulate_(self, other)
        if isinstance(other, SparseGrad):
            self._extra["sparse_rows"] = xp_of(self._array).union1d(self._rows(), other._rows())
        else:
            self.__class__ = Tensor
            del self._extra["sparse_rows"]


def sparse_grad(grad, rows):
    """``grad`` (a dense Tensor) marked as the sparse gradient of the table ``rows`` (unique, sorted) of it."""
    grad.__class__ = SparseGrad
    grad._extras()["sparse_rows"] = rows
    return grad


def check_indices(name, indices):
    if indices.dtype.kind not in "iu" or indices.dtype.itemsize not in (4, 8):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{dtypes.scalar_type_name(indices.dtype)}Tensor instead (while "
                           f"checking arguments for {name})")


def table_grad(row_grads, indices, num_weights, padding_idx, scale_grad_by_freq, sparse):
    """The gradient of an embedding table from the gradients of the rows it handed out at ``indices`` (an
    int array): nothing for the padding row; divided by each index's frequency under ``scale_grad_by_freq``."""
    xp = xp_of(indices)
    used = indices if padding_idx is None else indices[indices != padding_idx]
    if padding_idx is not None:
        row_grads = row_grads.masked_fill(_wrap((indices == padding_idx)[:, None]), 0)
    if scale_grad_by_freq:
        counts = xp.bincount(indices, minlength=num_weights)[indices]
        row_grads = row_grads / _wrap(counts[:, None].astype(row_grads._array.dtype))
    grad = RowSums.apply(row_grads, indices, num_weights)
    return sparse_grad(grad, xp.unique(used).astype(xp.int64, copy=False)) if sparse else grad


class RowSums(Op):
    """A (num_weights, D) table whose row r is the sum of the rows of ``row_grads`` looked up at r (PyTorch's
    embedding_dense_backward)."""

    _node_name = "EmbeddingDenseBackwardBackward0"
    _num_inputs = 1
    _PASSES = 8  # repeats of one index added pass by pass; the rest of a frequent index's rows in one reduceat

    @staticmethod
    def forward(ctx, row_grads, indices, num_weights):
        xp = xp_of(row_grads)
        ctx.indices = indices
        out = xp.zeros((num_weights, row_grads.shape[1]), row_grads.dtype)
        if not indices.size:
            return out
        order = xp.argsort(indices, kind="stable")
        ordered, rows = indices[order], row_grads[order]
        starts = xp.flatnonzero(xp.concatenate(([True], ordered[1:] != ordered[:-1])))
        # each row's place among the rows of its index: a pass adds the k-th ones, which never collide
        repeat = xp.arange(ordered.size) - xp.repeat(starts, xp.diff(xp.append(starts, ordered.size)))
        for k in range(min(int(repeat.max()) + 1, RowSums._PASSES)):
            kth = repeat == k
            out[ordered[kth]] += rows[kth]
        rest = repeat >= RowSums._PASSES
        if rest.any():
            ordered, rows = ordered[rest], rows[rest]
            starts = xp.flatnonzero(xp.concatenate(([True], ordered[1:] != ordered[:-1])))
            out[ordered[starts]] += xp.add.reduceat(rows, starts, axis=0)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.index_select(0, _wrap(ctx.indices))


class Embedding(Op):
    """Rows of ``weight`` at ``indices``: output of shape ``indices.shape + (embedding_dim,)``."""

    _node_name = "EmbeddingBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq, sparse):
        check_indices("embedding", indices)
        if weight.ndim != 2:
            raise RuntimeError("'weight' must be 2-D")
        flat = indices.reshape(-1)
        check_range(flat, weight.shape[0])
        ctx.indices, ctx.num_weights = flat, weight.shape[0]
        ctx.padding_idx, ctx.scale_grad_by_freq, ctx.sparse = padding_idx, scale_grad_by_freq, sparse
        return xp_of(weight).take(weight, flat, axis=0).reshape(indices.shape + weight.shape[1:])

    @staticmethod
    def backward(ctx, grad):
        if ctx.sparse and ctx.scale_grad_by_freq:
            raise RuntimeError("embedding_backward: scale_grad_by_freq not supported with sparse gradients")
        return table_grad(grad.reshape(-1, grad.shape[-1]), ctx.indices, ctx.num_weights, ctx.padding_idx,
                          ctx.scale_grad_by_freq, ctx.sparse)


def check_range(indices, num_weights):
    bad = (indices < 0) | (indices >= num_weights)
    if bad.any():
        raise IndexError(f"index out of range in self: embedding index {int(indices[bad][0])} is not in "
                         f"[0, {num_weights}) (num_embeddings={num_weights})")


class EmbeddingBag(Op):
    """Per bag (a run of ``indices`` starting at each offset) the sum, mean or max of the rows of ``weight``."""

    _node_name = "EmbeddingBagBackward0"
    _num_inputs = 2

    @staticmethod
    def forward(ctx, weight, per_sample_weights, indices, offsets, mode, padding_idx, include_last_offset,
                scale_grad_by_freq, sparse):
        xp = xp_of(weight)
        check_indices("embedding_bag", indices)
        check_indices("embedding_bag", offsets)
        indices, starts = _bags(indices, offsets, include_last_offset)
        _check_bag_indices(indices, weight.shape[0])
        bag_of = xp.searchsorted(starts, xp.arange(indices.size), side="right") - 1
        valid = indices != padding_idx if padding_idx is not None else xp.ones(indices.shape, bool)
        rows = xp.take(weight, indices, axis=0)
        ctx.indices, ctx.bag_of, ctx.valid, ctx.num_weights = indices, bag_of, valid, weight.shape[0]
        ctx.mode, ctx.padding_idx, ctx.scale_grad_by_freq, ctx.sparse = mode, padding_idx, scale_grad_by_freq, sparse
        ctx.save_for_backward(weight, per_sample_weights)
        if mode == "max":
            return _bag_max(ctx, rows, indices, starts, bag_of, valid)
        if per_sample_weights is not None:
            rows = rows * per_sample_weights[:, None]
        out = _bag_sums(xp.where(valid[:, None], rows, 0), starts)
        if mode == "mean":
            ctx.counts = xp.bincount(bag_of[valid], minlength=starts.size)
            out /= xp.maximum(ctx.counts, 1)[:, None].astype(out.dtype)
        return out

    @staticmethod
    def backward(ctx, grad):
        weight, per_sample_weights = ctx.saved_tensors
        if ctx.mode == "max":
            return _max_table_grad(ctx, grad), None
        bag_of = _wrap(ctx.bag_of)
        per_row = grad.index_select(0, bag_of)
        if ctx.mode == "mean":
            per_row = per_row / _wrap(ctx.counts[ctx.bag_of][:, None].astype(grad._array.dtype))
        need_weight, need_samples = ctx.needs_input_grad
        weighted = per_row if per_sample_weights is None else per_row * per_sample_weights.unsqueeze(1)
        weight_grad = table_grad(weighted, ctx.indices, ctx.num_weights, ctx.padding_idx, ctx.scale_grad_by_freq,
                                 ctx.sparse) if need_weight else None
        sample_grad = None
        if need_samples:
            sample_grad = (per_row * weight.index_select(0, _wrap(ctx.indices))).sum(1).masked_fill(
                _wrap(~ctx.valid), 0)
        return weight_grad, sample_grad


def _bags(indices, offsets, include_last_offset):
    """The indices that belong to some bag and the start of each bag, checked as PyTorch checks offsets."""
    xp = xp_of(indices)
    n = indices.size
    if offsets.size and offsets[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {int(offsets[0])}")
    if offsets.size and offsets[-1] > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of "
                           f"{int(offsets[-1])}")
    if (xp.diff(offsets) < 0).any():
        raise RuntimeError(f"embedding_bag: offsets must be non-decreasing, but got {offsets.tolist()}")
    if include_last_offset:
        return indices[:int(offsets[-1]) if offsets.size else 0], offsets[:-1]
    return indices, offsets


def _check_bag_indices(indices, num_weights):
    bad = (indices < 0) | (indices >= num_weights)
    if bad.any():
        i = int(xp_of(indices).flatnonzero(bad)[0])
        raise RuntimeError(f"embedding_bag: Index {i} of input takes value {int(indices[i])} which is not in the "
                           f"valid range [0, {num_weights})")


def _bag_sums(rows, starts):
    """The sum of each bag's rows (zero for an empty bag): one reduceat over the bags that hold something."""
    xp = xp_of(rows)
    out = xp.zeros((starts.size, rows.shape[1]), rows.dtype)
    full = _nonempty(starts, rows.shape[0])
    if full.any():
        out[full] = xp.add.reduceat(rows, starts[full], axis=0)
    return out


def _nonempty(starts, n):
    xp = xp_of(starts)
    return starts < xp.append(starts[1:], n)


def _bag_max(ctx, rows, indices, starts, bag_of, valid):
    """Each bag's column-wise maximum (zero for a bag without valid rows), remembering which row gave it."""
    xp = xp_of(rows)
    n, bags = rows.shape[0], starts.size
    lowest = xp.asarray(-xp.inf, rows.dtype)
    out = xp.full((bags, rows.shape[1]), lowest)
    full = _nonempty(starts, n)
    if full.any():
        out[full] = xp.maximum.reduceat(xp.where(valid[:, None], rows, lowest), starts[full], axis=0)
    # the first row that reaches the maximum is the one PyTorch credits (it keeps a strictly greater one)
    position = xp.where((rows == out[bag_of]) & valid[:, None], xp.arange(n)[:, None], n)
    first = xp.full(out.shape, n)
    if full.any():
        first[full] = xp.minimum.reduceat(position, starts[full], axis=0)
    found = first < n
    ctx.max_rows = xp.where(found, xp.append(indices, -1)[first], -1)
    return xp.where(found, out, 0).astype(rows.dtype, copy=False)


def _max_table_grad(ctx, grad):
    """Each bag's gradient goes, column by column, to the row that held the maximum."""
    empty = ctx.max_rows < 0
    rows = _wrap(ctx.max_rows.clip(0))
    return grad.new_zeros((ctx.num_weights, grad.shape[1])).scatter_add(0, rows, grad.masked_fill(_wrap(empty), 0))


def embedding_renorm_(weight, indices, max_norm, norm_type):
    """Rescale, in place and unrecorded, each looked-up row of ``weight`` whose norm exceeds ``max_norm``."""
    xp = xp_of(weight._array)
    if weight.dim() != 2:
        raise RuntimeError(f"Expected 2-dimensional tensor, but got {weight.dim()}-dimensional tensor for argument "
                           f"#1 'self' (while checking arguments for embedding_renorm_)")
    check_indices("embedding_renorm_", indices._array)
    check_range(indices._array, weight.shape[0])
    rows = xp.unique(indices._array)
    picked = weight._array[rows]
    norms = _wrap(picked).norm(norm_type, 1, keepdim=True)._array.astype(xp.float64)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    weight._array[rows] = picked * scale.astype(picked.dtype)
    weight._version_counter[0] += 1
    return weight
