"""Every collective, ReduceOp and point-to-point call, checked for values on 2 and 3 ranks under mpiexec."""
import re

import pytest
from mpi_jobs import run_job


@pytest.mark.mpi
@pytest.mark.parametrize("ranks", [2, 3])
def test_collectives_give_the_reduced_values_on_every_rank(ranks):
    code, output = run_job("collectives_job.py", ranks)
    assert code == 0, output
    passed = {int(r): int(n) for r, n in re.findall(r"rank (\d) of \d: (\d+) checks passed", output)}
    # every rank makes 29 + ranks checks; rank 0 also checks what it gathered, ranks 0 and 1 their subgroup
    expected = {rank: 29 + ranks + (rank == 0) * ranks + (rank < 2) for rank in range(ranks)}
    assert passed == expected, output
