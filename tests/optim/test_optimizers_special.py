"""LBFGS (closure, strong Wolfe line search) and sparse embedding gradients (SparseAdam, Adagrad, SGD) vs torch."""
import copy

import numpy as np
import pytest
import torch

import ember
from test_optimizers import _to_ember, assert_same_state_dict

RNG = np.random.default_rng(1)
A = RNG.standard_normal((8, 5)).astype(np.float32)
B = RNG.standard_normal(8).astype(np.float32)
W0 = RNG.standard_normal(5).astype(np.float32)
C0 = RNG.standard_normal(2).astype(np.float32)


def _lbfgs_problem(lib, kwargs, start=(W0, C0)):
    """A least-squares fit with a quartic term, so the line search has work to do."""
    w, c = (lib.nn.Parameter(lib.from_numpy(a.copy())) for a in start)
    opt = lib.optim.LBFGS([w, c], **kwargs)
    a, b = lib.from_numpy(A), lib.from_numpy(B)

    def closure():
        opt.zero_grad()
        loss = ((a @ w + c[0] - b) ** 2).mean() + 0.1 * (w ** 4).sum() + (c[1] - 1) ** 2
        loss.backward()
        return loss
    return (w, c), opt, closure


def _run_lbfgs(params, opt, closure, steps):
    losses, trajectory = [], []
    for _ in range(steps):
        losses.append(opt.step(closure).item())
        trajectory.append([p.detach().numpy().copy() for p in params])
    return losses, trajectory


LBFGS_CASES = [{"max_iter": 3}, {"lr": 0.5, "max_iter": 4, "history_size": 2},
               {"line_search_fn": "strong_wolfe", "max_iter": 3},
               {"line_search_fn": "strong_wolfe", "max_iter": 2, "history_size": 2, "tolerance_grad": 1e-5,
                "tolerance_change": 1e-7}]


@pytest.mark.parametrize("kwargs", LBFGS_CASES, ids=["max_iter", "lr-history", "strong_wolfe",
                                                     "strong_wolfe-options"])
def test_lbfgs_matches_torch_iteration_by_iteration(kwargs):
    e = _lbfgs_problem(ember, kwargs)
    t = _lbfgs_problem(torch, kwargs)
    e_losses, e_traj = _run_lbfgs(*e, steps=3)
    t_losses, t_traj = _run_lbfgs(*t, steps=3)
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-5)
    for got, expected in zip(e_traj, t_traj):
        for g, x in zip(got, expected):
            np.testing.assert_allclose(g, x, rtol=1e-5, atol=1e-6)
    assert_same_state_dict(e[1].state_dict(), t[1].state_dict(), rtol=1e-3, atol=1e-6)  # ro = 1/(y.s) cancels


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_converges_to_torchs_minimum(line_search_fn):
    """Run to convergence: the last float32 digits decide when to stop, so only the minimum is compared."""
    (e_params, e_opt, e_closure), (t_params, t_opt, t_closure) = (
        _lbfgs_problem(lib, {"line_search_fn": line_search_fn}) for lib in (ember, torch))
    e_losses, e_traj = _run_lbfgs(e_params, e_opt, e_closure, 3)
    t_losses, t_traj = _run_lbfgs(t_params, t_opt, t_closure, 3)
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-5)
    np.testing.assert_allclose(e_closure().item(), t_closure().item(), rtol=1e-6)
    for g, x in zip(e_traj[-1], t_traj[-1]):
        np.testing.assert_allclose(g, x, atol=1e-4)
    assert e_opt.state[e_params[0]]["func_evals"] > 10


