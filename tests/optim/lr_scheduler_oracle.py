"""Run a learning-rate scheduler on ember and on torch side by side and compare what it does step by step.

``make(S, optimizer)`` builds the scheduler from ``S``, the library's ``optim.lr_scheduler`` module.
"""
import warnings

import numpy as np
import torch

import ember

STEPS = 40


def library(S):
    """The library (ember or torch) whose lr_scheduler module ``S`` is."""
    return ember if S is ember.optim.lr_scheduler else torch


def make_optimizer(lib, kind="sgd", lrs=(0.1, 0.05)):
    """An optimizer with one small parameter in each of two param groups."""
    groups = [{"params": [lib.nn.Parameter(lib.ones(2))], "lr": lr} for lr in lrs]
    if kind == "adam":
        return lib.optim.Adam(groups, betas=(0.9, 0.999))
    if kind == "adagrad":
        return lib.optim.Adagrad(groups)
    return lib.optim.SGD(groups, momentum=0.9)


def _snapshot(opt, sched):
    """Each group's lr and momentum (or beta1), then get_last_lr()."""
    rows = [(g["lr"], g.get("momentum"), g.get("betas", (None,))[0]) for g in opt.param_groups]
    return rows + [tuple(sched.get_last_lr())]


def run(opt, sched, steps, step_arg=None):
    """Step optimizer then scheduler ``steps`` times; the snapshots (initial one first) and the warnings raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trace = [_snapshot(opt, sched)]
        for i in range(steps):
            opt.step()
            sched.step(*(() if step_arg is None else (step_arg(i),)))
            trace.append(_snapshot(opt, sched))
    return trace, [(w.category, str(w.message)) for w in caught]


def trace(lib, make, steps=STEPS, kind="sgd", step_arg=None):
    opt = make_optimizer(lib, kind)
    return run(opt, make(lib.optim.lr_scheduler, opt), steps, step_arg)


def assert_same_values(e, t, what="value"):
    """Nested containers of python numbers, bit for bit equal (other leaves compared with ==)."""
    if isinstance(t, dict):
        assert sorted(map(str, e)) == sorted(map(str, t)), f"{what}: keys {sorted(e)} != {sorted(t)}"
        for k in t:
            assert_same_values(e[k], t[k], f"{what}[{k!r}]")
    elif isinstance(t, (list, tuple)):
        assert isinstance(e, (list, tuple)) and len(e) == len(t), f"{what}: {e!r} != {t!r}"
        for i, (a, b) in enumerate(zip(e, t)):
            assert_same_values(a, b, f"{what}[{i}]")
    elif isinstance(t, float) or isinstance(e, float):
        assert isinstance(e, (int, float)) and not isinstance(e, bool), f"{what}: {e!r} is not a number"
        np.testing.assert_allclose(e, t, rtol=0, atol=0, err_msg=what)
    else:
        assert e == t, f"{what}: ember {e!r} != torch {t!r}"


def assert_same_trace(make, steps=STEPS, kind="sgd", step_arg=None):
    """The same lrs, momenta, get_last_lr and warnings at every step as torch."""
    e_trace, e_warn = trace(ember, make, steps, kind, step_arg)
    t_trace, t_warn = trace(torch, make, steps, kind, step_arg)
    assert_same_values(e_trace, t_trace, "trace")
    assert e_warn == t_warn


def assert_resumes(make, kind="sgd", resume_at=13, steps=STEPS):
    """Halfway, the state_dict equals torch's; loaded (with the optimizer's) into a fresh optimizer and
    scheduler, the rest of the run equals torch's unbroken one."""
    t_trace, _ = trace(torch, make, steps, kind)
    opt = make_optimizer(ember, kind)
    sched = make(ember.optim.lr_scheduler, opt)
    first, _ = run(opt, sched, resume_at)
    t_opt = make_optimizer(torch, kind)
    t_sched = make(torch.optim.lr_scheduler, t_opt)
    run(t_opt, t_sched, resume_at)
    assert_same_values(sched.state_dict(), t_sched.state_dict(), "state_dict")
    new_opt = make_optimizer(ember, kind)
    new_sched = make(ember.optim.lr_scheduler, new_opt)
    new_opt.load_state_dict(opt.state_dict())
    new_sched.load_state_dict(sched.state_dict())
    rest, _ = run(new_opt, new_sched, steps - resume_at)
    assert_same_values(first + rest[1:], t_trace, "resumed trace")
