"""Launching: python -m ember.distributed.run, and a failing rank ending the whole job instead of hanging."""
import sys
import time

import pytest
from mpi_jobs import run_job, run_launched

from ember.distributed.run import mpiexec_command

RANK_MAIN = [sys.executable, "-m", "ember.distributed._rank_main"]


@pytest.mark.mpi
def test_launcher_starts_ranks_with_torchrun_environment_and_arguments():
    code, output = run_launched("launched_job.py", 2, "--lr", "0.1")
    assert code == 0, output
    for rank in (0, 1):
        assert f"rank {rank} local {rank} of 2 args ['--lr', '0.1'] __name__ __main__ sum 1.0" in output, output


@pytest.mark.mpi
@pytest.mark.parametrize("run", [run_job, run_launched], ids=["mpiexec", "launcher"])
def test_a_rank_that_raises_aborts_the_job_with_its_error(run):
    start = time.monotonic()
    code, output = run("failing_rank_job.py", 2, timeout=60)
    assert code != 0
    assert time.monotonic() - start < 60
    assert "ValueError: rank 1 failed on purpose" in output, output
    assert "rank 1 of 2 raised an exception" in output, output


@pytest.mark.mpi
def test_a_rank_that_exits_non_zero_under_the_launcher_aborts_the_job():
    code, output = run_launched("failing_rank_job.py", 2, "exit", timeout=60)
    assert code == 3, output
    assert "rank 1 exited with 3; aborting the job" in output, output


def test_launcher_command_for_one_host_and_for_several(tmp_path):
    assert mpiexec_command(["-n", "4", "--mpiexec", "mpx", "train.py", "--lr", "1"]) == [
        "mpx", "-n", "4", *RANK_MAIN, "train.py", "--lr", "1"]
    assert mpiexec_command(["-n", "2", "--mpiexec", "mpx", "--hosts", "a,b,c", "-m", "pkg.train"]) == [
        "mpx", "-n", "6", "-hosts", "a,b,c", "-ppn", "2", *RANK_MAIN, "-m", "pkg.train"]
    hostfile = tmp_path / "hosts"
    hostfile.write_text("node1  # the first\n\nnode2:8\n")
    assert mpiexec_command(["--nproc_per_node", "8", "--mpiexec", "mpx", "--hostfile", str(hostfile), "t.py"]) == [
        "mpx", "-n", "16", "-f", str(hostfile), "-ppn", "8", *RANK_MAIN, "t.py"]
