"""send / recv / isend / irecv between two ranks, as torch.distributed."""
from ._buffers import host_array, write_back
from ._mpi import mpi
from .process_group import resolve
from .work import issue


def _peer(pg, global_rank, group_rank, role):
    """The peer's rank within the group, refusing this process itself as torch does."""
    peer = group_rank if group_rank is not None else pg.group_rank(global_rank, role)
    if peer == pg.rank():
        raise ValueError(f"Invalid {role} rank: {role} rank should not be the same as the rank of the current "
                         "process.")
    return peer


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Start sending ``tensor`` to rank ``dst``; the Work's ``wait()`` returns once it is sent."""
    pg = resolve(group, "isend")
    if pg is None:
        return None
    request = pg._comm.Isend(host_array(tensor), _peer(pg, dst, group_dst, "destination"), tag)
    return issue([request], None, [tensor], True)


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Start receiving into ``tensor`` from rank ``src`` (any rank when None)."""
    pg = resolve(group, "irecv")
    if pg is None:
        return None
    source = mpi().ANY_SOURCE if src is None and group_src is None else _peer(pg, src, group_src, "source")
    array = host_array(tensor)
    request = pg._comm.Irecv(array, source, tag)
    return issue([request], lambda: write_back(tensor, array), [tensor], True)


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst``."""
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank when None); returns the sender's global rank."""
    pg = resolve(group, "recv")
    if pg is None:
        return -1
    work = irecv(tensor, src, group, tag, group_src)
    work.wait()
    return pg._ranks[work.source_rank()]
