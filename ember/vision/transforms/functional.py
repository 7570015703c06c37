"""ember.vision.transforms.functional: torchvision's functional transforms, on PIL images and on tensors.

PIL images go through the same Pillow calls torchvision makes; tensors (..., C, H, W) are worked on as the
numpy array inside them.
"""
import math
import numbers
import warnings

import numpy as np
from PIL import Image

from ... import dtypes
from ...creation import as_tensor, from_numpy
from ...nn.functional import interpolate
from ...tensor import Tensor
from . import _functional_pil as F_pil
from . import _functional_tensor as F_t
from .interpolation_mode import InterpolationMode, interpolation_mode, pil_code

__all__ = ["InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels", "to_tensor",
           "pil_to_tensor", "convert_image_dtype", "to_pil_image", "normalize", "resize", "pad", "crop",
           "center_crop", "resized_crop", "hflip", "vflip", "five_crop", "ten_crop", "adjust_brightness",
           "adjust_contrast", "adjust_saturation", "adjust_hue", "adjust_gamma", "rotate", "affine", "perspective",
           "to_grayscale", "rgb_to_grayscale", "erase", "gaussian_blur", "invert", "posterize", "solarize",
           "adjust_sharpness", "autocontrast", "equalize"]

_PIL_ARRAY_DTYPES = {"I": np.int32, "I;16": np.int16, "F": np.float32}


def _check_image(img):
    if isinstance(img, Tensor):
        if img.ndim < 2:
            raise TypeError(f"Tensor is not a torch image: expected (..., H, W), got shape {tuple(img.shape)}")
    elif not F_pil.is_pil_image(img):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def _array(img):
    return img.detach().cpu().numpy()


def _tensor(arr, like):
    out = from_numpy(np.ascontiguousarray(arr))
    return out if like.device.type == "cpu" else out.to(like.device)


def _apply(img, pil_fn, array_fn, *args):
    """Run the PIL or the array form of a transform, as the image is a PIL image or a tensor."""
    _check_image(img)
    if isinstance(img, Tensor):
        return _tensor(array_fn(_array(img), *args), img)
    return pil_fn(img, *args)


def get_dimensions(img):
    """[channels, height, width] of an image."""
    _check_image(img)
    if isinstance(img, Tensor):
        return [1 if img.ndim == 2 else img.shape[-3], img.shape[-2], img.shape[-1]]
    return F_pil.get_dimensions(img)


def get_image_size(img):
    """[width, height] of an image."""
    _, height, width = get_dimensions(img)
    return [width, height]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


def to_tensor(pic):
    """A PIL image or HWC ndarray as a CHW tensor; uint8 data becomes float in [0, 1]."""
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = np.ascontiguousarray((pic[:, :, None] if pic.ndim == 2 else pic).transpose(2, 0, 1))
    elif F_pil.is_pil_image(pic):
        arr = np.array(pic, _PIL_ARRAY_DTYPES.get(pic.mode, np.uint8), copy=True)
        if pic.mode == "1":
            arr = 255 * arr
        arr = np.ascontiguousarray(arr.reshape(pic.size[1], pic.size[0], len(pic.getbands())).transpose(2, 0, 1))
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if arr.dtype == np.uint8:
        default = dtypes.get_default_dtype().np.type
        arr = arr.astype(default) / default(255)
    return from_numpy(arr)


def pil_to_tensor(pic):
    """A PIL image as a CHW tensor of its own pixel type, no rescaling."""
    if not F_pil.is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = np.array(pic, copy=True)
    return from_numpy(np.ascontiguousarray(arr.reshape(pic.size[1], pic.size[0], -1).transpose(2, 0, 1)))


def convert_image_dtype(image, dtype=dtypes.float32):
    """Convert a tensor image to ``dtype``, rescaling values ([0, 1] for floats, [0, max] for integers)."""
    if not isinstance(image, Tensor):
        raise TypeError(f"Input img should be Tensor Image, got {type(image)}")
    if image.dtype is dtype:
        return image
    return _tensor(F_t.convert_image_dtype(_array(image), dtype.np), image)


