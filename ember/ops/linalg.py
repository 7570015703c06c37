"""Matrix products: mm, bmm, mv, dot, matmul, addmm."""
from ..autograd.function import Op
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
        return (grad.mm(b.t()) if need_a else None), (a.t().mm(grad) if need_b else None)


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


def _mat(x):
    return f"{x.shape[0]}x{x.shape[1]}" if x.ndim == 2 else "x".join(map(str, x.shape))


class Addmm(Op):
    _node_name = "AddmmBackward0"
    _num_inputs = 3

    @staticmethod
    def forward(ctx, inp, m1, m2, beta, alpha):
        if m1.ndim != 2 or m2.ndim != 2 or m1.shape[1] != m2.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat(m1)} and {_mat(m2)})")
        ctx.save_for_backward(m1, m2)
        ctx.inp_shape, ctx.beta, ctx.alpha = inp.shape, beta, alpha
        prod = m1 @ m2
        if alpha != 1:
            prod *= alpha
        if beta == 0:
            return prod
        prod += inp if beta == 1 else inp * beta
        return prod

    @staticmethod
    def backward(ctx, grad):
        m1, m2 = ctx.saved_tensors
        need_inp, need_m1, need_m2 = ctx.needs_input_grad
        g_inp = sum_to_shape(grad if ctx.beta == 1 else grad * ctx.beta, ctx.inp_shape) if need_inp else None
        g_prod = grad if ctx.alpha == 1 else grad * ctx.alpha
        return g_inp, (g_prod.mm(m2.t()) if need_m1 else None), (m1.t().mm(g_prod) if need_m2 else None)


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import _out  # noqa: E402


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


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"mm": mm, "bmm": bmm, "dot": dot, "mv": mv, "matmul": matmul, "addmm": addmm}
METHODS = {"__matmul__": matmul, "__rmatmul__": lambda self, other: matmul(other, self)}
