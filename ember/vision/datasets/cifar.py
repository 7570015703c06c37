"""CIFAR10 and CIFAR100 from the python-pickle batch files (nothing is downloaded), as torchvision.datasets.cifar."""
import os
import pickle

import numpy as np
from PIL import Image

from .utils import raise_not_found
from .vision import VisionDataset


class CIFAR10(VisionDataset):
    """The batches in ``root/cifar-10-batches-py`` (extracted from cifar-10-python.tar.gz); images as RGB PIL."""

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    train_list = ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5"]
    test_list = ["test_batch"]
    meta = {"filename": "batches.meta", "key": "label_names"}

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        self._check_files(download)
        self.data = []
        self.targets = []
        for entry in map(self._load, self.train_list if train else self.test_list):
            self.data.append(entry["data"])
            self.targets.extend(entry["labels"] if "labels" in entry else entry["fine_labels"])
        self.data = np.vstack(self.data).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))  # to HWC
        self.classes = self._load(self.meta["filename"])[self.meta["key"]]
        self.class_to_idx = {_class: i for i, _class in enumerate(self.classes)}

    def _check_files(self, download):
        folder = os.path.join(self.root, self.base_folder)
        expected = self.train_list + self.test_list + [self.meta["filename"]]
        missing = [name for name in expected if not os.path.isfile(os.path.join(folder, name))]
        if missing:
            raise_not_found(type(self).__name__, folder, expected, missing,
                            f"{self.url} (extract {self.filename} into {self.root})", download)

    def _load(self, name):
        with open(os.path.join(self.root, self.base_folder, name), "rb") as f:
            return pickle.load(f, encoding="latin1")

    def __getitem__(self, index):
        return self._apply_transforms(Image.fromarray(self.data[index]), self.targets[index])

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR10's reader on ``root/cifar-100-python``; targets are the fine labels, as torchvision."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    train_list = ["train"]
    test_list = ["test"]
    meta = {"filename": "meta", "key": "fine_label_names"}
