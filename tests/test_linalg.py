"""Products, matrix functions, decompositions and norms against torch: values, dtypes, gradients, errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import assert_same, check, check_error

rng = np.random.default_rng(0)
DTYPES = [np.float32, np.float64]


def randn(*shape, dtype=np.float64):
    return np.asarray(rng.standard_normal(shape), dtype)


def invertible(*shape, dtype=np.float64):
    """Square matrices far from singular: random plus n times the identity."""
    n = shape[-1]
    return np.asarray(rng.standard_normal(shape) + n * np.eye(n), dtype)


def spd(*shape, dtype=np.float64):
    x = rng.standard_normal(shape)
    return np.asarray(x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1]), dtype)


def symmetric(*shape, dtype=np.float64):
    x = rng.standard_normal(shape)
    return np.asarray(x + np.swapaxes(x, -1, -2), dtype)


def node_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


# name: (fn, input makers (each called with dtype=...))
PRODUCTS = {
    "mm": (lambda lib, a, b: lib.mm(a, b), [lambda **k: randn(2, 3, **k), lambda **k: randn(3, 4, **k)]),
    "bmm": (lambda lib, a, b: lib.bmm(a, b), [lambda **k: randn(2, 2, 3, **k), lambda **k: randn(2, 3, 4, **k)]),
    "dot": (lambda lib, a, b: lib.dot(a, b), [lambda **k: randn(4, **k)] * 2),
    "vdot": (lambda lib, a, b: lib.vdot(a, b), [lambda **k: randn(4, **k)] * 2),
    "vdot_method": (lambda lib, a, b: a.vdot(b), [lambda **k: randn(4, **k)] * 2),
    "mv": (lambda lib, a, b: lib.mv(a, b), [lambda **k: randn(2, 3, **k), lambda **k: randn(3, **k)]),
    "matmul_1_1": (lambda lib, a, b: a @ b, [lambda **k: randn(3, **k)] * 2),
    "matmul_1_2": (lambda lib, a, b: a @ b, [lambda **k: randn(3, **k), lambda **k: randn(3, 2, **k)]),
    "matmul_2_1": (lambda lib, a, b: a @ b, [lambda **k: randn(2, 3, **k), lambda **k: randn(3, **k)]),
    "matmul_3_1": (lambda lib, a, b: a @ b, [lambda **k: randn(4, 2, 3, **k), lambda **k: randn(3, **k)]),
    "matmul_1_3": (lambda lib, a, b: a @ b, [lambda **k: randn(3, **k), lambda **k: randn(4, 3, 2, **k)]),
    "matmul_3_2": (lambda lib, a, b: lib.matmul(a, b), [lambda **k: randn(4, 2, 3, **k),
                                                         lambda **k: randn(3, 2, **k)]),
    "matmul_broadcast": (lambda lib, a, b: a.matmul(b), [lambda **k: randn(2, 1, 2, 3, **k),
                                                          lambda **k: randn(5, 3, 4, **k)]),
    "addmm": (lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5, alpha=2),
              [lambda **k: randn(4, **k), lambda **k: randn(2, 3, **k), lambda **k: randn(3, 4, **k)]),
    "addmv": (lambda lib, c, a, b: lib.addmv(c, a, b, beta=0.5, alpha=2),
              [lambda **k: randn(2, **k), lambda **k: randn(2, 3, **k), lambda **k: randn(3, **k)]),
    "addmv_method": (lambda lib, c, a, b: c.addmv(a, b),
                     [lambda **k: randn(1, **k), lambda **k: randn(2, 3, **k), lambda **k: randn(3, **k)]),
    "addbmm": (lambda lib, c, a, b: lib.addbmm(c, a, b, beta=2, alpha=-1),
               [lambda **k: randn(2, 4, **k), lambda **k: randn(3, 2, 5, **k), lambda **k: randn(3, 5, 4, **k)]),
    "baddbmm": (lambda lib, c, a, b: lib.baddbmm(c, a, b, beta=0.5, alpha=3),
                [lambda **k: randn(1, 4, **k), lambda **k: randn(3, 2, 5, **k), lambda **k: randn(3, 5, 4, **k)]),
    "baddbmm_method": (lambda lib, c, a, b: c.baddbmm(a, b),
                       [lambda **k: randn(3, 2, 4, **k), lambda **k: randn(3, 2, 5, **k),
                        lambda **k: randn(3, 5, 4, **k)]),
    "outer": (lambda lib, a, b: lib.outer(a, b), [lambda **k: randn(3, **k), lambda **k: randn(4, **k)]),
    "ger": (lambda lib, a, b: a.ger(b), [lambda **k: randn(3, **k), lambda **k: randn(4, **k)]),
    "inner_1_1": (lambda lib, a, b: lib.inner(a, b), [lambda **k: randn(3, **k)] * 2),
    "inner_2_3": (lambda lib, a, b: a.inner(b), [lambda **k: randn(2, 3, **k), lambda **k: randn(4, 2, 3, **k)]),
    "inner_scalar": (lambda lib, a, b: lib.inner(a, b), [lambda **k: randn(**k), lambda **k: randn(2, 3, **k)]),
    "tensordot_2": (lambda lib, a, b: lib.tensordot(a, b), [lambda **k: randn(2, 3, 4, **k),
                                                            lambda **k: randn(3, 4, 5, **k)]),
    "tensordot_0": (lambda lib, a, b: lib.tensordot(a, b, dims=0), [lambda **k: randn(2, 3, **k),
                                                                   lambda **k: randn(4, **k)]),
    "tensordot_lists": (lambda lib, a, b: lib.tensordot(a, b, dims=([0, 2], [2, 1])),
                        [lambda **k: randn(2, 3, 4, **k), lambda **k: randn(5, 4, 2, **k)]),
    "tensordot_ints": (lambda lib, a, b: lib.tensordot(a, b, dims=([1], [0])),
                       [lambda **k: randn(2, 3, **k), lambda **k: randn(3, 4, **k)]),
    "kron_2_2": (lambda lib, a, b: lib.kron(a, b), [lambda **k: randn(2, 3, **k), lambda **k: randn(3, 2, **k)]),
    "kron_1_2": (lambda lib, a, b: a.kron(b), [lambda **k: randn(3, **k), lambda **k: randn(2, 2, **k)]),
    "kron_3_2": (lambda lib, a, b: lib.kron(a, b), [lambda **k: randn(2, 1, 2, **k),
                                                     lambda **k: randn(3, 2, **k)]),
    "cross_dim": (lambda lib, a, b: lib.cross(a, b, dim=0), [lambda **k: randn(3, 4, **k)] * 2),
    "cross_default": (lambda lib, a, b: a.cross(b, dim=None), [lambda **k: randn(2, 3, **k)] * 2),
    "linalg_cross": (lambda lib, a, b: lib.linalg.cross(a, b), [lambda **k: randn(4, 1, 3, **k),
                                                                 lambda **k: randn(1, 2, 3, **k)]),
    "multi_dot": (lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]),
                  [lambda **k: randn(3, **k), lambda **k: randn(3, 4, **k), lambda **k: randn(4, **k)]),
    "multi_dot_matrices": (lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]),
                           [lambda **k: randn(2, 3, **k), lambda **k: randn(3, 4, **k),
                            lambda **k: randn(4, 5, **k)]),
    "chain_matmul": (lambda lib, a, b: lib.chain_matmul(a, b), [lambda **k: randn(2, 3, **k),
                                                                lambda **k: randn(3, 4, **k)]),
    "vecdot": (lambda lib, a, b: lib.linalg.vecdot(a, b, dim=0), [lambda **k: randn(3, 4, **k)] * 2),
    "linalg_matmul": (lambda lib, a, b: lib.linalg.matmul(a, b), [lambda **k: randn(2, 3, **k),
                                                                   lambda **k: randn(3, 4, **k)]),
}

NAMED_NODES = {"mm", "bmm", "dot", "vdot", "mv", "addmm", "addmv", "addbmm", "baddbmm", "outer", "cross_dim",
               "linalg_cross"}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(PRODUCTS))
def test_products(name, dtype):
    fn, makers = PRODUCTS[name]
    e_out, t_out = check(fn, *[make(dtype=dtype) for make in makers])
    if name in NAMED_NODES:
        assert node_name(e_out) == node_name(t_out)


def test_products_int():
    a, b = np.arange(6).reshape(2, 3), np.arange(12).reshape(3, 4)
    check(lambda lib, a, b: lib.tensordot(a, b, 1), a, b)
    check(lambda lib, a, b: lib.kron(a, b), a, b)
    check(lambda lib, a, b: lib.outer(a[0], b[0]), a, b)


def test_products_out_and_inplace():
    for lib in (torch, ember):
        c = lib.ones(2, 4)
        out = lib.empty(2, 4)
        lib.addmm(c, lib.ones(2, 3), lib.ones(3, 4), out=out)
        c.addmm_(lib.ones(2, 3), lib.ones(3, 4), alpha=2)
        assert out.tolist() == [[4.0] * 4] * 2 and c.tolist() == [[7.0] * 4] * 2
        v = lib.zeros(3)
        lib.outer(lib.ones(1), lib.ones(3), out=lib.empty(1, 3))
        lib.linalg.cross(lib.tensor([1.0, 0, 0]), lib.tensor([0.0, 1, 0]), out=v)
        assert v.tolist() == [0.0, 0.0, 1.0]


@pytest.mark.parametrize("fn, start", [
    (lambda lib, a: lib.cross(a, a), "Using torch.cross without specifying the dim arg is deprecated."),
    (lambda lib, a: lib.cholesky(a @ a.mT + lib.eye(3)), "torch.cholesky is deprecated in favor of"),
    (lambda lib, a: lib.qr(a), "torch.qr is deprecated in favor of torch.linalg.qr"),
    (lambda lib, a: lib.chain_matmul(a, a), "torch.chain_matmul is deprecated"),
])
def test_deprecation_warnings(fn, start):
    """torch warns once per process, so the message is compared with torch's text rather than a live warning."""
    with pytest.warns(UserWarning) as record:
        fn(ember, ember.tensor(randn(3, 3, dtype=np.float32)))
    assert str(record[0].message).startswith(start)


