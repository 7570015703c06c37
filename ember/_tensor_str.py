"""Tensor printing that reproduces PyTorch's ``repr(tensor)`` byte for byte (pure NumPy)."""
import math

import numpy as np


class _PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTIONS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set printing options with the same semantics as ``torch.set_printoptions``."""
    if profile is not None:
        for name, value in _PROFILES[profile].items():
            setattr(PRINT_OPTIONS, name, value)
    for name, value in dict(precision=precision, threshold=threshold,
                            edgeitems=edgeitems, linewidth=linewidth).items():
        if value is not None:
            setattr(PRINT_OPTIONS, name, value)
    # Like torch, sci_mode is always overwritten (an omitted value resets it to automatic).
    PRINT_OPTIONS.sci_mode = sci_mode


def _summarized(array):
    """Keep only the edge items of every dimension: the values the element width is based on."""
    edge = PRINT_OPTIONS.edgeitems
    if edge == 0:
        # torch slices a vector as v[-0:], which keeps all of it.
        return array if array.ndim <= 1 else array[:0]
    for axis, size in enumerate(array.shape):
        if size > 2 * edge:
            array = np.take(array, list(range(edge)) + list(range(size - edge, size)), axis=axis)
    return array


class _Formatter:
    """Turns a Python scalar into right-aligned text, choosing the style from all shown values."""

    def __init__(self, values, is_float):
        self.is_float, self.int_mode, self.sci_mode = is_float, True, False
        self.precision = PRINT_OPTIONS.precision
        if not is_float:
            self.width = max([1] + [len(str(v)) for v in values.ravel().tolist()])
            return
        finite = values[np.isfinite(values) & (values != 0)]
        if finite.size:
            magnitudes = np.abs(finite)
            low, high = float(magnitudes.min()), float(magnitudes.max())
            self.int_mode = bool(np.all(finite == np.ceil(finite)))
            self.sci_mode = PRINT_OPTIONS.sci_mode
            if self.sci_mode is None:
                self.sci_mode = high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4
        self.width = max([1] + [len(self.text(v)) for v in finite.tolist()])

    def text(self, v):
        if not self.is_float:
            return str(v)
        if self.sci_mode:
            return f"{v:.{self.precision}e}"
        if self.int_mode:
            return f"{v:.0f}" + ("." if math.isfinite(v) else "")
        return f"{v:.{self.precision}f}"

    def __call__(self, v):
        return self.text(v).rjust(self.width)


def _vector_str(vector, indent, summarize, fmt):
    edge, n = PRINT_OPTIONS.edgeitems, len(vector)
    if summarize and edge == 0:
        items = ["..."]
    elif summarize and n > 2 * edge:
        items = [fmt(v) for v in vector[:edge].tolist()] + [" ..."] + \
                [fmt(v) for v in vector[-edge:].tolist()]
    else:
        items = [fmt(v) for v in vector.tolist()]
    per_line = max(1, (PRINT_OPTIONS.linewidth - indent) // (fmt.width + 2))
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(array, indent, summarize, fmt):
    """Format a non-empty array of any rank; ``indent`` is the column of its opening bracket."""
    if array.ndim == 0:
        return fmt(array.item())
    if array.ndim == 1:
        return _vector_str(array, indent, summarize, fmt)
    edge, n = PRINT_OPTIONS.edgeitems, array.shape[0]
    if summarize and n > 2 * edge:
        rows = list(range(edge)) + [None] + list(range(n - edge, n))
    else:
        rows = list(range(n))
    parts = ["..." if i is None else _nested_str(array[i], indent + 1, summarize, fmt) for i in rows]
    return "[" + ("," + "\n" * (array.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _add_suffixes(text, suffixes, indent):
    """Append ``, key=value`` suffixes, moving one to a new line when it would pass linewidth."""
    last_line_len = len(text) - text.rfind("\n") + 1  # torch's count, one more than the real length
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTIONS.linewidth:
            text += ",\n" + " " * indent + suffix
            last_line_len = indent + len(suffix)
        else:
            text += ", " + suffix
            last_line_len += len(suffix) + 2
    return text + ")"


def format_tensor(array, dtype_name, default_dtype_name="float32", requires_grad=False,
                  grad_fn_name=None, device_suffix=None):
    """Return what ``repr(t)`` (and ``str(t)``) of the equivalent torch tensor prints."""
    array = np.asarray(array)
    prefix = "tensor("
    suffixes = [f"device='{device_suffix}'"] if device_suffix is not None else []
    if array.size == 0:
        body = "[]"
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        if dtype_name != default_dtype_name:
            suffixes.append(f"dtype=torch.{dtype_name}")
    else:
        if PRINT_OPTIONS.edgeitems == 0:
            suffixes.append(f"size={tuple(array.shape)}")
        if dtype_name not in (default_dtype_name, "int64", "bool"):
            suffixes.append(f"dtype=torch.{dtype_name}")
        summarize = array.size > PRINT_OPTIONS.threshold
        shown = _summarized(array) if summarize else array
        fmt = _Formatter(shown, dtype_name.startswith("float"))
        body = _nested_str(array, len(prefix), summarize, fmt)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, len(prefix))
