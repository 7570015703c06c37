"""Learning-rate schedulers against torch's: the same lr (and cycled momentum) after every step, the same
get_last_lr, state_dict contents and resumption, warnings and errors."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember
from lr_scheduler_oracle import (STEPS, assert_resumes, assert_same_trace, assert_same_values, library,
                                 make_optimizer, run)


class Decay:
    """A callable object: its attributes are what a LambdaLR state_dict saves."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, epoch):
        return self.rate ** epoch


def _cyclic(**kw):
    return lambda S, opt: S.CyclicLR(opt, **{"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, **kw})


def _one_cycle(**kw):
    return lambda S, opt: S.OneCycleLR(opt, **{"max_lr": 0.5, "total_steps": STEPS, **kw})


CASES = {
    "lambda": lambda S, opt: S.LambdaLR(opt, lambda e: 0.95 ** e),
    "lambda_list": lambda S, opt: S.LambdaLR(opt, [lambda e: 1 / (e + 1), Decay(0.9)]),
    "multiplicative": lambda S, opt: S.MultiplicativeLR(opt, lambda e: 0.9),
    "multiplicative_list": lambda S, opt: S.MultiplicativeLR(opt, [lambda e: 0.9, lambda e: 1.0 - 0.01 * e]),
    "step": lambda S, opt: S.StepLR(opt, step_size=3, gamma=0.5),
    "step_default_gamma": lambda S, opt: S.StepLR(opt, 7),
    "multistep": lambda S, opt: S.MultiStepLR(opt, milestones=[2, 5, 5, 9], gamma=0.3),
    "constant": lambda S, opt: S.ConstantLR(opt, factor=0.5, total_iters=4),
    "constant_default": lambda S, opt: S.ConstantLR(opt),
    "linear": lambda S, opt: S.LinearLR(opt, start_factor=0.25, end_factor=0.9, total_iters=7),
    "linear_default": lambda S, opt: S.LinearLR(opt),
    "exponential": lambda S, opt: S.ExponentialLR(opt, gamma=0.9),
    "polynomial": lambda S, opt: S.PolynomialLR(opt, total_iters=8, power=2.0),
    "polynomial_default": lambda S, opt: S.PolynomialLR(opt),
    "cosine": lambda S, opt: S.CosineAnnealingLR(opt, T_max=10, eta_min=0.001),
    "cosine_odd": lambda S, opt: S.CosineAnnealingLR(opt, T_max=7),
    "warm_restarts": lambda S, opt: S.CosineAnnealingWarmRestarts(opt, T_0=5),
    "warm_restarts_mult": lambda S, opt: S.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.01),
    "cyclic": _cyclic(),
    "cyclic_triangular2": _cyclic(mode="triangular2", step_size_up=3, step_size_down=5),
    "cyclic_exp_range": _cyclic(mode="exp_range", gamma=0.9),
    "cyclic_scale_fn_cycle": _cyclic(scale_fn=lambda x: 0.5 ** x),
    "cyclic_scale_fn_iterations": _cyclic(scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations"),
    "cyclic_lists": _cyclic(base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], base_momentum=[0.7, 0.8],
                            max_momentum=[0.95, 0.9]),
    "cyclic_no_momentum": _cyclic(cycle_momentum=False),
    "one_cycle": _one_cycle(),
    "one_cycle_linear": _one_cycle(anneal_strategy="linear"),
    "one_cycle_three_phase": _one_cycle(three_phase=True),
    "one_cycle_epochs": lambda S, opt: S.OneCycleLR(opt, max_lr=0.5, epochs=4, steps_per_epoch=10, pct_start=0.25),
    "one_cycle_options": _one_cycle(max_lr=[0.5, 0.2], div_factor=10.0, final_div_factor=100.0,
                                    base_momentum=0.8, max_momentum=[0.9, 0.99], three_phase=True,
                                    anneal_strategy="linear"),
    "one_cycle_no_momentum": _one_cycle(cycle_momentum=False),
    "sequential": lambda S, opt: S.SequentialLR(opt, [S.ConstantLR(opt, factor=0.1, total_iters=3),
                                                      S.ExponentialLR(opt, gamma=0.9)], milestones=[3]),
    "sequential_three": lambda S, opt: S.SequentialLR(
        opt, [S.LinearLR(opt, start_factor=0.1, total_iters=4), S.StepLR(opt, 2, 0.5),
              S.CosineAnnealingLR(opt, T_max=6)], milestones=[4, 10]),
    "chained": lambda S, opt: S.ChainedScheduler([S.ConstantLR(opt, factor=0.1, total_iters=4),
                                                  S.ExponentialLR(opt, gamma=0.9)]),
    "chained_with_optimizer": lambda S, opt: S.ChainedScheduler(
        [S.LinearLR(opt, start_factor=0.5, total_iters=5), S.MultiStepLR(opt, [3, 8])], optimizer=opt),
    "chained_sequential": lambda S, opt: S.ChainedScheduler([
        S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.2, total_iters=3), S.CosineAnnealingLR(opt, 9)], [3]),
        S.MultiplicativeLR(opt, lambda e: 0.99)]),
}
ADAM_CASES = {
    "cyclic_betas": _cyclic(base_momentum=0.85, max_momentum=0.95),
    "one_cycle_betas": _one_cycle(),
    "one_cycle_betas_three_phase": _one_cycle(three_phase=True, anneal_strategy="linear"),
}
ALL_CASES = [(name, make, "sgd") for name, make in CASES.items()] + \
            [(name, make, "adam") for name, make in ADAM_CASES.items()]


