"""The backward engine: walk the graph from the roots in topological order and deliver gradients."""
import sys

from ..backend import ndarray, xp_of, zeros_array
from . import function as _function
from .function import Op
from .grad_mode import ANOMALY, STATE
from .node import _FREED, AccumulateGrad


class CopyGrad(Op):
    """The copy a leaf's first gradient becomes under ``create_graph`` (PyTorch's CopyBackwards)."""

    _node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, grad):
        return grad.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def _topological_order(roots):
    """Nodes reachable from ``roots``, each before every node it feeds gradients to."""
    order, seen = [], set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, children = stack[-1]
            for child, _ in children:
                if child is not None and child not in seen:
                    seen.add(child)
                    edges = child.next_functions
                    if edges:
                        stack.append((child, iter(edges)))
                        break
                    order.append(child)  # a leaf's accumulator: nothing to walk
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _needed(order, targets):
    """The nodes from which some target can be reached (only those need to run)."""
    needed = set()
    for node in reversed(order):
        if node in targets or any(c in needed for c, _ in node.next_functions if c is not None):
            needed.add(node)
    return needed


def run_backward(roots, root_grads, retain_graph, create_graph, targets=None, accumulate=True):
    """Backpropagate ``root_grads`` from the ``(node, output_nr)`` roots.

    ``targets`` maps ``(node, output_nr)`` to a slot index: their gradients are captured into the returned
    list instead of (``accumulate=False``) or as well as being delivered further.
    """
    buffers = {}
    for (node, nr), grad in zip(roots, root_grads):
        _add_to_buffer(buffers, node, nr, grad)
    order = _topological_order([node for node, _ in roots])
    needed = _needed(order, {node for node, _ in targets}) if targets else None
    captured = [None] * len(targets) if targets else None
    prev = STATE.enabled
    STATE.enabled = create_graph
    try:
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None or (needed is not None and node not in needed):
                continue
            if node._tensor_hooks or node._retained or node._pre_hooks:
                grads = _call_pre_hooks(node, grads)
            leaf = isinstance(node, AccumulateGrad)
            if targets:
                _capture(node, grads, targets, captured)
                if not accumulate and leaf:
                    continue
            if leaf:
                _accumulate(node.variable, grads[0], create_graph)
            else:
                _run_node(node, grads, buffers, retain_graph)
    finally:
        STATE.enabled = prev
    return captured


def _add_to_buffer(buffers, node, nr, grad):
    slots = buffers.get(node)
    if slots is None:
        if not node._multi_output:
            buffers[node] = [grad]
            return
        slots = buffers[node] = [None] * len(node._out_meta)
    slots[nr] = grad if slots[nr] is None else slots[nr] + grad


def _call_pre_hooks(node, grads):
    """Tensor hooks (which may replace a gradient), then retain_grad, then the node's own pre-hooks."""
    if node._tensor_hooks:
        for nr, hooks in node._tensor_hooks.items():
            for hook in tuple(hooks.values()):
                if grads[nr] is not None:
                    new = hook(grads[nr])
                    if new is not None:
                        grads[nr] = new
    if node._retained:
        for nr, tensor in node._retained.items():
            if grads[nr] is not None:
                _accumulate(tensor, grads[nr], STATE.enabled, hooked=True)
    if node._pre_hooks:
        for hook in tuple(node._pre_hooks.values()):
            new = hook(tuple(grads))
            if new is not None:
                grads = list(new)
    return grads


def _capture(node, grads, targets, captured):
    for nr, grad in enumerate(grads):
        slot = targets.get((node, nr))
        if slot is not None:
            captured[slot] = _leaf_hooked(node.variable, grad) if isinstance(node, AccumulateGrad) else grad


def _leaf_hooked(variable, grad):
    extra = variable._extra
    hooks = extra.get("hooks") if extra else None
    if hooks:
        for hook in tuple(hooks.values()):
            new = hook(grad)
            if new is not None:
                grad = new
    return grad


def _accumulate(variable, grad, create_graph, hooked=False):
    """Add ``grad`` into ``variable.grad`` like PyTorch: a fresh tensor first, then in place."""
    if not hooked:
        grad = _leaf_hooked(variable, grad)
    if variable._grad is None:
        if create_graph:
            variable._grad = CopyGrad.apply(grad)
        elif not hooked and _only_engine_holds(grad):
            variable._grad = _function._wrap(grad._array)
        else:
            variable._grad = grad.detach()._own_copy()
    elif create_graph:
        variable._grad = variable._grad + grad
    else:
        variable._grad._accumulate_(grad)
    extra = variable._extra
    post_hooks = extra.get("post_acc_hooks") if extra else None
    if post_hooks:
        for hook in tuple(post_hooks.values()):
            hook(variable)


