"""ember.save / ember.load against torch.save / torch.load (2.13): files written by one load in the other."""
import collections
import io
import os
import pickle
import re
import zipfile

import numpy as np
import pytest
import torch

import ember
import ember.serialization
from oracle import assert_same, to_ember, to_torch


def saved(save, obj, **save_args):
    """A BytesIO holding ``obj`` as ``save`` (torch.save or ember.save) wrote it, rewound."""
    buffer = io.BytesIO()
    save(obj, buffer, **save_args)
    buffer.seek(0)
    return buffer


def torch_to_ember(obj, **load_args):
    return ember.load(saved(torch.save, obj), **load_args)


def ember_to_torch(obj):
    return torch.load(saved(ember.save, obj))


def ember_to_ember(obj, **load_args):
    return ember.load(saved(ember.save, obj), **load_args)


def assert_same_tree(e, t, what="object"):
    """An ember object equals a torch one: same container types and keys, same tensors, equal other values."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{what}: {type(e).__name__} is not a tensor"
        assert_same(e, t, what)
        assert e.requires_grad == t.requires_grad, what
        assert isinstance(e, ember.nn.Parameter) == isinstance(t, torch.nn.Parameter), what
        return
    if isinstance(t, (torch.dtype, torch.device)):
        assert str(e) == str(t), what
        return
    assert type(e).__name__ == type(t).__name__, f"{what}: {type(e).__name__} vs {type(t).__name__}"
    if isinstance(t, dict):
        assert list(e) == list(t), what
        for key in t:
            assert_same_tree(e[key], t[key], f"{what}[{key!r}]")
        assert getattr(e, "_metadata", None) == getattr(t, "_metadata", None), f"{what}._metadata"
    elif isinstance(t, (list, tuple)) and not isinstance(t, torch.Size):
        assert len(e) == len(t), what
        for i, (ei, ti) in enumerate(zip(e, t)):
            assert_same_tree(ei, ti, f"{what}[{i}]")
    else:
        assert e == t, f"{what}: {e!r} != {t!r}"


def _floats(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _indices(*shape):
    return np.random.default_rng(0).integers(0, 10, shape)


# (builder taking an nn namespace, input maker)
LAYERS = {
    "Linear": (lambda nn: nn.Linear(4, 3), lambda: _floats(2, 4)),
    "Conv1d": (lambda nn: nn.Conv1d(2, 3, 3, padding=1), lambda: _floats(2, 2, 6)),
    "Conv2d": (lambda nn: nn.Conv2d(2, 3, 3, stride=2), lambda: _floats(2, 2, 6, 6)),
    "Conv3d": (lambda nn: nn.Conv3d(2, 2, 2), lambda: _floats(1, 2, 3, 3, 3)),
    "ConvTranspose1d": (lambda nn: nn.ConvTranspose1d(2, 3, 3, stride=2), lambda: _floats(2, 2, 4)),
    "ConvTranspose2d": (lambda nn: nn.ConvTranspose2d(2, 3, 3, stride=2, bias=False), lambda: _floats(1, 2, 3, 3)),
    "ConvTranspose3d": (lambda nn: nn.ConvTranspose3d(2, 2, 2), lambda: _floats(1, 2, 2, 2, 2)),
    "BatchNorm1d": (lambda nn: nn.BatchNorm1d(3), lambda: _floats(4, 3)),
    "BatchNorm2d": (lambda nn: nn.BatchNorm2d(3), lambda: _floats(2, 3, 4, 4)),
    "BatchNorm3d": (lambda nn: nn.BatchNorm3d(2, momentum=None), lambda: _floats(2, 2, 2, 2, 2)),
    "InstanceNorm2d": (lambda nn: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
                       lambda: _floats(2, 3, 4, 4)),
    "LayerNorm": (lambda nn: nn.LayerNorm([3, 4]), lambda: _floats(2, 3, 4)),
    "GroupNorm": (lambda nn: nn.GroupNorm(2, 4), lambda: _floats(2, 4, 3)),
    "RMSNorm": (lambda nn: nn.RMSNorm(4), lambda: _floats(2, 4)),
    "PReLU": (lambda nn: nn.PReLU(3), lambda: _floats(2, 3)),
    "Bilinear": (lambda nn: nn.Bilinear(3, 3, 2), lambda: _floats(2, 3)),
    "Embedding": (lambda nn: nn.Embedding(10, 3, padding_idx=0), lambda: _indices(2, 5)),
    "EmbeddingBag": (lambda nn: nn.EmbeddingBag(10, 3, mode="mean"), lambda: _indices(2, 5)),
    "RNN": (lambda nn: nn.RNN(3, 4, num_layers=2), lambda: _floats(5, 2, 3)),
    "LSTM": (lambda nn: nn.LSTM(3, 4, batch_first=True, bidirectional=True), lambda: _floats(2, 5, 3)),
    "GRU": (lambda nn: nn.GRU(3, 4, bias=False), lambda: _floats(5, 2, 3)),
    "RNNCell": (lambda nn: nn.RNNCell(3, 4), lambda: _floats(2, 3)),
    "LSTMCell": (lambda nn: nn.LSTMCell(3, 4), lambda: _floats(2, 3)),
    "GRUCell": (lambda nn: nn.GRUCell(3, 4), lambda: _floats(2, 3)),
    "Sequential": (lambda nn: nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                                            nn.Flatten(), nn.Linear(36, 5), nn.Dropout(0.5), nn.Linear(5, 2)),
                   lambda: _floats(2, 1, 8, 8)),
}


def _run(module, lib, x):
    """The module's output on ``x`` (a Bilinear layer gets it twice)."""
    inputs = (to_torch(x), to_torch(x)) if lib is torch else (to_ember(x), to_ember(x))
    if not isinstance(module, lib.nn.Bilinear):
        inputs = inputs[:1]
    with lib.no_grad():
        return module(*inputs)


