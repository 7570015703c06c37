"""ember.distributed, as torch.distributed: process groups and collectives, run over MPI through mpi4py.

Launch with ``python -m ember.distributed.run -n 4 train.py`` or ``mpiexec -n 4 python train.py``.
mpi4py is imported only by ``init_process_group``, so ember imports without it.
"""
from ._mpi import mpi_installed
from .collectives import (all_gather, all_gather_into_tensor, all_reduce, barrier, broadcast, gather, reduce,
                          reduce_scatter, reduce_scatter_tensor, scatter)
from .objects import all_gather_object, broadcast_object_list, gather_object, scatter_object_list
from .point_to_point import irecv, isend, recv, send
from .process_group import (GroupMember, ProcessGroup, destroy_process_group, get_backend, get_rank,
                            get_world_size, group, init_process_group, is_initialized, new_group)
from .reduce_op import ReduceOp
from .work import Work


def is_available():
    """Whether distributed training can run here (mpi4py is installed)."""
    return mpi_installed()


def is_mpi_available():
    return mpi_installed()


def is_gloo_available():
    return False


def is_nccl_available():
    return False


__all__ = ["GroupMember", "ProcessGroup", "ReduceOp", "Work", "all_gather", "all_gather_into_tensor",
           "all_gather_object", "all_reduce", "barrier", "broadcast", "broadcast_object_list", "destroy_process_group",
           "gather", "gather_object", "get_backend", "get_rank", "get_world_size", "group", "init_process_group",
           "irecv", "is_available", "is_gloo_available", "is_initialized", "is_mpi_available", "is_nccl_available",
           "isend", "new_group", "recv", "reduce", "reduce_scatter", "reduce_scatter_tensor", "scatter",
           "scatter_object_list", "send"]
