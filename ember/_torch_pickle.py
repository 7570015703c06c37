"""PyTorch's pickle dialect: tensors as ``torch._utils`` rebuild calls over storages that are persistent ids.

``TorchPickler`` writes torch's global names without importing torch; ``TorchUnpickler`` maps them back to
ember objects and, for ``weights_only`` loads, refuses every global outside a short allowlist.
"""
import codecs
import collections
import pickle

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import dtypes
from .device import device
from .nn.parameter import Parameter
from .tensor import Size, Tensor, _contiguous_strides, _wrap

try:
    from numpy.lib.array_utils import byte_bounds
except ImportError:  # numpy < 2
    from numpy import byte_bounds


class _Global:
    """A name pickled as ``GLOBAL 'module name'``: how torch's classes and functions are written."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle only writes a REDUCE whose function is callable
        raise TypeError(f"{self.module}.{self.name} is a name written into a checkpoint, not a callable")


_GLOBALS = {}


def _global(module, name):
    key = (module, name)
    if key not in _GLOBALS:
        _GLOBALS[key] = _Global(module, name)
    return _GLOBALS[key]


def _storage_class_name(np_dtype):
    """torch's legacy storage class of a dtype: float32 -> 'FloatStorage'."""
    return dtypes.scalar_type_name(np_dtype) + "Storage"


class _StorageRef:
    """One storage of a checkpoint: ``array`` (flat, typed) is written as the record ``data/<key>``."""

    __slots__ = ("key", "array")

    def __init__(self, key, array):
        self.key, self.array = key, array