@pytest.mark.parametrize("make,kind", [c[1:] for c in ALL_CASES], ids=[c[0] for c in ALL_CASES])
def test_sequence_matches_torch(make, kind):
    assert_same_trace(make, kind=kind)


@pytest.mark.parametrize("make,kind", [c[1:] for c in ALL_CASES], ids=[c[0] for c in ALL_CASES])
def test_state_dict_resumes(make, kind):
    assert_resumes(make, kind)


def test_state_dict_leaves_out_optimizer_and_functions():
    for lib in (ember, torch):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.LambdaLR(opt, [lambda e: 0.5, Decay(0.9)])
        state = sched.state_dict()
        assert "optimizer" not in state and state["lr_lambdas"] == [None, {"rate": 0.9}]
        restored = lib.optim.lr_scheduler.LambdaLR(opt, [lambda e: 0.5, Decay(0.2)])
        restored.load_state_dict(state)
        assert restored.lr_lambdas[1].rate == 0.9


def test_cyclic_state_dict_saves_scale_fn_object():
    scale = Decay(0.5)
    states = [lib.optim.lr_scheduler.CyclicLR(make_optimizer(lib), 0.01, 0.1, scale_fn=scale).state_dict()
              for lib in (ember, torch)]
    assert_same_values(states[0], states[1])
    assert states[0]["_scale_fn_custom"] == {"rate": 0.5}


# ---- the deprecated step(epoch): closed forms where torch has them ----
EPOCHS = [0, 1, 2, 5, 3, 9, 12, 4, 20, 7, 15]
WARM_EPOCHS = [0.5, 1.25, 2.0, 7.3, 20.1, 4.9, 13.0, 33.7, 0.0, 6.0]


@pytest.mark.parametrize("name", ["lambda", "multiplicative", "step", "multistep", "constant", "linear",
                                  "exponential", "polynomial", "cosine", "cyclic", "one_cycle"])
def test_step_with_epoch(name):
    assert_same_trace(CASES[name], len(EPOCHS), step_arg=EPOCHS.__getitem__)


@pytest.mark.parametrize("name", ["warm_restarts", "warm_restarts_mult"])
def test_warm_restarts_fractional_epochs(name):
    assert_same_trace(CASES[name], len(WARM_EPOCHS), step_arg=WARM_EPOCHS.__getitem__)


