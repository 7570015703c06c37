"""SparseAdam: Adam for sparse gradients (``nn.Embedding(sparse=True)``), updating only the rows looked up."""
import numpy

from ._functional import check_betas, scalar, zeros_state
from .optimizer import Optimizer


class SparseAdam(Optimizer):
    _tensor_step = False
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        check_betas(betas)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "maximize": maximize})

    def _step_group(self, group, params):
        lr, eps, (beta1, beta2), maximize = scalar(group["lr"]), group["eps"], group["betas"], group["maximize"]
        for p in params:
            if not p._grad.is_sparse:
                raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
        for p in params:
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = zeros_state(p)
                state["exp_avg_sq"] = zeros_state(p)
            state["step"] += 1
            rows = p._grad._rows()
            if rows.size == 0:
                continue
            values = p._grad._array[rows]
            if maximize:
                values = -values
            step = state["step"]
            exp_avg, exp_avg_sq = state["exp_avg"]._array, state["exp_avg_sq"]._array
            old_avg, old_avg_sq = exp_avg[rows], exp_avg_sq[rows]
            numer = (values - old_avg) * (1 - beta1)
            exp_avg[rows] += numer
            numer += old_avg
            denom = (values ** 2 - old_avg_sq) * (1 - beta2)
            exp_avg_sq[rows] += denom
            denom += old_avg_sq
            numpy.sqrt(denom, out=denom)
            denom += eps
            step_size = lr * (1 - beta2 ** step) ** 0.5 / (1 - beta1 ** step)
            p._array[rows] += -step_size * (numer / denom)
            p._version_counter[0] += 1
