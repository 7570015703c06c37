"""Matrix functions and decompositions (inv, det, solve, pinv, svd, qr, cholesky, eigh) and norms.

Forward is numpy.linalg on whole (batched) arrays; backward is the standard formula in Tensor ops, so it
can itself be differentiated. Gradients of svd and eigh assume distinct singular values / eigenvalues.
"""
import warnings

from .. import return_types
from ..autograd.function import Op
from ..backend import xp_of
from .broadcast import broadcast_error, sum_to_shape
from .dims import wrap_dim
from .reduction import VectorNorm


class LinAlgError(RuntimeError):
    """A matrix the algorithm cannot handle (singular, not positive-definite): torch.linalg.LinAlgError."""

    __module__ = "ember.linalg"


def _check_float(name, a):
    if a.dtype.kind != "f":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_SCALAR_NAMES.get(a.dtype.name, a.dtype.name)}")


_SCALAR_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _check_matrix(name, a):
    _check_float(name, a)
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")


def _check_square(name, a):
    _check_matrix(name, a)
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")


def _linalg(name, message, function, *args, **kwargs):
    """``xp.linalg.<function>(*args)``, whose failure on a bad matrix is PyTorch's LinAlgError naming the op."""
    xp = xp_of(args[0])
    try:
        return getattr(xp.linalg, function)(*args, **kwargs)
    except xp.linalg.LinAlgError:
        raise LinAlgError(f"{name}: {message}") from None


# ---- constants and small helpers in Tensor ops (so backward formulas stay differentiable) ----
def _const(array):
    from ..tensor import _wrap
    return _wrap(array)


def _eye(n, like):
    xp = xp_of(like._array)
    return _const(xp.eye(n, dtype=like._array.dtype))


def _diag_embed(v):
    """A batch of vectors as a batch of diagonal matrices."""
    return v.unsqueeze(-1) * _eye(v.shape[-1], v)


def _tril(x, k=0):
    xp = xp_of(x._array)
    return x * _const(xp.tri(x.shape[-2], x.shape[-1], k, dtype=x._array.dtype))


def _differences(values):
    """``values[j] - values[i]`` at (i, j), with ones on the (zero) diagonal: the divisor of the F-matrix
    formulas, whose numerators have zero diagonals."""
    return values.unsqueeze(-2) - values.unsqueeze(-1) + _eye(values.shape[-1], values)


