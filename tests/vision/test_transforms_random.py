"""The random transforms: they draw from ember's seeded generator (ember.manual_seed repeats them), keep to their
parameter ranges, p=0 / p=1 mean never / always; reprs as torchvision prints them; Compose with a user transform."""
import math
import random

import numpy as np
import pytest
from PIL import Image

import ember
import ember.vision.transforms as T
import ember.vision.transforms.functional as F


def _image(size=(40, 30), seed=0):
    w, h = size
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8))


def _pixels(out):
    if isinstance(out, (tuple, list)):
        return [_pixels(o) for o in out]
    return out.numpy() if isinstance(out, ember.Tensor) else np.asarray(out)


def _runs(transform, img, seed, times=3):
    ember.manual_seed(seed)
    random.seed(seed)
    return [_pixels(transform(img)) for _ in range(times)]


RANDOM_TRANSFORMS = [
    T.RandomCrop(20, padding=4),
    T.RandomResizedCrop(16),
    T.RandomRotation(45),
    T.RandomAffine(30, translate=(0.2, 0.2), scale=(0.8, 1.2), shear=(-10, 10, -5, 5)),
    T.ColorJitter(0.5, 0.5, 0.5, 0.2),
    T.RandomPerspective(p=1.0),
    T.GaussianBlur(5),
    T.RandomApply([T.Grayscale(3)]),
    T.RandomHorizontalFlip(),
    T.RandomGrayscale(0.5),
    T.RandomChoice([T.RandomHorizontalFlip(1), T.RandomVerticalFlip(1)]),
    T.RandomOrder([T.Pad(2), T.CenterCrop(25), T.RandomInvert(1)]),
]


@pytest.mark.parametrize("transform", RANDOM_TRANSFORMS, ids=lambda t: type(t).__name__)
@pytest.mark.parametrize("as_tensor", [False, True])
def test_seeding_repeats_random_transforms(transform, as_tensor):
    img = _image()
    img = F.pil_to_tensor(img) if as_tensor else img
    first, again = _runs(transform, img, 0, 6), _runs(transform, img, 0, 6)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    other = _runs(transform, img, 1, 6)
    assert any(not np.array_equal(a, b) for a, b in zip(first, other) if np.shape(a) == np.shape(b)) or \
        [np.shape(a) for a in first] != [np.shape(b) for b in other]


def test_random_erasing_is_seeded_and_stays_in_range():
    img = F.to_tensor(_image())
    eraser = T.RandomErasing(p=1.0, scale=(0.05, 0.2), ratio=(0.5, 2.0), value="random")
    np.testing.assert_array_equal(*(_runs(eraser, img, 3, 1) + _runs(eraser, img, 3, 1)))
    ember.manual_seed(0)
    for _ in range(200):
        i, j, h, w, v = T.RandomErasing.get_params(img, scale=(0.05, 0.2), ratio=(0.5, 2.0), value=[0.0])
        assert 0 <= i <= 30 - h and 0 <= j <= 40 - w and 0 < h < 30 and 0 < w < 40
        area = h * w / (30 * 40)
        assert 0.05 * 0.7 <= area <= 0.2 * 1.3
        assert 0.5 * 0.7 <= h / w <= 2.0 * 1.4  # erasing's ratio is height / width, rounded to pixels


def test_random_erasing_values():
    img = ember.zeros(3, 30, 40)
    ember.manual_seed(0)
    out = T.RandomErasing(p=1.0, value=(0.1, 0.2, 0.3))(img)
    erased = out.numpy() != 0
    assert erased.any()
    for c, v in enumerate((0.1, 0.2, 0.3)):
        np.testing.assert_allclose(out.numpy()[c][erased[c]], v)
    assert T.RandomErasing(p=0.0)(img) is img
    same = T.RandomErasing(p=1.0, inplace=True)
    ones = ember.ones(3, 30, 40)
    assert same(ones) is ones
    with pytest.raises(ValueError, match="should be 'random'"):
        T.RandomErasing(value="fads43")
    with pytest.raises(ValueError, match="between 0 and 1"):
        T.RandomErasing(scale=(0.1, 1.5))
    with pytest.raises(ValueError, match="either a single value or 3"):
        T.RandomErasing(p=1.0, value=(1, 2))(img)


def test_random_resized_crop_params_stay_in_bounds():
    img = _image((50, 40))
    scale, ratio = (0.2, 0.6), (0.5, 2.0)
    ember.manual_seed(0)
    for _ in range(300):
        i, j, h, w = T.RandomResizedCrop.get_params(img, scale, ratio)
        assert 0 <= i <= 40 - h and 0 <= j <= 50 - w and h > 0 and w > 0
        assert scale[0] * 0.9 <= h * w / 2000 <= scale[1] * 1.1
        assert ratio[0] * 0.9 <= w / h <= ratio[1] * 1.1
    out = T.RandomResizedCrop((12, 14))(img)
    assert out.size == (14, 12)


