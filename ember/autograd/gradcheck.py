"""gradcheck / gradgradcheck: compare analytical gradients with float64 finite differences."""
import numpy


class GradcheckError(RuntimeError):
    pass


def _numerical_jacobian(fn, inputs, idx, eps):
    """d(flattened outputs)/d(inputs[idx]) by central differences."""
    x = inputs[idx]
    flat = x._array.reshape(-1)
    columns = []
    for k in range(flat.size):
        orig = flat[k]
        flat[k] = orig + eps
        plus = _flat_outputs(fn(*inputs))
        flat[k] = orig - eps
        minus = _flat_outputs(fn(*inputs))
        flat[k] = orig
        columns.append((plus - minus) / (2 * eps))
    return numpy.stack(columns, axis=1) if columns else numpy.zeros((0, 0))


def _flat_outputs(out):
    from ..tensor import Tensor
    outs = out if isinstance(out, tuple) else (out,)
    return numpy.concatenate([o._array.reshape(-1).astype(numpy.float64) for o in outs if isinstance(o, Tensor)])


def _analytical_jacobian(fn, inputs, idx):
    from . import grad
    from ..tensor import Tensor
    out = fn(*inputs)
    outs = [o for o in (out if isinstance(out, tuple) else (out,)) if isinstance(o, Tensor)]
    rows = []
    for o in outs:
        for k in range(o.numel()):
            seed = numpy.zeros(o.shape, o._array.dtype)
            seed.reshape(-1)[k] = 1
            from ..tensor import _wrap
            (g,) = grad(o, inputs[idx], _wrap(seed), retain_graph=True, allow_unused=True)
            rows.append(numpy.zeros(inputs[idx].numel()) if g is None else g._array.reshape(-1))
    return numpy.stack(rows, axis=0) if rows else numpy.zeros((0, 0))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    """True when every input that requires grad has matching analytical and numerical Jacobians."""
    from ..tensor import Tensor
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        if x.dtype.name != "float64":
            raise GradcheckError(f"gradcheck: input {i} is {x.dtype}; gradcheck needs float64 inputs for "
                                 "finite differences to be accurate")
        numerical = _numerical_jacobian(func, inputs, i, eps)
        analytical = _analytical_jacobian(func, inputs, i)
        if not numpy.allclose(analytical, numerical, rtol=rtol, atol=atol):
            if raise_exception:
                raise GradcheckError(f"Jacobian mismatch for output 0 with respect to input {i},\n"
                                     f"numerical:{numerical}\nanalytical:{analytical}\n")
            return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **kwargs):
    """gradcheck of the first derivative: checks second derivatives."""
    from . import grad
    from ..tensor import Tensor, _wrap
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    out = func(*inputs)
    outs = out if isinstance(out, tuple) else (out,)
    rng = numpy.random.default_rng(0)
    seeds = grad_outputs or tuple(_wrap(rng.standard_normal(o.shape)) for o in outs)

    def first_derivative(*xs):
        o = func(*xs)
        o = o if isinstance(o, tuple) else (o,)
        return grad(o, [xs[i] for i in diff], seeds, create_graph=True, allow_unused=True)

    return gradcheck(first_derivative, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)
