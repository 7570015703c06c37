"""pad: constant, reflect, replicate or circular borders (negative amounts crop), checked as PyTorch checks."""
from ...ops.padding import ConstantPad, index_pad_op, padded_shape

__all__ = ["pad"]

_MODES = ("constant", "reflect", "replicate", "circular")
_DIM_LETTERS = "WHD"  # PyTorch's names for the last, second-to-last and third-to-last dims in its messages


def pad(input, pad, mode="constant", value=None):
    """Pad the trailing dims of ``input``: ``pad`` is (left, right) of the last dim, then of the one before..."""
    pad = _checked_pad(pad, input.dim())
    if mode == "constant":
        return ConstantPad.apply(input, pad, 0 if value is None else value)
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    dims = len(pad) // 2
    if dims not in (1, 2, 3) or input.dim() not in (dims + 1, dims + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    _CHECKS[mode](input.shape, pad, dims)
    return index_pad_op(mode, dims).apply(input, pad)


def _checked_pad(pad, ndim):
    """``pad`` as a tuple of python ints (numpy integers too), checked against the input's dimension."""
    for i, amount in enumerate(pad):
        if isinstance(amount, bool) or not hasattr(amount, "__index__"):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
                            f"{type(amount).__name__} at pos {i}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {ndim}")
    return tuple(int(amount) for amount in pad)


def _trailing(shape, pad, dims):
    """(dim, letter, input size, output size, before, after) for each padded dim, last dim first."""
    out = padded_shape(shape, pad)
    return [(len(shape) - 1 - k, _DIM_LETTERS[k], shape[-1 - k], out[-1 - k], pad[2 * k], pad[2 * k + 1])
            for k in range(dims)]


def _check_nonempty(shape, dims):
    """reflect and replicate need every dim but the batch dim to hold something."""
    batched = len(shape) == dims + 2
    if any(n == 0 for n in shape[batched:]):
        raise RuntimeError(f"Expected {dims + 1}D or {dims + 2}D (batch mode) tensor with possibly 0 batch size and "
                           f"other non-zero dimensions for input, but got: {list(shape)}")


def _check_output_size(letter, n, m, smallest):
    if m < smallest:
        raise RuntimeError(f"input ({letter}: {n}) is too small. Calculated output {letter}: {m}")


def _check_reflect(shape, pad, dims):
    _check_nonempty(shape, dims)
    for d, letter, n, m, before, after in _trailing(shape, pad, dims):
        if before >= n or after >= n:
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({before}, {after}) at dimension {d} of input {list(shape)}")
        _check_output_size(letter, n, m, 0)


def _check_replicate(shape, pad, dims):
    _check_nonempty(shape, dims)
    for _, letter, n, m, _, _ in _trailing(shape, pad, dims):
        _check_output_size(letter, n, m, 1)


def _check_circular(shape, pad, dims):
    for _, _, n, m, before, after in _trailing(shape, pad, dims):
        if before > n or after > n:
            raise RuntimeError(f"Padding value causes wrapping around more than once. (circular pad: padding "
                               f"({before}, {after}) of a dimension of size {n})")
        if m < 0:
            raise RuntimeError(f"Negative padding value is resulting in an empty dimension. (circular pad: padding "
                               f"({before}, {after}) of a dimension of size {n})")


_CHECKS = {"reflect": _check_reflect, "replicate": _check_replicate, "circular": _check_circular}
