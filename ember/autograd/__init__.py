"""ember.autograd: backward, grad, Function, grad modes and gradient checking."""
from . import function as _function
from .function import Function
from .grad_mode import (detect_anomaly, enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                        no_grad, set_detect_anomaly, set_grad_enabled)
from .gradcheck import gradcheck, gradgradcheck
from .engine import run_backward
from ..backend import xp_of


def _as_tuple(x):
    if x is None:
        return None
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _root_grads(tensors, grads):
    """The gradient to start from for each root: given, or ones for a scalar (PyTorch's implicit rule)."""
    Tensor, _wrap = _function.Tensor, _function._wrap
    grads = grads if grads is not None else (None,) * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(tensors)} tensors and {len(grads)} gradients")
    out = []
    for i, (t, g) in enumerate(zip(tensors, grads)):
        if g is None:
            if t._array.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = _wrap(xp_of(t._array).array(1, t._array.dtype).reshape(t._array.shape))
        elif not isinstance(g, Tensor):
            g = _wrap(xp_of(t._array).full_like(t._array, g))
        elif g.shape != t.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has "
                               f"a shape of {t.shape}.")
        out.append(g)
    return out


def _roots(tensors):
    for i, t in enumerate(tensors):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    return [(t._grad_fn, t._output_nr) if t._grad_fn is not None else (t._grad_accumulator(), 0) for t in tensors]


def _edge_of(t):
    return (t._grad_fn, t._output_nr) if t._grad_fn is not None else (t._grad_accumulator(), 0)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None):
    """Accumulate into ``.grad`` of the leaves (or only of ``inputs``) the gradients of ``tensors``."""
    tensors = _as_tuple(tensors)
    grads = _root_grads(tensors, _as_tuple(grad_tensors if grad_tensors is not None else grad_variables))
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    inputs = _as_tuple(inputs)
    if inputs:
        targets = {_edge_of(t): i for i, t in enumerate(inputs)}
        captured = run_backward(_roots(tensors), grads, retain_graph, create_graph, targets, accumulate=False)
        from .engine import _accumulate
        from .grad_mode import STATE
        prev, STATE.enabled = STATE.enabled, create_graph
        try:
            for t, g in zip(inputs, captured):
                if g is not None:
                    _accumulate(t, g, create_graph, hooked=True)
        finally:
            STATE.enabled = prev
        return
    run_backward(_roots(tensors), grads, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned instead of accumulated into ``.grad``."""
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _root_grads(outputs, _as_tuple(grad_outputs))
    if retain_graph is None:
        retain_graph = create_graph
    targets = {}
    for i, t in enumerate(inputs):
        targets.setdefault(_edge_of(t), i)
    captured = run_backward(_roots(outputs), grads, retain_graph, create_graph, targets, accumulate=False)
    result = []
    for i, t in enumerate(inputs):
        g = captured[targets[_edge_of(t)]]
        if g is None:
            if materialize_grads:
                g = t.new_zeros(t.shape)
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
        elif not create_graph:
            g = g.detach()
        result.append(g)
    return tuple(result)


def Variable(data, requires_grad=False, volatile=False):
    """The pre-0.4 wrapper: today a Variable is just a Tensor."""
    if requires_grad:
        data.requires_grad_(True)
    return data


__all__ = ["Function", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled", "gradcheck", "gradgradcheck", "Variable",
           "detect_anomaly", "set_detect_anomaly"]
