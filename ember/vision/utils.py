"""Image utilities, as torchvision.utils: make_grid tiles a batch of images, save_image writes it as a PNG."""
import math
import warnings

import numpy as np
from PIL import Image

from .. import dtypes
from ..autograd.grad_mode import no_grad
from ..ops.joining import cat, stack
from ..tensor import Tensor


def _as_batch(tensor):
    """A (B, C, H, W) batch from a tensor of 2, 3 or 4 dims or a list of images; one channel becomes three."""
    if isinstance(tensor, list):
        for t in tensor:
            if not isinstance(t, Tensor):
                raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        tensor = stack(tensor, dim=0)
    elif not isinstance(tensor, Tensor):
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if tensor.dim() == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 3:
        if tensor.size(0) == 1:
            tensor = cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 4 and tensor.size(1) == 1:
        tensor = cat((tensor, tensor, tensor), 1)
    return tensor


def _normalize_(tensor, value_range, scale_each):
    """Clamp to ``value_range`` (default: the min and max) and shift-scale into [0, 1], per image if ``scale_each``."""
    if value_range is not None and not isinstance(value_range, tuple):
        raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
    for t in (tensor if scale_each else [tensor]):
        low, high = value_range if value_range is not None else (float(t.min()), float(t.max()))
        t.clamp_(min=low, max=high)
        t.sub_(low).div_(max(high - low, 1e-5))


@no_grad()
def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0,
              **kwargs):
    """The images of a (B, C, H, W) batch (or a list of images) tiled ``nrow`` per row, ``padding`` pixels of
    ``pad_value`` around each; one image comes back as it is (C, H, W)."""
    if "range" in kwargs:
        warnings.warn("The parameter 'range' is deprecated since 0.12 and will be removed in 0.14. "
                      "Please use 'value_range' instead.")
        value_range = kwargs["range"]
    tensor = _as_batch(tensor)
    if normalize is True:
        tensor = tensor.clone()  # normalised in place below; the caller's images stay as they were
        _normalize_(tensor, value_range, scale_each)
    if tensor.size(0) == 1:
        return tensor.squeeze(0)
    nmaps = tensor.size(0)
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(tensor.size(2) + padding), int(tensor.size(3) + padding)
    grid = tensor.new_full((tensor.size(1), height * ymaps + padding, width * xmaps + padding), pad_value)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        grid.narrow(1, y * height + padding, height - padding).narrow(
            2, x * width + padding, width - padding).copy_(tensor[k])
    return grid


@no_grad()
def save_image(tensor, fp, format=None, **kwargs):
    """Writes ``make_grid(tensor, **kwargs)`` (values in [0, 1]) as an 8-bit image file, PNG unless ``fp`` or
    ``format`` says otherwise."""
    grid = make_grid(tensor, **kwargs)
    # + 0.5 so that the cast to uint8 rounds to the nearest level rather than truncating
    ndarr = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to("cpu", dtypes.uint8).numpy()
    Image.fromarray(np.ascontiguousarray(ndarr)).save(fp, format=format)
