"""dtypes and PyTorch's type-promotion rules."""
import builtins as _builtins

import numpy as np

_BOOL, _INT, _FLOAT = 0, 1, 2


class dtype:
    """A tensor element type; prints as PyTorch's (``torch.float32``) so programs print the same."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_signed", "_category")

    def __init__(self, name, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.is_floating_point = self.np.kind == "f"
        self.is_signed = self.np.kind in "fi"
        self._category = {"b": _BOOL, "u": _INT, "i": _INT, "f": _FLOAT}[self.np.kind]

    @property
    def is_complex(self):
        return False

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


float16 = dtype("float16", np.float16)
float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = dtype("int16", np.int16)
int32 = dtype("int32", np.int32)
int64 = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)  # noqa: A001 - PyTorch's public name

half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)
_BY_NAME = {d.name: d for d in ALL}
_FROM_NP = {d.np: d for d in ALL}


_SCALAR_TYPE_NAMES = {float16: "Half", float32: "Float", float64: "Double", uint8: "Byte", int8: "Char",
                      int16: "Short", int32: "Int", int64: "Long", bool: "Bool"}


def scalar_type_name(np_dtype):
    """PyTorch's C++ name of a dtype, as its error messages print it ('Float', 'Long', ...)."""
    return _SCALAR_TYPE_NAMES[_FROM_NP[np_dtype]]


def _by_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype):
    """The ember dtype for a numpy dtype; TypeError for types PyTorch lacks."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.") from None


def to_dtype(obj):
    """Accept an ember dtype, a numpy dtype or a python type (float, int, bool) as PyTorch does."""
    if type(obj) is dtype:
        return obj
    return _PY_TYPES.get(obj) or from_numpy_dtype(np.dtype(obj))


_PY_TYPES = {_builtins.float: float64, _builtins.int: int64, _builtins.bool: bool}
_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    if type(d) is not dtype or d not in (float16, float32, float64):
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the default type, got {d}")
    _default[0] = d


def _promote_pair(a, b):
    if a._category != b._category:
        return a if a._category > b._category else b
    return _FROM_NP[np.promote_types(a.np, b.np)]


_PROMOTE = {(a, b): _promote_pair(a, b) for a in ALL for b in ALL}


def promote_types(type1, type2):
    """The smallest dtype both can be cast to, by PyTorch's rules (int with float gives the float)."""
    return _PROMOTE[(type1, type2)]


def scalar_dtype(value):
    """The dtype PyTorch gives a python scalar when it meets a tensor (floats take the default dtype)."""
    if isinstance(value, _builtins.bool):
        return bool
    if isinstance(value, _builtins.int):
        return int64
    if isinstance(value, _builtins.float):
        return _default[0]
    return from_numpy_dtype(np.asarray(value).dtype)


def _combine(higher, lower):
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher is bool or lower.is_floating_point:
        return _PROMOTE[(higher, lower)]
    return higher


def result_type_of(dims, zero_dims, scalars):
    """Combine three priority classes the way PyTorch does: dimensioned tensors, 0-d tensors, python scalars."""
    state = []
    for group in (dims, zero_dims, scalars):
        acc = None
        for d in group:
            acc = d if acc is None else _PROMOTE[(acc, d)]
        state.append(acc)
    return _combine(state[0], _combine(state[1], state[2]))
