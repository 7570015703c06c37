"""Whole programs in the study notes' style, run once with torch and once with ember from the same numpy
data and weights; their printed numbers must agree."""
import contextlib
import io
import re

import numpy as np
import torch

import ember

NUMBER = re.compile(r"-?\d+\.?\d*(?:e[-+]?\d+)?")


def run_program(source, lib, **data):
    """Run ``source`` with ``torch`` bound to ``lib`` and numpy inputs in scope; return what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(source, {"torch": lib, "np": np, **{k: v.copy() for k, v in data.items()}})
    return out.getvalue()


def assert_same_printout(source, rtol=1e-4, atol=1e-5, **data):
    expected = run_program(source, torch, **data)
    got = run_program(source, ember, **data)
    assert NUMBER.sub("#", got) == NUMBER.sub("#", expected), f"ember printed:\n{got}\ntorch printed:\n{expected}"
    got_numbers = [float(x) for x in NUMBER.findall(got)]
    expected_numbers = [float(x) for x in NUMBER.findall(expected)]
    np.testing.assert_allclose(got_numbers, expected_numbers, rtol=rtol, atol=atol)
    assert expected_numbers, "the program printed no numbers"
    return got


LINEAR_REGRESSION = """
lr = 0.05
x = torch.from_numpy(x_data)
y = 2 * x + (5 + torch.from_numpy(noise))
w = torch.tensor(w_init, requires_grad=True)
b = torch.zeros((1), requires_grad=True)
for iteration in range(200):
    wx = torch.mul(w, x)
    y_pred = torch.add(wx, b)
    loss = (0.5 * (y - y_pred) ** 2).mean()
    loss.backward()
    b.data.sub_(lr * b.grad)
    w.data.sub_(lr * w.grad)
    w.grad.zero_()
    b.grad.zero_()
    if iteration % 20 == 0:
        print('Loss=%.4f' % loss.data.numpy(), 'w:', w.data.numpy(), 'b:', b.data.numpy())
print(w, b, loss)
"""


def test_linear_regression_prints_the_same_losses():
    rng = np.random.default_rng(10)
    got = assert_same_printout(LINEAR_REGRESSION, x_data=(rng.random((20, 1)) * 10).astype(np.float32),
                               noise=rng.standard_normal((20, 1)).astype(np.float32),
                               w_init=rng.standard_normal(1).astype(np.float32).tolist())
    assert "grad_fn=<MeanBackward0>" in got and "requires_grad=True" in got


LOGISTIC_REGRESSION = """
x = torch.from_numpy(features)
y = torch.from_numpy(labels)
w = torch.from_numpy(w0).requires_grad_()
b = torch.zeros(1, requires_grad=True)
for step in range(60):
    p = torch.sigmoid(x @ w + b)
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.5 * w.grad
        b -= 0.5 * b.grad
    w.grad.zero_()
    b.grad.zero_()
    if step % 10 == 0:
        acc = ((p > 0.5).float() == y).float().mean()
        print(f'step {step} loss {loss.item():.5f} acc {acc.item():.3f}')
print(w.requires_grad, w.is_leaf, p.grad_fn is not None)
"""


def test_logistic_regression_by_hand():
    rng = np.random.default_rng(1)
    features = np.concatenate([rng.normal(1.7, 1, (50, 2)), rng.normal(-1.7, 1, (50, 2))]).astype(np.float32)
    labels = np.concatenate([np.ones(50), np.zeros(50)]).astype(np.float32)
    assert_same_printout(LOGISTIC_REGRESSION, features=features, labels=labels,
                         w0=rng.standard_normal(2).astype(np.float32) * 0.1)


MLP_WITH_HOOKS = """
x = torch.from_numpy(inputs)
target = torch.from_numpy(targets)
w1 = torch.from_numpy(w1_init).requires_grad_()
w2 = torch.from_numpy(w2_init).requires_grad_()
seen = []
for step in range(5):
    h = torch.relu(x.mm(w1))
    h.register_hook(lambda g: seen.append(g.abs().sum().item()))
    logits = h.mm(w2)
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probs = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
    loss = -log_probs[torch.arange(len(target)), target].mean()
    loss.backward()
    with torch.no_grad():
        for p in (w1, w2):
            p.sub_(0.1 * p.grad)
            p.grad = None
    print(f'step {step} loss {loss.item():.6f} hidden grad {seen[-1]:.6f}')
print(torch.argmax(logits, dim=1))
print(logits.max(dim=1))
"""


def test_mlp_training_with_a_tensor_hook():
    rng = np.random.default_rng(2)
    assert_same_printout(MLP_WITH_HOOKS, inputs=rng.standard_normal((16, 5)).astype(np.float32),
                         targets=rng.integers(0, 3, 16), w1_init=rng.standard_normal((5, 8)).astype(np.float32),
                         w2_init=rng.standard_normal((8, 3)).astype(np.float32))


CUSTOM_FUNCTION = """
class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2

x = torch.from_numpy(values).requires_grad_()
y = Cube.apply(x).sum()
(g,) = torch.autograd.grad(y, x, create_graph=True)
print(g)
g.sum().backward()
print(x.grad)
"""


def test_custom_function_and_double_backward():
    got = assert_same_printout(CUSTOM_FUNCTION, values=np.array([1.0, -2.0, 0.5]))
    assert "dtype=torch.float64" in got
