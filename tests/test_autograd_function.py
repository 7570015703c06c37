"""User-defined autograd.Function and gradcheck / gradgradcheck, against torch."""
import warnings

import pytest
import torch

import ember
from autograd_oracle import node_name, same_error, same_printout, same_values

A = [[0.3, -0.5], [1.2, 0.7]]
B = [[0.1, 0.5], [-1.2, 2.7]]


def make_functions(lib):
    """The same custom Functions, subclassing ``lib.autograd.Function``."""
    Function = lib.autograd.Function

    class Exp(Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    class ScaledMul(Function):
        @staticmethod
        def forward(ctx, a, scale, b):
            ctx.scale = scale
            ctx.save_for_backward(a, b)
            return a * scale * b

        @staticmethod
        def backward(ctx, grad):
            a, b = ctx.saved_tensors
            grad_a = grad * ctx.scale * b if ctx.needs_input_grad[0] else None
            grad_b = grad * ctx.scale * a if ctx.needs_input_grad[2] else None
            return grad_a, None, grad_b

    class TwoOutputs(Function):
        @staticmethod
        def forward(ctx, x):
            index = x.argmax()
            ctx.mark_non_differentiable(index)
            return x * 2, x * 3, index

        @staticmethod
        def backward(ctx, grad_double, grad_triple, grad_index):
            return grad_double * 2 + grad_triple * 3

    class WrongSquare(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x

    class DetachedSquare(Function):
        """Right first derivative, but computed from a detached input: its second derivative is lost."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 2 * x.detach()

    return Exp, ScaledMul, TwoOutputs, WrongSquare, DetachedSquare


FUNCTIONS = {lib: make_functions(lib) for lib in (torch, ember)}


def exp_fn(lib):
    return FUNCTIONS[lib][0]


def test_custom_exp_output_gradient_and_node():
    def program(lib):
        x = lib.tensor([0.5, 1.0], requires_grad=True)
        y = exp_fn(lib).apply(x)
        y.sum().backward()
        return y, x.grad, node_name(y.grad_fn), y.grad_fn.next_functions, y.is_leaf
    assert same_printout(program) == "(tensor([1.6487, 2.7183], grad_fn=<ExpBackward>), tensor([1.6487, 2.7183]), " \
                                     "'ExpBackward', ((<AccumulateGrad object>, 0),), False)"


def test_custom_function_inside_a_graph():
    def program(lib):
        x = lib.tensor([[0.5, -1.0], [2.0, 0.1]], requires_grad=True)
        y = (exp_fn(lib).apply(x * 2) @ x).sum()
        y.backward()
        return x.grad
    same_values(program)


def test_custom_function_with_non_tensor_argument_and_needs_input_grad():
    def program(lib):
        a = lib.tensor([1., 2.], requires_grad=True)
        b = lib.tensor([3., 4.])
        y = FUNCTIONS[lib][1].apply(a, 3.0, b)
        y.sum().backward()
        return y, a.grad, b.grad, y.grad_fn.needs_input_grad
    assert same_printout(program) == "(tensor([ 9., 24.], grad_fn=<ScaledMulBackward>), tensor([ 9., 12.]), None, " \
                                     "(True, False, False))"


def test_multiple_outputs_and_non_differentiable_output():
    def program(lib):
        x = lib.tensor([1., 5., 2.], requires_grad=True)
        double, triple, index = FUNCTIONS[lib][2].apply(x)
        (double.sum() + (triple * triple).sum()).backward()
        return double, triple, index, index.requires_grad, x.grad
    assert same_printout(program).endswith("tensor(1), False, tensor([20., 92., 38.]))")


def test_unused_output_gets_a_zero_gradient():
    def program(lib):
        x = lib.tensor([1., 5., 2.], requires_grad=True)
        double, _, _ = FUNCTIONS[lib][2].apply(x)
        double.sum().backward()
        return x.grad
    assert same_printout(program) == "tensor([2., 2., 2.])"


def test_forward_runs_without_grad_on_the_inputs_themselves():
    def program(lib):
        seen = []

        class Spy(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                seen.append((lib.is_grad_enabled(), x.requires_grad, x.is_leaf))
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad * 2
        y = Spy.apply(lib.tensor([1.], requires_grad=True))
        return seen, y.requires_grad
    assert same_printout(program) == "([(False, True, True)], True)"


def test_returning_an_input_gives_a_new_tensor():
    def program(lib):
        class Identity(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, grad):
                return grad * 2
        x = lib.tensor([0.5, 1.0], requires_grad=True)
        y = Identity.apply(x)
        y.sum().backward()
        return y, x.grad, y is x, x.grad_fn
    assert same_printout(program) == "(tensor([0.5000, 1.0000], grad_fn=<IdentityBackward>), tensor([2., 2.]), " \
                                     "False, None)"


def test_mark_dirty_for_an_input_modified_in_place():
    def program(lib):
        class DoubleInPlace(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.mul_(2)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, grad):
                return grad * 2
        x = lib.tensor([0.5, 1.0], requires_grad=True)
        y = x * 1
        z = DoubleInPlace.apply(y)
        z.sum().backward()
        return z is y, y, x.grad
    assert same_printout(program) == "(True, tensor([1., 2.], grad_fn=<DoubleInPlaceBackward>), tensor([2., 2.]))"


def test_custom_function_without_grad_inputs_records_nothing():
    def program(lib):
        y = exp_fn(lib).apply(lib.tensor([0.5]))
        return y.grad_fn, y.requires_grad
    assert same_printout(program) == "(None, False)"


def test_double_backward_through_a_custom_function():
    def program(lib):
        x = lib.tensor([0.5, 1.0], dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(exp_fn(lib).apply(x * x).sum(), x, create_graph=True)
        return g, lib.autograd.grad(g.sum(), x)
    same_values(program, rtol=1e-12, atol=1e-12)


def test_gradient_broadcast_to_an_input_is_summed_to_its_shape():
    def program(lib):
        class Broadcasting(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad.expand(3, 2)
        x = lib.tensor([1., 2.], requires_grad=True)
        Broadcasting.apply(x).sum().backward()
        return x.grad
    assert same_printout(program) == "tensor([3., 3.])"


def test_gradient_of_another_dtype_is_cast_to_the_input_dtype():
    def program(lib):
        class Widening(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad.double() * 2
        x = lib.tensor([1., 2.], requires_grad=True)
        Widening.apply(x).sum().backward()
        return x.grad
    assert same_printout(program) == "tensor([2., 2.])"


def custom_backward_returning(make_grads):
    def program(lib):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return make_grads(grad)
        Bad.apply(lib.tensor([1., 2.], requires_grad=True)).sum().backward()
    return program


@pytest.mark.parametrize("make_grads", [lambda g: (g, g), lambda g: g.sum(), lambda g: g[:1].expand(3, 1)],
                         ids=["too_many", "wrong_shape", "not_broadcastable"])
def test_custom_backward_with_bad_gradients(make_grads):
    same_error(custom_backward_returning(make_grads))


def test_extra_none_gradients_are_allowed():
    def program(lib):
        class ExtraNone(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad * 2, None, None
        x = lib.tensor([1., 2.], requires_grad=True)
        ExtraNone.apply(x).sum().backward()
        return x.grad
    assert same_printout(program) == "tensor([2., 2.])"


def test_saved_tensors_are_freed_after_backward():
    def program(lib):
        y = exp_fn(lib).apply(lib.tensor([0.5], requires_grad=True))
        y.backward()
        return y.grad_fn.saved_tensors
    assert same_error(program).startswith("Trying to backward through the graph a second time")


def test_function_without_backward():
    def program(lib):
        class NoBackward(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2
        NoBackward.apply(lib.tensor([1.], requires_grad=True)).sum().backward()
    same_error(program)


def test_legacy_non_static_function_is_refused():
    def program(lib):
        class Legacy(lib.autograd.Function):
            def forward(self, x):
                return x * 2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Legacy()(lib.tensor([1.], requires_grad=True))
    assert same_error(program).startswith("Legacy autograd function with non-static forward method is deprecated.")


# ---- gradcheck / gradgradcheck ----

def float64_inputs(lib, count):
    return tuple(lib.tensor(data, dtype=lib.float64, requires_grad=True) for data in (A, B)[:count])


CHECKED = {
    "mul": (lambda lib: lib.mul, 2),
    "pow": (lambda lib: (lambda t: t.pow(3)), 1),
    "sigmoid": (lambda lib: lib.sigmoid, 1),
    "matmul": (lambda lib: lib.matmul, 2),
    "custom_exp": (lambda lib: exp_fn(lib).apply, 1),
    "custom_scaled_mul": (lambda lib: (lambda a, b: FUNCTIONS[lib][1].apply(a, 2.0, b)), 2),
}


@pytest.mark.parametrize("name", CHECKED)
@pytest.mark.parametrize("check", ["gradcheck", "gradgradcheck"])
def test_checks_pass_on_correct_gradients(name, check):
    def program(lib):
        fn, count = CHECKED[name]
        return getattr(lib.autograd, check)(fn(lib), float64_inputs(lib, count))
    assert same_printout(program) == "True"


def test_gradcheck_fails_on_a_wrong_backward():
    def program(lib):
        return lib.autograd.gradcheck(FUNCTIONS[lib][3].apply, float64_inputs(lib, 1), raise_exception=False)
    assert same_printout(program) == "False"


def test_gradcheck_raises_on_a_wrong_backward():
    from ember.autograd.gradcheck import GradcheckError
    from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError
    with pytest.raises(TorchGradcheckError) as expected:
        torch.autograd.gradcheck(FUNCTIONS[torch][3].apply, float64_inputs(torch, 1))
    with pytest.raises(GradcheckError) as got:
        ember.autograd.gradcheck(FUNCTIONS[ember][3].apply, float64_inputs(ember, 1))
    assert isinstance(got.value, RuntimeError)
    assert str(got.value) == str(expected.value)


def test_gradgradcheck_fails_when_the_backward_is_not_differentiable():
    def program(lib):
        fn, inputs = FUNCTIONS[lib][4].apply, float64_inputs(lib, 1)
        return lib.autograd.gradcheck(fn, inputs), lib.autograd.gradgradcheck(fn, inputs, raise_exception=False)
    assert same_printout(program) == "(True, False)"


def test_gradcheck_needs_an_input_requiring_grad():
    same_error(lambda lib: lib.autograd.gradcheck(lib.sigmoid, (lib.tensor([0.5], dtype=lib.float64),)))


def test_gradcheck_warns_about_single_precision():
    def program(lib):
        with pytest.warns(UserWarning, match="is not a double precision floating point"):
            return lib.autograd.gradcheck(lib.sigmoid, (lib.tensor([0.5], requires_grad=True),),
                                          raise_exception=False)
    assert same_printout(program) == "False"
