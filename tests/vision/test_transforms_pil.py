"""ember.vision.transforms on PIL images, against the Pillow calls torchvision makes for each (torchvision itself is
not importable here): the output sizes follow torchvision's documented rules, computed independently below."""
import numpy as np
import pytest
import torch
from PIL import Image, ImageEnhance, ImageOps

import ember
import ember.vision.transforms as T
import ember.vision.transforms.functional as F


def _image(mode="RGB", size=(53, 37), seed=0):
    """A generated image of ``size`` (w, h): random pixels in the given mode."""
    rng = np.random.default_rng(seed)
    w, h = size
    if mode in ("RGB", "RGBA"):
        return Image.fromarray(rng.integers(0, 256, (h, w, len(mode)), dtype=np.uint8), mode)
    if mode == "L":
        return Image.fromarray(rng.integers(0, 256, (h, w), dtype=np.uint8))
    if mode == "I":
        return Image.fromarray(rng.integers(-1000, 100000, (h, w), dtype=np.int32))
    if mode == "F":
        return Image.fromarray(rng.standard_normal((h, w)).astype(np.float32))
    return Image.fromarray(rng.integers(0, 2, (h, w), dtype=np.uint8) * 255).convert("1")


def _same(a, b):
    assert a.size == b.size and a.mode == b.mode
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
def test_to_tensor_divides_uint8_by_255_exactly(mode):
    img = _image(mode)
    arr = np.asarray(img)
    arr = arr[:, :, None] if arr.ndim == 2 else arr
    expected = torch.from_numpy(arr.copy()).permute(2, 0, 1).contiguous().to(torch.float32).div(255)
    out = T.ToTensor()(img)
    assert out.dtype is ember.float32 and tuple(out.shape) == tuple(expected.shape)
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


@pytest.mark.parametrize("mode, dtype", [("I", ember.int32), ("F", ember.float32)])
def test_to_tensor_keeps_int32_and_float_images_unscaled(mode, dtype):
    img = _image(mode)
    out = F.to_tensor(img)
    assert out.dtype is dtype and tuple(out.shape) == (1, 37, 53)
    np.testing.assert_array_equal(out.numpy()[0], np.asarray(img))


def test_to_tensor_of_a_bilevel_image_is_zero_or_one():
    img = _image("1")
    out = F.to_tensor(img)
    np.testing.assert_array_equal(out.numpy()[0], np.asarray(img).astype(np.float32))
    assert set(np.unique(out.numpy())) <= {0.0, 1.0}


def test_to_tensor_of_an_ndarray_transposes_hwc_to_chw():
    arr = np.random.default_rng(1).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    np.testing.assert_array_equal(F.to_tensor(arr).numpy(), arr.transpose(2, 0, 1).astype(np.float32) / 255)
    floats = np.random.default_rng(1).random((5, 7)).astype(np.float64)
    out = F.to_tensor(floats)
    assert out.dtype is ember.float64 and tuple(out.shape) == (1, 5, 7)
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        F.to_tensor([1, 2])
    with pytest.raises(ValueError, match="2/3 dimensional"):
        F.to_tensor(np.zeros((1, 2, 3, 4), np.uint8))


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "I", "F", "1"])
def test_pil_to_tensor_keeps_pixel_values(mode):
    img = _image(mode)
    out = T.PILToTensor()(img)
    arr = np.asarray(img)
    arr = arr[:, :, None] if arr.ndim == 2 else arr
    np.testing.assert_array_equal(out.numpy(), arr.transpose(2, 0, 1))


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
def test_to_pil_image_inverts_pil_to_tensor_and_scales_floats(mode):
    img = _image(mode)
    _same(T.ToPILImage()(F.pil_to_tensor(img)), img)
    floats = F.to_tensor(img)
    expected = (floats.numpy().transpose(1, 2, 0) * 255).astype(np.uint8)  # torchvision truncates
    back = F.to_pil_image(floats)
    assert back.mode == mode
    np.testing.assert_array_equal(np.asarray(back).reshape(expected.shape), expected)


def test_to_pil_image_modes_and_errors():
    assert F.to_pil_image(ember.zeros(1, 4, 5), mode="F").mode == "F"
    assert F.to_pil_image(ember.zeros(4, 5, dtype=ember.int32)).mode == "I"
    assert F.to_pil_image(ember.zeros(3, 4, 5, dtype=ember.uint8), mode="HSV").mode == "HSV"
    assert F.to_pil_image(np.zeros((4, 5, 2), np.uint8)).mode == "LA"
    assert repr(T.ToPILImage(mode="RGB")) == "ToPILImage(mode=RGB)" and repr(T.ToPILImage()) == "ToPILImage()"
    with pytest.raises(ValueError, match="Only modes"):
        F.to_pil_image(ember.zeros(3, 4, 5, dtype=ember.uint8), mode="RGBA")
    with pytest.raises(ValueError, match="Incorrect mode"):
        F.to_pil_image(ember.zeros(1, 4, 5, dtype=ember.uint8), mode="F")
    with pytest.raises(ValueError, match="> 4 channels"):
        F.to_pil_image(ember.zeros(5, 4, 5))
    with pytest.raises(TypeError, match="pic should be Tensor or ndarray"):
        F.to_pil_image([1])