@pytest.mark.parametrize("kwargs", [{}, {"atol": 0.5}, {"rtol": 0.2}, {"atol": 0.1, "rtol": 0.1}])
def test_matrix_rank(kwargs):
    low_rank = randn(2, 4, 2) @ randn(2, 2, 5)
    check(lambda lib, a: lib.linalg.matrix_rank(a, **kwargs), np.concatenate([low_rank, randn(1, 4, 5)]),
          grad=False)


def test_keyword_names():
    a, b, v = invertible(3, 3), randn(3, 3), randn(3)
    check(lambda lib, a, b, v: (lib.det(input=a), lib.inverse(input=a), lib.linalg.inv(A=a),
                                lib.matrix_power(input=a, n=2), lib.linalg.norm(input=b, ord=1, dim=0),
                                lib.linalg.solve(A=a, B=v, left=True), lib.tensordot(a=a, b=b, dims=1),
                                lib.outer(input=v, vec2=v), lib.addmv(input=v, mat=a, vec=v, beta=2, alpha=3),
                                lib.linalg.cross(input=a, other=b, dim=0), lib.linalg.vecdot(x=a, y=b, dim=0),
                                lib.linalg.vector_norm(x=v, ord=3), lib.linalg.matrix_norm(input=a, ord="nuc"),
                                lib.linalg.eigvalsh(input=a + a.mT)),
          a, b, v)


