"""The one place that knows which array library serves which device."""
import numpy

from ..device import CPU, device
from .memory import keep_freed_memory_for_reuse

ndarray = numpy.ndarray

# PyTorch returns nan/inf silently (log(0), 0/0, overflow); numpy would warn on every such op.
numpy.seterr(all="ignore")
keep_freed_memory_for_reuse()


def xp_of(array):
    """The array module (numpy, or cupy on a GPU) that owns ``array``."""
    return numpy


def device_of(array):
    return CPU


def check_device(dev):
    """Resolve a device argument; a CUDA request fails clearly until the GPU backend exists."""
    if dev is None:
        return CPU
    dev = dev if isinstance(dev, device) else device(dev)
    if dev.type == "cuda":
        raise AssertionError(
            "Torch not compiled with CUDA enabled: ember's GPU backend (CuPy) is not available, "
            f"so tensors cannot be placed on '{dev}'. Use device='cpu'.")
    return dev


def is_cuda_available():
    return False


def zeros_array(shape, np_dtype, dev=CPU):
    return numpy.zeros(shape, np_dtype)
