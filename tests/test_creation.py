"""dtypes, devices and tensor creation (tensor, as_tensor, from_numpy, factories, random, legacy
constructors), compared with real PyTorch."""
import numpy as np
import pytest
import torch

import ember
from oracle import assert_same, check_error

DTYPE_NAMES = ["float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool"]
ALIASES = ["float", "double", "half", "long", "int", "short"]


@pytest.fixture
def default_dtype_restored():
    yield
    ember.set_default_dtype(ember.float32)
    torch.set_default_dtype(torch.float32)


def both(fn):
    """``fn`` run with each library: (ember result, torch result)."""
    return fn(ember), fn(torch)


# ---- dtypes ----
@pytest.mark.parametrize("name", DTYPE_NAMES + ALIASES)
def test_dtype_prints_and_aliases(name):
    e, t = getattr(ember, name), getattr(torch, name)
    assert repr(e) == repr(t) and str(e) == str(t)
    assert e.is_floating_point == t.is_floating_point
    assert e.is_signed == t.is_signed
    assert e.itemsize == t.itemsize


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_tensor_dtype_attribute(name):
    e, t = both(lambda lib: lib.zeros(2, dtype=getattr(lib, name)))
    assert str(e.dtype) == str(t.dtype) == f"torch.{name}"
    assert e.dtype is getattr(ember, name)


def test_alias_identity():
    assert ember.float is ember.float32 and ember.double is ember.float64 and ember.half is ember.float16
    assert ember.long is ember.int64 and ember.int is ember.int32 and ember.short is ember.int16


@pytest.mark.parametrize("pair", [("int64", "float32"), ("uint8", "int8"), ("bool", "int16"),
                                  ("float16", "float64"), ("int32", "int64")])
def test_promote_types(pair):
    e, t = both(lambda lib: lib.promote_types(getattr(lib, pair[0]), getattr(lib, pair[1])))
    assert str(e) == str(t)


def test_default_dtype_float64(default_dtype_restored):
    assert str(ember.get_default_dtype()) == str(torch.get_default_dtype()) == "torch.float32"
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    assert ember.get_default_dtype() is ember.float64
    for make in (lambda lib: lib.tensor([1.5]), lambda lib: lib.arange(0.0, 2.0, 0.5),
                 lambda lib: lib.ones(2), lambda lib: lib.tensor([1, 2]), lambda lib: lib.arange(3),
                 lambda lib: lib.tensor([1, 2]) / 2, lambda lib: lib.zeros(2, dtype=lib.float32) + 1.5,
                 lambda lib: lib.tensor([np.float32(1), 2.0]), lambda lib: lib.full((2,), 1.5)):
        assert_same(*both(make))


def test_set_default_dtype_rejects_ints(default_dtype_restored):
    check_error(lambda lib: lib.set_default_dtype(lib.int64))
    assert ember.get_default_dtype() is ember.float32


# ---- devices ----
def test_device_prints_like_torch():
    e, t = ember.device("cpu"), torch.device("cpu")
    assert repr(e) == repr(t) == "device(type='cpu')" and str(e) == str(t) == "cpu"
    assert repr(ember.device("cuda", 1)) == repr(torch.device("cuda", 1))
    assert str(ember.device("cuda:0")) == str(torch.device("cuda:0"))
    assert ember.device("cpu") == ember.device("cpu") != ember.device("cuda")
    assert (ember.device("cpu") == "cpu") == (torch.device("cpu") == "cpu")
    assert ember.device("cpu").type == "cpu" and ember.device("cpu").index is None


def test_tensor_device():
    e, t = both(lambda lib: lib.ones(2).device)
    assert repr(e) == repr(t) and str(e) == str(t)
    assert not ember.ones(1).is_cuda


