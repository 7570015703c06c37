"""Products: mm, bmm, mv, dot, vdot, matmul, addmm/addmv/addbmm/baddbmm, outer, inner, tensordot, kron, cross."""
import warnings

from ..autograd.function import Op
from ..backend import xp_of
from .broadcast import broadcast_error, sum_to_shape


def _check_dtypes(name, a, b):
    if a.dtype != b.dtype:
        raise RuntimeError(f"{name}: expected both operands to have the same dtype, but got "
                           f"{a.dtype} and {b.dtype}")


class _Product(Op):
    """``a @ b`` after the subclass's shape check; backward needs both operands."""

    _name = None

    @classmethod
    def forward(cls, ctx, a, b):
        cls._check(a, b)
        _check_dtypes(cls._name, a, b)
        ctx.save_for_backward(a, b)
        return _blas_ready(a) @ _blas_ready(b)


def _blas_ready(x):
    """A layout BLAS takes: numpy runs broadcast (stride-0) operands through a loop several times slower."""
    flags = x.flags
    return x if flags.c_contiguous or flags.f_contiguous else x.copy()


class Mm(_Product):
    _node_name = "MmBackward0"
    _name = "mm"

    @staticmethod
    def _check(a, b):
        if a.ndim != 2 or b.ndim != 2:
            raise RuntimeError(f"mm: expected 2-D tensors, but got {a.ndim}-D and {b.ndim}-D "
                               f"(shapes {tuple(a.shape)} and {tuple(b.shape)})")
        if a.shape[1] != b.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
                               f"{b.shape[0]}x{b.shape[1]})")

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad.mm(b.t()) if need_a else None), (_mat2_grad(a, b, grad) if need_b else None)


class Bmm(_Product):
    _node_name = "BmmBackward0"
    _name = "bmm"

    @staticmethod
    def _check(a, b):
        if a.ndim != 3 or b.ndim != 3:
            raise RuntimeError(f"bmm: expected 3-D tensors, but got {a.ndim}-D and {b.ndim}-D")
        if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
            raise RuntimeError(f"bmm: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied "
                               "(batch sizes must match and a.shape[2] must equal b.shape[1])")

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad.bmm(b.transpose(1, 2)) if need_a else None), (a.transpose(1, 2).bmm(grad) if need_b else None)


class Dot(_Product):
    _node_name = "DotBackward0"
    _name = "dot"

    @staticmethod
    def _check(a, b):
        if a.ndim != 1 or b.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
        if a.shape[0] != b.shape[0]:
            raise RuntimeError("inconsistent tensor size, expected tensor [%d] and src [%d] to have the same "
                               "number of elements, but got %d and %d elements respectively"
                               % (a.shape[0], b.shape[0], a.shape[0], b.shape[0]))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * a


class Mv(_Product):
    _node_name = "MvBackward0"
    _name = "mv"

    @staticmethod
    def _check(a, v):
        if a.ndim != 2 or v.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got {a.ndim}D matrix and {v.ndim}D vector")
        if a.shape[1] != v.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({_mat(a)}), vec ({v.shape[0]})")

    @staticmethod
    def backward(ctx, grad):
        a, v = ctx.saved_tensors
        need_a, need_v = ctx.needs_input_grad
        return (grad.unsqueeze(1) * v if need_a else None), (a.t().mv(grad) if need_v else None)


class Matmul(_Product):
    """matmul for the cases that are not plain mm/mv/dot: a vector with a batch, broadcast batches."""

    _node_name = "UnsafeViewBackward0"
    _name = "matmul"

    @staticmethod
    def _check(a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and "
                               f"{b.ndim}D")
        k_a, k_b = a.shape[-1], b.shape[-2] if b.ndim > 1 else b.shape[0]
        if k_a != k_b:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat(a)} and {_mat(b)})")
        batch_error = broadcast_error(a.shape[:-2], b.shape[:-2])
        if batch_error is not None:
            raise batch_error

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a2 = a if a.ndim > 1 else a.unsqueeze(0)
        b2 = b if b.ndim > 1 else b.unsqueeze(-1)
        g = grad
        if a.ndim == 1:
            g = g.unsqueeze(-2)
        if b.ndim == 1:
            g = g.unsqueeze(-1)
        need_a, need_b = ctx.needs_input_grad
        ga = sum_to_shape(g.matmul(b2.mT), a2.shape).reshape(a.shape) if need_a else None
        gb = sum_to_shape(a2.mT.matmul(g), b2.shape).reshape(b.shape) if need_b else None
        return ga, gb


