"""RMSprop: gradients divided by a running root mean square (optionally centered, with momentum)."""
import numpy

from ._functional import (average_square_, check_lr, check_nonnegative, count_step, decayed_grad, init_state, lerp_,
                          scalar, zeros_state)
from .optimizer import Optimizer


class RMSprop(Optimizer):
    _late_defaults = (("momentum", 0), ("centered", False), ("foreach", None), ("maximize", False),
                      ("differentiable", False), ("capturable", False))
    _sparse_error = "RMSprop does not support sparse gradients"

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        check_nonnegative(eps, "epsilon value")
        check_nonnegative(momentum, "momentum value")
        check_nonnegative(weight_decay, "weight_decay value")
        check_nonnegative(alpha, "alpha value")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        init_state(p, state, "square_avg")
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_state(p)
        if group["centered"]:
            state["grad_avg"] = zeros_state(p)

    def _step_group(self, group, params):
        lr, alpha, eps, momentum = scalar(group["lr"]), group["alpha"], group["eps"], group["momentum"]
        weight_decay, maximize, centered = group["weight_decay"], group["maximize"], group["centered"]
        for p in params:
            state = self._state_of(p, group)
            count_step(state)
            g = decayed_grad(p, weight_decay, maximize)
            square_avg = state["square_avg"]._array
            buf, avg = self._buffer(square_avg), self._buffer(square_avg, 1)
            average_square_(square_avg, g, alpha, buf)
            if centered:
                grad_avg = state["grad_avg"]._array
                lerp_(grad_avg, g, 1 - alpha, buf)
                numpy.multiply(grad_avg, grad_avg, out=avg)
                numpy.subtract(square_avg, avg, out=avg)
                numpy.sqrt(avg, out=avg)
            else:
                numpy.sqrt(square_avg, out=avg)
            avg += eps
            if momentum > 0:
                momentum_buffer = state["momentum_buffer"]._array
                momentum_buffer *= momentum
                momentum_buffer += numpy.divide(g, avg, out=buf)
                numpy.multiply(momentum_buffer, -lr, out=buf)
            else:
                numpy.multiply(g, -lr, out=buf)
                buf /= avg
            p._array += buf
            p._version_counter[0] += 1