def test_lbfgs_state_dict_resumes_identically_and_loads_from_torch():
    kwargs = {"line_search_fn": "strong_wolfe", "max_iter": 3, "history_size": 4}
    params, opt, closure = _lbfgs_problem(ember, kwargs)
    _run_lbfgs(params, opt, closure, 2)
    saved = copy.deepcopy(opt.state_dict())
    r_params, resumed, r_closure = _lbfgs_problem(ember, kwargs, [p.detach().numpy() for p in params])
    resumed.load_state_dict(saved)
    got, expected = _run_lbfgs(r_params, resumed, r_closure, 2), _run_lbfgs(params, opt, closure, 2)
    assert got[0] == expected[0]
    for g, x in zip(got[1], expected[1]):
        assert all(np.array_equal(a, b) for a, b in zip(g, x))
    t_params, t_opt, t_closure = _lbfgs_problem(torch, kwargs)
    _run_lbfgs(t_params, t_opt, t_closure, 2)
    e_params, e_opt, e_closure = _lbfgs_problem(ember, kwargs, [p.detach().numpy() for p in t_params])
    e_opt.load_state_dict(_to_ember(t_opt.state_dict()))
    e_losses, _ = _run_lbfgs(e_params, e_opt, e_closure, 2)
    t_losses, _ = _run_lbfgs(t_params, t_opt, t_closure, 2)
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-4)


def test_lbfgs_stops_at_once_when_the_gradient_is_tiny():
    params, opt, _ = _lbfgs_problem(ember, {})

    def flat_closure():
        opt.zero_grad()
        loss = (params[0] * 0).sum() + (params[1] * 0).sum()
        loss.backward()
        return loss
    before = [p.detach().numpy().copy() for p in params]
    assert float(opt.step(flat_closure)) == 0.0
    assert all((p.detach().numpy() == b).all() for p, b in zip(params, before))
    assert opt.state[params[0]] == {"func_evals": 1, "n_iter": 0}


INDICES = [[1, 3, 3, 7], [0, 1, 2], [9, 9], [4, 1, 8, 2, 5]]


def _embedding_run(lib, name, kwargs, steps=12):
    gen = np.random.default_rng(5)
    emb = lib.nn.Embedding(10, 3, sparse=True)
    with lib.no_grad():
        emb.weight.copy_(lib.from_numpy(gen.standard_normal((10, 3)).astype(np.float32)))
    opt = getattr(lib.optim, name)(emb.parameters(), **kwargs)
    target = lib.from_numpy(gen.standard_normal(3).astype(np.float32))
    trajectory = []
    for i in range(steps):
        opt.zero_grad()
        ((emb(lib.tensor(INDICES[i % len(INDICES)])) - target) ** 2).sum().backward()
        assert emb.weight.grad.is_sparse
        opt.step()
        trajectory.append(emb.weight.detach().numpy().copy())
    return trajectory, opt


@pytest.mark.parametrize("name, kwargs", [
    ("SparseAdam", {}), ("SparseAdam", {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-4}),
    ("SparseAdam", {"lr": 0.01, "maximize": True}), ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.2, "maximize": True}),
    ("SGD", {"lr": 0.05}),
], ids=["sparse-adam", "sparse-adam-options", "sparse-adam-maximize", "adagrad", "adagrad-options", "sgd"])
def test_sparse_embedding_gradients_match_torch(name, kwargs):
    e_traj, e_opt = _embedding_run(ember, name, kwargs)
    t_traj, t_opt = _embedding_run(torch, name, kwargs)
    for step, (g, x) in enumerate(zip(e_traj, t_traj)):
        np.testing.assert_allclose(g, x, rtol=1e-5, atol=1e-6, err_msg=f"step {step + 1}")
    assert_same_state_dict(e_opt.state_dict(), t_opt.state_dict())


def test_sparse_adam_refuses_dense_gradients_and_adagrad_sparse_weight_decay():
    def dense(lib):
        p = lib.nn.Parameter(lib.ones(3))
        opt = lib.optim.SparseAdam([p])
        (p * 2).sum().backward()
        opt.step()

    def decayed(lib):
        emb = lib.nn.Embedding(4, 2, sparse=True)
        opt = lib.optim.Adagrad(emb.parameters(), weight_decay=0.1)
        emb(lib.tensor([1])).sum().backward()
        opt.step()
    for case in (dense, decayed):
        with pytest.raises(RuntimeError) as expected:
            case(torch)
        with pytest.raises(RuntimeError) as got:
            case(ember)
        assert str(got.value) == str(expected.value)
