"""ember.vision.datasets on small files the tests write in the standard formats: image folders, CIFAR pickles,
MNIST IDX files (gzipped and plain); FakeData; and the notes' RMB pipeline end to end."""
import gzip
import os
import pickle
import re

import numpy as np
import pytest
from PIL import Image

import ember
from ember import nn
from ember.utils.data import DataLoader, Dataset
from ember.vision import datasets, models, transforms
from ember.vision.datasets.folder import IMG_EXTENSIONS
from ember.vision.datasets.mnist import read_idx

RNG = np.random.default_rng(0)


# ---- ImageFolder / DatasetFolder ----
def write_image(path, pixels):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)
    return pixels


@pytest.fixture
def image_root(tmp_path):
    """root/cat/a.png (grey), root/cat/deep/b.png, root/dog/c.PNG, root/dog/notes.txt; returns root and pixels."""
    root = tmp_path / "images"
    pixels = {
        "cat/a.png": write_image(root / "cat/a.png", RNG.integers(0, 256, (6, 5), dtype=np.uint8)),
        "cat/deep/b.png": write_image(root / "cat/deep/b.png", RNG.integers(0, 256, (6, 5, 3), dtype=np.uint8)),
        "dog/c.PNG": write_image(root / "dog/c.PNG", RNG.integers(0, 256, (4, 7, 3), dtype=np.uint8)),
    }
    (root / "dog/notes.txt").write_text("not an image")
    return root, pixels


def test_image_folder_classes_samples_and_rgb_images(image_root):
    root, pixels = image_root
    ds = datasets.ImageFolder(str(root))
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    names = ["cat/a.png", "cat/deep/b.png", "dog/c.PNG"]
    assert ds.samples == [(os.path.join(str(root), n.split("/")[0], *n.split("/")[1:]), t)
                          for n, t in zip(names, [0, 0, 1])]
    assert ds.imgs is ds.samples and ds.targets == [0, 0, 1] and len(ds) == 3
    assert ds.extensions == IMG_EXTENSIONS and isinstance(ds, Dataset)
    for i, name in enumerate(names):
        img, target = ds[i]
        expected = pixels[name] if pixels[name].ndim == 3 else np.repeat(pixels[name][:, :, None], 3, axis=2)
        assert img.mode == "RGB" and target == ds.targets[i]
        np.testing.assert_array_equal(np.asarray(img), expected)


def test_image_folder_transforms_and_is_valid_file(image_root):
    root, _ = image_root
    ds = datasets.ImageFolder(root, transform=transforms.ToTensor(), target_transform=lambda t: t + 10,
                              is_valid_file=lambda path: "deep" not in path and path.lower().endswith(".png"))
    assert [t for _, t in ds.samples] == [0, 1] and ds.extensions is None
    img, target = ds[1]
    assert tuple(img.shape) == (3, 4, 7) and img.dtype == ember.float32 and target == 11


def test_dataset_folder_with_a_custom_loader_and_extensions(image_root):
    root, _ = image_root
    ds = datasets.DatasetFolder(root, loader=lambda path: open(path).read(), extensions=".txt", allow_empty=True)
    assert len(ds) == 1 and ds[0] == ("not an image", 1)
    with pytest.raises(FileNotFoundError, match=r"Found no valid file for the classes cat\. "
                                                r"Supported extensions are: \.txt"):
        datasets.DatasetFolder(root, loader=open, extensions=".txt")


def test_image_folder_errors(tmp_path, image_root):
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder in"):
        datasets.ImageFolder(tmp_path / "images" / "cat" / "deep")
    (tmp_path / "images" / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"Found no valid file for the classes empty\. Supported extensions "
                                                r"are: \.jpg, \.jpeg, \.png"):
        datasets.ImageFolder(tmp_path / "images")
    assert len(datasets.ImageFolder(tmp_path / "images", allow_empty=True)) == 3
    with pytest.raises(ValueError, match="Both extensions and is_valid_file cannot be None or not None"):
        datasets.DatasetFolder(tmp_path / "images", loader=open, extensions=".png", is_valid_file=bool)