# ---- ops ----
class Inv(Op):
    _node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a):
        _check_square("linalg.inv", a)
        out = _linalg("linalg.inv", "The diagonal element is zero, the inversion could not be completed because "
                      "the input matrix is singular.", "inv", a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        inv_t = ctx.saved_tensors[0].mT
        return -inv_t.matmul(grad).matmul(inv_t)


class Det(Op):
    _node_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        _check_square("linalg.det", a)
        out = xp_of(a).asarray(xp_of(a).linalg.det(a), dtype=a.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, det = ctx.saved_tensors
        if not det._array.all():
            return _det_grad_by_svd(a, grad)
        return (grad * det).unsqueeze(-1).unsqueeze(-1) * Inv.apply(a).mT


def _det_grad_by_svd(a, grad):
    """grad times the cofactor matrix, which singular matrices have too: with A = U S Vh it is
    det(U) det(Vh) U diag(prod of the other singular values) Vh."""
    u, s, vh = Svd.apply(a, False)
    xp = xp_of(a._array)
    signs = _const(xp.asarray(xp.linalg.det(u._array) * xp.linalg.det(vh._array), dtype=a._array.dtype))
    eye = _eye(s.shape[-1], s)
    others = (s.unsqueeze(-2) * (1 - eye) + eye).prod(-1)
    return (u * ((grad * signs).unsqueeze(-1) * others).unsqueeze(-2)).matmul(vh)


class Slogdet(Op):
    _node_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, a):
        _check_square("linalg.slogdet", a)
        xp = xp_of(a)
        sign, logabsdet = xp.linalg.slogdet(a)
        ctx.save_for_backward(a)
        return xp.asarray(sign, dtype=a.dtype), xp.asarray(logabsdet, dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad_sign, grad_logabsdet):
        a, = ctx.saved_tensors
        return grad_logabsdet.unsqueeze(-1).unsqueeze(-1) * Inv.apply(a).mT


class Solve(Op):
    """A X = B for a batch of matrices B (the public function makes vectors into one-column matrices)."""

    _node_name = "LinalgSolveExBackward0"
    _name = "linalg.solve"
    _num_inputs = 2

    @classmethod
    def forward(cls, ctx, a, b, *flags):
        _check_square(cls._name, a)
        if b.shape[-2] != a.shape[-1]:
            raise RuntimeError(f"{cls._name}: Incompatible shapes of A and B for the equation AX = B "
                               f"({a.shape[-2]}x{a.shape[-1]} and {b.shape[-2]}x{b.shape[-1]})")
        if a.dtype != b.dtype:
            raise RuntimeError(f"{cls._name}: Expected A and B to have the same dtype, but found A of type "
                               f"{a.dtype} and B of type {b.dtype} instead")
        error = broadcast_error(a.shape[:-2], b.shape[:-2])
        if error is not None:
            raise error
        out = _linalg(f"torch.{cls._name}", "The solver failed because the input matrix is singular.",
                      "solve", cls._matrix(a, *flags), b)
        ctx.save_for_backward(a, out)
        ctx.b_shape, ctx.flags = b.shape, flags
        return out

    @classmethod
    def backward(cls, ctx, grad):
        a, x = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_b = cls.apply(a.mT, grad, *cls._transposed(*ctx.flags))
        grad_a = sum_to_shape(cls._restrict(-grad_b.matmul(x.mT), *ctx.flags), a.shape) if need_a else None
        return grad_a, (sum_to_shape(grad_b, ctx.b_shape) if need_b else None)

    @staticmethod
    def _matrix(a):
        return a

    @staticmethod
    def _transposed():
        return ()

    @staticmethod
    def _restrict(grad):
        return grad


class SolveTriangular(Solve):
    """Solve reading only A's upper or lower triangle, with ones on the diagonal when ``unitriangular``."""

    _node_name = "LinalgSolveTriangularBackward0"
    _name = "linalg.solve_triangular"

    @staticmethod
    def _matrix(a, upper, unitriangular):
        xp = xp_of(a)
        triangle = _triangle_mask(xp, a.shape[-1], a.dtype, upper, unitriangular) * a
        return triangle + xp.eye(a.shape[-1], dtype=a.dtype) if unitriangular else triangle

    @staticmethod
    def _transposed(upper, unitriangular):
        return not upper, unitriangular

    @staticmethod
    def _restrict(grad, upper, unitriangular):
        return grad * _const(_triangle_mask(xp_of(grad._array), grad.shape[-1], grad._array.dtype, upper,
                                            unitriangular))


def _triangle_mask(xp, n, dtype, upper, strict):
    """Ones on the upper (or lower) triangle of an n by n matrix, the diagonal included unless ``strict``."""
    lower = xp.tri(n, n, -1 if strict else 0, dtype=dtype)
    return lower.T.copy() if upper else lower


class Pinv(Op):
    _node_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx, a, atol, rtol):
        _check_matrix("linalg.pinv", a)
        xp = xp_of(a)
        u, s, vh = xp.linalg.svd(a, full_matrices=False)
        smax = s.max(-1, keepdims=True, initial=0)
        cutoff = xp.maximum(atol, rtol * smax)
        s_inv = xp.where(s > cutoff, 1 / xp.where(s > cutoff, s, 1), 0).astype(a.dtype)
        out = (vh.swapaxes(-1, -2) * s_inv[..., None, :]) @ u.swapaxes(-1, -2)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, p = ctx.saved_tensors
        p_t, grad_t = p.mT, grad.mT
        if a.shape[-2] <= a.shape[-1]:
            k = grad_t.matmul(p)
            k_p_t = k.matmul(p_t)
            return (-p.matmul(k).mT + k_p_t - a.matmul(p).matmul(k_p_t)
                    + p_t.matmul(p).matmul(grad_t - k.matmul(a)))
        k = p.matmul(grad_t)
        p_t_k = p_t.matmul(k)
        return (-k.matmul(p).mT + (grad_t - a.matmul(k)).matmul(p).matmul(p_t) + p_t_k
                - p_t_k.matmul(p).matmul(a))


def _skew(x):
    return x - x.mT


def _needed(grad):
    """False for a gradient that is all zeros and constant: the output it belongs to was not used."""
    return grad.requires_grad or bool(grad._array.any())


