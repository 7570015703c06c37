"""BatchNorm, InstanceNorm, LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm and their functional forms
against torch: outputs, input and parameter gradients, running statistics, eval mode, reprs and errors."""
import numpy as np
import pytest
import torch

import ember
from module_oracle import check_module, copy_state
from oracle import assert_same, check, check_error, to_ember, to_torch

RNG = np.random.default_rng(0)


def randn(*shape, dtype=np.float32):
    return (RNG.standard_normal(shape) * 2 + 0.5).astype(dtype)


def assert_same_state(e_mod, t_mod):
    e_state, t_state = e_mod.state_dict(), t_mod.state_dict()
    assert list(e_state) == list(t_state)
    for name, t_value in t_state.items():
        assert_same(e_state[name], t_value, name)


def train_steps(build, shape, steps=3, eval_after=True):
    """Run ``steps`` training forwards and backwards in both libraries, then compare state (and eval output)."""
    t_mod, e_mod = build(torch.nn), build(ember.nn)
    copy_state(e_mod, t_mod)
    for step in range(steps):
        x = randn(*shape)
        check_module_step(e_mod, t_mod, x, step)
    assert_same_state(e_mod, t_mod)
    if eval_after:
        e_mod.eval(), t_mod.eval()
        x = randn(*shape)
        check_module_step(e_mod, t_mod, x, steps)
    return e_mod, t_mod


def check_module_step(e_mod, t_mod, x, seed):
    t_in, e_in = to_torch(x, True), to_ember(x, True)
    t_out, e_out = t_mod(t_in), e_mod(e_in)
    assert_same(e_out, t_out, "forward")
    upstream = np.random.default_rng(seed).standard_normal(t_out.shape).astype(np.float32)
    t_out.backward(torch.from_numpy(upstream))
    e_out.backward(ember.from_numpy(upstream.copy()))
    assert_same(e_in.grad, t_in.grad, "input grad")
    for (name, e_param), (_, t_param) in zip(e_mod.named_parameters(), t_mod.named_parameters()):
        assert_same(e_param.grad, t_param.grad, f"grad of {name}")