def test_vision_dataset_repr_is_torchvisions(image_root):
    root, _ = image_root
    ds = datasets.ImageFolder(str(root), transform=transforms.Compose([transforms.ToTensor()]))
    assert repr(ds) == (f"Dataset ImageFolder\n    Number of datapoints: 3\n    Root location: {root}\n"
                        f"    StandardTransform\nTransform: Compose(\n               ToTensor()\n           )")
    assert repr(datasets.FakeData(size=4)) == "Dataset FakeData\n    Number of datapoints: 4"


def test_vision_dataset_transforms_arguments(tmp_path):
    with pytest.raises(ValueError, match="Only transforms or transform/target_transform can be passed"):
        datasets.VisionDataset(tmp_path, transforms=lambda x, y: (x, y), transform=str)
    pair = datasets.VisionDataset("~/x", target_transform=lambda y: y * 2).transforms
    assert pair("a", 3) == ("a", 6) and repr(pair).startswith("StandardTransform\nTarget transform: <function")
    assert datasets.VisionDataset("~/x").root == os.path.expanduser("~/x")


# ---- CIFAR ----
def write_pickle(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=2)


def cifar_batch(n, label_key="labels", classes=10):
    batch = {"data": RNG.integers(0, 256, (n, 3072), dtype=np.uint8), label_key: RNG.integers(0, classes, n).tolist()}
    if label_key == "fine_labels":
        batch["coarse_labels"] = RNG.integers(0, 20, n).tolist()
    return batch


