"""Tensor: one array plus autograd state; views share memory and a version counter with their base."""
import weakref

import numpy

from . import autograd as _autograd
from . import dtypes
from ._tensor_str import format_tensor
from .autograd import function as _function
from .autograd.node import AccumulateGrad, _ordered, add_hook
from .backend import check_device, device_of, ndarray
from .device import device as _device_cls

_new = object.__new__
_FROM_NP = dtypes._FROM_NP

_LEGACY_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
                 "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor",
                 "uint8": "ByteTensor", "bool": "BoolTensor"}


def _wrap(array, requires_grad=False, grad_fn=None, output_nr=0):
    """A new Tensor around ``array`` (no copy). The fast constructor every op uses."""
    if type(array) is not ndarray:
        array = _as_array(array)
    t = _new(Tensor)
    t._array = array
    t._requires_grad = requires_grad
    t._grad = None
    t._grad_fn = grad_fn
    t._output_nr = output_nr
    t._version_counter = [0]
    t._base = None
    t._extra = None
    return t


def _as_array(x):
    if isinstance(x, ndarray):
        return x
    arr = numpy.asarray(x)
    if arr.dtype == numpy.float64 and not isinstance(x, (numpy.floating, numpy.ndarray)):
        arr = arr.astype(dtypes.get_default_dtype().np)
    return arr


def describe(array, grad_fn, output_nr):
    """How PyTorch's errors name a tensor: ``[torch.FloatTensor [2, 3]], which is output 0 of MulBackward0,``."""
    desc = f"[torch.{_LEGACY_NAMES[array.dtype.name]} [{', '.join(map(str, array.shape))}]]"
    if grad_fn is not None:
        desc += f", which is output {output_nr} of {grad_fn.name()},"
    return desc


def tensor_like_scalar(value, dt):
    """A python number as a 0-d tensor of dtype ``dt`` (used for ``scalar <op> tensor``)."""
    return _wrap(numpy.asarray(value, dtype=dt.np))


def _out(result, out):
    """Honour an ``out=`` argument: write ``result`` into ``out`` (resizing it if needed) and return ``out``."""
    if out is None:
        return result
    if out.shape != result.shape:
        out._array = result._array.astype(out._array.dtype)
    else:
        out._array[...] = result._array
    out._version_counter[0] += 1
    return out


