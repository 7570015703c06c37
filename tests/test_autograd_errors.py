"""Autograd errors against torch: same exception class, and the same message where ember matches it exactly."""
import pytest

from autograd_oracle import same_error, same_printout


def leaf(lib):
    return lib.tensor([1., 2.], requires_grad=True)


def matrix_leaf(lib):
    return lib.tensor([[1., 2.], [3., 4.]], requires_grad=True)


def backward_twice(lib):
    y = (leaf(lib) * leaf(lib)).sum()
    y.backward()
    y.backward()


def saved_input_modified(lib):
    y = leaf(lib) * 2
    z = y * y
    y.add_(1)
    z.sum().backward()


def saved_output_modified(lib):
    y = leaf(lib).exp()
    y.add_(1)
    y.sum().backward()


def saved_output_of_in_place_op_modified(lib):
    y = leaf(lib).exp()
    y.sigmoid_()
    y.mul_(2)
    y.sum().backward()


def saved_operand_is_the_in_place_target(lib):
    y = leaf(lib) * 2
    y.add_(1)
    y.mul_(y)
    y.sum().backward()


def saved_constant_modified_twice(lib):
    b = lib.tensor([[1., 2.], [3., 4.]])
    y = matrix_leaf(lib).matmul(b)
    b.add_(1)
    b.add_(1)
    y.sum().backward()


def saved_view_base_modified(lib):
    b = matrix_leaf(lib) * 1
    v = b.t()
    y = v * v
    b.mul_(2)
    y.sum().backward()


def saved_base_modified_through_view(lib):
    b = matrix_leaf(lib) * 1
    y = b * b
    b[0].mul_(2)
    y.sum().backward()


def saved_detached_alias_modified(lib):
    y = leaf(lib) * 2
    z = y * y
    y.detach().add_(1)
    z.sum().backward()


@pytest.mark.parametrize("program", [
    saved_input_modified, saved_output_modified, saved_output_of_in_place_op_modified,
    saved_operand_is_the_in_place_target, saved_constant_modified_twice, saved_view_base_modified,
    saved_base_modified_through_view, saved_detached_alias_modified,
])
def test_saved_tensor_modified_in_place_names_it_and_its_versions(program):
    message = same_error(program)
    assert message.startswith("one of the variables needed for gradient computation has been modified")


def test_backward_twice_without_retain_graph():
    assert same_error(backward_twice).startswith("Trying to backward through the graph a second time")


def test_saved_tensors_of_a_freed_graph():
    def program(lib):
        y = leaf(lib).exp()
        y.sum().backward()
        return y.grad_fn.saved_tensors if lib.__name__ == "ember" else y.grad_fn._saved_result
    same_error(program)


def test_backward_twice_through_a_graph_without_saved_tensors_is_allowed():
    def program(lib):
        x = leaf(lib)
        y = (x + x).sum()
        y.backward()
        y.backward()
        return x.grad
    assert same_printout(program) == "tensor([4., 4.])"


@pytest.mark.parametrize("program", [
    lambda lib: leaf(lib).add_(1),
    lambda lib: leaf(lib).zero_(),
    lambda lib: leaf(lib)[0].mul_(2),
    lambda lib: leaf(lib).t_(),
], ids=["add_", "zero_", "view_mul_", "t_"])
def test_in_place_on_a_leaf_that_requires_grad(program):
    assert "leaf Variable that requires grad is being used in an in-place operation." in same_error(program)


def test_in_place_on_a_view_created_under_no_grad():
    def program(lib):
        y = leaf(lib) * 2
        with lib.no_grad():
            v = y[0]
        v.mul_(2)
    assert same_error(program).startswith("A view was created in no_grad mode")


def test_in_place_on_an_output_of_a_multi_output_view_function():
    def program(lib):
        first, _ = (matrix_leaf(lib) * 1).unbind(0)
        first.mul_(2)
    assert "returns multiple views" in same_error(program)


@pytest.mark.parametrize("program", [
    lambda lib: (leaf(lib) * 2).backward(),
    lambda lib: lib.autograd.grad(leaf(lib) * 2, leaf(lib)),
], ids=["backward", "grad"])
def test_non_scalar_output_needs_a_gradient(program):
    assert same_error(program) == "grad can be implicitly created only for scalar outputs"


def test_backward_of_a_tensor_that_does_not_require_grad():
    message = same_error(lambda lib: lib.tensor([1., 2.]).sum().backward())
    assert message == "element 0 of tensors does not require grad and does not have a grad_fn"


def test_grad_with_respect_to_a_tensor_that_does_not_require_grad():
    same_error(lambda lib: lib.autograd.grad((leaf(lib) * 2).sum(), lib.tensor([1.])))


def test_gradient_of_the_wrong_shape():
    message = same_error(lambda lib: (leaf(lib) * 2).backward(lib.tensor([1., 2., 3.])))
    assert message.startswith("Mismatch in shape: grad_output[0] has a shape of torch.Size([3])")


def test_as_many_gradients_as_tensors():
    def program(lib):
        x = leaf(lib)
        lib.autograd.backward([x * 2, x * 3], [lib.tensor([1., 1.])])
    assert same_error(program) == "got 2 tensors and 1 gradients"


def test_assigned_grad_of_the_wrong_size():
    def program(lib):
        leaf(lib).grad = lib.tensor([1.])
    same_error(program)


def test_assigned_grad_that_is_not_a_tensor():
    def program(lib):
        leaf(lib).grad = [1., 2.]
    same_error(program, exact=False)


def test_retain_grad_on_a_tensor_without_grad():
    same_error(lambda lib: lib.tensor([1.]).retain_grad())


def test_int_tensor_cannot_be_created_requiring_grad():
    same_error(lambda lib: lib.tensor([1, 2], requires_grad=True))


@pytest.mark.parametrize("key", [0, [0]], ids=["basic", "advanced"])
def test_setitem_on_a_leaf_that_requires_grad(key):
    def program(lib):
        leaf(lib)[key] = 5
    assert "leaf Variable that requires grad is being used in an in-place operation." in same_error(program)