# ---- batch norm ----
BATCH_NORMS = [("BatchNorm1d", (8, 3)), ("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (4, 3, 5, 6)),
               ("BatchNorm3d", (2, 3, 4, 3, 5))]


@pytest.mark.parametrize("name, shape", BATCH_NORMS)
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("track", [True, False])
@pytest.mark.parametrize("momentum", [0.1, 0.3, None])
def test_batch_norm_training_steps_and_eval_match_torch(name, shape, affine, track, momentum):
    train_steps(lambda nn: getattr(nn, name)(3, momentum=momentum, affine=affine, track_running_stats=track),
                shape)


@pytest.mark.parametrize("offset", [0.0, 50.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_norm_per_channel_path_on_large_planes_offsets_and_strided_input(offset, dtype):
    """The streamed per-channel statistics: accurate with a large mean, in float64, and on a transposed input."""
    x = (RNG.standard_normal((5, 16, 3, 12)) + offset).astype(dtype)

    def fn(lib, a, w, b):
        return lib.nn.functional.batch_norm(a.transpose(1, 2), None, None, w, b, training=True)
    check(fn, x, randn(3, dtype=dtype), randn(3, dtype=dtype), atol=1e-4 if dtype == np.float32 else None)


@pytest.mark.parametrize("build", [lambda nn: nn.BatchNorm2d(3, bias=False),
                                   lambda nn: nn.InstanceNorm2d(3, affine=True, bias=False),
                                   lambda nn: nn.GroupNorm(3, 3, bias=False)])
def test_affine_without_bias(build):
    train_steps(build, (4, 3, 2, 3))


def test_batch_norm_eps_and_random_affine_parameters():
    def build(nn):
        torch.manual_seed(1)
        mod = nn.BatchNorm2d(3, eps=1e-3)
        if nn is torch.nn:
            mod.weight.data.normal_(), mod.bias.data.normal_()
        return mod
    train_steps(build, (4, 3, 2, 2))


def test_batch_norm_eval_with_loaded_running_stats():
    def build(nn):
        mod = nn.BatchNorm2d(3)
        if nn is torch.nn:
            mod.running_mean.copy_(torch.tensor([0.5, -1.0, 2.0]))
            mod.running_var.copy_(torch.tensor([0.25, 4.0, 1.5]))
            mod.weight.data.copy_(torch.tensor([1.5, -0.5, 2.0]))
        return mod.eval()
    check_module(build, randn(2, 3, 4, 4))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_norm_keeps_dtype(dtype):
    def build(nn):
        mod = nn.BatchNorm1d(4)
        return mod.double() if dtype == np.float64 else mod
    e_mod, t_mod = check_module(build, randn(6, 4, dtype=dtype))
    assert_same_state(e_mod, t_mod)


@pytest.mark.parametrize("training, with_stats", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("affine", [True, False])
def test_functional_batch_norm(training, with_stats, affine):
    stats = {lib: (lib.tensor([0.1, 0.2, 0.3]), lib.tensor([1.0, 2.0, 0.5])) if with_stats else (None, None)
             for lib in (torch, ember)}
    w, b = randn(3), randn(3)

    def fn(lib, x, *params):
        weight, bias = params if params else (None, None)
        return lib.nn.functional.batch_norm(x, *stats[lib], weight, bias, training, 0.2, 1e-4)
    check(fn, randn(5, 3, 4), *((w, b) if affine else ()))
    for e, t in zip(stats[ember], stats[torch]):
        if t is not None:
            assert_same(e, t)


@pytest.mark.parametrize("call, message", [
    (lambda F, x: F.batch_norm(x, None, None), "running_mean must be defined in evaluation mode"),
    (lambda F, x: F.batch_norm(x, x.new_zeros(4), x.new_ones(4)), "running_mean should contain 3 elements not 4"),
    (lambda F, x: F.batch_norm(x, None, None, x.new_ones(2), training=True), "weight should contain 3 elements not 2"),
])
def test_functional_batch_norm_errors_match_torch(call, message):
    assert check_error(lambda lib, x: call(lib.nn.functional, x), randn(4, 3)) == message


def test_batch_norm_double_backward_matches_torch():
    def fn(lib, x, w):
        y = lib.nn.functional.batch_norm(x, None, None, w, None, True)
        (gx,) = lib.autograd.grad((y * y * y).sum(), x, create_graph=True)
        return gx
    check(fn, randn(4, 3), randn(3), atol=1e-4, rtol=1e-3)


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1), (1, 3, 1, 1)])
def test_batch_norm_batch_of_one_in_training_raises_like_torch(shape):
    name = {2: "BatchNorm1d", 3: "BatchNorm1d", 4: "BatchNorm2d"}[len(shape)]
    msg = check_error(lambda lib, x: getattr(lib.nn, name)(3)(x), randn(*shape))
    assert msg == f"Expected more than 1 value per channel when training, got input size torch.Size({list(shape)})"


def test_batch_norm_batch_of_one_in_eval_is_fine():
    check_module(lambda nn: nn.BatchNorm1d(3).eval(), randn(1, 3))


@pytest.mark.parametrize("name, shape", [("BatchNorm1d", (2, 3, 4, 5)), ("BatchNorm2d", (2, 3, 4)),
                                         ("BatchNorm3d", (2, 3, 4, 5))])
def test_batch_norm_wrong_dims_raise_like_torch(name, shape):
    msg = check_error(lambda lib, x: getattr(lib.nn, name)(3)(x), randn(*shape))
    assert "input (got" in msg


def test_batch_norm_wrong_channel_count_names_the_layer():
    check_error(lambda lib, x: lib.nn.BatchNorm2d(3)(x), randn(2, 4, 3, 3))
    model = ember.nn.Sequential(ember.nn.Identity(), ember.nn.BatchNorm2d(3))
    with pytest.raises(RuntimeError, match=r"1 \(BatchNorm2d\).*3 channels"):
        model(ember.randn(2, 4, 3, 3))


@pytest.mark.parametrize("module", [
    lambda nn: nn.BatchNorm1d(16), lambda nn: nn.BatchNorm2d(16, eps=1e-3, momentum=None, affine=False),
    lambda nn: nn.BatchNorm3d(4, track_running_stats=False), lambda nn: nn.BatchNorm1d(4, bias=False),
    lambda nn: nn.InstanceNorm1d(5), lambda nn: nn.InstanceNorm1d(5, affine=True, bias=False),
    lambda nn: nn.GroupNorm(2, 4, bias=False),
    lambda nn: nn.InstanceNorm2d(5, affine=True, track_running_stats=True), lambda nn: nn.InstanceNorm3d(2),
    lambda nn: nn.LayerNorm(10), lambda nn: nn.LayerNorm([3, 4], eps=1e-6, elementwise_affine=False),
    lambda nn: nn.LayerNorm(4, bias=False), lambda nn: nn.GroupNorm(2, 6), lambda nn: nn.GroupNorm(3, 6, affine=False),
    lambda nn: nn.LocalResponseNorm(3), lambda nn: nn.LocalResponseNorm(2, alpha=0.01, beta=0.5, k=2.0),
    lambda nn: nn.RMSNorm(4), lambda nn: nn.RMSNorm([2, 3], eps=1e-5, elementwise_affine=False),
])
def test_repr_parameters_and_buffers_match_torch(module):
    e_mod, t_mod = module(ember.nn), module(torch.nn)
    assert repr(e_mod) == repr(t_mod)
    assert_same_state(e_mod, t_mod)
    assert [n for n, _ in e_mod.named_parameters()] == [n for n, _ in t_mod.named_parameters()]


def test_state_dict_interchange_both_ways():
    t_mod = torch.nn.BatchNorm2d(3)
    t_mod(torch.randn(4, 3, 2, 2))
    e_mod = ember.nn.BatchNorm2d(3)
    copy_state(e_mod, t_mod)
    assert_same_state(e_mod, t_mod)
    back = torch.nn.BatchNorm2d(3)
    back.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in e_mod.state_dict().items()})
    assert_same_state(e_mod, back)