def test_bad_device_string():
    check_error(lambda lib: lib.device("tpu"))
    check_error(lambda lib: lib.device(0))


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_finfo(name):
    e, t = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(e, attr) == getattr(t, attr), attr
    assert repr(e) == repr(t)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo(name):
    e, t = ember.iinfo(getattr(ember, name)), torch.iinfo(getattr(torch, name))
    assert (e.bits, e.min, e.max, e.dtype) == (t.bits, t.min, t.max, t.dtype)
    assert repr(e) == repr(t)


def test_info_errors_and_default():
    assert ember.finfo().dtype == torch.finfo().dtype
    check_error(lambda lib: lib.finfo(lib.int32))
    check_error(lambda lib: lib.iinfo(lib.float32))
    check_error(lambda lib: lib.iinfo(lib.bool))


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([1.0], device="cuda"),
    lambda lib: lib.as_tensor(np.ones(2), device="cuda"),
    lambda lib: lib.zeros(2, device="cuda"),
    lambda lib: lib.ones(2, device=lib.device("cuda", 0)),
    lambda lib: lib.ones(2).to("cuda"),
    lambda lib: lib.ones(2).to("cuda:0", lib.float64),
    lambda lib: lib.ones(2).cuda(),
], ids=["tensor", "as_tensor", "zeros", "ones-device", "to", "to-dtype", "cuda"])
def test_cuda_request_fails_like_torch_without_cuda(make):
    assert "CUDA" in check_error(make)


# ---- tensor() ----
@pytest.mark.parametrize("data", [
    [1, 2, 3], [1.5, 2], [True, False], [[1, 2], [3, 4]], [1, 2.0], 3, 2.5, True, [], [[]],
    [[1.5], [2]], (1, 2), [np.float64(1.5)], [np.int32(3)], [np.int32(3), 1], [np.int32(3), np.int16(2)],
    [np.float16(3), 1], [np.uint8(3), True], [1, 2.0, True], np.float32(2), np.int16(3), range(3),
    [range(2), range(2, 4)],
], ids=repr)
def test_tensor_infers_dtype(data):
    assert_same(*both(lambda lib: lib.tensor(data)))


@pytest.mark.parametrize("np_dtype", ["float16", "float32", "float64", "uint8", "int8", "int16", "int32",
                                      "int64", "bool"])
def test_tensor_from_numpy_keeps_dtype(np_dtype):
    arr = np.arange(6).reshape(2, 3).astype(np_dtype)
    assert_same(*both(lambda lib: lib.tensor(arr)))


@pytest.mark.parametrize("dtype", ["float64", "int32", "bool", "uint8", "float16"])
def test_tensor_explicit_dtype(dtype):
    assert_same(*both(lambda lib: lib.tensor([0, 1.7, 2], dtype=getattr(lib, dtype))))


def test_tensor_negative_ints_wrap_into_uint8():
    assert_same(*both(lambda lib: lib.tensor([-1, -200, 3], dtype=lib.uint8)))


@pytest.mark.parametrize("value, dtype", [(256, "uint8"), (-256, "uint8"), (200, "int8"), (-129, "int8"),
                                          (2 ** 31, "int32"), (40000, "int16")], ids=repr)
def test_tensor_out_of_range_ints_raise(value, dtype):
    check_error(lambda lib: lib.tensor([1, value], dtype=getattr(lib, dtype)))


def test_tensor_python_type_as_dtype():
    assert_same(*both(lambda lib: lib.tensor([1, 2], dtype=float)))
    assert_same(*both(lambda lib: lib.tensor([1.7, 0], dtype=int)))


def test_tensor_copies_its_data():
    arr = np.ones(3, np.float32)
    t = ember.tensor(arr)
    arr[0] = 5
    assert t[0].item() == 1
    src = ember.ones(3)
    copy = ember.tensor(src)
    src.add_(1)
    assert copy.tolist() == [1.0, 1.0, 1.0]


def test_tensor_from_list_of_0d_tensors():
    assert_same(*both(lambda lib: lib.tensor([lib.tensor(1.5), lib.tensor(2.0)])))
    assert_same(*both(lambda lib: lib.tensor([lib.tensor(1.5, dtype=lib.float64), 2.0])))
    assert_same(*both(lambda lib: lib.tensor([lib.tensor(1, dtype=lib.int32), np.int16(3)])))
    assert_same(*both(lambda lib: lib.tensor([[lib.tensor(1), lib.tensor(2)], [lib.tensor(3), lib.tensor(4)]])))


