"""The tensor forms of the functional transforms, on the (..., C, H, W) numpy array inside the tensor."""
import numpy as np

_GRAY_WEIGHTS = (np.float32(0.2989), np.float32(0.587), np.float32(0.114))


def is_float(arr):
    return arr.dtype.kind == "f"


def max_value(dtype):
    """The value of a full-intensity pixel: 1.0 for floats, the type's maximum for integers, 1 for bool."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return 1.0
    return int(np.iinfo(dtype).max) if dtype.kind in "ui" else 1


def as_float(arr):
    """The array in floating point: float images as they are, integer ones as float32."""
    return arr if is_float(arr) else arr.astype(np.float32)


def cast_rounded(arr, dtype):
    """Back to the image's dtype, rounding first when that is an integer type."""
    if np.dtype(dtype).kind != "f":
        arr = np.round(arr)
    return arr.astype(dtype)


def check_channels(arr, permitted):
    channels = 1 if arr.ndim == 2 else arr.shape[-3]
    if channels not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {channels}")
    return channels


def hflip(arr):
    return arr[..., ::-1].copy()


def vflip(arr):
    return arr[..., ::-1, :].copy()


def pad(arr, left, top, right, bottom, fill=0, padding_mode="constant"):
    """Pad the last two dims by (left, top, right, bottom); negative amounts crop."""
    height, width = arr.shape[-2:]
    arr = arr[..., max(-top, 0):height - max(-bottom, 0), max(-left, 0):width - max(-right, 0)]
    widths = ((0, 0),) * (arr.ndim - 2) + ((max(top, 0), max(bottom, 0)), (max(left, 0), max(right, 0)))
    if padding_mode == "constant":
        return np.pad(arr, widths, "constant", constant_values=np.array(fill).astype(arr.dtype))
    return np.pad(arr, widths, padding_mode)


def crop(arr, top, left, height, width):
    """The box [top, top + height) x [left, left + width); parts outside the image are zeros."""
    img_h, img_w = arr.shape[-2:]
    bottom, right = top + height, left + width
    if left < 0 or top < 0 or right > img_w or bottom > img_h:
        inside = arr[..., max(top, 0):max(bottom, 0), max(left, 0):max(right, 0)]
        return pad(inside, max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                   max(right - max(img_w, left), 0), max(bottom - max(img_h, top), 0))
    return arr[..., top:bottom, left:right].copy()


def blend(img1, img2, ratio):
    """ratio * img1 + (1 - ratio) * img2, clamped to the valid range, in img1's dtype."""
    ratio = float(ratio)
    compute = img1.dtype.type if is_float(img1) else np.float32
    out = compute(ratio) * img1.astype(compute) + compute(1.0 - ratio) * img2.astype(compute)
    return np.clip(out, 0, max_value(img1.dtype)).astype(img1.dtype)


def rgb_to_grayscale(arr, num_output_channels=1):
    if num_output_channels not in (1, 3):
        raise ValueError(f"num_output_channels should be either 1 or 3, got {num_output_channels}")
    channels = check_channels(arr, (1, 3))
    if channels == 3:
        compute = arr.dtype.type if is_float(arr) else np.float32
        r, g, b = (arr[..., i, :, :].astype(compute) for i in range(3))
        weights = [compute(w) for w in _GRAY_WEIGHTS]
        gray = (weights[0] * r + weights[1] * g + weights[2] * b).astype(arr.dtype)[..., None, :, :]
    else:
        gray = arr.copy()
    if num_output_channels == 3:
        gray = np.broadcast_to(gray, gray.shape[:-3] + (3,) + gray.shape[-2:]).copy()
    return gray


def adjust_brightness(arr, factor):
    check_channels(arr, (1, 3))
    return blend(arr, np.zeros_like(arr), factor)