def test_warm_restarts_fractional_steps_within_batches():
    """The documented use: step(epoch + i / iters) every batch."""
    assert_same_trace(CASES["warm_restarts_mult"], 30, step_arg=lambda i: i // 4 + (i % 4) / 4)


def test_resume_with_last_epoch():
    """A scheduler rebuilt with last_epoch=k on an optimizer that has initial_lr continues the schedule."""
    def make(S, opt):
        for group in opt.param_groups:
            group["initial_lr"] = group["lr"] * 2
        return S.CosineAnnealingLR(opt, T_max=12, last_epoch=5)
    assert_same_trace(make, 20)


def test_resume_by_setting_last_epoch():
    """The tutorial recipe: load the optimizer's state, build a fresh scheduler, set its last_epoch."""
    def resumed(lib):
        opt = make_optimizer(lib)
        run(opt, lib.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5), 7)
        new_opt = make_optimizer(lib)
        new_opt.load_state_dict(opt.state_dict())
        sched = lib.optim.lr_scheduler.StepLR(new_opt, step_size=3, gamma=0.5)
        sched.last_epoch = 7
        return run(new_opt, sched, 10)
    assert_same_values(resumed(ember), resumed(torch))


# ---- ReduceLROnPlateau ----
METRICS = [1.0 / (1 + 0.1 * min(i, 6)) + 0.004 * ((i * 7) % 3) for i in range(STEPS)]


@pytest.mark.parametrize("kw", [
    {}, {"patience": 2, "factor": 0.5}, {"patience": 1, "threshold": 0.05, "threshold_mode": "abs"},
    {"mode": "max", "patience": 2}, {"mode": "max", "threshold_mode": "abs", "threshold": 0.001, "patience": 0},
    {"patience": 1, "cooldown": 3, "factor": 0.5}, {"patience": 0, "factor": 0.3, "min_lr": 0.004},
    {"patience": 0, "factor": 0.5, "min_lr": [0.01, 0.001]}, {"patience": 0, "factor": 0.9, "eps": 0.005},
], ids=str)
def test_reduce_on_plateau(kw):
    assert_same_trace(lambda S, opt: S.ReduceLROnPlateau(opt, **kw), step_arg=METRICS.__getitem__)


def test_reduce_on_plateau_takes_a_tensor_metric_and_resumes():
    def trace(lib):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5, cooldown=1)
        first, _ = run(opt, sched, 10, lambda i: lib.tensor(METRICS[i]))
        state = sched.state_dict()
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max")
        sched.load_state_dict(state)
        rest, _ = run(opt, sched, 20, lambda i: METRICS[10 + i])
        return first + rest, state
    (e_trace, e_state), (t_trace, t_state) = trace(ember), trace(torch)
    assert_same_values(e_trace, t_trace)
    assert_same_values(e_state, t_state)


