"""Function: one class per op, forward on arrays and backward in Tensor ops; also the base of user ops."""
from . import node as _node
from .grad_mode import STATE
from .node import _SAVED_CONST, _SAVED_INPUT, _SAVED_OUTPUT, Node, _NullCtx

_NULL_CTX = _NullCtx()
Tensor = _wrap = None  # bound by ember.tensor once Tensor exists (it imports this module)


def bind_tensor(tensor_cls, wrap):
    global Tensor, _wrap
    Tensor, _wrap = tensor_cls, wrap
    _node._wrap = wrap


class Function:
    """Subclass with ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call with ``apply``.

    A user's Function (this class) receives Tensors in forward, run without recording a graph, as in PyTorch.
    ember's own ops subclass ``Op`` below, whose forward receives raw arrays.
    """

    _node_name = None
    _num_inputs = None   # how many leading arguments can carry gradients; None means all of them
    _unwrap = False
    _whole_view = False  # a node that stands for a whole chain of view ops (AsStridedBackward0)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("_node_name") or cls.__name__ + "Backward"
        cls._backward_cls = type(name, (Node,), {"_op": cls, "__module__": cls.__module__})

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @classmethod
    def apply(cls, *args):
        return _apply(cls, args, cls._num_inputs)

    @classmethod
    def apply_n(cls, n, *args):
        """apply where only the first ``n`` arguments can carry gradients (ops taking a list of tensors)."""
        return _apply(cls, args, n)


class Op(Function):
    """Base of ember's built-in ops: forward gets arrays in place of Tensors and returns arrays."""

    _unwrap = True


def _apply(cls, args, n):
    arrays = []
    for a in args:
        if isinstance(a, Tensor):
            if a._requires_grad and STATE.enabled and (n is None or len(arrays) < n):
                return _apply_recorded(cls, args, len(args) if n is None else n)
            arrays.append(a._array)
        else:
            arrays.append(a)
    if not cls._unwrap:
        return _apply_user_forward(cls, _NULL_CTX, args, len(args) if n is None else n)[0]
    out = cls.forward(_NULL_CTX, *arrays)
    return _wrap_outputs(out, True) if isinstance(out, tuple) else _wrap(out)


def _apply_recorded(cls, args, n):
    """Run forward and build the backward node: the slow path, only when some input requires grad."""
    inputs = args[:n]
    node_cls = cls._backward_cls
    ctx = node_cls.__new__(node_cls)
    needs, edges, fargs = [], [], []
    for a in inputs:
        if isinstance(a, Tensor):
            fargs.append(a._array)
            if a._requires_grad:
                needs.append(True)
                edges.append(_edge(a))
                continue
        else:
            fargs.append(a)
        needs.append(False)
        edges.append(_NO_EDGE)
    ctx.needs_input_grad = tuple(needs)
    ctx.next_functions = tuple(edges)
    if cls._unwrap:
        if n < len(args):
            out = cls.forward(ctx, *fargs, *[a._array if isinstance(a, Tensor) else a for a in args[n:]])
        else:
            out = cls.forward(ctx, *fargs)
        if isinstance(out, tuple):
            outputs = _wrap_outputs(out, True, ctx)
        else:
            outputs = _wrap(out)
            if outputs._array.dtype.kind == "f":
                outputs._requires_grad, outputs._grad_fn = True, ctx
    else:
        outputs, fargs = _apply_user_forward(cls, ctx, args, n)
        out = outputs
    if ctx._to_save is not None:
        ctx._saved = tuple([_save(item, inputs, fargs, out, outputs) for item in ctx._to_save])
        ctx._to_save = None
    return outputs


_NO_EDGE = (None, 0)


def _apply_user_forward(cls, ctx, args, n):
    """A user Function's forward: it sees the input Tensors themselves and runs without recording a graph."""
    prev = STATE.enabled
    STATE.enabled = False
    try:
        out = cls.forward(ctx, *args)
    finally:
        STATE.enabled = prev
    inputs = args[:n]
    if ctx is _NULL_CTX:
        return _wrap_outputs(out, False), inputs
    ctx._input_meta = tuple((a.shape, a.dtype) if isinstance(a, Tensor) else None for a in inputs)
    out = tuple(_own_output(o, inputs, ctx) for o in out) if isinstance(out, tuple) \
        else _own_output(out, inputs, ctx)
    return _wrap_outputs(out, False, ctx), inputs


def _own_output(o, inputs, ctx):
    """An output that is an input: the input itself if forward marked it dirty, else an alias of it."""
    if not any(o is a for a in inputs):
        return o
    if id(o) not in ctx._dirty:
        return o.detach()
    if o._grad_fn is None and o._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
    return o


def _edge(tensor):
    base = tensor._base
    if base is not None and tensor._version_counter[0] and base[0]._grad_fn is not None:
        _refresh_view(tensor)
    fn = tensor._grad_fn
    return (fn, tensor._output_nr) if fn is not None else (tensor._grad_accumulator(), 0)


def _refresh_view(view):
    """A view whose base changed in place since its history was recorded reads itself from the base again.
    (Only a base with history can have changed under the view's; the callers check that first.)"""
    from ..ops.inplace import is_stale_view, regenerate_view
    if is_stale_view(view):
        regenerate_view(view)


def _wrap_outputs(out, unwrap, ctx=None):
    """Outputs as Tensors; float outputs of a recorded op get ``ctx`` as grad_fn, others none."""
    if not isinstance(out, tuple):
        return _wrap_one(out, 0, unwrap, ctx)
    if ctx is not None:
        ctx._multi_output = True
        ctx._out_meta = tuple((o.shape, o.dtype) if isinstance(o, Tensor) or unwrap else None for o in out)
    return tuple(_wrap_one(o, i, unwrap, ctx) for i, o in enumerate(out))


def _wrap_one(o, i, unwrap, ctx):
    if not unwrap:
        if not isinstance(o, Tensor):
            return o
        differentiable = ctx is not None and o.dtype.is_floating_point and id(o) not in ctx._non_differentiable
        o._set_history(ctx if differentiable else None, i)
        return o
    t = _wrap(o)
    if ctx is not None and t.dtype.is_floating_point:
        t._requires_grad, t._grad_fn, t._output_nr = True, ctx, i
    return t


def _save(item, inputs, fargs, out, outputs):
    """Record what forward saved: an input (with its version), an output, or a constant."""
    if item is None or not hasattr(item, "shape"):
        return (_SAVED_CONST, item, None, None, None, 0)
    for t, a in zip(inputs, fargs):
        if item is a and hasattr(t, "_version_counter"):
            return (_SAVED_INPUT, t, t._version_counter, t._version_counter[0], None, 0)
    single = not isinstance(out, tuple)
    for i, (o, t) in enumerate(zip((out,) if single else out, (outputs,) if single else outputs)):
        if item is o or item is t:
            return (_SAVED_OUTPUT, t._array, t._version_counter, t._version_counter[0], None, i)
    return (_SAVED_CONST, item if isinstance(item, Tensor) else _wrap(item), None, None, None, 0)