def test_decomposition_out():
    a = invertible(3, 3)
    for lib in (torch, ember):
        x = lib.tensor(a)
        values, vectors = lib.empty(3, dtype=x.dtype), lib.empty(3, 3, dtype=x.dtype)
        result = lib.linalg.eigh(x + x.mT, out=(values, vectors))
        assert result.eigenvalues is values and result.eigenvectors is vectors
        np.testing.assert_allclose(values.numpy(), np.linalg.eigvalsh(a + a.T))
        sign, logabsdet = lib.empty((), dtype=x.dtype), lib.empty((), dtype=x.dtype)
        lib.linalg.slogdet(x, out=(sign, logabsdet))
        np.testing.assert_allclose(logabsdet.item(), np.linalg.slogdet(a)[1])
        inverse = lib.empty(3, 3, dtype=x.dtype)
        lib.linalg.inv(x, out=inverse)
        np.testing.assert_allclose(inverse.numpy(), np.linalg.inv(a))


@pytest.mark.parametrize("fn, shapes", [
    (lambda lib, a, b: lib.outer(a, b), [(2, 3), (3,)]),
    (lambda lib, a, b: lib.inner(a, b), [(2, 3), (2, 4)]),
    (lambda lib, a, b: lib.tensordot(a, b, 1), [(2, 3), (4, 3)]),
    (lambda lib, a, b: lib.tensordot(a, b, ([0], [0, 1])), [(2, 3), (2, 3)]),
    (lambda lib, a, b: lib.cross(a, b, dim=1), [(3, 4), (3, 4)]),
    (lambda lib, a, b: lib.linalg.cross(a, b), [(2, 3), (4, 3)]),
    (lambda lib, a, b: lib.linalg.cross(a, b), [(2, 3), (2, 2, 3)]),
    (lambda lib, a, b: lib.addmv(lib.zeros(2, dtype=a.dtype), a, b), [(2, 3), (4,)]),
    (lambda lib, a, b: lib.baddbmm(lib.zeros(1, dtype=a.dtype), a, b), [(2, 2, 3), (3, 3, 4)]),
    (lambda lib, a, b: lib.addbmm(lib.zeros(1, dtype=a.dtype), a, b), [(2, 2, 3), (2, 4, 4)]),
    (lambda lib, a, b: lib.matmul(a, b), [(2, 2, 3), (3, 4, 5)]),
    (lambda lib, a, b: lib.linalg.multi_dot([a, b]), [(2, 2, 3), (3, 4)]),
])
def test_product_errors(fn, shapes):
    message = check_error(fn, *[randn(*s) for s in shapes])
    assert any(str(n) in message for s in shapes for n in s) or "cross" in message