# ---- warnings ----
def _first_step_warnings(lib, before):
    """Warnings from a scheduler's first step, after ``before(optimizer)``."""
    opt = make_optimizer(lib)
    sched = lib.optim.lr_scheduler.StepLR(opt, 2)
    before(opt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sched.step()
        sched.step()
    return [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize("before,count", [
    (lambda opt: None, 1),
    (lambda opt: opt.step(), 0),
    (lambda opt: setattr(opt, "step", lambda: None), 1),
], ids=["scheduler_first", "optimizer_first", "step_overridden"])
def test_step_order_warning(before, count):
    e, t = _first_step_warnings(ember, before), _first_step_warnings(torch, before)
    assert e == t
    assert len(t) == count


def test_scheduler_before_optimizer_warns_once_with_torch_text():
    warned = _first_step_warnings(ember, lambda opt: None)
    assert len(warned) == 1 and warned[0][0] is UserWarning
    assert warned[0][1].startswith("Detected call of `lr_scheduler.step()` before `optimizer.step()`.")


def test_get_lr_outside_step_warns():
    for lib in (ember, torch):
        sched = lib.optim.lr_scheduler.ExponentialLR(make_optimizer(lib), 0.5)
        with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
            sched.get_lr()


# ---- errors: the same class (and message) as torch ----
def _error(lib, build):
    try:
        build(lib.optim.lr_scheduler, lib)
    except Exception as exc:  # noqa: BLE001 - the class is what is compared
        return type(exc), str(exc)
    raise AssertionError(f"{lib.__name__} raised nothing")


def _stepped_past(S, lib, steps=6):
    opt = make_optimizer(lib)
    sched = S.OneCycleLR(opt, max_lr=0.1, total_steps=5)
    for _ in range(steps):
        opt.step()
        sched.step()


ERRORS = {
    "not_an_optimizer": lambda S, lib: S.StepLR(object(), 3),
    "resume_without_initial_lr": lambda S, lib: S.StepLR(make_optimizer(lib), 3, last_epoch=4),
    "lambda_count": lambda S, lib: S.LambdaLR(make_optimizer(lib), [lambda e: 1.0]),
    "multiplicative_not_callable": lambda S, lib: S.MultiplicativeLR(make_optimizer(lib), 0.5),
    "constant_factor": lambda S, lib: S.ConstantLR(make_optimizer(lib), factor=1.5),
    "linear_start": lambda S, lib: S.LinearLR(make_optimizer(lib), start_factor=0),
    "linear_end": lambda S, lib: S.LinearLR(make_optimizer(lib), end_factor=1.5),
    "warm_T_0": lambda S, lib: S.CosineAnnealingWarmRestarts(make_optimizer(lib), T_0=0),
    "warm_T_0_float": lambda S, lib: S.CosineAnnealingWarmRestarts(make_optimizer(lib), T_0=2.5),
    "warm_T_mult": lambda S, lib: S.CosineAnnealingWarmRestarts(make_optimizer(lib), T_0=2, T_mult=0),
    "warm_eta_min": lambda S, lib: S.CosineAnnealingWarmRestarts(make_optimizer(lib), T_0=2, eta_min="0"),
    "warm_negative_epoch": lambda S, lib: S.CosineAnnealingWarmRestarts(make_optimizer(lib), T_0=2).step(-1),
    "cyclic_mode": lambda S, lib: S.CyclicLR(make_optimizer(lib), 0.01, 0.1, mode="sawtooth"),
    "cyclic_no_momentum_to_cycle": lambda S, lib: S.CyclicLR(make_optimizer(lib, "adagrad"), 0.01, 0.1),
    "cyclic_lr_count": lambda S, lib: S.CyclicLR(make_optimizer(lib), [0.01], 0.1),
    "one_cycle_stepped_past_total": _stepped_past,
    "one_cycle_total_steps": lambda S, lib: S.OneCycleLR(make_optimizer(lib), 0.1, total_steps=0),
    "one_cycle_total_steps_float": lambda S, lib: S.OneCycleLR(make_optimizer(lib), 0.1, total_steps=2.5),
    "one_cycle_no_length": lambda S, lib: S.OneCycleLR(make_optimizer(lib), 0.1, epochs=3),
    "one_cycle_epochs": lambda S, lib: S.OneCycleLR(make_optimizer(lib), 0.1, epochs=0, steps_per_epoch=3),
    "one_cycle_steps_per_epoch": lambda S, lib: S.OneCycleLR(make_optimizer(lib), 0.1, epochs=2, steps_per_epoch=-1),
    "one_cycle_pct_int": lambda S, lib: S.OneCycleLR(make_optimizer(lib), 0.1, total_steps=9, pct_start=0),
    "one_cycle_pct_range": lambda S, lib: S.OneCycleLR(make_optimizer(lib), 0.1, total_steps=9, pct_start=1.5),
    "one_cycle_anneal": lambda S, lib: S.OneCycleLR(make_optimizer(lib), 0.1, total_steps=9, anneal_strategy="exp"),
    "one_cycle_no_momentum_to_cycle": lambda S, lib: S.OneCycleLR(make_optimizer(lib, "adagrad"), 0.1, total_steps=9),
    "one_cycle_max_lr_count": lambda S, lib: S.OneCycleLR(make_optimizer(lib), [0.1, 0.2, 0.3], total_steps=9),
    "plateau_factor": lambda S, lib: S.ReduceLROnPlateau(make_optimizer(lib), factor=1.0),
    "plateau_mode": lambda S, lib: S.ReduceLROnPlateau(make_optimizer(lib), mode="best"),
    "plateau_threshold_mode": lambda S, lib: S.ReduceLROnPlateau(make_optimizer(lib), threshold_mode="pct"),
    "plateau_min_lr_count": lambda S, lib: S.ReduceLROnPlateau(make_optimizer(lib), min_lr=[0.1]),
    "plateau_not_an_optimizer": lambda S, lib: S.ReduceLROnPlateau(None),
    "sequential_empty": lambda S, lib: S.SequentialLR(make_optimizer(lib), [], []),
    "sequential_milestones": lambda S, lib: _sequential(S, lib, milestones=[2, 4]),
    "sequential_plateau": lambda S, lib: _sequential(S, lib, extra=S.ReduceLROnPlateau),
    "sequential_not_a_scheduler": lambda S, lib: _sequential(S, lib, extra=lambda opt: object()),
    "chained_empty": lambda S, lib: S.ChainedScheduler([]),
    "chained_plateau": lambda S, lib: S.ChainedScheduler([S.ReduceLROnPlateau(make_optimizer(lib))]),
}


def _sequential(S, lib, milestones=(2,), extra=None):
    opt = make_optimizer(lib)
    second = extra(opt) if extra is not None else S.ExponentialLR(opt, 0.9)
    return S.SequentialLR(opt, [S.StepLR(opt, 2), second], milestones=list(milestones))


@pytest.mark.parametrize("build", ERRORS.values(), ids=ERRORS.keys())
def test_errors_match_torch(build):
    (e_type, e_msg), (t_type, t_msg) = _error(ember, build), _error(torch, build)
    assert e_type is t_type
    assert e_msg == t_msg


def test_sequential_rejects_another_optimizers_scheduler():
    for lib in (ember, torch):
        S = lib.optim.lr_scheduler
        opt, other = make_optimizer(lib), make_optimizer(lib)
        with pytest.raises(ValueError, match="expects all schedulers to belong to the same optimizer"):
            S.SequentialLR(opt, [S.StepLR(opt, 2), S.StepLR(other, 2)], milestones=[3])


# ---- extension points and a real training loop ----
def _warmup_class(lib):
    class Warmup(lib.optim.lr_scheduler._LRScheduler):
        def __init__(self, optimizer, warmup, last_epoch=-1):
            self.warmup = warmup
            super().__init__(optimizer, last_epoch)

        def get_lr(self):
            return [base * min(1.0, (self.last_epoch + 1) / self.warmup) for base in self.base_lrs]
    return Warmup


def test_user_subclass_of_lr_scheduler():
    assert issubclass(ember.optim.lr_scheduler._LRScheduler, ember.optim.lr_scheduler.LRScheduler)
    assert_same_trace(lambda S, opt: _warmup_class(library(S))(opt, 6), 12)


def test_training_loop_uses_scheduled_lr():
    """SGD with momentum under OneCycleLR fits a linear model to the same weights as torch."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 3)).astype(np.float32), rng.standard_normal((16, 1)).astype(np.float32)
    w0, b0 = rng.standard_normal((1, 3)).astype(np.float32), np.zeros(1, np.float32)

    def train(lib):
        model = lib.nn.Linear(3, 1)
        with lib.no_grad():
            model.weight.copy_(lib.from_numpy(w0.copy()))
            model.bias.copy_(lib.from_numpy(b0.copy()))
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.3, total_steps=16)
        for _ in range(15):
            opt.zero_grad()
            lib.nn.functional.mse_loss(model(lib.from_numpy(x.copy())), lib.from_numpy(y.copy())).backward()
            opt.step()
            sched.step()
        return model.weight.detach().numpy(), sched.get_last_lr()

    (e_w, e_lr), (t_w, t_lr) = train(ember), train(torch)
    np.testing.assert_allclose(e_w, t_w, rtol=1e-5, atol=1e-6)
    assert_same_values(e_lr, t_lr)
    assert math.isclose(t_lr[0], 0.3 / 25 / 1e4)