def adjust_contrast(arr, factor):
    channels = check_channels(arr, (1, 3))
    gray = rgb_to_grayscale(arr) if channels == 3 else arr
    mean = as_float(gray).mean(axis=(-3, -2, -1), keepdims=True)
    return blend(arr, mean.astype(arr.dtype if is_float(arr) else np.float32), factor)


def adjust_saturation(arr, factor):
    if check_channels(arr, (1, 3)) == 1:
        return arr.copy()
    return blend(arr, rgb_to_grayscale(arr), factor)


def _rgb_to_hsv(arr):
    r, g, b = arr[..., 0, :, :], arr[..., 1, :, :], arr[..., 2, :, :]
    maxc, minc = arr.max(axis=-3), arr.min(axis=-3)
    equal = maxc == minc
    chroma = maxc - minc
    one = np.ones_like(maxc)
    s = chroma / np.where(equal, one, maxc)
    divisor = np.where(equal, one, chroma)
    rc, gc, bc = (maxc - r) / divisor, (maxc - g) / divisor, (maxc - b) / divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = np.fmod((hr + hg + hb) / arr.dtype.type(6.0) + arr.dtype.type(1.0), arr.dtype.type(1.0))
    return h, s, maxc


def _hsv_to_rgb(h, s, v):
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int32) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    channels = [np.choose(i, table) for table in ((v, q, p, p, t, v), (t, v, v, q, p, p), (p, p, t, v, v, q))]
    return np.stack(channels, axis=-3).astype(v.dtype)


def adjust_hue(arr, hue_factor):
    if check_channels(arr, (1, 3)) == 1:
        return arr.copy()
    rgb = convert_image_dtype(arr, np.float32)
    h, s, v = _rgb_to_hsv(rgb)
    h = np.mod(h + np.float32(hue_factor), np.float32(1.0))
    return convert_image_dtype(_hsv_to_rgb(h, s, v), arr.dtype)


def adjust_gamma(arr, gamma, gain=1.0):
    rgb = convert_image_dtype(arr, np.float32) if not is_float(arr) else arr
    out = np.clip(rgb.dtype.type(gain) * rgb ** rgb.dtype.type(gamma), 0, 1)
    return convert_image_dtype(out, arr.dtype)