def _pil_mode(npimg, mode):
    """The Pillow mode for an HWC array, checked against the one asked for (torchvision's rules)."""
    channels = npimg.shape[2]
    if channels == 1:
        expected = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16", np.dtype(np.int32): "I",
                    np.dtype(np.float32): "F"}.get(npimg.dtype)
        if mode is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {npimg.dtype}. Should be {expected}")
        return expected
    permitted = {2: ["LA"], 3: ["RGB", "YCbCr", "HSV"], 4: ["RGBA", "CMYK", "RGBX"]}[channels]
    if mode is not None and mode not in permitted:
        raise ValueError(f"Only modes {permitted} are supported for {channels}-channel inputs, got {mode}")
    if mode is None and npimg.dtype == np.uint8:
        return permitted[0]
    return mode


def to_pil_image(pic, mode=None):
    """A CHW tensor or HWC ndarray as a PIL image; float data in [0, 1] is scaled to uint8."""
    if isinstance(pic, Tensor):
        pic = _array(pic)
        if pic.ndim == 3:
            pic = pic.transpose(1, 2, 0)
    elif not isinstance(pic, np.ndarray):
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if pic.ndim == 2:
        pic = pic[:, :, None]
    if pic.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    if pic.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-1]} channels.")
    if np.issubdtype(pic.dtype, np.floating) and mode != "F":
        pic = (pic * 255).astype(np.uint8)
    mode = _pil_mode(pic, mode)
    if mode is None:
        raise TypeError(f"Input type {pic.dtype} is not supported")
    npimg = np.ascontiguousarray(pic[:, :, 0] if pic.shape[2] == 1 else pic)
    if mode == "I;16":
        return Image.fromarray(npimg.view(np.uint16))  # Pillow's 16-bit pixels are unsigned
    return Image.fromarray(npimg, mode=mode)


def normalize(tensor, mean, std, inplace=False):
    """(tensor - mean) / std per channel of a float (..., C, H, W) tensor."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                         f"{tensor.size()}")
    if not inplace:
        tensor = tensor.clone()
    mean = as_tensor(mean, dtype=tensor.dtype, device=tensor.device)
    std = as_tensor(std, dtype=tensor.dtype, device=tensor.device)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


def _resized_size(height, width, size, max_size):
    """torchvision's output size: [h, w] as given, or the smaller edge matched to size[0] keeping aspect."""
    if len(size) == 2:
        return list(size)
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = size[0], int(size[0] * long / short)
    if max_size is not None:
        if max_size <= size[0]:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the "
                             f"smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return [new_long, new_short] if width <= height else [new_short, new_long]


def _resize_tensor(img, size, mode, antialias):
    """interpolate() on the (N, C, H, W) float view of the image, rounded back to its dtype."""
    if mode not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        raise ValueError(f"Interpolation mode '{mode}' is unsupported with Tensor input")
    shape = tuple(img.shape)
    x = img if img.dtype in (dtypes.float32, dtypes.float64) else img.to(dtypes.float32)
    x = x.reshape(-1, 1 if img.ndim == 2 else shape[-3], shape[-2], shape[-1])
    smooth = mode in ("bilinear", "bicubic")
    x = interpolate(x, size=list(size), mode=mode, align_corners=False if smooth else None,
                    antialias=bool(antialias) and smooth)
    if x.dtype is not img.dtype:
        if mode == "bicubic" and img.dtype is dtypes.uint8:
            x = x.clamp(0, 255)
        x = x.round().to(img.dtype)
    return x.reshape(shape[:-2] + tuple(size))


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to size (h, w), or match the smaller edge to an int size keeping the aspect ratio."""
    interpolation = interpolation_mode(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in (1, 2):
            raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element "
                             f"tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the smaller edge, "
                             f"i.e. size should be an int or a sequence of length 1, got size={size}")
    elif not isinstance(size, int):
        raise TypeError(f"Size should be int or sequence. Got {type(size)}")
    _, height, width = get_dimensions(img)
    output_size = _resized_size(height, width, [size] if isinstance(size, int) else size, max_size)
    if [height, width] == output_size:
        return img
    if isinstance(img, Tensor):
        return _resize_tensor(img, output_size, interpolation.value, antialias)
    if antialias is False:
        warnings.warn("Anti-alias option is always applied for PIL Image input. Argument antialias is ignored.",
                      stacklevel=2)
    return F_pil.resize(img, output_size, pil_code(interpolation))


def _parse_padding(padding):
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError(f"Got inappropriate padding arg: {padding!r}")
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    if len(padding) not in (1, 2, 4):
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if len(padding) == 1:
        return list(padding) * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    return list(padding)


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad the image's borders: padding is all sides, (left/right, top/bottom) or (left, top, right, bottom)."""
    left, top, right, bottom = _parse_padding(padding)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError(f"Padding mode should be either constant, edge, reflect or symmetric, got {padding_mode}")
    fill = 0 if fill is None else fill
    if isinstance(img, Tensor) and not isinstance(fill, numbers.Number):
        raise TypeError(f"Got inappropriate fill arg for a tensor image: {fill!r} (expected a number)")
    return _apply(img, F_pil.pad, F_t.pad, left, top, right, bottom, fill, padding_mode)


