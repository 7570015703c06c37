"""AutoAugment (ImageNet, CIFAR10 and SVHN policies), RandAugment, TrivialAugmentWide and AugMix."""
import math
from enum import Enum

import numpy as np

from ...creation import from_numpy
from ...nn.modules.module import Module
from ...random import _rng, rand, randint
from ...tensor import Tensor
from . import functional as F
from .interpolation_mode import InterpolationMode
from .transforms import _tensor_fill

__all__ = ["AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]


def _shear(img, shear, interpolation, fill):
    return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=shear, interpolation=interpolation,
                    fill=fill, center=[0, 0])


def _translate(img, translate, interpolation, fill):
    return F.affine(img, angle=0.0, translate=translate, scale=1.0, shear=[0.0, 0.0], interpolation=interpolation,
                    fill=fill)


_OPS = {
    "ShearX": lambda img, m, i, f: _shear(img, [math.degrees(math.atan(m)), 0.0], i, f),
    "ShearY": lambda img, m, i, f: _shear(img, [0.0, math.degrees(math.atan(m))], i, f),
    "TranslateX": lambda img, m, i, f: _translate(img, [int(m), 0], i, f),
    "TranslateY": lambda img, m, i, f: _translate(img, [0, int(m)], i, f),
    "Rotate": lambda img, m, i, f: F.rotate(img, m, interpolation=i, fill=f),
    "Brightness": lambda img, m, i, f: F.adjust_brightness(img, 1.0 + m),
    "Color": lambda img, m, i, f: F.adjust_saturation(img, 1.0 + m),
    "Contrast": lambda img, m, i, f: F.adjust_contrast(img, 1.0 + m),
    "Sharpness": lambda img, m, i, f: F.adjust_sharpness(img, 1.0 + m),
    "Posterize": lambda img, m, i, f: F.posterize(img, int(m)),
    "Solarize": lambda img, m, i, f: F.solarize(img, m),
    "AutoContrast": lambda img, m, i, f: F.autocontrast(img),
    "Equalize": lambda img, m, i, f: F.equalize(img),
    "Invert": lambda img, m, i, f: F.invert(img),
    "Identity": lambda img, m, i, f: img,
}


def _apply_op(img, op_name, magnitude, interpolation, fill):
    if op_name not in _OPS:
        raise ValueError(f"The provided operator {op_name} is not recognized.")
    return _OPS[op_name](img, magnitude, interpolation, fill)