class VectorMatmul(Matmul):
    """1-D @ 2-D, which PyTorch computes as a squeezed mm."""

    _node_name = "SqueezeBackward4"


def _mat2_grad(m1, m2, grad):
    """The gradient of ``m1 @ m2`` for ``m2``, laid out as ``m2`` is: a Linear weight's ``.t()`` gets the transpose of
    a contiguous product, so the weight's gradient arrives contiguous and becomes its .grad without a copy."""
    if m2._array.flags.f_contiguous and not m2._array.flags.c_contiguous:
        return grad.t().mm(m1).t()
    return m1.t().mm(grad)


def _mat(x):
    return f"{x.shape[0]}x{x.shape[1]}" if x.ndim == 2 else "x".join(map(str, x.shape))


class _AddProduct(Op):
    """``beta * input + alpha * (m1 @ m2)``; the subclass says how to check, multiply and differentiate."""

    _num_inputs = 3

    @classmethod
    def forward(cls, ctx, inp, m1, m2, beta, alpha):
        cls._check(m1, m2)
        ctx.save_for_backward(m1, m2)
        ctx.inp_shape, ctx.beta, ctx.alpha = inp.shape, beta, alpha
        prod = cls._product(m1, m2)
        if alpha != 1:
            prod *= alpha
        if beta == 0:
            return prod
        prod += inp if beta == 1 else inp * beta
        return prod

    @classmethod
    def backward(cls, ctx, grad):
        m1, m2 = ctx.saved_tensors
        need_inp, need_m1, need_m2 = ctx.needs_input_grad
        g_inp = sum_to_shape(grad if ctx.beta == 1 else grad * ctx.beta, ctx.inp_shape) if need_inp else None
        g_prod = grad if ctx.alpha == 1 else grad * ctx.alpha
        return (g_inp,) + cls._grads(g_prod, m1, m2, need_m1, need_m2)


class Addmm(_AddProduct):
    _node_name = "AddmmBackward0"

    @staticmethod
    def _check(m1, m2):
        if m1.ndim != 2 or m2.ndim != 2 or m1.shape[1] != m2.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat(m1)} and {_mat(m2)})")

    @staticmethod
    def _product(m1, m2):
        return m1 @ m2

    @staticmethod
    def _grads(g, m1, m2, need_m1, need_m2):
        return (g.mm(m2.t()) if need_m1 else None), (_mat2_grad(m1, m2, g) if need_m2 else None)


class Addmv(_AddProduct):
    _node_name = "AddmvBackward0"
    _check = Mv._check

    @staticmethod
    def _product(mat, vec):
        return mat @ vec

    @staticmethod
    def _grads(g, mat, vec, need_mat, need_vec):
        return (g.unsqueeze(1) * vec if need_mat else None), (mat.t().mv(g) if need_vec else None)


class Baddbmm(_AddProduct):
    _node_name = "BaddbmmBackward0"
    _check = Bmm._check

    @staticmethod
    def _product(b1, b2):
        return _blas_ready(b1) @ _blas_ready(b2)

    @staticmethod
    def _grads(g, b1, b2, need_b1, need_b2):
        return (g.bmm(b2.transpose(1, 2)) if need_b1 else None), (b1.transpose(1, 2).bmm(g) if need_b2 else None)


class Addbmm(Baddbmm):
    """The batch of products summed into one matrix."""

    _node_name = "AddbmmBackward0"

    @staticmethod
    def _product(b1, b2):
        return (_blas_ready(b1) @ _blas_ready(b2)).sum(0)

    @staticmethod
    def _grads(g, b1, b2, need_b1, need_b2):
        return Baddbmm._grads(g.expand(b1.shape[0], *g.shape), b1, b2, need_b1, need_b2)


class Vdot(Dot):
    _node_name = "VdotBackward0"
    _name = "vdot"


