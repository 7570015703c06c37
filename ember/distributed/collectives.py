"""Collectives on ember tensors over MPI, in place on the tensors' memory as in torch.distributed.

Every call starts a non-blocking MPI operation and returns its Work when ``async_op=True``; otherwise it waits.
``src``/``dst`` are global ranks, ``group_src``/``group_dst`` ranks within ``group``.
"""
import numpy

from ._buffers import average, host_array, stacked, write_back
from ._mpi import mpi
from .process_group import resolve
from .reduce_op import ReduceOp, mpi_op
from .work import issue


def _root(pg, global_rank, group_rank, what):
    if group_rank is not None:
        return group_rank
    return pg.group_rank(0 if global_rank is None else global_rank, what)


def _reduction(MPI, op, array, what):
    """The MPI op for ``op``, refusing AVG on integers before any rank starts communicating."""
    if op == ReduceOp.AVG and array.dtype.kind != "f":
        raise ValueError(f"{what}: ReduceOp.AVG needs a floating point tensor, got one of dtype {array.dtype}")
    return mpi_op(MPI, op)


def _reduced(tensor, array, op, size):
    """What finishes a reduction into ``tensor``: divide for AVG, then copy into the tensor if needed."""
    def finish():
        if op == ReduceOp.AVG:
            average(array, size)
        write_back(tensor, array)
    return finish


def _scattered(tensors, array):
    """What finishes a receive of one block per tensor: copy block i into tensors[i]."""
    def finish():
        for tensor, block in zip(tensors, array):
            write_back(tensor, block)
    return finish


def _check_count(tensors, size, what, name):
    if len(tensors) != size:
        raise ValueError(f"{what}: {name} must hold one tensor per rank ({size}), got {len(tensors)}")


def _check_like(tensors, tensor, what, name):
    for t in tensors:
        if t.shape != tensor.shape or t.dtype != tensor.dtype:
            raise ValueError(f"{what}: every tensor in {name} must have the shape {list(tensor.shape)} and dtype "
                             f"{tensor.dtype} of the input, got {list(t.shape)} and {t.dtype}")


