"""Binds the ops' public functions to Tensor as methods, operators and in-place ``_`` variants."""
def bind_methods(Tensor):
    from .ops import (arithmetic, comparison, conversion, indexing, inplace, linalg, reduction, selection,
                      unary, view)

    methods = {}
    for module, names in (
        (arithmetic, "add sub mul div floor_divide remainder neg pow"),
        (unary, "exp log sqrt abs absolute sign sigmoid tanh relu"),
        (reduction, "sum mean max min argmax argmin maximum minimum"),
        (linalg, "mm bmm dot mv matmul addmm"),
        (view, "view view_as reshape reshape_as transpose swapaxes swapdims t permute squeeze unsqueeze expand "
               "expand_as flatten narrow select unbind contiguous"),
        (selection, "clamp clamp_min clamp_max"),
        (comparison, "eq ne lt le gt ge greater greater_equal less less_equal not_equal bitwise_and bitwise_or "
                     "bitwise_xor bitwise_not logical_not logical_and logical_or logical_xor equal"),
        (conversion, "clone"),
    ):
        for name in names.split():
            methods[name] = getattr(module, name)
    methods.update(multiply=arithmetic.mul, subtract=arithmetic.sub, divide=arithmetic.div,
                   true_divide=arithmetic.div, negative=arithmetic.neg, clip=selection.clamp,
                   where=selection._tensor_where, __getitem__=indexing.getitem, __setitem__=indexing.setitem)
    methods.update(_operators(arithmetic, comparison, linalg))
    for name in ("add sub mul div floor_divide remainder pow neg exp log sqrt abs sign sigmoid tanh relu clamp "
                 "clamp_min clamp_max eq ne lt le gt ge bitwise_and bitwise_or bitwise_xor logical_not "
                 "logical_and logical_or").split():
        methods[name + "_"] = _inplace_method(methods[name], inplace.apply_inplace)
    methods.update(multiply_=methods["mul_"], subtract_=methods["sub_"], divide_=methods["div_"],
                   true_divide_=methods["div_"], negative_=methods["neg_"], clip_=methods["clamp_"],
                   t_=inplace.t_, zero_=inplace.zero_, fill_=inplace.fill_, copy_=inplace.copy_)
    for name in ("__iadd__ add_", "__isub__ sub_", "__imul__ mul_", "__itruediv__ div_", "__ifloordiv__ "
                 "floor_divide_", "__imod__ remainder_", "__ipow__ pow_", "__iand__ bitwise_and_",
                 "__ior__ bitwise_or_", "__ixor__ bitwise_xor_"):
        dunder, method = name.split()
        methods[dunder] = methods[method]
    for name, fn in methods.items():
        setattr(Tensor, name, fn)


def _operators(arithmetic, comparison, linalg):
    rev = arithmetic._reflected
    return {
        "__add__": arithmetic.add, "__radd__": arithmetic.add, "__sub__": arithmetic.sub,
        "__rsub__": rev(arithmetic.sub), "__mul__": arithmetic.mul, "__rmul__": arithmetic.mul,
        "__truediv__": arithmetic.div, "__rtruediv__": rev(arithmetic.div),
        "__floordiv__": arithmetic.floor_divide, "__rfloordiv__": rev(arithmetic.floor_divide),
        "__mod__": arithmetic.remainder, "__rmod__": rev(arithmetic.remainder),
        "__pow__": arithmetic.pow, "__rpow__": rev(arithmetic.pow),
        "__matmul__": linalg.matmul, "__rmatmul__": lambda self, other: linalg.matmul(other, self),
        "__neg__": arithmetic.neg, "__pos__": lambda self: self, "__abs__": lambda self: self.abs(),
        "__invert__": comparison.invert,
        "__and__": comparison.bitwise_and, "__rand__": comparison.bitwise_and,
        "__or__": comparison.bitwise_or, "__ror__": comparison.bitwise_or,
        "__xor__": comparison.bitwise_xor, "__rxor__": comparison.bitwise_xor,
        "__eq__": _not_implemented_on_type_error(comparison.eq),
        "__ne__": _not_implemented_on_type_error(comparison.ne), "__lt__": comparison.lt, "__le__": comparison.le,
        "__gt__": comparison.gt, "__ge__": comparison.ge,
    }


def _not_implemented_on_type_error(fn):
    """``t == None`` is False (and ``t != "a"`` True), as in PyTorch: an operand that is no tensor-like value
    hands the comparison back to Python."""
    def operator(self, other):
        try:
            return fn(self, other)
        except TypeError:
            return NotImplemented
    operator.__name__ = fn.__name__
    return operator


def _inplace_method(fn, apply_inplace):
    def method(self, *args, **kwargs):
        return apply_inplace(self, lambda t, *others: fn(t, *others, **kwargs), *args)
    method.__name__ = fn.__name__ + "_"
    return method
