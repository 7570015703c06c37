"""TensorBoard logging, as ``torch.utils.tensorboard``: ``from ember.utils.tensorboard import SummaryWriter``."""
from .writer import SummaryWriter

__all__ = ["SummaryWriter"]
