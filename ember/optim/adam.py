"""Adam: adaptive moment estimation (with AMSGrad, L2 or decoupled weight decay)."""
import numpy

from ..tensor import Tensor
from ._functional import (adam_grad, check_betas, check_fused, check_lr, check_nonnegative, count_step, init_state,
                          scalar, update_moments, zeros_state)
from .optimizer import Optimizer


def check_adam_args(lr, betas, eps, weight_decay):
    """The constructor checks the Adam family shares (Adam, AdamW, Adamax, NAdam, RAdam)."""
    check_lr(lr)
    check_nonnegative(eps, "epsilon value")
    check_betas(betas)
    check_nonnegative(weight_decay, "weight_decay value")


class Adam(Optimizer):
    _late_defaults = (("amsgrad", False), ("maximize", False), ("foreach", None), ("capturable", False),
                      ("differentiable", False), ("decoupled_weight_decay", False), ("fused", None))
    _sparse_error = "Adam does not support sparse gradients, please consider SparseAdam instead"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
        check_adam_args(lr, betas, eps, weight_decay)
        if not (all(isinstance(b, float) for b in betas) or all(isinstance(b, Tensor) for b in betas)):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def _init_state(self, p, state, group):
        init_state(p, state, "exp_avg", "exp_avg_sq")
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_state(p)

    def _step_group(self, group, params):
        lr, eps, amsgrad, maximize = scalar(group["lr"]), group["eps"], group["amsgrad"], group["maximize"]
        beta1, beta2 = (scalar(b) for b in group["betas"])
        weight_decay, decoupled = group["weight_decay"], group["decoupled_weight_decay"]
        for p in params:
            state = self._state_of(p, group)
            step = count_step(state)
            g = adam_grad(p, lr, weight_decay, decoupled, maximize)
            buf, denom = self._buffer(p._array), self._buffer(p._array, 1)
            exp_avg, exp_avg_sq = update_moments(state, g, beta1, beta2, buf)
            if amsgrad:
                exp_avg_sq = numpy.maximum(state["max_exp_avg_sq"]._array, exp_avg_sq,
                                           out=state["max_exp_avg_sq"]._array)
            numpy.sqrt(exp_avg_sq, out=denom)
            denom /= (1 - beta2 ** step) ** 0.5
            denom += eps
            numpy.multiply(exp_avg, -lr / (1 - beta1 ** step), out=buf)
            buf /= denom
            p._array += buf
            p._version_counter[0] += 1