def _linspace(start, end, steps):
    """float32 points as torch.linspace computes them: stepping from the start for the first half, back from the
    end for the second."""
    start, end = np.float32(start), np.float32(end)
    step = (end - start) / np.float32(max(steps - 1, 1))
    i = np.arange(steps, dtype=np.float32)
    return np.where(i < steps // 2, start + step * i, end - step * (np.float32(steps - 1) - i)).astype(np.float32)


def _posterize_bits(num_bins, levels):
    return (8 - np.round(np.arange(num_bins) / ((num_bins - 1) / levels))).astype(np.int32)


def _space(num_bins, image_size, shear, translate, rotate, enhance, posterize_levels):
    """op name -> (magnitudes, signed): the magnitude bins of each operation."""
    none = np.array(0.0, dtype=np.float32)
    return {
        "Identity": (none, False),
        "ShearX": (_linspace(0.0, shear, num_bins), True),
        "ShearY": (_linspace(0.0, shear, num_bins), True),
        "TranslateX": (_linspace(0.0, translate(image_size[0]), num_bins), True),
        "TranslateY": (_linspace(0.0, translate(image_size[1]), num_bins), True),
        "Rotate": (_linspace(0.0, rotate, num_bins), True),
        "Brightness": (_linspace(0.0, enhance, num_bins), True),
        "Color": (_linspace(0.0, enhance, num_bins), True),
        "Contrast": (_linspace(0.0, enhance, num_bins), True),
        "Sharpness": (_linspace(0.0, enhance, num_bins), True),
        "Posterize": (_posterize_bits(num_bins, posterize_levels), False),
        "Solarize": (_linspace(255.0, 0.0, num_bins), False),
        "AutoContrast": (none, False),
        "Equalize": (none, False),
    }


def _standard_space(num_bins, image_size):
    """AutoAugment's and RandAugment's magnitudes (translation up to 150/331 of the image)."""
    return _space(num_bins, image_size, 0.3, lambda n: 150.0 / 331.0 * n, 30.0, 0.9, 4)


def _wide_space(num_bins, image_size=None):
    """TrivialAugmentWide's wider magnitudes."""
    return _space(num_bins, image_size or (0, 0), 0.99, lambda n: 32.0, 135.0, 0.99, 6)


def _randint(high, size=(1,)):
    return randint(high, size=size)


class AutoAugmentPolicy(Enum):
    """AutoAugment policies learned on different datasets: IMAGENET, CIFAR10 and SVHN."""

    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


def _pairs(spec):
    """A policy written as 'Op prob magnitude' pairs (magnitude '-' when the op takes none)."""
    def parse(op):
        name, p, m = op.split()
        return name, float(p), None if m == "-" else int(m)
    return [tuple(parse(op) for op in line.split(",")) for line in spec.strip().splitlines()]


_POLICIES = {
    AutoAugmentPolicy.IMAGENET: _pairs("""
        Posterize 0.4 8, Rotate 0.6 9
        Solarize 0.6 5, AutoContrast 0.6 -
        Equalize 0.8 -, Equalize 0.6 -
        Posterize 0.6 7, Posterize 0.6 6
        Equalize 0.4 -, Solarize 0.2 4
        Equalize 0.4 -, Rotate 0.8 8
        Solarize 0.6 3, Equalize 0.6 -
        Posterize 0.8 5, Equalize 1.0 -
        Rotate 0.2 3, Solarize 0.6 8
        Equalize 0.6 -, Posterize 0.4 6
        Rotate 0.8 8, Color 0.4 0
        Rotate 0.4 9, Equalize 0.6 -
        Equalize 0.0 -, Equalize 0.8 -
        Invert 0.6 -, Equalize 1.0 -
        Color 0.6 4, Contrast 1.0 8
        Rotate 0.8 8, Color 1.0 2
        Color 0.8 8, Solarize 0.8 7
        Sharpness 0.4 7, Invert 0.6 -
        ShearX 0.6 5, Equalize 1.0 -
        Color 0.4 0, Equalize 0.6 -
        Equalize 0.4 -, Solarize 0.2 4
        Solarize 0.6 5, AutoContrast 0.6 -
        Invert 0.6 -, Equalize 1.0 -
        Color 0.6 4, Contrast 1.0 8
        Equalize 0.8 -, Equalize 0.6 -"""),
    AutoAugmentPolicy.CIFAR10: _pairs("""
        Invert 0.1 -, Contrast 0.2 6
        Rotate 0.7 2, TranslateX 0.3 9
        Sharpness 0.8 1, Sharpness 0.9 3
        ShearY 0.5 8, TranslateY 0.7 9
        AutoContrast 0.5 -, Equalize 0.9 -
        ShearY 0.2 7, Posterize 0.3 7
        Color 0.4 3, Brightness 0.6 7
        Sharpness 0.3 9, Brightness 0.7 9
        Equalize 0.6 -, Equalize 0.5 -
        Contrast 0.6 7, Sharpness 0.6 5
        Color 0.7 7, TranslateX 0.5 8
        Equalize 0.3 -, AutoContrast 0.4 -
        TranslateY 0.4 3, Sharpness 0.2 6
        Brightness 0.9 6, Color 0.2 8
        Solarize 0.5 2, Invert 0.0 -
        Equalize 0.2 -, AutoContrast 0.6 -
        Equalize 0.2 -, Equalize 0.6 -
        Color 0.9 9, Equalize 0.6 -
        AutoContrast 0.8 -, Solarize 0.2 8
        Brightness 0.1 3, Color 0.7 0
        Solarize 0.4 5, AutoContrast 0.9 -
        TranslateY 0.9 9, TranslateY 0.7 9
        AutoContrast 0.9 -, Solarize 0.8 3
        Equalize 0.8 -, Invert 0.1 -
        TranslateY 0.7 9, AutoContrast 0.9 -"""),
    AutoAugmentPolicy.SVHN: _pairs("""
        ShearX 0.9 4, Invert 0.2 -
        ShearY 0.9 8, Invert 0.7 -
        Equalize 0.6 -, Solarize 0.6 6
        Invert 0.9 -, Equalize 0.6 -
        Equalize 0.6 -, Rotate 0.9 3
        ShearX 0.9 4, AutoContrast 0.8 -
        ShearY 0.9 8, Invert 0.4 -
        ShearY 0.9 5, Solarize 0.2 6
        Invert 0.9 -, AutoContrast 0.8 -
        Equalize 0.6 -, Rotate 0.9 3
        ShearX 0.9 4, Solarize 0.3 3
        ShearY 0.8 8, Invert 0.7 -
        Equalize 0.9 -, TranslateY 0.6 6
        Invert 0.9 -, Equalize 0.6 -
        Contrast 0.3 3, Rotate 0.8 4
        Invert 0.8 -, TranslateY 0.0 2
        ShearY 0.7 6, Solarize 0.4 8
        Invert 0.6 -, Rotate 0.8 4
        ShearY 0.3 7, TranslateX 0.9 3
        ShearX 0.1 6, Invert 0.6 -
        Solarize 0.7 2, TranslateY 0.6 7
        ShearY 0.8 4, Invert 0.8 -
        ShearX 0.7 9, TranslateY 0.8 3
        ShearY 0.8 5, AutoContrast 0.7 -
        ShearX 0.7 2, Invert 0.1 -"""),
}


def _signed(magnitude, signed, negate):
    return -magnitude if signed and negate else magnitude


class _Augment(Module):
    """Shared state of the automatic augmentations: interpolation and fill."""

    def __init__(self, interpolation, fill):
        super().__init__()
        self.interpolation, self.fill = interpolation, fill

    def _apply(self, img, op_name, magnitude):
        return _apply_op(img, op_name, magnitude, self.interpolation, _tensor_fill(self.fill, img))


class AutoAugment(_Augment):
    """AutoAugment: one of the policy's sub-policies, each of its two ops applied with its probability."""

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__(interpolation, fill)
        if policy not in _POLICIES:
            raise ValueError(f"The provided policy {policy} is not recognized.")
        self.policy, self.policies = policy, _POLICIES[policy]

    @staticmethod
    def get_params(transform_num):
        """(sub-policy index, a probability draw per op, a sign draw per op)."""
        return int(_randint(transform_num).item()), rand((2,)), _randint(2, (2,))

    def forward(self, img):
        transform_id, probs, signs = self.get_params(len(self.policies))
        space = dict(_standard_space(10, F.get_image_size(img)), Invert=(np.array(0.0, dtype=np.float32), False))
        for i, (op_name, p, magnitude_id) in enumerate(self.policies[transform_id]):
            if probs[i].item() <= p:
                magnitudes, signed = space[op_name]
                magnitude = 0.0 if magnitude_id is None else float(magnitudes[magnitude_id])
                img = self._apply(img, op_name, _signed(magnitude, signed, signs[i].item() == 0))
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(policy={self.policy}, fill={self.fill})"


class RandAugment(_Augment):
    """RandAugment: ``num_ops`` random ops, all at the same ``magnitude`` bin."""

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST,
                 fill=None):
        super().__init__(interpolation, fill)
        self.num_ops, self.magnitude, self.num_magnitude_bins = num_ops, magnitude, num_magnitude_bins

    def forward(self, img):
        for _ in range(self.num_ops):
            space = _standard_space(self.num_magnitude_bins, F.get_image_size(img))
            op_name = list(space)[int(_randint(len(space)).item())]
            magnitudes, signed = space[op_name]
            magnitude = float(magnitudes[self.magnitude]) if magnitudes.ndim > 0 else 0.0
            img = self._apply(img, op_name, _signed(magnitude, signed, signed and bool(_randint(2).item())))
        return img

    def __repr__(self):
        return (f"{self.__class__.__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}, "
                f"num_magnitude_bins={self.num_magnitude_bins}, interpolation={self.interpolation}, "
                f"fill={self.fill})")


