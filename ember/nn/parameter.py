"""nn.Parameter (a Tensor a Module registers as trainable state), nn.Buffer, and the uninitialized parameters and
buffers of lazy modules."""
from ..tensor import Tensor, _wrap


def _alias(data, cls, requires_grad):
    """A tensor of class ``cls`` sharing ``data``'s memory and version counter, detached from its graph."""
    t = data.detach()
    t.__class__ = cls
    t.requires_grad_(requires_grad)
    return t


class Parameter(Tensor):
    """A Tensor that a Module registers as a parameter when assigned as one of its attributes."""

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..creation import empty
            data = empty(0)
        return _alias(data, cls, requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __str__(self):
        return repr(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (type(self), self._array, self._requires_grad))


def _rebuild_parameter(cls, array, requires_grad):
    return cls(_wrap(array), requires_grad)


class _BufferMeta(type):
    """``isinstance(t, Buffer)`` holds for the plain tensors Buffer() returns, as in PyTorch."""

    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, Tensor) and bool(instance._extra) and "buffer_persistent" in instance._extra
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Marks a tensor to be registered as a buffer when assigned to a Module attribute."""

    __slots__ = ()

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from ..creation import empty
            data = empty(0)
        t = data.detach().requires_grad_(data.requires_grad)
        t._extras()["buffer_persistent"] = persistent
        return t


def buffer_persistence(tensor):
    """The ``persistent`` flag a Buffer() marker carries (True for plain tensors)."""
    return tensor._extra.get("buffer_persistent", True) if tensor._extra else True


class _UninitializedTensor:
    """What UninitializedParameter and UninitializedBuffer share: no shape until ``materialize(shape)`` gives them
    data and turns them into ``cls_to_become``."""

    __slots__ = ()
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Give this tensor uninitialized data of ``shape`` (dtype and device kept unless given)."""
        from ..creation import empty
        self._array = empty(shape, dtype=dtype or self.dtype, device=device or self.device)._array
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def size(self, dim=None):
        return self.shape

    def numel(self):
        raise ValueError(f"Attempted to use an uninitialized parameter in {type(self).__name__}.numel. This error "
                         "happens when you are using a `LazyModule` or explicitly manipulating "
                         f"`torch.nn.parameter.{type(self).__name__}` objects. When using LazyModules Call "
                         "`forward` with a dummy batch to initialize the parameters before calling torch functions")

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to initialize "
                           "the parameters before calling `module.share_memory()`.")

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def __reduce_ex__(self, protocol):
        return (type(self), (self._requires_grad,))


class UninitializedParameter(_UninitializedTensor, Parameter):
    """A parameter whose shape is not known yet (lazy modules); ``materialize(shape)`` makes it a Parameter."""

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from ..creation import empty
        return _alias(empty(0, dtype=dtype, device=device), cls, requires_grad)


class UninitializedBuffer(_UninitializedTensor, Tensor):
    """A buffer whose shape is not known yet (lazy modules); ``materialize(shape)`` makes it a plain Tensor."""

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        from ..creation import empty
        t = _alias(empty(0, dtype=dtype, device=device), cls, requires_grad)
        t._extras()["buffer_persistent"] = persistent
        return t


def is_lazy(param):
    """Whether ``param`` is an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, _UninitializedTensor)