def convert_image_dtype(arr, dtype):
    """Rescale pixel values between dtypes: [0, 1] for floats, [0, max] for integers."""
    dtype = np.dtype(dtype)
    if arr.dtype == dtype:
        return arr
    if is_float(arr):
        if dtype.kind == "f":
            return arr.astype(dtype)
        if (arr.dtype == np.float32 and dtype in (np.int32, np.int64)) or (arr.dtype == np.float64 and
                                                                          dtype == np.int64):
            raise RuntimeError(f"The cast from {arr.dtype} to {dtype} cannot be performed safely.")
        eps = 1e-3
        return (arr * arr.dtype.type(max_value(dtype) + 1.0 - eps)).astype(dtype)
    in_max = max_value(arr.dtype)
    if dtype.kind == "f":
        return arr.astype(dtype) / dtype.type(in_max)
    out_max = max_value(dtype)
    if in_max > out_max:
        return (arr // ((in_max + 1) // (out_max + 1))).astype(dtype)
    return arr.astype(dtype) * dtype.type((out_max + 1) // (in_max + 1))


def _filter(arr, kernel, padding_mode=None):
    """A per-channel 2-D correlation of the image with ``kernel``; 'valid' unless a padding mode is given."""
    kh, kw = kernel.shape
    if padding_mode is not None:
        widths = ((0, 0),) * (arr.ndim - 2) + ((kh // 2, kh // 2), (kw // 2, kw // 2))
        arr = np.pad(arr, widths, padding_mode)
    out_h, out_w = arr.shape[-2] - kh + 1, arr.shape[-1] - kw + 1
    out = np.zeros(arr.shape[:-2] + (out_h, out_w), dtype=arr.dtype)
    for dy in range(kh):
        for dx in range(kw):
            out += kernel[dy, dx] * arr[..., dy:dy + out_h, dx:dx + out_w]
    return out


def gaussian_kernel1d(size, sigma):
    half = (size - 1) * 0.5
    x = np.linspace(-half, half, size, dtype=np.float32)
    pdf = np.exp(-0.5 * (x / np.float32(sigma)) ** 2)
    return pdf / pdf.sum()


def gaussian_blur(arr, kernel_size, sigma):
    compute = arr.dtype.type if is_float(arr) else np.float32
    kernel = np.outer(gaussian_kernel1d(kernel_size[1], sigma[1]), gaussian_kernel1d(kernel_size[0], sigma[0]))
    out = _filter(as_float(arr), kernel.astype(compute), "reflect")
    return cast_rounded(out, arr.dtype)


def adjust_sharpness(arr, factor):
    check_channels(arr, (1, 3))
    if arr.shape[-1] <= 2 or arr.shape[-2] <= 2:
        return arr.copy()
    compute = arr.dtype.type if is_float(arr) else np.float32
    kernel = np.ones((3, 3), dtype=compute)
    kernel[1, 1] = 5.0
    kernel /= kernel.sum()
    degenerate = arr.copy()
    degenerate[..., 1:-1, 1:-1] = cast_rounded(_filter(as_float(arr), kernel), arr.dtype)
    return blend(arr, degenerate, factor)


def invert(arr):
    check_channels(arr, (1, 3))
    if arr.dtype == np.bool_:
        return ~arr
    return (arr.dtype.type(max_value(arr.dtype)) - arr).astype(arr.dtype)


def posterize(arr, bits):
    check_channels(arr, (1, 3))
    if arr.dtype != np.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found torch.{arr.dtype}")
    return arr & np.uint8((0xFF << (8 - bits)) & 0xFF)


def solarize(arr, threshold):
    check_channels(arr, (1, 3))
    if threshold > max_value(arr.dtype):
        raise TypeError(f"Threshold should be less than bound of img, got {threshold}")
    return np.where(arr >= threshold, invert(arr), arr)


def autocontrast(arr):
    check_channels(arr, (1, 3))
    bound = max_value(arr.dtype)
    compute = arr.dtype.type if is_float(arr) else np.float32
    low = arr.min(axis=(-2, -1), keepdims=True).astype(compute)
    high = arr.max(axis=(-2, -1), keepdims=True).astype(compute)
    with np.errstate(divide="ignore"):
        scale = compute(bound) / (high - low)
    flat = ~np.isfinite(scale)
    low[flat], scale[flat] = 0, 1
    return np.clip((arr - low) * scale, 0, bound).astype(arr.dtype)


def _equalize_channel(chan):
    hist = np.bincount(chan.reshape(-1), minlength=256)
    nonzero = hist[hist != 0]
    step = nonzero[:-1].sum() // 255
    if step == 0:
        return chan
    lut = (np.cumsum(hist) + step // 2) // step
    lut = np.clip(np.concatenate([[0], lut[:-1]]), 0, 255)
    return lut[chan].astype(np.uint8)


def equalize(arr):
    check_channels(arr, (1, 3))
    if arr.dtype != np.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found torch.{arr.dtype}")
    flat = arr.reshape((-1,) + arr.shape[-2:])
    return np.stack([_equalize_channel(c) for c in flat]).reshape(arr.shape)


def _sample(arr, gx, gy, mode):
    """grid_sample(align_corners=False, padding zeros) of (N, C, H, W) ``arr`` at normalized points (gx, gy)."""
    height, width = arr.shape[-2:]
    ix = ((gx + 1) * width - 1) / 2
    iy = ((gy + 1) * height - 1) / 2

    def gather(y, x):
        valid = (x >= 0) & (x < width) & (y >= 0) & (y < height)
        values = arr[..., np.clip(y, 0, height - 1), np.clip(x, 0, width - 1)]
        return values * valid

    if mode == "nearest":
        return gather(np.rint(iy).astype(np.int64), np.rint(ix).astype(np.int64))
    x0, y0 = np.floor(ix), np.floor(iy)
    tx, ty = ix - x0, iy - y0
    x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
    return (gather(y0, x0) * ((1 - tx) * (1 - ty)) + gather(y0, x0 + 1) * (tx * (1 - ty))
            + gather(y0 + 1, x0) * ((1 - tx) * ty) + gather(y0 + 1, x0 + 1) * (tx * ty))


def apply_grid(arr, gx, gy, mode, fill):
    """Sample the image at the grid, filling what falls outside with ``fill`` (a value per channel)."""
    if mode not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{mode}' is unsupported with Tensor input")
    shape = arr.shape
    channels = 1 if arr.ndim == 2 else shape[-3]
    img = arr.reshape((-1, channels) + shape[-2:]).astype(gx.dtype)
    if fill is not None:
        img = np.concatenate([img, np.ones_like(img[:, :1])], axis=1)
    out = _sample(img, gx, gy, mode)
    if fill is not None:
        out, mask = out[:, :-1], out[:, -1:]
        fill_img = np.broadcast_to(np.asarray(fill, dtype=out.dtype).reshape(1, -1, 1, 1), out.shape)
        if mode == "nearest":
            out = np.where(mask < 0.5, fill_img, out)
        else:
            out = out * mask + (1.0 - mask) * fill_img
    return cast_rounded(out, arr.dtype).reshape(shape[:-2] + out.shape[-2:])


def affine_grid(matrix, width, height, out_width, out_height, dtype):
    """Normalized sampling points for the inverse affine ``matrix`` (pixel offsets from the image center)."""
    m = np.asarray(matrix, dtype=dtype)
    x = np.linspace(-out_width * 0.5 + 0.5, out_width * 0.5 - 0.5, out_width, dtype=dtype)[None, :]
    y = np.linspace(-out_height * 0.5 + 0.5, out_height * 0.5 - 0.5, out_height, dtype=dtype)[:, None]
    gx = (x * m[0] + y * m[1] + m[2]) / dtype(0.5 * width)
    gy = (x * m[3] + y * m[4] + m[5]) / dtype(0.5 * height)
    return gx, gy


def perspective_grid(coeffs, width, height, dtype):
    """Normalized sampling points for Pillow's perspective coefficients."""
    c = np.asarray(coeffs, dtype=dtype)
    x = np.linspace(0.5, width - 0.5, width, dtype=dtype)[None, :]
    y = np.linspace(0.5, height - 0.5, height, dtype=dtype)[:, None]
    denominator = c[6] * x + c[7] * y + dtype(1.0)
    gx = (c[0] * x + c[1] * y + c[2]) / dtype(0.5 * width) / denominator - 1
    gy = (c[3] * x + c[4] * y + c[5]) / dtype(0.5 * height) / denominator - 1
    return gx, gy


def rotated_size(matrix, width, height):
    """The (width, height) that holds the whole image after the affine ``matrix`` (Pillow's expand rule)."""
    corners = np.array([[-0.5 * width, -0.5 * height, 1.0], [-0.5 * width, 0.5 * height, 1.0],
                        [0.5 * width, 0.5 * height, 1.0], [0.5 * width, -0.5 * height, 1.0]], dtype=np.float32)
    points = corners @ np.asarray(matrix, dtype=np.float32).reshape(2, 3).T
    shift = np.array([width * 0.5, height * 0.5], dtype=np.float32)
    tol = 1e-4
    high = np.ceil(np.trunc((points.max(axis=0) + shift) / tol) * tol)
    low = np.floor(np.trunc((points.min(axis=0) + shift) / tol) * tol)
    size = high - low
    return int(size[0]), int(size[1])


def grid_dtype(arr):
    return arr.dtype.type if is_float(arr) else np.float32
