"""Autograd basics against torch: the study notes' examples, backward/grad API, hooks, graph structure."""
import warnings

import numpy as np
import pytest
import torch

import ember
from autograd_oracle import node_name, same_error, same_printout


def leaves(lib):
    return lib.tensor([1.], requires_grad=True), lib.tensor([2.], requires_grad=True)


def add_mul(lib, w, x):
    """The study notes' graph: y = (x + w) * (w + 1)."""
    a = lib.add(w, x)
    b = lib.add(w, 1)
    return a, b, lib.mul(a, b)


# ---- the study notes ----

def test_add_mul_gradient():
    def program(lib):
        w, x = leaves(lib)
        y = add_mul(lib, w, x)[2]
        y.backward()
        return w.grad, x.grad
    assert same_printout(program) == "(tensor([5.]), tensor([2.]))"


def test_is_leaf_flags_and_grads_of_non_leaves():
    def program(lib):
        w, x = leaves(lib)
        a, b, y = add_mul(lib, w, x)
        y.backward()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            grads = (a.grad, b.grad, y.grad)
        return [t.is_leaf for t in (w, x, a, b, y)], grads, len(caught)
    assert same_printout(program) == "([True, True, False, False, False], (None, None, None), 3)"


def test_grad_fn_names():
    def program(lib):
        w, x = leaves(lib)
        a, b, y = add_mul(lib, w, x)
        return w.grad_fn, node_name(y.grad_fn), node_name(a.grad_fn), node_name(b.grad_fn), y
    assert same_printout(program) == "(None, 'MulBackward0', 'AddBackward0', 'AddBackward0', " \
                                     "tensor([6.], grad_fn=<MulBackward0>))"


def test_grad_tensors_weight_the_outputs_of_cat():
    def program(lib):
        w, x = leaves(lib)
        a = lib.add(w, x)
        b = lib.add(w, 1)
        loss = lib.cat([lib.mul(a, b), lib.add(a, b)], dim=0)
        loss.backward(gradient=lib.tensor([1., 2.]))
        return w.grad
    assert same_printout(program) == "tensor([9.])"


def test_grads_accumulate_over_backward_calls_until_zeroed():
    def program(lib):
        w, x = leaves(lib)
        seen = []
        for _ in range(4):
            add_mul(lib, w, x)[2].backward()
            seen.append(w.grad.clone())
        w.grad.zero_()
        return seen, w.grad
    assert same_printout(program) == "([tensor([5.]), tensor([10.]), tensor([15.]), tensor([20.])], tensor([0.]))"


def test_second_derivative():
    def program(lib):
        x = lib.tensor([3.], requires_grad=True)
        first = lib.autograd.grad(lib.pow(x, 2), x, create_graph=True)
        return first, lib.autograd.grad(first[0], x)
    assert same_printout(program) == "((tensor([6.], grad_fn=<MulBackward0>),), (tensor([2.]),))"


def test_third_derivative():
    def program(lib):
        x = lib.tensor([3.], requires_grad=True)
        first = lib.autograd.grad(x ** 3, x, create_graph=True)
        second = lib.autograd.grad(first[0], x, create_graph=True)
        return first, second, lib.autograd.grad(second[0], x)
    assert "(tensor([6.]),)" in same_printout(program)


def test_hook_modifying_grad_in_place_and_returning_a_new_one():
    def program(lib):
        w, x = leaves(lib)

        def hook(grad):
            grad *= 2
            return grad * 3
        handle = w.register_hook(hook)
        add_mul(lib, w, x)[2].backward()
        hooked = w.grad.clone()
        handle.remove()
        w.grad.zero_()
        add_mul(lib, w, x)[2].backward()
        return hooked, w.grad
    assert same_printout(program) == "(tensor([30.]), tensor([5.]))"


# ---- backward and grad ----

def test_backward_with_gradient_argument():
    def program(lib):
        x = lib.tensor([1., 2., 3.], requires_grad=True)
        (x * x).backward(lib.tensor([1., 10., 100.]))
        return x.grad
    same_printout(program)


def test_backward_twice_with_retain_graph_accumulates():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad
    assert same_printout(program) == "tensor([4., 8.])"


