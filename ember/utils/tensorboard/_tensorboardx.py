"""tensorboardX, imported without torch.

tensorboardX's writer does ``import torch`` at import time when torch is installed (seconds of start-up,
and ember never imports torch, nor should it pick up ember's torch aliases under ``python -m ember run``);
with torch marked unimportable for that one import it falls back to numpy.
"""
import sys


def _import_without_torch():
    saved = sys.modules.get("torch")
    sys.modules["torch"] = None
    try:
        import tensorboardX
    finally:
        if saved is None:
            del sys.modules["torch"]
        else:
            sys.modules["torch"] = saved
    return tensorboardX


tensorboardX = _import_without_torch()

from tensorboardX import summary  # noqa: E402
from tensorboardX.proto import event_pb2, graph_pb2, node_def_pb2, versions_pb2  # noqa: E402

__all__ = ["tensorboardX", "summary", "event_pb2", "graph_pb2", "node_def_pb2", "versions_pb2"]