def _after_a_training_pass(module, lib, x):
    """The module after one forward pass in training mode (moves running statistics), switched to eval."""
    module.train()
    _run(module, lib, x)
    return module.eval()


DIRECTIONS = {"torch_to_ember": (torch, ember, torch_to_ember), "ember_to_torch": (ember, torch, ember_to_torch)}


def _by_library(source_lib, source, target):
    """(ember's, torch's) of a source object and what the other library loaded from it."""
    pair = {source_lib: source, (ember if source_lib is torch else torch): target}
    return pair[ember], pair[torch]


@pytest.mark.parametrize("direction", list(DIRECTIONS))
@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_state_dict_loads_in_the_other_library(name, direction):
    """Trained in one library, saved, loaded and load_state_dict'ed in the other: the same outputs."""
    source_lib, target_lib, transfer = DIRECTIONS[direction]
    build, make_input = LAYERS[name]
    source_lib.manual_seed(0)
    x = make_input()
    source = _after_a_training_pass(build(source_lib.nn), source_lib, x)
    target = build(target_lib.nn).eval()
    state = transfer(source.state_dict())
    target.load_state_dict(state)
    (e_module, e_state), (t_module, t_state) = _by_library(source_lib, (source, source.state_dict()), (target, state))
    assert_same_tree(e_state, t_state, "state_dict")
    assert_same(_run(e_module, ember, x), _run(t_module, torch, x), name)


def test_batchnorm_counter_is_int64_both_ways():
    t_state = torch_to_ember(torch.nn.BatchNorm1d(2).state_dict())
    e_state = ember_to_torch(ember.nn.BatchNorm1d(2).state_dict())
    assert t_state["num_batches_tracked"].dtype == ember.int64 and t_state["num_batches_tracked"].dim() == 0
    assert e_state["num_batches_tracked"].dtype == torch.int64 and e_state["num_batches_tracked"].dim() == 0


DTYPES = ["float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool"]


def _layouts(lib, dtype):
    """Tensors of one dtype: 2-d, 0-d, empty, transposed (non-contiguous), a strided slice, an expanded one."""
    data = np.random.default_rng(0).integers(0, 100, (3, 4)).astype(dtype)
    matrix = lib.from_numpy(data)
    return {"matrix": matrix, "scalar": lib.from_numpy(np.array(data[1, 2])),
            "empty": lib.zeros(0, 4, dtype=matrix.dtype), "transposed": matrix.t(), "strided": matrix[::2, 1::2],
            "expanded": matrix[:1].expand(3, 4)}


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_and_layout_both_ways(dtype):
    t_obj, e_obj = _layouts(torch, dtype), _layouts(ember, dtype)
    from_torch, from_ember = torch_to_ember(t_obj), ember_to_torch(e_obj)
    assert_same_tree(from_torch, t_obj)
    assert_same_tree(e_obj, from_ember)
    for key, t in t_obj.items():
        assert from_torch[key].stride() == t.stride() == from_ember[key].stride(), key
        assert from_torch[key].storage_offset() == t.storage_offset() == from_ember[key].storage_offset(), key
        assert from_torch[key].is_contiguous() == t.is_contiguous() == from_ember[key].is_contiguous(), key


