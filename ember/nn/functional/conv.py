"""conv1d/2d/3d, conv_transpose1d/2d/3d, unfold and fold, checked as PyTorch checks."""
from ...dtypes import scalar_type_name
from ...ops.conv import Col2Im, Convolution, Im2Col
from ...ops.conv import output_size as sliding_blocks

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
           "unfold", "fold"]


def expand(value, n):
    """An int or a sequence as an n-tuple of ints."""
    return tuple(int(v) for v in value) if isinstance(value, (tuple, list)) else (int(value),) * n


def same_padding(kernel, dilation):
    """'same' padding per dim, the odd unit after the input, as PyTorch."""
    return tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation))


def _padding_pairs(padding, kernel, stride, dilation):
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * len(kernel)
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        return same_padding(kernel, dilation)
    pads = expand(padding, len(kernel))
    if any(p < 0 for p in pads):
        raise RuntimeError("negative padding is not supported")
    return tuple((p, p) for p in pads)


def _batched(input, dims, name):
    """``input`` with a batch dim, and whether one was added; PyTorch's message for any other rank."""
    if input.dim() == dims + 2:
        return input, False
    if input.dim() == dims + 1:
        return input.unsqueeze(0), True
    raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got input "
                       f"of size: {list(input.shape)}")


def _check_weight(input, weight, bias, groups, dims, transposed):
    if weight.dim() != dims + 2:
        raise RuntimeError(f"Expected {dims + 2}-dimensional weight for {dims + 2}-dimensional input "
                           f"{list(input.shape)}, but got {weight.dim()}-dimensional weight of size "
                           f"{list(weight.shape)} instead")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"expected scalar type {scalar_type_name(input.dtype.np)} but found "
                           f"{scalar_type_name(weight.dtype.np)}")
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(f"Input type ({str(input.dtype)[6:]}) and bias type ({str(bias.dtype)[6:]}) should be "
                           f"the same")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size {list(weight.shape)} instead")
    channels = weight.shape[0] if transposed else weight.shape[1] * groups
    if input.shape[1] != channels:
        raise RuntimeError(f"Given {'transposed=1, ' if transposed else ''}groups={groups}, weight of size "
                           f"{list(weight.shape)}, expected input{list(input.shape)} to have {channels} channels, "
                           f"but got {input.shape[1]} channels instead")
    out_channels = weight.shape[1] * groups if transposed else weight.shape[0]
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {list(bias.shape)} instead")


def _convnd(dims, input, weight, bias, stride, padding, dilation, groups):
    name = f"conv{dims}d"
    input, unbatched = _batched(input, dims, name)
    _check_weight(input, weight, bias, groups, dims, False)
    kernel, stride, dilation = weight.shape[2:], expand(stride, dims), expand(dilation, dims)
    padding = _padding_pairs(padding, kernel, stride, dilation)
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(input.shape[2:], padding))
    if any(p < d * (k - 1) + 1 for p, k, d in zip(padded, kernel, dilation)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(str(d * (k - 1) + 1) for k, d in zip(kernel, dilation))}). Kernel "
                           f"size can't be greater than actual input size")
    out = Convolution.apply(input, weight, bias, stride, padding, dilation, False, None, groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _convnd(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _convnd(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _convnd(3, input, weight, bias, stride, padding, dilation, groups)


def transposed_size(size, kernel, stride, padding, output_padding, dilation):
    """Spatial output size of a transposed convolution."""
    return tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1
                 for n, k, s, p, op, d in zip(size, kernel, stride, padding, output_padding, dilation))


def _conv_transposend(dims, input, weight, bias, stride, padding, output_padding, groups, dilation):
    input, unbatched = _batched(input, dims, f"conv_transpose{dims}d")
    _check_weight(input, weight, bias, groups, dims, True)
    kernel = weight.shape[2:]
    stride, padding, dilation = expand(stride, dims), expand(padding, dims), expand(dilation, dims)
    output_padding = expand(output_padding, dims)
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                           f"output_padding: {output_padding}, stride: {stride}, dilation: {dilation}")
    size = transposed_size(input.shape[2:], kernel, stride, padding, output_padding, dilation)
    if any(n <= 0 for n in size):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, input.shape[2:]))}). Calculated "
                           f"output size per channel: ({' x '.join(map(str, size))}). Output size is too small")
    out = Convolution.apply(input, weight, bias, stride, tuple((p, p) for p in padding), dilation, True, size,
                            groups)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _conv_transposend(1, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _conv_transposend(2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _conv_transposend(3, input, weight, bias, stride, padding, output_padding, groups, dilation)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding local blocks of a 4-D (or unbatched 3-D) input as columns: (N, C * kh * kw, L)."""
    input, unbatched = _batched(input, 2, "unfold")
    kernel, dilation, stride = expand(kernel_size, 2), expand(dilation, 2), expand(stride, 2)
    padding = tuple((p, p) for p in expand(padding, 2))
    blocks = sliding_blocks(input.shape[2:], kernel, stride, dilation, padding)
    if min(blocks) < 1:
        raise RuntimeError(f"Given input with spatial size {tuple(input.shape[2:])}, kernel_size={kernel}, "
                           f"dilation={dilation}, padding={tuple(p for p, _ in padding)}, calculated shape of the "
                           f"array of sliding blocks as {blocks}, but its components must be at least one.")
    out = Im2Col.apply(input, kernel, dilation, padding, stride)
    return out.squeeze(0) if unbatched else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The inverse layout of unfold: columns (N, C * kh * kw, L) summed into an (N, C, *output_size) image."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
                           f"non-zero dimensions for input, but got: {list(input.shape)}")
    unbatched = input.dim() == 2
    input = input.unsqueeze(0) if unbatched else input
    size, kernel = expand(output_size, 2), expand(kernel_size, 2)
    dilation, stride = expand(dilation, 2), expand(stride, 2)
    padding = tuple((p, p) for p in expand(padding, 2))
    blocks = sliding_blocks(size, kernel, stride, dilation, padding)
    if input.shape[1] % (kernel[0] * kernel[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={input.shape[1]} and kernel_size={kernel}")
    if input.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, "
                           f"padding={tuple(p for p, _ in padding)}, stride={stride}, expected size of input's "
                           f"dimension 2 to match the calculated number of sliding blocks {blocks[0]} * "
                           f"{blocks[1]} = {blocks[0] * blocks[1]}, but got input.size(2)={input.shape[2]}.")
    out = Col2Im.apply(input, size, kernel, dilation, padding, stride)
    return out.squeeze(0) if unbatched else out

