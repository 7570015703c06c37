"""Backward-graph nodes (also the ctx of an op), leaf accumulators, saved tensors and hook handles."""
import re
import weakref


_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
          "have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
          "or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time "
          "or if you need to access saved tensors after calling backward.")


class RemovableHandle:
    """Returned by every register_*hook; ``remove()`` takes the hook out again."""

    _next_id = 0

    def __init__(self, hooks_dict):
        self._hooks = weakref.ref(hooks_dict) if hooks_dict is not None else None
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self):
        hooks = self._hooks() if self._hooks is not None else None
        if hooks is not None:
            hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def add_hook(hooks, fn, prepend=False):
    """Store ``fn`` in the ordered dict ``hooks`` and return its handle."""
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


class Node:
    """A node of the backward graph. For ops it is also the ``ctx`` that forward and backward share."""

    _op = None
    _multi_output = False
    next_functions = ()
    _saved = None
    _to_save = None
    _freed = False
    _hooks = None
    _pre_hooks = None
    _tensor_hooks = None
    _retained = None
    _materialize_grads = True
    _non_differentiable = ()
    _dirty = ()

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    # -- ctx API used by forward/backward --
    def save_for_backward(self, *items):
        self._to_save = items

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(_FREED)
        return tuple([_unpack(self, s) for s in self._saved]) if self._saved else ()

    def mark_non_differentiable(self, *outputs):
        self._non_differentiable = tuple(id(o) for o in outputs)

    def mark_dirty(self, *tensors):
        self._dirty = tuple(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        self._materialize_grads = value

    # -- hooks on the node --
    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node computed its input gradients."""
        if self._hooks is None:
            self._hooks = _ordered()
        return add_hook(self._hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node; it may return replacement grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = _ordered()
        return add_hook(self._pre_hooks, fn)

    def _add_tensor_hook(self, output_nr, fn):
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        return add_hook(self._tensor_hooks.setdefault(output_nr, _ordered()), fn)

    def _retain(self, output_nr, tensor):
        if self._retained is None:
            self._retained = {}
        self._retained[output_nr] = tensor

    def _release(self):
        if self._saved is not None:
            self._saved = None
            self._freed = True


def _ordered():
    from collections import OrderedDict
    return OrderedDict()


class AccumulateGrad(Node):
    """The node that adds an incoming gradient into a leaf's ``.grad``."""

    def __init__(self, variable):
        self.variable = variable


class _NullCtx:
    """The ctx forward sees when no graph is recorded: it accepts and forgets everything."""

    needs_input_grad = ()

    def save_for_backward(self, *items):
        pass

    def mark_non_differentiable(self, *outputs):
        pass

    def mark_dirty(self, *tensors):
        pass

    def set_materialize_grads(self, value):
        pass


_SAVED_INPUT, _SAVED_OUTPUT, _SAVED_CONST = 0, 1, 2
_wrap = None  # ember.tensor's Tensor constructor, bound through function.bind_tensor once Tensor exists


def _unpack(node, saved):
    """A saved entry back as a Tensor, after checking nobody changed it in place since it was saved."""
    kind, obj, counter, version, _, output_nr = saved
    if kind == _SAVED_CONST:
        return obj
    if counter[0] != version:
        desc = _saved_description(obj._array, obj.grad_fn, obj._output_nr) if kind == _SAVED_INPUT \
            else _saved_description(obj, node, output_nr)
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"{desc} is at version {counter[0]}; expected version {version} instead. Hint: enable anomaly "
            "detection to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False).")
    if kind == _SAVED_INPUT:
        return obj
    return _wrap(obj, True, node, output_nr)


def _saved_description(array, grad_fn, output_nr):
    """PyTorch's words for a saved tensor: ``[torch.FloatTensor [2]], which is output 0 of Mul,``."""
    from ..tensor import describe
    desc = describe(array, None, 0)
    if grad_fn is not None:
        desc += f", which is output {output_nr} of {_short_name(grad_fn)},"
    return desc


def _short_name(node):
    """How PyTorch names a node in that message: ``Mul`` for MulBackward0, C++ names for its own nodes."""
    name = node.name()
    if name in ("CopySlices", "AccumulateGrad", "CopyBackwards"):
        return "torch::autograd::" + name
    return re.sub(r"Backward\d*$", "", name)
