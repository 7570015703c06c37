"""In-place ops inside graphs, against torch: gradients, grad_fn names (CopySlices, AsStrided...), versions."""
import numpy as np
import pytest

from autograd_oracle import node_name, same_error, same_printout, same_values

X = np.arange(1., 7.).reshape(2, 3)


def leaf(lib, dtype="float32"):
    return lib.tensor(X.astype(dtype).tolist(), dtype=getattr(lib, dtype), requires_grad=True)


def weighted_backward(lib, out):
    """Backpropagate distinct weights, so every element's gradient is checked."""
    weights = np.arange(out.numel(), dtype=np.float64).reshape(tuple(out.shape)) + 1
    (out * lib.tensor(weights.tolist(), dtype=out.dtype)).sum().backward()


def chain_on_non_leaf(lib, x):
    y = x * 2
    y.add_(1)
    y *= x
    return y


def setitem_and_slice_update(lib, x):
    y = x.clone()
    y[0] = 5
    y[1, 0:2] *= 2
    return y


def in_place_on_a_slice_view(lib, x):
    y = x * 1
    v = y[0:1]
    v.mul_(3)
    return y


def in_place_on_a_column_view(lib, x):
    y = x * 1
    y[:, 1].mul_(3)
    return y


def transpose_in_place(lib, x):
    y = x * 1
    y.t_()
    return y * lib.tensor([[1., 2.], [3., 4.], [5., 6.]])


def transpose_in_place_on_a_view(lib, x):
    y = x * 1
    v = y[:, :2]
    v.t_()
    return v * lib.tensor([[1., 2.], [3., 4.]])


def exp_in_place(lib, x):
    y = x * 0.5
    y.exp_()
    return y


def relu_in_place(lib, x):
    return (x - 3).relu_()


def sigmoid_in_place(lib, x):
    return (x * 0.3).sigmoid_()


def tanh_in_place(lib, x):
    return (x * 0.3).tanh_()


def clamp_in_place(lib, x):
    return (x * 1).clamp_(2, 5)


def pow_in_place(lib, x):
    y = x * 1
    y.mul_(x)
    y.pow_(2)
    return y


def div_in_place(lib, x):
    y = x * 1
    y.div_(x + 1)
    return y


def plus_equals(lib, x):
    y = x * 2
    y += 1
    y -= x
    return y


def view_of_a_view(lib, x):
    y = x * 1
    row = y[1]
    row[1:].mul_(10)
    return y


def view_used_after_its_base_changed(lib, x):
    y = x * 1
    row = y[0]
    y.mul_(3)
    return row * 2


def view_changed_then_base_changed(lib, x):
    y = x * 1
    row = y[0]
    row.mul_(2)
    y.add_(1)
    return row * y[1]


def reshaped_view_in_place(lib, x):
    y = x * 1
    y.view(3, 2).add_(1)
    return y * y.view(-1).view(2, 3)


def copy_into_a_view(lib, x):
    y = x * 1
    y[0].copy_(x[1] * 2)
    return y


def zero_in_place(lib, x):
    y = x * 1
    y.zero_()
    return y


def fill_with_number(lib, x):
    y = x * 1
    y[1].fill_(7)
    return y


def setitem_reading_itself(lib, x):
    y = x.clone()
    y[0, 1] = y[1, 2] * 3
    return y


def advanced_setitem(lib, x):
    y = x.clone()
    y[[0, 1], [1, 2]] = 0
    return y


def mask_setitem(lib, x):
    y = x.clone()
    y[y > 3] = 0.5
    return y


def chained_views_then_fill(lib, x):
    y = x * 1
    y.unsqueeze(0).squeeze(0)[0].fill_(7)
    return y


PROGRAMS = [chain_on_non_leaf, setitem_and_slice_update, in_place_on_a_slice_view, in_place_on_a_column_view,
            transpose_in_place, transpose_in_place_on_a_view, exp_in_place, relu_in_place, sigmoid_in_place,
            tanh_in_place, clamp_in_place, pow_in_place, div_in_place, plus_equals, view_of_a_view,
            view_used_after_its_base_changed, view_changed_then_base_changed, reshaped_view_in_place,
            copy_into_a_view, zero_in_place, fill_with_number, setitem_reading_itself, advanced_setitem,
            mask_setitem, chained_views_then_fill]


