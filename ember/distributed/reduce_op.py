"""ReduceOp, as torch.distributed.ReduceOp: how a collective combines the ranks' values."""
import enum


class RedOpType(int, enum.Enum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8

    def __repr__(self):
        return f"<RedOpType.{self.name}: {self.value}>"


class ReduceOp:
    """The reduction operations: ``ReduceOp.SUM``, ``AVG``, ``PRODUCT``, ``MIN``, ``MAX``, ``BAND``, ``BOR``,
    ``BXOR``."""

    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM


_MPI_OPS = {RedOpType.SUM: "SUM", RedOpType.AVG: "SUM", RedOpType.PRODUCT: "PROD", RedOpType.MIN: "MIN",
            RedOpType.MAX: "MAX", RedOpType.BAND: "BAND", RedOpType.BOR: "BOR", RedOpType.BXOR: "BXOR"}


def mpi_op(MPI, op):
    """The MPI operation doing ``op`` (AVG is a SUM that the caller divides afterwards)."""
    try:
        return getattr(MPI, _MPI_OPS[RedOpType(op)])
    except (KeyError, ValueError):
        raise ValueError(f"ember.distributed over MPI does not support reduce op {op!r}; expected one of "
                         f"{', '.join('ReduceOp.' + RedOpType(k).name for k in _MPI_OPS)}") from None
