"""Conv1d/2d/3d, ConvTranspose1d/2d/3d, Unfold/Fold and their functional forms against torch."""
import tracemalloc

import numpy as np
import pytest
import torch

import ember
import ember.kernels._numba as compiled_kernels
import ember.kernels.conv_direct as conv_direct
from module_oracle import check_module as _check_module
from oracle import check, check_error

RNG = np.random.default_rng(0)
CONV = {1: "Conv1d", 2: "Conv2d", 3: "Conv3d"}
TRANSPOSED = {1: "ConvTranspose1d", 2: "ConvTranspose2d", 3: "ConvTranspose3d"}
SIZES = {1: (11,), 2: (9, 7), 3: (6, 5, 7)}
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")


@pytest.fixture(autouse=True, params=["direct loops", "GEMMs, wide columns, compiled fold",
                                      "GEMMs, compact columns, compiled fold", "GEMMs, wide columns, NumPy only",
                                      "GEMMs, compact columns, NumPy only"])
def kernels(request, monkeypatch):
    """Every test runs five ways: every convolution on numba's direct loops; or every one on GEMMs, with wide or
    with compact columns, with the input gradient's fold compiled or on NumPy."""
    direct, compiled = request.param == "direct loops", "NumPy" not in request.param
    previous = compiled_kernels.use(compiled)
    assert compiled_kernels.available() == compiled, "the test dependencies include numba"
    monkeypatch.setattr(ember.kernels.conv, "_DIRECT_MOST_ROWS", 1 << 30 if direct else 0)
    monkeypatch.setattr(ember.kernels.conv, "_COMPACT_ABOVE", 0.0 if "wide" in request.param else 1.0)
    yield request.param
    compiled_kernels.use(previous)


def check_module(build, *inputs, atol=1e-4, **options):
    """module_oracle's check; a weight gradient here sums hundreds of float32 products of size ~10 in another order
    than torch's, so entries near zero may differ by ~1e-5 from cancellation."""
    return _check_module(build, *inputs, atol=atol, **options)


def randn(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("options", [
    {}, {"stride": 2}, {"stride": 4, "kernel_size": 2}, {"padding": 1}, {"padding": 2, "kernel_size": 3},
    {"dilation": 2}, {"groups": 2}, {"bias": False}, {"padding": "same"}, {"padding": "same", "kernel_size": 4},
    {"padding": "same", "dilation": 2}, {"padding": "valid"}, {"stride": 2, "padding": 1, "dilation": 2},
])
def test_conv_matches_torch(dims, options):
    options = {"kernel_size": 3, **options}
    check_module(lambda nn: getattr(nn, CONV[dims])(4, 6, **options), randn(2, 4, *SIZES[dims]))


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, "same", 2])
def test_conv_padding_modes(dims, mode, padding):
    check_module(lambda nn: getattr(nn, CONV[dims])(3, 2, 3, padding=padding, padding_mode=mode),
                 randn(2, 3, *SIZES[dims]))


@pytest.mark.parametrize("build, shape", [
    (lambda nn: nn.Conv2d(3, 6, (5, 3), stride=(2, 1), padding=(2, 0)), (1, 3, 10, 6)),   # non-square, batch 1
    (lambda nn: nn.Conv2d(4, 4, 3, groups=4), (2, 4, 7, 7)),                                # depthwise
    (lambda nn: nn.Conv2d(4, 8, 3, groups=4, bias=False), (2, 4, 7, 7)),                    # depthwise multiplier
    (lambda nn: nn.Conv2d(2, 3, 3, stride=5), (2, 2, 13, 11)),                              # stride > kernel
    (lambda nn: nn.Conv2d(2, 3, 5, padding=4), (2, 2, 3, 3)),                               # padding at the limit
    (lambda nn: nn.Conv2d(2, 3, 1), (3, 2, 4, 5)),                                          # 1x1
    (lambda nn: nn.Conv2d(2, 3, 3), (2, 3, 3)),                                             # unbatched
    (lambda nn: nn.Conv1d(2, 3, 3, padding=1), (2, 6)),                                     # unbatched 1d
    (lambda nn: nn.Conv3d(2, 4, (1, 2, 3), stride=(1, 2, 3), dilation=(2, 1, 1)), (1, 2, 4, 5, 7)),
    (lambda nn: nn.Conv2d(2, 3, 3).double(), (2, 2, 5, 5)),
    (lambda nn: nn.Conv2d(2, 4, 3, groups=2), (0, 2, 5, 5)),                                # empty batch
])
def test_conv_odd_sizes(build, shape):
    dtype = np.float64 if "double" in build.__code__.co_names else np.float32
    e_mod, _ = check_module(build, randn(*shape, dtype=dtype))
    assert e_mod.weight.dtype == (ember.float64 if dtype == np.float64 else ember.float32)


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("options", [
    {}, {"stride": 2}, {"stride": 2, "padding": 1}, {"stride": 3, "output_padding": 2}, {"dilation": 2},
    {"groups": 2}, {"bias": False}, {"stride": 2, "dilation": 2, "output_padding": 1, "padding": 2},
    {"stride": 4, "kernel_size": 2},
])
def test_conv_transpose_matches_torch(dims, options):
    options = {"kernel_size": 3, **options}
    check_module(lambda nn: getattr(nn, TRANSPOSED[dims])(4, 6, **options), randn(2, 4, *SIZES[dims]))