# ---- matrix functions: inv, det, slogdet, solve, pinv, matrix_power, cholesky, values of svd/eigh ----
FUNCTIONS = {
    "inv": (lambda lib, a: lib.linalg.inv(a), [lambda **k: invertible(3, 3, **k)]),
    "inv_batched": (lambda lib, a: lib.linalg.inv(a), [lambda **k: invertible(2, 4, 3, 3, **k)]),
    "inverse_method": (lambda lib, a: a.inverse(), [lambda **k: invertible(3, 3, **k)]),
    "det": (lambda lib, a: lib.linalg.det(a), [lambda **k: invertible(3, 3, **k)]),
    "det_batched": (lambda lib, a: lib.det(a), [lambda **k: invertible(2, 3, 3, **k)]),
    "det_negative": (lambda lib, a: a.det(), [lambda **k: -invertible(3, 3, **k)]),
    "det_batch_one_singular": (lambda lib, a: lib.linalg.det(a),
                               [lambda **k: np.stack([np.ones((3, 3)), invertible(3, 3)]).astype(k["dtype"])]),
    "slogdet": (lambda lib, a: tuple(lib.linalg.slogdet(a)), [lambda **k: -invertible(2, 3, 3, **k)]),
    "slogdet_method": (lambda lib, a: tuple(a.slogdet()), [lambda **k: invertible(3, 3, **k)]),
    "logdet": (lambda lib, a: lib.logdet(a), [lambda **k: spd(2, 3, 3, **k)]),
    "solve": (lambda lib, a, b: lib.linalg.solve(a, b), [lambda **k: invertible(3, 3, **k),
                                                         lambda **k: randn(3, 2, **k)]),
    "solve_vector": (lambda lib, a, b: lib.linalg.solve(a, b), [lambda **k: invertible(3, 3, **k),
                                                                lambda **k: randn(3, **k)]),
    "solve_batched_vector": (lambda lib, a, b: lib.linalg.solve(a, b), [lambda **k: invertible(2, 3, 3, **k),
                                                                        lambda **k: randn(2, 3, **k)]),
    "solve_broadcast": (lambda lib, a, b: lib.linalg.solve(a, b), [lambda **k: invertible(2, 1, 3, 3, **k),
                                                                   lambda **k: randn(4, 3, 2, **k)]),
    "solve_right": (lambda lib, a, b: lib.linalg.solve(a, b, left=False), [lambda **k: invertible(3, 3, **k),
                                                                          lambda **k: randn(2, 3, **k)]),
    "solve_triangular_upper": (lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=True),
                               [lambda **k: invertible(2, 3, 3, **k), lambda **k: randn(3, 2, **k)]),
    "solve_triangular_lower_unit": (lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=False,
                                                                                  unitriangular=True),
                                    [lambda **k: randn(3, 3, **k), lambda **k: randn(3, 4, **k)]),
    "solve_triangular_right": (lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=False, left=False),
                               [lambda **k: invertible(3, 3, **k), lambda **k: randn(2, 3, **k)]),
    "pinv_square": (lambda lib, a: lib.linalg.pinv(a), [lambda **k: invertible(3, 3, **k)]),
    "pinv_tall": (lambda lib, a: lib.linalg.pinv(a), [lambda **k: randn(2, 5, 3, **k)]),
    "pinv_wide": (lambda lib, a: lib.linalg.pinv(a), [lambda **k: randn(3, 5, **k)]),
    "pinverse": (lambda lib, a: a.pinverse(), [lambda **k: randn(4, 3, **k)]),
    "matrix_power_0": (lambda lib, a: lib.linalg.matrix_power(a, 0), [lambda **k: randn(2, 3, 3, **k)]),
    "matrix_power_1": (lambda lib, a: lib.matrix_power(a, 1), [lambda **k: randn(3, 3, **k)]),
    "matrix_power_2": (lambda lib, a: a.matrix_power(2), [lambda **k: randn(3, 3, **k)]),
    "matrix_power_5": (lambda lib, a: lib.linalg.matrix_power(a, 5), [lambda **k: randn(2, 3, 3, **k) / 2]),
    "matrix_power_-1": (lambda lib, a: lib.linalg.matrix_power(a, -1), [lambda **k: invertible(3, 3, **k)]),
    "matrix_power_-3": (lambda lib, a: lib.linalg.matrix_power(a, -3), [lambda **k: invertible(2, 3, 3, **k)]),
    "cholesky": (lambda lib, a: lib.linalg.cholesky(a), [lambda **k: spd(3, 3, **k)]),
    "cholesky_upper": (lambda lib, a: lib.linalg.cholesky(a, upper=True), [lambda **k: spd(2, 4, 4, **k)]),
    "cholesky_method": (lambda lib, a: a.cholesky(), [lambda **k: spd(3, 3, **k)]),
    "svdvals": (lambda lib, a: lib.linalg.svdvals(a), [lambda **k: randn(2, 4, 3, **k)]),
    "svdvals_wide": (lambda lib, a: lib.linalg.svdvals(a), [lambda **k: randn(3, 5, **k)]),
    "svd_S": (lambda lib, a: lib.linalg.svd(a).S, [lambda **k: randn(4, 3, **k)]),
    "eigvalsh": (lambda lib, a: lib.linalg.eigvalsh(a), [lambda **k: symmetric(2, 3, 3, **k)]),
    "eigvalsh_upper": (lambda lib, a: lib.linalg.eigvalsh(a, UPLO="U"), [lambda **k: randn(3, 3, **k)]),
    "eigh_values": (lambda lib, a: lib.linalg.eigh(a).eigenvalues, [lambda **k: symmetric(4, 4, **k)]),
}

