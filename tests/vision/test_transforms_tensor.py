"""ember.vision.transforms on tensors (C, H, W) and batches (..., C, H, W), against the torch operations
torchvision's tensor paths are built from (interpolate with antialias, flip, pad, conv2d, the blend formulas)."""
import colorsys

import numpy as np
import pytest
import torch
from PIL import Image

import ember
import ember.vision.transforms as T
import ember.vision.transforms.functional as F


def _floats(*shape, seed=0):
    return np.random.default_rng(seed).random(shape).astype(np.float32)


def _bytes(*shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def _e(arr):
    return ember.from_numpy(arr.copy())


def _t(arr):
    return torch.from_numpy(arr.copy())


def _equal(out, expected):
    assert isinstance(out, ember.Tensor) and str(out.dtype) == str(expected.dtype)
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


def test_normalize_is_sub_mean_div_std_per_channel():
    x = _floats(3, 5, 6)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    expected = _t(x).sub(torch.tensor(mean)[:, None, None]).div(torch.tensor(std)[:, None, None])
    img = _e(x)
    _equal(T.Normalize(mean, std)(img), expected)
    np.testing.assert_array_equal(img.numpy(), x)  # not in place
    batch = _floats(2, 3, 5, 6)
    _equal(F.normalize(_e(batch), mean, std), _t(batch).sub(torch.tensor(mean)[:, None, None])
           .div(torch.tensor(std)[:, None, None]))


def test_normalize_inplace_changes_the_input():
    img = _e(_floats(3, 4, 4))
    out = T.Normalize([0.5] * 3, [0.5] * 3, inplace=True)(img)
    assert out is img
    np.testing.assert_array_equal(img.numpy(), (_floats(3, 4, 4) - np.float32(0.5)) / np.float32(0.5))


def test_normalize_errors():
    with pytest.raises(TypeError, match="should be a float tensor"):
        F.normalize(ember.zeros(3, 2, 2, dtype=ember.uint8), [0.5], [0.5])
    with pytest.raises(ValueError, match=r"\(\.\.\., C, H, W\)"):
        F.normalize(ember.zeros(2, 2), [0.5], [0.5])
    with pytest.raises(ValueError, match="std evaluated to zero"):
        F.normalize(ember.zeros(3, 2, 2), [0.5] * 3, [0.5, 0.0, 0.5])
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        F.normalize(Image.new("RGB", (2, 2)), [0.5], [0.5])


def test_convert_image_dtype_rescales():
    x = _bytes(3, 4, 5)
    _equal(T.ConvertImageDtype(ember.float32)(_e(x)), _t(x).to(torch.float32) / 255)
    f = _floats(3, 4, 5)
    _equal(F.convert_image_dtype(_e(f), ember.uint8), (_t(f) * (255 + 1.0 - 1e-3)).to(torch.uint8))
    _equal(F.convert_image_dtype(_e(f), ember.float64), _t(f).to(torch.float64))
    i16 = np.random.default_rng(0).integers(0, 32767, (2, 3), dtype=np.int16)
    _equal(F.convert_image_dtype(_e(i16), ember.uint8), (_t(i16) // 128).to(torch.uint8))
    _equal(F.convert_image_dtype(_e(x), ember.int32), _t(x).to(torch.int32) * 2 ** 23)  # (2**31) // 256
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        F.convert_image_dtype(_e(f), ember.int64)
    assert repr(T.ConvertImageDtype(ember.float32)) == "ConvertImageDtype()"


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("size", [(17, 20), (60, 90), (37, 25)])
def test_resize_float_is_interpolate_with_antialias(mode, size):
    x = _floats(3, 37, 53) * 255
    out = T.Resize(size, interpolation=T.InterpolationMode(mode))(_e(x))
    ref = torch.nn.functional.interpolate(_t(x)[None], size=size, mode=mode, align_corners=False, antialias=True)[0]
    assert tuple(out.shape) == (3,) + size and out.dtype is ember.float32
    np.testing.assert_allclose(out.numpy(), ref.numpy(), atol=2e-3)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest", "nearest-exact"])
def test_resize_uint8_batches_within_one_level(mode):
    x = _bytes(2, 2, 3, 37, 53)
    out = F.resize(_e(x), [20, 24], T.InterpolationMode(mode), antialias=True)
    smooth = mode in ("bilinear", "bicubic")
    ref = torch.nn.functional.interpolate(_t(x).reshape(4, 3, 37, 53).float(), size=(20, 24), mode=mode,
                                          align_corners=False if smooth else None, antialias=smooth)
    ref = ref.clamp(0, 255).round().to(torch.uint8).reshape(2, 2, 3, 20, 24)
    assert out.dtype is ember.uint8 and tuple(out.shape) == (2, 2, 3, 20, 24)
    assert np.abs(out.numpy().astype(int) - ref.numpy().astype(int)).max() <= 1


def test_resize_tensor_smaller_edge_and_no_antialias():
    x = _floats(1, 30, 40)
    out = F.resize(_e(x), 15, antialias=False)
    ref = torch.nn.functional.interpolate(_t(x)[None], size=(15, 20), mode="bilinear", align_corners=False)[0]
    np.testing.assert_allclose(out.numpy(), ref.numpy(), atol=1e-5)
    with pytest.raises(ValueError, match="unsupported with Tensor input"):
        F.resize(_e(x), 15, T.InterpolationMode.LANCZOS)


def test_flips_are_torch_flips():
    x = _bytes(2, 3, 5, 7)
    _equal(F.hflip(_e(x)), torch.flip(_t(x), [-1]))
    _equal(T.RandomVerticalFlip(p=1.0)(_e(x)), torch.flip(_t(x), [-2]))


@pytest.mark.parametrize("padding, torch_pad", [(2, [2, 2, 2, 2]), ((1, 3), [1, 1, 3, 3]),
                                                ((1, 2, 3, 4), [1, 3, 2, 4])])
@pytest.mark.parametrize("mode, torch_mode", [("constant", "constant"), ("edge", "replicate"),
                                              ("reflect", "reflect")])
def test_pad_is_torch_pad(padding, torch_pad, mode, torch_mode):
    x = _floats(2, 3, 6, 7)
    _equal(T.Pad(padding, padding_mode=mode)(_e(x)), torch.nn.functional.pad(_t(x), torch_pad, mode=torch_mode))


def test_pad_symmetric_fill_and_negative():
    x = _bytes(3, 4, 5)
    expected = np.pad(x, ((0, 0), (2, 4), (1, 3)), "symmetric")
    np.testing.assert_array_equal(F.pad(_e(x), [1, 2, 3, 4], padding_mode="symmetric").numpy(), expected)
    _equal(F.pad(_e(x), 2, fill=9), torch.nn.functional.pad(_t(x), [2, 2, 2, 2], value=9))
    _equal(F.pad(_e(x), [-1, 1]), torch.nn.functional.pad(_t(x), [-1, -1, 1, 1]))
    with pytest.raises(TypeError, match="inappropriate fill"):
        F.pad(_e(x), 2, fill=(1, 2, 3))


def test_crop_and_center_crop_are_slices_with_zero_padding_outside():
    x = _floats(3, 10, 12)
    _equal(F.crop(_e(x), 2, 3, 4, 5), _t(x)[..., 2:6, 3:8])
    img = _e(x)
    F.crop(img, 2, 3, 4, 5).zero_()  # inside the image a crop is a view, as torchvision's slicing
    assert (img.numpy()[:, 2:6, 3:8] == 0).all() and img.numpy()[:, 0, 0].all()
    _equal(F.crop(_e(x), -2, 9, 4, 5), torch.nn.functional.pad(_t(x)[..., 0:2, 9:12], [0, 2, 2, 0]))
    _equal(T.CenterCrop(6)(_e(x)), _t(x)[..., 2:8, 3:9])
    _equal(F.center_crop(_e(x), [13, 14]), torch.nn.functional.pad(_t(x), [1, 1, 1, 2]))
    tl, tr, bl, br, c = T.FiveCrop(4)(_e(x))
    _equal(br, _t(x)[..., 6:, 8:])
    _equal(tr, _t(x)[..., :4, 8:])
    assert len(T.TenCrop(4)(_e(x))) == 10


def test_grayscale_uses_torchvisions_weights():
    for x in (_bytes(3, 6, 7), _floats(3, 6, 7)):
        r, g, b = _t(x).unbind(-3)
        gray = (0.2989 * r + 0.587 * g + 0.114 * b).to(_t(x).dtype).unsqueeze(-3)
        _equal(F.rgb_to_grayscale(_e(x)), gray)
        _equal(T.Grayscale(num_output_channels=3)(_e(x)), gray.expand(3, 6, 7))
    with pytest.raises(TypeError, match="permitted channel values"):
        F.rgb_to_grayscale(ember.zeros(2, 3, 3))


def _blend(img1, img2, ratio):
    bound = 1.0 if img1.is_floating_point() else 255.0
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def _gray(img):
    r, g, b = img.unbind(-3)
    return (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype).unsqueeze(-3)


@pytest.mark.parametrize("factor", [0.0, 0.5, 1.6])
def test_brightness_contrast_saturation_are_torchvisions_blends(factor):
    for x in (_floats(2, 3, 6, 7), _bytes(3, 6, 7)):
        t = _t(x)
        _equal(F.adjust_brightness(_e(x), factor), _blend(t, torch.zeros_like(t), factor))
        _equal(F.adjust_saturation(_e(x), factor), _blend(t, _gray(t), factor))
        dtype = t.dtype if t.is_floating_point() else torch.float32
        mean = torch.mean(_gray(t).to(dtype), dim=(-3, -2, -1), keepdim=True)
        out, ref = F.adjust_contrast(_e(x), factor).numpy(), _blend(t, mean, factor).numpy()
        np.testing.assert_allclose(out.astype(np.float64), ref.astype(np.float64), atol=1 if x.dtype == np.uint8
                                   else 1e-6)


def test_adjust_hue_matches_colorsys():
    x = _floats(3, 4, 5)
    out = F.adjust_hue(_e(x), 0.2).numpy()
    for i in range(4):
        for j in range(5):
            h, s, v = colorsys.rgb_to_hsv(*x[:, i, j])
            np.testing.assert_allclose(out[:, i, j], colorsys.hsv_to_rgb((h + 0.2) % 1.0, s, v), atol=1e-5)
    u = _bytes(3, 4, 5)
    np.testing.assert_array_equal(F.adjust_hue(_e(u), 0.0).numpy(), u)
    np.testing.assert_array_equal(F.adjust_hue(_e(x[:1]), 0.3).numpy(), x[:1])


def test_adjust_gamma_tensor():
    x = _floats(3, 4, 5)
    np.testing.assert_allclose(F.adjust_gamma(_e(x), 0.5, 1.5).numpy(), (1.5 * _t(x) ** 0.5).clamp(0, 1).numpy(),
                               atol=1e-7)


def test_rotate_by_90_is_rot90():
    x = _floats(2, 3, 6, 8)
    _equal(F.rotate(_e(x), 90.0, expand=True), torch.rot90(_t(x), 1, [-2, -1]))
    sq = _bytes(3, 8, 8)
    _equal(T.RandomRotation((90, 90))(_e(sq)), torch.rot90(_t(sq), 1, [-2, -1]))
    _equal(F.rotate(_e(sq), -90.0, T.InterpolationMode.BILINEAR), torch.rot90(_t(sq), -1, [-2, -1]))


def test_rotate_fill_and_expand_size():
    x = np.ones((3, 10, 10), np.float32)
    out = F.rotate(_e(x), 45.0, fill=[0.2, 0.4, 0.6]).numpy()
    np.testing.assert_allclose(out[:, 0, 0], [0.2, 0.4, 0.6])
    assert (out[:, 5, 5] == 1).all()
    expanded = Image.new("L", (10, 10)).rotate(45.0, expand=True).size  # Pillow's expand rule
    assert tuple(F.rotate(_e(x), 45.0, expand=True).shape) == (3,) + expanded
    with pytest.raises(ValueError, match="unsupported with Tensor input"):
        F.rotate(_e(x), 45.0, T.InterpolationMode.BICUBIC)


def test_affine_integer_translation_shifts_with_zero_fill():
    x = _bytes(3, 6, 9)
    out = F.affine(_e(x), 0.0, [2, -1], 1.0, [0.0, 0.0])
    expected = np.zeros_like(x)
    expected[:, :-1, 2:] = x[:, 1:, :-2]
    np.testing.assert_array_equal(out.numpy(), expected)
    clockwise = F.affine(_e(x[:, :6, :6]), 90.0, [0, 0], 1.0, 0.0)
    _equal(clockwise, torch.rot90(_t(x[:, :6, :6]), -1, [-2, -1]))


def _eroded(mask, k=2):
    out = mask.copy()
    for dy in range(-k, k + 1):
        for dx in range(-k, k + 1):
            out &= np.roll(np.roll(mask, dy, 0), dx, 1)
    return out


@pytest.mark.parametrize("transform", [
    lambda im: F.rotate(im, 20.0, T.InterpolationMode.BILINEAR),
    lambda im: F.rotate(im, 20.0, T.InterpolationMode.BILINEAR, center=(10, 12)),
    lambda im: F.rotate(im, -35.0, T.InterpolationMode.BILINEAR, expand=True),
    lambda im: F.affine(im, 10.0, [2, 3], 1.1, [5.0, 3.0], T.InterpolationMode.BILINEAR, center=(10, 12)),
    lambda im: F.affine(im, -7.0, [-4, 1], 0.8, 12.0, T.InterpolationMode.BILINEAR),
    lambda im: F.perspective(im, [[0, 0], [52, 0], [52, 36], [0, 36]], [[3, 2], [50, 1], [49, 35], [1, 33]])])
def test_tensor_and_pil_geometry_agree_inside_the_image(transform):
    yy, xx = np.mgrid[0:37, 0:53]
    arr = np.stack([xx * 4 + 10, yy * 6 + 10, (xx + yy) * 2 + 10], -1).astype(np.uint8)
    img = Image.fromarray(arr)
    pil = np.asarray(transform(img)).astype(int)
    ten = transform(F.pil_to_tensor(img)).numpy().transpose(1, 2, 0).astype(int)
    assert pil.shape == ten.shape
    inside = _eroded((pil.min(-1) > 0) & (ten.min(-1) > 0))  # away from the filled border, where filters differ
    assert inside.mean() > 0.3 and np.abs(pil - ten)[inside].max() <= 1


def test_gaussian_blur_is_conv2d_with_reflect_padding():
    x = _floats(2, 3, 9, 11)
    out = T.GaussianBlur(5, sigma=(1.3, 1.3))(_e(x))
    k = torch.linspace(-2, 2, 5)
    k = torch.exp(-0.5 * (k / 1.3) ** 2)
    k = k / k.sum()
    kernel = torch.outer(k, k).expand(3, 1, 5, 5)
    ref = torch.nn.functional.conv2d(torch.nn.functional.pad(_t(x), [2, 2, 2, 2], mode="reflect"), kernel, groups=3)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), atol=1e-6)


def test_sharpness_blends_with_the_smoothed_image():
    x = _floats(3, 6, 7)
    kernel = torch.ones(3, 3)
    kernel[1, 1] = 5.0
    kernel = (kernel / kernel.sum()).expand(3, 1, 3, 3)
    degenerate = _t(x).clone()
    degenerate[..., 1:-1, 1:-1] = torch.nn.functional.conv2d(_t(x)[None], kernel, groups=3)[0]
    np.testing.assert_allclose(F.adjust_sharpness(_e(x), 2.0).numpy(), _blend(_t(x), degenerate, 2.0).numpy(),
                               atol=1e-6)


def test_uint8_ops_equal_their_pil_forms():
    arr = _bytes(12, 13, 3)
    img = Image.fromarray(arr)
    tensor = F.pil_to_tensor(img)
    for fn in (F.invert, F.autocontrast, F.equalize, lambda im: F.posterize(im, 2), lambda im: F.solarize(im, 90)):
        np.testing.assert_array_equal(fn(tensor).numpy().transpose(1, 2, 0), np.asarray(fn(img)))
    np.testing.assert_allclose(F.invert(_e(_floats(3, 2, 2))).numpy(), 1 - _floats(3, 2, 2))
    with pytest.raises(TypeError, match="Only torch.uint8"):
        F.posterize(_e(_floats(3, 2, 2)), 2)
    with pytest.raises(ValueError, match="between 0 and 8"):
        F.posterize(tensor, 9)


def test_erase_sets_a_box():
    x = _floats(3, 5, 6)
    img = _e(x)
    out = F.erase(img, 1, 2, 2, 3, ember.tensor(0.5))
    expected = _t(x).clone()
    expected[..., 1:3, 2:5] = 0.5
    _equal(out, expected)
    np.testing.assert_array_equal(img.numpy(), x)
    assert F.erase(img, 0, 0, 1, 1, ember.tensor(0.0), inplace=True) is img and img.numpy()[0, 0, 0] == 0