@pytest.fixture
def cifar10_root(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    batches = {f"data_batch_{i}": cifar_batch(2) for i in range(1, 6)}
    batches["test_batch"] = cifar_batch(3)
    for name, batch in batches.items():
        write_pickle(folder / name, batch)
    write_pickle(folder / "batches.meta", {"label_names": [f"class{i}" for i in range(10)], "num_vis": 3072})
    return tmp_path, batches


def hwc(rows):
    return rows.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


def test_cifar10_train_and_test_splits(cifar10_root):
    root, batches = cifar10_root
    train = datasets.CIFAR10(str(root), train=True, transform=transforms.ToTensor())
    assert len(train) == 10 and train.data.shape == (10, 32, 32, 3) and train.data.dtype == np.uint8
    assert train.targets == sum((batches[f"data_batch_{i}"]["labels"] for i in range(1, 6)), [])
    assert train.classes[3] == "class3" and train.class_to_idx["class9"] == 9
    img, target = train[7]
    np.testing.assert_array_equal(img.mul(255).round().to(ember.uint8).permute(1, 2, 0).numpy(),
                                  hwc(batches["data_batch_4"]["data"])[1])
    assert target == batches["data_batch_4"]["labels"][1]
    test = datasets.CIFAR10(root, train=False)
    img, target = test[2]
    assert img.mode == "RGB" and len(test) == 3 and target == batches["test_batch"]["labels"][2]
    np.testing.assert_array_equal(np.asarray(img), hwc(batches["test_batch"]["data"])[2])
    assert repr(test).splitlines()[1:] == ["    Number of datapoints: 3", f"    Root location: {root}", "    Split: Test"]


def test_cifar100_targets_are_the_fine_labels(tmp_path):
    folder = tmp_path / "cifar-100-python"
    train, test = cifar_batch(4, "fine_labels", 100), cifar_batch(2, "fine_labels", 100)
    write_pickle(folder / "train", train)
    write_pickle(folder / "test", test)
    write_pickle(folder / "meta", {"fine_label_names": [f"f{i}" for i in range(100)],
                                   "coarse_label_names": [f"c{i}" for i in range(20)]})
    ds = datasets.CIFAR100(tmp_path, train=False)
    assert ds.targets == test["fine_labels"] and len(ds.classes) == 100 and ds.classes[42] == "f42"
    np.testing.assert_array_equal(np.asarray(ds[1][0]), hwc(test["data"])[1])


def test_cifar_missing_files_say_what_and_where(cifar10_root, tmp_path):
    root, _ = cifar10_root
    os.remove(root / "cifar-10-batches-py" / "data_batch_3")
    folder = os.path.join(str(root), "cifar-10-batches-py")
    with pytest.raises(RuntimeError, match=r"CIFAR10: dataset not found\. Expected the files data_batch_1, .*"
                                           r"test_batch, batches\.meta in " + re.escape(folder) +
                                           r"; missing: data_batch_3\. ember downloads nothing"):
        datasets.CIFAR10(root)
    with pytest.raises(RuntimeError, match=r"download=True was given, but ember downloads nothing: get them from "
                                           r"https://www\.cs\.toronto\.edu/~kriz/cifar-10-python\.tar\.gz"):
        datasets.CIFAR10(root, download=True)
    with pytest.raises(RuntimeError, match="missing: train, test, meta"):
        datasets.CIFAR100(tmp_path / "nowhere")


def test_download_true_with_the_files_in_place_just_loads(cifar10_root):
    root, _ = cifar10_root
    assert len(datasets.CIFAR10(root, train=False, download=True)) == 3


# ---- MNIST family ----
def write_idx(path, array, compress):
    path.parent.mkdir(parents=True, exist_ok=True)
    codes = {np.uint8: 8, np.float32: 13}
    header = bytes([0, 0, codes[array.dtype.type], array.ndim]) + np.array(array.shape, ">i4").tobytes()
    payload = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    (gzip.open if compress else open)(str(path) + (".gz" if compress else ""), "wb").write(payload)


def write_mnist(root, cls):
    """Train files gzipped, test files plain; returns the arrays."""
    raw = root / cls / "raw"
    arrays = {"train": (RNG.integers(0, 256, (5, 28, 28), dtype=np.uint8), RNG.integers(0, 10, 5, dtype=np.uint8)),
              "t10k": (RNG.integers(0, 256, (3, 28, 28), dtype=np.uint8), RNG.integers(0, 10, 3, dtype=np.uint8))}
    for split, (images, labels) in arrays.items():
        write_idx(raw / f"{split}-images-idx3-ubyte", images, compress=split == "train")
        write_idx(raw / f"{split}-labels-idx1-ubyte", labels, compress=split == "train")
    return arrays


@pytest.mark.parametrize("cls, first_class", [("MNIST", "0 - zero"), ("FashionMNIST", "T-shirt/top"),
                                              ("KMNIST", "o")])
def test_mnist_family_reads_idx_files(tmp_path, cls, first_class):
    arrays = write_mnist(tmp_path, cls)
    for train, split in ((True, "train"), (False, "t10k")):
        ds = getattr(datasets, cls)(str(tmp_path), train=train)
        images, labels = arrays[split]
        assert ds.data.dtype == ember.uint8 and tuple(ds.data.shape) == images.shape
        assert ds.targets.dtype == ember.int64 and ds.targets.tolist() == labels.tolist() and len(ds) == len(labels)
        img, target = ds[1]
        assert img.mode == "L" and img.size == (28, 28) and type(target) is int and target == labels[1]
        np.testing.assert_array_equal(np.asarray(img), images[1])
    assert ds.classes[0] == first_class and ds.class_to_idx[first_class] == 0
    assert ds.raw_folder == os.path.join(str(tmp_path), cls, "raw")


def test_mnist_transforms_and_renamed_attributes(tmp_path):
    arrays = write_mnist(tmp_path, "MNIST")
    ds = datasets.MNIST(tmp_path, transform=transforms.ToTensor(), target_transform=lambda t: -t)
    img, target = ds[0]
    assert tuple(img.shape) == (1, 28, 28) and target == -int(arrays["train"][1][0])
    with pytest.warns(UserWarning, match="train_labels has been renamed targets"):
        assert ds.train_labels is ds.targets


def test_mnist_missing_files_and_bad_files(tmp_path):
    with pytest.raises(RuntimeError, match=r"MNIST: dataset not found\. Expected the files "
                                           r"train-images-idx3-ubyte\[\.gz\], .* in .*MNIST.raw; missing: "
                                           r"train-images-idx3-ubyte, .*t10k-labels-idx1-ubyte\. ember downloads "
                                           r"nothing.*ossci-datasets"):
        datasets.MNIST(tmp_path, download=False)
    write_mnist(tmp_path, "MNIST")
    (tmp_path / "MNIST" / "raw" / "t10k-images-idx3-ubyte").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(RuntimeError, match="is not an IDX file"):
        datasets.MNIST(tmp_path, train=False)


def test_read_idx_other_types(tmp_path):
    values = RNG.standard_normal((2, 3)).astype(np.float32)
    write_idx(tmp_path / "floats", values, compress=False)
    np.testing.assert_array_equal(read_idx(str(tmp_path / "floats")), values)


# ---- FakeData ----
def test_fake_data_is_deterministic_per_index():
    ds = datasets.FakeData(size=5, image_size=(3, 6, 4), num_classes=3)
    img, target = ds[2]
    assert img.mode == "RGB" and img.size == (4, 6) and 0 <= target < 3 and type(target) is int and len(ds) == 5
    np.testing.assert_array_equal(np.asarray(img), np.asarray(ds[2][0]))
    assert not np.array_equal(np.asarray(img), np.asarray(ds[3][0]))
    shifted = datasets.FakeData(size=5, image_size=(3, 6, 4), num_classes=3, random_offset=1)
    np.testing.assert_array_equal(np.asarray(shifted[1][0]), np.asarray(img))
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[5]


def test_fake_data_leaves_the_global_stream_and_applies_transforms():
    ember.manual_seed(3)
    expected = ember.rand(4)
    ember.manual_seed(3)
    ds = datasets.FakeData(size=2, image_size=(1, 5, 5), transform=transforms.ToTensor(), target_transform=str)
    img, target = ds[0]
    assert ember.equal(ember.rand(4), expected)
    assert tuple(img.shape) == (1, 5, 5) and isinstance(target, str)
    assert [y for _, y in ds] == [target, ds[1][1]]


# ---- the notes' RMB classification pipeline, end to end ----
def test_rmb_pipeline_image_folder_to_lenet_training(tmp_path):
    """ImageFolder -> Resize/RandomCrop/ToTensor/Normalize -> DataLoader(shuffle, 2 workers) -> LeNet ->
    CrossEntropyLoss -> SGD -> StepLR: the training loss falls on two separable classes."""
    for i in range(8):  # class "1" images are dark, class "100" images bright
        for name, level in (("1", 40), ("100", 210)):
            write_image(tmp_path / "rmb" / name / f"{i}.png",
                        (level + RNG.integers(-30, 30, (40, 40, 3))).astype(np.uint8))
    norm_mean, norm_std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    train_transform = transforms.Compose([transforms.Resize((32, 32)), transforms.RandomCrop(32, padding=4),
                                          transforms.ToTensor(), transforms.Normalize(norm_mean, norm_std)])
    train_data = datasets.ImageFolder(tmp_path / "rmb", transform=train_transform)
    loader = DataLoader(dataset=train_data, batch_size=4, shuffle=True, num_workers=2)
    ember.manual_seed(1)
    net = models.LeNet(classes=2)
    net.initialize_weights()
    criterion = nn.CrossEntropyLoss()
    optimizer = ember.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    scheduler = ember.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)
    epoch_losses = []
    for _ in range(3):
        losses = []
        for inputs, labels in loader:
            optimizer.zero_grad()
            loss = criterion(net(inputs), labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
        epoch_losses.append(sum(losses) / len(losses))
    assert len(losses) == 4 and epoch_losses[-1] < epoch_losses[0] and epoch_losses[-1] < 0.3
    assert abs(optimizer.param_groups[0]["lr"] - 0.001) < 1e-12
