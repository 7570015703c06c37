"""In-place ops: run the op out of place, write the result into the tensor's memory, rebase its history.

An in-place op on a view also changes its base: CopySlices records that on the base's graph and the view
reads itself back out of the base through an AsStridedBackward0 node, as in PyTorch.
"""
from .. import dtypes
from ..autograd.function import Op
from ..autograd.grad_mode import STATE
from ..autograd.node import _SAVED_OUTPUT, _short_name
from ..backend import xp_of
from ..tensor import Tensor, _wrap
from .broadcast import sum_to_shape

_NO_GRAD_VIEW = ("A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given "
                 "that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
                 "moving both the view and the inplace either both inside the no_grad block (if you don't want "
                 "the inplace to be tracked) or both outside (if you want the inplace to be tracked).")


def check_inplace(t, through_view=False):
    """PyTorch's errors for in-place ops that would corrupt gradients (``through_view``: ``t[key] = v``)."""
    if not STATE.enabled:
        return
    if t._base is None:
        if t._requires_grad and t._grad_fn is None:
            raise RuntimeError(f"a {'view of a ' if through_view else ''}leaf Variable that requires grad is being "
                               "used in an in-place operation.")
        return
    root = t._base[0]
    if not root._requires_grad:
        return
    if t._grad_fn is None:
        raise RuntimeError(_NO_GRAD_VIEW)
    if root._grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    if t._grad_fn._multi_output:
        raise RuntimeError(f"Output {t._output_nr} of {_short_name(t._grad_fn)} is a view and is being modified "
                           "inplace. This view is the output of a function that returns multiple views. Such "
                           "functions do not allow the output views to be modified inplace. You should replace the "
                           "inplace operation by an out-of-place one.")


def apply_inplace(self, compute, *others, through_view=False):
    """``self`` becomes ``compute(self, *others)`` in place; gradients flow as if it were out of place."""
    check_inplace(self, through_view)
    record = STATE.enabled and (self._requires_grad or any(
        isinstance(o, Tensor) and o._requires_grad for o in others))
    if not record:
        write_into(self, compute(self, *others))
        return self
    if self._base is not None and self._version_counter[0] and is_stale_view(self):
        regenerate_view(self)
    before = _wrap(self._array.view(), self._requires_grad, self._grad_fn, self._output_nr)
    result = compute(before, *others)
    _keep_saved_values(result._grad_fn, before)
    write_into(self, result)
    _adopt_saved_outputs(result._grad_fn, result, self)
    if self._base is None:
        self._set_history(result._grad_fn, result._output_nr)
    else:
        _rebase_view(self, result)
    return self


def apply_inplace_view(self, view):
    """``self`` becomes ``view(self)`` (``transpose_``, ``unsqueeze_``): it takes the view's shape and history."""
    check_inplace(self)
    result = view(self)
    self._array = result._array
    if result._grad_fn is not None:
        result._grad_fn.__class__ = _inplace_view_node(type(result._grad_fn))
        self._grad_fn, self._output_nr = result._grad_fn, result._output_nr
    if self._base is not None:
        self._base = result._base
    self._version_counter[0] += 1
    return self


_INPLACE_VIEW_NAMES = {"SqueezeBackward0": "SqueezeBackward3", "SqueezeBackward1": "SqueezeBackward4"}
_INPLACE_VIEW_NODES = {}


def _inplace_view_node(node_class):
    """The node class of the in-place form of a view op: PyTorch names it apart (``t_`` gives TBackward1)."""
    if node_class not in _INPLACE_VIEW_NODES:
        name = node_class.__name__
        name = _INPLACE_VIEW_NAMES.get(name, name[:-1] + "1" if name.endswith("0") else name)
        _INPLACE_VIEW_NODES[node_class] = type(name, (node_class,), {"__module__": node_class.__module__})
    return _INPLACE_VIEW_NODES[node_class]


def write_into(self, result):
    """Copy ``result`` into ``self``'s memory (so views see it) and bump the shared version counter."""
    src, dst = result._array, self._array
    if dtypes._FROM_NP[src.dtype]._category > dtypes._FROM_NP[dst.dtype]._category:
        raise RuntimeError(f"result type {dtypes.scalar_type_name(src.dtype)} can't be cast to the desired output type "
                           f"{dtypes.scalar_type_name(dst.dtype)}")
    if src.shape != dst.shape and src.size != dst.size:
        raise RuntimeError(f"output with shape {list(dst.shape)} doesn't match the broadcast shape "
                           f"{list(src.shape)}")
    if not dst.flags.writeable:
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")
    if src is not dst:
        dst[...] = src.reshape(dst.shape)
    self._version_counter[0] += 1


def _keep_saved_values(node, before):
    """If the op saved the tensor it overwrites, give the saved copy its own memory first (PyTorch's
    ``original_self``)."""
    if node is None or not node._saved:
        return
    for entry in node._saved:
        if entry[1] is before:
            before._array = before._array.copy()
            return


def _adopt_saved_outputs(node, result, target):
    """A saved output now lives in ``target``: changing ``target`` in place again must fail backward, as in PyTorch."""
    if node is None or not node._saved:
        return
    node._saved = tuple(
        (_SAVED_OUTPUT, target._array, target._version_counter, target._version_counter[0], None, entry[5])
        if entry[0] == _SAVED_OUTPUT and entry[1] is result._array else entry
        for entry in node._saved)


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
        g_base = ZeroView.apply(grad, ctx.steps) if need_base else None
        return g_base, (replay_view(grad, ctx.steps) if need_result else None)


