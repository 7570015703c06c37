"""The gradient reducer behind DistributedDataParallel: buckets of gradients averaged over MPI during backward.

Parameters are packed, in reverse registration order (roughly the order backward produces their gradients),
into flat buckets of at most ``bucket_cap_mb`` (the first one 1 MB, as in PyTorch). Each parameter's
post-accumulate-grad hook copies its gradient into its bucket; when every gradient of a bucket is in, the
bucket's non-blocking MPI allreduce starts while backward goes on computing the rest. Buckets start strictly
in index order, so every rank issues the same collectives in the same order. The hook of the last gradient to
arrive waits for all the buckets and writes the averages back into ``.grad``: by then the backward pass has
delivered every parameter gradient, so no "backward finished" callback is needed from the autograd engine.
"""
import numpy

from ...backend import xp_of
from ...distributed._mpi import mpi
from ...tensor import _wrap

_MB = 1024 * 1024
_FIRST_BUCKET_BYTES = 1 * _MB


class _Bucket:
    __slots__ = ("indices", "offsets", "buffer", "pending", "request")

    def __init__(self, indices, params):
        self.indices = indices
        sizes = [params[i].numel() for i in indices]
        self.offsets = numpy.concatenate([[0], numpy.cumsum(sizes)]).tolist()
        self.buffer = numpy.empty(self.offsets[-1], params[indices[0]].dtype.np)
        self.pending = len(indices)
        self.request = None

    def slot(self, k):
        return self.buffer[self.offsets[k]:self.offsets[k + 1]]


def assign_buckets(params, bucket_cap_bytes):
    """Lists of parameter indices, one per bucket: reverse order, one dtype per bucket, capped in bytes."""
    buckets, open_buckets = [], {}
    for i in reversed(range(len(params))):
        dtype = params[i].dtype
        indices, size = open_buckets.get(dtype, ([], 0))
        indices.append(i)
        size += params[i].numel() * params[i].element_size()
        cap = _FIRST_BUCKET_BYTES if not buckets else bucket_cap_bytes
        if size >= cap:
            buckets.append(indices)
            open_buckets.pop(dtype, None)
        else:
            open_buckets[dtype] = (indices, size)
    buckets.extend(indices for indices, _ in open_buckets.values())
    return buckets


class Reducer:
    """Averages the gradients of ``params`` over the ranks of ``group`` once per armed backward pass."""

    def __init__(self, params, group, bucket_cap_bytes):
        self.params = params
        self.group = group
        self.buckets = [_Bucket(indices, params) for indices in assign_buckets(params, bucket_cap_bytes)]
        self.place = {i: (bucket, k) for bucket in self.buckets for k, i in enumerate(bucket.indices)}
        self.armed = False
        self.ready = [False] * len(params)
        self.next_bucket = 0
        self.used_mask = None
        self.handles = [p.register_post_accumulate_grad_hook(self._hook(i)) for i, p in enumerate(params)]

    def _hook(self, index):
        def on_grad_accumulated(param):
            if self.armed and not self.ready[index]:
                self._mark_ready(index, param._grad._array)
        return on_grad_accumulated

    def check_finished(self):
        """PyTorch's error when the last backward reduced some but not all gradients (unused parameters)."""
        if self.armed and any(self.ready):
            missing = [i for i, r in enumerate(self.ready) if not r]
            raise RuntimeError(
                "Expected to have finished reduction in the prior iteration before starting a new one. This error "
                "indicates that your module has parameters that were not used in producing loss. You can enable "
                "unused parameter detection by passing the keyword argument `find_unused_parameters=True` to "
                "`torch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function outputs "
                f"participate in calculating loss. Parameter indices which did not receive grad: {missing}")

    def prepare(self, used=None):
        """Arm for the next backward; ``used`` (find_unused_parameters) is the set of parameter indices the
        forward pass reached: the others count as ready with a zero gradient."""
        self.armed = True
        self.ready = [False] * len(self.params)
        self.next_bucket = 0
        for bucket in self.buckets:
            bucket.pending = len(bucket.indices)
        self.used_mask = None
        if used is not None:
            self.used_mask = numpy.array([i in used for i in range(len(self.params))], numpy.uint8)
            for i in range(len(self.params)):
                if i not in used:
                    self._mark_ready(i, None)

    def disarm(self):
        self.armed = False

    def _mark_ready(self, index, grad):
        bucket, k = self.place[index]
        slot = bucket.slot(k)
        if grad is None:
            slot[...] = 0
        else:
            slot[...] = (grad.get() if hasattr(grad, "get") else grad).reshape(-1)
        self.ready[index] = True
        bucket.pending -= 1
        if bucket.pending == 0:
            self._launch_ready_buckets()
        elif self.next_bucket:
            # MPI moves a non-blocking allreduce forward only inside MPI calls: poke the ones in flight
            mpi().Request.Testall([b.request for b in self.buckets[:self.next_bucket]])

    def _launch_ready_buckets(self):
        MPI = mpi()
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            bucket = self.buckets[self.next_bucket]
            bucket.request = self.group._comm.Iallreduce(MPI.IN_PLACE, bucket.buffer, MPI.SUM)
            self.next_bucket += 1
        if self.next_bucket == len(self.buckets):
            self._finish()

    def _finish(self):
        """Wait for every bucket and store the averaged gradients into ``.grad``."""
        MPI = mpi()
        self.armed = False
        MPI.Request.Waitall([bucket.request for bucket in self.buckets])
        used = self.used_mask
        if used is not None:
            self.group._comm.Allreduce(MPI.IN_PLACE, used, MPI.MAX)
        size = self.group.size()
        for bucket in self.buckets:
            bucket.buffer /= size
            for k, i in enumerate(bucket.indices):
                if used is None or used[i]:
                    _store_grad(self.params[i], bucket.slot(k))


def _store_grad(param, flat):
    """Write an averaged gradient into ``param.grad`` in place (a new one for a parameter unused here)."""
    xp = xp_of(param._array)
    if param._grad is None:
        param._grad = _wrap(xp.asarray(flat).reshape(param._array.shape).copy())
    else:
        param._grad._array[...] = xp.asarray(flat).reshape(param._grad._array.shape)
