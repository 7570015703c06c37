"""Rprop: resilient backpropagation, per-coordinate step sizes grown or shrunk by the sign of the gradient."""
import numpy

from ._functional import check_lr, count_step, init_state, scalar, zeros_state
from .optimizer import Optimizer


class Rprop(Optimizer):
    _late_defaults = (("foreach", None), ("maximize", False), ("differentiable", False), ("capturable", False))
    _sparse_error = "Rprop does not support sparse gradients"

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        init_state(p, state, "prev")
        state["step_size"] = zeros_state(p, scalar(group["lr"]))

    def _step_group(self, group, params):
        (etaminus, etaplus), (step_size_min, step_size_max) = group["etas"], group["step_sizes"]
        maximize = group["maximize"]
        for p in params:
            state = self._state_of(p, group)
            count_step(state)
            g = p._grad._array
            g = -g if maximize else g.copy()
            prev, step_size = state["prev"]._array, state["step_size"]._array
            sign = numpy.sign(g * prev)
            factor = numpy.where(sign > 0, etaplus, numpy.where(sign < 0, etaminus, 1)).astype(g.dtype)
            step_size *= factor
            numpy.clip(step_size, step_size_min, step_size_max, out=step_size)
            g[factor == etaminus] = 0
            p._array -= numpy.sign(g) * step_size
            prev[...] = g
            p._version_counter[0] += 1
