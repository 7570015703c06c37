"""L-BFGS: a quasi-Newton method from a short history of steps, optionally with a strong-Wolfe line search.

Vectors are flat float arrays over all parameters; scalars stay 0-d of the parameters' dtype where PyTorch keeps
0-d tensors, so the arithmetic rounds as PyTorch's does. The state keeps PyTorch's keys, as ember tensors.
"""
import numpy

from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor, _wrap
from ._functional import check_lr, scalar
from .optimizer import Optimizer


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through two points with their slopes, clipped to ``bounds``."""
    xmin_bound, xmax_bound = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square < 0:
        return (xmin_bound + xmax_bound) / 2.0
    d2 = numpy.sqrt(d2_square)
    if x1 <= x2:
        min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(min_pos, xmin_bound), xmax_bound)


class _Bracket:
    """The interval the zoom phase of the line search narrows: steps, losses, gradients, slopes."""

    def __init__(self, t, f, g, gtd):
        self.t, self.f, self.g, self.gtd = t, f, g, gtd

    def low_high(self):
        return (0, 1) if self.f[0] <= self.f[-1] else (1, 0)

    def set(self, i, t, f, g, gtd):
        self.t[i], self.f[i], self.g[i], self.gtd[i] = t, f, g, gtd


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Line search along ``d`` for a step satisfying the strong Wolfe conditions; returns (f, g, t, evals)."""
    d_norm = numpy.abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket = None
    while ls_iter < max_ls:
        sufficient_decrease = not (f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev))
        if sufficient_decrease and abs(gtd_new) <= -c2 * gtd:
            bracket = _Bracket([t], [f_new], [g_new], [gtd_new])
            done = True
            break
        if not sufficient_decrease or gtd_new >= 0:
            bracket = _Bracket([t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()], [gtd_prev, gtd_new])
            break
        min_step, max_step = t + 0.01 * (t - t_prev), t * 10
        t_prev, t = t, _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        f_prev, g_prev, gtd_prev = f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket = _Bracket([0, t], [f, f_new], [g, g_new], None)
    low_pos, high_pos = bracket.low_high()
    insuf_progress = False
    while not done and ls_iter < max_ls:
        ts = bracket.t
        if abs(ts[1] - ts[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(ts[0], bracket.f[0], bracket.gtd[0], ts[1], bracket.f[1], bracket.gtd[1])
        t, insuf_progress = _keep_off_ends(t, max(ts), min(ts), insuf_progress)
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket.f[low_pos]:
            bracket.set(high_pos, t, f_new, g_new.copy(), gtd_new)
            low_pos, high_pos = (0, 1) if bracket.f[0] <= bracket.f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (ts[high_pos] - ts[low_pos]) >= 0:
                bracket.set(high_pos, ts[low_pos], bracket.f[low_pos], bracket.g[low_pos], bracket.gtd[low_pos])
            bracket.set(low_pos, t, f_new, g_new.copy(), gtd_new)
    return bracket.f[low_pos], bracket.g[low_pos], bracket.t[low_pos], ls_func_evals


def _keep_off_ends(t, high, low, insuf_progress):
    """Move a trial step that lands too near an end of the bracket (or outside it) a tenth of the way in."""
    eps = 0.1 * (high - low)
    if min(high - t, t - low) >= eps:
        return t, False
    if not (insuf_progress or t >= high or t <= low):
        return t, True
    return (high - eps if abs(t - high) < abs(t - low) else low + eps), False


def _to_state(value):
    """Numpy scalars and arrays kept between steps become ember tensors (PyTorch keeps tensors there)."""
    if isinstance(value, list):
        return [_to_state(v) for v in value]
    if isinstance(value, (numpy.ndarray, numpy.generic)):
        return _wrap(numpy.asarray(value))
    return value


def _from_state(value):
    if isinstance(value, list):
        return [_from_state(v) for v in value]
    if isinstance(value, Tensor):
        return value._array if value._array.ndim else value._array[()]
    return value


class LBFGS(Optimizer):
    _ARRAY_STATE = ("d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss")

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval, "tolerance_grad": tolerance_grad,
                    "tolerance_change": tolerance_change, "history_size": history_size,
                    "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _gather_flat_grad(self):
        return numpy.concatenate([p._grad._array.reshape(-1) if p._grad is not None else
                                  numpy.zeros(p._array.size, p._array.dtype) for p in self._params])

    def _add_grad(self, step_size, update):
        offset = 0
        for p in self._params:
            n = p._array.size
            p._array += step_size * update[offset:offset + n].reshape(p._array.shape)
            p._version_counter[0] += 1
            offset += n

    def _set_param(self, arrays):
        for p, a in zip(self._params, arrays):
            p._array[...] = a
            p._version_counter[0] += 1

    def _directional_evaluate(self, closure, x, t, d):
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    def step(self, closure):
        """Up to ``max_iter`` L-BFGS iterations; ``closure`` re-evaluates the model and returns the loss."""
        closure = enable_grad()(closure)
        group = self.param_groups[0]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = closure()
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if numpy.abs(flat_grad).max() <= group["tolerance_grad"]:
            return orig_loss
        memory = {key: _from_state(state.get(key)) for key in self._ARRAY_STATE}
        self._iterate(closure, group, state, memory, float(orig_loss), flat_grad)
        state.update({key: _to_state(value) for key, value in memory.items()})
        if "al" in state:
            state["al"] = _to_state(state["al"])
        return orig_loss

    def _iterate(self, closure, group, state, memory, loss, flat_grad):
        """The iterations of one step; ``memory`` holds the history as arrays and is updated in place."""
        lr, max_iter, max_eval = scalar(group["lr"]), group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        current_evals, n_iter = 1, 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            d = self._direction(state, memory, flat_grad, group["history_size"])
            if memory["prev_flat_grad"] is None:
                memory["prev_flat_grad"] = flat_grad.copy()
            else:
                memory["prev_flat_grad"][...] = flat_grad
            memory["prev_loss"] = prev_loss = loss
            t = min(1.0, 1.0 / numpy.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:
                memory["d"], memory["t"] = d, t
                break
            ls_func_evals = 0
            opt_cond = False
            if group["line_search_fn"] is not None:
                if group["line_search_fn"] != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = [p._array.copy() for p in self._params]
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    lambda x, t, d: self._directional_evaluate(closure, x, t, d), x_init, t, d, loss, flat_grad,
                    gtd, max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = numpy.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                if n_iter != max_iter:
                    loss = float(closure())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = numpy.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1
            memory["d"], memory["t"] = d, t
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if (n_iter == max_iter or current_evals >= max_eval or opt_cond
                    or numpy.abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change):
                break

    @staticmethod
    def _direction(state, memory, flat_grad, history_size):
        """The quasi-Newton direction: the two-loop recursion over the stored (y, s) pairs."""
        if state["n_iter"] == 1:
            memory.update(old_dirs=[], old_stps=[], ro=[], H_diag=1)
            return -flat_grad
        old_dirs, old_stps, ro = memory["old_dirs"], memory["old_stps"], memory["ro"]
        y = flat_grad - memory["prev_flat_grad"]
        s = memory["d"] * memory["t"]
        ys = y.dot(s)
        if ys > 1e-10:
            if len(old_dirs) == history_size:
                old_dirs.pop(0)
                old_stps.pop(0)
                ro.pop(0)
            old_dirs.append(y)
            old_stps.append(s)
            ro.append(1.0 / ys)
            memory["H_diag"] = ys / y.dot(y)
        if "al" not in state:
            state["al"] = [None] * history_size
        al = state["al"] = _from_state(state["al"])
        q = -flat_grad
        for i in range(len(old_dirs) - 1, -1, -1):
            al[i] = old_stps[i].dot(q) * ro[i]
            q -= al[i] * old_dirs[i]
        r = q * memory["H_diag"]
        for i in range(len(old_dirs)):
            be_i = old_dirs[i].dot(r) * ro[i]
            r += (al[i] - be_i) * old_stps[i]
        return r
