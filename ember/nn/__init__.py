"""ember.nn: modules, parameters, functional forms, initialisation and utilities, as torch.nn."""
from . import functional, init, utils  # noqa: F401
from .modules import *  # noqa: F401,F403
from .parallel import DataParallel  # noqa: F401 - torch.nn.DataParallel; torch.nn.parallel is reachable too
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter  # noqa: F401