def test_tensor_requires_grad():
    e, t = both(lambda lib: lib.tensor([1.0, 2.0], requires_grad=True))
    assert e.requires_grad and e.is_leaf and e.grad_fn is None
    assert repr(e) == repr(t)


def test_tensor_requires_grad_needs_float():
    check_error(lambda lib: lib.tensor([1, 2], requires_grad=True))


def test_tensor_ragged_raises():
    check_error(lambda lib: lib.tensor([[1, 2], [3]]))


@pytest.mark.parametrize("data", [["a"], "a", [None], None, [object()]], ids=repr)
def test_tensor_bad_data_raises(data):
    check_error(lambda lib: lib.tensor(data))


# ---- sharing memory ----
def test_as_tensor_shares_numpy_memory():
    arr = np.zeros(3, np.float32)
    t = ember.as_tensor(arr)
    arr[1] = 7
    assert t.tolist() == [0.0, 7.0, 0.0]


def test_as_tensor_copies_on_dtype_change():
    arr = np.zeros(3, np.float32)
    e, t = both(lambda lib: lib.as_tensor(arr, dtype=lib.float64))
    arr[0] = 1
    assert_same(e, t)
    assert e[0].item() == 0


def test_as_tensor_of_tensor_is_same_object():
    x = ember.ones(2)
    assert ember.as_tensor(x) is x
    assert_same(*both(lambda lib: lib.as_tensor([1, 2])))
    assert_same(*both(lambda lib: lib.as_tensor([1.0, 2.0], dtype=lib.float16)))


def test_from_numpy_shares_memory_both_ways():
    arr = np.arange(4, dtype=np.float64)
    t = ember.from_numpy(arr)
    assert t.dtype is ember.float64
    arr[0] = 10
    assert t[0].item() == 10
    t.mul_(2)
    assert arr.tolist() == [20.0, 2.0, 4.0, 6.0]
    t[1] = -1
    assert arr[1] == -1


def test_from_numpy_and_as_tensor_reject_negative_strides():
    reversed_array = np.arange(3.0)[::-1]
    for make in ("from_numpy", "as_tensor", "tensor"):
        check_error(lambda lib: getattr(lib, make)(reversed_array))
    assert_same(*both(lambda lib: lib.tensor(reversed_array.copy())))


def test_from_numpy_keeps_strides():
    e, t = both(lambda lib: lib.from_numpy(np.arange(6.0).reshape(2, 3).T))
    assert e.stride() == t.stride() and e.is_contiguous() == t.is_contiguous()


def test_from_numpy_rejects_unsupported_types():
    check_error(lambda lib: lib.from_numpy(np.array(["a"])))
    check_error(lambda lib: lib.from_numpy([1, 2]))


# ---- factories ----
FACTORIES = {
    "zeros": lambda lib: lib.zeros(2, 3),
    "zeros_tuple": lambda lib: lib.zeros((2, 3), dtype=lib.int32),
    "zeros_empty": lambda lib: lib.zeros(0, 2),
    "zeros_scalar": lambda lib: lib.zeros(()),
    "ones": lambda lib: lib.ones(4, dtype=lib.float64),
    "ones_list": lambda lib: lib.ones([2, 2], dtype=lib.bool),
    "full_float": lambda lib: lib.full((2, 2), 3.5),
    "full_int": lambda lib: lib.full((3,), 7),
    "full_bool": lambda lib: lib.full((2,), True),
    "full_dtype": lambda lib: lib.full((2, 1), 2, dtype=lib.float16),
    "zeros_like": lambda lib: lib.zeros_like(lib.ones(2, 3, dtype=lib.int16)),
    "ones_like": lambda lib: lib.ones_like(lib.zeros(3), dtype=lib.int64),
    "full_like": lambda lib: lib.full_like(lib.zeros(2, dtype=lib.int32), 4.7),
    "eye": lambda lib: lib.eye(3),
    "eye_rect": lambda lib: lib.eye(2, 4, dtype=lib.int64),
    "linspace": lambda lib: lib.linspace(0, 1, 5),
    "linspace_neg": lambda lib: lib.linspace(-2.5, 3, 7, dtype=lib.float64),
    "linspace_one": lambda lib: lib.linspace(2, 3, 1),
}


