"""In-place ops: run the op out of place, write the result into the tensor's memory, rebase its history.

An in-place op on a view also changes its base; CopySlices records that on the base's graph, as in PyTorch.
"""
from .. import dtypes
from ..autograd.function import Op
from ..autograd.grad_mode import STATE
from ..tensor import Tensor, _wrap


def check_inplace(t):
    """PyTorch's errors for in-place ops that would corrupt gradients of a leaf."""
    if not (STATE.enabled and t._requires_grad):
        return
    if t._base is None and t._grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    root = t._base[0] if t._base is not None else None
    if root is not None and root._grad_fn is None and root._requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")


def apply_inplace(self, compute, *others):
    """``self`` becomes ``compute(self, *others)`` in place; gradients flow as if it were out of place."""
    check_inplace(self)
    record = STATE.enabled and (self._requires_grad or any(
        isinstance(o, Tensor) and o._requires_grad for o in others))
    if not record:
        write_into(self, compute(self, *others))
        return self
    before = _wrap(self._array, self._requires_grad, self._grad_fn, self._output_nr)
    result = compute(before, *others)
    _keep_saved_values(result._grad_fn, before)
    write_into(self, result)
    if self._base is None:
        self._set_history(result._grad_fn, result._output_nr)
    else:
        _rebase_view(self, result)
    return self


def write_into(self, result):
    """Copy ``result`` into ``self``'s memory (so views see it) and bump the shared version counter."""
    src, dst = result._array, self._array
    if dtypes._FROM_NP[src.dtype]._category > dtypes._FROM_NP[dst.dtype]._category:
        raise RuntimeError(f"result type {_type_name(src.dtype)} can't be cast to the desired output type "
                           f"{_type_name(dst.dtype)}")
    if src.shape != dst.shape and src.size != dst.size:
        raise RuntimeError(f"output with shape {list(dst.shape)} doesn't match the broadcast shape "
                           f"{list(src.shape)}")
    if not dst.flags.writeable:
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")
    if src is not dst:
        dst[...] = src.reshape(dst.shape)
    self._version_counter[0] += 1


def _type_name(np_dtype):
    from .reduction import _torch_name
    return _torch_name(np_dtype)


def _keep_saved_values(node, before):
    """If the op saved the tensor it overwrites, give the saved copy its own memory first."""
    if node is None or not node._saved:
        return
    for entry in node._saved:
        if entry[1] is before:
            before._array = before._array.copy()
            return


def replay_view(t, steps):
    """Re-derive a view from its root tensor by replaying the recorded view ops."""
    for name, args in steps:
        t = getattr(t, name)(*args)
    return t


class CopySlices(Op):
    """The base after an in-place op on one of its views: gradient outside the view goes to the old base."""

    _node_name = "CopySlices"
    _num_inputs = 2

    @staticmethod
    def forward(ctx, base, result, steps):
        ctx.steps = steps
        return base

    @staticmethod
    def backward(ctx, grad):
        need_base, need_result = ctx.needs_input_grad
        g_base = None
        if need_base:
            g_base = grad.detach().clone()
            replay_view(g_base, ctx.steps)._array[...] = 0
        return g_base, (replay_view(grad, ctx.steps) if need_result else None)


def _rebase_view(view, result):
    root, steps = view._base
    before = _wrap(root._array, root._requires_grad, root._grad_fn, root._output_nr)
    out = CopySlices.apply(before, result, steps)
    root._set_history(out._grad_fn, 0)
    fresh = replay_view(root, steps)
    view._set_history(fresh._grad_fn, fresh._output_nr)
