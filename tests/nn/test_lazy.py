"""Lazy modules (in_features / in_channels / num_features from the first input), UninitializedParameter and
UninitializedBuffer, and SyncBatchNorm without a process group, against torch."""
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.distributed
from module_oracle import check_module, copy_state
from oracle import assert_same, check_error

RNG = np.random.default_rng(0)

# (lazy class, its arguments, an input shape)
LAZY = [
    ("LazyLinear", (3,), {}, (2, 5)),
    ("LazyLinear", (4,), dict(bias=False), (2, 3, 6)),
    ("LazyConv1d", (4, 3), {}, (2, 6, 9)),
    ("LazyConv1d", (4, 3), dict(bias=False), (6, 9)),
    ("LazyConv2d", (4, 3), dict(groups=2, padding=1), (2, 6, 5, 7)),
    ("LazyConv3d", (2, 2), dict(stride=2), (1, 3, 4, 4, 5)),
    ("LazyConvTranspose1d", (4, 3), dict(stride=2, output_padding=1), (2, 6, 5)),
    ("LazyConvTranspose2d", (4, 3), dict(groups=2), (2, 6, 5, 5)),
    ("LazyConvTranspose3d", (2, 2), dict(bias=False), (1, 3, 3, 3, 3)),
    ("LazyBatchNorm1d", (), {}, (4, 3)),
    ("LazyBatchNorm1d", (), dict(affine=False, track_running_stats=False), (4, 3, 5)),
    ("LazyBatchNorm2d", (), dict(momentum=None), (2, 3, 4, 5)),
    ("LazyBatchNorm3d", (), dict(bias=False), (2, 3, 2, 3, 4)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 6)),
    ("LazyInstanceNorm2d", (), dict(affine=False), (2, 3, 4, 5)),
    ("LazyInstanceNorm3d", (), dict(track_running_stats=False), (2, 3, 2, 3, 4)),
]
IDS = [f"{name}-{kwargs}-{shape}" for name, _, kwargs, shape in LAZY]


def _pair(name, args, kwargs):
    return getattr(torch.nn, name)(*args, **kwargs), getattr(ember.nn, name)(*args, **kwargs)


def _kinds(module):
    return {k: type(v).__name__ for k, v in module.state_dict().items()}


@pytest.mark.parametrize("name, args, kwargs, shape", LAZY, ids=IDS)
def test_before_the_first_forward(name, args, kwargs, shape):
    t_mod, e_mod = _pair(name, args, kwargs)
    assert repr(e_mod) == repr(t_mod)
    assert _kinds(e_mod) == _kinds(t_mod)
    assert e_mod.has_uninitialized_params() == t_mod.has_uninitialized_params()
    assert [type(p).__name__ for p in e_mod.parameters()] == [type(p).__name__ for p in t_mod.parameters()]


@pytest.mark.parametrize("name, args, kwargs, shape", LAZY, ids=IDS)
def test_first_forward_infers_sizes_and_becomes_the_plain_class(name, args, kwargs, shape):
    t_mod, e_mod = _pair(name, args, kwargs)
    x = RNG.standard_normal(shape).astype(np.float32)
    t_mod(torch.from_numpy(x))
    e_mod(ember.from_numpy(x))
    assert type(e_mod).__name__ == type(t_mod).__name__ == getattr(torch.nn, name).cls_to_become.__name__
    assert repr(e_mod) == repr(t_mod)
    assert _kinds(e_mod) == _kinds(t_mod)
    assert {k: tuple(v.shape) for k, v in e_mod.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in t_mod.state_dict().items()}
    assert not e_mod._forward_pre_hooks


@pytest.mark.parametrize("duplicate", [copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))])
def test_copies_of_a_lazy_module_initialize_on_their_own(duplicate):
    original = ember.nn.LazyConv2d(4, 3)
    twin = duplicate(original)
    twin(ember.randn(1, 2, 5, 5))
    twin(ember.randn(1, 2, 5, 5))
    original(ember.randn(1, 6, 5, 5))
    assert (twin.in_channels, original.in_channels) == (2, 6) and type(twin) is type(original) is ember.nn.Conv2d


@pytest.mark.parametrize("name, args, kwargs, shape", LAZY, ids=IDS)
def test_torch_weights_loaded_into_a_lazy_module_give_torch_results(name, args, kwargs, shape):
    """Loading initialized tensors materializes the uninitialized ones; forward and backward then agree."""
    x = RNG.standard_normal(shape).astype(np.float32)

    def build(nn):
        module = getattr(nn, name)(*args, **kwargs)
        if nn is torch.nn:
            module(torch.from_numpy(x))
        return module
    if name.startswith("LazyInstanceNorm") and kwargs.get("affine", True):
        # num_features stays 0 after loading (torch's quirk), which an affine instance norm rejects
        def run(lib, a):
            source, module = (getattr(lib.nn, name)(*args, **kwargs) for _ in range(2))
            source(a)
            module.load_state_dict(source.state_dict())
            return module(a)
        assert "to match num_features (0), but got: 3" in check_error(run, x)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an instance norm without affine warns that num_features (0) is unused
        e_mod, t_mod = check_module(build, x)
    assert type(e_mod).__name__ == type(t_mod).__name__
    assert_same(list(e_mod.state_dict().values()), list(t_mod.state_dict().values()), "state after forward")


def test_lazy_state_dict_loads_into_a_lazy_module_and_stays_lazy():
    for t_mod, e_mod in (_pair("LazyLinear", (3,), {}), _pair("LazyBatchNorm2d", (), {})):
        result, expected = e_mod.load_state_dict(e_mod.state_dict()), t_mod.load_state_dict(t_mod.state_dict())
        assert (result.missing_keys, result.unexpected_keys) == (expected.missing_keys, expected.unexpected_keys)
        assert _kinds(e_mod) == _kinds(t_mod)