MATRIX_NODES = {"inv", "det", "slogdet", "solve", "solve_triangular_upper", "pinv_square", "cholesky", "svdvals",
                "eigvalsh"}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_matrix_functions(name, dtype):
    fn, makers = FUNCTIONS[name]
    tol = {"rtol": 1e-3, "atol": 1e-4} if dtype == np.float32 else {}
    e_out, t_out = check(fn, *[make(dtype=dtype) for make in makers], **tol)
    if name in MATRIX_NODES:
        e_last, t_last = (e_out[-1], t_out[-1]) if isinstance(t_out, tuple) else (e_out, t_out)
        assert node_name(e_last) == node_name(t_last)


@pytest.mark.parametrize("name", ["inv", "det", "slogdet", "solve", "solve_triangular_upper", "pinv_tall",
                                  "pinv_wide", "cholesky", "cholesky_upper", "svdvals", "eigvalsh",
                                  "matrix_power_-1"])
def test_matrix_functions_double_backward(name):
    fn, makers = FUNCTIONS[name]
    inputs = [make() for make in makers]
    results = []
    for lib in (torch, ember):
        xs = [lib.tensor(x, requires_grad=True) for x in inputs]
        out = fn(lib, *xs)
        out = out[-1] if isinstance(out, tuple) else out
        grads = lib.autograd.grad((out * out).sum(), xs, create_graph=True)
        results.append((grads, lib.autograd.grad(sum((g * g).sum() for g in grads), xs)))
    (t_first, t_second), (e_first, e_second) = results
    assert_same(list(e_first), list(t_first), rtol=1e-6)
    assert_same(list(e_second), list(t_second), rtol=1e-6)