class Svd(Op):
    _node_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, a, full_matrices):
        _check_matrix("linalg.svd", a)
        u, s, vh = _linalg("linalg.svd", "The algorithm failed to converge because the input matrix is "
                           "ill-conditioned or has too many repeated singular values.",
                           "svd", a, full_matrices=full_matrices)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, grad_u, grad_s, grad_vh):
        u, s, vh = ctx.saved_tensors
        m, n = u.shape[-2], vh.shape[-1]
        k = s.shape[-1]
        u, vh = u[..., :, :k], vh[..., :k, :]
        grad_u = grad_u[..., :, :k] if _needed(grad_u) else None
        grad_vh = grad_vh[..., :k, :] if _needed(grad_vh) else None
        if grad_u is None and grad_vh is None:
            return u.matmul(_diag_embed(grad_s)).matmul(vh)
        e = _differences(s * s)
        inner = 0
        if grad_u is not None:
            inner = _skew(u.mT.matmul(grad_u)) * s.unsqueeze(-2)
        if grad_vh is not None:
            inner = inner + s.unsqueeze(-1) * _skew(vh.matmul(grad_vh.mT))
        g = inner / e + _diag_embed(grad_s)
        if m > n and grad_u is not None:
            g = u.matmul(g)
            grad_u_s_inv = grad_u / s.unsqueeze(-2)
            return (g + grad_u_s_inv - u.matmul(u.mT.matmul(grad_u_s_inv))).matmul(vh)
        if m < n and grad_vh is not None:
            g = g.matmul(vh)
            s_inv_grad_vh = grad_vh / s.unsqueeze(-1)
            return u.matmul(g + s_inv_grad_vh - s_inv_grad_vh.matmul(vh.mT).matmul(vh))
        return u.matmul(g).matmul(vh)


class Eigh(Op):
    _node_name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx, a, uplo):
        _check_square("linalg.eigh", a)
        if uplo not in ("L", "U"):
            raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")
        values, vectors = _linalg("linalg.eigh", "The algorithm failed to converge because the input matrix is "
                                  "ill-conditioned or has too many repeated eigenvalues.",
                                  "eigh", a, UPLO=uplo)
        ctx.save_for_backward(values, vectors)
        return values, vectors

    @staticmethod
    def backward(ctx, grad_values, grad_vectors):
        values, vectors = ctx.saved_tensors
        g = _diag_embed(grad_values)
        if _needed(grad_vectors):
            e = _differences(values)
            g = g + 0.5 * _skew(vectors.mT.matmul(grad_vectors)) / e
        return vectors.matmul(g).matmul(vectors.mT)


class Qr(Op):
    _node_name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx, a, mode):
        _check_matrix("linalg.qr", a)
        if mode not in ("reduced", "complete", "r"):
            raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                               "'r', or 'complete'")
        xp = xp_of(a)
        ctx.mode = mode
        if mode == "r":
            return xp.zeros(0, a.dtype), xp.linalg.qr(a, mode="r")
        q, r = xp.linalg.qr(a, mode=mode)
        ctx.save_for_backward(q, r)
        return q, r

    @staticmethod
    def backward(ctx, grad_q, grad_r):
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        q, r = ctx.saved_tensors
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_tall_grad(q, r, grad_q, grad_r)
        # A = [X | Y] with X = Q U square: Y = Q V only moves Q's gradient
        u, v = r[..., :, :m], r[..., :, m:]
        y = q.matmul(v)
        grad_u, grad_v = grad_r[..., :, :m], grad_r[..., :, m:]
        grad_x = _qr_tall_grad(q, u, grad_q + y.matmul(grad_v.mT), grad_u)
        return _cat_last(grad_x, q.matmul(grad_v))


def _qr_tall_grad(q, r, grad_q, grad_r):
    """The gradient through A = QR (m >= n): (gQ + Q copyltu(M)) R^-T with M = R gR^T - gQ^T Q."""
    m = r.matmul(grad_r.mT) - grad_q.mT.matmul(q)
    copyltu = _tril(m) + _tril(m, -1).mT
    return (grad_q + q.matmul(copyltu)).matmul(Inv.apply(r).mT)


def _cat_last(a, b):
    from .joining import cat
    return cat([a, b], -1)


