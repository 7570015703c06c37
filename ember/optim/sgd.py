"""SGD: stochastic gradient descent with optional momentum (Nesterov too), dampening and weight decay."""
import numpy

from ..tensor import _wrap
from ._functional import check_fused, check_lr, check_nonnegative, decayed_grad, scalar
from .optimizer import Optimizer


class SGD(Optimizer):
    _late_defaults = (("nesterov", False), ("maximize", False), ("foreach", None), ("differentiable", False),
                      ("fused", False))

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        check_lr(lr)
        check_nonnegative(momentum, "momentum value")
        check_nonnegative(weight_decay, "weight_decay value")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach, "differentiable": differentiable,
                    "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def _step_group(self, group, params):
        lr, momentum, dampening = scalar(group["lr"]), group["momentum"], group["dampening"]
        nesterov, weight_decay, maximize = group["nesterov"], scalar(group["weight_decay"]), group["maximize"]
        for p in params:
            g = decayed_grad(p, weight_decay, maximize)
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = _wrap(g.copy())
                else:
                    b = buf._array
                    b *= momentum
                    b += g if dampening == 0 else (1 - dampening) * g
                g = g + momentum * buf._array if nesterov else buf._array
            step = numpy.multiply(g, lr, out=self._buffer(g))
            p._array -= step
            p._version_counter[0] += 1
