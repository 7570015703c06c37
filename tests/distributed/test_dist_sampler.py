"""DistributedSampler against torch's: the same index lists for every rank, epoch and option."""
import pytest
import torch.utils.data.distributed as torch_distributed

import ember
import ember.utils.data as data
from ember.utils.data.distributed import DistributedSampler


@pytest.mark.parametrize("n", [0, 1, 7, 10, 23, 1000])
@pytest.mark.parametrize("replicas", [1, 2, 3, 4])
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_matches_torch(n, replicas, shuffle, drop_last):
    for rank in range(replicas):
        for epoch in (0, 5):
            args = (range(n), replicas, rank, shuffle, 3, drop_last)
            theirs, ours = torch_distributed.DistributedSampler(*args), DistributedSampler(*args)
            theirs.set_epoch(epoch)
            ours.set_epoch(epoch)
            assert list(ours) == list(theirs)
            assert len(ours) == len(theirs) and ours.total_size == theirs.total_size


def test_distributed_sampler_shuffles_differently_per_epoch_and_feeds_a_dataloader():
    sampler = data.DistributedSampler(range(20), num_replicas=2, rank=1, seed=7)
    first = list(sampler)
    sampler.set_epoch(1)
    assert sorted(first) != first and list(sampler) != first
    loader = data.DataLoader(data.TensorDataset(ember.arange(20)), batch_size=5, sampler=sampler)
    assert [i for (b,) in loader for i in b.tolist()] == list(sampler)


@pytest.mark.parametrize("rank", [-1, 3])
def test_distributed_sampler_rejects_a_rank_outside_the_replicas(rank):
    with pytest.raises(ValueError, match=rf"Invalid rank {rank}, rank should be in the interval \[0, 2\]"):
        DistributedSampler(range(10), num_replicas=3, rank=rank)


def test_distributed_sampler_without_replicas_needs_a_process_group():
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        DistributedSampler(range(10))
