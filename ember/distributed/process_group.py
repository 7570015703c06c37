"""Process groups over MPI communicators: init_process_group, new_group, ranks and sizes, as torch.distributed."""
import sys
import time
import warnings

from ._mpi import mpi

_NOT_INITIALIZED = ("Default process group has not been initialized, please make sure to call "
                    "init_process_group.")
# Every backend name a PyTorch program may pass is served by MPI; the rendezvous is mpiexec's.
_BACKENDS = ("mpi", "gloo", "nccl", "ucc", "undefined")


class ProcessGroup:
    """A set of ranks that run collectives together: an MPI communicator and the global ranks it holds."""

    def __init__(self, comm, ranks):
        self._comm = comm
        self._ranks = ranks

    def rank(self):
        return self._comm.Get_rank()

    def size(self):
        return self._comm.Get_size()

    def name(self):
        return "mpi"

    def group_rank(self, global_rank, what):
        """The rank within this group of the process with global rank ``global_rank``."""
        if global_rank not in self._ranks:
            raise ValueError(f"{what}: global rank {global_rank} is not part of the group of ranks {self._ranks}")
        return self._ranks.index(global_rank)

    def __repr__(self):
        return f"<ember.distributed.ProcessGroup mpi ranks={self._ranks}>"


class GroupMember:
    """``GroupMember.WORLD`` is the default group once initialized; ``NON_GROUP_MEMBER`` is what ``new_group``
    returns on the ranks left out."""

    WORLD = None
    NON_GROUP_MEMBER = object()


class group:  # noqa: N801 - torch.distributed.group
    WORLD = None


def _set_world(pg):
    GroupMember.WORLD = group.WORLD = pg


def is_initialized():
    return GroupMember.WORLD is not None


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Start the default group: all the processes mpiexec started (rank and world size come from MPI)."""
    if is_initialized():
        raise ValueError("trying to initialize the default process group twice!")
    if backend is not None and str(backend).lower() not in _BACKENDS and ":" not in str(backend):
        raise ValueError(f"Invalid backend: '{backend}'")
    MPI = mpi()
    world = MPI.COMM_WORLD
    for name, given, actual in (("world_size", world_size, world.Get_size()), ("rank", rank, world.Get_rank())):
        if given not in (-1, None) and int(given) != actual:
            raise ValueError(f"init_process_group: {name}={given} but MPI started this process with "
                             f"{name}={actual}; launch with mpiexec -n N (or python -m ember.distributed.run)")
    if world.Get_size() > 1:
        abort_job_on_uncaught_exception()
    _set_world(ProcessGroup(world.Dup(), list(range(world.Get_size()))))


def destroy_process_group(group=None):
    """Free ``group`` (the default group, and with it every group, when None)."""
    if group is None or group is GroupMember.WORLD:
        if not is_initialized():
            raise AssertionError("Process group cannot be None")
        GroupMember.WORLD._comm.Free()
        _set_world(None)
    elif group is not GroupMember.NON_GROUP_MEMBER:
        group._comm.Free()


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None, sort_ranks=True):
    """A group of some ranks; every process must call it, the others get ``GroupMember.NON_GROUP_MEMBER``."""
    world = default_group("new_group")
    ranks = list(range(world.size())) if ranks is None else [int(r) for r in ranks]
    if sort_ranks:
        ranks.sort()
    bad = [r for r in ranks if not 0 <= r < world.size()]
    if bad:
        raise ValueError(f"new_group: ranks {bad} are outside the world of {world.size()} processes")
    MPI = mpi()
    me = world.rank()
    comm = world._comm.Split(0 if me in ranks else MPI.UNDEFINED, ranks.index(me) if me in ranks else 0)
    return ProcessGroup(comm, ranks) if me in ranks else GroupMember.NON_GROUP_MEMBER


def default_group(what):
    if GroupMember.WORLD is None:
        raise ValueError(_NOT_INITIALIZED)
    return GroupMember.WORLD


def resolve(group, what, warn=True):
    """The group a call runs on, or None (with torch's warning) when this rank is not in it."""
    world = default_group(what)
    if group is None:
        return world
    if group is GroupMember.NON_GROUP_MEMBER:
        if warn:
                warnings.warn(f"Running {what} on global rank {world.rank()} which does not belong to the given "
                          "group.", stacklevel=3)
        return None
    return group


def get_rank(group=None):
    """This process's rank in ``group`` (-1 when it is not a member)."""
    pg = resolve(group, "get_rank", warn=False)
    return -1 if pg is None else pg.rank()


def get_world_size(group=None):
    pg = resolve(group, "get_world_size", warn=False)
    return -1 if pg is None else pg.size()


def get_backend(group=None):
    resolve(group, "get_backend")
    return "mpi"


def abort_job_on_uncaught_exception():
    """Make an uncaught exception print its traceback and abort every rank, so a failing rank ends the job
    with a non-zero exit instead of leaving the others waiting in a collective forever."""
    previous = sys.excepthook
    if getattr(previous, "_ember_aborts", False):
        return

    def hook(kind, value, traceback):
        MPI = mpi()
        world = MPI.COMM_WORLD
        sys.stderr.write(f"ember.distributed: rank {world.Get_rank()} of {world.Get_size()} raised an "
                         f"exception; aborting the job\n")
        previous(kind, value, traceback)
        abort_job(1)

    hook._ember_aborts = True
    sys.excepthook = hook


def abort_job(code):
    """End every rank with exit status ``code`` once this rank's output has reached mpiexec."""
    sys.stdout.flush()
    sys.stderr.flush()
    time.sleep(0.5)  # MPI_Abort kills the job at once; mpiexec must first have relayed the last lines
    mpi().COMM_WORLD.Abort(code)
