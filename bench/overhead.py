"""Per-op overhead of ember against PyTorch, each framework timed in its own process on this machine.

Prints ember time / torch time for: a tiny add without grad; a tiny add-mul-sum forward and backward;
a 512x512 float32 matmul forward and backward. Aims: <= 2.0, <= 1.5, <= 1.2.

    python bench/overhead.py
"""
import json
import subprocess
import sys
import timeit

ROUNDS = 3

CASES = {
    "tiny add, no grad": (
        "a = lib.ones(4); b = lib.ones(4)",
        "a + b", 2.0),
    "tiny add-mul-sum forward+backward": (
        "x = lib.ones(4, requires_grad=True); y = lib.ones(4, requires_grad=True)",
        "((x + y) * y).sum().backward()", 1.5),
    "512x512 float32 matmul forward+backward": (
        "import numpy as np; r = np.random.default_rng(0)\n"
        "a = lib.tensor(r.standard_normal((512, 512), dtype=np.float32), requires_grad=True)\n"
        "b = lib.tensor(r.standard_normal((512, 512), dtype=np.float32), requires_grad=True)",
        "(a @ b).sum().backward()", 1.2),
}


def _time_in_this_process(lib_name):
    """Best per-call time in seconds for each case, using ``lib_name`` as the framework."""
    lib = __import__(lib_name)
    if lib_name == "torch":
        lib.set_num_threads(2)
    results = {}
    for name, (setup, stmt, _) in CASES.items():
        env = {"lib": lib}
        exec(setup, env)
        timer = timeit.Timer(stmt, globals=env)
        number, _ = timer.autorange()
        results[name] = min(timer.repeat(repeat=7, number=number)) / number
    return results


def _time_in_subprocess(lib_name):
    out = subprocess.run([sys.executable, __file__, "--child", lib_name], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)


def _best_of_rounds(libs, rounds):
    """Alternate the frameworks' processes ``rounds`` times and keep each case's best time (less noise)."""
    best = {lib: {} for lib in libs}
    for _ in range(rounds):
        for lib in libs:
            for name, seconds in _time_in_subprocess(lib).items():
                best[lib][name] = min(seconds, best[lib].get(name, seconds))
    return [best[lib] for lib in libs]


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(_time_in_this_process(sys.argv[2])))
        return
    ember, torch = _best_of_rounds(("ember", "torch"), ROUNDS)
    print(f"{'case':42s} {'ember':>10s} {'torch':>10s} {'ratio':>7s} {'aim':>6s}")
    for name, (_, _, aim) in CASES.items():
        ratio = ember[name] / torch[name]
        print(f"{name:42s} {ember[name] * 1e6:8.1f}us {torch[name] * 1e6:8.1f}us {ratio:7.2f} {aim:6.1f}"
              f"{'' if ratio <= aim else '  (above aim)'}")


if __name__ == "__main__":
    main()