class ZeroView(Op):
    """A copy of a base-shaped gradient with the view's part zeroed (its own adjoint)."""

    _node_name = "CopySlicesBackward"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, grad, steps):
        ctx.steps = steps
        out = grad.copy()
        replay_view(_wrap(out), steps)._array[...] = 0
        return out

    @staticmethod
    def backward(ctx, grad):
        return ZeroView.apply(grad, ctx.steps)


class AsStrided(Op):
    """A view read back out of its base after an in-place change (PyTorch's AsStridedBackward0)."""

    _node_name = "AsStridedBackward0"
    _num_inputs = 1
    _whole_view = True

    @staticmethod
    def forward(ctx, base, steps):
        ctx.shape, ctx.steps = base.shape, steps
        return replay_view(_wrap(base), steps)._array

    @staticmethod
    def backward(ctx, grad):
        return ScatterView.apply(grad, ctx.shape, ctx.steps)


class ScatterView(Op):
    """The gradient of a view with respect to its base: zeros, with the view's part holding the gradient."""

    _node_name = "AsStridedScatterBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, grad, shape, steps):
        ctx.steps = steps
        out = xp_of(grad).zeros(shape, grad.dtype)
        replay_view(_wrap(out), steps)._array[...] = grad
        return out

    @staticmethod
    def backward(ctx, grad):
        return replay_view(grad, ctx.steps)


def _rebase_view(view, result):
    root, steps = view._base
    old_root = _wrap(root._array, root._requires_grad, root._grad_fn, root._output_nr)
    root._set_history(CopySlices.apply(old_root, result, steps)._grad_fn, 0)
    regenerate_view(view)


def is_stale_view(view):
    """Whether a view's history predates an in-place change of its base, so it must be read from it again."""
    fn = view._grad_fn
    root, steps = view._base
    for _ in steps:
        if fn is None or not fn.next_functions:
            break
        whole = fn._op._whole_view
        fn = fn.next_functions[0][0]
        if whole:
            break
    if fn is None or root._grad_fn is None:
        return False
    return fn is not root._grad_fn


def regenerate_view(view):
    """The view's history becomes an AsStridedBackward0 node on its base's current history."""
    root, steps = view._base
    prev, STATE.enabled = STATE.enabled, True
    try:
        view._set_history(AsStrided.apply(root, steps)._grad_fn, 0)
    finally:
        STATE.enabled = prev


class Fill(Op):
    """``fill_(number)``: the old values get a zero gradient."""

    _node_name = "FillBackward2"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, value):
        return xp_of(a).full_like(a, value)

    @staticmethod
    def backward(ctx, grad):
        return _zeros_like(grad)


class Zero(Fill):
    _node_name = "ZeroBackward0"

    @staticmethod
    def forward(ctx, a):
        return xp_of(a).zeros_like(a)


class FillTensor(Op):
    """``fill_(0-d tensor)``: differentiable in the value."""

    _node_name = "FillBackward3"
    _num_inputs = 2

    @staticmethod
    def forward(ctx, a, value):
        ctx.value_dtype = value.dtype
        return xp_of(a).full_like(a, value)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_value = ctx.needs_input_grad
        return (_zeros_like(grad) if need_a else None,
                sum_to_shape(grad.sum(), (), ctx.value_dtype) if need_value else None)


class Copy(Op):
    """``copy_(src)``: ``src`` broadcast and cast into the tensor; the old values get a zero gradient."""

    _node_name = "CopyBackwards"
    _num_inputs = 2

    @staticmethod
    def forward(ctx, a, src):
        ctx.src_shape, ctx.src_dtype = src.shape, src.dtype
        _check_broadcastable(a.shape, src.shape)
        out = xp_of(a).empty_like(a)
        out[...] = src
        return out

    @staticmethod
    def backward(ctx, grad):
        need_a, need_src = ctx.needs_input_grad
        return (_zeros_like(grad) if need_a else None,
                sum_to_shape(grad, ctx.src_shape, ctx.src_dtype) if need_src else None)


def _zeros_like(t):
    return _wrap(xp_of(t._array).zeros_like(t._array))


def _check_broadcastable(shape, src_shape):
    """PyTorch's error when ``src_shape`` cannot be broadcast to ``shape``."""
    if len(src_shape) > len(shape):
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(src_shape)}")
    for i, (n, m) in enumerate(zip(reversed(shape), reversed(src_shape))):
        if m not in (n, 1):
            dim = len(shape) - 1 - i
            raise RuntimeError(f"The size of tensor a ({n}) must match the size of tensor b ({m}) at non-singleton "
                               f"dimension {dim}")


def fill_(self, value):
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                               "dimensions.")
        return apply_inplace(self, FillTensor.apply, value)
    return apply_inplace(self, lambda t: Fill.apply(t, value))


def zero_(self):
    return apply_inplace(self, Zero.apply)


def copy_(self, src, non_blocking=False):
    return apply_inplace(self, Copy.apply, src)


# ---- what this module exports (see ember/ops/__init__.py) ----
METHODS = {"zero_": zero_, "fill_": fill_, "copy_": copy_}
