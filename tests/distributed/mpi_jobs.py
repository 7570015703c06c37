"""Start the job scripts of this folder under mpiexec (or the launcher) and collect what they print."""
import os
import subprocess
import sys
from pathlib import Path

from ember.distributed.run import find_mpiexec

HERE = Path(__file__).parent
REPO = HERE.parent.parent


def _env():
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run_command(command, timeout=120):
    """Run ``command`` from the repository root; its stdout and stderr together, and its exit code."""
    done = subprocess.run(command, cwd=REPO, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=timeout)
    return done.returncode, done.stdout


def run_job(script, ranks, *args, timeout=120):
    """``mpiexec -n ranks python script args`` for a script of this folder."""
    return run_command([find_mpiexec(), "-n", str(ranks), sys.executable, str(HERE / script), *map(str, args)],
                       timeout)


def run_launched(script, ranks, *args, timeout=120):
    """``python -m ember.distributed.run -n ranks script args``."""
    return run_command([sys.executable, "-m", "ember.distributed.run", "-n", str(ranks), str(HERE / script),
                        *map(str, args)], timeout)


def run_python(source, timeout=60):
    """``python -c source``: one process, no mpiexec."""
    return run_command([sys.executable, "-c", source], timeout)
