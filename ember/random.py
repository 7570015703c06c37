"""Random numbers: Generator and seeding; rand, randn, randint, randperm, normal, bernoulli, multinomial; the
in-place samplers (uniform_, normal_, random_, bernoulli_, exponential_). Streams need not match PyTorch's."""
import pickle

import numpy

from . import dtypes
from .autograd.function import Op
from .backend import xp_of
from .creation import _dtype_or_default, _finish, _like, _preserve_layout, _shape_or_size, _size, zeros_like
from .device import device as _device
from .ops.broadcast import broadcast_error
from .ops.inplace import apply_inplace
from .tensor import Tensor, _out, _wrap


class Generator:
    """A random stream; ``manual_seed`` makes it repeatable."""

    def __init__(self, device="cpu"):
        self.device = _device(device)
        self.manual_seed(67280421310721)

    def manual_seed(self, seed):
        self._seed = int(seed) % 2 ** 64  # PyTorch reads a negative seed as an unsigned 64-bit number
        self._rng = numpy.random.Generator(numpy.random.PCG64(self._seed))
        return self

    def seed(self):
        seed = int(numpy.random.SeedSequence().entropy % (2 ** 63))
        self.manual_seed(seed)
        return seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The stream's position as a uint8 tensor, for ``set_state``."""
        state = pickle.dumps(self._rng.bit_generator.state)
        return _wrap(numpy.frombuffer(state, numpy.uint8).copy())

    def set_state(self, new_state):
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not dtypes.uint8:
            raise TypeError(f"RNG state must be a torch.ByteTensor, got {new_state.dtype}")
        try:
            self._rng.bit_generator.state = pickle.loads(new_state._array.tobytes())
        except Exception:  # noqa: BLE001 - any bytes that are not a saved state
            raise RuntimeError(f"set_state: expected an RNG state from get_state(), got a uint8 tensor of shape "
                               f"{list(new_state.shape)}") from None
        return self


default_generator = Generator()


def manual_seed(seed):
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


def _rng(generator):
    return (generator or default_generator)._rng


# ---- samplers: (rng, shape, numpy dtype) -> array of that dtype ----
def _work_dtype(np_dtype):
    """numpy draws float32 and float64 directly; float16 is drawn in float32 and rounded."""
    return np_dtype if np_dtype in (numpy.float32, numpy.float64) else numpy.dtype(numpy.float32)


def _uniform(low, high):
    return lambda rng, shape, dt: (low + (high - low) * rng.random(shape, _work_dtype(dt))).astype(dt, copy=False)


def _normal(mean, std):
    return lambda rng, shape, dt: (mean + std * rng.standard_normal(shape, _work_dtype(dt))).astype(dt, copy=False)


def _exponential(lambd):
    return lambda rng, shape, dt: (rng.standard_exponential(shape, _work_dtype(dt)) / lambd).astype(dt, copy=False)


def _integers(low, high):
    """Uniform on [low, high)."""
    return lambda rng, shape, dt: rng.integers(low, high - 1, shape, endpoint=True).astype(dt, copy=False)


def _bernoulli(p):
    """1 with probability ``p`` (a number, or an array broadcastable to the shape)."""
    return lambda rng, shape, dt: (rng.random(shape) < p).astype(dt)


def _check_float(dt, kernel):
    if not dt.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtypes.scalar_type_name(dt.np)}'")


def _check_std(std):
    if isinstance(std, Tensor):
        if (std._array < 0).any():
            raise RuntimeError(f"normal expects all elements of std >= 0.0 (std of shape {list(std.shape)})")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


def _check_probabilities(p, op):
    if ((p._array < 0) | (p._array > 1)).any():
        raise RuntimeError(f"{op}: expected every probability p_in to satisfy p_in >= 0 && p_in <= 1, but the "
                           f"tensor of shape {list(p.shape)} holds values outside [0, 1]")


# ---- factories ----
def _random(sample, shape, size, generator, dtype, device, requires_grad, out, kernel):
    dt = _dtype_or_default(dtype)
    _check_float(dt, kernel)
    arr = sample(_rng(generator), _size(_shape_or_size(shape, size)), dt.np)
    return _out(_finish(arr, requires_grad, device), out)


