"""swa_utils against torch's: AveragedModel's running averages (SWA, EMA, custom, with buffers), update_bn's
recomputed BatchNorm statistics and SWALR's learning rates."""
import numpy as np
import pytest
import torch

import ember
from lr_scheduler_oracle import assert_resumes, assert_same_trace, library
from nn.module_oracle import copy_state
from oracle import assert_same


def _net(nn):
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2), nn.BatchNorm1d(2))


def _pair():
    """The same small network in ember and in torch."""
    t_model = _net(torch.nn)
    e_model = _net(ember.nn)
    copy_state(e_model, t_model)
    return e_model, t_model


def _train_and_average(lib, model, make_average, steps=5):
    """Move the weights and BatchNorm statistics a little, ``steps`` times, folding each state into the average."""
    average = make_average(lib.optim.swa_utils, model)
    rng = np.random.default_rng(0)
    for _ in range(steps):
        with lib.no_grad():
            for p in model.parameters():
                p.add_(lib.from_numpy(rng.standard_normal(tuple(p.shape)).astype(np.float32)))
        model(lib.from_numpy(rng.standard_normal((6, 3)).astype(np.float32)))
        average.update_parameters(model)
    return average


def _assert_same_state(e_module, t_module):
    t_state, e_state = t_module.state_dict(), e_module.state_dict()
    assert list(e_state) == list(t_state)
    for name, t_value in t_state.items():
        assert_same(e_state[name], t_value, name)


AVERAGES = {
    "swa": lambda swa, m: swa.AveragedModel(m),
    "swa_buffers": lambda swa, m: swa.AveragedModel(m, use_buffers=True),
    "swa_multi": lambda swa, m: swa.AveragedModel(m, multi_avg_fn=swa.get_swa_multi_avg_fn()),
    "swa_avg_fn": lambda swa, m: swa.AveragedModel(m, avg_fn=swa.get_swa_avg_fn()),
    "ema_multi": lambda swa, m: swa.AveragedModel(m, multi_avg_fn=swa.get_ema_multi_avg_fn(0.9)),
    "ema_multi_buffers": lambda swa, m: swa.AveragedModel(m, multi_avg_fn=swa.get_ema_multi_avg_fn(0.8),
                                                          use_buffers=True),
    "ema_avg_fn": lambda swa, m: swa.AveragedModel(m, avg_fn=swa.get_ema_avg_fn(0.75)),
    "ema_avg_fn_buffers": lambda swa, m: swa.AveragedModel(m, avg_fn=swa.get_ema_avg_fn(), use_buffers=True),
    "custom_avg_fn": lambda swa, m: swa.AveragedModel(m, avg_fn=lambda avg, cur, n: 0.5 * avg + 0.5 * cur),
}


@pytest.mark.parametrize("make_average", AVERAGES.values(), ids=AVERAGES.keys())
def test_averaged_model_matches_torch(make_average):
    e_model, t_model = _pair()
    e_avg = _train_and_average(ember, e_model, make_average)
    t_avg = _train_and_average(torch, t_model, make_average)
    _assert_same_state(e_avg, t_avg)
    assert int(e_avg.n_averaged) == 5
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    e_avg.eval()
    t_avg.eval()
    assert_same(e_avg(ember.from_numpy(x.copy())), t_avg(torch.from_numpy(x)), "averaged model's output")


def test_averaged_model_is_a_copy():
    model = _net(ember.nn)
    average = ember.optim.swa_utils.AveragedModel(model)
    with ember.no_grad():
        model[0].weight.add_(1.0)
    assert not np.allclose(average.module[0].weight.detach().numpy(), model[0].weight.detach().numpy())
    t_average = torch.optim.swa_utils.AveragedModel(_net(torch.nn))
    assert [n for n, _ in average.named_buffers()] == [n for n, _ in t_average.named_buffers()]


def test_swa_multi_avg_fn_on_integer_buffers_fails_like_torch():
    """torch's multi-tensor SWA divides num_batches_tracked with addcdiv, which refuses integers."""
    for lib, model in zip((ember, torch), _pair()):
        with pytest.raises(RuntimeError, match="Integer division with addcdiv is no longer supported"):
            _train_and_average(lib, model, lambda swa, m: swa.AveragedModel(
                m, multi_avg_fn=swa.get_swa_multi_avg_fn(), use_buffers=True))


