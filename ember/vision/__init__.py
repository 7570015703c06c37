"""ember.vision: torchvision's place: transforms, datasets, models and image utils."""
from . import datasets, models, transforms, utils

__all__ = ["datasets", "models", "transforms", "utils"]