@pytest.mark.parametrize("name", FACTORIES)
def test_factory(name):
    assert_same(*both(FACTORIES[name]))


SIZE_FORMS = {
    "size_kw": lambda lib, fn: fn(size=(2, 3)), "size_kw_list": lambda lib, fn: fn(size=[4]),
    "Size": lambda lib, fn: fn(lib.Size([2, 1])), "numpy_int": lambda lib, fn: fn(np.int64(2), 2),
    "0d_tensor": lambda lib, fn: fn(lib.tensor(3)), "empty_tuple": lambda lib, fn: fn(()),
}


@pytest.mark.parametrize("form", SIZE_FORMS)
@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_size_forms(name, form):
    e, t = both(lambda lib: SIZE_FORMS[form](lib, getattr(lib, name)))
    assert e.shape == t.shape and str(e.dtype) == str(t.dtype)


def test_size_must_be_ints():
    check_error(lambda lib: lib.zeros(2.0))
    check_error(lambda lib: lib.ones((2, None)))


def test_empty_shapes_and_dtypes():
    for make in (lambda lib: lib.empty(2, 3), lambda lib: lib.empty((4,), dtype=lib.int8),
                 lambda lib: lib.empty_like(lib.ones(2, 2, dtype=lib.float64))):
        e, t = both(make)
        assert e.shape == t.shape and str(e.dtype) == str(t.dtype)


@pytest.mark.parametrize("make", [
    lambda x: x.transpose(0, 2), lambda x: x.permute(2, 0, 1), lambda x: x.transpose(0, 2)[::2],
    lambda x: x[:, ::2], lambda x: x[:, :1].expand(3, 4, 5), lambda x: x,
], ids=["transpose", "permute", "transpose_step", "step", "expand", "contiguous"])
@pytest.mark.parametrize("like", ["zeros_like", "ones_like", "empty_like", "rand_like"])
def test_like_preserves_layout(make, like):
    e, t = both(lambda lib: getattr(lib, like)(make(lib.zeros(3, 4, 5))))
    assert e.shape == t.shape and e.stride() == t.stride() and e.is_contiguous() == t.is_contiguous()


def test_factory_requires_grad():
    e, t = both(lambda lib: lib.zeros(2, requires_grad=True))
    assert e.requires_grad and repr(e) == repr(t)


def test_factory_negative_size():
    check_error(lambda lib: lib.zeros(2, -1))


def test_zeros_out():
    e_out, t_out = ember.empty(1), torch.empty(1)
    e, t = ember.zeros(2, 2, out=e_out), torch.zeros(2, 2, out=t_out)
    assert e is e_out
    assert_same(e, t)


ARANGES = [(5,), (2, 7), (1, 10, 3), (10, 0, -3), (0.0, 1.0, 0.25), (0, 5, 1.5), (2.5,), (-1, -5, -1),
           (0, 1, 0.1), (3, 3), (-1, 1, 0.01), (0.5, 100.0, 0.7), (np.int64(4),), (0, np.int32(3))]


@pytest.mark.parametrize("args", ARANGES, ids=repr)
def test_arange(args):
    assert_same(*both(lambda lib: lib.arange(*args)))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("args", [(-1, 1, 0.01), (0.5, 100.0, 0.7), (3, -2, -0.07), (-5.5, 5.5, 0.1),
                                  (0, 2, 0.001), (0.3, 1000, 0.37)], ids=repr)
