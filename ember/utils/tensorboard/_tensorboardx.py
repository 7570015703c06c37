"""tensorboardX, imported without torch.

tensorboardX's writer does ``import torch`` at import time when torch is installed (seconds of start-up,
and ember never imports torch); with torch marked unimportable for that one import it falls back to numpy.
"""
import sys


def _import_without_torch():
    if "torch" in sys.modules:
        import tensorboardX
        return tensorboardX
    sys.modules["torch"] = None
    try:
        import tensorboardX
    finally:
        del sys.modules["torch"]
    return tensorboardX


tensorboardX = _import_without_torch()

from tensorboardX import summary  # noqa: E402
from tensorboardX.proto import event_pb2, graph_pb2, node_def_pb2, versions_pb2  # noqa: E402

__all__ = ["tensorboardX", "summary", "event_pb2", "graph_pb2", "node_def_pb2", "versions_pb2"]
