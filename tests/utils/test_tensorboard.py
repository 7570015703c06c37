"""SummaryWriter: what ember writes, read back with TensorBoard's own reader and compared with what torch's
SummaryWriter writes for the same calls."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch.utils.tensorboard import SummaryWriter as TorchWriter

import ember
import ember.nn as nn
from ember.utils.tensorboard import SummaryWriter

RNG = np.random.default_rng(0)
VALUES = RNG.standard_normal(1000).astype(np.float32)
IMAGE = RNG.random((3, 8, 10)).astype(np.float32)


def read(log_dir):
    accumulator = EventAccumulator(str(log_dir), size_guidance={"scalars": 0, "histograms": 0, "images": 0,
                                                                "tensors": 0})
    return accumulator.Reload()


def write_both(tmp_path, calls):
    """Run ``calls(writer, lib)`` with torch's writer and with ember's; return both logs read back."""
    logs = []
    for name, writer_class, lib in (("torch", TorchWriter, torch), ("ember", SummaryWriter, ember)):
        with writer_class(str(tmp_path / name)) as writer:
            calls(writer, lib)
        logs.append(read(tmp_path / name))
    return logs


def test_scalars_as_torch_writes_them(tmp_path):
    def calls(writer, lib):
        for step in range(5):
            writer.add_scalar("loss", lib.tensor(1.0 / (step + 1)), step)
            writer.add_scalar("lr", 0.1 * step, global_step=step)
    t_log, e_log = write_both(tmp_path, calls)
    assert e_log.Tags()["scalars"] == t_log.Tags()["scalars"] == ["loss", "lr"]
    for tag in ("loss", "lr"):
        assert [(s.step, s.value) for s in e_log.Scalars(tag)] == [(s.step, s.value) for s in t_log.Scalars(tag)]


def test_add_scalars_writes_one_run_per_tag_as_torch(tmp_path):
    def calls(writer, lib):
        for step in range(3):
            writer.add_scalars("loss/run", {"train": lib.tensor(float(step)), "valid": step * 2.0}, step)
    write_both(tmp_path, calls)
    runs = [sorted(d for d in os.listdir(tmp_path / lib) if os.path.isdir(tmp_path / lib / d))
            for lib in ("torch", "ember")]
    assert runs[0] == runs[1] == ["loss_run_train", "loss_run_valid"]
    for run in runs[0]:
        t_log, e_log = read(tmp_path / "torch" / run), read(tmp_path / "ember" / run)
        assert e_log.Tags()["scalars"] == t_log.Tags()["scalars"] == ["loss/run"]
        assert [(s.step, s.value) for s in e_log.Scalars("loss/run")] == \
            [(s.step, s.value) for s in t_log.Scalars("loss/run")]


def test_histogram_counts_as_torch(tmp_path):
    def calls(writer, lib):
        writer.add_histogram("weights", lib.from_numpy(VALUES.copy()), 0)
        writer.add_histogram("weights_auto", lib.from_numpy(VALUES.copy()), 0, bins="auto")
    t_log, e_log = write_both(tmp_path, calls)
    for tag in ("weights", "weights_auto"):
        (e,), (t,) = e_log.Histograms(tag), t_log.Histograms(tag)
        assert e.histogram_value.num == t.histogram_value.num == 1000
        assert e.histogram_value.bucket == t.histogram_value.bucket
        assert e.histogram_value.bucket_limit == pytest.approx(t.histogram_value.bucket_limit)
        assert e.histogram_value.min == pytest.approx(VALUES.min())


@pytest.mark.parametrize("image, dataformats", [(IMAGE, "CHW"), (IMAGE.transpose(1, 2, 0), "HWC"),
                                                ((IMAGE * 255).astype(np.uint8), "CHW"), (IMAGE[0], "HW")])
def test_image_encoded_as_torch(tmp_path, image, dataformats):
    def calls(writer, lib):
        writer.add_image("img", lib.from_numpy(image.copy()), 0, dataformats=dataformats)
    t_log, e_log = write_both(tmp_path, calls)
    (e,), (t,) = e_log.Images("img"), t_log.Images("img")
    assert (e.width, e.height) == (t.width, t.height) == (10, 8)
    assert e.encoded_image_string == t.encoded_image_string


def test_images_batch_grid(tmp_path):
    batch = RNG.random((4, 3, 6, 6)).astype(np.float32)
    t_log, e_log = write_both(tmp_path, lambda w, lib: w.add_images("batch", lib.from_numpy(batch.copy()), 1))
    (e,), (t,) = e_log.Images("batch"), t_log.Images("batch")
    assert (e.width, e.height, e.step) == (t.width, t.height, t.step)
    assert e.encoded_image_string == t.encoded_image_string


def test_text_hparams_pr_curve_embedding(tmp_path):
    labels, predictions = RNG.integers(0, 2, 50), RNG.random(50).astype(np.float32)
    with SummaryWriter(str(tmp_path)) as writer:
        writer.add_text("note", "hello ember", 0)
        writer.add_pr_curve("pr", ember.from_numpy(labels), ember.from_numpy(predictions), 0)
        writer.add_hparams({"lr": 0.1, "bs": 32}, {"hparam/accuracy": 0.9})
        writer.add_embedding(ember.randn(10, 4), metadata=list(range(10)), global_step=0)
    log = read(tmp_path)
    assert "note/text_summary" in log.Tags()["tensors"]
    assert log.Tensors("note/text_summary")[0].tensor_proto.string_val == [b"hello ember"]
    assert "pr" in log.Tags()["tensors"]
    assert log.Tensors("pr")[0].tensor_proto.tensor_shape.dim[0].size == 6
    hparam_runs = [d for d in os.listdir(tmp_path) if os.path.isdir(tmp_path / d) and d != "00000"]
    assert len(hparam_runs) == 1
    assert [s.value for s in read(tmp_path / hparam_runs[0]).Scalars("hparam/accuracy")] == [pytest.approx(0.9)]
    assert os.path.exists(tmp_path / "00000" / "default" / "tensors.tsv")
    assert len(open(tmp_path / "00000" / "default" / "tensors.tsv").read().splitlines()) == 10


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU())
        self.fc = nn.Linear(4 * 6 * 6, 2)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))


def test_graph_nodes_scoped_by_module(tmp_path):
    with SummaryWriter(str(tmp_path)) as writer:
        writer.add_graph(Net(), ember.randn(2, 3, 8, 8))
    graph = read(tmp_path).Graph()
    nodes = {node.name: node for node in graph.node}
    conv = nodes["Net/Sequential[features]/Conv2d[0]/Convolution_1"]
    assert list(conv.input) == ["input/input.0", "Net/Sequential[features]/Conv2d[0]/weight",
                                "Net/Sequential[features]/Conv2d[0]/bias"]
    assert nodes["Net/Sequential[features]/ReLU[1]/Relu_1"].input == [conv.name]
    assert nodes["Net/Linear[fc]/weight"].op == "Parameter"
    assert nodes["output/output.0"].input == ["Net/Linear[fc]/Addmm_1"]
    assert nodes["input/input.0"].op == "IO Node"


def test_default_log_dir_like_torch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with TorchWriter(comment="_exp") as t_writer, SummaryWriter(comment="_exp") as e_writer:
        pattern = re.sub(r"\d+", r"\\d+", re.escape(t_writer.log_dir))
        assert re.fullmatch(pattern, e_writer.log_dir)
        assert e_writer.get_logdir() == e_writer.log_dir
    assert e_writer.log_dir.startswith("runs" + os.sep) and e_writer.log_dir.endswith("_exp")


def test_importing_the_writer_does_not_import_torch():
    code = "import sys; from ember.utils.tensorboard import SummaryWriter; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