def test_backward_create_graph_makes_grad_differentiable():
    def program(lib):
        x = lib.tensor([3.], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (x ** 3).backward(create_graph=True)
        first = x.grad
        return first, lib.autograd.grad(first, x)
    assert same_printout(program) == "(tensor([27.], grad_fn=<CopyBackwards>), (tensor([18.]),))"


def test_backward_inputs_restricts_accumulation():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        w = lib.tensor([3., 4.], requires_grad=True)
        y = x * 2
        (y * w).sum().backward(inputs=[w, y])
        return x.grad, w.grad, y.grad
    assert same_printout(program) == "(None, tensor([2., 4.]), tensor([3., 4.]))"


def test_autograd_backward_with_several_roots():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        lib.autograd.backward([x * x, x * 3], [lib.tensor([1., 1.]), lib.tensor([2., 0.5])])
        first = x.grad.clone()
        lib.autograd.backward([(x * x).sum(), (x * 3).sum()])
        return first, x.grad
    assert same_printout(program) == "(tensor([8.0000, 5.5000]), tensor([13.0000, 12.5000]))"


def test_grad_returns_without_touching_dot_grad():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = (x * x).sum()
        return lib.autograd.grad(y, x, retain_graph=True), lib.autograd.grad(y, [x]), x.grad
    assert same_printout(program) == "((tensor([2., 4.]),), (tensor([2., 4.]),), None)"


def test_grad_with_grad_outputs():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        return lib.autograd.grad(x * x, x, grad_outputs=lib.tensor([1., 10.]))
    assert same_printout(program) == "(tensor([ 2., 40.]),)"


def test_grad_with_respect_to_a_non_leaf():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = x * 2
        return lib.autograd.grad((y * y).sum(), [y, x])
    assert same_printout(program) == "(tensor([4., 8.]), tensor([ 8., 16.]))"


def test_grad_allow_unused():
    def program(lib):
        x, unused = lib.tensor([1., 2.], requires_grad=True), lib.tensor([3.], requires_grad=True)
        return lib.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
    assert same_printout(program) == "(tensor([2., 2.]), None)"


def test_grad_unused_input_is_an_error_by_default():
    def program(lib):
        x, unused = lib.tensor([1., 2.], requires_grad=True), lib.tensor([3.], requires_grad=True)
        lib.autograd.grad((x * 2).sum(), [x, unused])
    assert "index 1" in same_error(program)


def test_grad_materialize_grads_gives_zeros_for_unused():
    def program(lib):
        x, unused = lib.tensor([1., 2.], requires_grad=True), lib.tensor([3.], requires_grad=True)
        return lib.autograd.grad((x * 2).sum(), [x, unused], materialize_grads=True)
    assert same_printout(program) == "(tensor([2., 2.]), tensor([0.]))"


def test_retain_grad_on_non_leaf():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = x * 3
        y.retain_grad()
        z = (y * y).sum()
        z.backward()
        return y.grad, y.retains_grad, x.retains_grad, z.retains_grad, x.grad
    assert same_printout(program) == "(tensor([ 6., 12.]), True, False, False, tensor([18., 36.]))"


def test_next_functions_structure():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        constant = lib.tensor([1., 2.])
        y = (x * constant + constant).sum()
        add = y.grad_fn.next_functions[0][0]
        mul = add.next_functions[0][0]
        accumulate = mul.next_functions[0][0]
        names = [[(node_name(fn), nr) for fn, nr in node.next_functions] for node in (y.grad_fn, add, mul)]
        return names, accumulate.variable is x, accumulate.next_functions
    assert same_printout(program) == "([[('AddBackward0', 0)], [('MulBackward0', 0), (None, 0)], " \
                                     "[('AccumulateGrad', 0), (None, 0)]], True, ())"


def test_accumulate_grad_node_is_shared_by_uses_of_a_leaf():
    def program(lib):
        x = lib.tensor([1.], requires_grad=True)
        a, b = x * 2, x * 3
        return a.grad_fn.next_functions[0][0] is b.grad_fn.next_functions[0][0]
    assert same_printout(program) == "True"


def test_requires_grad_propagation():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        c = lib.tensor([1., 2.])
        return [(x + c).requires_grad, (c * 2).requires_grad, (x > 1).requires_grad, x.sum().requires_grad,
                x.detach().requires_grad, x.data.requires_grad, (x.detach() * x).requires_grad]
    assert same_printout(program) == "[True, False, False, True, False, False, True]"


def test_detach_shares_memory_and_version():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        d = x.detach()
        d[0] = 10
        return x, d, d.is_leaf, d.grad_fn, x._version
    assert same_printout(program) == "(tensor([10.,  2.], requires_grad=True), tensor([10.,  2.]), True, None, 1)"


def test_data_changes_values_without_autograd_noticing():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = x * 2
        z = y * y
        y.data.add_(1)
        z.sum().backward()
        x.data.mul_(2)
        return x, x.grad, x._version
    assert same_printout(program) == "(tensor([2., 4.], requires_grad=True), tensor([12., 20.]), 0)"


def test_requires_grad_flag_rules():
    def program(lib):
        x = lib.tensor([1., 2.])
        before = x.requires_grad
        x.requires_grad_()
        y = x * 2
        return before, x.requires_grad, y.requires_grad_(True).requires_grad, \
            lib.tensor([1, 2]).requires_grad_(False).requires_grad
    assert same_printout(program) == "(False, True, True, False)"


@pytest.mark.parametrize("make", [
    lambda lib: (lib.tensor([1.], requires_grad=True) * 2).requires_grad_(False),
    lambda lib: lib.tensor([1, 2]).requires_grad_(),
    lambda lib: setattr(lib.tensor([1, 2]), "requires_grad", True),
], ids=["non_leaf", "int_tensor", "int_tensor_attribute"])
def test_requires_grad_errors(make):
    same_error(make)


def test_hooks_on_non_leaf_replace_its_grad_and_can_be_removed():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = x * 2
        seen = []
        handle = y.register_hook(lambda g: seen.append(g.clone()) or g * 10)
        (y * y).sum().backward(retain_graph=True)
        hooked = x.grad.clone()
        handle.remove()
        x.grad = None
        (y * y).sum().backward()
        return hooked, x.grad, seen
    assert same_printout(program) == "(tensor([ 80., 160.]), tensor([ 8., 16.]), [tensor([4., 8.])])"


def test_hooks_run_in_registration_order():
    def program(lib):
        x = lib.tensor([1.], requires_grad=True)
        order = []
        x.register_hook(lambda g: order.append(("first", g.item())) or g + 1)
        x.register_hook(lambda g: order.append(("second", g.item())))
        (x * 3).backward()
        return order, x.grad
    assert same_printout(program) == "([('first', 3.0), ('second', 4.0)], tensor([4.]))"


def test_hook_on_tensor_without_grad_is_an_error():
    same_error(lambda lib: lib.tensor([1.]).register_hook(lambda g: g))


def test_node_hooks_see_grad_inputs_and_outputs():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = x * 3
        seen = []
        y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: seen.append((grad_inputs, grad_outputs)))
        y.grad_fn.register_prehook(lambda grad_outputs: (grad_outputs[0] * 2,))
        y.sum().backward()
        return seen, x.grad
    assert same_printout(program) == "([((tensor([6., 6.]), None), (tensor([2., 2.]),))], tensor([6., 6.]))"


