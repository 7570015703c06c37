"""make_grid against torchvision's documented algorithm written here with torch ops; save_image read back."""
import numpy as np
import pytest
import torch
from PIL import Image

import ember
from ember.vision.utils import make_grid, save_image
from oracle import assert_same


def reference_make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False,
                        pad_value=0.0):
    """torchvision.utils.make_grid, step by step from its documentation, in torch."""
    if isinstance(tensor, list):
        tensor = torch.stack(tensor)
    if tensor.dim() == 2:
        tensor = tensor[None]
    if tensor.dim() == 3:
        tensor = (tensor.repeat(3, 1, 1) if tensor.size(0) == 1 else tensor)[None]
    if tensor.size(1) == 1:
        tensor = tensor.repeat(1, 3, 1, 1)
    if normalize:
        images = list(tensor) if scale_each else [tensor]
        scaled = []
        for img in images:
            low, high = value_range if value_range is not None else (img.min().item(), img.max().item())
            scaled.append((img.clamp(low, high) - low) / max(high - low, 1e-5))
        tensor = torch.stack(scaled) if scale_each else scaled[0]
    if tensor.size(0) == 1:
        return tensor[0]
    n, c, h, w = tensor.shape
    cols = min(nrow, n)
    rows = -(-n // cols)
    grid = torch.full((c, rows * (h + padding) + padding, cols * (w + padding) + padding), float(pad_value),
                      dtype=tensor.dtype)
    for k in range(n):
        top, left = (k // cols) * (h + padding) + padding, (k % cols) * (w + padding) + padding
        grid[:, top:top + h, left:left + w] = tensor[k]
    return grid


def batch(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32) * 3


@pytest.mark.parametrize("shape, kwargs", [
    ((5, 3, 4, 6), {}),
    ((5, 3, 4, 6), {"nrow": 2, "padding": 1, "pad_value": 0.5}),
    ((7, 1, 5, 5), {"nrow": 3, "padding": 0}),
    ((4, 3, 4, 4), {"normalize": True}),
    ((4, 3, 4, 4), {"normalize": True, "scale_each": True, "nrow": 4}),
    ((4, 3, 4, 4), {"normalize": True, "value_range": (-1.0, 2.0)}),
    ((4, 3, 4, 4), {"normalize": True, "value_range": (-1.0, 2.0), "scale_each": True, "pad_value": 1}),
    ((1, 3, 4, 5), {"padding": 3}),
    ((1, 4, 5), {}),
    ((3, 4, 5), {"normalize": True}),
    ((4, 5), {}),
])
def test_make_grid_matches_torchvisions_algorithm(shape, kwargs):
    x = batch(*shape)
    assert_same(make_grid(ember.from_numpy(x.copy()), **kwargs), reference_make_grid(torch.from_numpy(x), **kwargs))


def test_make_grid_of_a_list_leaves_the_input_and_records_no_graph():
    images = [batch(3, 4, 4, seed=i) for i in range(3)]
    e_images = [ember.from_numpy(x.copy()).requires_grad_() for x in images]
    grid = make_grid(e_images, nrow=2, normalize=True)
    assert_same(grid, reference_make_grid([torch.from_numpy(x) for x in images], nrow=2, normalize=True))
    assert not grid.requires_grad
    np.testing.assert_array_equal(e_images[0].detach().numpy(), images[0])


def test_make_grid_errors_and_deprecated_range():
    with pytest.raises(TypeError, match="tensor or list of tensors expected, got <class 'numpy.ndarray'>"):
        make_grid(np.zeros((2, 3, 4, 4)))
    with pytest.raises(TypeError, match="got a list containing <class 'int'>"):
        make_grid([ember.zeros(3, 2, 2), 1])
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        make_grid(ember.zeros(2, 3, 2, 2), normalize=True, value_range=[0, 1])
    x = batch(2, 3, 4, 4)
    with pytest.warns(UserWarning, match="'range' is deprecated"):
        grid = make_grid(ember.from_numpy(x.copy()), normalize=True, range=(0.0, 1.0))
    assert_same(grid, reference_make_grid(torch.from_numpy(x), normalize=True, value_range=(0.0, 1.0)))


def test_save_image_writes_a_png_with_torchvisions_rounding(tmp_path):
    x = np.random.default_rng(1).uniform(-0.1, 1.1, (3, 3, 5, 4)).astype(np.float32)
    x[0, 0, 0, :3] = [0.5 / 255, 0.49 / 255, 254.5 / 255]  # right at the rounding boundaries
    path = tmp_path / "grid.png"
    save_image(ember.from_numpy(x.copy()), path, nrow=2, padding=1)
    grid = reference_make_grid(torch.from_numpy(x), nrow=2, padding=1)
    expected = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(torch.uint8).numpy()
    with Image.open(path) as img:
        assert img.format == "PNG" and img.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(img), expected)
    assert expected[1, 1, 0] == 1 and expected[1, 2, 0] == 0 and expected[1, 3, 0] == 255


def test_save_image_to_a_file_object_with_format(tmp_path):
    x = np.random.default_rng(2).uniform(0, 1, (1, 6, 7)).astype(np.float32)
    with open(tmp_path / "one", "wb") as f:
        save_image(ember.from_numpy(x.copy()), f, format="PNG")
    with Image.open(tmp_path / "one") as img:
        assert img.format == "PNG" and img.size == (7, 6)
        np.testing.assert_array_equal(np.asarray(img)[:, :, 2], np.floor(x[0] * 255 + 0.5).astype(np.uint8))