@pytest.mark.parametrize("build, shape", [
    (lambda nn: nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1), (1, 8, 5, 3)),   # DCGAN-like, batch 1
    (lambda nn: nn.ConvTranspose2d(4, 4, 3, groups=4), (2, 4, 3, 4)),              # depthwise
    (lambda nn: nn.ConvTranspose2d(3, 2, (3, 5), stride=(1, 2), padding=(1, 2)), (2, 3, 4, 4)),
    (lambda nn: nn.ConvTranspose1d(3, 2, 3), (3, 5)),                              # unbatched
    (lambda nn: nn.ConvTranspose2d(2, 4, 3, groups=2), (0, 2, 3, 3)),              # empty batch
])
def test_conv_transpose_odd_sizes(build, shape):
    check_module(build, randn(*shape))


@pytest.mark.parametrize("output_size", [(9, 8), [1, 2, 10, 9], (10, 8)])
def test_conv_transpose_output_size(output_size):
    x = randn(1, 3, 4, 4)
    t_mod = torch.nn.ConvTranspose2d(3, 2, 3, stride=3, padding=2)
    e_mod = ember.nn.ConvTranspose2d(3, 2, 3, stride=3, padding=2)
    e_mod.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy()) for k, v in t_mod.state_dict().items()})
    t_out = t_mod(torch.from_numpy(x), output_size=output_size)
    e_out = e_mod(ember.from_numpy(x), output_size=output_size)
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("output_size", [(5, 5), (12, 12), (9,)])
def test_conv_transpose_output_size_errors(output_size):
    for lib in (torch, ember):
        with pytest.raises(ValueError):
            lib.nn.ConvTranspose2d(3, 2, 3, stride=3, padding=2)(lib.zeros(1, 3, 4, 4), output_size=output_size)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_functional_conv(dims):
    fn = f"conv{dims}d"
    check(lambda lib, x, w, b: getattr(lib.nn.functional, fn)(x, w, b, stride=2, padding=1, dilation=1, groups=2),
          randn(2, 4, *SIZES[dims]), randn(6, 2, *(3,) * dims), randn(6))


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_functional_conv_transpose(dims):
    fn = f"conv_transpose{dims}d"
    check(lambda lib, x, w, b: getattr(lib.nn.functional, fn)(x, w, b, 2, 1, 1, 2, 1),
          randn(2, 4, *SIZES[dims]), randn(4, 3, *(3,) * dims), randn(6))


@pytest.mark.parametrize("fn, channels, weight_shape, groups", [("conv2d", 3, (4, 3, 3, 3), 1),
                                                                 ("conv_transpose2d", 6, (6, 2, 3, 3), 2)])
def test_double_backward_matches_torch(fn, channels, weight_shape, groups):
    def second_order(lib, x, w):
        y = getattr(lib.nn.functional, fn)(x, w, None, 2, 1, groups=groups)
        gx, gw = lib.autograd.grad((y * y).sum(), (x, w), create_graph=True)
        return (gx * gx).sum() + (gw ** 3).sum()
    check(second_order, randn(2, channels, 6, 5, dtype=np.float64), randn(*weight_shape, dtype=np.float64))


def test_graph_node_name_matches_torch():
    x = ember.randn(1, 2, 5, 5, requires_grad=True)
    assert type(ember.nn.Conv2d(2, 3, 3)(x).grad_fn).__name__ == "ConvolutionBackward0"
    assert type(ember.nn.ConvTranspose2d(2, 3, 3)(x).grad_fn).__name__ == "ConvolutionBackward0"