class Cholesky(Op):
    _node_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, a, upper, name):
        _check_square(name, a)
        lower = _linalg(name, "The factorization could not be completed because the input is not "
                        "positive-definite.", "cholesky", a)
        out = xp_of(a).ascontiguousarray(lower.swapaxes(-1, -2)) if upper else lower
        ctx.save_for_backward(out)
        ctx.upper = upper
        return out

    @staticmethod
    def backward(ctx, grad):
        lower, = ctx.saved_tensors
        if ctx.upper:
            lower, grad = lower.mT, grad.mT
        phi = _tril(lower.mT.matmul(grad))
        phi = 0.5 * (phi + _tril(phi, -1).mT)
        lower_inv = Inv.apply(lower)
        return lower_inv.mT.matmul(phi).matmul(lower_inv)


class IdentityPower(Op):
    """A^0: identity matrices shaped like A, whose gradient with respect to A is zero."""

    _node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, a):
        _check_square("linalg.matrix_power", a)
        xp = xp_of(a)
        return xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape)


# ---- public functions ----
from ..tensor import _out  # noqa: E402


def inv(A, *, out=None):
    return _out(Inv.apply(A), out)


def det(A, *, out=None):
    return _out(Det.apply(A), out)


def torch_det(input):
    return Det.apply(input)


def inverse(input, *, out=None):
    return _out(Inv.apply(input), out)


def _named(kind, results, out):
    """A named tuple of results, written into the tensors of ``out`` when given."""
    if out is not None:
        results = tuple(_out(r, o) for r, o in zip(results, out))
    return kind(*results)


def slogdet(A, *, out=None):
    return _named(return_types.linalg_slogdet, Slogdet.apply(A), out)


def torch_slogdet(input):
    return return_types.slogdet(*Slogdet.apply(input))


def logdet(input):
    sign, logabsdet = Slogdet.apply(input)
    return logabsdet + sign.detach().log()


def solve(A, B, *, left=True, out=None):
    if not left:
        return _out(solve(A.mT, B.mT).mT, out)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vector:
        B = B.unsqueeze(-1)
    x = Solve.apply(A, B)
    return _out(x.squeeze(-1) if vector else x, out)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    if not left:
        return _out(SolveTriangular.apply(A.mT, B.mT, not upper, unitriangular).mT, out)
    return _out(SolveTriangular.apply(A, B, upper, unitriangular), out)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The number of singular values above max(atol, rtol * the largest)."""
    s = svdvals(A).detach()
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else max(A.shape[-2:]) * _eps(A)
    cutoff = s.amax(-1, keepdim=True) * rtol
    if atol is not None:
        cutoff = cutoff.clamp_min(atol)
    return _out((s > cutoff).sum(-1), out)


def pinv(input, *, atol=None, rtol=None, hermitian=False, out=None):
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else max(input.shape[-2:], default=1) * _eps(input)
    return _out(Pinv.apply(input, 0.0 if atol is None else atol, rtol), out)


def _eps(A):
    xp = xp_of(A._array)
    return float(xp.finfo(A._array.dtype).eps) if A._array.dtype.kind == "f" else 0.0


def pinverse(input, rcond=1e-15):
    return pinv(input, rtol=rcond)


def svd(A, full_matrices=True, *, driver=None, out=None):
    return _named(return_types.linalg_svd, Svd.apply(A, full_matrices), out)


def svdvals(A, *, driver=None, out=None):
    return _out(Svd.apply(A, False)[1], out)


def torch_svd(input, some=True, compute_uv=True, *, out=None):
    """torch.svd: V rather than Vh; without ``compute_uv``, U and V are full-size zeros."""
    if not compute_uv:
        batch, (m, n) = tuple(input.shape[:-2]), input.shape[-2:]
        return _named(return_types.svd, (input.new_zeros(batch + (m, m)), svdvals(input),
                                         input.new_zeros(batch + (n, n))), out)
    u, s, vh = Svd.apply(input, not some)
    return _named(return_types.svd, (u, s, vh.mT), out)


def qr(A, mode="reduced", *, out=None):
    return _named(return_types.linalg_qr, Qr.apply(A, mode), out)


def torch_qr(input, some=True, *, out=None):
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                  "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
                  "Q, R = torch.qr(A, some)\nshould be replaced with\n"
                  "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')", UserWarning, stacklevel=2)
    return _named(return_types.qr, Qr.apply(input, "reduced" if some else "complete"), out)


def cholesky(input, *, upper=False, out=None):
    return _out(Cholesky.apply(input, upper, "linalg.cholesky"), out)


def torch_cholesky(input, upper=False, *, out=None):
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\n"
                  "and\nU = torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\n"
                  "This transform will produce equivalent results for all valid (symmetric positive definite) "
                  "inputs.", UserWarning, stacklevel=2)
    return _out(Cholesky.apply(input, upper, "cholesky"), out)


def eigh(input, UPLO="L", *, out=None):
    return _named(return_types.linalg_eigh, Eigh.apply(input, UPLO), out)


def eigvalsh(input, UPLO="L", *, out=None):
    return _out(Eigh.apply(input, UPLO)[0], out)


def matrix_power(input, n, *, out=None):
    """The n-th power of a (batch of) square matrices by repeated squaring; a negative n powers the inverse."""
    if not isinstance(n, int):
        raise TypeError(f"matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    if n == 0:
        return _out(IdentityPower.apply(input), out)
    _check_square("linalg.matrix_power", input._array)
    if n == 1:
        return _out(input.clone(), out)
    result, square, n = None, inv(input) if n < 0 else input, abs(n)
    while True:
        if n & 1:
            result = square if result is None else result.matmul(square)
        n >>= 1
        if not n:
            return _out(result, out)
        square = square.matmul(square)


def multi_dot(tensors, *, out=None):
    """A chain of matmuls; a 1-D first (last) operand is a row (column) vector, squeezed from the result."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0].ndim == 1, tensors[-1].ndim == 1
    mats = list(tensors)
    if first:
        mats[0] = mats[0].unsqueeze(0)
    if last:
        mats[-1] = mats[-1].unsqueeze(-1)
    for i, t in enumerate(mats):
        if t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {tensors[i].ndim}D")
    result = mats[0]
    for t in mats[1:]:
        result = result.mm(t)
    if first:
        result = result.squeeze(0)
    if last:
        result = result.squeeze(-1)
    return _out(result, out)


