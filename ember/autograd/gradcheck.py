"""gradcheck / gradgradcheck: compare analytical gradients with finite differences, as PyTorch does."""
import warnings

import numpy


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _float_outputs(out):
    from ..tensor import Tensor
    return [o for o in _as_tuple(out) if isinstance(o, Tensor) and o.dtype.is_floating_point]


def _differentiable_inputs(inputs):
    """Indices of the inputs that require grad; PyTorch's warning for those not in double precision."""
    from ..tensor import Tensor
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    for i in diff:
        if inputs[i].dtype.name != "float64":
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating point "
                          "or complex. ", UserWarning, stacklevel=3)
    return diff


def _numerical_jacobians(func, inputs, x, eps):
    """d(each output)/dx by central differences, each as an (x.numel(), output.numel()) array."""
    arr = x._array
    rows = []
    for idx in numpy.ndindex(arr.shape):
        orig = arr[idx].copy()
        arr[idx] = orig + eps
        plus = [o._array.astype(numpy.float64) for o in _float_outputs(func(*inputs))]
        arr[idx] = orig - eps
        minus = [o._array.astype(numpy.float64) for o in _float_outputs(func(*inputs))]
        arr[idx] = orig
        rows.append([((p - m) / (2 * eps)).reshape(-1) for p, m in zip(plus, minus)])
    outputs = _float_outputs(func(*inputs))
    return [numpy.stack([row[j] for row in rows]) if rows else numpy.zeros((0, o.numel()))
            for j, o in enumerate(outputs)]


def _analytical_jacobians(outputs, xs):
    """jac[i][j]: d(output j)/d(xs[i]) from backward passes, as an (xs[i].numel(), output.numel()) array."""
    from . import grad
    from ..tensor import _wrap
    jac = [[numpy.zeros((x.numel(), o.numel())) for o in outputs] for x in xs]
    for j, o in enumerate(outputs):
        if not o.requires_grad:
            continue
        for k in range(o.numel()):
            seed = numpy.zeros(o.shape, o._array.dtype)
            seed.reshape(-1)[k] = 1
            grads = grad(o, xs, _wrap(seed), retain_graph=True, allow_unused=True)
            for i, g in enumerate(grads):
                if g is not None:
                    jac[i][j][:, k] = g._array.reshape(-1)
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    """True when, for every input that requires grad, backward's Jacobian matches finite differences."""
    from ..tensor import _wrap
    inputs = _as_tuple(inputs)
    diff = _differentiable_inputs(inputs)
    analytical = _analytical_jacobians(_float_outputs(func(*inputs)), [inputs[i] for i in diff])
    for i, jac in zip(diff, analytical):
        numerical = _numerical_jacobians(func, inputs, inputs[i], eps)
        for j, (a, n) in enumerate(zip(jac, numerical)):
            if not numpy.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                dtype = inputs[i]._array.dtype
                raise GradcheckError(f"Jacobian mismatch for output {j} with respect to input {i},\n"
                                     f"numerical:{_wrap(n.astype(dtype))}\nanalytical:{_wrap(a.astype(dtype))}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **kwargs):
    """gradcheck of the gradient itself (computed with ``create_graph=True``): checks second derivatives."""
    from . import grad
    from ..tensor import _wrap
    inputs = _as_tuple(inputs)
    diff = _differentiable_inputs(inputs)
    rng = numpy.random.default_rng(0)
    seeds = _as_tuple(grad_outputs) if grad_outputs is not None else tuple(
        _wrap(rng.standard_normal(o.shape).astype(o._array.dtype)) for o in _float_outputs(func(*inputs)))

    def first_derivative(*xs):
        outputs = _float_outputs(func(*xs))
        return grad(outputs, [xs[i] for i in diff], seeds, create_graph=True, allow_unused=True)

    return gradcheck(first_derivative, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)
