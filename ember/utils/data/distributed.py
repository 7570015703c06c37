"""DistributedSampler, as torch.utils.data.distributed: each rank iterates its own share of the dataset."""
import math

import numpy

from .sampler import Sampler


class DistributedSampler(Sampler):
    """Rank ``rank`` of ``num_replicas`` gets every num_replicas-th index of one (shuffled) order, padded by
    repeating indices so every rank gets as many (or cut, with ``drop_last``). The shuffled order for an epoch
    is PyTorch's ``randperm(len(dataset))`` from a generator seeded ``seed + epoch``, so ranks agree with each
    other and with a PyTorch program on which samples they see."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            from ... import distributed as dist
            num_replicas = dist.get_world_size() if num_replicas is None else num_replicas
            rank = dist.get_rank() if rank is None else rank
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        if drop_last and len(dataset) % num_replicas:
            self.num_samples = math.ceil((len(dataset) - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(len(dataset) / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        indices = torch_randperm(n, self.seed + self.epoch) if self.shuffle else list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            padding = self.total_size - len(indices)
            indices += (indices * math.ceil(padding / max(len(indices), 1)))[:padding]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Use a new shuffled order for this epoch (call it before each epoch's DataLoader iteration)."""
        self.epoch = epoch


def torch_randperm(n, seed):
    """PyTorch's CPU ``randperm(n)`` from a generator seeded ``seed``: a Fisher-Yates shuffle drawing from the
    32-bit Mersenne Twister that a PyTorch generator seeded ``seed`` runs."""
    draws = numpy.random.RandomState(seed & 0xFFFFFFFF)._bit_generator.random_raw(max(n - 1, 0)).tolist()
    order = list(range(n))
    for i, draw in enumerate(draws):
        j = i + draw % (n - i)
        order[i], order[j] = order[j], order[i]
    return order
