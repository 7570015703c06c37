"""Collectives on picklable Python objects (all_gather_object, broadcast_object_list, ...), as torch.distributed."""
from .collectives import _root
from .process_group import resolve


def all_gather_object(object_list, obj, group=None):
    """``object_list[i]`` becomes rank i's ``obj``, on every rank."""
    pg = resolve(group, "all_gather_object")
    if pg is not None:
        object_list[:] = pg._comm.allgather(obj)


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Every rank's ``object_list`` becomes (in place) rank ``src``'s."""
    pg = resolve(group, "broadcast_object_list")
    if pg is not None:
        object_list[:] = pg._comm.bcast(list(object_list), _root(pg, src, group_src, "broadcast_object_list"))


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    """Rank ``dst`` receives every rank's ``obj`` into ``object_gather_list``."""
    pg = resolve(group, "gather_object")
    if pg is not None:
        root = _root(pg, dst, group_dst, "gather_object")
        gathered = pg._comm.gather(obj, root)
        if pg.rank() == root:
            object_gather_list[:] = gathered


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None):
    """``scatter_object_output_list[0]`` becomes rank ``src``'s ``scatter_object_input_list[rank]``."""
    pg = resolve(group, "scatter_object_list")
    if pg is not None:
        root = _root(pg, src, group_src, "scatter_object_list")
        items = list(scatter_object_input_list) if pg.rank() == root else None
        scatter_object_output_list[0] = pg._comm.scatter(items, root)
