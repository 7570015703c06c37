"""Random numbers: a seeded Generator and rand/randn/randint. Streams need not match PyTorch's."""
import numpy

from . import dtypes
from .creation import _dtype_or_default, _finish, _like, _shape_or_size, _size
from .device import device as _device
from .tensor import _LEGACY_NAMES


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
        from .creation import tensor
        import pickle
        return tensor(list(pickle.dumps(self._rng.bit_generator.state)), dtype=dtypes.uint8)

    def set_state(self, state):
        import pickle
        self._rng.bit_generator.state = pickle.loads(bytes(state._array.tolist()))
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


def _random(sample, shape, size, generator, dtype, device, requires_grad, kernel):
    dt = _dtype_or_default(dtype)
    if not dt.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_LEGACY_NAMES[dt.name][:-len("Tensor")]}\'')
    work_dtype = dt.np if dt.np in (numpy.float32, numpy.float64) else numpy.float64
    arr = sample(_rng(generator), _size(_shape_or_size(shape, size)), work_dtype)
    return _finish(arr.astype(dt.np, copy=False), requires_grad, device)


def rand(*shape, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """Uniform on [0, 1)."""
    return _random(lambda g, s, d: g.random(s, dtype=d), shape, size, generator, dtype, device, requires_grad,
                   "check_uniform_bounds")


def randn(*shape, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    """Standard normal."""
    return _random(lambda g, s, d: g.standard_normal(s, dtype=d), shape, size, generator, dtype, device,
                   requires_grad, "normal_kernel_cpu")


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
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    arr = _rng(generator).integers(low, high, _size((size,) if isinstance(size, int) else size))
    return _finish(arr.astype(dt.np), requires_grad, device)


rand_like, randn_like = _like(rand), _like(randn)


# ---- what this module exports as ember.<name> ----
FUNCTIONS = {"Generator": Generator, "default_generator": default_generator, "manual_seed": manual_seed,
             "seed": seed, "initial_seed": initial_seed, "get_rng_state": get_rng_state,
             "set_rng_state": set_rng_state, "rand": rand, "randn": randn, "randint": randint,
             "rand_like": rand_like, "randn_like": randn_like}
