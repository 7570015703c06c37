"""NAdam: Adam with Nesterov momentum (momentum decay schedule, optional decoupled weight decay)."""
import numpy

from ._functional import adam_grad, check_nonnegative, count_step, new_step, scalar, update_moments, zeros_state
from .adam import check_adam_args
from .optimizer import Optimizer


class NAdam(Optimizer):
    _late_defaults = (("maximize", False), ("foreach", None), ("capturable", False), ("differentiable", False),
                      ("decoupled_weight_decay", False))
    _sparse_error = "NAdam does not support sparse gradients"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_adam_args(lr, betas, eps, weight_decay)
        check_nonnegative(momentum_decay, "momentum_decay value")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        state["step"] = new_step()
        state["mu_product"] = new_step(1.0)
        state["exp_avg"] = zeros_state(p)
        state["exp_avg_sq"] = zeros_state(p)

    def _step_group(self, group, params):
        lr, eps, (beta1, beta2) = scalar(group["lr"]), group["eps"], group["betas"]
        weight_decay, decoupled, maximize = group["weight_decay"], group["decoupled_weight_decay"], group["maximize"]
        momentum_decay = group["momentum_decay"]
        for p in params:
            state = self._state_of(p, group)
            step = count_step(state)
            g = adam_grad(p, lr, weight_decay, decoupled, maximize)
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
            mu_product = state["mu_product"]._array
            mu_product *= mu
            mu_product = float(mu_product)
            exp_avg, exp_avg_sq = update_moments(state, g, beta1, beta2, self._buffer(p._array))
            denom = exp_avg_sq / (1 - beta2 ** step)
            numpy.sqrt(denom, out=denom)
            denom += eps
            p._array += -lr * (1.0 - mu) / (1.0 - mu_product) * g / denom
            p._array += -lr * mu_next / (1.0 - mu_product * mu_next) * exp_avg / denom
            p._version_counter[0] += 1
