"""Pooling: max, average, adaptive, power-average and max_unpool over 1, 2 or 3 trailing dims, as PyTorch."""
import math

from ...kernels.pooling import adaptive_avg_matrix, avg_pool_matrix, pool_output_size
from ...ops.pooling import AdaptiveMaxPool, MaxPool, MaxUnpool, Separable, named
from .activation import relu

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_max_pool1d",
           "adaptive_max_pool2d", "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices", "adaptive_avg_pool1d",
           "adaptive_avg_pool2d", "adaptive_avg_pool3d", "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d",
           "max_unpool2d", "max_unpool3d"]


def expand_arg(value, dims, name="kernel_size"):
    """An int or a 1-element sequence repeated to ``dims`` ints; a ``dims``-long sequence as a tuple of ints."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    if len(values) == 1:
        values = values * dims
    if len(values) != dims:
        raise RuntimeError(f"{name} must either be a single int, or a tuple of {dims} ints")
    return tuple(int(v) for v in values)


def check_input_dims(input, dims, name):
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"{name}: Expected {dims + 1}D or {dims + 2}D (batch mode) tensor for input, "
                           f"but got {input.dim()}D input of shape {list(input.shape)}")


def _window_args(input, dims, kernel_size, stride, padding, dilation, name):
    check_input_dims(input, dims, name)
    kernel = expand_arg(kernel_size, dims)
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else expand_arg(stride, dims, "stride")
    padding, dilation = expand_arg(padding, dims, "padding"), expand_arg(dilation, dims, "dilation")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{name}: kernel_size must be greater than zero, but got {kernel}")
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{name}: stride must be greater than zero, but got {stride}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{name}: dilation must be greater than zero, but got {dilation}")
    if any(p < 0 or p > k // 2 for p, k in zip(padding, kernel)):
        raise RuntimeError(f"{name}: pad should be smaller than or equal to half of kernel size, but got "
                           f"padding={padding}, kernel_size={kernel}")
    return kernel, stride, padding, dilation


def _check_output_size(input, dims, kernel, stride, padding, dilation, ceil_mode, name):
    plane = tuple(input.shape[-dims:])
    out = tuple(pool_output_size(*a, ceil_mode) for a in zip(plane, kernel, stride, padding, dilation))
    if any(m < 1 for m in out):
        raise RuntimeError(f"{name}: Given input size: {plane}. Calculated output size: {out}. "
                           "Output size is too small")


def _max_pool(dims, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    name = f"max_pool{dims}d"
    args = _window_args(input, dims, kernel_size, stride, padding, dilation, name)
    _check_output_size(input, dims, *args, ceil_mode, name)
    op = named(MaxPool, f"MaxPool{dims}DWithIndicesBackward0")
    out, indices = op.apply(input, *args, bool(ceil_mode))
    return (out, indices) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _avg_pool(dims, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    name = f"avg_pool{dims}d"
    kernel, stride, padding, _ = _window_args(input, dims, kernel_size, stride, padding, 1, name)
    _check_output_size(input, dims, kernel, stride, padding, (1,) * dims, ceil_mode, name)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    divide = divisor_override is None
    matrices = [avg_pool_matrix(n, k, s, p, ceil_mode, count_include_pad, divide)
                for n, k, s, p in zip(input.shape[-dims:], kernel, stride, padding)]
    if not divide:
        matrices[0] = matrices[0] / divisor_override
    return named(Separable, f"AvgPool{dims}DBackward0").apply(input, matrices)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def _adaptive_size(input, dims, output_size, name):
    """The output size, None entries taken from the input."""
    check_input_dims(input, dims, name)
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,)
    sizes = sizes * dims if len(sizes) == 1 else sizes
    if len(sizes) != dims:
        raise RuntimeError(f"{name}: output_size must be {dims}")
    if any(n == 0 for n in input.shape[-dims:]):
        raise RuntimeError(f"{name}: Expected input to have non-zero size for non-batch dimensions, but input has "
                           f"sizes {list(input.shape)} with dimension {input.shape.index(0)} being empty")
    return tuple(n if m is None else int(m) for n, m in zip(input.shape[-dims:], sizes))


def _adaptive_max_pool(dims, input, output_size, return_indices):
    sizes = _adaptive_size(input, dims, output_size, f"adaptive_max_pool{dims}d")
    out, indices = named(AdaptiveMaxPool, f"AdaptiveMaxPool{dims}DBackward0").apply(input, sizes)
    return (out, indices) if return_indices else out


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive_max_pool(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive_max_pool(2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _adaptive_max_pool(3, input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max_pool(1, input, output_size, return_indices)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max_pool(2, input, output_size, return_indices)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max_pool(3, input, output_size, return_indices)


def _adaptive_avg_pool(dims, input, output_size):
    sizes = _adaptive_size(input, dims, output_size, f"adaptive_avg_pool{dims}d")
    matrices = [adaptive_avg_matrix(n, m) for n, m in zip(input.shape[-dims:], sizes)]
    return named(Separable, f"AdaptiveAvgPool{dims}DBackward0").apply(input, matrices)


def adaptive_avg_pool1d(input, output_size):
    return _adaptive_avg_pool(1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    return _adaptive_avg_pool(2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    return _adaptive_avg_pool(3, input, output_size)


def _lp_pool(dims, input, norm_type, kernel_size, stride, ceil_mode):
    """The p-norm of each window: (sum x^p)^(1/p), through an average pool as PyTorch computes it."""
    kernel = expand_arg(kernel_size, dims)
    out = _avg_pool(dims, input.pow(norm_type), kernel, stride, 0, ceil_mode, True, None)
    return (out.sign() * relu(out.abs())).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


def _unpool_size(input, dims, kernel, stride, padding, output_size):
    """The default (n - 1) * stride - 2 * padding + kernel, or ``output_size`` if it is within a stride of it."""
    default = tuple((n - 1) * s - 2 * p + k for n, k, s, p in zip(input.shape[-dims:], kernel, stride, padding))
    if output_size is None:
        return default
    sizes = tuple(output_size)[2:] if len(output_size) == dims + 2 else tuple(output_size)
    if len(sizes) != dims:
        raise ValueError(f"output_size should be a sequence containing {dims} or {dims + 2} elements, but it has "
                         f"a length of '{len(sizes)}'")
    for d, (n, size) in enumerate(zip(sizes, default)):
        if not size - stride[d] < n < size + stride[d]:
            raise ValueError(f'invalid output_size "{sizes}" (dim {d} must be between {size - stride[d]} and '
                             f'{size + stride[d]})')
    return tuple(int(n) for n in sizes)


def _max_unpool(dims, input, indices, kernel_size, stride, padding, output_size):
    check_input_dims(input, dims, f"max_unpool{dims}d")
    kernel = expand_arg(kernel_size, dims)
    stride = kernel if stride is None else expand_arg(stride, dims, "stride")
    plane = _unpool_size(input, dims, kernel, stride, expand_arg(padding, dims, "padding"), output_size)
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) "
                           f"but got indices tensor with shape: {list(indices.shape)}")
    return named(MaxUnpool, f"MaxUnpool{dims}DBackward0").apply(input, indices, plane)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size)
