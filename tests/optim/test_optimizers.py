"""ember.optim optimizers against torch.optim: every option, 20 steps from the same start, parameters compared
after every step; state_dict layout, saving and resuming mid-training, loading a torch optimizer's state."""
import copy

import numpy as np
import pytest
import torch

import ember

RNG = np.random.default_rng(0)
X = RNG.standard_normal((6, 4)).astype(np.float32)
Y = RNG.standard_normal((6, 3)).astype(np.float32)
START = [RNG.standard_normal((4, 3)).astype(np.float32), RNG.standard_normal(3).astype(np.float32),
         RNG.standard_normal(2).astype(np.float32)]  # the last parameter never gets a gradient

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "maximize": True}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "maximize": True}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True, "maximize": True}),
    ("Adamax", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05, "betas": (0.3, 0.9), "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05, "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("RAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05, "betas": (0.9, 0.9), "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.5, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "eps": 1e-6, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-4, "weight_decay": 0.1}),
    ("Adadelta", {"maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.8, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "eps": 1e-4, "maximize": True}),
    ("Rprop", {"lr": 0.01}),
    ("Rprop", {"lr": 0.02, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.05)}),
    ("Rprop", {"lr": 0.01, "maximize": True}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 5, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.05, "t0": 3, "maximize": True}),
]
IDS = [f"{name}-{'-'.join(kwargs) or 'defaults'}" for name, kwargs in CASES]


def _loss(lib, params):
    w, b, _ = params
    return ((lib.from_numpy(X).to(w.dtype) @ w + b).tanh() - lib.from_numpy(Y).to(w.dtype)).pow(2).mean()


def _make(lib, name, kwargs, start=START):
    params = [lib.nn.Parameter(lib.from_numpy(a.copy())) for a in start]
    return params, getattr(lib.optim, name)(params, **kwargs)


def _train(lib, params, opt, steps):
    """``steps`` steps; the parameters' values after each."""
    trajectory = []
    for _ in range(steps):
        opt.zero_grad()
        _loss(lib, params).backward()
        opt.step()
        trajectory.append([p.detach().numpy().copy() for p in params])
    return trajectory


def _assert_close_trajectories(got, expected, rtol=1e-5, atol=1e-6):
    for step, (g, e) in enumerate(zip(got, expected, strict=True)):
        for i, (gp, ep) in enumerate(zip(g, e, strict=True)):
            assert gp.dtype == ep.dtype
            np.testing.assert_allclose(gp, ep, rtol=rtol, atol=atol, err_msg=f"step {step + 1}, param {i}")


