"""InterpolationMode: the resampling filters, with Pillow's integer codes for each."""
from enum import Enum


class InterpolationMode(Enum):
    """Interpolation modes; tensors support NEAREST, NEAREST_EXACT, BILINEAR and BICUBIC."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_CODES = {InterpolationMode.NEAREST: 0, InterpolationMode.NEAREST_EXACT: 0, InterpolationMode.BILINEAR: 2,
              InterpolationMode.BICUBIC: 3, InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5,
              InterpolationMode.LANCZOS: 1}
_FROM_INT = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR, 3: InterpolationMode.BICUBIC,
             4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}


def interpolation_mode(interpolation):
    """An InterpolationMode from the enum itself or a Pillow integer constant (``Image.BILINEAR``)."""
    if isinstance(interpolation, InterpolationMode):
        return interpolation
    if isinstance(interpolation, int) and interpolation in _FROM_INT:
        return _FROM_INT[interpolation]
    raise TypeError(f"Argument interpolation should be a InterpolationMode or a corresponding Pillow integer "
                    f"constant, got {interpolation!r}")


def pil_code(interpolation):
    """Pillow's resample code for an interpolation mode."""
    return _PIL_CODES[interpolation]
