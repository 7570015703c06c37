"""ember.utils.summary prints what torchsummary prints for the same model (torchsummary on torch is the oracle)."""
import contextlib
import io
import sys
from pathlib import Path

import numpy as np
import torch
import torchsummary

import ember
import ember.vision
from ember.utils import summary

sys.path.insert(0, str(Path(__file__).parents[1] / "vision"))
from test_models import TorchBasicBlock, TorchLeNet, TorchResNet  # noqa: E402 - the torch twins of ember's models


def build(lib):
    """The notes' LeNet inside containers, its first conv frozen."""
    nn = lib.nn
    lenet = TorchLeNet(2) if lib is torch else ember.vision.models.LeNet(classes=2)
    model = nn.Sequential(lenet, nn.ReLU(), nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4)))
    model[0].conv1.requires_grad_(False)
    return model


def printed(fn, *args, **kwargs):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args, **kwargs)
    return out.getvalue(), result


def test_lenet_table_as_torchsummary():
    expected, _ = printed(torchsummary.summary, build(torch), (3, 32, 32), device="cpu")
    got, data = printed(summary, build(ember), (3, 32, 32))
    assert got == expected.replace("TorchLeNet", "     LeNet")
    assert data["total_params"] == 61326 + 12 + 8 and data["trainable_params"] == data["total_params"] - 456
    assert data["layers"]["Conv2d-1"]["output_shape"] == [-1, 6, 28, 28]


def test_example_input_and_batch_size():
    expected, _ = printed(torchsummary.summary, build(torch), (3, 32, 32), batch_size=8, device="cpu")
    got, data = printed(summary, build(ember), ember.from_numpy(np.zeros((2, 3, 32, 32), np.float32)), batch_size=8)
    assert got == expected.replace("TorchLeNet", "     LeNet")
    assert data["input_size_mb"] == 3 * 32 * 32 * 8 * 4 / 1024 ** 2


def test_lstm_counts_all_its_parameters():
    _, data = printed(summary, ember.nn.Sequential(ember.nn.LSTM(4, 8, batch_first=True)), (5, 4))
    (row,) = data["layers"].values()
    assert row["nb_params"] == sum(p.numel() for p in ember.nn.LSTM(4, 8).parameters()) == 4 * 8 * (4 + 8 + 2)
    assert row["output_shape"] == [[-1, 5, 8], [[-1, 2, 8], [-1, 2, 8]]]


def test_resnet18_table_as_torchsummary():
    expected, _ = printed(torchsummary.summary, TorchResNet(TorchBasicBlock, [2, 2, 2, 2]), (3, 64, 64),
                          device="cpu")
    got, data = printed(summary, ember.vision.models.resnet18(), (3, 64, 64))
    assert got == expected.replace("TorchBasicBlock", "     BasicBlock")  # same width, torchvision's name
    assert data["total_params"] == 11_689_512