def _smaller_edge_size(w, h, size, max_size=None):
    """torchvision's documented rule: the smaller edge becomes ``size``, the other int(size * long / short)."""
    short, long = min(w, h), max(w, h)
    new_short, new_long = size, int(size * long / short)
    if max_size is not None and new_long > max_size:
        new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_short, new_long) if w <= h else (new_long, new_short)


@pytest.mark.parametrize("interpolation, resample", [(T.InterpolationMode.BILINEAR, Image.BILINEAR),
                                                     (T.InterpolationMode.NEAREST, Image.NEAREST),
                                                     (T.InterpolationMode.BICUBIC, Image.BICUBIC),
                                                     (T.InterpolationMode.LANCZOS, Image.LANCZOS),
                                                     (3, Image.BICUBIC)])
def test_resize_is_pillow_resize(interpolation, resample):
    img = _image("RGB")
    _same(T.Resize((20, 31), interpolation)(img), img.resize((31, 20), resample))
    _same(T.Resize(24, interpolation)(img), img.resize(_smaller_edge_size(53, 37, 24), resample))
    tall = img.transpose(Image.TRANSPOSE)
    _same(T.Resize([24], interpolation)(tall), tall.resize(_smaller_edge_size(37, 53, 24), resample))


def test_resize_max_size_and_identity():
    img = _image("RGB")
    _same(T.Resize(30, max_size=40)(img), img.resize(_smaller_edge_size(53, 37, 30, 40), Image.BILINEAR))
    assert T.Resize((37, 53))(img) is img
    with pytest.warns(UserWarning, match="Anti-alias option is always applied for PIL Image input"):
        F.resize(img, 20, antialias=False)
    with pytest.raises(ValueError, match="max_size = 30 must be strictly greater"):
        T.Resize(30, max_size=30)(img)
    with pytest.raises(ValueError, match="max_size should only be passed"):
        F.resize(img, (30, 30), max_size=40)
    with pytest.raises(TypeError, match="Size should be int or sequence"):
        T.Resize(3.5)
    with pytest.raises(ValueError, match="1 or 2 values"):
        T.Resize((1, 2, 3))
    with pytest.raises(TypeError, match="interpolation should be a InterpolationMode"):
        T.Resize(3, interpolation="bilinear")


def test_crops_are_pillow_crop_boxes():
    img = _image("RGB")
    _same(F.crop(img, 5, 7, 20, 30), img.crop((7, 5, 37, 25)))
    _same(F.crop(img, -3, -4, 20, 30), img.crop((-4, -3, 26, 17)))  # outside the image: zeros
    _same(T.CenterCrop(20)(img), img.crop((16, 8, 36, 28)))  # left = round((53 - 20) / 2), top = round(17 / 2)
    _same(T.CenterCrop((10, 21))(img), img.crop((16, 14, 37, 24)))


def test_center_crop_larger_than_the_image_pads_with_zeros():
    img = _image("RGB", size=(5, 4))
    out = T.CenterCrop((7, 8))(img)
    expected = np.zeros((7, 8, 3), np.uint8)
    expected[1:5, 1:6] = np.asarray(img)
    np.testing.assert_array_equal(np.asarray(out), expected)


def test_five_crop_and_ten_crop():
    img = _image("RGB")
    crops = T.FiveCrop((10, 20))(img)
    boxes = [(0, 0, 20, 10), (33, 0, 53, 10), (0, 27, 20, 37), (33, 27, 53, 37), (16, 14, 36, 24)]
    assert len(crops) == 5
    for got, box in zip(crops, boxes):
        _same(got, img.crop(box))
    ten = T.TenCrop(12)(img)
    flipped = img.transpose(Image.FLIP_LEFT_RIGHT)
    for got, expected in zip(ten, F.five_crop(img, 12) + F.five_crop(flipped, 12)):
        _same(got, expected)
    vertical = T.TenCrop(12, vertical_flip=True)(img)
    _same(vertical[5], img.transpose(Image.FLIP_TOP_BOTTOM).crop((0, 0, 12, 12)))
    with pytest.raises(ValueError, match="bigger than input size"):
        F.five_crop(img, 40)


def test_flips_are_pillow_transposes():
    img = _image("RGB")
    _same(T.RandomHorizontalFlip(p=1)(img), img.transpose(Image.FLIP_LEFT_RIGHT))
    _same(T.RandomVerticalFlip(p=1)(img), img.transpose(Image.FLIP_TOP_BOTTOM))
    assert T.RandomHorizontalFlip(p=0)(img) is img and T.RandomVerticalFlip(p=0)(img) is img


