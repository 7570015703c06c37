"""Datasets and random_split, against torch.utils.data."""
import numpy as np
import pytest

import ember
from data_oracle import assert_same_structure, both
from oracle import check_error


class Squares:
    """A map-style dataset for either library (``lib.utils.data.Dataset``'s subclass made on demand)."""

    def __init__(self, n, offset=0):
        self.n, self.offset = n, offset

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return (i + self.offset) ** 2


def squares(lib, n, offset=0):
    return type("Squares", (Squares, lib.utils.data.Dataset), {})(n, offset)


def counter(lib, start, stop):
    """An iterable dataset yielding start .. stop - 1."""
    return type("Counter", (lib.utils.data.IterableDataset,), {
        "__iter__": lambda self: iter(range(start, stop)), "__len__": lambda self: stop - start})()


def test_dataset_base_getitem_raises_not_implemented():
    check_error(lambda lib: lib.utils.data.Dataset()[0])


def test_iterable_dataset_needs_iter():
    check_error(lambda lib: lib.utils.data.IterableDataset())


def test_tensor_dataset():
    x, y = np.arange(12.0, dtype=np.float32).reshape(6, 2), np.arange(6)

    def run(lib):
        ds = lib.utils.data.TensorDataset(lib.from_numpy(x), lib.from_numpy(y))
        return len(ds), ds[2], ds[-1], ds[1:3], ds.tensors[1]
    assert_same_structure(*both(run))


def test_tensor_dataset_size_mismatch():
    check_error(lambda lib: lib.utils.data.TensorDataset(lib.zeros(3, 2), lib.zeros(4)))


def test_concat_dataset_indexing_and_cumulative_sizes():
    def run(lib):
        ds = lib.utils.data.ConcatDataset([squares(lib, 3), squares(lib, 0), squares(lib, 4, 10)])
        return ds.cumulative_sizes, len(ds), [ds[i] for i in range(-len(ds), len(ds))]
    assert_same_structure(*both(run))


def test_dataset_add_concatenates():
    def run(lib):
        ds = squares(lib, 2) + squares(lib, 2, 5) + squares(lib, 1, 9)
        return type(ds).__name__, len(ds.datasets), [ds[i] for i in range(len(ds))]
    assert_same_structure(*both(run))


@pytest.mark.parametrize("build", [
    lambda lib: lib.utils.data.ConcatDataset([squares(lib, 3)])[-4],
    lambda lib: lib.utils.data.ConcatDataset([squares(lib, 3)])[3],
    lambda lib: lib.utils.data.ConcatDataset([]),
    lambda lib: lib.utils.data.ConcatDataset([counter(lib, 0, 2)]),
])
def test_concat_dataset_errors(build):
    check_error(build)


def test_chain_dataset_and_iterable_add():
    def run(lib):
        chain = lib.utils.data.ChainDataset([counter(lib, 0, 3), counter(lib, 10, 12)])
        added = counter(lib, 0, 2) + counter(lib, 5, 6)
        return list(chain), len(chain), type(added).__name__, list(added)
    assert_same_structure(*both(run))


def test_chain_dataset_rejects_map_style():
    check_error(lambda lib: list(lib.utils.data.ChainDataset([squares(lib, 2)])))


def test_subset():
    def run(lib):
        sub = lib.utils.data.Subset(squares(lib, 10), [7, 2, 5])
        return len(sub), [sub[i] for i in range(3)], sub.__getitems__([2, 0]), sub.indices
    assert_same_structure(*both(run))


def test_subset_of_tensor_dataset_with_list_index():
    x = np.arange(10, dtype=np.int64)
    assert_same_structure(*both(lambda lib: lib.utils.data.Subset(
        lib.utils.data.TensorDataset(lib.from_numpy(x)), [9, 1, 4])[[0, 2]]))


def test_subset_subclass_overriding_only_getitem_is_refused():
    check_error(lambda lib: type("S", (lib.utils.data.Subset,), {"__getitem__": lambda self, i: 0})(
        squares(lib, 3), [0]))


def test_stack_dataset_tuple_and_dict():
    def run(lib):
        a, b = squares(lib, 4), squares(lib, 4, 1)
        by_pos, by_key = lib.utils.data.StackDataset(a, b), lib.utils.data.StackDataset(x=a, y=b)
        return (len(by_pos), by_pos[1], by_pos.__getitems__([0, 3]), by_key[2], by_key.__getitems__([1, 2]))
    assert_same_structure(*both(run))


@pytest.mark.parametrize("build", [
    lambda lib: lib.utils.data.StackDataset(),
    lambda lib: lib.utils.data.StackDataset(squares(lib, 2), squares(lib, 3)),
    lambda lib: lib.utils.data.StackDataset(squares(lib, 2), y=squares(lib, 2)),
])
def test_stack_dataset_errors(build):
    check_error(build)


@pytest.mark.parametrize("n, lengths", [
    (10, [3, 7]), (10, [0.3, 0.7]), (11, [0.5, 0.5]), (10, [0.33, 0.33, 0.34]), (7, [0.1, 0.2, 0.3, 0.4]),
    (5, [1.0]), (10, [2, 0, 8])])
def test_random_split_lengths_match_torch(n, lengths):
    def run(lib):
        return [len(s) for s in lib.utils.data.random_split(squares(lib, n), lengths)]
    e, t = both(run)
    assert e == t


def test_random_split_is_a_partition_and_reproducible():
    ds = squares(ember, 20)
    parts = ember.utils.data.random_split(ds, [0.5, 0.25, 0.25], generator=ember.Generator().manual_seed(3))
    again = ember.utils.data.random_split(ds, [10, 5, 5], generator=ember.Generator().manual_seed(3))
    assert sorted(i for p in parts for i in p.indices) == list(range(20))
    assert [p.indices for p in parts] == [p.indices for p in again]
    assert all(isinstance(p, ember.utils.data.Subset) and p.dataset is ds for p in parts)
    ember.manual_seed(5)
    first = ember.utils.data.random_split(ds, [10, 10])[0].indices
    ember.manual_seed(5)
    assert ember.utils.data.random_split(ds, [10, 10])[0].indices == first != list(range(10))


def test_random_split_warns_on_empty_split():
    def run(lib):
        with pytest.warns(UserWarning) as record:
            lengths = [len(s) for s in lib.utils.data.random_split(squares(lib, 2), [0.9, 0.05, 0.05])]
        return lengths, [str(w.message) for w in record]
    e, t = both(run)
    assert e == t == ([2, 0, 0], [f"Length of split at index {i} is 0. This might result in an empty dataset."
                                  for i in (1, 2)])


@pytest.mark.parametrize("lengths", [[3, 3], [0.5, 0.6], [1.2, -0.2]])
def test_random_split_errors(lengths):
    check_error(lambda lib: lib.utils.data.random_split(squares(lib, 5), lengths))