def _root(array):
    """The array that owns the memory ``array`` views."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _flat_memory(root, np_dtype):
    """All of ``root``'s memory as one flat read-only array of ``np_dtype``, lowest address first."""
    forward = root[tuple(slice(None, None, -1) if s < 0 else slice(None) for s in root.strides)]
    lo, hi = byte_bounds(root)
    return as_strided(forward, ((hi - lo) // root.itemsize,), (root.itemsize,), writeable=False).view(np_dtype)


def _place(array):
    """(memory owner, element offset, element strides) of ``array``, or None when torch cannot express it."""
    root, itemsize = _root(array), array.itemsize
    lo, hi = byte_bounds(root)
    offset, rest = divmod(array.__array_interface__["data"][0] - lo, itemsize)
    if not array.size or rest or (hi - lo) % itemsize or any(s < 0 or s % itemsize for s in array.strides):
        return None
    return root, offset, tuple(s // itemsize for s in array.strides)


class TorchPickler(pickle._Pickler):
    """Pickles like ``torch.save``: protocol 2, one storage per block of memory, however many tensors view it."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file):
        super().__init__(file, protocol=2)
        self.storages = {}  # (id(memory owner), dtype) -> _StorageRef
        self._owners = []  # keeps every owner alive while pickling, so ids stay unique

    def persistent_id(self, obj):
        if type(obj) is not _StorageRef:
            return None
        return ("storage", _global("torch", _storage_class_name(obj.array.dtype)), obj.key, "cpu", obj.array.size)

    def reducer_override(self, obj):
        if isinstance(obj, Parameter):
            return _global("torch._utils", "_rebuild_parameter"), (obj.detach(), obj.requires_grad,
                                                                    collections.OrderedDict())
        if isinstance(obj, Tensor):
            storage, offset, stride = self._storage_of(obj._array)
            return _global("torch._utils", "_rebuild_tensor_v2"), (storage, offset, tuple(obj.shape), stride,
                                                                    obj.requires_grad, collections.OrderedDict())
        if type(obj) is Size:
            return _global("torch", "Size"), (tuple(obj),)
        if type(obj) is device:
            return _global("torch", "device"), (str(obj),)
        return NotImplemented

    def _storage_of(self, array):
        """(storage, element offset, element strides) of an array; views of one block share its storage."""
        place = _place(array)
        if place is None:
            flat = np.ascontiguousarray(array).reshape(-1)
            return self._new_storage(flat, flat), 0, _contiguous_strides(array.shape)
        owner, offset, strides = place
        storage = self.storages.get((id(owner), array.dtype))
        return storage or self._new_storage(owner, _flat_memory(owner, array.dtype)), offset, strides

    def _new_storage(self, owner, flat):
        storage = _StorageRef(str(len(self.storages)), flat)
        self.storages[(id(owner), flat.dtype)] = storage
        self._owners.append(owner)
        return storage

    def _save_global(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    def _save_dtype(self, obj):
        self.save(_global("torch", obj.name))

    dispatch[_Global] = _save_global
    dispatch[dtypes.dtype] = _save_dtype


# ---- reading ----

class _StorageType:
    """What ``torch.FloatStorage`` (or ``torch.UntypedStorage``) in a persistent id stands for: a dtype."""

    __slots__ = ("dtype",)

    def __init__(self, np_dtype):
        self.dtype = np.dtype(np_dtype)


def _rebuild_tensor(storage, storage_offset, size, stride):
    """A tensor viewing ``storage`` (a flat tensor), bounds-checked so a bad file cannot reach other memory."""
    storage, size, stride = storage._array, tuple(size), tuple(stride)
    extent = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    if min(size + stride + (storage_offset,), default=0) < 0 or storage_offset + extent > storage.size:
        raise RuntimeError(f"ember.load: sizes {list(size)}, strides {list(stride)} and storage offset "
                           f"{storage_offset} are out of bounds for a storage of {storage.size} elements")
    itemsize = storage.itemsize
    return _wrap(np.ndarray(size, storage.dtype, buffer=storage, offset=storage_offset * itemsize,
                            strides=tuple(s * itemsize for s in stride)))


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    tensor = _rebuild_tensor(storage, storage_offset, size, stride)
    tensor._requires_grad = bool(requires_grad)
    return tensor


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    """A Parameter; python attributes torch kept on it have no place on ember's slotted tensors."""
    return Parameter(data, requires_grad)


def _rebuild_from_type_v2(func, new_type, args, state):
    tensor = func(*args)
    if isinstance(new_type, type) and issubclass(new_type, Tensor) and type(tensor) is not new_type:
        tensor.__class__ = new_type
    return tensor


def _torch_names():
    """torch's global names in checkpoints and the ember objects they load as."""
    names = {("torch._utils", f.__name__): f for f in (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_parameter,
                                                      _rebuild_parameter_with_state)}
    names.update({("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
                  ("torch", "Tensor"): Tensor, ("torch.nn.parameter", "Parameter"): Parameter,
                  ("torch", "Size"): Size, ("torch", "device"): device,
                  ("torch", "UntypedStorage"): _StorageType(np.uint8),
                  ("torch.storage", "UntypedStorage"): _StorageType(np.uint8)})
    for dt in dtypes.ALL:
        names[("torch", dt.name)] = dt
        names[("torch", _storage_class_name(dt.np))] = _StorageType(dt.np)
    return names


_TORCH_NAMES = _torch_names()
_SAFE_NAMES = {("collections", "OrderedDict"): collections.OrderedDict, ("collections", "Counter"): collections.Counter,
               ("_codecs", "encode"): codecs.encode, ("builtins", "set"): set, ("builtins", "bytearray"): bytearray,
               ("builtins", "complex"): complex}
_user_safe_globals = {}


def add_safe_globals(safe_globals):
    """Allow these classes or functions in ``ember.load(..., weights_only=True)``, like torch's namesake."""
    for obj in safe_globals:
        _user_safe_globals[(obj.__module__, obj.__qualname__)] = obj


def _weights_only_error(module, name):
    qualified = f"{module}.{name}"
    return pickle.UnpicklingError(
        "Weights only load failed. This file can still be loaded, to do so you have two options, do those steps "
        "only if you trust the source of the checkpoint. \n\t(1) Re-running `ember.load` with `weights_only` set "
        "to `False` will likely succeed, but it can result in arbitrary code execution. Do it only if you got the "
        "file from a trusted source.\n\t(2) Alternatively, to load with `weights_only=True` please check the "
        "recommended steps in the following error message.\n\tWeightsUnpickler error: Unsupported global: GLOBAL "
        f"{qualified} was not an allowed global by default. Please use "
        f"`ember.serialization.add_safe_globals([{qualified}])` to allowlist this global if you trust this "
        "class/function.")


class TorchUnpickler(pickle.Unpickler):
    """Reads a checkpoint's data.pkl; ``storage(dtype, key, location)`` gives the flat array of a storage record.

    A storage loads as a flat tensor of its dtype (ember has no storage class): tensors rebuilt on it view it.
    """

    def __init__(self, file, storage, weights_only, **kwargs):
        super().__init__(file, **kwargs)
        self._storage, self._weights_only = storage, weights_only

    def find_class(self, module, name):
        module = "builtins" if module == "__builtin__" else module
        key = (module, name)
        if key in _TORCH_NAMES:
            return _TORCH_NAMES[key]
        if module == "torch" or module.startswith("torch."):
            raise pickle.UnpicklingError(f"ember.load: the checkpoint uses {module}.{name}, which ember has no "
                                         "equivalent of (ember's dtypes: "
                                         + ", ".join(d.name for d in dtypes.ALL) + ")")
        allowed = _SAFE_NAMES.get(key) or _user_safe_globals.get(key)
        if allowed is not None:
            return allowed
        if self._weights_only:
            raise _weights_only_error(module, name)
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] in ("storage", b"storage")
                and isinstance(pid[1], _StorageType)):
            raise pickle.UnpicklingError(f"ember.load: unknown persistent id in the checkpoint: {pid!r}")
        return _wrap(self._storage(pid[1].dtype, pid[2], pid[3]))
