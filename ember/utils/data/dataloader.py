"""DataLoader, as torch.utils.data.DataLoader: batches from a dataset, read in this process or in worker processes
(one index queue per worker, one result queue, batches handed out in sampler order)."""
import atexit
import itertools
import math
import multiprocessing
import os
import pickle
import queue
import time
import warnings

from ...backend import is_cuda_available
from ._utils import MP_STATUS_CHECK_INTERVAL
from ._utils.collate import default_collate, default_convert
from ._utils.fetch import create_fetcher
from ._utils.exception_wrapper import ExceptionWrapper
from ._utils.worker import _IterableDatasetStopIteration, _ResumeIteration, _worker_loop
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, _draw_seed

_POLL_INTERVAL = 0.1  # seconds between checks that the workers still live, while waiting for a batch
_FROZEN_AFTER_INIT = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")
_python_exiting = False


@atexit.register
def _mark_python_exiting():
    """At exit multiprocessing terminates the (daemonic) workers itself; iterators must not talk to them then."""
    global _python_exiting
    _python_exiting = True


class _InfiniteConstantSampler(Sampler):
    """None forever: an iterable dataset ignores indices, its batch sampler only counts them."""

    def __iter__(self):
        return itertools.repeat(None)


class DataLoader:
    """Iterates over batches of ``dataset``: samples chosen by a sampler (sequential, shuffled or given), grouped
    ``batch_size`` at a time (None: no batching) and merged by ``collate_fn``, read by ``num_workers`` worker
    processes (0: in this process)."""

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        prefetch_factor = _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers)
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            _check_iterable_dataset_options(shuffle, sampler, batch_sampler)
            sampler = _InfiniteConstantSampler()
        shuffle = bool(shuffle)
        _check_sampler_options(batch_size, shuffle, sampler, batch_sampler, drop_last)
        if batch_sampler is not None:
            batch_size, drop_last = None, False
        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._IterableDataset_len_called = None
        self._iterator = None
        self._initialized = True
        self.check_worker_number_rationality()

    @property
    def multiprocessing_context(self):
        return self._multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        if context is not None:
            if self.num_workers == 0:
                raise ValueError(f"multiprocessing_context can only be used with multi-process loading "
                                 f"(num_workers > 0), but got num_workers={self.num_workers}")
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError(f"multiprocessing_context option should specify a valid start method in "
                                     f"{methods!r}, but got multiprocessing_context={context!r}")
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError(f"multiprocessing_context option should be a valid context object or a string "
                                f"specifying the start method, but got multiprocessing_context={context}")
        self._multiprocessing_context = context

    def __setattr__(self, attr, val):
        if self._initialized and attr in _FROZEN_AFTER_INIT:
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    def __iter__(self):
        if not (self.persistent_workers and self.num_workers > 0):
            return self._get_iterator()
        if self._iterator is None:
            self._iterator = self._get_iterator()
        else:
            self._iterator._reset(self)
        return self._iterator

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        """What the iterator draws from: lists of indices when batching, single indices when not."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if not self._iterable:
            return len(self._index_sampler)
        length = self._IterableDataset_len_called = len(self.dataset)
        if self.batch_size is None:
            return length
        return length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)

    def check_worker_number_rationality(self):
        """Warn when there are more workers than CPUs this process may use."""
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        if self.num_workers > (cpus or 0):
            warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in total. Our suggested "
                          f"max number of worker in current system is {cpus}, which is smaller than what this "
                          f"DataLoader is going to create. Please be aware that excessive worker creation might get "
                          f"DataLoader running slow or even freeze, lower the worker number to avoid potential "
                          f"slowness/freeze if necessary.", stacklevel=2)


def _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers):
    """Check the multiprocessing options; returns prefetch_factor with its default (2 when there are workers)."""
    if num_workers < 0:
        raise ValueError(f"num_workers option should be non-negative; use num_workers=0 to disable "
                         f"multiprocessing. (got num_workers={num_workers})")
    if timeout < 0:
        raise ValueError(f"timeout option should be non-negative (got timeout={timeout})")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                         "to enable multiprocessing, otherwise set prefetch_factor to None.")
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError(f"prefetch_factor option should be non-negative (got prefetch_factor={prefetch_factor})")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    return 2 if num_workers > 0 and prefetch_factor is None else prefetch_factor


def _check_iterable_dataset_options(shuffle, sampler, batch_sampler):
    """An iterable dataset chooses its own order: no shuffle, sampler or batch_sampler."""
    if shuffle not in (False, None):
        raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                         f"shuffle={shuffle}")
    if sampler is not None:
        raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                         f"sampler={sampler}")
    if batch_sampler is not None:
        raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, but got "
                         f"batch_sampler={batch_sampler}")


def _check_sampler_options(batch_size, shuffle, sampler, batch_sampler, drop_last):
    if sampler is not None and shuffle:
        raise ValueError("sampler option is mutually exclusive with shuffle")
    if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
        raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                         "drop_last")
    if batch_sampler is None and batch_size is None and drop_last:
        raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")


class _BaseDataLoaderIter:
    def __init__(self, loader):
        self._dataset = loader.dataset
        self._iterable = loader._iterable
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        if loader.pin_memory and not is_cuda_available():
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.", stacklevel=3)
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = _draw_seed(loader.generator)
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)

    def _next_data(self):
        raise NotImplementedError

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if self._iterable and self._IterableDataset_len_called is not None \
                and self._num_yielded > self._IterableDataset_len_called:
            warnings.warn(f"Length of IterableDataset {self._dataset} was reported to be "
                          f"{self._IterableDataset_len_called}(when accessing len(dataloader)), but "
                          f"{self._num_yielded} samples have been fetched. ", stacklevel=2)
        return data

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f"{type(self).__name__} cannot be pickled")


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    """Reads the batches in this process."""

    def __init__(self, loader):
        super().__init__(loader)
        if self._timeout != 0:
            raise AssertionError(f"_SingleProcessDataLoaderIter requires timeout == 0 (got timeout={self._timeout}; "
                                 f"a timeout needs num_workers > 0)")
        self._dataset_fetcher = create_fetcher(self._iterable, self._dataset, self._auto_collation,
                                               self._collate_fn, self._drop_last)

    def _next_data(self):
        return self._dataset_fetcher.fetch(self._next_index())


def _default_context():
    """fork where the platform has it (PyTorch's default on Linux): workers start fast and share the dataset."""
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Reads the batches in worker processes. Task ``k`` (the k-th batch of the epoch) goes to a worker's index
    queue; results come back on one queue in any order and are handed out in task order; at most
    ``prefetch_factor * num_workers`` tasks are outstanding."""

    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        self._shutdown = False
        self._workers, self._index_queues = [], []
        context = loader.multiprocessing_context or _default_context()
        self._worker_result_queue = context.Queue()
        self._workers_done_event = context.Event()
        for worker_id in range(self._num_workers):
            index_queue = context.Queue()
            index_queue.cancel_join_thread()  # what is left in it at shutdown is never read: don't wait on it
            worker = context.Process(target=_worker_loop, daemon=True, args=(
                self._iterable, self._dataset, index_queue, self._worker_result_queue, self._workers_done_event,
                self._auto_collation, self._collate_fn, self._drop_last, self._base_seed, loader.worker_init_fn,
                worker_id, self._num_workers))
            worker.start()
            self._index_queues.append(index_queue)
            self._workers.append(worker)
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0  # the next task to send to a worker
        self._rcvd_idx = 0  # the next task to hand out
        self._task_info = {}  # task -> (worker,) while outstanding, (worker, data) once back out of order
        self._workers_status = [True] * self._num_workers  # False: its iterable dataset copy is exhausted
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:  # persistent workers: drain the last epoch's results up to each worker's echo
            for index_queue in self._index_queues:
                index_queue.put(_ResumeIteration())
            resumed = 0
            while resumed < self._num_workers:
                resumed += isinstance(self._get_data()[0], _ResumeIteration)
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_get_data(self, timeout):
        """(True, message) when a worker's message arrives within ``timeout`` seconds, else (False, None);
        raises RuntimeError if a worker died."""
        try:
            return True, pickle.loads(self._worker_result_queue.get(timeout=timeout))
        except queue.Empty:
            self._check_workers_alive()
            return False, None

    def _check_workers_alive(self):
        dead = [w for w, active in zip(self._workers, self._workers_status) if active and not w.is_alive()]
        if dead:
            for worker in dead:
                self._mark_worker_as_unavailable(self._workers.index(worker))
            raise RuntimeError(f"DataLoader worker (pid(s) {', '.join(str(w.pid) for w in dead)}) exited "
                               f"unexpectedly (exit code(s) {', '.join(str(w.exitcode) for w in dead)}; a negative "
                               f"code -N means killed by signal N)")

    def _get_data(self):
        """The next message from the workers, waiting at most ``timeout`` seconds when one was given."""
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = _POLL_INTERVAL if deadline is None else max(min(_POLL_INTERVAL, deadline - time.monotonic()), 0)
            success, data = self._try_get_data(wait)
            if success:
                return data
            if deadline is not None and time.monotonic() >= deadline:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")

    def _next_data(self):
        while True:
            self._skip_tasks_of_finished_workers()
            if self._rcvd_idx >= self._send_idx:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:  # it came back earlier, out of order
                return self._hand_out(self._rcvd_idx)
            idx, data = self._get_data()
            if isinstance(data, _IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
            elif idx == self._rcvd_idx or not self._in_order:
                self._task_info[idx] += (data,)
                return self._hand_out(idx)
            else:
                self._task_info[idx] += (data,)

    def _skip_tasks_of_finished_workers(self):
        """Move past tasks that will never come back: sent to a worker whose iterable dataset ran out."""
        while self._rcvd_idx < self._send_idx:
            info = self._task_info.get(self._rcvd_idx)
            if info is not None and (len(info) == 2 or self._workers_status[info[0]]):
                return
            self._task_info.pop(self._rcvd_idx, None)
            self._rcvd_idx += 1

    def _hand_out(self, idx):
        """Return task ``idx``'s data (re-raising a worker's exception), after sending the next task."""
        worker_id, data = self._task_info.pop(idx)
        if idx == self._rcvd_idx:
            self._rcvd_idx += 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _try_put_index(self):
        """Send the sampler's next index to the next active worker, round robin."""
        try:
            index = self._next_index()
        except StopIteration:
            return
        worker_id = next((w for w in itertools.islice(self._worker_queue_idx_cycle, self._num_workers)
                          if self._workers_status[w]), None)
        if worker_id is None:
            return
        self._index_queues[worker_id].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._send_idx += 1

    def _mark_worker_as_unavailable(self, worker_id):
        """Send the worker its stop signal; it takes no more tasks."""
        self._index_queues[worker_id].put(None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self):
        """Stop the workers and wait for them (terminating any that don't stop), so none is left behind."""
        if _python_exiting or self._shutdown:
            return
        self._shutdown = True
        try:
            self._workers_done_event.set()
            for worker, index_queue in zip(self._workers, self._index_queues):
                if worker.is_alive():
                    index_queue.put(None)
            for worker in self._workers:
                worker.join(timeout=MP_STATUS_CHECK_INTERVAL)
            for q in (*self._index_queues, self._worker_result_queue):
                q.cancel_join_thread()
                q.close()
        finally:
            for worker in self._workers:
                if worker.is_alive():
                    worker.terminate()
                    worker.join(timeout=MP_STATUS_CHECK_INTERVAL)

    def __del__(self):
        if hasattr(self, "_workers"):
            self._shutdown_workers()