def _check_numel(big, small, size, what):
    if big.numel() != small.numel() * size or big.dtype != small.dtype:
        raise ValueError(f"{what}: the larger tensor must hold world_size ({size}) times the {small.numel()} "
                         f"{small.dtype} elements of the smaller one, got {big.numel()} {big.dtype} elements")


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``tensor`` across all ranks in place: every rank ends with the result."""
    pg = resolve(group, "all_reduce")
    if pg is None:
        return None
    MPI = mpi()
    array = host_array(tensor)
    request = pg._comm.Iallreduce(MPI.IN_PLACE, array, _reduction(MPI, op, array, "all_reduce"))
    return issue([request], _reduced(tensor, array, op, pg.size()), [tensor], async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy rank ``src``'s ``tensor`` into ``tensor`` on every rank."""
    pg = resolve(group, "broadcast")
    if pg is None:
        return None
    array = host_array(tensor)
    request = pg._comm.Ibcast(array, _root(pg, src, group_src, "broadcast"))
    return issue([request], lambda: write_back(tensor, array), [tensor], async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """``tensor_list[i]`` becomes rank i's ``tensor``, on every rank."""
    pg = resolve(group, "all_gather")
    if pg is None:
        return None
    _check_count(tensor_list, pg.size(), "all_gather", "tensor_list")
    _check_like(tensor_list, tensor, "all_gather", "tensor_list")
    send = host_array(tensor)
    received = numpy.empty((pg.size(),) + send.shape, send.dtype)
    request = pg._comm.Iallgather(send, received)
    return issue([request], _scattered(tensor_list, received), tensor_list, async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """The ranks' ``input_tensor`` concatenated (or stacked) into ``output_tensor``, on every rank."""
    pg = resolve(group, "all_gather_into_tensor")
    if pg is None:
        return None
    _check_numel(output_tensor, input_tensor, pg.size(), "all_gather_into_tensor")
    received = host_array(output_tensor)
    request = pg._comm.Iallgather(host_array(input_tensor), received)
    return issue([request], lambda: write_back(output_tensor, received), [output_tensor], async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input_list[i]`` across ranks into rank i's ``output``."""
    pg = resolve(group, "reduce_scatter")
    if pg is None:
        return None
    _check_count(input_list, pg.size(), "reduce_scatter", "input_list")
    _check_like(input_list, output, "reduce_scatter", "input_list")
    return _reduce_scatter(pg, output, stacked(input_list, "reduce_scatter"), op, async_op, "reduce_scatter")


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):  # noqa: A002
    """Reduce ``input`` across ranks and give rank i the i-th of world_size equal chunks, in ``output``."""
    pg = resolve(group, "reduce_scatter_tensor")
    if pg is None:
        return None
    _check_numel(input, output, pg.size(), "reduce_scatter_tensor")
    return _reduce_scatter(pg, output, host_array(input), op, async_op, "reduce_scatter_tensor")


def _reduce_scatter(pg, output, send, op, async_op, what):
    MPI = mpi()
    array = host_array(output)
    request = pg._comm.Ireduce_scatter_block(send, array, _reduction(MPI, op, array, what))
    return issue([request], _reduced(output, array, op, pg.size()), [output], async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce ``tensor`` across ranks into ``tensor`` on rank ``dst`` (the others' tensors are left as they
    were)."""
    pg = resolve(group, "reduce")
    if pg is None:
        return None
    MPI = mpi()
    root = _root(pg, dst, group_dst, "reduce")
    array = host_array(tensor)
    mpi_reduction = _reduction(MPI, op, array, "reduce")
    if pg.rank() != root:
        return issue([pg._comm.Ireduce(array, None, mpi_reduction, root)], None, [tensor], async_op)
    request = pg._comm.Ireduce(MPI.IN_PLACE, array, mpi_reduction, root)
    return issue([request], _reduced(tensor, array, op, pg.size()), [tensor], async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Rank ``dst`` receives every rank's ``tensor`` into ``gather_list``."""
    pg = resolve(group, "gather")
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "gather")
    send = host_array(tensor)
    if not _root_list(pg, root, gather_list, "gather_list", "destination"):
        return issue([pg._comm.Igather(send, None, root)], None, [], async_op)
    _check_like(gather_list, tensor, "gather", "gather_list")
    received = numpy.empty((pg.size(),) + send.shape, send.dtype)
    request = pg._comm.Igather(send, received, root)
    return issue([request], _scattered(gather_list, received), gather_list, async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Rank i receives rank ``src``'s ``scatter_list[i]`` into ``tensor``."""
    pg = resolve(group, "scatter")
    if pg is None:
        return None
    root = _root(pg, src, group_src, "scatter")
    send = None
    if _root_list(pg, root, scatter_list, "scatter_list", "source"):
        _check_like(scatter_list, tensor, "scatter", "scatter_list")
        send = stacked(scatter_list, "scatter")
    array = host_array(tensor)
    request = pg._comm.Iscatter(send, array, root)
    return issue([request], lambda: write_back(tensor, array), [tensor], async_op)


def _root_list(pg, root, tensors, name, role):
    """Whether this rank is the root, checking that only the root passed the list (torch's rule)."""
    if pg.rank() != root:
        if tensors:
            raise ValueError(f"Argument ``{name}`` must NOT be specified on non-{role} ranks.")
        return False
    if not tensors:
        raise ValueError(f"Argument ``{name}`` must be specified on {role} rank.")
    _check_count(tensors, pg.size(), name.split("_")[0], name)
    return True


def barrier(group=None, async_op=False, device_ids=None, timeout=None):
    """Wait until every rank of the group has reached the barrier."""
    pg = resolve(group, "barrier")
    if pg is None:
        return None
    return issue([pg._comm.Ibarrier()], None, [], async_op)