def test_loading_an_uninitialized_tensor_into_an_initialized_one_raises_as_torch():
    message = check_error(lambda lib, x: lib.nn.Linear(2, 3).load_state_dict(lib.nn.LazyLinear(3).state_dict()),
                          None)
    assert "Can't access the shape of an uninitialized parameter or buffer" in message


def test_lazy_linear_checks_a_loaded_weight_against_the_input():
    def run(lib, x):
        module = lib.nn.LazyLinear(3)
        module.load_state_dict(lib.nn.Linear(4, 3).state_dict())
        return module(x)
    message = check_error(run, np.zeros((2, 5), np.float32))
    assert message == "The in_features inferred from input: 5 is not equal to in_features from self.weight: 4"


@pytest.mark.parametrize("build, shape", [
    (lambda nn: nn.LazyConv2d(4, 3, groups=2), (1, 3, 5, 5)),
    (lambda nn: nn.LazyConv2d(4, 3), (5, 5)),
    (lambda nn: nn.LazyConvTranspose1d(4, 3), (2, 3, 4, 5)),
])
def test_lazy_conv_errors_match_torch(build, shape):
    message = check_error(lambda lib, x: build(lib.nn)(x), np.zeros(shape, np.float32))
    assert "in_channels must be divisible by groups" in message or "but got input of size" in message


def test_uninitialized_parameter_and_buffer():
    for lib in (torch, ember):
        param = lib.nn.UninitializedParameter(dtype=lib.float64)
        assert repr(param) == "<UninitializedParameter>" and param.requires_grad and param.dtype == lib.float64
        with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter"):
            param.shape
        with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
            param.numel()
        param.materialize((2, 3))
        assert type(param) is lib.nn.Parameter and tuple(param.shape) == (2, 3) and param.dtype == lib.float64
        buffer = lib.nn.UninitializedBuffer()
        assert repr(buffer) == "<UninitializedBuffer>" and not buffer.requires_grad
        buffer.materialize((4,))
        assert type(buffer) is lib.Tensor and tuple(buffer.shape) == (4,)
        assert type(copy.deepcopy(lib.nn.UninitializedParameter())).__name__ == "UninitializedParameter"


def test_dtype_set_before_the_first_forward_is_kept():
    module = ember.nn.LazyConv2d(2, 3).double()
    module(ember.randn(1, 3, 5, 5, dtype=ember.float64))
    assert module.weight.dtype == module.bias.dtype == ember.float64


def test_an_optimizer_made_before_the_first_forward_trains_the_materialized_parameters():
    module = ember.nn.LazyLinear(2)
    optimizer = ember.optim.SGD(module.parameters(), lr=1.0)
    module(ember.ones(1, 3)).sum().backward()
    before = module.bias.detach().clone()
    optimizer.step()
    assert ember.allclose(module.bias, before - 1)


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 4, 5), (2, 3, 2, 2, 2, 2)])
@pytest.mark.parametrize("training", [True, False])
def test_sync_batch_norm_without_a_process_group_is_batch_norm(shape, training):
    e_mod, t_mod = check_module(lambda nn: nn.SyncBatchNorm(3, momentum=None).train(training),
                                RNG.standard_normal(shape).astype(np.float32))
    assert_same(list(e_mod.state_dict().values()), list(t_mod.state_dict().values()), "running statistics")
    assert repr(e_mod) == repr(t_mod) and e_mod.process_group is None


@pytest.mark.parametrize("shape", [(3,), (4, 0, 2), (4, 5)])
def test_sync_batch_norm_errors_match_torch(shape):
    check_error(lambda lib, x: lib.nn.SyncBatchNorm(3)(x), np.zeros(shape, np.float32))


def test_convert_sync_batchnorm_replaces_every_batch_norm_and_shares_its_state():
    def build(nn):
        net = nn.Sequential(nn.Conv2d(1, 3, 1), nn.BatchNorm2d(3), nn.Sequential(nn.BatchNorm1d(3, affine=False)),
                            nn.InstanceNorm2d(3))
        return net.eval()
    t_net, e_net = build(torch.nn), build(ember.nn)
    copy_state(e_net, t_net)
    t_sync = torch.nn.SyncBatchNorm.convert_sync_batchnorm(t_net, "group")
    e_sync = ember.nn.SyncBatchNorm.convert_sync_batchnorm(e_net, "group")
    assert repr(e_sync) == repr(t_sync)
    assert e_sync[1].weight is e_net[1].weight and e_sync[1].running_mean is e_net[1].running_mean
    assert not e_sync[1].training and e_sync[2][0].process_group == "group"
    x = RNG.standard_normal((2, 1, 4, 4)).astype(np.float32)
    assert_same(e_sync[:2](ember.from_numpy(x)), t_sync[:2](torch.from_numpy(x)))


def test_sync_batch_norm_refuses_cpu_tensors_in_training_under_a_process_group(monkeypatch):
    """As torch: with a process group initialized, training on a CPU tensor raises; eval still normalizes."""
    monkeypatch.setattr(ember.distributed, "is_initialized", lambda: True)
    module = ember.nn.SyncBatchNorm(3)
    x = ember.randn(4, 3)
    with pytest.raises(ValueError, match="SyncBatchNorm expected input tensor to be on GPU or XPU or privateuseone"):
        module(x)
    assert module.eval()(x).shape == (4, 3)