def crop(img, top, left, height, width):
    """The box at (top, left) of size (height, width); parts outside the image are zeros."""
    _check_image(img)
    if isinstance(img, Tensor) and min(top, left) >= 0 and top + height <= img.shape[-2] and \
            left + width <= img.shape[-1]:
        return img[..., top:top + height, left:left + width]  # a view, as torchvision's slice
    return _apply(img, F_pil.crop, F_t.crop, top, left, height, width)


def _pair(size, name="size"):
    if isinstance(size, numbers.Number):
        return [int(size), int(size)]
    if isinstance(size, (tuple, list)) and len(size) == 1:
        return [size[0], size[0]]
    if len(size) != 2:
        raise ValueError(f"Please provide only two dimensions (h, w) for {name}, got {size}")
    return list(size)


def center_crop(img, output_size):
    """Crop the center; an output larger than the image is zero-padded first."""
    crop_height, crop_width = _pair(output_size)
    _, height, width = get_dimensions(img)
    if crop_width > width or crop_height > height:
        grow_w, grow_h = max(crop_width - width, 0), max(crop_height - height, 0)
        img = pad(img, [grow_w // 2, grow_h // 2, (grow_w + 1) // 2, (grow_h + 1) // 2], fill=0)
        _, height, width = get_dimensions(img)
        if crop_width == width and crop_height == height:
            return img
    top = int(round((height - crop_height) / 2.0))
    left = int(round((width - crop_width) / 2.0))
    return crop(img, top, left, crop_height, crop_width)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    """crop, then resize to ``size``."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def hflip(img):
    return _apply(img, F_pil.hflip, F_t.hflip)


def vflip(img):
    return _apply(img, F_pil.vflip, F_t.vflip)


def five_crop(img, size):
    """The four corner crops and the center crop, in that order (tl, tr, bl, br, center)."""
    crop_height, crop_width = _pair(size)
    _, height, width = get_dimensions(img)
    if crop_width > width or crop_height > height:
        raise ValueError(f"Requested crop size {(crop_height, crop_width)} is bigger than input size "
                         f"{(height, width)}")
    corners = [(0, 0), (0, width - crop_width), (height - crop_height, 0), (height - crop_height, width - crop_width)]
    return tuple(crop(img, top, left, crop_height, crop_width) for top, left in corners) + (
        center_crop(img, [crop_height, crop_width]),)


def ten_crop(img, size, vertical_flip=False):
    """five_crop of the image, then of its flipped version (horizontal unless ``vertical_flip``)."""
    flipped = vflip(img) if vertical_flip else hflip(img)
    return five_crop(img, size) + five_crop(flipped, size)


def _enhance(img, factor, name, pil_fn, array_fn):
    """An enhancement with a non-negative factor (0 degenerates the image, 1 keeps it)."""
    if factor < 0:
        raise ValueError(f"{name} ({factor}) is not non-negative.")
    return _apply(img, pil_fn, array_fn, factor)


def adjust_brightness(img, brightness_factor):
    return _enhance(img, brightness_factor, "brightness_factor", F_pil.adjust_brightness, F_t.adjust_brightness)


def adjust_contrast(img, contrast_factor):
    return _enhance(img, contrast_factor, "contrast_factor", F_pil.adjust_contrast, F_t.adjust_contrast)


def adjust_saturation(img, saturation_factor):
    return _enhance(img, saturation_factor, "saturation_factor", F_pil.adjust_saturation, F_t.adjust_saturation)


def adjust_sharpness(img, sharpness_factor):
    return _enhance(img, sharpness_factor, "sharpness_factor", F_pil.adjust_sharpness, F_t.adjust_sharpness)


def adjust_hue(img, hue_factor):
    """Rotate the hue by ``hue_factor`` turns, in [-0.5, 0.5]."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    return _apply(img, F_pil.adjust_hue, F_t.adjust_hue, hue_factor)


def adjust_gamma(img, gamma, gain=1):
    """gain * img ** gamma on values in [0, 1]."""
    if gamma < 0:
        raise ValueError(f"Gamma should be a non-negative real number, got {gamma}")
    return _apply(img, F_pil.adjust_gamma, F_t.adjust_gamma, gamma, gain)


def _inverse_affine_matrix(center, angle, translate, scale, shear):
    """The 2x3 matrix mapping output pixels back to input pixels for rotate-scale-shear about ``center``."""
    rot, sx, sy = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    matrix = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]
    matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty) + cx
    matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty) + cy
    return matrix


