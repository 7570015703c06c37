"""einsum: any equation (ellipsis, repeated indices, implicit output); its gradient is itself an einsum."""
import string

from ..autograd.function import Op
from ..backend import xp_of

_LETTERS = frozenset(string.ascii_letters)


class Einsum(Op):
    """Operands first, then the spec ``(input terms, output term)``, every term spelled out in letters."""

    _node_name = "EinsumBackward0"

    @staticmethod
    def forward(ctx, *args):
        *arrays, (terms, output) = args
        ctx.save_for_backward(*arrays)
        ctx.spec = (terms, output)
        xp = xp_of(arrays[0])
        out = xp.einsum(",".join(terms) + "->" + output, *arrays, optimize=len(arrays) > 1)
        # a one-operand einsum may return a view of its input; an op's output owns its memory
        return xp.array(out, order="C") if len(arrays) == 1 or not out.flags.c_contiguous else out

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        terms, output = ctx.spec
        sizes = {letter: n for term, op in zip(terms, operands) for letter, n in zip(term, op.shape)}
        return tuple(_operand_grad(i, grad, operands, terms, output, sizes) if need else None
                     for i, need in enumerate(ctx.needs_input_grad))


def _operand_grad(i, grad, operands, terms, output, sizes):
    """The gradient of operand ``i``: grad and the other operands contracted onto ``terms[i]``.

    A letter repeated in ``terms[i]`` (a diagonal) is spelled with fresh letters tied by identity matrices;
    a letter only ``terms[i]`` has (summed away) is brought back by a vector of ones.
    """
    from ..creation import eye, ones
    fresh = iter(sorted(_LETTERS - set("".join(terms) + output)))
    others = [(t, op) for j, (t, op) in enumerate(zip(terms, operands)) if j != i]
    known = set(output).union(*(t for t, _ in others))
    target, seen = [], set()
    extra = []
    for letter in terms[i]:
        if letter in seen:
            tied = next(fresh)
            extra.append((letter + tied, eye(sizes[letter], dtype=grad.dtype)))
            target.append(tied)
        else:
            if letter not in known:
                extra.append((letter, ones(sizes[letter], dtype=grad.dtype)))
            seen.add(letter)
            target.append(letter)
    parts = [(output, grad)] + others + extra
    return _contract([t for t, _ in parts], "".join(target), [op for _, op in parts])


def _contract(terms, output, operands):
    return Einsum.apply_n(len(operands), *operands, (tuple(terms), output))


def _error(message):
    return RuntimeError(f"einsum(): {message}")


def _parse(equation, operands):
    """Every input term and the output term in letters only, ellipsis dims named by unused letters."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise _error(f"{'more' if len(operands) > len(terms) else 'fewer'} operands were provided than "
                     "specified in the equation")
    for index, char in enumerate(equation.replace("...", "").replace("->", "").replace(",", "")):
        if char not in _LETTERS:
            raise _error(f"invalid subscript given at index {index} in the equation string, subscripts must be in "
                         "[a-zA-Z]")
    covers = [_ellipsis_cover(i, term, op.ndim) for i, (term, op) in enumerate(zip(terms, operands))]
    unused = sorted(_LETTERS - set(equation))
    ellipsis = "".join(unused[:max(covers, default=0)])
    terms = [t.replace("...", ellipsis[len(ellipsis) - n:] if n else "") for t, n in zip(terms, covers)]
    if not arrow:
        counts = "".join(terms)
        singles = sorted(c for c in set(counts) if counts.count(c) == 1 and c not in ellipsis)
        return terms, ellipsis + "".join(singles)
    return terms, _checked_output(rhs.replace("...", ellipsis), terms)


def _ellipsis_cover(i, term, ndim):
    """How many dims the ellipsis of ``term`` stands for in an operand of ``ndim`` dims."""
    letters = len(term.replace("...", ""))
    if "..." not in term:
        if letters != ndim:
            raise _error(f"the number of subscripts in the equation ({letters}) does not match the number of "
                         f"dimensions ({ndim}) for operand {i} and no ellipsis was given")
        return 0
    if letters > ndim:
        raise _error(f"the number of subscripts in the equation ({letters}) is more than the number of "
                     f"dimensions ({ndim}) for operand {i}")
    return ndim - letters


def _checked_output(output, terms):
    inputs = set("".join(terms))
    for letter in output:
        if output.count(letter) > 1:
            raise _error(f"output subscript {letter} appears more than once in the output")
        if letter not in inputs:
            raise _error(f"output subscript {letter} does not appear in the equation for any input operand")
    return output


def _broadcast(terms, operands):
    """Operands expanded where a letter has size 1 in some and n in others; PyTorch's error if sizes clash."""
    sizes = {}
    for i, (term, op) in enumerate(zip(terms, operands)):
        for letter, n in zip(term, op.shape):
            seen = sizes.setdefault(letter, n)
            if n != seen and 1 not in (n, seen):
                raise _error(f"subscript {letter} has size {n} for operand {i} which does not broadcast with "
                             f"previously seen size {seen}")
            sizes[letter] = max(n, seen)
    return [op if all(sizes[c] == n for c, n in zip(t, op.shape)) else op.expand(*(sizes[c] for c in t))
            for t, op in zip(terms, operands)]


def _check_dtypes(operands):
    first = operands[0].dtype
    for op in operands[1:]:
        if op.dtype is not first:
            raise RuntimeError(f"einsum(): expected all operands to have the same dtype, but got {first} and "
                               f"{op.dtype}")


def _from_sublists(args):
    """einsum(op0, sublist0, op1, sublist1, ..., [output sublist]) as an equation and operands."""
    def term(sublist):
        return "".join("..." if s is Ellipsis else string.ascii_letters[s] for s in sublist)
    pairs = len(args) // 2
    operands = list(args[0:2 * pairs:2])
    equation = ",".join(term(s) for s in args[1:2 * pairs:2])
    if len(args) % 2:
        equation += "->" + term(args[-1])
    return equation, operands


def einsum(*args):
    """einsum(equation, *operands), einsum(equation, [operands]) or the sublist form."""
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand, or at least one "
                        "operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    else:
        equation, operands = _from_sublists(args)
    if not operands:
        raise ValueError("einsum(): must provide at least one operand")
    _check_dtypes(operands)
    terms, output = _parse(equation, operands)
    return _contract(terms, output, _broadcast(terms, operands))


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS = {"einsum": einsum}
