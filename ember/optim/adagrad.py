"""Adagrad: per-coordinate learning rates from the sum of squared gradients (sparse gradients too)."""
import numpy

from ._functional import (check_fused, check_lr, check_nonnegative, count_step, decayed_grad, new_step, scalar,
                          zeros_state)
from .optimizer import Optimizer


class Adagrad(Optimizer):
    _late_defaults = (("foreach", None), ("maximize", False), ("differentiable", False), ("fused", None))

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        check_nonnegative(lr_decay, "lr_decay value")
        check_nonnegative(weight_decay, "weight_decay value")
        check_nonnegative(initial_accumulator_value, "initial_accumulator_value value")
        check_nonnegative(eps, "epsilon value")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, self.state[p], group)

    def _init_state(self, p, state, group):
        state["step"] = new_step()
        state["sum"] = zeros_state(p, group["initial_accumulator_value"])

    def _step_group(self, group, params):
        lr, lr_decay, eps = scalar(group["lr"]), group["lr_decay"], group["eps"]
        weight_decay, maximize = group["weight_decay"], group["maximize"]
        for p in params:
            state = self._state_of(p, group)
            step = count_step(state)
            clr = lr / (1 + (step - 1) * lr_decay)
            if p._grad.is_sparse:
                _sparse_update(p, state["sum"]._array, clr, eps, weight_decay, maximize)
            else:
                g = decayed_grad(p, weight_decay, maximize)
                state_sum = state["sum"]._array
                buf, std = self._buffer(state_sum), self._buffer(state_sum, 1)
                state_sum += numpy.multiply(g, g, out=buf)
                numpy.sqrt(state_sum, out=std)
                std += eps
                numpy.multiply(g, -clr, out=buf)
                buf /= std
                p._array += buf
            p._version_counter[0] += 1


def _sparse_update(p, state_sum, clr, eps, weight_decay, maximize):
    """The update restricted to the rows the sparse gradient touches, as PyTorch's sparse Adagrad."""
    if weight_decay != 0:
        raise RuntimeError("weight_decay option is not compatible with sparse gradients")
    rows = p._grad._rows()
    values = p._grad._array[rows]
    if maximize:
        values = -values
    state_sum[rows] += values * values
    std = numpy.sqrt(state_sum[rows])
    std += eps
    p._array[rows] += -clr * (values / std)