def _grid_fill(img, fill):
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != get_image_num_channels(img):
        raise ValueError(f"The number of elements in 'fill' cannot broadcast to match the number of channels of the "
                         f"image ({len(fill)} != {get_image_num_channels(img)})")
    return fill


def _center_offset(img, center):
    """The center in pixels relative to the image center (the tensor path's convention)."""
    if center is None:
        return [0.0, 0.0]
    _, height, width = get_dimensions(img)
    return [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]


def _transform_tensor(img, grid, interpolation, fill):
    return _tensor(F_t.apply_grid(_array(img), *grid, interpolation.value, _grid_fill(img, fill)), img)


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (default the image center)."""
    interpolation = interpolation_mode(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError(f"Argument angle should be int or float, got {type(angle).__name__}")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError(f"Argument center should be a sequence, got {type(center).__name__}")
    _check_image(img)
    if not isinstance(img, Tensor):
        return F_pil.rotate(img, angle, pil_code(interpolation), expand, center, fill)
    matrix = _inverse_affine_matrix(_center_offset(img, center), -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    height, width = img.shape[-2:]
    out_w, out_h = F_t.rotated_size(matrix, width, height) if expand else (width, height)
    grid = F_t.affine_grid(matrix, width, height, out_w, out_h, F_t.grid_dtype(_array(img)))
    return _transform_tensor(img, grid, interpolation, fill)


def _parse_shear(shear):
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError(f"Shear should be either a single value or a sequence of two values, got {shear!r}")
    if isinstance(shear, numbers.Number):
        return [shear, 0.0]
    if len(shear) == 1:
        return [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    return list(shear)


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None):
    """Rotate by ``angle`` degrees, translate, scale and shear about ``center``, keeping the image size."""
    interpolation = interpolation_mode(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError(f"Argument angle should be int or float, got {type(angle).__name__}")
    if not isinstance(translate, (list, tuple)) or len(translate) != 2:
        raise ValueError(f"Argument translate should be a sequence of length 2, got {translate!r}")
    if scale <= 0.0:
        raise ValueError(f"Argument scale should be positive, got {scale}")
    shear = _parse_shear(shear)
    _, height, width = get_dimensions(img)
    if not isinstance(img, Tensor):
        center = [width * 0.5, height * 0.5] if center is None else center
        matrix = _inverse_affine_matrix(center, float(angle), translate, scale, shear)
        return F_pil.affine(img, matrix, pil_code(interpolation), fill)
    matrix = _inverse_affine_matrix(_center_offset(img, center), float(angle), [1.0 * t for t in translate], scale,
                                    shear)
    grid = F_t.affine_grid(matrix, width, height, width, height, F_t.grid_dtype(_array(img)))
    return _transform_tensor(img, grid, interpolation, fill)


def _perspective_coeffs(startpoints, endpoints):
    """Pillow's 8 perspective coefficients mapping ``endpoints`` back to ``startpoints`` (least squares)."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(f"Please provide exactly four corners, got {len(startpoints)} startpoints and "
                         f"{len(endpoints)} endpoints.")
    rows = []
    for (x, y), (u, v) in zip(endpoints, startpoints):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    solution = np.linalg.lstsq(np.array(rows, dtype=np.float64),
                               np.array(startpoints, dtype=np.float64).reshape(8), rcond=None)[0]
    return solution.astype(np.float32).tolist()


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Warp so the four ``startpoints`` corners land on ``endpoints``."""
    interpolation = interpolation_mode(interpolation)
    coeffs = _perspective_coeffs(startpoints, endpoints)
    _check_image(img)
    if not isinstance(img, Tensor):
        return F_pil.perspective(img, coeffs, pil_code(interpolation), fill)
    grid = F_t.perspective_grid(coeffs, img.shape[-1], img.shape[-2], F_t.grid_dtype(_array(img)))
    return _transform_tensor(img, grid, interpolation, fill)


def to_grayscale(img, num_output_channels=1):
    """A PIL image in grayscale, with 1 or 3 identical channels."""
    if not F_pil.is_pil_image(img):
        raise TypeError(f"Input should be PIL Image, got {type(img)}")
    return rgb_to_grayscale(img, num_output_channels)


def rgb_to_grayscale(img, num_output_channels=1):
    """Grayscale as 0.2989 R + 0.587 G + 0.114 B (Pillow's 'L' conversion for PIL images)."""
    if num_output_channels not in (1, 3):
        raise ValueError(f"num_output_channels should be either 1 or 3, got {num_output_channels}")
    return _apply(img, F_pil.to_grayscale, F_t.rgb_to_grayscale, num_output_channels)


def erase(img, i, j, h, w, v, inplace=False):
    """Set the box at (i, j) of size (h, w) of a tensor image to ``v``."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    if not inplace:
        img = img.clone()
    img[..., i:i + h, j:j + w] = v
    return img


def _blur_params(kernel_size, sigma):
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}")
    kernel_size = [kernel_size, kernel_size] if isinstance(kernel_size, int) else list(kernel_size)
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    if any(k % 2 == 0 or k < 0 for k in kernel_size):
        raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    sigma = [float(sigma)] * 2 if isinstance(sigma, (int, float)) else list(sigma) * (2 if len(sigma) == 1 else 1)
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    if any(s <= 0.0 for s in sigma):
        raise ValueError(f"sigma should have positive values. Got {sigma}")
    return kernel_size, sigma


def gaussian_blur(img, kernel_size, sigma=None):
    """Gaussian blur with reflect padding; PIL images are blurred as tensors, as torchvision does."""
    kernel_size, sigma = _blur_params(kernel_size, sigma)
    _check_image(img)
    if isinstance(img, Tensor):
        return _tensor(F_t.gaussian_blur(_array(img), kernel_size, sigma), img)
    out = F_t.gaussian_blur(_array(pil_to_tensor(img)), kernel_size, sigma)
    return to_pil_image(from_numpy(out), mode=img.mode)


def invert(img):
    return _apply(img, F_pil.invert, F_t.invert)


def posterize(img, bits):
    """Keep the ``bits`` high bits of each channel."""
    if not 0 <= bits <= 8:
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    return _apply(img, F_pil.posterize, F_t.posterize, bits)


def solarize(img, threshold):
    """Invert the pixels at or above ``threshold``."""
    return _apply(img, F_pil.solarize, F_t.solarize, threshold)


def autocontrast(img):
    return _apply(img, F_pil.autocontrast, F_t.autocontrast)


def equalize(img):
    return _apply(img, F_pil.equalize, F_t.equalize)
