"""Run PyTorch programs on ember: ``import torch`` / ``import torchvision`` resolve to ember.

``python -m ember run script.py`` installs this for that run only; in a notebook, ``ember.compat.install()``
before the first ``import torch``.
"""
from .aliases import MissingTorchAPI, install, uninstall
from .run import run_script

__all__ = ["install", "uninstall", "run_script", "MissingTorchAPI"]
