"""make_grid against torchvision's documented algorithm written here with torch ops; save_image read back."""
import numpy as np
import pytest
import torch
from PIL import Image

import ember
from ember.vision.utils import draw_bounding_boxes, make_grid, save_image
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


# ---- draw_bounding_boxes ----
def outline(shape, box, width, color):
    """The expected picture: ``color`` on the ``width``-pixel border of box (xmin, ymin, xmax, ymax), inclusive."""
    out = np.zeros(shape, np.uint8)
    x0, y0, x1, y1 = box
    ring = np.zeros(shape[1:], bool)
    ring[y0:y1 + 1, x0:x1 + 1] = True
    ring[y0 + width:y1 + 1 - width, x0 + width:x1 + 1 - width] = False
    out[:, ring] = np.array(color, np.uint8)[:, None]
    return out


def test_draw_bounding_boxes_outlines_in_the_given_colors():
    image = ember.zeros(3, 12, 14, dtype=ember.uint8)
    boxes = ember.tensor([[1, 2, 8, 9], [5, 1, 12, 6]])
    out = draw_bounding_boxes(image, boxes[:1], colors="red", width=2)
    assert out.dtype == ember.uint8 and tuple(out.shape) == (3, 12, 14)
    np.testing.assert_array_equal(out.numpy(), outline((3, 12, 14), (1, 2, 8, 9), 2, (255, 0, 0)))
    both = draw_bounding_boxes(image, boxes).numpy()  # torchvision's palette: (i * (2**25-1, 2**15-1, 2**21-1)) % 255
    second = ((2 ** 25 - 1) % 255, (2 ** 15 - 1) % 255, (2 ** 21 - 1) % 255)
    np.testing.assert_array_equal(both[:, 1, 5:13], np.repeat(np.array(second, np.uint8)[:, None], 8, axis=1))
    assert image.sum().item() == 0


def test_draw_bounding_boxes_fill_grey_and_float_images():
    grey = ember.zeros(1, 8, 8)
    out = draw_bounding_boxes(grey, ember.tensor([[1.0, 1.0, 6.0, 6.0]]), colors=[(0, 255, 0)], fill=True)
    assert out.dtype == ember.float32 and tuple(out.shape) == (3, 8, 8)
    np.testing.assert_allclose(out.numpy()[:, 3, 3], [0, 100 / 255, 0], rtol=1e-6)  # 100/255 alpha over black
    np.testing.assert_allclose(out.numpy()[:, 1, 3], [0, 1, 0])


def test_draw_bounding_boxes_labels_are_written_inside_the_box():
    image = ember.zeros(3, 40, 60, dtype=ember.uint8)
    box = ember.tensor([[2, 2, 57, 37]])
    plain = draw_bounding_boxes(image, box, colors="white").numpy()
    labelled = draw_bounding_boxes(image, box, labels=["cat"], colors="white").numpy()
    changed = np.argwhere((plain != labelled).any(axis=0))
    assert len(changed) > 0 and changed.min() >= 4 and changed[:, 0].max() < 20


def test_draw_bounding_boxes_errors():
    image = ember.zeros(3, 5, 5, dtype=ember.uint8)
    with pytest.raises(ValueError, match="Pass individual images, not batches"):
        draw_bounding_boxes(image[None], ember.tensor([[0, 0, 1, 1]]))
    with pytest.raises(ValueError, match=r"Boxes need to be in \(xmin, ymin, xmax, ymax\) format"):
        draw_bounding_boxes(image, ember.tensor([[3, 0, 1, 1]]))
    with pytest.raises(ValueError, match=r"Number of boxes \(1\) and labels \(2\) mismatch"):
        draw_bounding_boxes(image, ember.tensor([[0, 0, 1, 1]]), labels=["a", "b"])
    with pytest.raises(ValueError, match="The image dtype must be uint8 or float"):
        draw_bounding_boxes(image.long(), ember.tensor([[0, 0, 1, 1]]))
    with pytest.warns(UserWarning, match="boxes doesn't contain any box"):
        assert draw_bounding_boxes(image, ember.zeros(0, 4)) is image
