"""Every collective and ReduceOp checked for values on each rank; run with 2 and 3 ranks by the tests."""
import numpy

import ember
import ember.distributed as dist
from ember.distributed import ReduceOp

dist.init_process_group(backend="mpi")
rank, world = dist.get_rank(), dist.get_world_size()
checks = []


def data(q, shape=(2, 3), dtype=numpy.float32):
    """Rank q's input: distinct, exactly representable values (products stay exact)."""
    return (numpy.arange(numpy.prod(shape)).reshape(shape) % 3 + q + 1).astype(dtype)


def expect(name, tensor, expected):
    assert isinstance(tensor, ember.Tensor)
    numpy.testing.assert_array_equal(tensor.numpy(), expected, err_msg=f"rank {rank}: {name}")
    checks.append(name)


everyone = numpy.stack([data(q) for q in range(world)])
reductions = {ReduceOp.SUM: everyone.sum(0), ReduceOp.AVG: everyone.sum(0) / world, ReduceOp.MAX: everyone.max(0),
              ReduceOp.MIN: everyone.min(0), ReduceOp.PRODUCT: everyone.prod(0)}
for op, expected in reductions.items():
    t = ember.from_numpy(data(rank))
    dist.all_reduce(t, op=op)
    expect(f"all_reduce {op}", t, expected)
    t = ember.from_numpy(data(rank))
    work = dist.all_reduce(t, op, async_op=True)
    assert work.wait() is True and work.is_completed()
    expect(f"async all_reduce {op}", t, expected)
    t = ember.from_numpy(data(rank))
    dist.reduce(t, dst=world - 1, op=op)
    expect(f"reduce {op}", t, expected if rank == world - 1 else data(rank))

ints = ember.from_numpy(data(rank, dtype=numpy.int64))
dist.all_reduce(ints)
expect("all_reduce int64", ints, everyone.sum(0).astype(numpy.int64))
column = ember.from_numpy(data(rank, (3, 2)).copy())[:, 1]  # a non-contiguous view: the base must change too
dist.all_reduce(column)
expect("all_reduce view", column, numpy.stack([data(q, (3, 2))[:, 1] for q in range(world)]).sum(0))

t = ember.from_numpy(data(rank))
dist.broadcast(t, src=1)
expect("broadcast", t, data(1))

gathered = [ember.zeros(2, 3) for _ in range(world)]
dist.all_gather(gathered, ember.from_numpy(data(rank)))
for q, g in enumerate(gathered):
    expect("all_gather", g, data(q))
out = ember.zeros(world * 2, 3)
dist.all_gather_into_tensor(out, ember.from_numpy(data(rank)))
expect("all_gather_into_tensor", out, everyone.reshape(world * 2, 3))

chunks = lambda q: [ember.from_numpy(data(q) * (i + 1)) for i in range(world)]  # noqa: E731
out = ember.zeros(2, 3)
dist.reduce_scatter(out, chunks(rank))
expect("reduce_scatter", out, everyone.sum(0) * (rank + 1))
out = ember.zeros(2, 3)
dist.reduce_scatter(out, chunks(rank), op=ReduceOp.MAX)
expect("reduce_scatter MAX", out, everyone.max(0) * (rank + 1))
out = ember.zeros(2, 3)
dist.reduce_scatter_tensor(out, ember.from_numpy(numpy.concatenate([data(rank) * (i + 1) for i in range(world)])))
expect("reduce_scatter_tensor", out, everyone.sum(0) * (rank + 1))

gather_list = [ember.zeros(2, 3) for _ in range(world)] if rank == 0 else None
dist.gather(ember.from_numpy(data(rank)), gather_list, dst=0)
for q, g in enumerate(gather_list or []):
    expect("gather", g, data(q))
t = ember.zeros(2, 3)
dist.scatter(t, chunks(world - 1) if rank == world - 1 else None, src=world - 1)
expect("scatter", t, data(world - 1) * (rank + 1))

# Point to point around a ring: blocking send/recv, then isend/irecv with wait().
right, left = (rank + 1) % world, (rank - 1) % world
received = ember.zeros(2, 3)
if rank % 2 == 0:
    dist.send(ember.from_numpy(data(rank)), dst=right)
    sender = dist.recv(received, src=left)
else:
    sender = dist.recv(received)
    dist.send(ember.from_numpy(data(rank)), dst=right)
assert sender == left, (rank, sender)
expect("send/recv", received, data(left))
received = ember.zeros(2, 3)
works = [dist.irecv(received, src=left), dist.isend(ember.from_numpy(data(rank) * 2), dst=right)]
for work in works:
    work.wait()
expect("isend/irecv", received, data(left) * 2)

# A subgroup of ranks 0 and 1: ranks are group ranks, src/dst are global ones.
pair = dist.new_group([0, 1])
t = ember.from_numpy(data(rank))
if rank < 2:
    assert dist.get_world_size(pair) == 2 and dist.get_rank(pair) == rank
    dist.all_reduce(t, group=pair)
    expect("all_reduce in new_group", t, data(0) + data(1))
else:
    assert pair is dist.GroupMember.NON_GROUP_MEMBER and dist.get_rank(pair) == -1

# Picklable objects.
objects = [None] * world
dist.all_gather_object(objects, {"rank": rank})
assert objects == [{"rank": q} for q in range(world)], objects
shared = [rank, "from", rank] if rank == 1 else [None, None, None]
dist.broadcast_object_list(shared, src=1)
assert shared == [1, "from", 1], shared
gathered_objects = [None] * world if rank == 0 else None
dist.gather_object(rank * 10, gathered_objects, dst=0)
assert rank != 0 or gathered_objects == [q * 10 for q in range(world)], gathered_objects
mine = [None]
dist.scatter_object_list(mine, [f"to {q}" for q in range(world)] if rank == 0 else None, src=0)
assert mine == [f"to {rank}"], mine
checks += ["objects"] * 4

dist.barrier()
assert dist.barrier(async_op=True).wait()
dist.destroy_process_group()
assert not dist.is_initialized()
print(f"rank {rank} of {world}: {len(checks)} checks passed", flush=True)
