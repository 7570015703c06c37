"""Image utilities, as torchvision.utils: make_grid tiles a batch of images, save_image writes it as a PNG,
draw_bounding_boxes draws boxes (and labels) on an image through Pillow."""
import math
import warnings

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from .. import dtypes
from ..autograd.grad_mode import no_grad
from ..creation import from_numpy
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


def _generate_color_palette(num_objects):
    palette = (2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1)
    return [tuple((i * p) % 255 for p in palette) for i in range(num_objects)]


def _parse_colors(colors, num_objects):
    """One RGB tuple per object from None (torchvision's palette), a color, or a list of colors."""
    if colors is None:
        colors = _generate_color_palette(num_objects)
    elif isinstance(colors, list):
        if len(colors) < num_objects:
            raise ValueError(f"Number of colors must be equal or larger than the number of objects, but got "
                             f"{len(colors)} < {num_objects}.")
    elif not isinstance(colors, (tuple, str)):
        raise ValueError(f"colors must be a tuple or a string, or a list thereof, but got {colors}.")
    elif isinstance(colors, tuple) and len(colors) != 3:
        raise ValueError(f"If passed as tuple, colors should be an RGB triplet, but got {colors}.")
    else:
        colors = [colors] * num_objects
    return [ImageColor.getrgb(color) if isinstance(color, str) else tuple(color) for color in colors]


def _check_boxes_image(image, boxes):
    if not isinstance(image, Tensor):
        raise TypeError(f"Tensor expected, got {type(image)}")
    if not (image.dtype == dtypes.uint8 or image.is_floating_point()):
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    if image.dim() != 3:
        raise ValueError("Pass individual images, not batches")
    if image.size(0) not in {1, 3}:
        raise ValueError("Only grayscale and RGB images are supported")
    if (boxes[:, 0] > boxes[:, 2]).any() or (boxes[:, 1] > boxes[:, 3]).any():
        raise ValueError("Boxes need to be in (xmin, ymin, xmax, ymax) format. Use torchvision.ops.box_convert to "
                         "convert them")


def _font(font, font_size):
    if font is None:
        if font_size is not None:
            warnings.warn("Argument 'font_size' will be ignored since 'font' is not set.")
        return ImageFont.load_default()
    return ImageFont.truetype(font=font, size=font_size or 10)


def _to_rgb_pil(image):
    """A grey or RGB (C, H, W) uint8 image, or float in [0, 1] (scaled as torchvision's to_dtype), as RGB PIL."""
    if image.is_floating_point():
        image = (image * (255 + 1.0 - 1e-3)).to(dtypes.uint8)
    pixels = image.numpy()
    return Image.fromarray(np.ascontiguousarray(np.broadcast_to(pixels, (3,) + pixels.shape[1:]).transpose(1, 2, 0)))


@no_grad()
def draw_bounding_boxes(image, boxes, labels=None, colors=None, fill=False, width=1, font=None, font_size=None,
                        label_colors=None):
    """The (C, H, W) uint8 or float image with each (xmin, ymin, xmax, ymax) box outlined (``fill``: also shaded)
    and its label written inside the top-left corner, drawn by Pillow as torchvision does."""
    _check_boxes_image(image, boxes)
    num_boxes = boxes.shape[0]
    if num_boxes == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn")
        return image
    if labels is None:
        labels = [None] * num_boxes
    elif len(labels) != num_boxes:
        raise ValueError(f"Number of boxes ({num_boxes}) and labels ({len(labels)}) mismatch. Please specify "
                         f"labels for each box.")
    colors = _parse_colors(colors, num_boxes)
    label_colors = _parse_colors(label_colors, num_boxes) if label_colors else colors
    txt_font = _font(font, font_size)
    img_to_draw = _to_rgb_pil(image)
    draw = ImageDraw.Draw(img_to_draw, "RGBA" if fill else None)
    for bbox, color, label, label_color in zip(boxes.to(dtypes.int64).tolist(), colors, labels, label_colors):
        draw.rectangle(bbox, width=width, outline=color, fill=color + (100,) if fill else None)
        if label is not None:
            margin = width + 1
            draw.text((bbox[0] + margin, bbox[1] + margin), label, fill=label_color, font=txt_font)
    out = from_numpy(np.array(img_to_draw).transpose(2, 0, 1).copy())
    return out.to(image.dtype).mul_(1.0 / 255) if image.is_floating_point() else out