def chain_matmul(*matrices, out=None):
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
                  "parameters.", UserWarning, stacklevel=2)
    return multi_dot(matrices, out=out) if len(matrices) > 1 else _out(matrices[0].clone(), out)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    if dtype is not None:
        x = x.to(dtype)
    return _out(VectorNorm.apply(x, float(ord), dim, keepdim), out)


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, float("inf"), float("-inf"))


def matrix_norm(input, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    if dtype is not None:
        input = input.to(dtype)
    _check_matrix("linalg.matrix_norm", input._array)
    if ord not in _MATRIX_ORDS:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    rows, cols = (wrap_dim(d, input.ndim) for d in dim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return _out(vector_norm(input, 2, (rows, cols), keepdim), out)
    if ord in ("nuc", 2, -2):
        return _out(_singular_value_norm(input, ord, rows, cols, keepdim), out)
    summed, over = (rows, cols) if abs(ord) == 1 else (cols, rows)
    sums = input.abs().sum(summed, keepdim=True)
    result = (sums.amax if ord > 0 else sums.amin)(over, keepdim=True)
    return _out(result if keepdim else result.squeeze(max(rows, cols)).squeeze(min(rows, cols)), out)


def _singular_value_norm(A, ord, rows, cols, keepdim):
    rest = [d for d in range(A.ndim) if d not in (rows, cols)]
    s = svdvals(A.permute(*rest, rows, cols))
    result = s.sum(-1) if ord == "nuc" else (s.amax if ord == 2 else s.amin)(-1)
    if keepdim:
        for d in sorted((rows, cols)):
            result = result.unsqueeze(d)
    return result


def norm(input, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """linalg.norm: a vector norm over one dim (or the flattened input), a matrix norm over two."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is None and ord is not None:
        if input.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                               f"Got {input.ndim}D.")
        dim = tuple(range(input.ndim))
    if dim is not None and len(dim) == 2:
        return matrix_norm(input, "fro" if ord is None else ord, dim, keepdim, dtype=dtype, out=out)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.norm: Order {ord} not supported for vector norms.")
    return vector_norm(input, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {
    "inverse": inverse, "det": torch_det, "slogdet": torch_slogdet, "logdet": logdet, "pinverse": pinverse,
    "svd": torch_svd, "qr": torch_qr, "cholesky": torch_cholesky, "matrix_power": matrix_power,
}
FUNCTIONS = {"chain_matmul": chain_matmul}