def _to_ember(value):
    """A torch optimizer's state_dict converted tensor by tensor."""
    if isinstance(value, torch.Tensor):
        return ember.from_numpy(value.detach().numpy().copy())
    if isinstance(value, dict):
        return {k: _to_ember(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_ember(v) for v in value)
    return value


def assert_same_state_dict(e, t, rtol=1e-5, atol=1e-6, where="state_dict"):
    """Same keys, value types, dtypes and values (tensors as ember tensors)."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{where}: {type(e).__name__} is not a tensor"
        assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape), where
        np.testing.assert_allclose(e.numpy(), t.detach().numpy(), rtol=rtol, atol=atol, err_msg=where)
    elif isinstance(t, dict):
        assert isinstance(e, dict) and list(e) == list(t), f"{where}: keys {list(e)} != {list(t)}"
        for k in t:
            assert_same_state_dict(e[k], t[k], rtol, atol, f"{where}[{k!r}]")
    elif isinstance(t, (list, tuple)):
        assert type(e) is type(t) and len(e) == len(t), f"{where}: {e!r} != {t!r}"
        for i, (ei, ti) in enumerate(zip(e, t)):
            assert_same_state_dict(ei, ti, rtol, atol, f"{where}[{i}]")
    elif isinstance(t, float):
        assert type(e) is float and e == pytest.approx(t, rel=rtol, abs=atol), f"{where}: {e!r} != {t!r}"
    else:
        assert type(e) is type(t) and e == t, f"{where}: {e!r} != {t!r}"


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_twenty_steps_match_torch_and_state_dict_has_torchs_layout(name, kwargs):
    e_params, e_opt = _make(ember, name, kwargs)
    t_params, t_opt = _make(torch, name, kwargs)
    _assert_close_trajectories(_train(ember, e_params, e_opt, 20), _train(torch, t_params, t_opt, 20))
    assert_same_state_dict(e_opt.state_dict(), t_opt.state_dict(), rtol=1e-4, atol=1e-6)
    assert repr(e_opt) == repr(t_opt)
    assert e_params[2].grad is None and (e_params[2].detach().numpy() == START[2]).all()


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_state_dict_saved_mid_training_resumes_identically(name, kwargs):
    params, opt = _make(ember, name, kwargs)
    _train(ember, params, opt, 7)
    saved = copy.deepcopy(opt.state_dict())
    resumed_params, resumed = _make(ember, name, kwargs, start=[p.detach().numpy() for p in params])
    resumed.load_state_dict(saved)
    expected = _train(ember, params, opt, 8)
    got = _train(ember, resumed_params, resumed, 8)
    _assert_close_trajectories(got, expected, rtol=0, atol=0)
    assert_same_state_dict(resumed.state_dict(), _torchish(opt.state_dict()), rtol=0, atol=0)


def _torchish(value):
    """An ember state_dict with torch tensors, to compare two ember state_dicts with the same helper."""
    if isinstance(value, ember.Tensor):
        return torch.from_numpy(value.numpy().copy())
    if isinstance(value, dict):
        return {k: _torchish(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_torchish(v) for v in value)
    return value


@pytest.mark.parametrize("name, kwargs", CASES[1::2], ids=IDS[1::2])
def test_a_torch_optimizers_state_dict_loads_into_ember_and_continues(name, kwargs):
    t_params, t_opt = _make(torch, name, kwargs)
    _train(torch, t_params, t_opt, 6)
    e_params, e_opt = _make(ember, name, kwargs, start=[p.detach().numpy() for p in t_params])
    e_opt.load_state_dict(_to_ember(t_opt.state_dict()))
    _assert_close_trajectories(_train(ember, e_params, e_opt, 10), _train(torch, t_params, t_opt, 10))


@pytest.mark.parametrize("name", ["Adam", "RMSprop", "Adagrad"])
def test_an_old_state_dict_counting_steps_in_python_numbers_loads(name):
    t_params, t_opt = _make(torch, name, {"lr": 0.01})
    _train(torch, t_params, t_opt, 3)
    saved = t_opt.state_dict()
    for state in saved["state"].values():
        state["step"] = int(state["step"])
    start = [p.detach().numpy() for p in t_params]
    t_params, t_opt = _make(torch, name, {"lr": 0.01}, start)
    e_params, e_opt = _make(ember, name, {"lr": 0.01}, start)
    t_opt.load_state_dict(copy.deepcopy(saved))
    e_opt.load_state_dict(_to_ember(saved))
    _assert_close_trajectories(_train(ember, e_params, e_opt, 4), _train(torch, t_params, t_opt, 4))
    assert_same_state_dict(e_opt.state_dict(), t_opt.state_dict())


def test_loading_copies_the_state_so_the_saved_dict_stays_as_it_was():
    params, opt = _make(ember, "Adam", {"lr": 0.1})
    _train(ember, params, opt, 2)
    saved = opt.state_dict()
    before = saved["state"][0]["exp_avg"].numpy().copy()
    fresh_params, fresh = _make(ember, "Adam", {"lr": 0.1})
    fresh.load_state_dict(saved)
    _train(ember, fresh_params, fresh, 2)
    assert (saved["state"][0]["exp_avg"].numpy() == before).all()
    assert fresh.state[fresh_params[0]]["step"].item() == 4.0


@pytest.mark.parametrize("name, kwargs", [("SGD", {"lr": 0.1, "momentum": 0.9}), ("RMSprop", {"centered": True}),
                                          ("Adam", {"lr": 0.05, "amsgrad": True}), ("NAdam", {})])
def test_float64_parameters_match_torch_in_float64(name, kwargs):
    start = [a.astype(np.float64) for a in START]
    e_params, e_opt = _make(ember, name, kwargs, start)
    t_params, t_opt = _make(torch, name, kwargs, start)
    _assert_close_trajectories(_train(ember, e_params, e_opt, 20), _train(torch, t_params, t_opt, 20),
                               rtol=1e-10, atol=1e-12)
    assert_same_state_dict(e_opt.state_dict(), t_opt.state_dict(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "NAdam", "RAdam", "Adagrad", "RMSprop", "ASGD"])
def test_a_0_d_tensor_learning_rate(name):
    e_params, e_opt = _make(ember, name, {"lr": ember.tensor(0.03)})
    t_params, t_opt = _make(torch, name, {"lr": torch.tensor(0.03)})
    _assert_close_trajectories(_train(ember, e_params, e_opt, 5), _train(torch, t_params, t_opt, 5))
    assert repr(e_opt) == repr(t_opt)


def test_param_groups_override_defaults_and_share_the_rest():
    def build(lib):
        params = [lib.nn.Parameter(lib.from_numpy(a.copy())) for a in START]
        return params, lib.optim.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.5, "momentum": 0.9}],
                                     lr=0.1, momentum=0.1)
    e_params, e_opt = build(ember)
    t_params, t_opt = build(torch)
    _assert_close_trajectories(_train(ember, e_params, e_opt, 5), _train(torch, t_params, t_opt, 5))
    assert_same_state_dict(e_opt.state_dict(), t_opt.state_dict())
    extra = ember.nn.Parameter(ember.ones(2))
    e_opt.add_param_group({"params": extra, "weight_decay": 0.5})
    assert e_opt.param_groups[2]["params"] == [extra] and e_opt.param_groups[2]["lr"] == 0.1
    assert e_opt.param_groups[2]["weight_decay"] == 0.5


def test_named_parameters_become_param_names():
    e_opt = ember.optim.Adam(ember.nn.Linear(2, 3).named_parameters())
    t_opt = torch.optim.Adam(torch.nn.Linear(2, 3).named_parameters())
    assert e_opt.param_groups[0]["param_names"] == t_opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert e_opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]


def _error(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the class and text are what is compared
        return type(exc), str(exc)
    return None


@pytest.mark.parametrize("case", [
    lambda lib: lib.optim.SGD([], lr=0.1),
    lambda lib: lib.optim.Adam(lib.ones(2, requires_grad=True) * 2),
    lambda lib: lib.optim.Adam([lib.ones(2, requires_grad=True) * 2]),
    lambda lib: lib.optim.Adam([1.0]),
    lambda lib: lib.optim.Adam([{"params": {lib.nn.Parameter(lib.ones(2))}}]),
    lambda lib: _two_groups_sharing(lib),
    lambda lib: lib.optim.SGD([lib.nn.Parameter(lib.ones(2))], lr=0.1, nesterov=True),
    lambda lib: lib.optim.SGD([lib.nn.Parameter(lib.ones(2))], lr=0.1, momentum=-1),
    lambda lib: lib.optim.Adam([lib.nn.Parameter(lib.ones(2))], betas=(1.0, 0.9)),
    lambda lib: lib.optim.Adam([lib.nn.Parameter(lib.ones(2))], betas=(0.9, 1)),
    lambda lib: lib.optim.Adam([lib.nn.Parameter(lib.ones(2))], eps=-1.0),
    lambda lib: lib.optim.Adam([lib.nn.Parameter(lib.ones(2))], lr=lib.ones(2)),
    lambda lib: lib.optim.Adam([lib.nn.Parameter(lib.ones(2))], lr=lib.tensor(0.1), foreach=True),
    lambda lib: lib.optim.Adadelta([lib.nn.Parameter(lib.ones(2))], rho=1.5),
    lambda lib: lib.optim.Rprop([lib.nn.Parameter(lib.ones(2))], etas=(1.5, 0.5)),
    lambda lib: lib.optim.SparseAdam([lib.nn.Parameter(lib.ones(2))], lr=0.0),
    lambda lib: lib.optim.LBFGS([{"params": [lib.nn.Parameter(lib.ones(2))]},
                                 {"params": [lib.nn.Parameter(lib.ones(2))]}]),
    lambda lib: _load_mismatched(lib, groups=True),
    lambda lib: _load_mismatched(lib, groups=False),
], ids=["empty", "tensor-not-iterable", "non-leaf", "not-a-tensor", "set", "param-in-two-groups", "nesterov",
        "momentum", "beta0", "int-beta", "eps", "tensor-lr-size", "tensor-lr-foreach", "rho", "etas", "sparse-adam-lr", "lbfgs-groups",
        "load-groups", "load-group-size"])
def test_errors_match_torch(case):
    expected = _error(lambda: case(torch))
    assert expected is not None
    assert _error(lambda: case(ember)) == expected


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adagrad", "Adadelta",
                                  "RMSprop", "Rprop", "ASGD", "LBFGS"])
def test_invalid_learning_rate(name):
    expected = _error(lambda: getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2))], lr=-0.5))
    assert expected == (ValueError, "Invalid learning rate: -0.5")
    assert _error(lambda: getattr(ember.optim, name)([ember.nn.Parameter(ember.ones(2))], lr=-0.5)) == expected


@pytest.mark.parametrize("name", ["Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adadelta", "RMSprop", "Rprop",
                                  "ASGD"])
def test_capturable_needs_parameters_on_the_gpu(name):
    def run(lib):
        p = lib.nn.Parameter(lib.ones(2))
        p.grad = lib.ones(2)
        getattr(lib.optim, name)([p], capturable=True).step()
    for lib in (torch, ember):
        with pytest.raises(AssertionError, match="If capturable=True, params"):
            run(lib)


def _two_groups_sharing(lib):
    p = lib.nn.Parameter(lib.ones(2))
    return lib.optim.SGD([{"params": [p]}, {"params": [p, lib.nn.Parameter(lib.ones(1))]}], lr=0.1)


def _load_mismatched(lib, groups):
    a, b = lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(2))
    source = lib.optim.SGD([{"params": [a]}, {"params": [b]}] if groups else [a, b], lr=0.1)
    return lib.optim.SGD([lib.nn.Parameter(lib.ones(2))], lr=0.1).load_state_dict(source.state_dict())


@pytest.mark.parametrize("name", ["Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adadelta", "RMSprop", "Rprop",
                                  "ASGD"])
def test_sparse_gradients_are_refused_like_torch(name):
    def run(lib):
        emb = lib.nn.Embedding(5, 2, sparse=True)
        opt = getattr(lib.optim, name)(emb.parameters())
        emb(lib.tensor([1, 3])).sum().backward()
        opt.step()
    expected = _error(lambda: run(torch))
    assert expected is not None and expected[0] is RuntimeError
    assert _error(lambda: run(ember)) == expected
