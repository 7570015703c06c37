"""mpi4py, imported only when a process group is made, so ember imports without it."""
import importlib.util

_INSTALL_HINT = "pip install mpi4py mpich (or ember[distributed]), or build mpi4py against your cluster's MPI"


def mpi_installed():
    return importlib.util.find_spec("mpi4py") is not None


def mpi():
    """The ``mpi4py.MPI`` module (importing it starts MPI in this process)."""
    try:
        from mpi4py import MPI
    except ImportError:
        raise RuntimeError(f"ember.distributed runs over MPI and needs mpi4py: {_INSTALL_HINT}") from None
    return MPI