def _shared_views(lib):
    base = lib.arange(12, dtype=lib.float32).reshape(3, 4)
    return {"base": base, "row": base[1], "column": base[:, 2], "transposed": base.t(), "again": base}


ROUND_TRIPS = {"torch_to_ember": lambda: torch_to_ember(_shared_views(torch)),
               "ember_to_torch": lambda: ember_to_torch(_shared_views(ember)),
               "ember_to_ember": lambda: ember_to_ember(_shared_views(ember)),
               "torch_to_ember_to_torch": lambda: ember_to_torch(torch_to_ember(_shared_views(torch)))}


@pytest.mark.parametrize("direction", list(ROUND_TRIPS))
def test_views_keep_sharing_their_storage(direction):
    loaded = ROUND_TRIPS[direction]()
    loaded["row"][0] = 100.0
    assert loaded["base"][1, 0].item() == 100.0 and loaded["transposed"][0, 1].item() == 100.0
    loaded["transposed"][2, 0] = -5.0
    assert loaded["column"][0].item() == -5.0 and loaded["base"][0, 2].item() == -5.0
    assert loaded["again"] is loaded["base"]


def test_a_view_saves_its_whole_storage_as_torch_does():
    row = ember.arange(12, dtype=ember.float32).reshape(3, 4)[1]
    loaded = ember_to_torch(row)
    assert loaded.untyped_storage().nbytes() == 48 and loaded.storage_offset() == 4
    assert loaded.tolist() == [4.0, 5.0, 6.0, 7.0]
    with zipfile.ZipFile(saved(ember.save, row)) as archive:
        assert [n for n in archive.namelist() if "/data/" in n] == ["archive/data/0"]


def _nested(lib):
    t = lib.arange(6, dtype=lib.float64).reshape(2, 3)
    return {"list": [t, (lib.ones(2, dtype=lib.int32), 3, "a"), []],
            "tuple": (None, True, 2.5, -7, "text"),
            "nested": {"x": [1, 2, {"y": lib.zeros(1, dtype=lib.bool)}], 0: {}},
            "ordered": collections.OrderedDict([("b", t[1]), ("a", 1.5)]),
            "size": t.shape, "dtype": lib.float16, "device": lib.device("cpu"),
            "bytes": b"\x00\xffraw", "set": {1, 2, 3}, "complex": 1 + 2j}


def test_nested_containers_both_ways():
    assert_same_tree(torch_to_ember(_nested(torch)), _nested(torch))
    assert_same_tree(_nested(ember), ember_to_torch(_nested(ember)))
    loaded = torch_to_ember(_nested(torch))
    assert isinstance(loaded["size"], ember.Size) and loaded["dtype"] is ember.float16
    assert loaded["device"] == ember.device("cpu")


def test_requires_grad_and_parameter_type_are_kept():
    def objects(lib):
        return {"leaf": lib.ones(2, requires_grad=True), "frozen": lib.nn.Parameter(lib.ones(2), requires_grad=False),
                "param": lib.nn.Parameter(lib.zeros(3)), "plain": lib.ones(1)}
    assert_same_tree(torch_to_ember(objects(torch)), objects(torch))
    assert_same_tree(objects(ember), ember_to_torch(objects(ember)))
    assert_same_tree(ember_to_ember(objects(ember)), objects(torch))


def test_state_dict_metadata_is_kept():
    e_state = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.BatchNorm1d(2)).state_dict()
    t_state = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.BatchNorm1d(2)).state_dict()
    assert ember_to_torch(e_state)._metadata == e_state._metadata == t_state._metadata
    assert torch_to_ember(t_state)._metadata == t_state._metadata


def test_pickled_state_dict_is_byte_identical_to_torchs():
    t_module = torch.nn.Linear(3, 2)
    e_module = ember.nn.Linear(3, 2)
    e_module.load_state_dict(torch_to_ember(t_module.state_dict()))
    t_file, e_file = saved(torch.save, t_module.state_dict()), saved(ember.save, e_module.state_dict())
    with zipfile.ZipFile(t_file) as t_zip, zipfile.ZipFile(e_file) as e_zip:
        assert t_zip.namelist() == e_zip.namelist()
        for record in t_zip.namelist():
            if not record.endswith("serialization_id"):
                assert t_zip.read(record) == e_zip.read(record), record


