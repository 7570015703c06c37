"""``python -m ember.distributed.run -n 4 train.py [args]``: start the script on N processes through mpiexec.

A thin wrapper over the (MPICH / Hydra style) mpiexec of the MPI that mpi4py uses (the ``mpich`` wheel's, next
to the Python executable, or the first on PATH). With ``--hosts a,b`` or ``--hostfile F``, ``-n`` is the number
of processes per host. Each rank gets torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK,
LOCAL_WORLD_SIZE) and an uncaught exception on any rank aborts the whole job.
"""
import argparse
import os
import shutil
import subprocess
import sys


def find_mpiexec():
    """The mpiexec next to this Python (a venv with the mpich wheel), else the first on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    found = beside if os.access(beside, os.X_OK) else shutil.which("mpiexec")
    if found is None:
        raise RuntimeError("ember.distributed.run: no mpiexec found next to the Python executable or on PATH; "
                           "pip install mpi4py mpich (or ember[distributed])")
    return found


def _parser():
    parser = argparse.ArgumentParser(prog="python -m ember.distributed.run",
                                     description="Run a training script on N processes over MPI.")
    parser.add_argument("-n", "--nproc-per-node", "--nproc_per_node", dest="nproc", type=int, default=1,
                        help="number of processes (per host with --hosts/--hostfile)")
    parser.add_argument("--hosts", help="comma-separated host names, passed to mpiexec -hosts")
    parser.add_argument("--hostfile", help="a file of host names, passed to mpiexec -f")
    parser.add_argument("--mpiexec", default=None, help="the mpiexec to use (default: found automatically)")
    parser.add_argument("-m", "--module", action="store_true", help="run the script argument as a module")
    parser.add_argument("script", help="the training script (or module with -m)")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the script's arguments")
    return parser


def _hosts(opts):
    """The host names of --hosts, or of the --hostfile lines (``host`` or ``host:slots``, # comments)."""
    if opts.hosts:
        return opts.hosts.split(",")
    if opts.hostfile:
        with open(opts.hostfile) as f:
            return [line.split("#")[0].strip() for line in f if line.split("#")[0].strip()]
    return []


def mpiexec_command(argv):
    """The mpiexec command line that runs the script of ``argv`` on every rank."""
    opts = _parser().parse_args(argv)
    hosts = _hosts(opts)
    command = [opts.mpiexec or find_mpiexec(), "-n", str(opts.nproc * max(len(hosts), 1))]
    if opts.hosts:
        command += ["-hosts", opts.hosts]
    if opts.hostfile:
        command += ["-f", opts.hostfile]
    if hosts:
        command += ["-ppn", str(opts.nproc)]
    rank_main = [sys.executable, "-m", "ember.distributed._rank_main"]
    return command + rank_main + (["-m"] if opts.module else []) + [opts.script] + opts.args


def main(argv=None):
    return subprocess.call(mpiexec_command(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