def _random_op(space, num_bins=None):
    """One op of the space with a random sign and a random magnitude among its first ``num_bins`` bins."""
    op_name = list(space)[int(_randint(len(space)).item())]
    magnitudes, signed = space[op_name]
    magnitude = 0.0
    if magnitudes.ndim > 0:
        magnitude = float(magnitudes[int(_randint(len(magnitudes) if num_bins is None else num_bins).item())])
    return op_name, _signed(magnitude, signed, signed and bool(_randint(2).item()))


class TrivialAugmentWide(_Augment):
    """TrivialAugment Wide: one random op at a random magnitude."""

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__(interpolation, fill)
        self.num_magnitude_bins = num_magnitude_bins

    def forward(self, img):
        return self._apply(img, *_random_op(_wide_space(self.num_magnitude_bins)))

    def __repr__(self):
        return (f"{self.__class__.__name__}(num_magnitude_bins={self.num_magnitude_bins}, "
                f"interpolation={self.interpolation}, fill={self.fill})")


class AugMix(_Augment):
    """AugMix: a Dirichlet-weighted mix of ``mixture_width`` augmentation chains, blended with the image."""

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation=InterpolationMode.BILINEAR, fill=None):
        super().__init__(interpolation, fill)
        if not 1 <= severity <= 10:
            raise ValueError(f"The severity must be between [1, 10]. Got {severity} instead.")
        self.severity, self.mixture_width, self.chain_depth = severity, mixture_width, chain_depth
        self.alpha, self.all_ops = alpha, all_ops

    def _space(self, image_size):
        space = _space(10, image_size, 0.3, lambda n: n / 3.0, 30.0, 0.9, 4)
        space["Posterize"] = (space["Posterize"][0] - 4, False)
        del space["Identity"]
        if not self.all_ops:
            for name in ("Brightness", "Color", "Contrast", "Sharpness"):
                del space[name]
        return space

    def _dirichlet(self, size, n):
        """n draws from Dirichlet(alpha, ..., alpha) of ``size`` components, from ember's generator."""
        return _rng(None).dirichlet([self.alpha] * size, size=n).astype(np.float32)

    def forward(self, orig_img):
        is_pil = not isinstance(orig_img, Tensor)
        img = F.pil_to_tensor(orig_img) if is_pil else orig_img
        arr = F._array(img)
        batch = arr.reshape((-1,) + (arr.shape[-3:] if arr.ndim >= 3 else (1,) + arr.shape))
        n = batch.shape[0]
        space = self._space(F.get_image_size(img))
        m = self._dirichlet(2, n)
        weights = self._dirichlet(self.mixture_width, n) * m[:, 1:]
        mix = m[:, 0].reshape(n, 1, 1, 1) * batch.astype(np.float32)
        for i in range(self.mixture_width):
            aug = from_numpy(batch)
            depth = self.chain_depth if self.chain_depth > 0 else int(randint(1, 4, size=(1,)).item())
            for _ in range(depth):
                aug = self._apply(aug, *_random_op(space, self.severity))
            mix += weights[:, i].reshape(n, 1, 1, 1) * F._array(aug).astype(np.float32)
        out = from_numpy(mix.reshape(arr.shape).astype(arr.dtype))
        return F.to_pil_image(out) if is_pil else out

    def __repr__(self):
        return (f"{self.__class__.__name__}(severity={self.severity}, mixture_width={self.mixture_width}, "
                f"chain_depth={self.chain_depth}, alpha={self.alpha}, all_ops={self.all_ops}, "
                f"interpolation={self.interpolation}, fill={self.fill})")