@pytest.mark.parametrize("make", PROGRAMS, ids=[p.__name__ for p in PROGRAMS])
def test_gradients_through_in_place_ops(make):
    def program(lib):
        x = leaf(lib)
        out = make(lib, x)
        weighted_backward(lib, out)
        return out, x.grad
    same_values(program)


def test_the_study_notes_mul_self_in_place_fails_like_torch():
    def program(lib):
        y = leaf(lib) * 2
        y.add_(1)
        y.mul_(y)
        y.sum().backward()
    assert "output 0 of Mul, is at version 2; expected version 1 instead" in same_error(program)


def test_in_place_with_a_second_operand_requiring_grad():
    def program(lib):
        x = leaf(lib)
        w = lib.tensor([2., 3., 4.], requires_grad=True)
        y = x * 1
        y.mul_(w)
        (y * y).sum().backward()
        return y, x.grad, w.grad
    same_values(program)


def test_fill_with_a_tensor_value_is_differentiable_in_it():
    def program(lib):
        x = leaf(lib)
        value = lib.tensor(2., requires_grad=True)
        y = x * 1
        y.fill_(value)
        (y * y).sum().backward()
        return y, x.grad, value.grad
    same_values(program)


def test_copy_broadcasts_and_casts_its_source():
    def program(lib):
        src = lib.tensor([1., 2., 3.], dtype=lib.float64, requires_grad=True)
        y = leaf(lib) * 1
        y.copy_(src)
        weighted_backward(lib, y)
        return y, src.grad
    same_values(program)


def test_in_place_makes_a_tensor_without_grad_require_it():
    def program(lib):
        x = leaf(lib)
        y = lib.ones(2, 3)
        y.mul_(x)
        y.retain_grad()
        (y * y).sum().backward()
        return y.grad_fn, x.grad, y.grad, y.is_leaf
    same_values(program)


def test_base_becomes_copy_slices_and_view_as_strided():
    def program(lib):
        y = leaf(lib) * 1
        row = y[0]
        row.mul_(2)
        copy_slices, as_strided = y.grad_fn, row.grad_fn
        return node_name(copy_slices), node_name(copy_slices.next_functions[0][0]), node_name(as_strided), \
            as_strided.next_functions[0][0] is copy_slices, y, row
    assert same_printout(program).startswith("('CopySlices', 'MulBackward0', 'AsStridedBackward0', True, ")


def test_stale_view_is_read_again_from_its_base():
    def program(lib):
        y = leaf(lib) * 1
        row = y[0]
        y.mul_(3)
        return row, node_name(row.grad_fn)
    assert same_printout(program) == "(tensor([3., 6., 9.], grad_fn=<AsStridedBackward0>), 'AsStridedBackward0')"


def test_grad_fn_names_of_in_place_ops():
    def program(lib):
        x = leaf(lib)
        names = []
        for op in (lambda y: y.zero_(), lambda y: y.fill_(3), lambda y: y.fill_(lib.tensor(2.)),
                   lambda y: y.copy_(lib.ones(2, 3)), lambda y: y.t_(), lambda y: y.exp_(), lambda y: y.add_(1)):
            names.append(node_name(op(x * 1).grad_fn))
        return names
    assert same_printout(program) == "['ZeroBackward0', 'FillBackward2', 'FillBackward3', 'CopyBackwards', " \
                                     "'TBackward1', 'ExpBackward0', 'AddBackward0']"


def test_versions_count_in_place_changes_shared_by_views():
    def program(lib):
        y = leaf(lib) * 1
        row = y[0]
        before = y._version
        row.add_(1)
        y += 1
        y.t_()
        return before, y._version, row._version
    assert same_printout(program) == "(0, 3, 3)"


def test_double_backward_through_in_place_on_a_view():
    def program(lib):
        x = leaf(lib, "float64")
        y = x * 1
        y[0].mul_(x[1])
        (g,) = lib.autograd.grad((y * y).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        return g, gg
    same_values(program, rtol=1e-12, atol=1e-12)


def test_double_backward_through_a_stale_view():
    def program(lib):
        x = leaf(lib, "float64")
        y = x * 1
        row = y[1]
        y.mul_(x)
        (g,) = lib.autograd.grad((row ** 3).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        return g, gg
    same_values(program, rtol=1e-12, atol=1e-12)


def test_in_place_under_no_grad_is_not_recorded():
    def program(lib):
        x = leaf(lib)
        y = x * 2
        with lib.no_grad():
            y.add_(100)
        y.sum().backward()
        return y, x.grad, y._version
    same_values(program)