def test_post_accumulate_grad_hook_sees_the_leaf():
    def program(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        seen = []
        x.register_post_accumulate_grad_hook(lambda leaf: seen.append(leaf.grad.clone()))
        (x * x).sum().backward()
        return seen
    assert same_printout(program) == "[tensor([2., 4.])]"


def test_diamond_graph_sums_both_paths():
    def program(lib):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        shared = x.exp()
        (shared * 2 + shared * shared).sum().backward()
        return x.grad
    same_printout(program)


def test_deep_chain_has_no_recursion_limit():
    def program(lib):
        x = lib.tensor([1.], requires_grad=True)
        y = x
        for _ in range(2000):
            y = y * 1.0001
        y.backward()
        return x.grad
    same_printout(program)


def test_same_numbers_as_the_oracle_for_a_small_network():
    rng = np.random.default_rng(0)
    data = [rng.standard_normal(shape).astype(np.float32) for shape in ((4, 3), (3, 5), (5,))]

    def program(lib):
        x, w, b = (lib.from_numpy(d.copy()) for d in data)
        w.requires_grad_()
        b.requires_grad_()
        loss = (lib.sigmoid(x @ w + b) ** 2).mean()
        loss.backward()
        return w.grad.numpy(), b.grad.numpy()
    (ew, eb), (tw, tb) = program(ember), program(torch)
    np.testing.assert_allclose(ew, tw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(eb, tb, rtol=1e-5, atol=1e-6)


def test_variable_is_the_tensor_itself():
    x = ember.tensor([1.])
    v = ember.autograd.Variable(x, requires_grad=True)
    assert v is x and x.requires_grad