def test_old_checkpoint_without_num_batches_tracked_loads():
    e_mod = ember.nn.BatchNorm1d(3)
    state = e_mod.state_dict()
    del state["num_batches_tracked"]
    state._metadata[""]["version"] = 1
    e_mod.load_state_dict(state)
    assert e_mod.num_batches_tracked.item() == 0


# ---- instance norm ----
INSTANCE_NORMS = [("InstanceNorm1d", (4, 3, 5)), ("InstanceNorm1d", (3, 5)), ("InstanceNorm2d", (2, 3, 4, 5)),
                  ("InstanceNorm2d", (3, 4, 5)), ("InstanceNorm3d", (2, 3, 2, 3, 4))]


@pytest.mark.parametrize("name, shape", INSTANCE_NORMS)
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("track", [True, False])
def test_instance_norm_training_steps_and_eval_match_torch(name, shape, affine, track):
    train_steps(lambda nn: getattr(nn, name)(3, affine=affine, track_running_stats=track), shape)


def test_instance_norm_momentum_none():
    train_steps(lambda nn: nn.InstanceNorm2d(3, momentum=None, track_running_stats=True), (2, 3, 4, 4))


def test_functional_instance_norm():
    check(lambda lib, x, w, b: lib.nn.functional.instance_norm(x, weight=w, bias=b, eps=1e-3),
          randn(2, 3, 6), randn(3), randn(3))


def test_instance_norm_errors_like_torch():
    msg = check_error(lambda lib, x: lib.nn.InstanceNorm2d(4, affine=True)(x), randn(2, 3, 4, 4))
    assert "InstanceNorm2d" in msg and "num_features (4)" in msg
    check_error(lambda lib, x: lib.nn.InstanceNorm1d(3)(x), randn(2, 3, 1))
    check_error(lambda lib, x: lib.nn.InstanceNorm2d(3)(x), randn(2, 3))
    with pytest.warns(UserWarning, match="does not match num_features"):
        ember.nn.InstanceNorm1d(4)(ember.randn(2, 3, 5))


# ---- layer norm, group norm, rms norm, local response norm ----
@pytest.mark.parametrize("normalized_shape, shape", [(5, (4, 5)), ((5,), (2, 3, 5)), ([3, 5], (2, 3, 5)),
                                                     ((2, 3, 5), (2, 3, 5)), (4, (0, 4))])
@pytest.mark.parametrize("affine, bias", [(True, True), (True, False), (False, True)])
def test_layer_norm_matches_torch(normalized_shape, shape, affine, bias):
    def build(nn):
        torch.manual_seed(0)
        mod = nn.LayerNorm(normalized_shape, eps=1e-4, elementwise_affine=affine, bias=bias)
        if nn is torch.nn and affine:
            mod.weight.data.normal_()
        return mod
    check_module(build, randn(*shape))


def test_functional_layer_norm_and_double_backward():
    check(lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (4,), w, b), randn(3, 4), randn(4), randn(4))

    def fn(lib, x):
        y = lib.nn.functional.layer_norm(x, (5,))
        return lib.autograd.grad((y.sin()).sum(), x, create_graph=True)[0]
    check(fn, randn(3, 5), atol=1e-4, rtol=1e-3)


def test_layer_norm_errors():
    check_error(lambda lib, x: lib.nn.functional.layer_norm(x, (3,)), randn(2, 4))
    with pytest.raises(RuntimeError, match=r"LayerNorm: expected input with shape \[\*, 3\]"):
        ember.nn.LayerNorm(3)(ember.randn(2, 4))


@pytest.mark.parametrize("groups, channels, shape", [(1, 6, (2, 6)), (2, 6, (2, 6, 5)), (3, 6, (2, 6, 3, 4)),
                                                     (6, 6, (2, 6, 2, 2, 3)), (2, 4, (1, 4, 3)),
                                                     (2, 4, (0, 4, 3))])
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_matches_torch(groups, channels, shape, affine):
    def build(nn):
        torch.manual_seed(0)
        mod = nn.GroupNorm(groups, channels, eps=1e-4, affine=affine)
        if nn is torch.nn and affine:
            mod.weight.data.normal_(), mod.bias.data.normal_()
        return mod
    check_module(build, randn(*shape))