# References to a leaf's incoming gradient while nothing else holds it: the engine's slot list, _accumulate's and
# _only_engine_holds's arguments, and getrefcount's own.
_ENGINE_REFERENCES = 4


def _only_engine_holds(grad):
    """Whether ``grad`` and its data are the engine's alone (a fresh result that no hook kept and no other tensor
    shares): then .grad takes the array as it is, as torch steals such a gradient, instead of copying it. A
    C-contiguous view of a whole array counts when nothing but the view and its own root tensor refer to that
    array (a reshaped sum, a weight's transposed product)."""
    array = grad._array  # its references then: the tensor's, ``array`` and getrefcount's argument
    if not (type(grad) is _function.Tensor and type(array) is ndarray and array.flags.c_contiguous
            and array.flags.writeable and sys.getrefcount(grad) == _ENGINE_REFERENCES and sys.getrefcount(array) == 3):
        return False
    base = array.base
    if base is None:
        return True
    root = grad._base[0] if grad._base is not None else None
    if root is not None and (root._array is not base or sys.getrefcount(root) != 3):
        return False  # the root tensor is held elsewhere (references: the view's record, ``root``, the argument)
    # the base's references: the view, ``base``, getrefcount's argument, and the root tensor's
    return (type(base) is ndarray and base.base is None and base.size == array.size
            and sys.getrefcount(base) == 3 + (root is not None))


def _run_node(node, grads, buffers, retain_graph):
    if node._freed:
        raise RuntimeError(_FREED)
    if node._multi_output and node._materialize_grads and any(g is None for g in grads):
        grads = _materialize(node, grads)
    op = node._op
    result = op.backward(node, *grads)
    if not isinstance(result, tuple):
        result = (result,)
    if not op._unwrap:
        result = _checked_user_grads(node, result)
    if ANOMALY.enabled and ANOMALY.check_nan:
        _check_nan(node, result)
    if node._hooks:
        for hook in tuple(node._hooks.values()):
            new = hook(result, tuple(grads))
            if new is not None:  # as in torch, a node's post-hook may replace its grad_inputs
                result = tuple(new)
    for (child, nr), grad in zip(node.next_functions, result):
        if child is not None and grad is not None:
            slots = buffers.get(child)
            if slots is None and not child._multi_output:
                buffers[child] = [grad]
            else:
                _add_to_buffer(buffers, child, nr, grad)
    if not retain_graph:
        node._release()


def _materialize(node, grads):
    """Zeros for the outputs of a multi-output node that received no gradient, as PyTorch passes them."""
    from ..tensor import _wrap
    out = list(grads)
    for i, g in enumerate(out):
        if g is None and node._out_meta[i] is not None:
            shape, dtype = node._out_meta[i]
            out[i] = _wrap(zeros_array(shape, getattr(dtype, "np", dtype)))
    return out


def _checked_user_grads(node, result):
    """A user Function's gradients: one per input, each summed to its input's shape and cast to its dtype."""
    n = len(node._input_meta)
    if len(result) != n and (len(result) < n or any(g is not None for g in result[n:])):
        raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients (expected {n}, "
                           f"got {len(result)})")
    return tuple(_checked_user_grad(node, i, grad, meta, needed) for i, (grad, meta, needed)
                 in enumerate(zip(result, node._input_meta, node.needs_input_grad)))


def _checked_user_grad(node, i, grad, meta, needed):
    from ..ops.broadcast import sum_to_shape
    if grad is not None and meta is None:
        raise RuntimeError(f"function {node.name()} returned a gradient different than None at position {i + 1}, "
                           "but the corresponding forward input was not a Variable")
    if grad is None or not needed:
        return None
    shape, dtype = meta
    if grad.shape != shape:
        if not _expandable(shape, grad.shape):
            raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - got "
                               f"{list(grad.shape)} but expected shape compatible with {list(shape)}")
        grad = sum_to_shape(grad, shape)
    return grad if grad.dtype == dtype else grad.to(dtype)


def _expandable(shape, target):
    """Whether a tensor of ``shape`` broadcasts to ``target``."""
    if len(shape) > len(target):
        return False
    return all(n == m or n == 1 for n, m in zip(reversed(shape), reversed(target)))


def _check_nan(node, result):
    for i, grad in enumerate(result):
        if grad is not None and grad.dtype.is_floating_point and bool(xp_of(grad._array).isnan(grad._array).any()):
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