@pytest.mark.parametrize("build", [
    lambda swa, lib: swa.AveragedModel(_net(lib.nn), avg_fn=swa.get_swa_avg_fn(),
                                       multi_avg_fn=swa.get_swa_multi_avg_fn()),
    lambda swa, lib: swa.get_ema_multi_avg_fn(1.5),
    lambda swa, lib: swa.get_ema_avg_fn(-0.1),
    lambda swa, lib: swa.SWALR(_sgd(lib), 0.05, anneal_strategy="exp"),
    lambda swa, lib: swa.SWALR(_sgd(lib), 0.05, anneal_epochs=-1),
    lambda swa, lib: swa.SWALR(_sgd(lib), 0.05, anneal_epochs=2.5),
    lambda swa, lib: swa.SWALR(_sgd(lib), [0.05, 0.01, 0.1]),
], ids=["both_fns", "ema_multi_decay", "ema_decay", "anneal_strategy", "anneal_epochs", "anneal_epochs_float",
        "swa_lr_count"])
def test_errors_match_torch(build):
    messages = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info:
            build(lib.optim.swa_utils, lib)
        messages.append((type(info.value), str(info.value)))
    assert messages[0] == messages[1]


def _sgd(lib):
    return lib.optim.SGD(_net(lib.nn).parameters(), lr=0.1)


# ---- update_bn ----
def _conv_net(nn):
    return nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3, momentum=0.3), nn.ReLU(), nn.Flatten(),
                         nn.Linear(12, 5), nn.BatchNorm1d(5, momentum=None))


def _recompute_bn(lib, model, batches, with_targets):
    """update_bn over a list of batches (or of (input, target) pairs) on a model left in eval mode."""
    momenta = [m.momentum for m in model.modules() if hasattr(m, "running_mean")]
    model.eval()
    loader = [(lib.from_numpy(b.copy()), lib.zeros(len(b))) if with_targets else lib.from_numpy(b.copy())
              for b in batches]
    lib.optim.swa_utils.update_bn(loader, model)
    assert not model.training
    assert [m.momentum for m in model.modules() if hasattr(m, "running_mean")] == momenta


@pytest.mark.parametrize("build,shape,with_targets", [
    (_net, (6, 3), False), (_net, (6, 3), True), (_conv_net, (4, 2, 4, 4), False),
], ids=["tensors", "input_target_pairs", "conv"])
def test_update_bn_matches_torch(build, shape, with_targets):
    rng = np.random.default_rng(2)
    batches = [rng.standard_normal(shape).astype(np.float32) * (i + 1) for i in range(4)]
    t_model, e_model = build(torch.nn), build(ember.nn)
    copy_state(e_model, t_model)
    _recompute_bn(torch, t_model, batches, with_targets)
    _recompute_bn(ember, e_model, batches, with_targets)
    _assert_same_state(e_model, t_model)


def test_update_bn_without_batchnorm_does_nothing():
    model = ember.nn.Sequential(ember.nn.Linear(3, 2))
    model.eval()
    ember.optim.swa_utils.update_bn([ember.ones(2, 3)], model)
    assert not model.training


# ---- SWALR ----
SWALRS = {
    "cos": lambda S, opt: library(S).optim.swa_utils.SWALR(opt, swa_lr=0.02, anneal_epochs=5),
    "linear": lambda S, opt: library(S).optim.swa_utils.SWALR(opt, swa_lr=[0.02, 0.2], anneal_epochs=7,
                                                              anneal_strategy="linear"),
    "no_annealing": lambda S, opt: library(S).optim.swa_utils.SWALR(opt, swa_lr=0.3, anneal_epochs=0),
    "default": lambda S, opt: library(S).optim.swa_utils.SWALR(opt, swa_lr=0.01),
}


@pytest.mark.parametrize("make", SWALRS.values(), ids=SWALRS.keys())
def test_swalr_matches_torch(make):
    assert_same_trace(make, steps=15)


@pytest.mark.parametrize("make", SWALRS.values(), ids=SWALRS.keys())
def test_swalr_resumes(make):
    assert_resumes(make, resume_at=4, steps=15)


def test_swalr_after_cosine_annealing():
    """The usual recipe: anneal with CosineAnnealingLR, then switch to SWALR from the lr reached."""
    def make(S, opt):
        cosine = S.CosineAnnealingLR(opt, T_max=20)
        for _ in range(6):
            opt.step()
            cosine.step()
        return library(S).optim.swa_utils.SWALR(opt, swa_lr=0.01, anneal_epochs=4)
    assert_same_trace(make, steps=10)
