"""Adamax: Adam with the infinity norm of past gradients in place of their second moment."""
import numpy

from ._functional import count_step, decayed_grad, init_state, lerp_, scalar
from .adam import check_adam_args
from .optimizer import Optimizer


class Adamax(Optimizer):
    _late_defaults = (("foreach", None), ("maximize", False), ("differentiable", False), ("capturable", False))
    _sparse_error = "Adamax does not support sparse gradients"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_adam_args(lr, betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        init_state(p, state, "exp_avg", "exp_inf")

    def _step_group(self, group, params):
        lr, eps, (beta1, beta2) = scalar(group["lr"]), group["eps"], group["betas"]
        weight_decay, maximize = group["weight_decay"], group["maximize"]
        for p in params:
            state = self._state_of(p, group)
            step = count_step(state)
            g = decayed_grad(p, weight_decay, maximize)
            exp_avg, exp_inf = state["exp_avg"]._array, state["exp_inf"]._array
            lerp_(exp_avg, g, 1 - beta1, self._buffer(exp_avg))
            exp_inf *= beta2
            bound = numpy.abs(g)
            bound += eps
            numpy.maximum(exp_inf, bound, out=exp_inf)
            p._array += -lr / (1 - beta1 ** step) * exp_avg / exp_inf
            p._version_counter[0] += 1
