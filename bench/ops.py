"""Per-op eager overhead and big-op efficiency of ember.

1. Overhead: ember time / torch time for tiny-tensor ops, with and without autograd, each framework in its
   own process, rounds alternating (aims: tiny add 2.0, tiny add-mul-sum forward+backward 1.5, 512 matmul
   forward+backward 1.2).
2. Efficiency: ember's matmul and Linear GFLOP/s as a fraction of NumPy's own matmul on the same arrays
   (aim >= 0.9: GEMM-bound layers should lose nothing to the framework around the GEMM).

    python bench/ops.py
"""
import sys
import timeit

import numpy as np

from _alternate import best_of_rounds, child_main, import_framework

ROUNDS = 3

# name: (setup, statement, aim of ember/torch)
OVERHEAD = {
    "tiny add, no grad": ("a = lib.ones(4); b = lib.ones(4)", "a + b", 2.0),
    "tiny mul + relu + sum, no grad": ("a = lib.ones(4); b = lib.ones(4)", "(a * b).relu().sum()", 2.0),
    "tiny view + index, no grad": ("a = lib.ones(4, 4)", "a.view(16)[3:7]", 2.0),
    "tiny add-mul-sum forward+backward": (
        "x = lib.ones(4, requires_grad=True); y = lib.ones(4, requires_grad=True)",
        "((x + y) * y).sum().backward()", 1.5),
    "tiny Linear(8, 4) forward+backward": (
        "layer = lib.nn.Linear(8, 4); x = lib.ones(2, 8)", "layer(x).sum().backward()", 1.5),
    "512x512 float32 matmul forward+backward": (
        "import numpy as np; r = np.random.default_rng(0)\n"
        "a = lib.tensor(r.standard_normal((512, 512), dtype=np.float32), requires_grad=True)\n"
        "b = lib.tensor(r.standard_normal((512, 512), dtype=np.float32), requires_grad=True)",
        "(a @ b).sum().backward()", 1.2),
}

# name: ((m, k, n), ember statement on ``a`` (m, k) and ``b`` (k, n) as tensors, numpy statement on arrays)
GEMMS = {
    "matmul 512x512x512": ((512, 512, 512), "ta @ tb", "a @ b"),
    "matmul 1024x1024x1024": ((1024, 1024, 1024), "ta @ tb", "a @ b"),
    "Linear 784->256, batch 128 (forward)": ((128, 784, 256), "F.linear(ta, tbt)", "a @ b"),
    "Linear 256->10, batch 128 (forward)": ((128, 256, 10), "F.linear(ta, tbt)", "a @ b"),
}


def _best_time(stmt, env, repeat=7):
    timer = timeit.Timer(stmt, globals=env)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def _overhead(lib_name, selected):
    lib = import_framework(lib_name)
    results = {}
    for name in selected:
        setup, stmt, _ = OVERHEAD[name]
        env = {"lib": lib}
        exec(setup, env)
        results[name] = _best_time(stmt, env)
    return results


def _gemm_efficiency():
    """{case: (ember GFLOP/s, numpy GFLOP/s)} measured in this (ember) process."""
    import ember
    rng = np.random.default_rng(0)
    results = {}
    for name, ((m, k, n), ember_stmt, numpy_stmt) in GEMMS.items():
        a, b = rng.standard_normal((m, k), dtype=np.float32), rng.standard_normal((k, n), dtype=np.float32)
        env = {"a": a, "b": b, "ta": ember.from_numpy(a), "tb": ember.from_numpy(b),
               "tbt": ember.from_numpy(np.ascontiguousarray(b.T)), "F": ember.nn.functional}
        flops = 2.0 * m * k * n
        results[name] = (flops / _best_time(ember_stmt, env) / 1e9, flops / _best_time(numpy_stmt, env) / 1e9)
    return results


def main():
    if child_main({"--child": _overhead}):
        return
    ember, torch = best_of_rounds(__file__, ("ember", "torch"), list(OVERHEAD), ROUNDS)
    print(f"{'per-op overhead':42s} {'ember':>10s} {'torch':>10s} {'ratio':>7s} {'aim':>6s}")
    for name, (_, _, aim) in OVERHEAD.items():
        ratio = ember[name] / torch[name]
        print(f"{name:42s} {ember[name] * 1e6:8.1f}us {torch[name] * 1e6:8.1f}us {ratio:7.2f} {aim:6.1f}"
              f"{'' if ratio <= aim else '  (above aim)'}")
    print(f"\n{'GEMM efficiency':42s} {'ember':>10s} {'numpy':>10s} {'ratio':>7s} {'aim':>6s}")
    for name, (ember_gflops, numpy_gflops) in _gemm_efficiency().items():
        ratio = ember_gflops / numpy_gflops
        print(f"{name:42s} {ember_gflops:6.1f}GF/s {numpy_gflops:6.1f}GF/s {ratio:7.2f} {0.9:6.1f}"
              f"{'' if ratio >= 0.9 else '  (below aim)'}")


if __name__ == "__main__":
    sys.exit(main())
