"""DistributedDataParallel, as torch.nn.parallel.DistributedDataParallel, over ember.distributed (MPI)."""
from contextlib import contextmanager

import numpy

from ... import distributed as dist
from ...autograd import is_grad_enabled
from ...backend import xp_of
from ...tensor import Tensor
from ..modules.module import Module
from ._reducer import Reducer, _MB


class DistributedDataParallel(Module):
    """Runs ``module`` on every rank and averages the gradients across ranks during backward.

    At construction the parameters and buffers of rank 0 are copied to every rank; with ``broadcast_buffers``
    rank 0's buffers are copied again before each forward. ``no_sync()`` skips the averaging (gradients
    accumulate locally until the next synchronised backward).
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True, init_sync=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, **kwargs):
        super().__init__()
        self.module = module
        self.process_group = process_group if process_group is not None else dist.process_group.default_group(
            "DistributedDataParallel")
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view, self.static_graph = gradient_as_bucket_view, static_graph
        self.require_backward_grad_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * _MB)
        if init_sync:
            _broadcast_coalesced(list(module.parameters()) + list(module.buffers()), self.process_group)
        self.reducer = Reducer(params, self.process_group, self.bucket_bytes_cap)

    def forward(self, *inputs, **kwargs):
        sync = is_grad_enabled() and self.require_backward_grad_sync
        if sync:
            self.reducer.check_finished()
        if self.broadcast_buffers and self.process_group.size() > 1:
            _broadcast_coalesced(list(self.module.buffers()), self.process_group)
        output = self.module(*inputs, **kwargs)
        if not sync:
            self.reducer.disarm()
        elif self.find_unused_parameters:
            self.reducer.prepare(_used_parameters(output, self.reducer.params))
        else:
            self.reducer.prepare()
        return output

    @contextmanager
    def no_sync(self):
        """Inside, backward leaves gradients un-averaged (accumulating locally); the first backward after it
        averages the accumulated sum."""
        previous, self.require_backward_grad_sync = self.require_backward_grad_sync, False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous


def _broadcast_coalesced(tensors, group):
    """Copy rank 0's values of ``tensors`` to every rank, one broadcast per dtype."""
    by_dtype = {}
    for t in tensors:
        by_dtype.setdefault(t.dtype, []).append(t)
    for same in by_dtype.values():
        flat = numpy.concatenate([_host(t).reshape(-1) for t in same])
        group._comm.Bcast(flat, 0)
        offset = 0
        for t in same:
            n = t.numel()
            t._array[...] = xp_of(t._array).asarray(flat[offset:offset + n]).reshape(t._array.shape)
            offset += n


def _host(tensor):
    array = tensor._array
    return array.get() if hasattr(array, "get") else array


def _used_parameters(output, params):
    """Indices of the parameters the autograd graph of ``output`` reaches."""
    wanted = {id(p): i for i, p in enumerate(params)}
    used, seen = set(), set()
    stack = [t.grad_fn for t in _tensors(output) if t.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        variable = getattr(node, "variable", None)
        if variable is not None and id(variable) in wanted:
            used.add(wanted[id(variable)])
        stack.extend(child for child, _ in node.next_functions if child is not None)
    return used


def _tensors(output):
    """The tensors inside a forward's output (nested in tuples, lists and dicts)."""
    if isinstance(output, Tensor):
        return [output]
    if isinstance(output, dict):
        output = list(output.values())
    if isinstance(output, (list, tuple)):
        return [t for item in output for t in _tensors(item)]
    return []