def rand(*shape, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """Uniform on [0, 1)."""
    return _random(_uniform(0, 1), shape, size, generator, dtype, device, requires_grad, out, "check_uniform_bounds")


def randn(*shape, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    """Standard normal."""
    return _random(_normal(0, 1), shape, size, generator, dtype, device, requires_grad, out, "normal_kernel_cpu")


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False):
    """Integers uniform on [low, high): ``randint(high, size)`` or ``randint(low, high, size)``."""
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing the required argument 'size' (a tuple of ints)")
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    _check_range(low, high)
    arr = _integers(low, high)(_rng(generator), _size((size,) if isinstance(size, int) else size), dt.np)
    return _out(_finish(arr, requires_grad, device), out)


def _check_range(low, high):
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")


rand_like, randn_like = _like(rand), _like(randn)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, generator=None):
    """``randint_like(input, high)`` or ``randint_like(input, low, high)``: input's shape and (by default) dtype."""
    if high is None:
        low, high = 0, low
    out = randint(low, high, input.shape, generator=generator, dtype=dtype or input.dtype, device=device,
                  requires_grad=requires_grad)
    return _preserve_layout(out, input._array) if memory_format is None else out


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=False,
             requires_grad=False):
    """A random permutation of 0 .. n-1."""
    dt = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    if dt is dtypes.bool:
        raise NotImplementedError("\"randperm\" not implemented for 'Bool'")
    (n,) = _size((n,))
    if not dt.is_floating_point and n - 1 > numpy.iinfo(dt.np).max:
        raise RuntimeError(f"randperm({n}): value cannot be converted to type {dt.name} without overflow")
    arr = _rng(generator).permutation(n).astype(dt.np)
    return _out(_finish(arr, requires_grad, device), out)


class Sampled(Op):
    """A random draw shaped by its tensor arguments: each of them gets a zero gradient, as in PyTorch."""

    _num_inputs = 2

    @staticmethod
    def forward(ctx, a, b, draw):
        ctx.inputs = tuple((x.shape, x.dtype) if hasattr(x, "shape") else None for x in (a, b))
        return draw(a, b)

    @staticmethod
    def backward(ctx, grad):
        xp = xp_of(grad._array)
        return tuple(_wrap(xp.zeros(*meta)) if need else None for meta, need in zip(ctx.inputs, ctx.needs_input_grad))


_SAMPLED = {name: type(name[:-len("Backward0")], (Sampled,), {"_node_name": name}) for name in (
    "NormalBackward0", "NormalBackward1", "NormalBackward2", "NormalBackward3", "UniformBackward0",
    "RandomBackward0", "ExponentialBackward0", "BernoulliBackward0", "BernoulliBackward1", "BernoulliBackward2")}


