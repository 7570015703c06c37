"""ember.distributed without a process group, with one process (no mpiexec), and without mpi4py installed."""
import pytest
import torch.distributed
from mpi_jobs import run_python

import ember.distributed as dist

NOT_INITIALIZED = "Default process group has not been initialized, please make sure to call init_process_group."


@pytest.mark.parametrize("call", [
    lambda: dist.get_rank(), lambda: dist.get_world_size(), lambda: dist.barrier(),
    lambda: dist.all_reduce(ember_ones()), lambda: dist.broadcast(ember_ones(), src=0),
    lambda: dist.send(ember_ones(), dst=1), lambda: dist.new_group([0])])
def test_calls_before_init_raise_torchs_error(call):
    with pytest.raises(ValueError) as ours:
        call()
    assert str(ours.value) == NOT_INITIALIZED
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        torch.distributed.get_rank()


def ember_ones():
    import ember
    return ember.ones(2)


def test_state_and_reduce_ops_read_like_torchs():
    assert dist.is_available() and not dist.is_initialized()
    for name in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"):
        ours, theirs = getattr(dist.ReduceOp, name), getattr(torch.distributed.ReduceOp, name)
        assert (str(ours), repr(ours), int(ours)) == (str(theirs), repr(theirs), int(theirs))
    with pytest.raises(AssertionError, match="Process group cannot be None"):
        dist.destroy_process_group()


ONE_PROCESS = """
import ember, ember.distributed as dist
dist.init_process_group("mpi", init_method="env://", world_size=1, rank=0)
try:
    dist.init_process_group("mpi")
except ValueError as e:
    print("twice:", e)
t = ember.tensor([1.0, 2.0])
dist.all_reduce(t, op=dist.ReduceOp.AVG)
out = [ember.zeros(2)]
dist.all_gather(out, t)
model = ember.nn.parallel.DistributedDataParallel(ember.nn.Linear(2, 1))
model(t).sum().backward()
print(dist.get_rank(), dist.get_world_size(), dist.get_backend(), t.tolist(), out[0].tolist(),
      model.module.weight.grad.tolist(), list(model.state_dict()))
for call in (lambda: dist.send(t, dst=0), lambda: dist.gather(t, None, dst=0),
             lambda: dist.all_reduce(ember.ones(2, dtype=ember.int64), op=dist.ReduceOp.AVG),
             lambda: dist.all_gather([t, t], t), lambda: dist.all_gather_into_tensor(ember.zeros(3), t)):
    try:
        call()
    except ValueError as e:
        print("refused:", e)
dist.destroy_process_group()
for bad in (dict(backend="carrier-pigeon"), dict(world_size=4)):
    try:
        dist.init_process_group(**bad)
    except ValueError as e:
        print("bad:", e)
"""


def test_one_process_without_mpiexec_is_a_world_of_one():
    code, output = run_python(ONE_PROCESS)
    assert code == 0, output
    assert "twice: trying to initialize the default process group twice!" in output
    assert ("0 1 mpi [1.0, 2.0] [1.0, 2.0] [[1.0, 2.0]] ['module.weight', 'module.bias']") in output, output
    assert "bad: Invalid backend: 'carrier-pigeon'" in output
    for refusal in ("Invalid destination rank: destination rank should not be the same as the rank of the current",
                    "Argument ``gather_list`` must be specified on destination rank.",
                    "all_reduce: ReduceOp.AVG needs a floating point tensor, got one of dtype int64",
                    "all_gather: tensor_list must hold one tensor per rank (1), got 2",
                    "all_gather_into_tensor: the larger tensor must hold world_size (1) times the 2"):
        assert f"refused: {refusal}" in output, output
    assert "bad: init_process_group: world_size=4 but MPI started this process with world_size=1" in output


WITHOUT_MPI4PY = """
import sys
sys.modules["mpi4py"] = None  # as if it were not installed
import ember, ember.distributed as dist, ember.nn as nn
from ember.utils.data.distributed import DistributedSampler
print("available:", dist.is_available(), nn.DataParallel, nn.parallel.DistributedDataParallel.__name__)
try:
    dist.init_process_group("mpi")
except RuntimeError as e:
    print("init:", e)
"""


def test_ember_imports_without_mpi4py_and_says_what_to_install():
    code, output = run_python(WITHOUT_MPI4PY)
    assert code == 0, output
    assert "available: False" in output and "DistributedDataParallel" in output
    assert "init: ember.distributed runs over MPI and needs mpi4py: pip install mpi4py mpich" in output
