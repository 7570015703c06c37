"""Data-parallel scaling of ember.distributed on this machine (issue 11).

Training throughput (images/s, all ranks together) of LeNet and ResNet-18 (3x3 stem, no max-pool, 32x32
inputs) with SGD: 1 process with 1 and with 2 BLAS threads against DistributedDataParallel on 2 processes
with 1 BLAS thread each (every rank a full per-rank batch, so 2 ranks process twice the images per step).
ResNet-18 on 2 ranks also runs with one bucket reduced after backward (no overlap) to show what overlapping
the bucket allreduces with backward buys. Last, the allreduce bandwidth between 2 ranks for 1-64 MB float32.

    python bench/distributed.py            # everything (a few minutes on 2 cores)
    python bench/distributed.py lenet      # only the workloads whose name contains "lenet"
"""
import os
import subprocess
import sys
import time

import numpy as np

BATCH = {"lenet": 64, "resnet18": 16}
SECONDS = {"lenet": 6.0, "resnet18": 20.0}
WARMUP = 2
ALLREDUCE_MB = (1, 4, 16, 64)


def _model(name):
    import ember.nn as nn
    from ember.vision import models
    if name == "lenet":
        return models.LeNet(10)
    model = models.resnet18(num_classes=10)
    model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
    model.maxpool = nn.Identity()
    return model


def train_worker(name, bucket_cap_mb):
    """One rank: train ``name`` for about SECONDS[name] seconds; rank 0 prints the job's images/s."""
    import ember
    import ember.distributed as dist
    from ember.nn.parallel import DistributedDataParallel
    dist.init_process_group("mpi")
    world = dist.get_world_size()
    ember.manual_seed(0)
    model = _model(name)
    if world > 1:
        model = DistributedDataParallel(model, bucket_cap_mb=bucket_cap_mb)
    optimizer = ember.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(dist.get_rank())
    x = ember.from_numpy(rng.standard_normal((BATCH[name], 3, 32, 32), dtype=np.float32))
    y = ember.from_numpy(rng.integers(0, 10, BATCH[name]))

    def step():
        optimizer.zero_grad()
        ember.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()

    for _ in range(WARMUP):
        step()
    dist.barrier()
    steps, start = 0, time.perf_counter()
    while True:
        step()
        steps += 1
        # every rank must take the same number of steps: rank 0 decides when to stop
        done = ember.tensor([float(time.perf_counter() - start > SECONDS[name])])
        dist.broadcast(done, src=0)
        if done.item():
            break
    elapsed = time.perf_counter() - start
    if dist.get_rank() == 0:
        print(f"RESULT {world * BATCH[name] * steps / elapsed:.1f}", flush=True)


def allreduce_worker():
    """Rank 0 prints the allreduce bandwidth (buffer MB moved per second) for each buffer size."""
    import ember
    import ember.distributed as dist
    dist.init_process_group("mpi")
    for mb in ALLREDUCE_MB:
        t = ember.ones(mb * 1024 * 1024 // 4)
        dist.all_reduce(t)
        repeats = max(2, 64 // mb)
        dist.barrier()
        start = time.perf_counter()
        for _ in range(repeats):
            dist.all_reduce(t)
        elapsed = (time.perf_counter() - start) / repeats
        if dist.get_rank() == 0:
            print(f"RESULT {mb} {elapsed * 1e3:.2f} {mb / elapsed:.0f}", flush=True)


def _launch(ranks, threads, *worker_args):
    from ember.distributed.run import find_mpiexec
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    command = [find_mpiexec(), "-n", str(ranks), sys.executable, __file__, "--worker", *map(str, worker_args)]
    output = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            check=False).stdout
    results = [line.split()[1:] for line in output.splitlines() if line.startswith("RESULT")]
    if not results:
        raise RuntimeError(f"benchmark job {command} failed:\n{output}")
    return results


def main(pattern=""):
    print(f"ember.distributed on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    configs = [("1 process, 1 BLAS thread", 1, 1, 25), ("1 process, 2 BLAS threads", 1, 2, 25),
               ("DDP 2 processes x 1 BLAS thread", 2, 1, 25)]
    for name in BATCH:
        if pattern not in name:
            continue
        cases = configs + ([("DDP 2 x 1, one bucket after backward", 2, 1, 10000)] if name == "resnet18" else [])
        print(f"\n{name}, batch {BATCH[name]} per process, SGD momentum: images/s")
        base = None
        for label, ranks, threads, cap in cases:
            rate = float(_launch(ranks, threads, "train", name, cap)[0][0])
            base = base or rate
            print(f"  {label:40s} {rate:8.1f}   x{rate / base:.2f}")
    if pattern in "allreduce":
        print("\nallreduce, 2 processes, float32 buffer: ms per call, MB/s of buffer")
        for mb, ms, rate in _launch(2, 1, "allreduce"):
            print(f"  {mb:>3s} MB  {ms:>8s} ms  {rate:>6s} MB/s")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        if sys.argv[2] == "train":
            train_worker(sys.argv[3], float(sys.argv[4]))
        else:
            allreduce_worker()
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "")
