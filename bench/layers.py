"""Layer speed of ember against PyTorch: forward + backward of one layer, each framework timed in its own
process (torch given as many threads as NumPy's BLAS), rounds alternating between them; prints ember time / torch time.

With --memory, the peak memory of one forward + backward instead: each case and framework in a fresh process,
the growth of peak resident memory (VmHWM) during the first call over the resident memory after imports and
building the layer and input and a warm-up call on one sample (which loads what a first call loads: numba's
compiled kernels, torch's libraries); prints ember / torch. (Later calls reuse memory the allocator kept, so only
the first call on the whole input is measured.)

Each row of CASES is one layer on one input; other layer families add their rows the same way.

    python bench/layers.py [--memory] [substring of case names]
"""
import gc
import sys
import timeit

from _alternate import best_of_rounds, child_main, import_framework, run_child

ROUNDS = 3

# name: (layer built from ``nn``, input shape)
CASES = {
    "Conv2d LeNet (N=64, 3->6, 5x5, 32x32)": ("nn.Conv2d(3, 6, 5)", (64, 3, 32, 32)),
    "Conv2d ResNet (N=32, 64->64, 3x3, pad 1, 32x32)": ("nn.Conv2d(64, 64, 3, padding=1, bias=False)",
                                                        (32, 64, 32, 32)),
    "ConvTranspose2d DCGAN (N=16, 256->128, 4x4, s2, pad 1, 16x16)": (
        "nn.ConvTranspose2d(256, 128, 4, stride=2, padding=1, bias=False)", (16, 256, 16, 16)),
    "MaxPool2d (N=64, 16 channels, 2x2, 28x28)": ("nn.MaxPool2d(2)", (64, 16, 28, 28)),
    "BatchNorm2d (N=32, 64 channels, 32x32)": ("nn.BatchNorm2d(64)", (32, 64, 32, 32)),
    "LSTM (seq 32, batch 32, 64->128), output only": ("(lambda lstm: lambda x: lstm(x)[0])(nn.LSTM(64, 128))",
                                                      (32, 32, 64)),
}

SETUP = """\
import numpy as np
nn = lib.nn
layer = {layer}
x = lib.tensor(np.random.default_rng(0).standard_normal({shape}, dtype=np.float32), requires_grad=True)
"""
STMT = "layer(x).sum().backward()"
MIB = 1 << 20


def _set_up(lib, name):
    """The namespace of one case: ``layer`` and its input ``x``."""
    layer, shape = CASES[name]
    env = {"lib": lib}
    exec(SETUP.format(layer=layer, shape=shape), env)
    return env


def _time_in_this_process(lib_name, selected):
    """Best per-call time in seconds for each selected case, using ``lib_name`` as the framework."""
    lib = import_framework(lib_name)
    results = {}
    for name in selected:
        timer = timeit.Timer(STMT, globals=_set_up(lib, name))
        number, _ = timer.autorange()
        results[name] = min(timer.repeat(repeat=5, number=number)) / number
    return results


def _resident(field):
    """A memory figure of this process from /proc/self/status, in bytes."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) * 1024


def _memory_in_this_process(lib_name, selected):
    """Peak resident memory growth, in bytes, of a first forward + backward of the one selected case."""
    env = _set_up(import_framework(lib_name), selected[0])
    exec(STMT.replace("(x)", "(x[:1])"), env)
    gc.collect()
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # resets VmHWM to the current resident size
    baseline = _resident("VmRSS")
    exec(STMT, env)
    return _resident("VmHWM") - baseline


def _report_memory(selected):
    print(f"{'case (forward + backward), peak memory growth':62s} {'ember':>9s} {'torch':>9s} {'ember/torch':>11s}")
    for name in selected:
        ember, torch = (run_child(__file__, lib, [name], "--memory-child") for lib in ("ember", "torch"))
        print(f"{name:62s} {ember / MIB:7.1f}MB {torch / MIB:7.1f}MB {ember / torch:11.2f}")


CHILDREN = {"--child": _time_in_this_process, "--memory-child": _memory_in_this_process}


def main():
    if child_main(CHILDREN):
        return
    memory = "--memory" in sys.argv[1:]
    patterns = [arg for arg in sys.argv[1:] if arg != "--memory"]
    pattern = patterns[0] if patterns else ""
    selected = [name for name in CASES if pattern.lower() in name.lower()]
    if memory:
        _report_memory(selected)
        return
    ember, torch = best_of_rounds(__file__, ("ember", "torch"), selected, ROUNDS)
    print(f"{'case (forward + backward)':62s} {'ember':>9s} {'torch':>9s} {'ember/torch':>11s}")
    for name in selected:
        print(f"{name:62s} {ember[name] * 1e3:7.2f}ms {torch[name] * 1e3:7.2f}ms {ember[name] / torch[name]:11.2f}")


if __name__ == "__main__":
    main()