def test_float_arange_bit_exact(args, dtype):
    e, t = both(lambda lib: lib.arange(*args, dtype=getattr(lib, dtype)))
    assert_same(e, t, atol=0, rtol=0)
    assert repr(e) == repr(t)


@pytest.mark.parametrize("dtype", ["float64", "int32", "float16", "uint8"])
def test_arange_dtype(dtype):
    assert_same(*both(lambda lib: lib.arange(0, 6, 2, dtype=getattr(lib, dtype))))


@pytest.mark.parametrize("args", [(0.5, 3), (0, 2.5), (-1.5, 2, 1), (-0.5, 4.7, 2)], ids=repr)
def test_arange_int_dtype_truncates_bounds(args):
    assert_same(*both(lambda lib: lib.arange(*args, dtype=lib.int64)))


def test_arange_keywords():
    assert_same(*both(lambda lib: lib.arange(end=4)))
    assert_same(*both(lambda lib: lib.arange(start=1, end=4, step=2)))


LINSPACES = [(0, 1, 5), (-1, 1, 7), (0.1, 3.7, 13), (-2.5, 3, 100), (1e-3, 7.77, 1000), (3, -2, 33), (2, 3, 1),
             (2, 3, 0), (-1, 1, 2), (0, 10, 64)]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int64", "int32"])
@pytest.mark.parametrize("args", LINSPACES, ids=repr)
def test_linspace_bit_exact(args, dtype):
    e, t = both(lambda lib: lib.linspace(*args, dtype=getattr(lib, dtype)))
    assert_same(e, t, atol=0, rtol=0)
    assert repr(e) == repr(t)


def test_linspace_errors_and_tensor_args():
    check_error(lambda lib: lib.linspace(0, 1, -1))
    assert_same(*both(lambda lib: lib.linspace(lib.tensor(0.0), lib.tensor(1.0), 3)))


def test_arange_tensor_args_and_zero_step():
    assert_same(*both(lambda lib: lib.arange(lib.tensor(4))))
    check_error(lambda lib: lib.arange(0, 3, 0))


def test_arange_wrong_direction():
    check_error(lambda lib: lib.arange(0, 5, -1))


# ---- random ----
@pytest.mark.parametrize("name", ["rand", "randn"])
def test_random_shapes_and_dtypes(name):
    for args, kwargs in (((2, 3), {}), (((4,),), {}), ((3,), {"dtype": "float64"})):
        kw = {k: getattr(ember, v) for k, v in kwargs.items()}
        tkw = {k: getattr(torch, v) for k, v in kwargs.items()}
        e, t = getattr(ember, name)(*args, **kw), getattr(torch, name)(*args, **tkw)
        assert e.shape == t.shape and str(e.dtype) == str(t.dtype)


def test_rand_range():
    x = ember.rand(10000)
    assert 0 <= x.min().item() and x.max().item() < 1
    assert abs(x.mean().item() - 0.5) < 0.02


def test_randn_moments():
    x = ember.randn(20000, dtype=ember.float64)
    assert abs(x.mean().item()) < 0.03
    assert abs((x * x).mean().item() - 1) < 0.05


def test_randint():
    x = ember.randint(3, 7, (1000,))
    t = torch.randint(3, 7, (1000,))
    assert x.dtype is ember.int64 and str(t.dtype) == "torch.int64" and x.shape == t.shape
    assert set(x.tolist()) == {3, 4, 5, 6}
    assert set(ember.randint(2, (50,)).tolist()) == {0, 1}
    assert ember.randint(0, 5, (2, 2), dtype=ember.int32).dtype is ember.int32
    check_error(lambda lib: lib.randint(5, 5, (2,)))


@pytest.mark.parametrize("args", [(5, (3,)), (2, 5, (2, 2)), (-3, 0, [4])], ids=repr)
def test_randint_forms(args):
    e, t = both(lambda lib: lib.randint(*args))
    assert e.shape == t.shape and e.dtype is ember.int64
    low, high = (0, args[0]) if len(args) == 2 else args[:2]
    assert low <= e.min().item() and e.max().item() < high
    assert ember.randint(high=3, size=(2,)).shape == torch.randint(high=3, size=(2,)).shape


