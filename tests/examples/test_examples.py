"""The examples, unmodified PyTorch programs, run under ``python -m ember run`` at a reduced size; each must
reach its quality bar."""
import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(name, *args, cwd=None):
    result = subprocess.run([sys.executable, "-m", "ember", "run", str(EXAMPLES / name), *args],
                            capture_output=True, text=True, cwd=cwd, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


def number_after(label, text):
    return float(re.search(re.escape(label) + r"\s*([-\d.e]+)", text).group(1))


def test_logistic_regression_separates_the_clusters():
    out = run_example("logistic_regression.py")
    assert number_after("final accuracy:", out) > 0.99


def test_rnn_name_classifier_learns_the_languages():
    out = run_example("rnn_names.py", "--iters", "1500")
    assert number_after("train accuracy:", out) > 0.8


def test_regularization_comparison(tmp_path):
    out = run_example("regularization.py", "--iters", "300", "--hidden", "100", "--logdir", str(tmp_path))
    train = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", out.split("final train loss:")[1].splitlines()[0])}
    norms = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", out.split("final weight norm:")[1])}
    assert train["plain"] < train["weight_decay"] and train["plain"] < train["dropout"]
    assert norms["weight_decay"] < norms["plain"]
    runs = {p.name for p in tmp_path.iterdir() if p.is_dir()}
    assert {"loss_train_plain", "loss_test_dropout"} <= runs
    assert any(p.name.startswith("events.out.tfevents") for p in tmp_path.iterdir())