@pytest.mark.parametrize("padding, ltrb", [(3, (3, 3, 3, 3)), ((2, 5), (2, 5, 2, 5)), ((1, 2, 3, 4), (1, 2, 3, 4)),
                                           ([4], (4, 4, 4, 4))])
@pytest.mark.parametrize("mode", ["edge", "reflect", "symmetric"])
def test_pad_modes_are_numpy_pad(padding, ltrb, mode):
    img = _image("RGB")
    left, top, right, bottom = ltrb
    expected = np.pad(np.asarray(img), ((top, bottom), (left, right), (0, 0)), mode)
    np.testing.assert_array_equal(np.asarray(T.Pad(padding, padding_mode=mode)(img)), expected)
    gray = _image("L")
    expected = np.pad(np.asarray(gray), ((top, bottom), (left, right)), mode)
    np.testing.assert_array_equal(np.asarray(F.pad(gray, padding, padding_mode=mode)), expected)


def test_constant_pad_is_imageops_expand():
    img = _image("RGB")
    _same(T.Pad((1, 2, 3, 4), fill=(255, 0, 0))(img), ImageOps.expand(img, (1, 2, 3, 4), fill=(255, 0, 0)))
    _same(T.Pad(2, fill=7)(img), ImageOps.expand(img, 2, fill=(7, 7, 7)))
    _same(F.pad(img, [-2, 1]), ImageOps.expand(img.crop((2, 0, 51, 37)), (0, 1, 0, 1), fill=0))
    palette = _image("RGB").convert("P")
    padded = F.pad(palette, 2, padding_mode="reflect")
    assert padded.mode == "P" and padded.getpalette() == palette.getpalette()


def test_pad_errors():
    with pytest.raises(TypeError, match="inappropriate padding"):
        T.Pad("3")
    with pytest.raises(TypeError, match="inappropriate fill"):
        T.Pad(3, fill="red")
    with pytest.raises(ValueError, match="constant, edge, reflect or symmetric"):
        T.Pad(3, padding_mode="wrap")
    with pytest.raises(ValueError, match="not a 3 element tuple"):
        T.Pad((1, 2, 3))


@pytest.mark.parametrize("fn, enhancer", [(F.adjust_brightness, ImageEnhance.Brightness),
                                          (F.adjust_contrast, ImageEnhance.Contrast),
                                          (F.adjust_saturation, ImageEnhance.Color),
                                          (F.adjust_sharpness, ImageEnhance.Sharpness)])
def test_enhancements_are_pillow_imageenhance(fn, enhancer):
    img = _image("RGB")
    for factor in (0.0, 0.4, 1.7):
        _same(fn(img, factor), enhancer(img).enhance(factor))
    with pytest.raises(ValueError, match="is not non-negative"):
        fn(img, -0.1)


def test_adjust_hue_shifts_the_hsv_hue_channel():
    img = _image("RGB")
    h, s, v = img.convert("HSV").split()
    for factor, shift in ((0.25, 63), (-0.1, 256 - 25)):
        shifted = Image.fromarray(((np.asarray(h).astype(np.int64) + shift) % 256).astype(np.uint8), "L")
        _same(F.adjust_hue(img, factor), Image.merge("HSV", (shifted, s, v)).convert("RGB"))
    gray = _image("L")
    assert F.adjust_hue(gray, 0.3) is gray
    with pytest.raises(ValueError, match=r"not in \[-0.5, 0.5\]"):
        F.adjust_hue(img, 0.6)


def test_adjust_gamma_is_a_pillow_point_table():
    img = _image("RGB")
    table = [int(255.999 * 1.2 * (i / 255.0) ** 0.7) for i in range(256)] * 3
    _same(F.adjust_gamma(img, 0.7, 1.2), img.point(table))
    with pytest.raises(ValueError, match="non-negative"):
        F.adjust_gamma(img, -1)


def test_grayscale_is_pillow_l_conversion():
    img = _image("RGB")
    _same(T.Grayscale()(img), img.convert("L"))
    three = T.Grayscale(num_output_channels=3)(img)
    assert three.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(three), np.repeat(np.asarray(img.convert("L"))[:, :, None], 3, 2))
    _same(T.RandomGrayscale(p=1)(_image("L")), _image("L"))
    assert np.asarray(T.RandomGrayscale(p=1)(img)).shape == (37, 53, 3)
    assert T.RandomGrayscale(p=0)(img) is img
    with pytest.raises(ValueError, match="either 1 or 3"):
        F.to_grayscale(img, 2)
    with pytest.raises(TypeError, match="Input should be PIL Image"):
        F.to_grayscale(ember.zeros(3, 4, 4))