def test_group_norm_errors():
    check_error(lambda lib: lib.nn.GroupNorm(4, 6))
    check_error(lambda lib, x: lib.nn.functional.group_norm(x, 4), randn(2, 6, 3))
    with pytest.raises(RuntimeError, match="GroupNorm: expected input with 6 channels"):
        ember.nn.GroupNorm(2, 6)(ember.randn(2, 4, 3))


@pytest.mark.parametrize("normalized_shape, shape", [(4, (3, 4)), ([2, 4], (3, 2, 4))])
@pytest.mark.parametrize("eps", [None, 1e-3])
@pytest.mark.parametrize("affine", [True, False])
def test_rms_norm_matches_torch(normalized_shape, shape, eps, affine):
    def build(nn):
        torch.manual_seed(0)
        mod = nn.RMSNorm(normalized_shape, eps=eps, elementwise_affine=affine)
        if nn is torch.nn and affine:
            mod.weight.data.normal_()
        return mod
    check_module(build, randn(*shape))


@pytest.mark.parametrize("size", [1, 2, 3, 5])
@pytest.mark.parametrize("shape", [(2, 6, 4), (2, 6, 3, 3), (1, 4, 2, 2, 2)])
def test_local_response_norm_matches_torch(size, shape):
    check_module(lambda nn: nn.LocalResponseNorm(size, alpha=0.5, beta=0.75, k=1.5), randn(*shape))


def test_local_response_norm_error():
    check_error(lambda lib, x: lib.nn.functional.local_response_norm(x, 2), randn(3, 4))


@pytest.mark.parametrize("build, shape", [
    (lambda nn: nn.BatchNorm1d(4), (2, 4, 3)), (lambda nn: nn.BatchNorm1d(4).eval(), (2, 4, 3)),
    (lambda nn: nn.LayerNorm(3), (2, 4, 3)),
    (lambda nn: nn.GroupNorm(2, 4), (2, 4, 3)), (lambda nn: nn.InstanceNorm1d(4), (2, 4, 3)),
    (lambda nn: nn.RMSNorm(3), (2, 4, 3)),
])
def test_graph_node_names_match_torch(build, shape):
    e_out = build(ember.nn)(ember.randn(*shape, requires_grad=True))
    t_out = build(torch.nn)(torch.randn(*shape, requires_grad=True))
    assert type(e_out.grad_fn).__name__ == type(t_out.grad_fn).__name__


@pytest.mark.parametrize("norm", [
    lambda F, x, w, b: F.batch_norm(x, None, None, w, b, True),
    lambda F, x, w, b: F.layer_norm(x, (3,), w.reshape(-1)[:3], b.reshape(-1)[:3]),
    lambda F, x, w, b: F.group_norm(x, 2, w.reshape(-1)[:4], b.reshape(-1)[:4]),
])
def test_double_backward_with_affine_parameters_matches_torch(norm):
    def fn(lib, x, w, b):
        y = norm(lib.nn.functional, x, w, b)
        grads = lib.autograd.grad((y * y.sin()).sum(), (x, w, b), create_graph=True)
        return sum((g * g).sum() for g in grads)
    check(fn, randn(5, 4, 3), randn(4), randn(4), atol=1e-4, rtol=1e-3)


def test_eval_batch_norm_double_backward_matches_torch():
    def fn(lib, x, w, b):
        y = lib.nn.functional.batch_norm(x, lib.tensor([0.5, -0.2, 0.1]), lib.tensor([2.0, 0.5, 1.0]), w, b)
        grads = lib.autograd.grad((y * y.sin()).sum(), (x, w, b), create_graph=True)
        return sum((g * g).sum() for g in grads)
    check(fn, randn(4, 3, 2), randn(3), randn(3), atol=1e-4, rtol=1e-3)


def test_functional_layer_norm_with_bias_only():
    check(lambda lib, x, b: lib.nn.functional.layer_norm(x, (4,), None, b), randn(3, 4), randn(4))


@pytest.mark.parametrize("fn", [lambda F, x, w: F.layer_norm(x, [4], w), lambda F, x, w: F.rms_norm(x, [4], w),
                                lambda F, x, w: F.rms_norm(x, (4,), w, 1e-2)])
def test_functional_layer_and_rms_norm(fn):
    check(lambda lib, x, w: fn(lib.nn.functional, x, w), randn(2, 3, 4), randn(4))