def test_records_are_aligned_to_64_bytes(tmp_path):
    path = tmp_path / "model.best.pt"
    ember.save({"a": ember.ones(3), "b": ember.arange(5)}, path)
    _assert_aligned(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist()[0] == "model.best/data.pkl"
    assert torch.load(path, mmap=True)["b"].tolist() == [0, 1, 2, 3, 4]  # torch maps the records in place


def _assert_aligned(path):
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name_length, extra_length = np.frombuffer(raw[info.header_offset + 26:info.header_offset + 30], "<u2")
            assert (info.header_offset + 30 + name_length + extra_length) % 64 == 0, info.filename


# ---- checkpoints with optimizer and schedule state, in the notes' style ----

TRAINING = """
def build(make_optimizer):
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    weights = (w1, b1, w2, b2)
    net.load_state_dict({name: torch.from_numpy(w) for name, w in zip(net.state_dict(), weights)})
    optimizer = make_optimizer(net.parameters())
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    return net, optimizer, scheduler


def checkpoint_of(net, optimizer, scheduler, epoch):
    return {"model_state_dict": net.state_dict(), "optimizer_state_dict": optimizer.state_dict(),
            "scheduler_state_dict": scheduler.state_dict(), "epoch": epoch}


def resume(make_optimizer, checkpoint):
    net, optimizer, scheduler = build(make_optimizer)
    net.load_state_dict(checkpoint["model_state_dict"])
    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    scheduler.load_state_dict(checkpoint["scheduler_state_dict"])
    return net, optimizer, scheduler


def train(net, optimizer, scheduler, start, stop, path=None):
    losses = []
    for epoch in range(start, stop):
        x, y = torch.from_numpy(x_data[epoch]), torch.from_numpy(y_data[epoch])
        optimizer.zero_grad()
        loss = ((net(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
        if path and (epoch + 1) % 3 == 0:
            torch.save(checkpoint_of(net, optimizer, scheduler, epoch), path)
    return losses
"""

CHECKPOINT_RESUME = TRAINING + """
import os
sgd = lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9)
uninterrupted = train(*build(sgd), 0, 8)
path = os.path.join(CHECKPOINT_DIR, "checkpoint.pkl")
train(*build(sgd), 0, 5, path)  # "crashes" after epoch 4; the checkpoint holds epoch 2
checkpoint = torch.load(path)
net, optimizer, scheduler = resume(sgd, checkpoint)
start = checkpoint["epoch"] + 1
resumed = train(net, optimizer, scheduler, start, 8)
print("resumed from epoch", start, ["%.6f" % loss for loss in resumed], scheduler.get_last_lr())
print("same as uninterrupted:", resumed == uninterrupted[start:])
"""


def _training_data():
    rng = np.random.default_rng(3)
    shapes = {"w1": (4, 3), "b1": (4,), "w2": (1, 4), "b2": (1,), "x_data": (8, 16, 3), "y_data": (8, 16, 1)}
    return {name: rng.standard_normal(shape).astype(np.float32) for name, shape in shapes.items()}


def test_checkpoint_resume_program_in_the_notes_style(tmp_path):
    from test_programs import assert_same_printout
    printed = assert_same_printout(CHECKPOINT_RESUME.replace("CHECKPOINT_DIR", repr(str(tmp_path))),
                                   **_training_data())
    assert "same as uninterrupted: True" in printed


def _training_functions(lib):
    """TRAINING's functions with ``torch`` bound to ``lib``."""
    namespace = {"torch": lib, **_training_data()}
    exec(TRAINING, namespace)
    return namespace


OPTIMIZERS = {"SGD": lambda lib: lambda params: lib.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=1e-3),
              "Adam": lambda lib: lambda params: lib.optim.Adam(params, lr=0.01, amsgrad=True)}


