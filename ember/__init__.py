"""ember: a deep learning framework with PyTorch's API, written in Python on NumPy.

``import ember as torch`` and a PyTorch program runs and prints the same numbers.
"""
import builtins as _builtins

import numpy as _np

from . import dtypes as _dtypes
from .dtypes import (bool, double, dtype, float, float16, float32, float64, half, int, int8, int16, int32,  # noqa: A004
                     int64, long, short, uint8, get_default_dtype, set_default_dtype, promote_types)
from .device import device
from .tensor import Size, Tensor
from ._tensor_str import set_printoptions
from . import autograd
from .autograd import enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled
from .autograd.grad_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled, set_anomaly_enabled
from . import creation, random  # noqa: F401 - ember.random is a public module, as torch.random
from .ops import exports as _exports
from . import return_types
from . import linalg
from . import cuda

globals().update(_exports("FUNCTIONS_AND_METHODS"))
globals().update(_exports("FUNCTIONS"))


def result_type(tensor1, tensor2):
    """The dtype an arithmetic op on these two operands returns (PyTorch's promotion)."""
    from .ops.promotion import operand_dtype
    return operand_dtype(tensor1, tensor2)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def numel(input):
    return input.numel()


def detach(input):
    return input.detach()


class finfo:
    """Machine limits of a floating point dtype (``finfo(float32).eps``), as python floats like PyTorch's."""

    def __init__(self, type=None):  # noqa: A002 - PyTorch's argument name
        type = type or get_default_dtype()
        if not type.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = _np.finfo(type.np)
        self.dtype, self.bits = type.name, info.bits
        self.eps, self.max, self.min = (_builtins.float(v) for v in (info.eps, info.max, info.min))
        self.tiny = self.smallest_normal = _builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype (``iinfo(int32).max``)."""

    def __init__(self, type):  # noqa: A002
        if type.is_floating_point or type is _dtypes.bool:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        info = _np.iinfo(type.np)
        self.dtype, self.bits, self.min, self.max = type.name, info.bits, _builtins.int(info.min), _builtins.int(info.max)

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


class _LegacyTensorType(type):
    """``isinstance(t, torch.FloatTensor)`` is true for a float32 tensor, as in PyTorch."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype


def _typed_tensor_class(name, dt):
    """Legacy constructors such as ``torch.FloatTensor([1, 2])`` or ``torch.LongTensor(3)``."""
    def __new__(cls, *args):
        return Tensor(*args, dtype=dt)
    return _LegacyTensorType(name, (), {"__new__": __new__, "dtype": dt})


FloatTensor = _typed_tensor_class("FloatTensor", float32)
DoubleTensor = _typed_tensor_class("DoubleTensor", float64)
HalfTensor = _typed_tensor_class("HalfTensor", float16)
LongTensor = _typed_tensor_class("LongTensor", int64)
IntTensor = _typed_tensor_class("IntTensor", int32)
ShortTensor = _typed_tensor_class("ShortTensor", int16)
CharTensor = _typed_tensor_class("CharTensor", int8)
ByteTensor = _typed_tensor_class("ByteTensor", uint8)
BoolTensor = _typed_tensor_class("BoolTensor", bool)

from . import nn  # noqa: E402,F401 - torch.nn is there after a plain ``import torch``
from .serialization import load, save  # noqa: E402
from . import optim  # noqa: E402,F401
from . import utils  # noqa: E402,F401 - torch.utils.data is there after a plain ``import torch``

__version__ = "0.1.0"
