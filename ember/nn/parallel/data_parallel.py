"""DataParallel, as torch.nn.DataParallel: one process, the batch split over the visible devices.

Without CUDA (ember's CPU case) it is what PyTorch's is without CUDA: a wrapper that calls the module, with
``device_ids == []`` and the ``module.`` prefix on state_dict keys. With CUDA the module runs on
``device_ids[0]``, whose placement is checked with PyTorch's error.
"""
import itertools

from ... import cuda
from ...device import device as _device
from ...tensor import Tensor
from ..modules.module import Module


def _device_index(d):
    return d.index if isinstance(d, _device) else int(d)


class DataParallel(Module):
    """Calls ``module`` on the batch, keeping torch's ``device_ids`` / ``output_device`` / ``dim`` interface."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        if not cuda.is_available():
            self.device_ids = []
            return
        if device_ids is None:
            device_ids = list(range(max(cuda.device_count(), 1)))
        self.dim = dim
        self.device_ids = [_device_index(d) for d in device_ids]
        self.output_device = _device_index(self.device_ids[0] if output_device is None else output_device)
        self.src_device_obj = _device("cuda", self.device_ids[0])

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        for t in itertools.chain(self.module.parameters(), self.module.buffers()):
            if t.device != self.src_device_obj:
                raise RuntimeError(f"module must have its parameters and buffers on device {self.src_device_obj} "
                                   f"(device_ids[0]) but found one of them on device: {t.device}")
        inputs, kwargs = _moved(inputs, self.src_device_obj), _moved(kwargs, self.src_device_obj)
        return self.module(*inputs, **kwargs)


def _moved(obj, device):
    """``obj`` with every tensor inside it (nested in tuples, lists and dicts) moved to ``device``."""
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: _moved(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_moved(v, device) for v in obj)
    return obj