# ---- decompositions unique up to signs: compare invariants and gradients of invariant losses ----
def _svd_losses(full_matrices):
    def reconstruction(lib, a):
        u, s, vh = lib.linalg.svd(a, full_matrices=full_matrices)
        k = s.shape[-1]
        return (u[..., :, :k] * s.unsqueeze(-2)).matmul(vh[..., :k, :])

    def magnitudes(lib, a):
        u, s, vh = lib.linalg.svd(a, full_matrices=full_matrices)
        return u.abs(), s, vh.abs()
    return reconstruction, magnitudes


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 5), (2, 4, 3), (2, 3, 4)])
@pytest.mark.parametrize("full_matrices", [False, True])
def test_svd(shape, full_matrices, dtype):
    tol = {"rtol": 1e-3, "atol": 1e-4} if dtype == np.float32 else {}
    reconstruction, magnitudes = _svd_losses(full_matrices)
    a = randn(*shape, dtype=dtype)
    check(reconstruction, a, **tol)
    square = shape[-1] == shape[-2]
    check(magnitudes if square or not full_matrices else lambda lib, a: magnitudes(lib, a)[1], a, **tol)
    u, s, vh = ember.linalg.svd(ember.tensor(a), full_matrices=full_matrices)
    k = min(shape[-2:])
    eye = np.eye(k)
    np.testing.assert_allclose((u.mT @ u).numpy()[..., :k, :k], np.broadcast_to(eye, u.shape[:-2] + (k, k)),
                               atol=1e-5)
    np.testing.assert_allclose((vh @ vh.mT).numpy()[..., :k, :k], np.broadcast_to(eye, u.shape[:-2] + (k, k)),
                               atol=1e-5)
    assert u.dtype == vh.dtype == s.dtype == ember.tensor(a).dtype


def test_det_gradient_of_singular_matrix_is_the_cofactor_matrix():
    """torch returns zeros here (its det is exactly 0, so it scales A^-T by 0); the cofactors are the gradient."""
    a = ember.tensor([[1.0, 2, 3], [2, 4, 6], [0, 1, 5]], dtype=ember.float64, requires_grad=True)
    ember.linalg.det(a).backward()
    cofactors = [[14, -10, 2], [-7, 5, -1], [0, 0, 0]]
    np.testing.assert_allclose(a.grad.numpy(), cofactors, atol=1e-12)


