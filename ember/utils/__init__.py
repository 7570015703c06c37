"""ember.utils, as torch.utils: data loading (``ember.utils.data``)."""
from . import data  # noqa: F401 - ember.utils.data is there after ``import ember.utils``