@pytest.mark.parametrize("fn, pil", [(F.invert, ImageOps.invert), (F.autocontrast, ImageOps.autocontrast),
                                     (F.equalize, ImageOps.equalize),
                                     (lambda im: F.posterize(im, 3), lambda im: ImageOps.posterize(im, 3)),
                                     (lambda im: F.solarize(im, 100), lambda im: ImageOps.solarize(im, 100))])
def test_imageops_transforms(fn, pil):
    img = _image("RGB")
    _same(fn(img), pil(img))


def test_rotate_is_pillow_rotate():
    img = _image("RGB")
    _same(F.rotate(img, 30.0), img.rotate(30.0, Image.NEAREST, False, None, fillcolor=(0, 0, 0)))
    _same(F.rotate(img, -20, T.InterpolationMode.BILINEAR, expand=True, center=(3, 4), fill=9),
          img.rotate(-20, Image.BILINEAR, True, (3, 4), fillcolor=(9, 9, 9)))
    np.testing.assert_array_equal(np.asarray(F.rotate(img, 90.0, expand=True)), np.rot90(np.asarray(img)))
    with pytest.raises(TypeError, match="angle should be int or float"):
        F.rotate(img, "30")


def test_affine_translation_is_a_shifted_image():
    img = _image("RGB")
    out = np.asarray(F.affine(img, 0.0, [5, -3], 1.0, 0.0))
    expected = np.zeros_like(np.asarray(img))
    expected[:-3, 5:] = np.asarray(img)[3:, :-5]
    np.testing.assert_array_equal(out, expected)
    _same(F.affine(img, 0.0, [2, 1], 1.0, [0.0, 0.0], fill=(1, 2, 3)),
          img.transform(img.size, Image.AFFINE, (1, 0, -2, 0, 1, -1), Image.NEAREST, fillcolor=(1, 2, 3)))


def test_affine_rotation_matches_rotate_about_the_center():
    img = _image("RGB", size=(40, 40))
    clockwise = np.rot90(np.asarray(img), -1)  # affine's angle turns clockwise, rotate's counter-clockwise
    np.testing.assert_array_equal(np.asarray(F.affine(img, 90.0, [0, 0], 1.0, 0.0)), clockwise)
    with pytest.raises(ValueError, match="scale should be positive"):
        F.affine(img, 0.0, [0, 0], 0.0, 0.0)
    with pytest.raises(ValueError, match="translate should be a sequence of length 2"):
        F.affine(img, 0.0, [0], 1.0, 0.0)


def test_perspective_identity_and_shift():
    img = _image("RGB")
    corners = [[0, 0], [52, 0], [52, 36], [0, 36]]
    _same(F.perspective(img, corners, corners, T.InterpolationMode.NEAREST), img)
    shifted = [[x + 2, y] for x, y in corners]
    out = np.asarray(F.perspective(img, corners, shifted, T.InterpolationMode.NEAREST))
    np.testing.assert_array_equal(out[:, 2:], np.asarray(img)[:, :-2])
    assert (out[:, :2] == 0).all()


def test_gaussian_blur_of_a_pil_image_is_torchs_conv_of_its_pixels():
    img = _image("RGB")
    ks, sigma = (5, 3), (1.5, 0.8)
    out = np.asarray(F.gaussian_blur(img, list(ks), list(sigma))).astype(np.int64)

    def kernel1d(k, s):
        x = torch.linspace(-(k - 1) / 2, (k - 1) / 2, k)
        pdf = torch.exp(-0.5 * (x / s) ** 2)
        return pdf / pdf.sum()

    kernel = torch.outer(kernel1d(ks[1], sigma[1]), kernel1d(ks[0], sigma[0])).expand(3, 1, ks[1], ks[0])
    x = torch.from_numpy(np.asarray(img).transpose(2, 0, 1).copy()).float()[None]
    x = torch.nn.functional.pad(x, [ks[0] // 2, ks[0] // 2, ks[1] // 2, ks[1] // 2], mode="reflect")
    ref = torch.round(torch.nn.functional.conv2d(x, kernel, groups=3))[0].permute(1, 2, 0).numpy()
    assert np.abs(out - ref).max() <= 1
    with pytest.raises(ValueError, match="odd and positive"):
        F.gaussian_blur(img, 4)
    with pytest.raises(ValueError, match="positive values"):
        F.gaussian_blur(img, 3, 0.0)


def test_image_dimensions():
    img = _image("RGBA")
    assert F.get_dimensions(img) == [4, 37, 53] and F.get_image_size(img) == [53, 37]
    assert F.get_image_num_channels(ember.zeros(2, 3, 5, 6)) == 3
    with pytest.raises(TypeError, match="img should be PIL Image or Tensor"):
        F.hflip(np.zeros((3, 3)))