class Tensor:
    __slots__ = ("_array", "_requires_grad", "_grad", "_grad_fn", "_output_nr", "_version_counter", "_base",
                 "_extra", "__weakref__")
    __array_priority__ = 1000  # numpy scalars and arrays defer to the Tensor's operators, as in PyTorch

    def __new__(cls, *args, **kwargs):
        """``Tensor(2, 3)`` (uninitialised float tensor of that size) or ``Tensor([1, 2])`` (float data)."""
        return _legacy_new(cls, args, kwargs)

    # ---- data and metadata ----
    @property
    def dtype(self):
        return _FROM_NP[self._array.dtype]

    @property
    def shape(self):
        return Size(self._array.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._array.shape)
        from .ops.dims import wrap_dim
        return self._array.shape[wrap_dim(dim, self._array.ndim)]

    def dim(self):
        return self._array.ndim

    ndim = property(dim)

    def numel(self):
        return self._array.size

    nelement = numel

    def element_size(self):
        return self._array.itemsize

    @property
    def device(self):
        return device_of(self._array)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    is_sparse = False  # ember.ops.embedding.SparseGrad (an embedding's sparse=True gradient) says True

    @property
    def data(self):
        """The same memory without autograd history (its own version counter, as in PyTorch)."""
        return _wrap(self._array)

    @data.setter
    def data(self, value):
        self._array = value._array

    @property
    def T(self):
        return self.permute(tuple(range(self._array.ndim - 1, -1, -1)))

    @property
    def mT(self):
        return self.transpose(-2, -1)

    @property
    def _version(self):
        return self._version_counter[0]

    def is_floating_point(self):
        return self._array.dtype.kind == "f"

    def is_contiguous(self, memory_format=None):
        return self._array.flags.c_contiguous

    def data_ptr(self):
        return self._array.__array_interface__["data"][0]

    def stride(self, dim=None):
        strides = _contiguous_strides(self._array.shape) if self._array.size == 0 else \
            tuple(s // self._array.itemsize for s in self._array.strides)
        return strides if dim is None else strides[dim]

    def storage_offset(self):
        base = self._array.base if self._array.base is not None else self._array
        return (self.data_ptr() - base.__array_interface__["data"][0]) // self._array.itemsize \
            if isinstance(base, ndarray) else 0

    def _describe(self):
        return describe(self._array, self._grad_fn, self._output_nr)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        """The legacy type name (``torch.FloatTensor``) or, given a dtype, this tensor converted to it."""
        if dtype is None:
            return "torch." + _LEGACY_NAMES[self._array.dtype.name]
        if isinstance(dtype, str):
            dtype = _legacy_dtype(dtype)
        elif isinstance(dtype, type):
            dtype = dtype.dtype
        return self.to(dtype)

    # ---- autograd state ----
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if value and self._array.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        if self._grad_fn is not None and not requires_grad:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                               "computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        if requires_grad and self._array.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad) or self._grad_fn is not None
        return self

    @property
    def grad(self):
        if self._grad_fn is not None and self._grad is None and not self.retains_grad:
            _warn_non_leaf_grad()
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor are "
                                   "the same size")
        self._grad = value

    @property
    def grad_fn(self):
        if self._base is not None and self._version_counter[0] and self._base[0]._grad_fn is not None:
            _function._refresh_view(self)
        return self._grad_fn

    @property
    def is_leaf(self):
        return self._grad_fn is None

    @property
    def retains_grad(self):
        return bool(self._extra and self._extra.get("retains_grad"))

    @property
    def _hooks(self):
        return self._extra.get("hooks") if self._extra else None

    @property
    def _post_acc_hooks(self):
        return self._extra.get("post_acc_hooks") if self._extra else None

    def _extras(self):
        if self._extra is None:
            self._extra = {}
        return self._extra

    def _grad_accumulator(self):
        """The AccumulateGrad node of this leaf; kept weakly, like PyTorch, so it dies with the graph."""
        ref = self._extra.get("grad_acc") if self._extra else None
        node = ref() if ref is not None else None
        if node is None:
            node = AccumulateGrad(self)
            self._extras()["grad_acc"] = weakref.ref(node)
        return node

    def _set_history(self, grad_fn, output_nr=0):
        self._grad_fn, self._output_nr = grad_fn, output_nr
        self._requires_grad = grad_fn is not None or self._requires_grad

    def retain_grad(self):
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is not None and not self.retains_grad:
            self._grad_fn._retain(self._output_nr, self)
            self._extras()["retains_grad"] = True

    def register_hook(self, hook):
        """``hook(grad)`` runs when this tensor's gradient is computed; a returned tensor replaces the gradient."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            return self._grad_fn._add_tensor_hook(self._output_nr, hook)
        return add_hook(self._extras().setdefault("hooks", _ordered()), hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        return add_hook(self._extras().setdefault("post_acc_hooks", _ordered()), hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """The same memory and version counter, cut off from the graph."""
        t = _wrap(self._array)
        t._version_counter = self._version_counter
        return t

    def detach_(self):
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._grad_fn, self._requires_grad, self._output_nr = None, False, 0
        return self

    def _own_copy(self):
        """A tensor owning a fresh contiguous copy of this data (what .grad stores)."""
        return _wrap(numpy.array(self._array, copy=True, order="C") if type(self._array) is ndarray
                     else self._array.copy())

    def _accumulate_(self, other):
        """self += other on the raw arrays (gradient accumulation outside of any graph)."""
        if self._array.flags.writeable:
            self._array += other._array
        else:
            self._array = self._array + other._array
        self._version_counter[0] += 1

    # ---- conversion ----
    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return self._array

    def __array__(self, dtype=None, copy=None):
        arr = self._array if dtype is None else self._array.astype(dtype, copy=False)
        return arr.copy() if copy and arr is self._array else arr

    def item(self):
        if self._array.size != 1:
            raise RuntimeError(f"a Tensor with {self._array.size} elements cannot be converted to Scalar")
        return self._array.reshape(()).item()

    def tolist(self):
        return self._array.tolist()

    def _only_element(self):
        if self._array.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._array.reshape(()).item()

    def __float__(self):
        return float(self._only_element())

    def __int__(self):
        return int(self._only_element())

    def __index__(self):
        if self._array.dtype.kind not in "iub" or self._array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._array.reshape(()))

    def __bool__(self):
        if self._array.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'more than one value' if self._array.size else 'no values'} is ambiguous")
        return bool(self._array.reshape(()))

    def __len__(self):
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    def __iter__(self):
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._array, self._requires_grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may "
                               "be because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        new = _wrap(self._array.copy(), self._requires_grad)
        new.__class__ = type(self)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    def __repr__(self, *, tensor_contents=None):
        dev = self.device
        return format_tensor(self._array, self._array.dtype.name, dtypes.get_default_dtype().name,
                             self._requires_grad and self._grad_fn is None,
                             self.grad_fn.name() if self._grad_fn is not None else None,
                             None if dev.type == "cpu" else str(dev))

    __str__ = __repr__

    def __format__(self, spec):
        if self._array.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    # ---- device and dtype moves ----
    def to(self, *args, **kwargs):
        """to(dtype) / to(device) / to(device, dtype) / to(other): self when nothing changes, as in PyTorch."""
        dev, dt, copy = _parse_to(args, kwargs)
        check_device(dev)
        if dt is None or dt.np == self._array.dtype:
            return self.clone() if copy else self
        from .ops.conversion import ToCopy
        return ToCopy.apply(self, dt.np)

    def cpu(self, memory_format=None):
        return self

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        check_device("cuda" if device is None else device if not isinstance(device, int) else f"cuda:{device}")

    def float(self, memory_format=None):  # noqa: A003
        return self.to(dtypes.float32)

    def double(self, memory_format=None):
        return self.to(dtypes.float64)

    def half(self, memory_format=None):
        return self.to(dtypes.float16)

    def long(self, memory_format=None):
        return self.to(dtypes.int64)

    def int(self, memory_format=None):  # noqa: A003
        return self.to(dtypes.int32)

    def short(self, memory_format=None):
        return self.to(dtypes.int16)

    def char(self, memory_format=None):
        return self.to(dtypes.int8)

    def byte(self, memory_format=None):
        return self.to(dtypes.uint8)

    def bool(self, memory_format=None):  # noqa: A003
        return self.to(dtypes.bool)

    def type_as(self, other):
        return self.to(other.dtype)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from .creation import tensor
        return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_zeros(self, *shape, size=None, dtype=None, device=None, requires_grad=False):
        from .creation import zeros
        return zeros(*shape, size=size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_ones(self, *shape, size=None, dtype=None, device=None, requires_grad=False):
        from .creation import ones
        return ones(*shape, size=size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from .creation import full
        return full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_empty(self, *shape, size=None, dtype=None, device=None, requires_grad=False):
        from .creation import empty
        return empty(*shape, size=size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


def _contiguous_strides(shape):
    """PyTorch's strides for a contiguous tensor (numpy gives empty arrays zero strides)."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _warn_non_leaf_grad():
    import warnings
    warnings.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                  "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                  "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf "
                  "Tensor by mistake, make sure you access the leaf Tensor instead. See "
                  "github.com/pytorch/pytorch/pull/30531 for more information.", UserWarning, stacklevel=3)


