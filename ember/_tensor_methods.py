"""Binds the ops' exported functions to Tensor as methods, operators and in-place ``_`` variants."""
from .ops import exports
from .ops.inplace import apply_inplace, apply_inplace_view


def bind_methods(Tensor):
    methods = {**exports("FUNCTIONS_AND_METHODS"), **exports("METHODS")}
    for name, dunder in exports("INPLACE").items():
        method = _inplace_method(methods[name])
        methods[name + "_"] = method
        if dunder is not None:
            methods[dunder] = method
    for name in exports("INPLACE_VIEWS"):
        methods[name + "_"] = _inplace_view_method(methods[name])
    for name, fn in methods.items():
        setattr(Tensor, name, fn)


def _inplace_method(fn):
    def method(self, *args, **kwargs):
        return apply_inplace(self, lambda t, *others: fn(t, *others, **kwargs), *args)
    method.__name__ = fn.__name__ + "_"
    return method


def _inplace_view_method(fn):
    def method(self, *args, **kwargs):
        return apply_inplace_view(self, lambda t: fn(t, *args, **kwargs))
    method.__name__ = fn.__name__ + "_"
    return method
