"""ASGD: averaged stochastic gradient descent (the average of the iterates is kept in ``state['ax']``)."""
from ._functional import check_lr, check_nonnegative, count_step, decayed_grad, new_step, scalar, zeros_state
from .optimizer import Optimizer


class ASGD(Optimizer):
    _late_defaults = (("foreach", None), ("maximize", False), ("differentiable", False), ("capturable", False))
    _sparse_error = "ASGD does not support sparse gradients"

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_nonnegative(weight_decay, "weight_decay value")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        state["step"] = new_step()
        state["eta"] = new_step(scalar(group["lr"]))
        state["mu"] = new_step(1.0)
        state["ax"] = zeros_state(p)

    def _step_group(self, group, params):
        lr, lambd, alpha, t0 = scalar(group["lr"]), group["lambd"], group["alpha"], group["t0"]
        weight_decay, maximize = group["weight_decay"], group["maximize"]
        for p in params:
            state = self._state_of(p, group)
            step = count_step(state)
            g = decayed_grad(p, weight_decay, maximize)
            eta, mu, ax = state["eta"]._array, state["mu"]._array, state["ax"]._array
            eta_value = float(eta)
            param = p._array
            param *= 1 - lambd * eta_value
            param += -eta_value * g
            if mu != 1:
                ax += (param - ax) * mu
            else:
                ax[...] = param
            eta[...] = lr / ((1 + lambd * lr * step) ** alpha)
            mu[...] = 1 / max(1, step - t0)
            p._version_counter[0] += 1
