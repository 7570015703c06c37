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


def test_linear_regression_reaches_the_notes_threshold():
    out = run_example("linear_regression.py")
    losses = [float(x) for x in re.findall(r"Loss=([\d.]+)", out)]
    assert losses[-1] < 1 and losses[0] > losses[-1]


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


def test_rmb_lenet_on_a_generated_image_folder(tmp_path):
    out = run_example("rmb_lenet.py", "--epochs", "3", "--root", str(tmp_path / "rmb_split"))
    assert number_after("valid accuracy:", out) > 0.95
    assert len(list((tmp_path / "rmb_split" / "train" / "100").glob("*.jpg"))) == 60


def test_digits_classifier_main_job(tmp_path):
    out = run_example("digits_classifier.py", "--epochs", "5", "--workers", "2", "--logdir", str(tmp_path / "runs"),
                      "--out", str(tmp_path))
    accuracies = [float(a) for a in re.findall(r"epoch +\d+ .*test accuracy ([\d.]+)", out)]
    assert len(accuracies) == 5 and max(accuracies) > 0.95
    assert (tmp_path / "checkpoints" / "digits_best.pt").stat().st_size > 100_000
    from PIL import Image
    assert Image.open(tmp_path / "digits_predictions.png").size == (3 * (8 * 34 + 2), 3 * (8 * 34 + 2))
    assert any(p.name.startswith("events.out.tfevents") for p in (tmp_path / "runs").iterdir())


def test_dcgan_prints_losses_and_writes_samples(tmp_path):
    out = run_example("dcgan.py", "--epochs", "1", "--images", "128", "--out", str(tmp_path))
    losses = [float(x) for x in re.findall(r"Loss_[DG]: ([\d.]+)", out)]
    assert len(losses) == 2 * 1 and all(0 < x < 20 for x in losses)
    from PIL import Image
    assert Image.open(tmp_path / "dcgan_samples.png").size == (8 * 34 + 2, 8 * 34 + 2)


def test_finetuning_keeps_the_body_and_trains_the_head(tmp_path):
    out = run_example("finetune_resnet.py", "--steps-a", "5", "--steps-b", "30", "--out", str(tmp_path))
    assert "body weights unchanged: True" in out
    before, after = map(float, re.search(r"before ([\d.]+) after ([\d.]+)", out).groups())
    assert after > 0.9 and after > before + 0.2
    assert number_after("trainable parameters:", out) == 512 * 2 + 2


def test_hooks_feature_maps_and_grad_cam_to_tensorboard(tmp_path):
    out = run_example("hooks_cam.py", "--steps", "60", "--logdir", str(tmp_path))
    assert out.count("feature map in torch.Size") == 3
    assert int(re.search(r"peak on the shape in (\d) of 8", out).group(1)) >= 6
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    images = EventAccumulator(str(tmp_path), size_guidance={"images": 0}).Reload().Tags()["images"]
    assert "conv1_kernels" in images and "grad-cam/0" in images and len(images) == 1 + 3 + 8