def _shape_of(x):
    return x.shape if isinstance(x, Tensor) else ()


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """Normal samples: tensor mean and/or std (broadcast together), or float mean and std with a ``size``."""
    tensors = (isinstance(mean, Tensor), isinstance(std, Tensor))
    if (size is None) == (tensors == (False, False)):
        raise TypeError(f"normal() received an invalid combination of arguments - got ({type(mean).__name__}, "
                        f"{type(std).__name__}, size={size}), but expected (Tensor mean, Tensor std), (Tensor mean, "
                        "float std), (float mean, Tensor std) or (float mean, float std, tuple of ints size)")
    _check_std(std)
    if size is not None:
        return _random(_normal(mean, std), (), size, generator, dtype, device, requires_grad, out,
                       "normal_kernel_cpu")
    error = broadcast_error(_shape_of(mean), _shape_of(std))
    if error is not None:
        raise error
    dt = (mean if tensors[0] else std).dtype  # mean's dtype when both are tensors, as in PyTorch
    _check_float(dt, "normal_kernel_cpu")
    rng = _rng(generator)
    node = {(True, True): "NormalBackward3", (True, False): "NormalBackward1", (False, True): "NormalBackward2"}
    result = _SAMPLED[node[tensors]].apply(
        mean, std, lambda m, s: _normal(m, s)(rng, numpy.broadcast_shapes(numpy.shape(m), numpy.shape(s)), dt.np))
    return _out(result, out)


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 samples of input's shape and dtype: with probabilities ``input``, or with probability ``p``."""
    if p is not None:
        return _out(bernoulli_(zeros_like(input), p, generator=generator), out)
    _check_float(input.dtype, "bernoulli_tensor_cpu_p_")
    _check_probabilities(input, "bernoulli")
    rng = _rng(generator)
    result = _SAMPLED["BernoulliBackward0"].apply(input, None, lambda a, _: _bernoulli(a)(rng, a.shape, a.dtype))
    return _out(result, out)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from each row of (unnormalised) probabilities ``input``."""
    probs = _multinomial_rows(input, num_samples, replacement)
    rng = _rng(generator)
    if replacement:
        picks = _inverse_cdf(probs, rng.random((probs.shape[0], num_samples)))
    else:  # the k smallest of Exp(1) / p are k draws without replacement, in order (exponential races)
        picks = numpy.argsort(rng.standard_exponential(probs.shape) / probs, axis=1, kind="stable")[:, :num_samples]
    return _out(_wrap(picks.reshape(input.shape[:-1] + (num_samples,)).astype(numpy.int64)), out)


def _multinomial_rows(input, num_samples, replacement):
    """The probabilities as float64 rows, checked as PyTorch checks them."""
    a = input._array
    if a.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{dtypes.scalar_type_name(a.dtype)}")
    if a.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got shape {list(a.shape)}")
    if num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample n_sample <= 0 samples (got {num_samples})")
    if not replacement and num_samples > a.shape[-1]:
        raise RuntimeError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement "
                           f"(n_sample={num_samples}, prob_dist of shape {list(a.shape)})")
    probs = a.reshape(-1, a.shape[-1]).astype(numpy.float64)
    if not numpy.isfinite(probs).all() or (probs < 0).any():
        raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or element < 0")
    if (probs.sum(axis=1) <= 0).any():
        raise RuntimeError("multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
    return probs


def _inverse_cdf(probs, u):
    """For each row, the category whose slice of that row's cumulative distribution holds each of ``u``'s draws."""
    rows, n = probs.shape
    cdf = numpy.cumsum(probs, axis=1)
    cdf /= cdf[:, -1:]
    offset = numpy.arange(rows)[:, None]  # one sorted search over all rows: row r lives in [r, r + 1]
    flat = numpy.searchsorted((cdf + offset).ravel(), (u + offset).ravel(), side="right").reshape(u.shape)
    return numpy.minimum(flat - offset * n, n - 1)


# ---- in-place samplers (Tensor methods): torch semantics, so on leaves only under no_grad ----
def _fill_random(self, node, sample, generator):
    rng = _rng(generator)
    return apply_inplace(self, lambda t: _SAMPLED[node].apply(t, None, lambda a, _: sample(rng, a.shape, a.dtype)))


def uniform_(self, from_=0, to=1, *, generator=None):
    _check_float(self.dtype, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_:g} > to={to:g}")
    return _fill_random(self, "UniformBackward0", _uniform(from_, to), generator)


def normal_(self, mean=0, std=1, *, generator=None):
    _check_float(self.dtype, "normal_kernel_cpu")
    _check_std(std)
    return _fill_random(self, "NormalBackward0", _normal(mean, std), generator)


def exponential_(self, lambd=1, *, generator=None):
    if not self.dtype.is_floating_point:
        raise RuntimeError(f"Exponential distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {dtypes.scalar_type_name(self.dtype.np)}")
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    return _fill_random(self, "ExponentialBackward0", _exponential(lambd), generator)


def random_(self, *args, to=None, generator=None):
    """``random_()``: integers from 0 to the dtype's largest exact one; ``random_(to)``; ``random_(from, to)``."""
    if len(args) == 2:
        low, high = args
    elif args:
        low, high = (args[0], to) if to is not None else (0, args[0])
    else:
        low, high = 0, to
    if high is None:
        high = _largest_exact(self.dtype) + 1
    _check_range(low, high)
    _check_in_dtype(low, high, self.dtype)
    return _fill_random(self, "RandomBackward0", _integers(low, high), generator)


def _largest_exact(dt):
    """The largest integer ``random_()`` draws for ``dt``: every integer up to it is exact in the dtype."""
    if dt is dtypes.bool:
        return 1
    if dt.is_floating_point:
        return 2 ** (numpy.finfo(dt.np).nmant + 1)
    return int(numpy.iinfo(dt.np).max)


def _check_in_dtype(low, high, dt):
    if dt.is_floating_point:
        return
    top = _largest_exact(dt)
    bottom = 0 if dt is dtypes.bool else int(numpy.iinfo(dt.np).min)
    for what, value in (("from", low), ("to - 1", high - 1)):
        if not bottom <= value <= top:
            raise RuntimeError(f"random_: {what} is out of bounds for {dt} (got {value}, expected it in "
                               f"[{bottom}, {top}])")


def bernoulli_(self, p=0.5, *, generator=None):
    if isinstance(p, Tensor):
        _check_probabilities(p, "bernoulli_")
        rng = _rng(generator)
        return apply_inplace(self, lambda t, q: _SAMPLED["BernoulliBackward1"].apply(
            t, q, lambda a, b: _bernoulli(b)(rng, a.shape, a.dtype)), p)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    return _fill_random(self, "BernoulliBackward2", _bernoulli(p), generator)


# ---- what this module exports as ember.<name> ----
FUNCTIONS = {"Generator": Generator, "default_generator": default_generator, "manual_seed": manual_seed,
             "seed": seed, "initial_seed": initial_seed, "get_rng_state": get_rng_state,
             "set_rng_state": set_rng_state, "rand": rand, "randn": randn, "randint": randint,
             "rand_like": rand_like, "randn_like": randn_like, "randint_like": randint_like, "randperm": randperm,
             "normal": normal}
FUNCTIONS_AND_METHODS = {"bernoulli": bernoulli, "multinomial": multinomial}
METHODS = {"uniform_": uniform_, "normal_": normal_, "exponential_": exponential_, "random_": random_,
           "bernoulli_": bernoulli_}