@pytest.mark.parametrize("direction", list(DIRECTIONS))
@pytest.mark.parametrize("optim", list(OPTIMIZERS))
def test_checkpoint_resumes_in_the_other_library_to_the_same_losses(optim, direction):
    source_lib, target_lib, transfer = DIRECTIONS[direction]
    source, target = _training_functions(source_lib), _training_functions(target_lib)
    training = source["build"](OPTIMIZERS[optim](source_lib))
    source["train"](*training, 0, 3)
    saved = source["checkpoint_of"](*training, epoch=2)
    checkpoint = transfer(saved)
    assert_same_tree(*_by_library(source_lib, saved, checkpoint))
    resumed = target["train"](*target["resume"](OPTIMIZERS[optim](target_lib), checkpoint), 3, 6)
    np.testing.assert_allclose(resumed, source["train"](*training, 3, 6), rtol=1e-5)


# ---- weights_only ----

class _Custom:
    def __init__(self, value):
        self.value = value


class _Allowed(_Custom):
    pass


def test_weights_only_refuses_other_globals_and_names_them():
    expected = re.escape(f"GLOBAL {_Custom.__module__}._Custom was not an allowed global")
    for buffer in (saved(ember.save, {"w": ember.ones(1), "x": _Custom(3)}), saved(torch.save, {"x": _Custom(3)})):
        with pytest.raises(pickle.UnpicklingError, match="(?s)Weights only load failed.*" + expected) as info:
            ember.load(buffer)
        assert "weights_only" in str(info.value) and "arbitrary code execution" in str(info.value)


class _RemovesAFile:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return os.remove, (self.path,)


def test_weights_only_never_calls_what_the_file_names(tmp_path):
    marker = tmp_path / "precious"
    marker.write_text("still here")
    malicious = pickle.dumps({"w": _RemovesAFile(str(marker))}, protocol=2)
    checkpoint = _rewritten(saved(ember.save, {}), lambda name, data: malicious if name.endswith("data.pkl") else data)
    with pytest.raises(pickle.UnpicklingError, match=re.escape(f"GLOBAL {os.remove.__module__}.remove was not")):
        ember.load(checkpoint)
    assert marker.read_text() == "still here"


def test_weights_only_false_loads_other_objects():
    loaded = ember.load(saved(ember.save, {"w": ember.ones(1), "x": _Custom(3)}), weights_only=False)
    assert loaded["x"].value == 3 and loaded["w"].tolist() == [1.0]
    assert ember.load(saved(torch.save, {"x": _Custom(4)}), weights_only=False)["x"].value == 4


def test_add_safe_globals_allowlists_a_class():
    ember.serialization.add_safe_globals([_Allowed])
    assert ember.load(saved(ember.save, _Allowed(5))).value == 5


def test_explicit_pickle_module_is_refused_with_weights_only():
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        ember.load(saved(ember.save, 1), pickle_module=pickle)
    assert ember.load(saved(ember.save, 1), pickle_module=pickle, weights_only=False) == 1


def test_whole_module_round_trip_with_weights_only_false():
    net = ember.nn.Sequential(ember.nn.Conv2d(1, 2, 3), ember.nn.BatchNorm2d(2), ember.nn.ReLU(), ember.nn.Flatten(),
                              ember.nn.Linear(8, 2))
    net.eval()
    with pytest.raises(pickle.UnpicklingError, match=re.escape("ember.nn.modules.container.Sequential")):
        ember.load(saved(ember.save, net))
    loaded = ember_to_ember(net, weights_only=False)
    assert type(loaded) is ember.nn.Sequential and type(loaded[4].weight) is ember.nn.Parameter
    x = ember.from_numpy(_floats(2, 1, 4, 4))
    with ember.no_grad():
        assert (loaded(x) == net(x)).all()
    assert loaded[4].weight.data_ptr() != net[4].weight.data_ptr()


def test_bfloat16_from_torch_is_refused_clearly():
    with pytest.raises(pickle.UnpicklingError, match="BFloat16Storage, which ember has no equivalent"):
        torch_to_ember({"w": torch.ones(2, dtype=torch.bfloat16)})


# ---- files, atomic saving and damaged files ----

def test_paths_and_file_objects(tmp_path):
    obj = {"w": ember.arange(4)}
    ember.save(obj, str(tmp_path / "a.pt"))
    ember.save(obj, tmp_path / "b.pt")
    with open(tmp_path / "c.pt", "wb") as fh:
        ember.save(obj, fh)
    for name in ("a.pt", "b.pt", "c.pt"):
        assert torch.load(tmp_path / name)["w"].tolist() == [0, 1, 2, 3]
        with open(tmp_path / name, "rb") as fh:
            assert ember.load(fh)["w"].tolist() == [0, 1, 2, 3]
    torch.save({"t": torch.ones(2)}, tmp_path / "t.pt")
    assert ember.load(str(tmp_path / "t.pt"))["t"].tolist() == [1.0, 1.0]
    assert sorted(os.listdir(tmp_path)) == ["a.pt", "b.pt", "c.pt", "t.pt"]


