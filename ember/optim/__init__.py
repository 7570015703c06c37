"""ember.optim: PyTorch's optimizers (torch.optim) on numpy arrays."""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam
from .adamw import AdamW
from .adamax import Adamax
from .nadam import NAdam
from .radam import RAdam
from .adagrad import Adagrad
from .adadelta import Adadelta
from .rmsprop import RMSprop
from .rprop import Rprop
from .asgd import ASGD
from .sparse_adam import SparseAdam
from .lbfgs import LBFGS
from . import lr_scheduler, swa_utils

__all__ = ["ASGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "LBFGS", "NAdam", "Optimizer", "RAdam", "RMSprop",
           "Rprop", "SGD", "SparseAdam", "lr_scheduler", "swa_utils"]
