"""FakeData: random images and labels, the same for the same index every time, as torchvision.datasets.FakeData."""
from ... import dtypes
from ...random import Generator, randint, randn
from ..transforms.functional import to_pil_image
from .vision import VisionDataset


class FakeData(VisionDataset):
    """``size`` samples of N(0, 1) images of shape ``image_size`` (C, H, W), shown as PIL images, and labels below
    ``num_classes``; sample ``i`` is drawn from a stream seeded with ``i + random_offset``."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        generator = Generator().manual_seed(index + self.random_offset)
        img = randn(*self.image_size, generator=generator)
        target = randint(0, self.num_classes, size=(1,), dtype=dtypes.long, generator=generator)[0]
        return self._apply_transforms(to_pil_image(img), target.item())

    def __len__(self):
        return self.size
