"""F.linear and F.bilinear, with torch's graph: AddmmBackward0 for a 2-D input with bias."""
from ...autograd.function import _NULL_CTX
from ...autograd.grad_mode import STATE
from ...ops.einsum import einsum
from ...ops.linalg import Addmm
from ...ops.view import T
from ...tensor import _wrap

__all__ = ["linear", "bilinear"]


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``."""
    if bias is None:
        return input.matmul(weight.t())
    if input.dim() == 2:
        if not (STATE.enabled and (input._requires_grad or weight._requires_grad or bias._requires_grad)):
            return _addmm_arrays(input, weight, bias)
        return Addmm.apply(bias, input, weight.t(), 1, 1)
    if input.dim() == 0:
        raise RuntimeError("linear: expected input with at least 1 dimension, got a 0-D tensor")
    flat = Addmm.apply(bias, input.reshape(-1, input.shape[-1]), weight.t(), 1, 1)
    return flat.view(*input.shape[:-1], weight.shape[0])


def _addmm_arrays(input, weight, bias):
    """linear when no graph is recorded: the same forward on the arrays, without making the ``weight.t()`` view."""
    weight_t = T.forward(_NULL_CTX, weight._array)
    return _wrap(Addmm.forward(_NULL_CTX, bias._array, input._array, weight_t, 1, 1))


def _check_bilinear(input1, input2, weight, bias):
    for name, tensor, dim in (("input1", input1, 1), ("input2", input2, 2)):
        if tensor.shape[-1] != weight.shape[dim]:
            raise RuntimeError(f"bilinear(): {name} size does not match weight size: got {tensor.shape[-1]} but "
                               f"expected {weight.shape[dim]}")
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}")
    for d in range(input1.dim() - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got "
                               f"{input1.shape[d]} and {input2.shape[d]}")
    if bias is not None and bias.shape[-1] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[-1]} but expected "
                           f"{weight.shape[0]}")


def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o]``."""
    _check_bilinear(input1, input2, weight, bias)
    out = einsum("...i,oij,...j->...o", input1, weight, input2)
    return out if bias is None else out + bias