@pytest.mark.parametrize("build, channels", [
    (lambda nn: nn.Conv2d(3, 2, 3).half(), 3),                       # direct-loop size
    (lambda nn: nn.Conv2d(4, 16, 3, padding=1).half(), 4),           # GEMMs
    (lambda nn: nn.ConvTranspose2d(16, 16, 3).half(), 16),           # GEMMs and the fold
])
def test_float16_runs_on_numpy_and_matches_torch(build, channels):
    """numba has no float16 arithmetic: half convolutions and their gradients stay on NumPy's kernels."""
    e_mod, _ = check_module(build, randn(2, channels, 7, 7, dtype=np.float16), atol=2e-2, rtol=2e-2)
    assert e_mod.weight.grad.dtype == ember.float16


def test_float32_stays_float32():
    out = ember.nn.Conv2d(3, 4, 3)(ember.randn(2, 3, 8, 8))
    assert out.dtype == ember.float32 and out._array.dtype == np.float32 and out.is_contiguous()


@pytest.mark.parametrize("build", [
    lambda nn: nn.Conv2d(3, 6, 5), lambda nn: nn.Conv1d(4, 8, 3, stride=2, padding=1, bias=False),
    lambda nn: nn.Conv3d(4, 4, (1, 2, 3), dilation=2, groups=4, padding="same", padding_mode="circular"),
    lambda nn: nn.Conv2d(2, 2, 3, padding="valid"),
    lambda nn: nn.ConvTranspose2d(256, 128, 4, stride=2, padding=1),
    lambda nn: nn.ConvTranspose1d(2, 4, 3, output_padding=1, stride=2, groups=2, dilation=2),
    lambda nn: nn.ConvTranspose3d(2, 4, 3, bias=False), lambda nn: nn.Unfold((2, 3), stride=2),
    lambda nn: nn.Fold(output_size=(4, 5), kernel_size=2, padding=1),
])
def test_reprs_and_parameter_shapes_match_torch(build):
    e_mod, t_mod = build(ember.nn), build(torch.nn)
    assert repr(e_mod) == repr(t_mod)
    for name in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "transposed",
                 "output_padding", "groups", "padding_mode", "_reversed_padding_repeated_twice", "output_size"):
        assert getattr(e_mod, name, None) == getattr(t_mod, name, None), name
    assert [(n, tuple(p.shape)) for n, p in e_mod.named_parameters()] == \
           [(n, tuple(p.shape)) for n, p in t_mod.named_parameters()]


@pytest.mark.parametrize("name, args", [("Conv2d", (6, 4, 5)), ("ConvTranspose2d", (6, 4, 5)),
                                        ("Conv1d", (8, 2, 3)), ("Conv3d", (3, 9, 2))])
def test_default_init_follows_torchs_bounds(name, args):
    layer = getattr(ember.nn, name)(*args)
    fan_in = layer.weight[0].numel()
    bound = 1 / np.sqrt(fan_in)
    assert np.abs(layer.weight.detach().numpy()).max() <= bound
    assert np.abs(layer.bias.detach().numpy()).max() <= bound
    assert layer.weight.detach().numpy().std() > bound / 3


def test_state_dict_interchanges_with_torch():
    t_mod = torch.nn.Conv2d(3, 4, 3)
    e_mod = ember.nn.Conv2d(3, 4, 3)
    e_mod.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy()) for k, v in t_mod.state_dict().items()})
    t_mod.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in e_mod.state_dict().items()})
    assert list(e_mod.state_dict()) == list(t_mod.state_dict())


@pytest.mark.parametrize("kwargs", [{"groups": 0}, {"groups": 4}, {"padding": "full"}, {"padding": "same", "stride": 2},
                                    {"padding_mode": "mirror"}])
def test_constructor_errors(kwargs):
    for lib in (torch, ember):
        with pytest.raises(ValueError):
            lib.nn.Conv2d(6, 3, 3, **kwargs)
    for lib in (torch, ember):
        with pytest.raises(ValueError):
            lib.nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect")


