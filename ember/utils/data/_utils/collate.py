"""default_collate (samples -> a batch) and default_convert (numpy -> tensors, no batching), as PyTorch's."""
import collections.abc
import copy
import re

import numpy

from .... import dtypes
from ....creation import as_tensor, tensor
from ....ops.joining import stack
from ....tensor import Tensor

_STRING_OR_OBJECT_DTYPE = re.compile(r"[SaUO]")  # numpy dtype kinds that have no tensor counterpart

default_collate_err_msg_format = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                                  "lists; found {}")


def default_convert(data):
    """numpy arrays and scalars (also inside mappings, namedtuples and sequences) to tensors; the rest unchanged."""
    if isinstance(data, Tensor):
        return data
    if _is_numpy(data):
        is_text_array = isinstance(data, numpy.ndarray) and _STRING_OR_OBJECT_DTYPE.search(data.dtype.str)
        return data if is_text_array else as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_sequence(data, [default_convert(d) for d in data])
    return data


def _is_numpy(data):
    """A numpy array or numpy scalar, but not a numpy string."""
    return type(data).__module__ == "numpy" and not isinstance(data, (numpy.str_, numpy.bytes_))


def _rebuild_mapping(like, items):
    """A mapping of ``like``'s type holding ``items`` (a plain dict when that type can't be rebuilt)."""
    try:
        if isinstance(like, collections.abc.MutableMapping):
            clone = copy.copy(like)
            clone.update(items)
            return clone
        return type(like)(items)
    except TypeError:
        return items


def _rebuild_sequence(like, items):
    """A sequence of ``like``'s type holding ``items`` (a list when that type can't be rebuilt)."""
    try:
        if isinstance(like, collections.abc.MutableSequence):
            clone = copy.copy(like)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(like)(items)
    except TypeError:
        return items


def collate(batch, *, collate_fn_map=None):
    """Collate a list of samples: ``collate_fn_map`` (type -> function) handles leaf types, containers recurse."""
    elem = batch[0]
    leaf_fn = _leaf_fn(elem, collate_fn_map or {})
    if leaf_fn is not None:
        return leaf_fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild_mapping(elem, {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                                       for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        return columns if isinstance(elem, tuple) else _rebuild_sequence(elem, columns)
    raise TypeError(default_collate_err_msg_format.format(type(elem)))


def _leaf_fn(elem, collate_fn_map):
    """The function for ``elem``'s exact type, else for the first type in the map it is an instance of."""
    if type(elem) in collate_fn_map:
        return collate_fn_map[type(elem)]
    return next((fn for kind, fn in collate_fn_map.items() if isinstance(elem, kind)), None)


def collate_tensor_fn(batch, *, collate_fn_map=None):
    return stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    if _STRING_OR_OBJECT_DTYPE.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    return as_tensor(batch)


def collate_float_fn(batch, *, collate_fn_map=None):
    return tensor(batch, dtype=dtypes.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    """ints give an int64 tensor, bools a bool tensor."""
    return tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {Tensor: collate_tensor_fn, numpy.ndarray: collate_numpy_array_fn,
                          (numpy.bool_, numpy.number, numpy.object_): collate_numpy_scalar_fn,
                          float: collate_float_fn, int: collate_int_fn, str: collate_str_fn, bytes: collate_str_fn}


def default_collate(batch):
    """Stack a list of samples into a batch: tensors, numpy arrays and numbers become tensors with a new first
    dimension; mappings, namedtuples and sequences are collated field by field; strings and bytes stay lists."""
    return collate(batch, collate_fn_map=default_collate_fn_map)
