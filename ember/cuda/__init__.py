"""ember.cuda: torch.cuda's queries. Without a GPU backend they answer as a CPU-only torch build does."""
from ..backend import check_device, is_cuda_available


def is_available():
    return is_cuda_available()


def device_count():
    return 0


def manual_seed(seed):
    """Seeds the GPU generators; like torch, silently nothing to do without a GPU."""


def manual_seed_all(seed):
    """Seeds every GPU's generator; like torch, silently nothing to do without a GPU."""


def _no_gpu(*args, **kwargs):
    check_device("cuda")


current_device = get_device_name = get_device_properties = set_device = synchronize = _no_gpu


def empty_cache():
    """Frees cached GPU memory; nothing to free without a GPU."""
