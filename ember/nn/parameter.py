"""nn.Parameter (a Tensor a Module registers as trainable state), nn.Buffer and UninitializedParameter."""
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


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet (lazy modules); ``materialize(shape)`` gives it data."""

    __slots__ = ()

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from ..creation import empty
        return _alias(empty(0, dtype=dtype), cls, requires_grad)

    def materialize(self, shape, device=None, dtype=None):
        from ..creation import empty
        self._array = empty(shape, dtype=dtype or self.dtype)._array
        self.__class__ = Parameter

    def __repr__(self):
        return "<UninitializedParameter>"