def test_torch_svd_returns_v():
    a = randn(4, 3)
    check(lambda lib, a: (lambda r: (r.U * r.S.unsqueeze(-2)) @ r.V.mT)(lib.svd(a)), a)
    check(lambda lib, a: a.svd().S, a)
    check(lambda lib, a: tuple(lib.svd(a, some=False, compute_uv=False)), a)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 5), (2, 4, 3), (2, 3, 4)])
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_qr(shape, mode, dtype):
    tol = {"rtol": 1e-3, "atol": 1e-4} if dtype == np.float32 else {}
    a = randn(*shape, dtype=dtype)
    grad = mode == "reduced" or shape[-2] <= shape[-1]
    check(lambda lib, a: (lambda q, r: q.matmul(r))(*lib.linalg.qr(a, mode=mode)), a, grad=grad, **tol)
    check(lambda lib, a: tuple(x.abs() for x in lib.linalg.qr(a, mode=mode)), a, grad=grad, **tol)
    q, r = ember.linalg.qr(ember.tensor(a), mode=mode)
    np.testing.assert_allclose((q.mT @ q).numpy(), np.broadcast_to(np.eye(q.shape[-1]), q.shape[:-2] +
                                                                   (q.shape[-1],) * 2), atol=1e-5)
    assert np.allclose(np.tril(r.numpy(), -1), 0)


def test_qr_mode_r_and_torch_qr():
    a = randn(4, 3)
    check(lambda lib, a: lib.linalg.qr(a, mode="r").R.abs(), a, grad=False)
    check(lambda lib, a: (lambda r: r.Q @ r.R)(a.qr()), a)
    for lib in (torch, ember):
        q, r = lib.linalg.qr(lib.tensor(a, requires_grad=True), mode="r")
        assert q.shape == (0,)
        with pytest.raises(RuntimeError, match="mode='r'"):
            r.sum().backward()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh(shape, uplo, dtype):
    tol = {"rtol": 1e-3, "atol": 1e-4} if dtype == np.float32 else {}
    a = symmetric(*shape, dtype=dtype)

    def reconstruction(lib, a):
        values, vectors = lib.linalg.eigh(a, UPLO=uplo)
        return (vectors * values.unsqueeze(-2)).matmul(vectors.mT)
    check(reconstruction, a, **tol)
    check(lambda lib, a: (lambda r: (r.eigenvalues, r.eigenvectors.abs()))(lib.linalg.eigh(a, uplo)), a, **tol)
    check(lambda lib, a: lib.linalg.eigh(a, UPLO=uplo)[1].abs(), randn(*shape, dtype=dtype), **tol)


