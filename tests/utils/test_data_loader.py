"""DataLoader in the main process (num_workers=0) against torch's: batches, collation, len, argument errors,
and shuffling reproducible from ember's seed or a generator."""
import collections

import numpy as np
import pytest
import torch

import ember
from data_oracle import assert_same_batches, both
from oracle import check_error

X = np.arange(20, dtype=np.float32).reshape(10, 2)
Y = np.arange(10) % 3


def tensor_dataset(lib):
    return lib.utils.data.TensorDataset(lib.from_numpy(X), lib.from_numpy(Y))


class Records:
    """Samples that are dicts of a numpy image, a python int label and a string."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"image": np.full((2, 2), i, np.uint8), "label": i % 2, "name": f"item{i}"}


def counter(lib, n):
    return type("Counter", (lib.utils.data.IterableDataset,), {
        "__iter__": lambda self: iter(range(n)), "__len__": lambda self: n})()


@pytest.mark.parametrize("kwargs", [dict(), dict(batch_size=4), dict(batch_size=4, drop_last=True),
                                    dict(batch_size=10), dict(batch_size=None), dict(batch_size=3, shuffle=False)])
def test_tensor_dataset_batches(kwargs):
    assert_same_batches(lambda lib: lib.utils.data.DataLoader(tensor_dataset(lib), **kwargs))


def test_dict_samples_collate():
    assert_same_batches(lambda lib: lib.utils.data.DataLoader(Records(), batch_size=2))


def test_batch_size_none_converts_without_batching():
    assert_same_batches(lambda lib: lib.utils.data.DataLoader(Records(), batch_size=None))


def test_custom_collate_fn_and_sampler():
    def run(lib):
        return lib.utils.data.DataLoader(Records(), batch_size=2, sampler=[4, 0, 2],
                                         collate_fn=lambda batch: [s["name"] for s in batch])
    assert_same_batches(run)


def test_batch_sampler_option():
    assert_same_batches(lambda lib: lib.utils.data.DataLoader(tensor_dataset(lib), batch_sampler=[[3, 1], [0], [9, 8, 7]]))


def test_iterable_dataset_batches():
    for kwargs in (dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)):
        assert_same_batches(lambda lib: lib.utils.data.DataLoader(counter(lib, 7), **kwargs))


@pytest.mark.parametrize("kwargs", [dict(), dict(batch_size=3), dict(batch_size=3, drop_last=True),
                                    dict(batch_size=None), dict(batch_sampler=[[0, 1], [2]]),
                                    dict(sampler=[1, 2, 3], batch_size=2)])
def test_len(kwargs):
    e, t = both(lambda lib: len(lib.utils.data.DataLoader(tensor_dataset(lib), **kwargs)))
    assert e == t


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)])
def test_len_iterable_dataset(kwargs):
    e, t = both(lambda lib: len(lib.utils.data.DataLoader(counter(lib, 7), **kwargs)))
    assert e == t


def test_attributes():
    def run(lib):
        loader = lib.utils.data.DataLoader(tensor_dataset(lib), batch_size=4, shuffle=True, drop_last=True)
        return (type(loader.sampler).__name__, type(loader.batch_sampler).__name__, loader.batch_size,
                loader.drop_last, loader.num_workers, loader.prefetch_factor, loader.collate_fn.__name__)
    e, t = both(run)
    assert e == t


@pytest.mark.parametrize("kwargs", [
    dict(sampler=[0, 1], shuffle=True),
    dict(batch_sampler=[[0]], batch_size=2),
    dict(batch_sampler=[[0]], shuffle=True),
    dict(batch_sampler=[[0]], sampler=[0]),
    dict(batch_sampler=[[0]], drop_last=True),
    dict(batch_size=None, drop_last=True),
    dict(num_workers=-1),
    dict(timeout=-1),
    dict(prefetch_factor=2),
    dict(num_workers=1, prefetch_factor=-1),
    dict(persistent_workers=True),
    dict(multiprocessing_context="fork"),
    dict(num_workers=1, multiprocessing_context="no-such-method"),
    dict(num_workers=1, multiprocessing_context=3),
    dict(batch_size=0),
])
def test_argument_conflicts(kwargs):
    check_error(lambda lib: lib.utils.data.DataLoader(tensor_dataset(lib), **kwargs))


def test_argument_conflict_texts():
    with pytest.raises(ValueError, match="^sampler option is mutually exclusive with shuffle$"):
        ember.utils.data.DataLoader(tensor_dataset(ember), sampler=[0], shuffle=True)
    with pytest.raises(ValueError, match="^batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                         "sampler, and drop_last$"):
        ember.utils.data.DataLoader(tensor_dataset(ember), batch_sampler=[[0]], batch_size=2)


@pytest.mark.parametrize("kwargs", [dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])])
def test_iterable_dataset_refuses_sampling_options(kwargs):
    message = check_error(lambda lib: lib.utils.data.DataLoader(counter(lib, 3), **kwargs))
    assert message.startswith("DataLoader with IterableDataset: expected unspecified")


def test_timeout_needs_workers():
    check_error(lambda lib: iter(lib.utils.data.DataLoader(tensor_dataset(lib), timeout=1)))


def test_attributes_frozen_after_init():
    check_error(lambda lib: setattr(lib.utils.data.DataLoader(tensor_dataset(lib)), "batch_size", 3))


def test_pin_memory_accepted():
    def run(lib):
        with pytest.warns(UserWarning, match="pin_memory"):
            return list(lib.utils.data.DataLoader(tensor_dataset(lib), batch_size=4, pin_memory=True))
    assert_same_batches(run)


def epoch_order(loader):
    return [i for batch in loader for i in batch[1].tolist()]


def test_shuffle_is_a_permutation_reproducible_from_the_global_seed():
    loader = ember.utils.data.DataLoader(ember.utils.data.TensorDataset(ember.arange(10), ember.arange(10)),
                                         batch_size=3, shuffle=True)
    ember.manual_seed(0)
    first, second = epoch_order(loader), epoch_order(loader)
    ember.manual_seed(0)
    assert epoch_order(loader) == first and epoch_order(loader) == second
    assert first != second and sorted(first) == list(range(10))


def test_shuffle_reproducible_from_a_generator():
    def order(seed):
        data = ember.utils.data.TensorDataset(ember.arange(30), ember.arange(30))
        return epoch_order(ember.utils.data.DataLoader(data, batch_size=4, shuffle=True,
                                                       generator=ember.Generator().manual_seed(seed)))
    assert order(1) == order(1) != order(2)


def test_shuffle_draws_like_torch_from_the_global_rng():
    """Each epoch takes its worker base seed and then its sampler seed from the global RNG, as torch does: after
    an epoch the global stream has moved on by the same number of draws."""
    def run(lib):
        lib.manual_seed(0)
        list(lib.utils.data.DataLoader(range(4), shuffle=True))
        after_shuffled = lib.rand(1)
        lib.manual_seed(0)
        lib.empty((), dtype=lib.int64).random_()
        lib.empty((), dtype=lib.int64).random_()
        return after_shuffled.item() == lib.rand(1).item()
    assert both(run) == (True, True)


def test_namedtuple_samples():
    Pair = collections.namedtuple("Pair", "a b")

    class Pairs:
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return Pair(float(i), np.int64(i))
    assert_same_batches(lambda lib: lib.utils.data.DataLoader(Pairs(), batch_size=3))


def test_getitems_is_used_for_batches():
    class Batched:
        def __len__(self):
            return 6

        def __getitems__(self, indices):
            return [i * 10 for i in indices]
    assert_same_batches(lambda lib: lib.utils.data.DataLoader(Batched(), batch_size=4))


def test_iterable_len_warning():
    loader = ember.utils.data.DataLoader(type("Lying", (ember.utils.data.IterableDataset,), {
        "__iter__": lambda self: iter(range(4)), "__len__": lambda self: 2})(), batch_size=None)
    assert len(loader) == 2
    with pytest.warns(UserWarning, match="was reported to be 2"):
        assert list(loader) == [0, 1, 2, 3]


def test_import_paths_like_torch():
    import ember.utils.data.dataloader
    assert ember.utils.data.dataloader.default_collate is ember.utils.data.default_collate
    assert ember.utils.data.dataloader.DataLoader is ember.utils.data.DataLoader
    assert torch.utils.data.dataloader.default_collate and ember.utils.data.get_worker_info() is None