@pytest.mark.parametrize("map_location", ["cpu", ember.device("cpu"), {"cuda:0": "cpu"},
                                          lambda storage, location: storage])
def test_map_location_forms_land_on_the_cpu(map_location):
    loaded = ember.load(saved(torch.save, {"w": torch.arange(3.0)}), map_location=map_location)
    assert loaded["w"].tolist() == [0.0, 1.0, 2.0] and loaded["w"].device == ember.device("cpu")


def test_map_location_of_a_wrong_type_is_refused():
    with pytest.raises(TypeError, match="map_location"):
        ember.load(saved(ember.save, 1), map_location=3.5)


def test_mmap_maps_storages_copy_on_write(tmp_path):
    path = tmp_path / "m.pt"
    ember.save({"w": ember.arange(6, dtype=ember.float32), "v": ember.ones(2, 2, dtype=ember.float64)}, path)
    loaded = ember.load(path, mmap=True)
    assert loaded["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] and loaded["v"].sum().item() == 4.0
    loaded["w"].add_(1)
    assert ember.load(path)["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    with pytest.raises(ValueError, match="file path"):
        ember.load(saved(ember.save, 1), mmap=True)


class _Unpicklable:
    def __reduce__(self):
        raise RuntimeError("cannot pickle this")


def _saved_old_checkpoint(tmp_path):
    path = tmp_path / "checkpoint.pt"
    ember.save({"epoch": 1, "w": ember.ones(3)}, path)
    os.chmod(path, 0o640)
    return path, path.read_bytes()


def _assert_old_checkpoint_intact(path, old):
    assert path.read_bytes() == old
    assert ember.load(path)["epoch"] == 1
    assert os.listdir(path.parent) == [path.name]


def test_failed_pickling_leaves_the_old_file(tmp_path):
    path, old = _saved_old_checkpoint(tmp_path)
    with pytest.raises(RuntimeError, match="cannot pickle this"):
        ember.save({"epoch": 2, "w": ember.zeros(3), "bad": _Unpicklable()}, path)
    _assert_old_checkpoint_intact(path, old)


def test_failure_mid_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path, old = _saved_old_checkpoint(tmp_path)
    write_record = ember.serialization._write_record
    seen = []

    def full_disk(archive, record, data):
        if record.endswith("data/0"):
            seen.extend(os.listdir(tmp_path))
            raise OSError(28, "No space left on device")
        write_record(archive, record, data)
    monkeypatch.setattr(ember.serialization, "_write_record", full_disk)
    with pytest.raises(OSError, match="No space left"):
        ember.save({"epoch": 2, "w": ember.zeros(3)}, path)
    assert len(seen) == 2 and any(name.endswith(".tmp") for name in seen)
    _assert_old_checkpoint_intact(path, old)


def test_saving_over_a_file_keeps_its_permissions(tmp_path):
    path, _ = _saved_old_checkpoint(tmp_path)
    ember.save({"epoch": 2}, path)
    assert ember.load(path)["epoch"] == 2 and os.stat(path).st_mode & 0o777 == 0o640


def test_save_into_a_missing_folder_fails_clearly(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory .*missing does not exist"):
        ember.save(1, tmp_path / "missing" / "x.pt")


def _good_file(tmp_path):
    path = tmp_path / "good.pt"
    ember.save({"w": ember.arange(1000, dtype=ember.float32)}, path)
    return path, path.read_bytes()


def test_truncated_file_raises_a_clear_error(tmp_path):
    path, raw = _good_file(tmp_path)
    for cut in (len(raw) // 2, len(raw) - 10, 3):
        path.write_bytes(raw[:cut])
        with pytest.raises(RuntimeError, match=r"ember\.load: failed reading zip archive '.*good\.pt': .*truncated"):
            ember.load(path)


def test_corrupted_storage_bytes_raise_a_clear_error(tmp_path):
    path, raw = _good_file(tmp_path)
    damaged = bytearray(raw)
    damaged[raw.index(np.arange(1000, dtype=np.float32)[500:].tobytes())] ^= 0xFF
    path.write_bytes(bytes(damaged))
    with pytest.raises(RuntimeError, match="Bad CRC-32.*corrupted"):
        ember.load(path)


def test_empty_and_foreign_files_raise_clear_errors(tmp_path):
    path = tmp_path / "x.pt"
    path.write_bytes(b"")
    with pytest.raises(RuntimeError, match="the file is empty"):
        ember.load(path)
    path.write_bytes(b"hello world" * 10)
    with pytest.raises(RuntimeError, match="not a zip file"):
        ember.load(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/notes.txt", b"a zip, but not a checkpoint")
    with pytest.raises(RuntimeError, match="no data.pkl record"):
        ember.load(path)


def test_legacy_torch_format_is_reported(tmp_path):
    path = tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(2)}, path, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy \\(non-zip\\) format"):
        ember.load(path)


def _rewritten(checkpoint, change):
    """A copy of a checkpoint (a file object) whose records' data pass through ``change(name, data)``."""
    copy = io.BytesIO()
    with zipfile.ZipFile(checkpoint) as archive, zipfile.ZipFile(copy, "w") as out:
        for info in archive.infolist():
            out.writestr(info.filename, change(info.filename, archive.read(info)))
    copy.seek(0)
    return copy


def test_storage_too_small_for_its_tensor_is_refused():
    source = saved(ember.save, ember.arange(10, dtype=ember.float32))
    damaged = _rewritten(source, lambda name, data: data[:8] if name.endswith("data/0") else data)
    with pytest.raises(RuntimeError, match="out of bounds for a storage of 2 elements"):
        ember.load(damaged)


def test_big_endian_checkpoints_are_read():
    def big_endian(name, data):
        if name.endswith("byteorder"):
            return b"big"
        return np.frombuffer(data, "<i4").astype(">i4").tobytes() if name.endswith("data/0") else data
    values = list(range(-3, 7))
    converted = _rewritten(saved(ember.save, ember.tensor(values, dtype=ember.int32)), big_endian)
    assert torch.load(converted).tolist() == values
    converted.seek(0)
    assert ember.load(converted).tolist() == values


def test_zip64_records_stay_aligned_and_load_in_torch(monkeypatch, tmp_path):
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1000)  # records over 1000 bytes take zip64 headers, as over 4 GiB
    path = tmp_path / "big.pt"
    ember.save({"w": ember.arange(1000, dtype=ember.float32), "b": ember.ones(3)}, path)
    _assert_aligned(path)
    monkeypatch.undo()
    assert torch.load(path)["w"].sum().item() == 499500.0
    assert ember.load(path)["w"].sum().item() == 499500.0


class _Stream(io.RawIOBase):
    """A write-only, unseekable stream (a pipe or a socket)."""

    def __init__(self):
        self.chunks = []

    def writable(self):
        return True

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)


def test_unseekable_streams_both_ways():
    stream = _Stream()
    ember.save({"w": ember.arange(5)}, stream)
    raw = b"".join(stream.chunks)
    assert torch.load(io.BytesIO(raw))["w"].tolist() == [0, 1, 2, 3, 4]
    unseekable = io.BufferedReader(io.BytesIO(raw))
    unseekable.seekable = lambda: False
    assert ember.load(unseekable)["w"].tolist() == [0, 1, 2, 3, 4]


@pytest.mark.filterwarnings("ignore:TypedStorage is deprecated")
def test_bare_storages_and_tensors_with_attributes_from_torch():
    t = torch.arange(4.0)
    typed = torch_to_ember(t.storage())
    assert typed.dtype == ember.float32 and typed.tolist() == [0.0, 1.0, 2.0, 3.0]
    untyped = torch_to_ember(t.untyped_storage())
    assert untyped.dtype == ember.uint8 and untyped.tolist() == list(t.numpy().tobytes())
    t.note = "python attribute"
    parameter = torch.nn.Parameter(torch.ones(2))
    parameter.note = "python attribute"
    loaded = torch_to_ember({"t": t, "p": parameter})
    assert type(loaded["t"]) is ember.Tensor and loaded["t"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert type(loaded["p"]) is ember.nn.Parameter and loaded["p"].requires_grad


def test_torch_files_pickled_with_a_newer_protocol_load():
    obj = {"w": torch.ones(2), "size": torch.Size([2]), "raw": b"xy"}
    assert_same_tree(ember.load(saved(torch.save, obj, pickle_protocol=4)), obj)
