"""What each rank runs under ``ember.distributed.run``: set torchrun's environment, then run the script."""
import os
import runpy
import sys

from ._mpi import mpi
from .process_group import abort_job, abort_job_on_uncaught_exception


def _set_torchrun_environment(MPI):
    world = MPI.COMM_WORLD
    local = world.Split_type(MPI.COMM_TYPE_SHARED)
    os.environ.update(RANK=str(world.Get_rank()), WORLD_SIZE=str(world.Get_size()),
                      LOCAL_RANK=str(local.Get_rank()), LOCAL_WORLD_SIZE=str(local.Get_size()))
    local.Free()


def main(argv):
    MPI = mpi()
    _set_torchrun_environment(MPI)
    if MPI.COMM_WORLD.Get_size() > 1:
        abort_job_on_uncaught_exception()
    try:
        _run_script(argv)
    except SystemExit as exit:
        # sys.exit(non-zero) on one rank must end the job too, not leave the others waiting
        if exit.code not in (None, 0) and MPI.COMM_WORLD.Get_size() > 1:
            sys.stderr.write(f"ember.distributed: rank {MPI.COMM_WORLD.Get_rank()} exited with {exit.code!r}; "
                             "aborting the job\n")
            abort_job(exit.code if isinstance(exit.code, int) else 1)
        raise


def _run_script(argv):
    as_module = argv[:1] == ["-m"]
    target = argv[1] if as_module else argv[0]
    sys.argv = argv[1:] if as_module else argv
    if as_module:
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
        runpy.run_path(target, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
