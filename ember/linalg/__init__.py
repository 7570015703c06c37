"""ember.linalg: torch.linalg's functions."""
from ..ops.decompositions import (LinAlgError, cholesky, det, eigh, eigvalsh, inv, matrix_norm, matrix_power,
                                  matrix_rank, multi_dot, norm, pinv, qr, slogdet, solve, solve_triangular, svd,
                                  svdvals, vector_norm)
from ..ops.linalg import linalg_cross as cross, matmul


def vecdot(x, y, *, dim=-1, out=None):
    """The dot product of vectors along ``dim``."""
    from ..tensor import _out
    return _out((x * y).sum(dim), out)


__all__ = ["LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm",
           "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_triangular",
           "svd", "svdvals", "vecdot", "vector_norm"]