def test_random_resized_crop_falls_back_to_a_central_crop():
    img = _image((100, 10))
    ember.manual_seed(0)
    assert T.RandomResizedCrop.get_params(img, (0.9, 1.0), (1.0, 1.0)) == (0, 45, 10, 10)


def test_random_crop_params_and_padding():
    img = _image()
    ember.manual_seed(0)
    seen = set()
    for _ in range(200):
        i, j, h, w = T.RandomCrop.get_params(img, (20, 30))
        assert (h, w) == (20, 30) and 0 <= i <= 10 and 0 <= j <= 10
        seen.add((i, j))
    assert len(seen) > 50
    assert T.RandomCrop.get_params(img, (30, 40)) == (0, 0, 30, 40)
    assert T.RandomCrop(50, pad_if_needed=True)(img).size == (50, 50)
    padded = T.RandomCrop((38, 48), padding=4, fill=(255, 0, 0))(img)
    assert padded.size == (48, 38)
    with pytest.raises(ValueError, match="larger than input image size"):
        T.RandomCrop(50)(img)


def test_rotation_and_affine_params_stay_in_range():
    ember.manual_seed(0)
    angles = [T.RandomRotation.get_params([-10.0, 25.0]) for _ in range(300)]
    assert min(angles) >= -10 and max(angles) <= 25 and max(angles) - min(angles) > 30
    for _ in range(200):
        angle, (tx, ty), scale, (sx, sy) = T.RandomAffine.get_params([-5.0, 5.0], (0.1, 0.2), (0.9, 1.1),
                                                                     [-3.0, 3.0, 1.0, 2.0], [40, 30])
        assert -5 <= angle <= 5 and abs(tx) <= 4 and abs(ty) <= 6 and 0.9 <= scale <= 1.1
        assert -3 <= sx <= 3 and 1 <= sy <= 2
    assert T.RandomAffine.get_params([0.0, 0.0], None, None, None, [4, 4]) == (0.0, (0, 0), 1.0, (0.0, 0.0))


def test_color_jitter_factors_stay_in_range():
    jitter = T.ColorJitter(brightness=0.5, contrast=(0.2, 0.3), hue=0.1)
    assert jitter.brightness == (0.5, 1.5) and jitter.saturation is None and jitter.hue == (-0.1, 0.1)
    ember.manual_seed(0)
    for _ in range(100):
        order, b, c, s, h = T.ColorJitter.get_params(jitter.brightness, jitter.contrast, jitter.saturation,
                                                     jitter.hue)
        assert sorted(order.tolist()) == [0, 1, 2, 3]
        assert 0.5 <= b <= 1.5 and 0.2 <= c <= 0.3 and s is None and -0.1 <= h <= 0.1
    with pytest.raises(ValueError, match="hue values should be between"):
        T.ColorJitter(hue=0.7)
    with pytest.raises(ValueError, match="must be non negative"):
        T.ColorJitter(brightness=-1)


def test_color_jitter_applies_the_drawn_factors_in_the_drawn_order():
    img = _image()
    jitter = T.ColorJitter(0.4, 0.4, 0.4, 0.1)
    ember.manual_seed(5)
    order, *factors = T.ColorJitter.get_params(jitter.brightness, jitter.contrast, jitter.saturation, jitter.hue)
    expected = img
    adjust = [F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue]
    for k in order.tolist():
        expected = adjust[k](expected, factors[k])
    ember.manual_seed(5)
    np.testing.assert_array_equal(np.asarray(jitter(img)), np.asarray(expected))
    assert T.ColorJitter()(img) is img


def test_perspective_and_blur_params():
    ember.manual_seed(0)
    for _ in range(100):
        start, end = T.RandomPerspective.get_params(40, 30, 0.5)
        assert start == [[0, 0], [39, 0], [39, 29], [0, 29]]
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = end
        assert 0 <= x0 <= 10 and 0 <= y0 <= 7 and 29 <= x1 <= 39 and 0 <= y1 <= 7
        assert 29 <= x2 <= 39 and 22 <= y2 <= 29 and 0 <= x3 <= 10 and 22 <= y3 <= 29
        assert 0.5 <= T.GaussianBlur.get_params(0.5, 1.5) <= 1.5
    assert T.RandomPerspective(p=0.0)(_image()) is not None


@pytest.mark.parametrize("transform", [T.RandomHorizontalFlip, T.RandomVerticalFlip, T.RandomInvert,
                                       T.RandomAutocontrast, T.RandomEqualize, T.RandomGrayscale,
                                       lambda p: T.RandomPosterize(2, p), lambda p: T.RandomSolarize(100, p),
                                       lambda p: T.RandomAdjustSharpness(3.0, p), lambda p: T.RandomPerspective(p=p),
                                       lambda p: T.RandomApply([T.RandomInvert(1.0)], p)])
