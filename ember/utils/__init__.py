"""ember.utils, as torch.utils: data loading (``ember.utils.data``), TensorBoard logging
(``ember.utils.tensorboard``, imported on demand as in torch) and ``summary``, the torchsummary-style table."""
from . import data  # noqa: F401
from .model_summary import summary

__all__ = ["data", "summary"]
