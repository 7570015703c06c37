"""The layers, each file one family, as torch/nn/modules/. Each file lists its public classes in ``__all__``."""
from .activation import *  # noqa: F401,F403
from .container import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .module import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