@pytest.mark.parametrize("build, shape", [
    (lambda nn: nn.Conv2d(3, 6, 5), (2, 4, 8, 8)),          # wrong channels
    (lambda nn: nn.Conv2d(3, 6, 5), (2, 3, 4, 8)),          # kernel larger than input
    (lambda nn: nn.Conv2d(3, 6, 5), (2, 3)),                # wrong rank
    (lambda nn: nn.Conv1d(3, 6, 5), (1, 2, 3, 9)),
    (lambda nn: nn.ConvTranspose2d(3, 6, 5), (2, 4, 8, 8)),
    (lambda nn: nn.Conv3d(2, 6, 2, groups=2), (1, 3, 4, 4, 4)),
])
def test_wrong_inputs_raise_torchs_error_naming_the_layer(build, shape):
    layer = build(ember.nn)
    msg = check_error(lambda lib, x: (layer if lib is ember else build(torch.nn))(x), randn(*shape))
    assert msg.startswith(type(layer).__name__ + ":")


@pytest.mark.parametrize("args", [
    (randn(1, 3, 5, 5), randn(4, 2, 3, 3)),                       # channels vs groups=1
    (randn(1, 4, 5, 5), randn(4, 2, 3, 3), randn(3)),             # bias size
    (randn(1, 3, 5, 5), randn(4, 3, 3)),                          # weight rank
    (randn(1, 3, 5, 5, dtype=np.float64), randn(4, 3, 3, 3)),     # input and weight dtypes
    (randn(1, 3, 5, 5), randn(4, 3, 3, 3), randn(4, dtype=np.float64)),
])
def test_functional_errors(args):
    check_error(lambda lib, *a: lib.nn.functional.conv2d(*a), *args)
    check_error(lambda lib, x, w: lib.nn.functional.conv2d(x, w, stride=2, padding="same"), randn(1, 4, 5, 5),
                randn(4, 4, 3, 3))
    check_error(lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding=-1), randn(1, 4, 5, 5), randn(4, 4, 3, 3))


@pytest.mark.parametrize("kwargs", [{}, {"stride": 2}, {"padding": 1, "dilation": 2},
                                    {"stride": (2, 1), "padding": (1, 0)}])
@pytest.mark.parametrize("kernel", [2, (2, 3)])
def test_unfold_and_fold_match_torch(kwargs, kernel):
    x = randn(2, 3, 7, 6)
    check_module(lambda nn: nn.Unfold(kernel, **kwargs), x)
    blocks = torch.nn.functional.unfold(torch.from_numpy(x), kernel, **kwargs)
    check_module(lambda nn: nn.Fold((7, 6), kernel, **kwargs), blocks.numpy())
    check(lambda lib, a: lib.nn.functional.unfold(a, kernel, **kwargs), x[0])
    check(lambda lib, a: lib.nn.functional.fold(a, (7, 6), kernel, **kwargs), blocks.numpy()[0])
    check(lambda lib, a: lib.nn.functional.fold(lib.nn.functional.unfold(a, kernel, **kwargs), (7, 6), kernel,
                                                **kwargs), x[:0])


