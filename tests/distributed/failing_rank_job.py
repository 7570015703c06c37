"""Rank 1 raises (or with argument ``exit``, calls sys.exit(3)) while rank 0 waits in a collective: the job
must end non-zero, not hang."""
import sys

import ember
import ember.distributed as dist

dist.init_process_group("mpi")
if dist.get_rank() == 1:
    if sys.argv[1:] == ["exit"]:
        sys.exit(3)
    raise ValueError("rank 1 failed on purpose")
dist.all_reduce(ember.ones(3))
