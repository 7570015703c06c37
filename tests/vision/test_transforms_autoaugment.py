"""AutoAugment (ImageNet / CIFAR10 / SVHN policies), RandAugment, TrivialAugmentWide and AugMix: their magnitude
bins are torchvision's (built here with torch), each op is the functional transform it names, they run on PIL
images and uint8 tensors and are repeatable under ember.manual_seed."""
import math

import numpy as np
import pytest
import torch
from PIL import Image

import ember
import ember.vision.transforms as T
import ember.vision.transforms.functional as F
from ember.vision.transforms import autoaugment as A


def _image(seed=0):
    return Image.fromarray(np.random.default_rng(seed).integers(30, 200, (24, 32, 3), dtype=np.uint8))


def test_policies_have_25_two_op_sub_policies():
    for policy in T.AutoAugmentPolicy:
        subs = T.AutoAugment(policy).policies
        assert len(subs) == 25 and all(len(sub) == 2 for sub in subs)
        assert all(0.0 <= p <= 1.0 and (m is None or 0 <= m <= 9) for sub in subs for _, p, m in sub)
    assert T.AutoAugment().policies[0] == (("Posterize", 0.4, 8), ("Rotate", 0.6, 9))
    assert T.AutoAugment(T.AutoAugmentPolicy.CIFAR10).policies[-1] == (("TranslateY", 0.7, 9),
                                                                       ("AutoContrast", 0.9, None))
    assert T.AutoAugment(T.AutoAugmentPolicy.SVHN).policies[15] == (("Invert", 0.8, None), ("TranslateY", 0.0, 2))
    with pytest.raises(ValueError, match="not recognized"):
        T.AutoAugment("imagenet")


def test_magnitude_bins_are_torchvisions():
    space = A._standard_space(10, [32, 24])
    np.testing.assert_allclose(space["TranslateX"][0], torch.linspace(0.0, 150.0 / 331.0 * 32, 10).numpy())
    np.testing.assert_allclose(space["Rotate"][0], torch.linspace(0.0, 30.0, 10).numpy())
    np.testing.assert_allclose(space["ShearX"][0], torch.linspace(0.0, 0.3, 10).numpy(), rtol=1e-6)
    np.testing.assert_array_equal(space["Posterize"][0], (8 - (torch.arange(10) / ((10 - 1) / 4)).round().int()))
    wide = A._wide_space(31)
    np.testing.assert_array_equal(wide["Posterize"][0], (8 - (torch.arange(31) / ((31 - 1) / 6)).round().int()))
    np.testing.assert_allclose(wide["Solarize"][0], torch.linspace(255.0, 0.0, 31).numpy())
    np.testing.assert_allclose(wide["Rotate"][0], torch.linspace(0.0, 135.0, 31).numpy(), rtol=1e-6)
    assert list(wide) == ["Identity", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Brightness",
                          "Color", "Contrast", "Sharpness", "Posterize", "Solarize", "AutoContrast", "Equalize"]


@pytest.mark.parametrize("name, call", [
    ("ShearX", lambda img: F.affine(img, 0.0, [0, 0], 1.0, [math.degrees(math.atan(0.2)), 0.0], center=[0, 0])),
    ("ShearY", lambda img: F.affine(img, 0.0, [0, 0], 1.0, [0.0, math.degrees(math.atan(0.2))], center=[0, 0])),
    ("TranslateX", lambda img: F.affine(img, 0.0, [0, 0], 1.0, [0.0, 0.0])),
    ("Rotate", lambda img: F.rotate(img, 0.2)),
    ("Brightness", lambda img: F.adjust_brightness(img, 1.2)),
    ("Color", lambda img: F.adjust_saturation(img, 1.2)),
    ("Contrast", lambda img: F.adjust_contrast(img, 1.2)),
    ("Sharpness", lambda img: F.adjust_sharpness(img, 1.2)),
    ("Solarize", lambda img: F.solarize(img, 0.2)),
    ("AutoContrast", F.autocontrast), ("Equalize", F.equalize), ("Invert", F.invert),
    ("Identity", lambda img: img)])
