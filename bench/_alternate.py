"""Shared by the benchmarks: each framework measured in its own process (torch's OpenMP threads and NumPy's
BLAS threads fight over the cores when they share one), rounds alternating between them."""
import json
import os
import subprocess
import sys


def blas_threads():
    """The number of threads NumPy's BLAS uses here; torch is given the same number."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return len(os.sched_getaffinity(0))


def import_framework(lib_name):
    lib = __import__(lib_name)
    if lib_name == "torch":
        lib.set_num_threads(blas_threads())
    return lib


def run_child(script, lib_name, selected, mode="--child"):
    """Run ``script mode lib_name selected`` and return the JSON it prints."""
    out = subprocess.run([sys.executable, script, mode, lib_name, json.dumps(selected)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def child_main(measures):
    """In a child process started by ``run_child``: print ``measures[mode](lib_name, selected)`` as JSON.
    True if this process is such a child."""
    if len(sys.argv) == 4 and sys.argv[1] in measures:
        print(json.dumps(measures[sys.argv[1]](sys.argv[2], json.loads(sys.argv[3]))))
        return True
    return False


def best_of_rounds(script, libs, selected, rounds, better=min):
    """Alternate the frameworks' processes ``rounds`` times; keep each case's best value per framework."""
    best = {lib: {} for lib in libs}
    for _ in range(rounds):
        for lib in libs:
            for name, value in run_child(script, lib, selected).items():
                best[lib][name] = value if name not in best[lib] else better(value, best[lib][name])
    return [best[lib] for lib in libs]
