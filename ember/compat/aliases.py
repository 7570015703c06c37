"""An import hook that serves ``torch.*`` and ``torchvision.*`` modules as aliases of ember's."""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

# torch's module name prefix -> ember's; longest prefix first. The notes also log through tensorboardX directly.
_PREFIXES = (("torchvision", "ember.vision"), ("tensorboardX", "ember.utils.tensorboard"), ("torch", "ember"))


class MissingTorchAPI(AttributeError):
    """A torch API that ember does not have (an AttributeError, so ``hasattr(torch, ...)`` still works)."""


def ember_name(torch_name):
    """``torch.nn.functional`` -> ``ember.nn.functional``; None for names outside the aliased packages."""
    for torch_prefix, ember_prefix in _PREFIXES:
        if torch_name == torch_prefix or torch_name.startswith(torch_prefix + "."):
            return ember_prefix + torch_name[len(torch_prefix):]
    return None


class _Alias(types.ModuleType):
    """The module ``torch.x`` for a script: every attribute is ember's; a missing one names the torch API."""

    def __init__(self, torch_name, module):
        super().__init__(torch_name, module.__doc__)
        self.__dict__["_ember_module"] = module
        self.__file__ = getattr(module, "__file__", None)
        if hasattr(module, "__path__"):
            self.__path__ = []

    def __getattr__(self, attr):
        try:
            value = getattr(self._ember_module, attr)
        except AttributeError:
            submodule = f"{self.__name__}.{attr}"
            if not attr.startswith("__") and _importable(submodule):
                return importlib.import_module(submodule)
            raise MissingTorchAPI(f"ember does not implement {self.__name__}.{attr} yet") from None
        if isinstance(value, types.ModuleType) and value.__name__ == ember_name(f"{self.__name__}.{attr}"):
            return importlib.import_module(f"{self.__name__}.{attr}")
        return value

    def __setattr__(self, attr, value):
        # Import machinery sets dunders and submodule aliases on the alias; a script's settings go to ember.
        if attr.startswith("__") or isinstance(value, _Alias):
            super().__setattr__(attr, value)
        else:
            setattr(self._ember_module, attr, value)

    def __dir__(self):
        return dir(self._ember_module)


def _importable(torch_name):
    name = ember_name(torch_name)
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return _Alias(spec.name, self.module)

    def exec_module(self, module):
        pass


class _AliasFinder(importlib.abc.MetaPathFinder):
    _importing_ember = False

    def find_spec(self, fullname, path=None, target=None):
        name = ember_name(fullname)
        if name is None or self._importing_ember:
            return None  # ember's own imports (the real tensorboardX under ember.utils.tensorboard) stay real
        self._importing_ember = True
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            raise ModuleNotFoundError(f"ember does not implement {fullname} yet (no module {name})",
                                      name=fullname) from None
        finally:
            self._importing_ember = False
        _make_way_for_aliases()
        is_package = hasattr(module, "__path__")
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module), is_package=is_package)


def _make_way_for_aliases():
    """A real aliased package that ember imported for itself (tensorboardX) leaves ``sys.modules`` to the alias."""
    for torch_prefix, _ in _PREFIXES:
        if torch_prefix in sys.modules and not isinstance(sys.modules[torch_prefix], _Alias):
            del sys.modules[torch_prefix]


_FINDER = _AliasFinder()


def install():
    """From now on ``import torch`` (and torchvision) in this process give ember; call before importing torch."""
    if any(name == "torch" or name.startswith("torch.") for name, m in sys.modules.items()
           if m is not None and not isinstance(m, _Alias)):
        raise RuntimeError("ember.compat.install(): the real torch is already imported in this process; "
                           "install ember's aliases before the first `import torch`")
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
        _make_way_for_aliases()


def uninstall():
    """Remove the aliases: later ``import torch`` finds the real torch (if installed)."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [n for n, m in sys.modules.items() if isinstance(m, _Alias)]:
        del sys.modules[name]