def test_each_op_is_its_functional_transform(name, call):
    img = _image()
    np.testing.assert_array_equal(np.asarray(A._apply_op(img, name, 0.2, T.InterpolationMode.NEAREST, None)),
                                  np.asarray(call(img)))
    np.testing.assert_array_equal(np.asarray(A._apply_op(img, "Posterize", 3.0, T.InterpolationMode.NEAREST, None)),
                                  np.asarray(F.posterize(img, 3)))
    with pytest.raises(ValueError, match="not recognized"):
        A._apply_op(img, "Blur", 0.2, T.InterpolationMode.NEAREST, None)


def _repeatable(transform, img):
    ember.manual_seed(7)
    first = [np.asarray(transform(img).numpy() if isinstance(img, ember.Tensor) else transform(img))
             for _ in range(8)]
    ember.manual_seed(7)
    again = [np.asarray(transform(img).numpy() if isinstance(img, ember.Tensor) else transform(img))
             for _ in range(8)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, first[0]) for a in first[1:])
    return first


@pytest.mark.parametrize("transform", [T.AutoAugment(), T.AutoAugment(T.AutoAugmentPolicy.CIFAR10),
                                       T.AutoAugment(T.AutoAugmentPolicy.SVHN, fill=128), T.RandAugment(),
                                       T.TrivialAugmentWide(), T.AugMix()], ids=repr)
@pytest.mark.parametrize("as_tensor", [False, True])
def test_runs_on_pil_and_uint8_tensors_repeatably(transform, as_tensor):
    img = F.pil_to_tensor(_image()) if as_tensor else _image()
    outs = _repeatable(transform, img)
    for out in outs:
        assert out.shape == (np.asarray(img.numpy()) if as_tensor else np.asarray(img)).shape
        assert out.dtype == np.uint8


def test_auto_augment_applies_the_drawn_sub_policy():
    img = _image()
    augment = T.AutoAugment(T.AutoAugmentPolicy.CIFAR10)
    ember.manual_seed(3)
    policy_id, probs, signs = T.AutoAugment.get_params(25)
    expected = img
    space = A._standard_space(10, [32, 24])
    for i, (name, p, bin_id) in enumerate(augment.policies[policy_id]):
        if probs[i].item() <= p:
            magnitudes, signed = space[name]
            magnitude = 0.0 if bin_id is None else float(magnitudes[bin_id])
            magnitude = -magnitude if signed and signs[i].item() == 0 else magnitude
            expected = A._apply_op(expected, name, magnitude, T.InterpolationMode.NEAREST, None)
    ember.manual_seed(3)
    np.testing.assert_array_equal(np.asarray(augment(img)), np.asarray(expected))


def test_rand_augment_with_no_ops_is_identity_and_batches_work():
    img = _image()
    assert T.RandAugment(num_ops=0)(img) is img
    batch = ember.from_numpy(np.stack([np.asarray(_image(s)).transpose(2, 0, 1) for s in range(3)]))
    ember.manual_seed(0)
    out = T.TrivialAugmentWide()(batch)
    assert tuple(out.shape) == (3, 3, 24, 32) and out.dtype is ember.uint8


def test_augmix_mixes_chains_with_the_original():
    img = F.pil_to_tensor(_image())
    ember.manual_seed(0)
    out = T.AugMix(severity=1, mixture_width=1, chain_depth=1, all_ops=False)(img)
    assert out.dtype is ember.uint8 and tuple(out.shape) == (3, 24, 32)
    assert isinstance(T.AugMix()(_image()), Image.Image)
    with pytest.raises(ValueError, match="severity must be between"):
        T.AugMix(severity=11)


def test_reprs():
    assert repr(T.AutoAugment()) == "AutoAugment(policy=AutoAugmentPolicy.IMAGENET, fill=None)"
    assert repr(T.RandAugment()) == ("RandAugment(num_ops=2, magnitude=9, num_magnitude_bins=31, "
                                     "interpolation=InterpolationMode.NEAREST, fill=None)")
    assert repr(T.TrivialAugmentWide(fill=0)) == ("TrivialAugmentWide(num_magnitude_bins=31, "
                                                  "interpolation=InterpolationMode.NEAREST, fill=0)")
