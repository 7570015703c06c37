"""DDP checks on 2 ranks: 20 LeNet steps on half batches each; no_sync accumulation; unused parameters."""
import sys

import numpy

import ember
import ember.distributed as dist
import ember.nn as nn
from ember.nn.parallel import DistributedDataParallel as DDP
from lenet_training import BATCH, batch, fresh_lenet, train, weights

dist.init_process_group("mpi")
rank, world = dist.get_rank(), dist.get_world_size()
half = slice(rank * BATCH // world, (rank + 1) * BATCH // world)

model = DDP(fresh_lenet(seed=rank))  # rank 0's initial weights must reach every rank
assert list(model.state_dict())[0] == "module.conv1.weight", list(model.state_dict())
train(model, model, half)
numpy.savez(f"{sys.argv[1]}_ddp_rank{rank}.npz", **weights(model.module))

# no_sync: two micro-batches accumulated locally, then one synchronised, equal one full-batch step.
model = DDP(fresh_lenet(seed=rank), bucket_cap_mb=0.01)
images, labels = batch(0)
quarter = BATCH // (2 * world)
micro = [slice(rank * 2 * quarter + k * quarter, rank * 2 * quarter + (k + 1) * quarter) for k in range(2)]
with model.no_sync():
    (nn.functional.cross_entropy(model(images[micro[0]]), labels[micro[0]]) / 2).backward()
local = fresh_lenet(seed=0)
(nn.functional.cross_entropy(local(images[micro[0]]), labels[micro[0]]) / 2).backward()
for p, q in zip(model.parameters(), local.parameters()):  # inside no_sync the gradients stay this rank's own
    assert numpy.allclose(p.grad.numpy(), q.grad.numpy(), rtol=0, atol=1e-7), "no_sync averaged the gradients"
(nn.functional.cross_entropy(model(images[micro[1]]), labels[micro[1]]) / 2).backward()
numpy.savez(f"{sys.argv[1]}_nosync_rank{rank}.npz", *[p.grad.numpy() for p in model.parameters()])


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(4, 2), nn.Linear(4, 2)

    def forward(self, x, use_b):
        return self.b(x) if use_b else self.a(x)


# find_unused_parameters: rank 0 uses head a, rank 1 head b; each head's gradient is its user's halved.
ember.manual_seed(0)
heads = DDP(TwoHeads(), find_unused_parameters=True)
x = ember.ones(3, 4) * (rank + 1)
heads(x, use_b=rank == 1).sum().backward()
for name, p in heads.module.named_parameters():
    user = 1 if name.startswith("b") else 0
    expected = (3.0 * (user + 1) if name.endswith("weight") else 3.0) / world
    assert p.grad is not None and numpy.allclose(p.grad.numpy(), expected), (rank, name, p.grad)
# Without find_unused_parameters an unused head leaves the reduction unfinished: the next forward says so.
heads = DDP(TwoHeads())
heads(x, use_b=False).sum().backward()
try:
    heads(x, use_b=False)
    raise AssertionError("an unfinished reduction went unnoticed")
except RuntimeError as error:
    assert "Expected to have finished reduction in the prior iteration" in str(error), error
print(f"rank {rank}: ddp checks passed", flush=True)
dist.destroy_process_group()
