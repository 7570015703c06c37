"""DataLoader throughput: one epoch over a dataset whose __getitem__ does a few ms of real image work (JPEG decode,
PIL resize and rotation, numpy normalisation), read in the main process (num_workers=0) and by 2 worker processes.

Prints the best epoch time of each over a few alternating rounds and the speedup of 2 workers; then the same for
torch.utils.data.DataLoader on the same dataset, measured in its own process; then the ceiling: how much faster two
plain processes (multiprocessing.Pool(2)) read the dataset than one, on this machine at this moment (on a machine
that other jobs keep busy, two processes may get no more CPU than one).

    python bench/dataloader.py
"""
import io
import json
import multiprocessing
import subprocess
import sys
import time

import numpy as np
from PIL import Image

ITEMS = 256
BATCH_SIZE = 8
ROUNDS = 3


class Photos:
    """Random 320x320 RGB photos stored as JPEG files' bytes, each read as an ImageFolder item would be: decode,
    resize to 256, rotate, center 224 crop, to normalised float32 CHW."""

    def __init__(self, n):
        pixels = np.random.default_rng(0).integers(0, 256, (n, 320, 320, 3), dtype=np.uint8)
        self.jpegs = [_jpeg(Image.fromarray(p)) for p in pixels]

    def __len__(self):
        return len(self.jpegs)

    def __getitem__(self, i):
        img = Image.open(io.BytesIO(self.jpegs[i])).convert("RGB")
        img = img.resize((256, 256), Image.BILINEAR).rotate(10 + i % 20).crop((16, 16, 240, 240))
        x = np.asarray(img, dtype=np.float32).transpose(2, 0, 1) / 255.0
        return (x - 0.5) / 0.25, i % 10


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def epoch_seconds(lib, dataset, num_workers):
    loader = lib.utils.data.DataLoader(dataset, batch_size=BATCH_SIZE, shuffle=True, num_workers=num_workers)
    start = time.perf_counter()
    for images, labels in loader:
        assert tuple(images.shape[1:]) == (3, 224, 224) and labels.dtype == lib.int64
    return time.perf_counter() - start


def measure(lib_name):
    """Best epoch seconds with 0 and with 2 workers, rounds alternating."""
    lib = __import__(lib_name)
    if lib_name == "torch":
        lib.set_num_threads(1)
    dataset = Photos(ITEMS)
    best = {0: float("inf"), 2: float("inf")}
    for _ in range(ROUNDS):
        for workers in best:
            best[workers] = min(best[workers], epoch_seconds(lib, dataset, workers))
    return best


_POOL_DATASET = []  # set before the pool forks, so that its processes share it


def _read_items(bounds):
    for i in range(*bounds):
        _POOL_DATASET[0][i]


def pool_speedup():
    """Best time to read every item in one process over best time in two (a Pool of 2, half the items each)."""
    _POOL_DATASET.append(Photos(ITEMS))
    half = ITEMS // 2
    one, two = float("inf"), float("inf")
    with multiprocessing.get_context("fork").Pool(2) as pool:
        for _ in range(ROUNDS):
            start = time.perf_counter()
            _read_items((0, ITEMS))
            one = min(one, time.perf_counter() - start)
            start = time.perf_counter()
            pool.map(_read_items, [(0, half), (half, ITEMS)])
            two = min(two, time.perf_counter() - start)
    return one / two


def report(name, best):
    print(f"{name:6s} one epoch of {ITEMS} items: num_workers=0 {best[0] * 1e3:7.1f} ms, num_workers=2 "
          f"{best[2] * 1e3:7.1f} ms, speedup {best[0] / best[2]:.2f}x")


def main():
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure(sys.argv[2])))
        return
    sys.path.insert(0, ".")
    ember_best = measure("ember")
    report("ember", ember_best)
    out = subprocess.run([sys.executable, __file__, "--child", "torch"], check=True, capture_output=True, text=True)
    torch_best = {int(k): v for k, v in json.loads(out.stdout.splitlines()[-1]).items()}
    report("torch", torch_best)
    print(f"ember / torch epoch time: num_workers=0 {ember_best[0] / torch_best[0]:.2f}, "
          f"num_workers=2 {ember_best[2] / torch_best[2]:.2f}")
    print(f"ceiling: two plain processes read the dataset {pool_speedup():.2f}x as fast as one")


if __name__ == "__main__":
    main()
