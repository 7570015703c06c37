"""summary(model, input_size): the torchsummary-style table of a model's layers, output shapes and sizes."""
from collections import OrderedDict

import numpy as np

from ..autograd import no_grad
from ..random import rand
from ..nn.modules.container import ModuleList, Sequential
from ..tensor import Tensor

_RULE, _DOUBLE_RULE = "-" * 64, "=" * 64
_MB = 1024.0 ** 2


def _example_inputs(input_size):
    """The forward pass's inputs: given tensors as they are, shapes as random batches of two (for batch norm)."""
    if isinstance(input_size, Tensor):
        return [input_size]
    if all(isinstance(x, Tensor) for x in input_size):
        return list(input_size)
    sizes = [input_size] if isinstance(input_size, tuple) and all(isinstance(d, int) for d in input_size) \
        else list(input_size)
    return [rand(2, *size) for size in sizes]


def _batched_shape(output, batch_size):
    if isinstance(output, Tensor):
        return [batch_size, *output.shape[1:]]
    return [_batched_shape(o, batch_size) for o in output if isinstance(o, (Tensor, tuple, list))]


def _record_layers(model, inputs, batch_size):
    """Run ``model`` once; every submodule call but containers gives a row keyed ``Conv2d-1``, ``ReLU-2``..."""
    rows, handles = OrderedDict(), []

    def hook(module, args, output):
        params = list(module.parameters(recurse=False))
        rows[f"{type(module).__name__}-{len(rows) + 1}"] = {
            "output_shape": _batched_shape(output, batch_size),
            "nb_params": sum(p.numel() for p in params),
            "trainable": sum(p.numel() for p in params if p.requires_grad)}
    for module in model.modules():
        if module is not model and not isinstance(module, (Sequential, ModuleList)):
            handles.append(module.register_forward_hook(hook))
    try:
        with no_grad():
            model(*inputs)
    finally:
        for handle in handles:
            handle.remove()
    return rows


def _numel(shape):
    if shape and isinstance(shape[0], list):
        return sum(_numel(s) for s in shape)
    return int(np.prod(shape))


def summary(model, input_size, batch_size=-1, device="cpu"):
    """Print and return the layer table of ``model`` run on ``input_size`` (a shape without the batch
    dimension, a list of shapes, or example input tensors); sizes assume 4-byte floats, as torchsummary's."""
    inputs = _example_inputs(input_size)
    rows = _record_layers(model, inputs, batch_size)
    total = sum(row["nb_params"] for row in rows.values())
    trainable = sum(row["trainable"] for row in rows.values())
    input_mb = abs(sum(_numel(list(x.shape[1:])) for x in inputs) * batch_size * 4.0 / _MB)
    output_mb = abs(2.0 * sum(_numel(row["output_shape"]) for row in rows.values()) * 4.0 / _MB)
    params_mb = abs(total * 4.0 / _MB)
    lines = [_RULE, f"{'Layer (type)':>20}  {'Output Shape':>25} {'Param #':>15}", _DOUBLE_RULE]
    lines += [f"{name:>20}  {str(row['output_shape']):>25} {row['nb_params']:>15,}" for name, row in rows.items()]
    lines += [_DOUBLE_RULE, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}", _RULE,
              f"Input size (MB): {input_mb:0.2f}", f"Forward/backward pass size (MB): {output_mb:0.2f}",
              f"Params size (MB): {params_mb:0.2f}", f"Estimated Total Size (MB): {input_mb + output_mb + params_mb:0.2f}",
              _RULE]
    print("\n".join(lines))
    return {"layers": rows, "total_params": total, "trainable_params": trainable,
            "input_size_mb": input_mb, "forward_backward_size_mb": output_mb, "params_size_mb": params_mb,
            "total_size_mb": input_mb + output_mb + params_mb}