def test_probability_zero_never_and_one_always(transform):
    img = Image.fromarray(np.asarray(_image()) // 2 + 40)  # low contrast, so autocontrast changes it
    for _ in range(5):
        assert np.array_equal(np.asarray(transform(0.0)(img)), np.asarray(img))
        assert not np.array_equal(np.asarray(transform(1.0)(img)), np.asarray(img))


def test_random_flip_rate_is_p():
    ember.manual_seed(0)
    img = F.pil_to_tensor(_image())
    flipped = sum(not np.array_equal(T.RandomHorizontalFlip(0.3)(img).numpy(), img.numpy()) for _ in range(400))
    assert 0.22 < flipped / 400 < 0.38


def test_random_choice_and_order_use_pythons_random():
    img = _image()
    choice = T.RandomChoice([T.RandomHorizontalFlip(1), T.RandomVerticalFlip(1)], p=[0.0, 1.0])
    np.testing.assert_array_equal(np.asarray(choice(img)), np.asarray(F.vflip(img)))
    random.seed(0)
    expected_order = list(range(3))
    random.shuffle(expected_order)
    steps = [T.Pad(1), T.Resize((20, 20)), T.RandomCrop(18)]
    random.seed(0)
    ember.manual_seed(0)
    out = T.RandomOrder(steps)(img)
    ember.manual_seed(0)
    expected = img
    for k in expected_order:
        expected = steps[k](expected)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(expected))
    with pytest.raises(TypeError, match="should be a sequence"):
        T.RandomChoice(T.RandomHorizontalFlip())


class AddPepperNoise:
    """The study notes' user-defined salt-and-pepper transform."""

    def __init__(self, snr, p=0.9):
        assert isinstance(snr, float) or (isinstance(p, float))
        self.snr = snr
        self.p = p

    def __call__(self, img):
        if random.uniform(0, 1) < self.p:
            img_ = np.array(img).copy()
            h, w, c = img_.shape
            signal_pct = self.snr
            noise_pct = (1 - self.snr)
            mask = np.random.choice((0, 1, 2), size=(h, w, 1), p=[signal_pct, noise_pct / 2., noise_pct / 2.])
            mask = np.repeat(mask, c, axis=2)
            img_[mask == 1] = 255
            img_[mask == 2] = 0
            return Image.fromarray(img_.astype('uint8')).convert('RGB')
        else:
            return img


def test_user_transform_composes_with_builtin_ones():
    norm_mean, norm_std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    pipeline = T.Compose([T.Resize((32, 32)), T.RandomCrop(32, padding=4), AddPepperNoise(0.9, p=1.0),
                          T.ToTensor(), T.Normalize(norm_mean, norm_std)])
    random.seed(1)
    np.random.seed(1)
    ember.manual_seed(1)
    out = pipeline(_image((64, 48)))
    assert tuple(out.shape) == (3, 32, 32) and out.dtype is ember.float32
    raw = out.numpy() * np.array(norm_std, np.float32)[:, None, None] + np.array(norm_mean, np.float32)[:, None, None]
    salt = np.isclose(raw, 1.0, atol=1e-5).all(axis=0).mean()
    assert 0.02 < salt < 0.09  # about (1 - snr) / 2 of the pixels are white
    assert "AddPepperNoise" in repr(pipeline)


def test_five_crop_then_lambda_stack():
    pipeline = T.Compose([T.FiveCrop(12), T.Lambda(lambda crops: ember.stack([T.ToTensor()(c) for c in crops]))])
    out = pipeline(_image())
    assert tuple(out.shape) == (5, 3, 12, 12)
    with pytest.raises(TypeError, match="should be callable"):
        T.Lambda(3)


