"""The PIL-image forms of the functional transforms: the same Pillow calls torchvision makes."""
import numpy as np
from PIL import Image, ImageEnhance, ImageOps


def is_pil_image(img):
    return isinstance(img, Image.Image)


def get_dimensions(img):
    width, height = img.size
    return [len(img.getbands()), height, width]


def hflip(img):
    return img.transpose(Image.FLIP_LEFT_RIGHT)


def vflip(img):
    return img.transpose(Image.FLIP_TOP_BOTTOM)


def crop(img, top, left, height, width):
    return img.crop((left, top, left + width, top + height))


def resize(img, size, resample):
    """Resize to ``size`` = [h, w] with Pillow's resample filter."""
    return img.resize(tuple(size[::-1]), resample)


def parse_fill(fill, img, name="fillcolor"):
    """Pillow's fill keyword for an image: a number per band, ints unless the image is float ('F')."""
    num_channels = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and num_channels > 1:
        fill = tuple([fill] * num_channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * num_channels
        elif len(fill) != num_channels:
            raise ValueError(f"The number of elements in 'fill' does not match the number of channels of the image "
                             f"({len(fill)} != {num_channels})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def pad(img, left, top, right, bottom, fill=0, padding_mode="constant"):
    """Pad by (left, top, right, bottom) pixels; negative amounts crop."""
    if min(left, top, right, bottom) < 0:
        width, height = img.size
        img = img.crop((-min(left, 0), -min(top, 0), width + min(right, 0), height + min(bottom, 0)))
        left, top, right, bottom = (max(p, 0) for p in (left, top, right, bottom))
    palette = img.getpalette() if img.mode == "P" else None
    if padding_mode == "constant":
        out = ImageOps.expand(img, border=(left, top, right, bottom), **parse_fill(fill, img, name="fill"))
    else:
        arr = np.asarray(img)
        widths = ((top, bottom), (left, right)) + ((0, 0),) * (arr.ndim - 2)
        out = Image.fromarray(np.pad(arr, widths, padding_mode))
    if palette is not None:
        out.putpalette(palette)
    return out


def adjust_brightness(img, factor):
    return ImageEnhance.Brightness(img).enhance(factor)


def adjust_contrast(img, factor):
    return ImageEnhance.Contrast(img).enhance(factor)


def adjust_saturation(img, factor):
    return ImageEnhance.Color(img).enhance(factor)


def adjust_sharpness(img, factor):
    return ImageEnhance.Sharpness(img).enhance(factor)


def adjust_hue(img, hue_factor):
    """Shift the hue channel of the HSV image by ``hue_factor`` turns (uint8 wrap-around, as torchvision)."""
    if img.mode in {"L", "1", "I", "F"}:
        return img
    h, s, v = img.convert("HSV").split()
    np_h = np.array(h, dtype=np.uint8)
    np_h += np.uint8(int(hue_factor * 255) % 256)
    return Image.merge("HSV", (Image.fromarray(np_h, "L"), s, v)).convert(img.mode)


def adjust_gamma(img, gamma, gain=1.0):
    input_mode = img.mode
    img = img.convert("RGB")
    gamma_map = [int((255 + 1 - 1e-3) * gain * pow(ele / 255.0, gamma)) for ele in range(256)] * 3
    return img.point(gamma_map).convert(input_mode)


def to_grayscale(img, num_output_channels):
    gray = img.convert("L")
    if num_output_channels == 1:
        return gray
    arr = np.array(gray, dtype=np.uint8)
    return Image.fromarray(np.dstack([arr, arr, arr]), "RGB")


def rotate(img, angle, resample, expand, center, fill):
    return img.rotate(angle, resample, expand, center, **parse_fill(fill, img))


def affine(img, matrix, resample, fill):
    return img.transform(img.size, Image.AFFINE, matrix, resample, **parse_fill(fill, img))


def perspective(img, coeffs, resample, fill):
    return img.transform(img.size, Image.PERSPECTIVE, coeffs, resample, **parse_fill(fill, img))


def invert(img):
    return ImageOps.invert(img)


def posterize(img, bits):
    return ImageOps.posterize(img, bits)


def solarize(img, threshold):
    return ImageOps.solarize(img, threshold)


def autocontrast(img):
    return ImageOps.autocontrast(img)


def equalize(img):
    return ImageOps.equalize(img)
