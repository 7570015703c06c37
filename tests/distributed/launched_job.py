"""Run by ``python -m ember.distributed.run``: torchrun's environment, the script's arguments, a collective."""
import os
import sys

import ember
import ember.distributed as dist

dist.init_process_group("gloo", init_method="env://", rank=int(os.environ["RANK"]),
                        world_size=int(os.environ["WORLD_SIZE"]))
t = ember.tensor([float(dist.get_rank())])
dist.all_reduce(t)
print(f"rank {os.environ['RANK']} local {os.environ['LOCAL_RANK']} of {os.environ['WORLD_SIZE']} "
      f"args {sys.argv[1:]} __name__ {__name__} sum {t.item()}", flush=True)
