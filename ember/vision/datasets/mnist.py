"""MNIST, FashionMNIST and KMNIST from IDX files in ``root/<ClassName>/raw`` (gzipped or not; nothing is
downloaded), as torchvision.datasets.mnist."""
import gzip
import os
import warnings

import numpy as np
from PIL import Image

from ...creation import from_numpy
from .utils import raise_not_found
from .vision import VisionDataset

# IDX type codes: https://yann.lecun.com/exdb/mnist/ (big-endian)
_IDX_DTYPES = {8: np.uint8, 9: np.int8, 11: np.dtype(">i2"), 12: np.dtype(">i4"), 13: np.dtype(">f4"),
               14: np.dtype(">f8")}


def _open_maybe_compressed(path):
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def read_idx(path):
    """The array stored in the IDX file at ``path`` (``.gz`` is decompressed)."""
    with _open_maybe_compressed(path) as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise RuntimeError(f"{path} is not an IDX file: expected the magic bytes 0, 0, a type code in "
                           f"{sorted(_IDX_DTYPES)} and the number of dimensions, got {list(data[:4])}")
    ndim = data[3]
    shape = np.frombuffer(data, ">i4", count=ndim, offset=4)
    values = np.frombuffer(data, _IDX_DTYPES[data[2]], offset=4 + 4 * ndim)
    return values.astype(values.dtype.newbyteorder("="), copy=False).reshape(shape)


def _read_checked(path, ndim):
    array = read_idx(path)
    if array.dtype != np.uint8 or array.ndim != ndim:
        raise RuntimeError(f"{path}: expected uint8 data with {ndim} dimensions, got {array.dtype} with shape "
                           f"{list(array.shape)}")
    return array


def read_image_file(path):
    return from_numpy(_read_checked(path, 3).copy())


def read_label_file(path):
    return from_numpy(_read_checked(path, 1).astype(np.int64))


class MNIST(VisionDataset):
    """The IDX files in ``root/MNIST/raw``; images are 28x28 'L' PIL images, targets ints."""

    source = "https://ossci-datasets.s3.amazonaws.com/mnist/"
    resources = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        missing = [name for name in self.resources if self._find(name) is None]
        if missing:
            raise_not_found(type(self).__name__, self.raw_folder, [f"{name}[.gz]" for name in self.resources],
                            missing, self.source, download)
        split = "train" if train else "t10k"
        self.data = read_image_file(self._find(f"{split}-images-idx3-ubyte"))
        self.targets = read_label_file(self._find(f"{split}-labels-idx1-ubyte"))

    def _find(self, name):
        """The path of ``name`` or ``name.gz`` in the raw folder, or None."""
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.raw_folder, candidate)
            if os.path.isfile(path):
                return path
        return None

    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self):
        return {_class: i for i, _class in enumerate(self.classes)}

    def __getitem__(self, index):
        image = Image.fromarray(self.data[index].numpy())
        return self._apply_transforms(image, int(self.targets[index]))

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


def _renamed(old, new):
    """A deprecated alias of ``new``, as torchvision's ``train_labels`` and friends."""

    def get(self):
        warnings.warn(f"{old} has been renamed {new}")
        return getattr(self, new)

    return property(get)


for _old, _new in (("train_labels", "targets"), ("test_labels", "targets"), ("train_data", "data"),
                   ("test_data", "data")):
    setattr(MNIST, _old, _renamed(_old, _new))


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST in MNIST's layout, under ``root/FashionMNIST/raw``."""

    source = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST in MNIST's layout, under ``root/KMNIST/raw``."""

    source = "http://codh.rois.ac.jp/kmnist/dataset/kmnist/"
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