def test_reprs_are_torchvisions():
    assert repr(T.Compose([T.Resize((32, 32)), T.RandomCrop(32, padding=4), T.ToTensor(),
                           T.Normalize([0.5], [0.25])])) == (
        "Compose(\n    Resize(size=(32, 32), interpolation=bilinear, max_size=None, antialias=True)\n"
        "    RandomCrop(size=(32, 32), padding=4)\n    ToTensor()\n    Normalize(mean=[0.5], std=[0.25])\n)")
    cases = {
        T.CenterCrop(196): "CenterCrop(size=(196, 196))",
        T.RandomResizedCrop(224, scale=(0.08, 1)): "RandomResizedCrop(size=(224, 224), scale=(0.08, 1), "
                                                     "ratio=(0.75, 1.3333), interpolation=bilinear, antialias=True)",
        T.FiveCrop(112): "FiveCrop(size=(112, 112))",
        T.TenCrop(112, vertical_flip=True): "TenCrop(size=(112, 112), vertical_flip=True)",
        T.RandomHorizontalFlip(p=1): "RandomHorizontalFlip(p=1)",
        T.RandomRotation(90): "RandomRotation(degrees=[-90.0, 90.0], interpolation=nearest, expand=False, fill=0)",
        T.RandomRotation(30, center=(0, 0), expand=True):
            "RandomRotation(degrees=[-30.0, 30.0], interpolation=nearest, expand=True, center=(0, 0), fill=0)",
        T.Pad(padding=(8, 64), fill=(255, 0, 0)): "Pad(padding=(8, 64), fill=(255, 0, 0), padding_mode=constant)",
        T.ColorJitter(brightness=0.5): "ColorJitter(brightness=(0.5, 1.5), contrast=None, saturation=None, hue=None)",
        T.Grayscale(num_output_channels=3): "Grayscale(num_output_channels=3)",
        T.RandomGrayscale(): "RandomGrayscale(p=0.1)",
        T.RandomAffine(degrees=0, shear=(0, 0, 0, 45)): "RandomAffine(degrees=[0.0, 0.0], shear=[0.0, 0.0, 0.0, 45.0])",
        T.RandomAffine(30, translate=(0.2, 0.2), scale=(0.7, 0.7), fill=(255, 0, 0)):
            "RandomAffine(degrees=[-30.0, 30.0], translate=(0.2, 0.2), scale=(0.7, 0.7), fill=(255, 0, 0))",
        T.RandomErasing(p=1, value="random"):
            "RandomErasing(p=1, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=random, inplace=False)",
        T.Lambda(lambda x: x): "Lambda()",
        T.GaussianBlur(3): "GaussianBlur(kernel_size=(3, 3), sigma=(0.1, 2.0))",
        T.RandomPosterize(4): "RandomPosterize(bits=4,p=0.5)",
        T.RandomSolarize(128, p=1): "RandomSolarize(threshold=128,p=1)",
        T.RandomAdjustSharpness(2): "RandomAdjustSharpness(sharpness_factor=2,p=0.5)",
        T.RandomPerspective(): "RandomPerspective(p=0.5)",
        T.PILToTensor(): "PILToTensor()",
        T.RandomApply([T.RandomInvert()], p=0.3): "RandomApply(\n    p=0.3\n    RandomInvert(p=0.5)\n)",
        T.RandomChoice([T.RandomEqualize()]): "RandomChoice(\n    RandomEqualize(p=0.5)\n)(p=None)",
        T.RandomOrder([T.RandomAutocontrast()]): "RandomOrder(\n    RandomAutocontrast(p=0.5)\n)",
    }
    for transform, text in cases.items():
        assert repr(transform) == text


def test_argument_errors():
    with pytest.raises(ValueError, match="must be positive"):
        T.RandomRotation(-3)
    with pytest.raises(ValueError, match="sequence of length 2"):
        T.RandomRotation([1, 2, 3])
    with pytest.raises(ValueError, match="translation values should be between 0 and 1"):
        T.RandomAffine(0, translate=(0.5, 1.5))
    with pytest.raises(ValueError, match="scale values should be positive"):
        T.RandomAffine(0, scale=(0.0, 1.0))
    with pytest.raises(ValueError, match="sequence of length 2 or 4"):
        T.RandomAffine(0, shear=(1, 2, 3))
    with pytest.raises(TypeError, match="Fill should be either a sequence or a number"):
        T.RandomRotation(3, fill={"red": 1})
    with pytest.raises(ValueError, match="odd and positive"):
        T.GaussianBlur(4)
    with pytest.raises(ValueError, match="positive and of the form"):
        T.GaussianBlur(3, sigma=(2.0, 1.0))
    with pytest.raises(TypeError, match="Scale should be a sequence"):
        T.RandomResizedCrop(3, scale=0.5)
    with pytest.warns(UserWarning, match="should be of kind"):
        T.RandomResizedCrop(3, ratio=(2.0, 1.0))
    with pytest.raises(ValueError, match="two dimensions"):
        T.CenterCrop((1, 2, 3))


def test_random_transforms_are_modules_like_torchvision():
    assert isinstance(T.Normalize([0.5], [0.5]), ember.nn.Module)
    assert isinstance(T.RandomCrop(3), ember.nn.Module)
    assert not isinstance(T.Compose([]), ember.nn.Module) and not isinstance(T.ToTensor(), ember.nn.Module)
    seq = ember.nn.Sequential(T.RandomHorizontalFlip(1.0), T.Normalize([0.5], [0.5]))
    x = ember.rand(1, 4, 4)
    np.testing.assert_allclose(seq(x).numpy(), (x.numpy()[..., ::-1] - 0.5) / 0.5)
    assert math.isclose(T.RandomResizedCrop(3).ratio[1], 4 / 3)
