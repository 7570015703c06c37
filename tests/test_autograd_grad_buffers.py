"""A leaf's first gradient: .grad takes the engine's fresh array without a copy (as torch steals it), but never an
array that something else still holds. Values are checked against torch; sharing with np.shares_memory."""
import numpy as np

import ember
from autograd_oracle import same_printout


def _arrays(*tensors):
    return [t._array for t in tensors]


def _copies(monkeypatch):
    """Record each copy the engine makes of an incoming gradient."""
    copies, copy = [], ember.Tensor._own_copy
    monkeypatch.setattr(ember.Tensor, "_own_copy", lambda self: copies.append(tuple(self.shape)) or copy(self))
    return copies


def test_a_linear_layers_gradients_are_taken_without_copies(monkeypatch):
    copies = _copies(monkeypatch)
    model = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.ReLU(), ember.nn.Linear(3, 2))
    loss = ember.nn.functional.cross_entropy(model(ember.randn(5, 4)), ember.tensor([0, 1, 1, 0, 1]))
    loss.backward()
    assert copies == []
    assert all(p.grad._array.flags.c_contiguous and p.grad.shape == p.shape for p in model.parameters())


def test_linear_gradients_match_torch_and_accumulate():
    def program(lib):
        rng = np.random.default_rng(0)
        layer = lib.nn.Linear(4, 3)
        with lib.no_grad():
            layer.weight.copy_(lib.tensor(rng.standard_normal((3, 4)).astype(np.float32)))
            layer.bias.copy_(lib.tensor(rng.standard_normal(3).astype(np.float32)))
        x = lib.tensor(rng.standard_normal((5, 4)).astype(np.float32))
        layer(x).pow(2).sum().backward()
        first = layer.weight.grad.clone()
        layer(x).sum().backward()
        return first, layer.weight.grad, layer.bias.grad, layer.weight.grad.is_contiguous()
    same_printout(program)


def test_one_gradient_delivered_to_two_leaves_is_copied_for_one():
    a, b = ember.randn(3, requires_grad=True), ember.randn(3, requires_grad=True)
    (a + b).backward(ember.ones(3))
    assert not np.shares_memory(*_arrays(a.grad, b.grad))
    a.grad.add_(1)
    assert b.grad.tolist() == [1.0, 1.0, 1.0]


def test_a_gradient_a_hook_kept_is_not_taken():
    kept = []
    w = ember.randn(2, 3, requires_grad=True)
    w.register_hook(kept.append)
    (w * 2).sum().backward()
    (w * 2).sum().backward()
    assert not np.shares_memory(*_arrays(kept[0], w.grad))
    assert kept[0].tolist() == [[2.0] * 3] * 2 and w.grad.tolist() == [[4.0] * 3] * 2


def test_a_retained_gradient_and_the_leafs_are_separate():
    x = ember.randn(2, 2, requires_grad=True)
    y = x.view(4)
    y.retain_grad()
    (y * 3).sum().backward()
    assert not np.shares_memory(*_arrays(y.grad, x.grad))
    x.grad.zero_()
    assert y.grad.tolist() == [3.0] * 4


def test_a_gradient_given_by_the_caller_is_not_taken():
    x = ember.randn(3, requires_grad=True)
    given = ember.ones(3)
    x.backward(given)
    x.grad.add_(1)
    assert given.tolist() == [1.0, 1.0, 1.0]


def test_views_of_one_gradient_reaching_two_leaves_stay_apart():
    def program(lib):
        x = lib.ones(2, 3, requires_grad=True)
        w = lib.ones(6, requires_grad=True)
        (x.view(6) * w).sum().backward()
        x.grad.add_(1)
        return x.grad, w.grad
    same_printout(program)