# ---- norms ----
NORMS = {
    "vector_2": (lambda lib, a: lib.linalg.vector_norm(a), (2, 3)),
    "vector_1_dim": (lambda lib, a: lib.linalg.vector_norm(a, 1, dim=1), (2, 3)),
    "vector_inf": (lambda lib, a: lib.linalg.vector_norm(a, float("inf"), dim=(0, 2), keepdim=True), (2, 3, 4)),
    "vector_-inf": (lambda lib, a: lib.linalg.vector_norm(a, -float("inf")), (5,)),
    "vector_3": (lambda lib, a: lib.linalg.vector_norm(a, 3, dim=-1), (2, 3)),
    "vector_half": (lambda lib, a: lib.linalg.vector_norm(a, 0.5), (2, 3)),
    "vector_0": (lambda lib, a: lib.linalg.vector_norm(a, 0), (2, 3)),
    "matrix_fro": (lambda lib, a: lib.linalg.matrix_norm(a), (2, 3, 4)),
    "matrix_nuc": (lambda lib, a: lib.linalg.matrix_norm(a, "nuc"), (2, 3, 4)),
    "matrix_2": (lambda lib, a: lib.linalg.matrix_norm(a, 2), (3, 4)),
    "matrix_-2": (lambda lib, a: lib.linalg.matrix_norm(a, -2, keepdim=True), (2, 4, 3)),
    "matrix_1": (lambda lib, a: lib.linalg.matrix_norm(a, 1), (2, 3, 4)),
    "matrix_-1": (lambda lib, a: lib.linalg.matrix_norm(a, -1), (3, 4)),
    "matrix_inf": (lambda lib, a: lib.linalg.matrix_norm(a, float("inf"), keepdim=True), (2, 3, 4)),
    "matrix_-inf": (lambda lib, a: lib.linalg.matrix_norm(a, -float("inf")), (3, 4)),
    "matrix_dims": (lambda lib, a: lib.linalg.matrix_norm(a, 2, dim=(2, 0)), (3, 2, 4)),
    "matrix_1_dims": (lambda lib, a: lib.linalg.matrix_norm(a, 1, dim=(0, 2), keepdim=True), (3, 2, 4)),
    "norm_default": (lambda lib, a: lib.linalg.norm(a), (2, 3, 4)),
    "norm_vector": (lambda lib, a: lib.linalg.norm(a, 3), (4,)),
    "norm_matrix": (lambda lib, a: lib.linalg.norm(a, "nuc"), (3, 4)),
    "norm_dim": (lambda lib, a: lib.linalg.norm(a, dim=1, keepdim=True), (3, 4)),
    "norm_dims": (lambda lib, a: lib.linalg.norm(a, -float("inf"), dim=(1, 2)), (2, 3, 4)),
    "norm_dtype": (lambda lib, a: lib.linalg.norm(a, dtype=lib.float64), (2, 3)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(NORMS))
def test_norms(name, dtype):
    fn, shape = NORMS[name]
    check(fn, randn(*shape, dtype=dtype))


# ---- errors ----
SINGULAR = np.ones((3, 3))


@pytest.mark.parametrize("fn", [
    lambda lib, a: lib.linalg.inv(a),
    lambda lib, a: lib.linalg.solve(a, lib.ones(3, dtype=a.dtype)),
    lambda lib, a: lib.linalg.cholesky(-a),
    lambda lib, a: lib.cholesky(a - 2 * lib.eye(3, dtype=a.dtype)),
])
def test_linalg_error(fn):
    """A singular or indefinite matrix raises each library's LinAlgError, a RuntimeError naming the op."""
    for lib in (torch, ember):
        with pytest.raises(lib.linalg.LinAlgError) as info:
            fn(lib, lib.tensor(SINGULAR))
        assert isinstance(info.value, RuntimeError) and "cholesky" in str(info.value) or "linalg" in str(info.value)


@pytest.mark.parametrize("fn, x", [
    (lambda lib, a: lib.linalg.inv(a), randn(2, 3)),
    (lambda lib, a: lib.linalg.inv(a), randn(3)),
    (lambda lib, a: lib.linalg.inv(a), np.ones((2, 2), np.int64)),
    (lambda lib, a: lib.linalg.det(a), randn(2, 3)),
    (lambda lib, a: lib.linalg.slogdet(a), randn(4, 3)),
    (lambda lib, a: lib.linalg.eigh(a), randn(2, 3)),
    (lambda lib, a: lib.linalg.cholesky(a), randn(2, 3)),
    (lambda lib, a: lib.linalg.svd(a), randn(3)),
    (lambda lib, a: lib.linalg.qr(a), randn(3)),
    (lambda lib, a: lib.linalg.qr(a, mode="full"), randn(3, 3)),
    (lambda lib, a: lib.linalg.solve(a, lib.ones(4, dtype=a.dtype)), randn(3, 3)),
    (lambda lib, a: lib.linalg.matrix_power(a, 2), randn(2, 3)),
    (lambda lib, a: lib.linalg.matrix_norm(a, 3), randn(3, 3)),
    (lambda lib, a: lib.linalg.matrix_norm(a), randn(3)),
    (lambda lib, a: lib.linalg.vector_norm(a), np.ones(3, np.int64)),
    (lambda lib, a: lib.linalg.norm(a, 2), randn(2, 3, 4)),
])
def test_shape_and_dtype_errors(fn, x):
    message = check_error(fn, x)
    assert "linalg" in message or "qr" in message or "matrix_power" in message


def test_linalg_error_is_public():
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    assert ember.linalg.LinAlgError.__name__ == "LinAlgError"
