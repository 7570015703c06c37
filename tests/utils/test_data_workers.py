"""DataLoader with worker processes: order, seeding, worker info, iterable datasets, errors, timeouts, dead workers,
prefetching, persistent workers and shutdown. Items are few and sleeps tiny, to stay fast."""
import multiprocessing
import os
import random
import signal
import time

import numpy as np
import pytest
import torch

import ember
from data_oracle import assert_same_batches, assert_same_structure, both
from oracle import check_error

DataLoader = ember.utils.data.DataLoader


class SlowSquares(ember.utils.data.Dataset):
    """Later items of each batch of 3 are faster, so workers finish out of order."""

    def __len__(self):
        return 9

    def __getitem__(self, i):
        time.sleep(0.02 * (2 - i // 3 % 3))
        return i * i, np.float32(i)


class WhoAmI(ember.utils.data.Dataset):
    """Each sample says which process read it and what that process knows about itself."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = ember.utils.data.get_worker_info()
        return {"index": i, "pid": os.getpid(), "id": info.id, "num_workers": info.num_workers, "seed": info.seed,
                "is_info_dataset": info.dataset is self, "init": getattr(self, "init_id", -1)}


def test_order_preserved_with_two_workers():
    assert_same_batches(lambda lib: DataLoader(SlowSquares(), batch_size=2, num_workers=2)
                        if lib is ember else torch.utils.data.DataLoader(SlowSquares(), batch_size=2))


def test_order_preserved_without_batching():
    assert_same_batches(lambda lib: DataLoader(SlowSquares(), batch_size=None, num_workers=2)
                        if lib is ember else torch.utils.data.DataLoader(SlowSquares(), batch_size=None))


def test_in_order_false_may_reorder_but_loses_nothing():
    batches = [b[0].tolist() for b in DataLoader(SlowSquares(), batch_size=3, num_workers=2, in_order=False)]
    assert sorted(batches) == [[0, 1, 4], [9, 16, 25], [36, 49, 64]]


def test_worker_info_and_worker_init_fn():
    def init(worker_id):
        info = ember.utils.data.get_worker_info()
        info.dataset.init_id = worker_id
    ember.manual_seed(1)
    samples = [s for batch in DataLoader(WhoAmI(), batch_size=2, num_workers=2, worker_init_fn=init)
               for s in ember.utils.data.default_convert([batch])]
    ids = [int(s["id"][0]) for s in samples]
    assert ids == [0, 1, 0, 1]  # batches go round robin to the workers
    assert all((s["init"] == s["id"]).all() and (s["num_workers"] == 2).all() for s in samples)
    pids = {int(s["id"][0]): int(s["pid"][0]) for s in samples}
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    seeds = {int(s["id"][0]): int(s["seed"][0]) for s in samples}
    assert seeds[1] == seeds[0] + 1
    assert ember.utils.data.get_worker_info() is None


def test_worker_info_dataset_is_the_workers_copy():
    def init(worker_id):
        ember.utils.data.get_worker_info().dataset.init_id = worker_id
    dataset = WhoAmI()
    batch = next(iter(DataLoader(dataset, batch_size=2, num_workers=1, worker_init_fn=init)))
    assert batch["is_info_dataset"].tolist() == [True, True] and batch["init"].tolist() == [0, 0]
    assert not hasattr(dataset, "init_id")  # the main process's dataset is untouched


class RandomDraws(ember.utils.data.Dataset):
    """Samples drawn from python's, numpy's and ember's global RNGs."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return random.random(), np.random.rand(), ember.rand(()).item()


def draws(**kwargs):
    return [tuple(batch) for batch in DataLoader(RandomDraws(), batch_size=2, num_workers=2, **kwargs)]


def test_worker_rngs_are_seeded_reproducibly_and_differ_across_workers():
    ember.manual_seed(3)
    first = draws()
    ember.manual_seed(3)
    assert [[t.tolist() for t in b] for b in draws()] == [[t.tolist() for t in b] for b in first]
    worker0, worker1 = ([t.tolist()[0] for t in b] for b in first)
    assert all(a != b for a, b in zip(worker0, worker1))
    ember.manual_seed(4)
    assert [t.tolist() for t in draws()[0]] != [t.tolist() for t in first[0]]
    gen = [[t.tolist() for t in b] for b in draws(generator=ember.Generator().manual_seed(9))]
    assert gen == [[t.tolist() for t in b] for b in draws(generator=ember.Generator().manual_seed(9))]


def test_shuffle_with_workers_matches_single_process_order():
    data = ember.utils.data.TensorDataset(ember.arange(12))

    def order(workers):
        loader = DataLoader(data, batch_size=5, shuffle=True, num_workers=workers,
                            generator=ember.Generator().manual_seed(7))
        return [i for (batch,) in loader for i in batch.tolist()]
    assert order(2) == order(0) and sorted(order(0)) == list(range(12))


class Range(torch.utils.data.IterableDataset):
    """start .. stop - 1, sharded across workers with get_worker_info (torch's documented recipe); ``lib`` chooses
    whose get_worker_info it asks."""

    def __init__(self, lib, start, stop, shard=True):
        self.lib, self.start, self.stop, self.shard = lib, start, stop, shard

    def __iter__(self):
        info = getattr(self.lib, "utils").data.get_worker_info() if self.shard else None
        if info is None:
            return iter(range(self.start, self.stop))
        return iter(range(self.start + info.id, self.stop, info.num_workers))


def iterable(lib, *args):
    return type("R", (Range, lib.utils.data.IterableDataset), {})(lib, *args)


@pytest.mark.parametrize("kwargs", [dict(batch_size=2), dict(batch_size=2, drop_last=True), dict(batch_size=None)])
@pytest.mark.parametrize("shard", [True, False])
def test_iterable_dataset_with_workers_like_torch(kwargs, shard):
    assert_same_batches(lambda lib: lib.utils.data.DataLoader(iterable(lib, 0, 7, shard), num_workers=2, **kwargs))


class Failing(ember.utils.data.Dataset):
    def __init__(self, error):
        self.error = error

    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == 3:
            raise self.error
        return i


class CustomError(Exception):
    pass


@pytest.mark.parametrize("error", [ValueError("bad sample 3"), KeyError("missing"), CustomError("custom")])
def test_worker_exception_is_reraised_with_its_traceback(error):
    loader = DataLoader(Failing(error), batch_size=2, num_workers=2)
    it = iter(loader)
    assert next(it).tolist() == [0, 1]
    with pytest.raises(type(error)) as caught:
        next(it)
    message = str(caught.value)
    assert f"Caught {type(error).__name__} in DataLoader worker process 1.\nOriginal Traceback" in message
    assert "raise self.error" in message and str(error.args[0]) in message
    assert next(it).tolist() == [4, 5]  # as in torch, the loader goes on after a worker's exception
    with pytest.raises(StopIteration):
        next(it)
    assert not any(w.is_alive() for w in it._workers)


def test_torch_reraises_the_same_way():
    with pytest.raises(ValueError, match="Caught ValueError in DataLoader worker process 1"):
        list(torch.utils.data.DataLoader(Failing(ValueError("x")), batch_size=2, num_workers=2))


def test_exception_of_a_class_that_cannot_be_pickled():
    class LocalError(Exception):
        pass
    with pytest.raises(RuntimeError, match="Caught LocalError in DataLoader worker process 1(.|\n)*LocalError: local"):
        list(DataLoader(Failing(LocalError("local")), batch_size=2, num_workers=2))


def test_worker_info_is_read_only():
    message = check_error(lambda lib: setattr(lib.utils.data._utils.worker.WorkerInfo(
        id=0, num_workers=1, seed=0, dataset=None), "id", 1))
    assert "id" in message


def test_worker_init_fn_exception_is_reraised():
    def init(worker_id):
        raise RuntimeError(f"init failed in {worker_id}")
    with pytest.raises(RuntimeError, match="Caught RuntimeError in DataLoader worker process 0(.|\n)*init failed in 0"):
        list(DataLoader(range(4), num_workers=2, worker_init_fn=init))


def test_unpicklable_batch_is_an_error_not_a_hang():
    loader = DataLoader(range(2), batch_size=None, num_workers=1, collate_fn=lambda x: (lambda: x))
    with pytest.raises(Exception, match="in DataLoader worker process 0(.|\n)*pickle"):
        list(loader)


class Sleepy(ember.utils.data.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            time.sleep(1.0)
        return i


def test_timeout_raises_runtime_error():
    loader = DataLoader(Sleepy(), batch_size=None, num_workers=1, timeout=0.3)
    it = iter(loader)
    assert [next(it), next(it)] == [0, 1]
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="^DataLoader timed out after 0.3 seconds$"):
        next(it)
    assert time.monotonic() - start > 0.25  # and the sample, 1 s late, was not waited for: it raised


class Suicidal(ember.utils.data.Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return i


def test_killed_worker_raises_runtime_error():
    """(What the killed worker had read but not yet sent is lost with it, so only the error is certain.)"""
    it = iter(DataLoader(Suicidal(), batch_size=None, num_workers=1))
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly"):
        list(it)
    pid = it._workers[0].pid
    del it
    assert not os.path.exists(f"/proc/{pid}")  # reaped, no zombie


def test_prefetch_factor_bounds_outstanding_batches():
    fetched = multiprocessing.get_context("fork").Value("i", 0)

    class Counting(ember.utils.data.Dataset):
        def __len__(self):
            return 40

        def __getitem__(self, i):
            with fetched.get_lock():
                fetched.value += 1
            return i
    it = iter(DataLoader(Counting(), batch_size=2, num_workers=2, prefetch_factor=3))
    settled(fetched, 3 * 2 * 2)  # 3 batches of 2 per worker, then the workers wait
    next(it)
    settled(fetched, 3 * 2 * 2 + 2)  # one batch handed out: one more requested


def settled(counter, expected, patience=10.0):
    """``counter`` reaches ``expected`` and stays there a moment."""
    deadline = time.monotonic() + patience
    while counter.value < expected and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)
    assert counter.value == expected


def test_persistent_workers_live_across_epochs():
    loader = DataLoader(WhoAmI(), batch_size=4, num_workers=2, persistent_workers=True)
    epochs = [[pid for batch in loader for pid in batch["pid"].tolist()] for _ in range(2)]
    assert epochs[0] == epochs[1] and len(set(epochs[0])) == 2
    workers = loader._iterator._workers
    assert all(w.is_alive() for w in workers)
    it = iter(loader)
    next(it)  # an epoch abandoned half way: the next one starts afresh
    assert [i for batch in loader for i in batch["index"].tolist()] == list(range(8))
    del it
    loader._iterator._shutdown_workers()
    assert not any(w.is_alive() for w in workers)


def test_persistent_workers_with_iterable_dataset():
    loader = DataLoader(iterable(ember, 0, 5), batch_size=2, num_workers=2, persistent_workers=True)
    e = [[b.tolist() for b in loader] for _ in range(2)]
    t_loader = torch.utils.data.DataLoader(iterable(torch, 0, 5), batch_size=2, num_workers=2, persistent_workers=True)
    assert e == [[b.tolist() for b in t_loader] for _ in range(2)]


def test_non_persistent_workers_are_new_each_epoch_and_shut_down():
    loader = DataLoader(WhoAmI(), batch_size=4, num_workers=2)
    first, second = ({pid for batch in loader for pid in batch["pid"].tolist()} for _ in range(2))
    assert first.isdisjoint(second)
    assert not any(os.path.exists(f"/proc/{pid}") for pid in first | second)


def test_iterator_deleted_early_stops_its_workers():
    it = iter(DataLoader(SlowSquares(), batch_size=2, num_workers=2))
    next(it)
    workers = it._workers
    del it
    assert not any(w.is_alive() for w in workers)


@pytest.mark.parametrize("context", ["fork", multiprocessing.get_context("fork")])
def test_explicit_multiprocessing_context(context):
    loader = DataLoader(SlowSquares(), batch_size=3, num_workers=2, multiprocessing_context=context)
    assert [b[0].tolist() for b in loader] == [[0, 1, 4], [9, 16, 25], [36, 49, 64]]


def test_len_with_workers():
    e, t = both(lambda lib: len(lib.utils.data.DataLoader(SlowSquares(), batch_size=4, num_workers=2)))
    assert e == t == 3


def test_collate_matches_torch_with_workers():
    def run(lib):
        data = lib.utils.data.TensorDataset(lib.arange(6, dtype=lib.float32).reshape(3, 2), lib.tensor([1, 0, 1]))
        return lib.utils.data.DataLoader(data, batch_size=2, num_workers=2 if lib is ember else 0)
    e, t = both(lambda lib: list(run(lib)))
    assert_same_structure(e, t)
