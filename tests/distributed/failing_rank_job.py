"""Rank 1 raises while rank 0 waits in a collective: the job must end non-zero, not hang."""
import ember
import ember.distributed as dist

dist.init_process_group("mpi")
if dist.get_rank() == 1:
    raise ValueError("rank 1 failed on purpose")
dist.all_reduce(ember.ones(3))
