"""Compare a layer between ember and torch: same weights (torch's, copied through load_state_dict), same input,
same upstream gradient; outputs, input gradients and parameter gradients must agree."""
import numpy as np
import torch

import ember
from oracle import assert_same, to_ember, to_torch


def copy_state(ember_module, torch_module):
    """Load torch_module's parameters and buffers into ember_module."""
    state = {k: ember.from_numpy(v.detach().numpy().copy()) for k, v in torch_module.state_dict().items()}
    ember_module.load_state_dict(state)


def check_module(build, *inputs, grad=True, atol=None, rtol=None, seed=0):
    """``build(nn)`` makes the layer; it runs on ``inputs`` (numpy) in both libraries and is compared."""
    t_mod, e_mod = build(torch.nn), build(ember.nn)
    copy_state(e_mod, t_mod)
    t_in = [to_torch(x, grad) for x in inputs]
    e_in = [to_ember(x, grad) for x in inputs]
    t_out, e_out = t_mod(*t_in), e_mod(*e_in)
    assert_same(e_out, t_out, "forward", atol, rtol)
    if not grad:
        return e_mod, t_mod
    upstream = np.random.default_rng(seed).standard_normal(t_out.shape).astype(str(t_out.dtype)[6:])
    t_out.backward(torch.from_numpy(upstream))
    e_out.backward(ember.from_numpy(upstream.copy()))
    for i, (e, t) in enumerate(zip(e_in, t_in)):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            assert_same(e.grad, t.grad, f"grad of input {i}", atol, rtol)
    assert_same_parameter_grads(e_mod, t_mod, atol, rtol)
    return e_mod, t_mod


def assert_same_parameter_grads(e_mod, t_mod, atol=None, rtol=None):
    """Both modules have the same parameter names, in order, and equal gradients."""
    t_params, e_params = dict(t_mod.named_parameters()), dict(e_mod.named_parameters())
    assert list(e_params) == list(t_params)
    for name, t_param in t_params.items():
        assert_same(e_params[name].grad, t_param.grad, f"grad of {name}", atol, rtol)