class Cross(Op):
    _node_name = "LinalgCrossBackward0"
    _num_inputs = 2

    @staticmethod
    def forward(ctx, a, b, dim):
        if a.shape[dim] != 3 or b.shape[dim] != 3:
            raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {a.shape[dim]} and "
                               f"{b.shape[dim]}")
        _check_dtypes("linalg.cross", a, b)
        ctx.save_for_backward(a, b)
        ctx.dim = dim
        return xp_of(a).cross(a, b, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = sum_to_shape(Cross.apply(b, grad, ctx.dim), a.shape) if need_a else None
        gb = sum_to_shape(Cross.apply(grad, a, ctx.dim), b.shape) if need_b else None
        return ga, gb


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import _out  # noqa: E402
from .dims import wrap_dim  # noqa: E402


def mm(input, mat2, *, out=None):
    return _out(Mm.apply(input, mat2), out)


def bmm(input, mat2, *, out=None):
    return _out(Bmm.apply(input, mat2), out)


def dot(input, other, *, out=None):
    return _out(Dot.apply(input, other), out)


def mv(input, vec, *, out=None):
    return _out(Mv.apply(input, vec), out)


def matmul(input, other, *, out=None):
    a, b = input.ndim, other.ndim
    if a == 2 and b == 2:
        return mm(input, other, out=out)
    if a == 1 and b == 1:
        return dot(input, other, out=out)
    if a == 2 and b == 1:
        return mv(input, other, out=out)
    op = VectorMatmul if a == 1 and b == 2 else Matmul
    return _out(op.apply(input, other), out)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    return _out(Addmm.apply(input, mat1, mat2, beta, alpha), out)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    return _out(Addmv.apply(input, mat, vec, beta, alpha), out)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    return _out(Addbmm.apply(input, batch1, batch2, beta, alpha), out)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    return _out(Baddbmm.apply(input, batch1, batch2, beta, alpha), out)


def vdot(input, other, *, out=None):
    return _out(Vdot.apply(input, other), out)


def outer(input, vec2, *, out=None):
    for name, v in (("self", input), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
    return _out(input.reshape(-1, 1) * vec2, out)


def inner(input, other, *, out=None):
    if input.ndim == 0 or other.ndim == 0:
        return _out(input * other, out)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return _out(tensordot(input, other, ([-1], [-1])), out)


def tensordot(a, b, dims=2, out=None):
    """Contract ``dims`` (a count of a's last and b's first dims, or two lists of dims) as one mm."""
    dims_a, dims_b = _contracted_dims(a, b, dims)
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[da]} in dim {da} "
                               f"and second has size {b.shape[db]} in dim {db}")
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    size = _numel([a.shape[d] for d in dims_a])
    left = a.permute(*free_a, *dims_a).reshape(-1, size)
    right = b.permute(*dims_b, *free_b).reshape(size, -1)
    shape = [a.shape[d] for d in free_a] + [b.shape[d] for d in free_b]
    return _out(left.mm(right).reshape(shape), out)


def _contracted_dims(a, b, dims):
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(a.ndim - dims, a.ndim)), list(range(dims))
    dims_a, dims_b = (list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError(f"both dimension lists should have same length, but got {len(dims_a)} and {len(dims_b)}")
    return [wrap_dim(d, a.ndim) for d in dims_a], [wrap_dim(d, b.ndim) for d in dims_b]


def _numel(sizes):
    n = 1
    for s in sizes:
        n *= s
    return n


def kron(input, other, *, out=None):
    """Every product a[i] * b[j] at index i * b.shape + j: the two operands interleaved, then merged."""
    ndim = max(input.ndim, other.ndim)
    shape_a = (1,) * (ndim - input.ndim) + tuple(input.shape)
    shape_b = (1,) * (ndim - other.ndim) + tuple(other.shape)
    a = input.reshape([n for size in shape_a for n in (size, 1)])
    b = other.reshape([n for size in shape_b for n in (1, size)])
    return _out((a * b).reshape([m * n for m, n in zip(shape_a, shape_b)]), out)


def cross(input, other, dim=None, *, out=None):
    """torch.cross: without ``dim``, the first dim of size 3 (linalg.cross uses the last)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        dim = next((i for i, n in enumerate(input.shape) if n == 3), -1)
    return linalg_cross(input, other, dim=dim, out=out)


def linalg_cross(input, other, *, dim=-1, out=None):
    if input.ndim != other.ndim:
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions, but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    error = broadcast_error(input.shape, other.shape)
    if error is not None:
        raise error
    ndim = max(input.ndim, other.ndim)
    return _out(Cross.apply(input, other, wrap_dim(dim, ndim) - ndim), out)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"mm": mm, "bmm": bmm, "dot": dot, "mv": mv, "matmul": matmul, "addmm": addmm, "addmv": addmv,
                         "addbmm": addbmm, "baddbmm": baddbmm, "vdot": vdot, "outer": outer, "ger": outer,
                         "inner": inner, "kron": kron, "cross": cross}
FUNCTIONS = {"tensordot": tensordot}
INPLACE = {"addmm": None, "addmv": None, "addbmm": None, "baddbmm": None}
METHODS = {"__matmul__": matmul, "__rmatmul__": lambda self, other: matmul(other, self)}
