"""The Optimizer API around the update rules, against torch: hooks, zero_grad, closures, subclasses, the version
counter, state_dict hooks, and whole finetuning programs (frozen layers, per-group learning rates)."""
import importlib

import numpy as np
import pytest
import torch

import ember
from test_programs import assert_same_printout


def _hook_events(lib):
    log = []
    p = lib.nn.Parameter(lib.ones(2))
    opt = lib.optim.SGD([p], lr=0.1)
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: log.append(("pre", o is opt, len(args), kwargs)))
    post = opt.register_step_post_hook(lambda o, args, kwargs: log.append(("post", o is opt, len(args))))
    p.grad = lib.ones(2)
    opt.step()
    pre.remove()
    opt.step()
    post.remove()
    opt.step()
    replaced = opt.register_step_pre_hook(lambda o, args, kwargs: (args, {"closure": lambda: 7.0}))
    log.append(("closure loss", opt.step()))
    replaced.remove()
    log.append(p.detach().numpy().round(4).tolist())
    return log


def test_step_hooks_run_and_can_replace_the_arguments():
    assert _hook_events(ember) == _hook_events(torch)


def test_global_step_hooks():
    def events(lib):
        log = []
        opt_module = importlib.import_module(lib.__name__ + ".optim.optimizer")
        handles = [opt_module.register_optimizer_step_pre_hook(lambda o, a, k: log.append("global pre")),
                   opt_module.register_optimizer_step_post_hook(lambda o, a, k: log.append("global post"))]
        p = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.Adam([p])
        opt.register_step_pre_hook(lambda o, a, k: log.append("pre"))
        opt.register_step_post_hook(lambda o, a, k: log.append("post"))
        opt.step()
        for handle in handles:
            handle.remove()
        opt.step()
        return log
    assert events(ember) == events(torch) == ["global pre", "pre", "post", "global post", "pre", "post"]


def test_state_dict_hooks():
    def run(lib):
        log = []
        p = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([p], lr=0.1, momentum=0.5)
        opt.register_state_dict_pre_hook(lambda o: log.append("sd pre"))
        opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
        opt.register_load_state_dict_pre_hook(lambda o, sd: log.append(sorted(sd)))
        opt.register_load_state_dict_post_hook(lambda o: log.append("load post"))
        saved = opt.state_dict()
        opt.load_state_dict(saved)
        return log, sorted(saved)
    assert run(ember) == run(torch)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    def run(lib):
        p = lib.nn.Parameter(lib.ones(3))
        q = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([p, q], lr=0.1)
        (p * 3).sum().backward()
        grad = p.grad
        opt.zero_grad(set_to_none=set_to_none)
        if set_to_none:
            return p.grad is None, q.grad is None
        return p.grad is grad, p.grad.tolist(), p.grad.requires_grad, q.grad is None
    assert run(ember) == run(torch)


def test_step_under_no_grad_runs_the_closure_with_grad_and_returns_its_loss():
    def run(lib):
        p = lib.nn.Parameter(lib.tensor([1.0, -2.0]))
        opt = lib.optim.Adam([p], lr=0.1)

        def closure():
            opt.zero_grad()
            loss = (p ** 2).sum()
            loss.backward()
            return loss
        with lib.no_grad():
            losses = [opt.step(closure).item() for _ in range(3)]
        return losses, p.detach().numpy().tolist()
    got, expected = run(ember), run(torch)
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-6)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-6)


def test_step_bumps_the_version_counter_and_keeps_float32():
    p = ember.nn.Parameter(ember.ones(3))
    opt = ember.optim.Adam([p], lr=0.1)
    p.grad = ember.ones(3)
    view = p.detach()[1:]
    version = p._version
    opt.step()
    assert p._version > version and p.dtype == ember.float32 and view.tolist() == p.detach()[1:].tolist()
    assert all(v.dtype == ember.float32 for v in opt.state[p].values())


def _my_sgd(lib):
    class MySGD(lib.optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        @lib.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.add_(p.grad, alpha=-group["lr"])
                        self.state[p]["count"] = self.state[p].get("count", 0) + 1
    return MySGD


def test_a_user_optimizer_subclass_gets_groups_state_and_hooks():
    def run(lib):
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        opt = _my_sgd(lib)([p], lr=0.5)
        calls = []
        opt.register_step_post_hook(lambda o, a, k: calls.append("post"))
        for _ in range(3):
            opt.zero_grad()
            (p ** 2).sum().backward()
            opt.step()
        return p.detach().numpy().tolist(), calls, opt.state_dict()["state"], repr(opt)
    assert run(ember) == run(torch)


FINETUNE = """
def build():
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 8), torch.nn.Tanh(),
                                torch.nn.Linear(8, 3))
    with torch.no_grad():
        for layer, (w, b) in zip([model[0], model[2], model[4]], weights):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
    return model

x, y = torch.from_numpy(x_data), torch.from_numpy(y_data)
criterion = torch.nn.CrossEntropyLoss()

def train(model, optimizer, steps):
    for step in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        if step % 5 == 0:
            print(f"step {step}: loss {loss.item():.6f}")

# 1. frozen body: only the head trains
model = build()
for layer in (model[0], model[2]):
    for p in layer.parameters():
        p.requires_grad = False
head = [p for p in model.parameters() if p.requires_grad]
print(len(head), sum(p.numel() for p in head))
optimizer = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1, momentum=0.9)
train(model, optimizer, 20)
print(model[0].weight.grad, model[2].bias.grad)
print(torch.equal(model[0].weight, torch.from_numpy(weights[0][0])), model[4].weight.sum().item())
print(len(optimizer.state), optimizer.state_dict()["param_groups"][0]["params"])

# 2. two param groups: the head learns 10x faster than the body
model = build()
body = list(model[0].parameters()) + list(model[2].parameters())
optimizer = torch.optim.Adam([{"params": body, "lr": 1e-3}, {"params": model[4].parameters()}], lr=1e-2)
print(optimizer)
train(model, optimizer, 20)
for layer, (w, b) in zip([model[0], model[2], model[4]], weights):
    print((layer.weight - torch.from_numpy(w)).abs().max().item(),
          (layer.bias - torch.from_numpy(b)).abs().max().item())
print(optimizer.state[model[4].bias]["step"], optimizer.state[model[0].weight]["exp_avg"].abs().sum())

# 3. unfreeze the body later and add it as a new group
model = build()
for p in model[0].parameters():
    p.requires_grad = False
optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.05)
train(model, optimizer, 6)
for p in model[0].parameters():
    p.requires_grad = True
optimizer.add_param_group({"params": model[0].parameters(), "lr": 0.005})
train(model, optimizer, 6)
print([g["lr"] for g in optimizer.param_groups], model[0].weight.sum().item())
"""


def test_finetuning_frozen_layers_and_per_group_learning_rates_print_as_torch():
    gen = np.random.default_rng(3)
    shapes = [(8, 4), (8, 8), (3, 8)]
    weights = [((gen.standard_normal(s) / np.sqrt(s[1])).astype(np.float32),
                (gen.standard_normal(s[0]) * 0.1).astype(np.float32)) for s in shapes]
    got = assert_same_printout(FINETUNE, rtol=1e-4, atol=1e-5,
                               x_data=gen.standard_normal((16, 4)).astype(np.float32),
                               y_data=gen.integers(0, 3, 16), weights=weights)
    assert "None None" in got and "True" in got and "Parameter Group 1" in got
