"""numba, when installed, as an optional accelerator: kernels compiled on first use, split over threads.

ember works the same without numba (``pip install ember[fast]`` adds it); EMBER_NUMBA=0 turns it off. A module
of compiled kernels is imported only once ``available()`` said yes. Compiled kernels release the GIL, so a
kernel's samples can be shared out over a few Python threads.
"""
import importlib
import os
from concurrent.futures import ThreadPoolExecutor

import numpy

_FLAGS = {"reassoc", "contract"}  # vectorised sums and fused multiply-adds, but NaN and inf stay IEEE
_DTYPES = (numpy.dtype(numpy.float32), numpy.dtype(numpy.float64))
_state = {"numba": None, "pool": None, "pid": None}


def available():
    """Whether compiled kernels can be used: numba imports and EMBER_NUMBA is not 0."""
    if _state["numba"] is None:
        _state["numba"] = os.environ.get("EMBER_NUMBA", "1") != "0" and _import_numba()
    return _state["numba"]


def suits(array):
    """Whether compiled kernels can work on ``array``: a NumPy float32 or float64 array, and numba available
    (numba has no float16 arithmetic; CuPy arrays stay on their own kernels)."""
    return type(array) is numpy.ndarray and array.dtype in _DTYPES and available()


def _import_numba():
    try:
        importlib.import_module("numba")
    except ImportError:  # not installed, or built for another NumPy
        return False
    return True


def use(enabled):
    """Turn compiled kernels on (if numba imports) or off for this process; returns the previous setting."""
    previous = available()
    _state["numba"] = enabled and _import_numba()
    return previous


def njit(function):
    """``function`` compiled by numba on its first call (cached on disk, GIL released); imports numba."""
    import numba
    return numba.njit(function, nogil=True, cache=True, fastmath=_FLAGS, boundscheck=False)


def threads():
    """Threads a kernel's samples are shared over: the cores this process may use, or OMP_NUM_THREADS."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        if os.environ.get(variable, "").isdigit():
            return max(1, int(os.environ[variable]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _pool():
    """This process's thread pool (a forked child, e.g. a DataLoader worker, makes its own)."""
    if _state["pid"] != os.getpid():
        _state["pool"], _state["pid"] = ThreadPoolExecutor(threads(), thread_name_prefix="ember-kernel"), os.getpid()
    return _state["pool"]


def sample_ranges(samples):
    """Contiguous (start, stop) ranges of ``samples``, one per thread."""
    parts = max(1, min(threads(), samples))
    bounds = [samples * i // parts for i in range(parts + 1)]
    return list(zip(bounds[:-1], bounds[1:]))


def run_parallel(kernel, calls):
    """``kernel(*args)`` for each ``args`` of ``calls``, on this process's threads."""
    if len(calls) == 1:
        kernel(*calls[0])
        return
    for future in [_pool().submit(kernel, *args) for args in calls]:
        future.result()
