"""DistributedDataParallel on 2 ranks against single-process training on the full batch."""
import numpy
import pytest
from lenet_training import batch, fresh_lenet, train, weights
from mpi_jobs import run_job

import ember
import ember.nn.functional as F


@pytest.fixture(scope="module")
def ddp_job(tmp_path_factory):
    """Run ddp_job.py once on 2 ranks; the prefix of the .npz files it wrote."""
    prefix = tmp_path_factory.mktemp("ddp") / "out"
    code, output = run_job("ddp_job.py", 2, prefix)
    assert code == 0, output
    assert "rank 0: ddp checks passed" in output and "rank 1: ddp checks passed" in output, output
    return prefix


@pytest.mark.mpi
def test_ddp_lenet_20_steps_on_half_batches_equals_full_batch_training(ddp_job):
    model = fresh_lenet(seed=0)
    train(model, model)
    expected = weights(model)
    for rank in (0, 1):
        got = numpy.load(f"{ddp_job}_ddp_rank{rank}.npz")
        assert sorted(got.files) == sorted(expected)
        for name, value in expected.items():
            numpy.testing.assert_allclose(got[name], value, rtol=0, atol=1e-5, err_msg=f"rank {rank}: {name}")
    assert not numpy.allclose(expected["fc3.weight"], weights(fresh_lenet(seed=0))["fc3.weight"])


@pytest.mark.mpi
def test_ddp_no_sync_accumulation_equals_the_full_batch_gradient(ddp_job):
    model = fresh_lenet(seed=0)
    images, labels = batch(0)
    F.cross_entropy(model(images), labels).backward()
    for rank in (0, 1):
        got = numpy.load(f"{ddp_job}_nosync_rank{rank}.npz")
        for i, p in enumerate(model.parameters()):
            numpy.testing.assert_allclose(got[f"arr_{i}"], p.grad.numpy(), rtol=0, atol=1e-6)


def test_ddp_needs_an_initialized_process_group():
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        ember.nn.parallel.DistributedDataParallel(ember.nn.Linear(2, 2))
