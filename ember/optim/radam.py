"""RAdam: Adam with a rectified adaptive learning rate (plain momentum SGD while the variance is untrustworthy)."""
import numpy

from ._functional import adam_grad, count_step, init_state, scalar, update_moments
from .adam import check_adam_args
from .optimizer import Optimizer


class RAdam(Optimizer):
    _late_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                      ("decoupled_weight_decay", False), ("capturable", False))
    _sparse_error = "RAdam does not support sparse gradients"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_adam_args(lr, betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        init_state(p, state, "exp_avg", "exp_avg_sq")

    def _step_group(self, group, params):
        lr, eps, (beta1, beta2) = scalar(group["lr"]), group["eps"], group["betas"]
        weight_decay, decoupled, maximize = group["weight_decay"], group["decoupled_weight_decay"], group["maximize"]
        rho_inf = 2 / (1 - beta2) - 1
        for p in params:
            state = self._state_of(p, group)
            step = count_step(state)
            g = adam_grad(p, lr, weight_decay, decoupled, maximize)
            exp_avg, exp_avg_sq = update_moments(state, g, beta1, beta2, self._buffer(p._array))
            bias_correction2 = 1 - beta2 ** step
            update = exp_avg / (1 - beta1 ** step)
            update *= lr
            rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                denom = numpy.sqrt(exp_avg_sq)
                denom += eps
                update *= bias_correction2 ** 0.5 / denom
                update *= rect
            p._array -= update
            p._version_counter[0] += 1