def _rebuild(array, requires_grad):
    return _wrap(array, requires_grad)


def _legacy_dtype(name):
    for key, legacy in _LEGACY_NAMES.items():
        if name in (f"torch.{legacy}", legacy):
            return dtypes._BY_NAME[key]
    raise ValueError(f"invalid type: '{name}'")


def _legacy_new(cls, args, kwargs):
    from .creation import empty, tensor
    dt = kwargs.pop("dtype", None) or dtypes.get_default_dtype()
    if len(args) == 1 and isinstance(args[0], Size):
        args = tuple(args[0])
    if len(args) == 1 and not isinstance(args[0], (int, numpy.integer)):
        t = args[0] if isinstance(args[0], Tensor) else tensor(args[0], dtype=dt)
    else:
        t = empty(*(args or (0,)), dtype=dt)
    if cls is not Tensor:
        t.__class__ = cls
    return t


def _parse_to(args, kwargs):
    """(device, dtype, copy) from to()'s forms; trailing positional bools are non_blocking and copy."""
    dev = kwargs.get("device")
    dt = kwargs.get("dtype")
    flags = [a for a in args if isinstance(a, bool)]
    for a in args:
        if isinstance(a, Tensor):
            dt, dev = a.dtype, a.device
        elif isinstance(a, dtypes.dtype):
            dt = a
        elif isinstance(a, (str, _device_cls)) or (isinstance(a, int) and not isinstance(a, bool)):
            dev = a if not isinstance(a, int) else f"cuda:{a}"
    return dev, dt, kwargs.get("copy", len(flags) > 1 and flags[1])


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.Size([{', '.join(map(str, self))}])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        out = tuple.__getitem__(self, key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple.__add__(tuple(other), self))

    def __mul__(self, times):
        return Size(tuple.__mul__(self, times))

    __rmul__ = __mul__


_function.bind_tensor(Tensor, _wrap)

from ._tensor_methods import bind_methods  # noqa: E402

bind_methods(Tensor)
