"""ember's ops: one class per op (forward on arrays, backward in Tensor ops) and their public functions.

Each module (and ember/creation.py, ember/random.py) ends with what it exports, so a new op is found and
bound without touching any other file:

- ``FUNCTIONS_AND_METHODS``: ``ember.<name>`` and ``Tensor.<name>``
- ``FUNCTIONS``: ``ember.<name>`` only (``cat``, ``where(cond)``)
- ``METHODS``: ``Tensor.<name>`` only (``view``, operators such as ``__add__``)
- ``INPLACE``: ``{name: dunder or None}``; ``Tensor.<name>_`` runs ``Tensor.<name>`` in place (and is also
  bound as the in-place operator ``dunder``, e.g. ``__iadd__``)
- ``INPLACE_VIEWS``: ``{name: None}``; ``Tensor.<name>_`` makes the tensor itself the view ``Tensor.<name>``
  returns (``transpose_``, ``unsqueeze_``)
"""
import importlib
import pkgutil


_OUTSIDE_OPS = ("ember.creation", "ember.random")  # factories and random numbers export the same way


def exporting_modules():
    """Every ops module that declares exports, in name order, then the factory modules."""
    names = [f"{__name__}.{info.name}" for info in pkgutil.iter_modules(__path__)] + list(_OUTSIDE_OPS)
    modules = [importlib.import_module(name) for name in names]
    return [m for m in modules if any(hasattr(m, table) for table in ("FUNCTIONS_AND_METHODS", "FUNCTIONS",
                                                                      "METHODS", "INPLACE", "INPLACE_VIEWS"))]


def exports(table):
    """The union of one export table over all modules; a name exported twice is an error (two ops, one name)."""
    merged = {}
    for module in exporting_modules():
        for name, fn in getattr(module, table, {}).items():
            if name in merged:
                raise ImportError(f"ember.ops: '{name}' is exported by two modules (second: {module.__name__})")
            merged[name] = fn
    return merged