def test_randint_needs_a_size():
    check_error(lambda lib: lib.randint(0, 5))


@pytest.mark.parametrize("name", ["rand", "randn"])
def test_random_floats_only(name):
    check_error(lambda lib: getattr(lib, name)(2, dtype=lib.int64))


def test_manual_seed_negative_and_generator_device():
    assert ember.manual_seed(-1).initial_seed() == torch.manual_seed(-1).initial_seed()
    assert repr(ember.Generator().device) == repr(torch.Generator().device)
    ember.manual_seed(0)
    torch.manual_seed(0)


def test_manual_seed_repeats():
    ember.manual_seed(123)
    first = (ember.rand(5), ember.randn(3), ember.randint(0, 100, (4,)))
    ember.manual_seed(123)
    second = (ember.rand(5), ember.randn(3), ember.randint(0, 100, (4,)))
    for a, b in zip(first, second):
        assert a.tolist() == b.tolist()
    assert ember.initial_seed() == 123
    assert ember.rand(5).tolist() != first[0].tolist()


def test_generator_argument_is_independent():
    g1, g2 = ember.Generator().manual_seed(7), ember.Generator().manual_seed(7)
    ember.manual_seed(0)
    a = ember.rand(4, generator=g1)
    ember.rand(100)
    b = ember.rand(4, generator=g2)
    assert a.tolist() == b.tolist()
    assert ember.randn(2, generator=g1).tolist() == ember.randn(2, generator=g2).tolist()


def test_rng_state_roundtrip():
    state = ember.get_rng_state()
    a = ember.rand(3)
    ember.set_rng_state(state)
    assert ember.rand(3).tolist() == a.tolist()


def test_rand_like():
    e, t = both(lambda lib: lib.randn_like(lib.zeros(2, 3, dtype=lib.float64)))
    assert e.shape == t.shape and str(e.dtype) == str(t.dtype)


# ---- legacy constructors ----
LEGACY = {
    "Tensor_size": lambda lib: lib.Tensor(2, 3).shape,
    "Tensor_data": lambda lib: lib.Tensor([1, 2]),
    "Tensor_nested": lambda lib: lib.Tensor([[1, 2], [3, 4]]),
    "FloatTensor": lambda lib: lib.FloatTensor([1, 2]),
    "LongTensor": lambda lib: lib.LongTensor([1, 2]),
    "DoubleTensor": lambda lib: lib.DoubleTensor([1.5]),
    "IntTensor": lambda lib: lib.IntTensor([[1], [2]]),
    "ByteTensor": lambda lib: lib.ByteTensor([1, 2]),
    "BoolTensor": lambda lib: lib.BoolTensor([True, False]),
    "LongTensor_size": lambda lib: lib.LongTensor(3).shape,
    "empty": lambda lib: lib.Tensor(),
}


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_constructor(name):
    assert_same(*both(LEGACY[name]))


def test_legacy_isinstance_and_type():
    for name, dtype in (("FloatTensor", "float32"), ("LongTensor", "int64"), ("BoolTensor", "bool")):
        for lib in (ember, torch):
            cls = getattr(lib, name)
            assert isinstance(lib.zeros(1, dtype=getattr(lib, dtype)), cls)
            assert not isinstance(lib.zeros(1, dtype=lib.float16), cls)
            assert not isinstance(3, cls)
    assert_same(*both(lambda lib: lib.tensor([1.5, 2.5]).type(lib.LongTensor)))
    assert_same(*both(lambda lib: lib.Tensor(lib.Size([2, 3])).shape))


def test_legacy_constructor_types():
    e, t = both(lambda lib: lib.Tensor(2, 3))
    assert str(e.dtype) == str(t.dtype) and isinstance(e, ember.Tensor)
    assert isinstance(ember.LongTensor([1]), ember.Tensor)
    assert ember.LongTensor(2).dtype is ember.int64