@pytest.mark.parametrize("shape", [(1, 8, 5), (1, 12, 13), (2, 3, 4, 5)])
def test_fold_errors(shape):
    check_error(lambda lib, a: lib.nn.functional.fold(a, (4, 5), 2), randn(*shape))


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("needs", [(True, False), (False, True)])
def test_grad_of_only_input_or_only_weight(transposed, needs):
    x, w = randn(2, 4, 5, 6), randn(4, 2, 3, 3)
    fn = "conv_transpose2d" if transposed else "conv2d"
    grads = []
    for lib in (torch, ember):
        xt, wt = lib.tensor(x, requires_grad=needs[0]), lib.tensor(w, requires_grad=needs[1])
        getattr(lib.nn.functional, fn)(xt, wt, None, 2, 1, groups=2).square().sum().backward()
        grads.append((xt if needs[0] else wt).grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape, kernel", [((1, 2, 3, 3), 4), ((1, 2, 3, 5), (2, 6))])
def test_unfold_errors(shape, kernel):
    msg = check_error(lambda lib, a: lib.nn.functional.unfold(a, kernel), randn(*shape))
    assert "sliding blocks" in msg


@pytest.mark.parametrize("kernel, kwargs, shape", [(3, {"stride": 2, "output_padding": 2}, (1, 2, 3, 3)),
                                                   (1, {"padding": 1}, (1, 2, 1, 1))])
def test_conv_transpose_errors(kernel, kwargs, shape):
    check_error(lambda lib, x, w: lib.nn.functional.conv_transpose2d(x, w, **kwargs), randn(*shape),
                randn(2, 2, kernel, kernel))


@pytest.mark.parametrize("chunk_bytes, least_columns", [(1, 1), (4000, 1), (1, 100)])
@pytest.mark.parametrize("fn, x_shape, w_shape, kwargs", [
    ("conv2d", (5, 4, 9, 8), (6, 4, 3, 3), {"padding": 1}),                                    # stride 1
    ("conv2d", (5, 4, 9, 8), (6, 2, 3, 2), {"stride": (2, 3), "padding": (1, 0), "groups": 2}),
    ("conv2d", (5, 2, 9, 8), (4, 2, 3, 3), {"dilation": (2, 1), "padding": 2}),
    ("conv1d", (5, 3, 12), (4, 3, 4), {"stride": 3, "dilation": 2}),
    ("conv3d", (5, 2, 5, 6, 4), (3, 2, 2, 3, 2), {"stride": (1, 2, 1), "padding": 1}),
    ("conv_transpose2d", (5, 4, 5, 4), (4, 3, 4, 4), {"stride": 2, "padding": 1}),            # DCGAN-like
    ("conv_transpose2d", (5, 4, 5, 4), (4, 1, 3, 2), {"stride": (3, 2), "output_padding": (2, 1), "groups": 2}),
    ("conv_transpose1d", (5, 2, 6), (2, 3, 3), {"stride": 2, "dilation": 3, "output_padding": 1}),
    ("conv_transpose3d", (5, 2, 3, 4, 3), (2, 2, 2, 3, 2), {"stride": (2, 1, 3), "padding": (0, 1, 1)}),
])
def test_conv_in_chunks_of_samples_matches_torch(monkeypatch, chunk_bytes, least_columns, fn, x_shape, w_shape,
                                                 kwargs):
    """Few samples per chunk of columns (one, or some with a shorter last chunk) give the same results."""
    monkeypatch.setattr(ember.kernels.conv, "_CHUNK_BYTES", chunk_bytes)
    monkeypatch.setattr(ember.kernels.conv, "_LEAST_GEMM_COLUMNS", least_columns)
    check(lambda lib, x, w: getattr(lib.nn.functional, fn)(x, w, **kwargs), randn(*x_shape), randn(*w_shape))



def test_conv_columns_are_built_in_chunks_and_not_kept(monkeypatch, kernels):
    """Peak memory of a forward + backward stays a few times the input's, far below the full columns' (9x)."""
    monkeypatch.setattr(ember.kernels.conv, "_CHUNK_BYTES", 1 << 16)
    monkeypatch.setattr(ember.kernels.conv, "_LEAST_GEMM_COLUMNS", 1)
    x = ember.randn(16, 8, 32, 32, requires_grad=True)
    w = ember.randn(8, 8, 3, 3, requires_grad=True)
    tracemalloc.start()
    ember.nn.functional.conv2d(x, w, padding=1).sum().backward()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert x.grad.shape == x.shape and peak < 4 * x._array.nbytes


@pytest.mark.parametrize("build, shape, direct", [
    (lambda nn: nn.Conv2d(3, 6, 5), (4, 3, 12, 12), True),                   # LeNet's first conv: 6 outputs
    (lambda nn: nn.Conv2d(8, 1, 3, padding=1), (2, 8, 6, 6), True),          # one output channel
    (lambda nn: nn.ConvTranspose2d(16, 3, 4, 2, 1), (2, 16, 5, 5), False),    # 16 x 48 weight: GEMMs
    (lambda nn: nn.Conv2d(16, 16, 3), (2, 16, 6, 6), False),
])
def test_few_channel_convolutions_take_the_direct_loops(monkeypatch, build, shape, direct):
    """With numba, a weight with at most 8 rows on one side runs forward and both gradients on the direct loops."""
    monkeypatch.setattr(ember.kernels.conv, "_DIRECT_MOST_ROWS", 8)
    compiled_kernels.use(True)
    calls = []
    for name in ("forward", "weight_grad", "input_grad"):
        kernel = getattr(conv_direct, name)
        monkeypatch.setattr(conv_direct, name, lambda *a, _f=kernel, _n=name: calls.append(_n) or _f(*a))
    check_module(build, randn(*shape))
    assert sorted(set(calls)) == (["forward", "input_grad", "weight_grad"] if direct else [])
