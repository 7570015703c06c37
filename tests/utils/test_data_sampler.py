"""Samplers against torch.utils.data: deterministic ones give the same indices; random ones are compared on what
does not depend on the random stream (counts, ranges, permutation property) and are reproducible from seeds."""
import collections

import numpy as np
import pytest

import ember
from data_oracle import both
from oracle import check_error


def indices(sampler):
    return list(sampler)


def test_sequential_sampler():
    e, t = both(lambda lib: (indices(lib.utils.data.SequentialSampler(range(5))),
                             len(lib.utils.data.SequentialSampler(range(5)))))
    assert e == t == ([0, 1, 2, 3, 4], 5)


@pytest.mark.parametrize("n, batch_size, drop_last", [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False),
                                                      (2, 5, True), (0, 2, False)])
def test_batch_sampler_splits_like_torch(n, batch_size, drop_last):
    def run(lib):
        sampler = lib.utils.data.BatchSampler(lib.utils.data.SequentialSampler(range(n)), batch_size, drop_last)
        return list(sampler), len(sampler)
    e, t = both(run)
    assert e == t


def test_batch_sampler_over_any_iterable():
    e, t = both(lambda lib: list(lib.utils.data.BatchSampler([5, 1, 4, 2, 3], 2, False)))
    assert e == t == [[5, 1], [4, 2], [3]]


@pytest.mark.parametrize("args", [(0, False), (-1, False), (True, False), (2.0, False), (2, 1)])
def test_batch_sampler_errors(args):
    message = check_error(lambda lib: lib.utils.data.BatchSampler(range(4), *args))
    assert "should be a" in message


@pytest.mark.parametrize("num_samples", [None, 7, 25, 3])
def test_random_sampler_without_replacement(num_samples):
    sampler = ember.utils.data.RandomSampler(range(10), num_samples=num_samples, generator=ember.Generator())
    drawn = indices(sampler)
    n = num_samples or 10
    assert len(sampler) == len(drawn) == n
    for start in range(0, n - n % 10, 10):  # each full pass is a permutation
        assert sorted(drawn[start:start + 10]) == list(range(10))
    assert len(set(drawn[n - n % 10:])) == n % 10


def test_random_sampler_with_replacement():
    sampler = ember.utils.data.RandomSampler(range(4), replacement=True, num_samples=70)
    drawn = indices(sampler)
    assert len(drawn) == len(sampler) == 70 and set(drawn) == {0, 1, 2, 3}
    assert all(isinstance(i, int) for i in drawn)


def test_random_sampler_reproducible_from_generator_and_global_seed():
    def draw(**kwargs):
        return indices(ember.utils.data.RandomSampler(range(50), **kwargs))
    assert draw(generator=ember.Generator().manual_seed(1)) == draw(generator=ember.Generator().manual_seed(1))
    assert draw(generator=ember.Generator().manual_seed(1)) != draw(generator=ember.Generator().manual_seed(2))
    ember.manual_seed(4)
    first, second = draw(), draw()
    ember.manual_seed(4)
    assert draw() == first and draw() == second and first != second
    assert sorted(first) == list(range(50))


@pytest.mark.parametrize("kwargs", [dict(replacement=1), dict(num_samples=0), dict(num_samples=2.0)])
def test_random_sampler_errors(kwargs):
    check_error(lambda lib: lib.utils.data.RandomSampler(range(3), **kwargs))


def test_random_sampler_empty_dataset_error():
    check_error(lambda lib: lib.utils.data.RandomSampler([]))


def test_subset_random_sampler():
    sampler = ember.utils.data.SubsetRandomSampler([3, 8, 11, 20], generator=ember.Generator().manual_seed(0))
    drawn = indices(sampler)
    assert len(sampler) == 4 and sorted(drawn) == [3, 8, 11, 20]
    assert indices(ember.utils.data.SubsetRandomSampler([3, 8, 11, 20], ember.Generator().manual_seed(0))) == drawn


def test_weighted_random_sampler_frequencies():
    sampler = ember.utils.data.WeightedRandomSampler([1, 0, 3], 4000, generator=ember.Generator().manual_seed(0))
    counts = collections.Counter(indices(sampler))
    assert len(sampler) == 4000 and counts[1] == 0
    assert abs(counts[2] / 4000 - 0.75) < 0.03
    assert sampler.weights.dtype is ember.float64


def test_weighted_random_sampler_without_replacement():
    drawn = indices(ember.utils.data.WeightedRandomSampler([0.1, 5, 1, 2], 4, replacement=False))
    assert sorted(drawn) == [0, 1, 2, 3]


@pytest.mark.parametrize("weights, num_samples, replacement", [
    ([1.0, 2.0], 0, True), ([1.0, 2.0], True, True), ([1.0, 2.0], 2, 1), ([[1.0, 2.0]], 2, True)])
def test_weighted_random_sampler_errors(weights, num_samples, replacement):
    check_error(lambda lib: lib.utils.data.WeightedRandomSampler(weights, num_samples, replacement))


def test_weighted_random_sampler_too_many_without_replacement():
    check_error(lambda lib: list(lib.utils.data.WeightedRandomSampler([1.0, 2.0], 3, replacement=False)))


def test_custom_sampler_subclass():
    def run(lib):
        class Reversed(lib.utils.data.Sampler):
            def __init__(self, n):
                self.n = n

            def __iter__(self):
                return iter(range(self.n - 1, -1, -1))

            def __len__(self):
                return self.n
        return list(lib.utils.data.BatchSampler(Reversed(5), 2, False))
    e, t = both(run)
    assert e == t == [[4, 3], [2, 1], [0]]


def test_base_sampler_iter_not_implemented():
    check_error(lambda lib: iter(lib.utils.data.Sampler()))


def test_sampler_draws_numpy_free_python_ints():
    drawn = indices(ember.utils.data.RandomSampler(range(5), generator=ember.Generator()))
    assert all(type(i) is int for i in drawn) and not isinstance(drawn[0], np.integer)
