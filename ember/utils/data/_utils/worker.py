"""The DataLoader worker process: its loop, its seeding, and ``get_worker_info()`` for code running in it."""
import dataclasses
import os
import pickle
import queue
import random

import numpy

from ....random import manual_seed
from . import WORKER_POLL_INTERVAL
from .exception_wrapper import ExceptionWrapper
from .fetch import create_fetcher

_worker_info = None


@dataclasses.dataclass(frozen=True)
class WorkerInfo:
    """What a DataLoader worker knows about itself: ``id`` (0 .. num_workers - 1), ``num_workers``, ``seed``
    (the one its RNGs were seeded with) and ``dataset`` (this process's copy of the dataset)."""

    id: int  # noqa: A003 - PyTorch's attribute name
    num_workers: int
    seed: int
    dataset: object


def get_worker_info():
    """The current worker's WorkerInfo inside a DataLoader worker process; None in the main process."""
    return _worker_info


@dataclasses.dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """A worker's message that its copy of an iterable dataset is exhausted."""

    worker_id: int


@dataclasses.dataclass(frozen=True)
class _ResumeIteration:
    """Tells a persistent worker that a new epoch starts; the worker echoes it back."""


class _ParentWatchdog:
    """Whether the process that started this worker still lives (a dead parent re-parents us)."""

    def __init__(self):
        self.parent_pid = os.getppid()

    def is_alive(self):
        return os.getppid() == self.parent_pid


def _seed_worker(base_seed, worker_id):
    """Seed python's random, ember's global RNG and numpy's global RNG from the loader's base seed, differently
    for each worker; returns the worker's seed."""
    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed)
    numpy.random.seed(numpy.random.SeedSequence([worker_id, base_seed]).generate_state(4))
    return seed


def _pickled(idx, data, worker_id):
    """The result message, pickled here so that an unpicklable batch becomes an error in the main process
    instead of a batch silently lost in the queue's feeder thread."""
    try:
        return pickle.dumps((idx, data), pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - any pickling failure
        return pickle.dumps((idx, ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")))


def _fetch(fetcher, index, iterable, worker_id):
    """The batch at ``index``; else the exception it raised, wrapped; or the end marker of an iterable dataset."""
    try:
        return fetcher.fetch(index)
    except StopIteration:
        if iterable:
            return _IterableDatasetStopIteration(worker_id)
        return ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
    except Exception:  # noqa: BLE001 - re-raised in the main process
        return ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")


def _worker_loop(iterable, dataset, index_queue, data_queue, done_event, auto_collation, collate_fn, drop_last,
                 base_seed, init_fn, worker_id, num_workers):
    """Fetch the batches whose indices arrive on ``index_queue``; put ``(task id, batch)`` on ``data_queue``."""
    global _worker_info
    try:
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        init_error = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
        except Exception:  # noqa: BLE001 - reported for every task, re-raised in the main process
            init_error = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
        iteration_end = False
        watchdog = _ParentWatchdog()
        while watchdog.is_alive():
            try:
                r = index_queue.get(timeout=WORKER_POLL_INTERVAL)
            except queue.Empty:
                if done_event.is_set():
                    break
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put(pickle.dumps((r, None)))
                iteration_end = False
                if init_error is None:
                    fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            data = init_error or _fetch(fetcher, index, iterable, worker_id)
            iteration_end = isinstance(data, _IterableDatasetStopIteration)
            data_queue.put(_pickled(idx, data, worker_id))
            del data, idx, index, r
    except KeyboardInterrupt:
        pass
    if done_event.is_set():  # the main process no longer reads: exit without flushing what is queued
        data_queue.cancel_join_thread()
        data_queue.close()
