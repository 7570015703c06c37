"""Adadelta: step sizes from running averages of squared gradients and squared updates."""
import numpy

from ._functional import average_square_, check_lr, check_nonnegative, count_step, decayed_grad, init_state, scalar
from .optimizer import Optimizer


class Adadelta(Optimizer):
    _late_defaults = (("foreach", None), ("maximize", False), ("differentiable", False), ("capturable", False))
    _sparse_error = "Adadelta does not support sparse gradients"

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_nonnegative(eps, "epsilon value")
        check_nonnegative(weight_decay, "weight_decay value")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        init_state(p, state, "square_avg", "acc_delta")

    def _step_group(self, group, params):
        lr, rho, eps = scalar(group["lr"]), group["rho"], group["eps"]
        weight_decay, maximize = group["weight_decay"], group["maximize"]
        for p in params:
            state = self._state_of(p, group)
            count_step(state)
            g = decayed_grad(p, weight_decay, maximize)
            square_avg, acc_delta = state["square_avg"]._array, state["acc_delta"]._array
            average_square_(square_avg, g, rho, self._buffer(square_avg))
            std = square_avg + eps
            numpy.sqrt(std, out=std)
            delta = acc_delta + eps
            numpy.sqrt(delta, out=delta)
            delta /= std
            delta *= g
            average_square_(acc_delta, delta, rho, self._buffer(acc_delta))
            p._array += -lr * delta
            p._version_counter[0] += 1
