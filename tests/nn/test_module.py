"""nn.Module and nn.Parameter against torch: registration, iteration, state dicts, modes, conversion, repr, hooks."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from module_oracle import copy_state
from oracle import assert_same

LIBS = [torch, ember]


def build_net(lib):
    """fc1 (Linear 4->3), a buffer, a non-persistent buffer and a nested block sharing fc1."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(lib.ones(3))
            self.register_buffer("count", lib.zeros(1))

        def forward(self, x):
            return x * self.scale

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 3)
            self.block = Block()
            self.register_buffer("mean", lib.zeros(3))
            self.register_buffer("cache", lib.ones(2), persistent=False)
            self.fc2 = nn.Linear(3, 2, bias=False)

        def forward(self, x):
            return self.fc2(self.block(self.fc1(x)) - self.mean)

    return Net()


def both(fn):
    """fn(lib) for torch and for ember."""
    return fn(torch), fn(ember)


# ---- Parameter ----
def test_parameter_repr_and_flags_match_torch():
    t, e = both(lambda lib: lib.nn.Parameter(lib.tensor([1.0, 2.0])))
    assert repr(e) == repr(t) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert str(e) == str(t)
    assert isinstance(e, ember.Tensor) and type(e) is ember.nn.Parameter and e.is_leaf and e.requires_grad


def test_parameter_without_grad_and_default_data():
    t, e = both(lambda lib: lib.nn.Parameter(lib.ones(2), requires_grad=False))
    assert repr(e) == repr(t) and not e.requires_grad
    t, e = both(lambda lib: lib.nn.Parameter())
    assert repr(e) == repr(t) and tuple(e.shape) == (0,)


def test_parameter_shares_memory_with_its_data():
    data = ember.zeros(3)
    param = ember.nn.Parameter(data)
    data[0] = 5
    assert param[0].item() == 5


def test_parameter_of_a_non_leaf_is_a_detached_leaf():
    x = ember.ones(2, requires_grad=True)
    param = ember.nn.Parameter(x * 2)
    assert param.is_leaf and param.grad_fn is None and param.requires_grad


def test_parameter_op_results_are_plain_tensors():
    param = ember.nn.Parameter(ember.ones(2))
    assert type(param * 2) is ember.Tensor and type(param.data) is ember.Tensor


def test_parameter_deepcopy_and_pickle_keep_the_class():
    param = ember.nn.Parameter(ember.tensor([1.0, 2.0]))
    for clone in (copy.deepcopy(param), pickle.loads(pickle.dumps(param))):
        assert type(clone) is ember.nn.Parameter and clone.requires_grad
        assert clone.tolist() == [1.0, 2.0]


def test_integer_parameter_requiring_grad_raises_like_torch():
    for lib in LIBS:
        with pytest.raises(RuntimeError, match="floating point"):
            lib.nn.Parameter(lib.tensor([1, 2]))


def test_buffer_marker_registers_a_buffer():
    for lib in LIBS:
        module = lib.nn.Module()
        module.a = lib.nn.Buffer(lib.ones(2))
        module.b = lib.nn.Buffer(lib.ones(1), persistent=False)
        assert [n for n, _ in module.named_buffers()] == ["a", "b"]
        assert list(module.state_dict()) == ["a"]


# ---- registration ----
def test_named_parameters_buffers_children_modules_match_torch():
    t, e = both(build_net)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_parameters(prefix="model", recurse=False)] == \
        [n for n, _ in t.named_parameters(prefix="model", recurse=False)]
    assert len(list(e.parameters())) == 4 and len(list(e.buffers())) == 3


def test_shared_modules_and_parameters_are_listed_once_unless_asked():
    def build(lib):
        net = build_net(lib)
        net.again = net.fc1
        net.tied = net.fc2.weight
        return net
    t, e = both(build)
    for kwargs in ({}, {"remove_duplicate": False}):
        assert [n for n, _ in e.named_parameters(**kwargs)] == [n for n, _ in t.named_parameters(**kwargs)]
        assert [n for n, _ in e.named_modules(**kwargs)] == [n for n, _ in t.named_modules(**kwargs)]
    assert list(e.state_dict()) == list(t.state_dict())


def test_attribute_assignment_moves_names_between_kinds():
    for lib in LIBS:
        m = lib.nn.Module()
        m.register_buffer("x", lib.ones(1))
        m.x = lib.nn.Linear(1, 1)
        assert "x" not in m._buffers and "x" in m._modules
        m.x = lib.nn.Parameter(lib.ones(1))
        assert "x" not in m._modules and "x" in m._parameters
        with pytest.raises(TypeError, match="as parameter 'x'"):
            m.x = lib.nn.Linear(1, 1)
        del m.x
        m.x = lib.nn.Linear(1, 1)
        m.x = None
        assert m.x is None and "x" in m._modules
        m.plain = 3
        assert m.plain == 3 and "plain" in m.__dict__


def test_assigning_a_tensor_to_a_parameter_name_raises_type_error():
    for lib in LIBS:
        m = lib.nn.Linear(2, 2)
        with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter 'weight' "
                                            r"\(torch.nn.Parameter or None expected\)"):
            m.weight = lib.ones(2, 2)
        m.bias = None
        assert m.bias is None and "bias" in m._parameters


def test_assigning_non_module_to_a_module_name_raises_type_error():
    for lib in LIBS:
        m = lib.nn.Sequential(lib.nn.Linear(1, 1))
        with pytest.raises(TypeError, match="as child module '0'"):
            setattr(m, "0", 5)


def test_assigning_a_non_tensor_to_a_buffer_name_raises_type_error():
    for lib in LIBS:
        m = lib.nn.Module()
        m.register_buffer("buf", lib.zeros(1))
        m.buf = lib.ones(1)
        assert m.buf.item() == 1 and "buf" in m._buffers
        with pytest.raises(TypeError, match="as buffer 'buf'"):
            m.buf = 3


@pytest.mark.parametrize("call, exc", [
    (lambda lib, m: m.register_parameter("a.b", None), KeyError),
    (lambda lib, m: m.register_parameter("", None), KeyError),
    (lambda lib, m: m.register_parameter(1, None), TypeError),
    (lambda lib, m: m.register_parameter("w", lib.ones(1)), TypeError),
    (lambda lib, m: m.register_parameter("w", lib.nn.Parameter(lib.ones(1)) * 2), TypeError),
    (lambda lib, m: m.register_parameter("training", None), KeyError),
    (lambda lib, m: m.register_buffer("a.b", None), KeyError),
    (lambda lib, m: m.register_buffer("b", 3), TypeError),
    (lambda lib, m: m.register_buffer("forward", None), KeyError),
    (lambda lib, m: m.add_module("x", 3), TypeError),
    (lambda lib, m: m.add_module("a.b", None), KeyError),
    (lambda lib, m: m.add_module("", None), KeyError),
    (lambda lib, m: m.get_submodule("nope"), AttributeError),
    (lambda lib, m: m.get_parameter("nope"), AttributeError),
    (lambda lib, m: m.nope, AttributeError),
    (lambda lib, m: m(), NotImplementedError),
])
def test_registration_errors_have_torchs_classes(call, exc):
    messages = []
    for lib in LIBS:
        with pytest.raises(exc) as info:
            call(lib, lib.nn.Module())
        messages.append(str(info.value))
    assert messages[1] == messages[0]


def test_non_leaf_parameter_raises_value_error():
    for lib in LIBS:
        p = lib.nn.Parameter(lib.ones(1))
        q = p * 2
        q.__class__ = lib.nn.Parameter
        with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor to parameter 'w'"):
            lib.nn.Module().register_parameter("w", q)


def test_assignment_before_init_raises_attribute_error():
    for lib in LIBS:
        class Early(lib.nn.Module):
            def __init__(self):
                self.w = lib.nn.Parameter(lib.ones(1))
        with pytest.raises(AttributeError, match="cannot assign parameters before Module.__init__\\(\\) call"):
            Early()


def test_unexpected_init_arguments_raise_type_error():
    for lib in LIBS:
        with pytest.raises(TypeError, match="unexpected keyword argument 'x'"):
            lib.nn.Module(x=1)


def test_delattr_and_get_submodule_get_parameter_get_buffer():
    t, e = both(build_net)
    assert e.get_submodule("block") is e.block and e.get_submodule("") is e
    assert e.get_parameter("block.scale") is e.block.scale
    assert e.get_buffer("block.count") is e.block.count
    for m in (t, e):
        del m.fc2, m.mean
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert list(e.state_dict()) == list(t.state_dict())


def test_register_module_and_set_submodule():
    m = ember.nn.Module()
    m.register_module("a", ember.nn.Module())
    m.set_submodule("a", ember.nn.Linear(1, 1))
    assert isinstance(m.a, ember.nn.Linear)


# ---- state dict ----
def test_state_dict_keys_order_and_values_match_torch():
    t, e = both(build_net)
    copy_state(e, t)
    t_state, e_state = t.state_dict(), e.state_dict()
    assert type(e_state) is OrderedDict
    assert list(e_state) == list(t_state) == ["mean", "fc1.weight", "fc1.bias", "block.scale", "block.count",
                                               "fc2.weight"]
    for key in t_state:
        assert_same(e_state[key], t_state[key], key)
    assert list(e_state._metadata) == list(t_state._metadata)


def test_state_dict_tensors_are_detached_and_share_storage():
    net = build_net(ember)
    state = net.state_dict()
    weight = state["fc1.weight"]
    assert not weight.requires_grad and type(weight) is ember.Tensor
    weight[0, 0] = 42.0
    assert net.fc1.weight[0, 0].item() == 42.0
    kept = net.state_dict(keep_vars=True)
    assert kept["fc1.weight"] is net.fc1.weight


def test_load_state_dict_copies_in_place_and_reports_all_matched():
    source, target = build_net(ember), build_net(ember)
    weight = target.fc1.weight
    result = target.load_state_dict(source.state_dict())
    assert repr(result) == repr(torch.nn.Linear(1, 1).load_state_dict(torch.nn.Linear(1, 1).state_dict()))
    assert target.fc1.weight is weight
    assert np.array_equal(weight.detach().numpy(), source.fc1.weight.detach().numpy())
    assert weight.requires_grad and weight.grad_fn is None


def test_load_state_dict_non_strict_returns_incompatible_keys_like_torch():
    results = []
    for lib in LIBS:
        state = build_net(lib).state_dict()
        del state["fc1.bias"]
        state["extra"] = lib.zeros(1)
        state["fc2.nope"] = lib.zeros(1)
        results.append(build_net(lib).load_state_dict(state, strict=False))
    t_result, e_result = results
    assert e_result.missing_keys == t_result.missing_keys == ["fc1.bias"]
    assert e_result.unexpected_keys == t_result.unexpected_keys
    assert repr(e_result) == repr(t_result) and str(e_result) == str(t_result)
    assert e_result == t_result


@pytest.mark.parametrize("edit", [
    lambda lib, s: s.pop("fc1.bias"),
    lambda lib, s: s.update(extra=lib.zeros(1)),
    lambda lib, s: s.update({"fc1.weight": lib.zeros(2, 4)}),
    lambda lib, s: s.update({"block.count": lib.zeros(1, 2), "fc2.x": lib.zeros(1)}),
    lambda lib, s: s.update({"mean": 3}),
])
def test_load_state_dict_errors_match_torch(edit):
    messages = []
    for lib in LIBS:
        state = build_net(lib).state_dict()
        edit(lib, state)
        with pytest.raises(RuntimeError) as info:
            build_net(lib).load_state_dict(state)
        messages.append(str(info.value).replace("<class 'torch.", "<class '"))
    t_msg, e_msg = messages
    assert e_msg.replace("ember.", "").replace("tensor.", "") == t_msg.replace("_tensor.", "")


def test_size_mismatch_names_the_key_and_both_shapes():
    net = build_net(ember)
    state = net.state_dict()
    state["fc1.weight"] = ember.zeros(2, 4)
    with pytest.raises(RuntimeError, match=r"size mismatch for fc1.weight: copying a param with shape "
                                           r"torch.Size\(\[2, 4\]\) from checkpoint, the shape in current model is "
                                           r"torch.Size\(\[3, 4\]\)"):
        net.load_state_dict(state)


def test_load_state_dict_assign_replaces_parameters():
    net = build_net(ember)
    state = build_net(ember).state_dict()
    net.load_state_dict(state, assign=True)
    assert type(net.fc1.weight) is ember.nn.Parameter and net.fc1.weight.requires_grad
    state["fc1.weight"][0, 0] = 7.0
    assert net.fc1.weight[0, 0].item() == 7.0


def test_load_state_dict_rejects_non_mappings():
    for lib in LIBS:
        with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
            lib.nn.Linear(1, 1).load_state_dict([1])


def test_extra_state_round_trips():
    for lib in LIBS:
        class WithExtra(lib.nn.Module):
            def get_extra_state(self):
                return {"v": 3}

            def set_extra_state(self, state):
                self.loaded = state
        source, target = WithExtra(), WithExtra()
        target.load_state_dict(source.state_dict())
        assert list(source.state_dict()) == ["_extra_state"] and target.loaded == {"v": 3}


def test_state_dict_hooks():
    net = ember.nn.Linear(1, 1)
    seen = []
    net.register_state_dict_pre_hook(lambda m, prefix, keep_vars: seen.append(prefix))
    net.register_load_state_dict_post_hook(lambda m, keys: seen.append(tuple(keys.missing_keys)))
    net.load_state_dict(net.state_dict(prefix="p."), strict=False)
    assert seen == ["p.", ("weight", "bias")]


# ---- modes, grads, conversion ----
def test_train_eval_propagate_and_return_self():
    net = build_net(ember)
    assert net.eval() is net and not any(m.training for m in net.modules())
    assert net.train() is net and all(m.training for m in net.modules())
    net.block.train(False)
    assert net.training and not net.block.training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")


def test_requires_grad_and_zero_grad():
    net = build_net(ember)
    net(ember.randn(2, 4)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    assert net.requires_grad_(False) is net and not any(p.requires_grad for p in net.parameters())


def test_apply_visits_children_first():
    t, e = both(build_net)
    t_names, e_names = [], []
    t.apply(lambda m: t_names.append(type(m).__name__))
    assert e.apply(lambda m: e_names.append(type(m).__name__)) is e
    assert e_names == t_names


@pytest.mark.parametrize("convert, dtype", [(lambda m: m.double(), "float64"), (lambda m: m.half(), "float16"),
                                            (lambda m: m.to(ember.float64), "float64"),
                                            (lambda m: m.float(), "float32"),
                                            (lambda m: m.to("cpu"), "float32"), (lambda m: m.cpu(), "float32")])
def test_conversion_is_in_place_and_keeps_parameter_identity(convert, dtype):
    """Integer buffers keep their dtype (only type() converts everything)."""
    net = build_net(ember)
    net.register_buffer("steps", ember.zeros(1, dtype=ember.int64))
    net(ember.randn(2, 4)).sum().backward()
    weight = net.fc1.weight
    assert convert(net) is net
    assert net.fc1.weight is weight and type(weight) is ember.nn.Parameter
    assert str(weight.dtype) == str(weight.grad.dtype) == str(net.mean.dtype) == f"torch.{dtype}"
    assert net.steps.dtype == ember.int64


def test_type_converts_every_tensor():
    net = build_net(ember)
    net.register_buffer("steps", ember.zeros(1, dtype=ember.int64))
    assert net.type(ember.float64) is net
    assert net.steps.dtype == net.fc1.weight.dtype == ember.float64


def test_to_rejects_integer_dtypes():
    for lib in LIBS:
        with pytest.raises(TypeError, match="nn.Module.to only accepts floating point"):
            lib.nn.Linear(1, 1).to(lib.int64)


def test_deepcopy_copies_parameters():
    net = build_net(ember)
    clone = copy.deepcopy(net)
    assert clone.fc1.weight is not net.fc1.weight and type(clone.fc1.weight) is ember.nn.Parameter
    assert np.array_equal(clone.fc1.weight.detach().numpy(), net.fc1.weight.detach().numpy())


# ---- repr ----
def test_nested_repr_matches_torch():
    t, e = both(build_net)
    assert repr(e) == repr(t)


def test_multiline_extra_repr_matches_torch():
    for_repr = []
    for lib in LIBS:
        class Custom(lib.nn.Module):
            def extra_repr(self):
                return "a=1\nb=2"
        m = Custom()
        m.child = lib.nn.Linear(1, 1)
        for_repr.append((repr(Custom()), repr(m)))
    assert for_repr[1] == for_repr[0]


def test_dir_lists_registered_members():
    net = build_net(ember)
    assert {"fc1", "mean", "block", "forward"} <= set(dir(net))


# ---- hooks ----
def run_with_hooks(lib, register):
    """Build the net, let ``register(lib, net, log)`` add hooks, run forward/backward; return (log, out, x.grad)."""
    torch.manual_seed(0)
    net = build_net(lib)
    if lib is ember:
        copy_state(net, build_net(torch))
    log = []
    register(lib, net, log)
    x = lib.from_numpy(np.arange(8, dtype=np.float32).reshape(2, 4) / 8).requires_grad_()
    out = net(x)
    out.sum().backward()
    return log, out, x.grad


def shapes(items):
    return [None if t is None else tuple(t.shape) for t in items]


def assert_same_hook_runs(register):
    (t_log, t_out, t_grad), (e_log, e_out, e_grad) = (run_with_hooks(lib, register) for lib in LIBS)
    assert_same(e_out, t_out)
    if t_grad is not None:
        assert_same(e_grad, t_grad, "input grad")
    assert len(e_log) == len(t_log)
    for e_item, t_item in zip(e_log, t_log):
        assert_same(e_item, t_item, "hook log")
    return e_log


def test_forward_pre_hook_can_replace_the_input():
    def register(lib, net, log):
        net.fc1.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        net.fc2.register_forward_pre_hook(lambda m, args: log.append(args[0].detach().clone()))
    assert_same_hook_runs(register)


def test_forward_hook_can_replace_the_output_and_order_with_prepend():
    def register(lib, net, log):
        net.fc1.register_forward_hook(lambda m, args, out: log.append("first"))
        net.fc1.register_forward_hook(lambda m, args, out: out + 1)
        net.fc1.register_forward_hook(lambda m, args, out: log.append("prepended"), prepend=True)
        net.register_forward_hook(lambda m, args, out: log.append(out.detach().clone()))
    log = assert_same_hook_runs(register)
    assert log[:2] == ["prepended", "first"]


def test_forward_hooks_with_kwargs():
    for lib in LIBS:
        layer = lib.nn.Linear(2, 2)
        seen = []
        layer.register_forward_pre_hook(lambda m, args, kwargs: ((args[0] * 0,), kwargs), with_kwargs=True)
        layer.register_forward_hook(lambda m, args, kwargs, out: seen.append((len(args), kwargs)), with_kwargs=True)
        out = layer(lib.ones(1, 2))
        assert seen == [(1, {})]
        assert np.allclose(out.detach().numpy(), layer.bias.detach().numpy())


def test_bad_pre_hook_result_with_kwargs_raises():
    for lib in LIBS:
        layer = lib.nn.Linear(2, 2)
        layer.register_forward_pre_hook(lambda m, args, kwargs: 3, with_kwargs=True)
        with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
            layer(lib.ones(1, 2))


def test_always_call_hook_runs_when_forward_raises():
    for lib in LIBS:
        layer = lib.nn.Linear(2, 2)
        seen = []
        layer.register_forward_hook(lambda m, args, out: seen.append(out), always_call=True)
        layer.register_forward_hook(lambda m, args, out: seen.append("never"))
        with pytest.raises(RuntimeError):
            layer(lib.ones(1, 3))
        assert seen == [None]


def test_removed_hooks_stop_running():
    layer = ember.nn.Linear(2, 2)
    seen = []
    handle = layer.register_forward_hook(lambda m, args, out: seen.append(1))
    layer(ember.ones(1, 2))
    handle.remove()
    layer(ember.ones(1, 2))
    with layer.register_forward_pre_hook(lambda m, args: seen.append(2)):
        layer(ember.ones(1, 2))
    layer(ember.ones(1, 2))
    assert seen == [1, 2]


def test_full_backward_hook_sees_grad_input_and_grad_output():
    def register(lib, net, log):
        net.fc2.register_full_backward_hook(lambda m, gin, gout: log.extend([*gin, *gout]))
        net.block.register_full_backward_hook(lambda m, gin, gout: log.extend([*gin, *gout]))
    assert len(assert_same_hook_runs(register)) == 4


def test_full_backward_hook_can_replace_grad_input():
    def register(lib, net, log):
        net.fc2.register_full_backward_hook(lambda m, gin, gout: (gin[0] * 3,))
    assert_same_hook_runs(register)


def test_full_backward_pre_hook_can_replace_grad_output():
    def register(lib, net, log):
        net.fc1.register_full_backward_pre_hook(lambda m, gout: (gout[0] * -2,))
        net.fc1.register_full_backward_hook(lambda m, gin, gout: log.extend([*gin, *gout]))
    assert_same_hook_runs(register)


def test_full_backward_hook_with_no_input_requiring_grad_fires_at_the_output():
    logs = []
    for lib in LIBS:
        layer = lib.nn.Linear(2, 2)
        seen = []
        layer.register_full_backward_hook(lambda m, gin, gout: seen.append((gin, shapes(gout))))
        with pytest.warns(UserWarning, match="Full backward hook is firing"):
            layer(lib.ones(3, 2)).sum().backward()
        logs.append(seen)
    assert logs[1] == logs[0] == [((None,), [(3, 2)])]


def test_full_backward_hook_output_node_name():
    layer = ember.nn.Linear(2, 2)
    layer.register_full_backward_hook(lambda *a: None)
    out = layer(ember.ones(1, 2, requires_grad=True))
    assert type(out.grad_fn).__name__ == type(torch_hooked_output().grad_fn).__name__


def torch_hooked_output():
    layer = torch.nn.Linear(2, 2)
    layer.register_full_backward_hook(lambda *a: None)
    return layer(torch.ones(1, 2, requires_grad=True))


def test_mixing_backward_hook_kinds_raises():
    for lib in LIBS:
        layer = lib.nn.Linear(1, 1)
        layer.register_full_backward_hook(lambda *a: None)
        with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full backward hooks"):
            layer.register_backward_hook(lambda *a: None)


def test_legacy_backward_hook_hooks_the_last_op():
    def register(lib, net, log):
        net.fc2.register_backward_hook(lambda m, gin, gout: log.append(len(gout)))
    assert assert_same_hook_runs(register) == [1]


def test_global_forward_hooks_run_for_every_module():
    from ember.nn.modules import module as ember_module
    seen = []
    handle = ember_module.register_module_forward_hook(lambda m, args, out: seen.append(type(m).__name__))
    try:
        build_net(ember)(ember.randn(1, 4))
    finally:
        handle.remove()
    build_net(ember)(ember.randn(1, 4))
    assert seen == ["Linear", "Block", "Linear", "Net"]


def test_legacy_backward_hook_can_replace_grad_input():
    def register(lib, net, log):
        net.fc2.register_backward_hook(lambda m, gin, gout: tuple(None if g is None else g * 0.5 for g in gin))
    assert_same_hook_runs(register)


def test_uninitialized_parameter_materializes():
    param = ember.nn.UninitializedParameter()
    param.materialize((2, 3))
    assert type(param) is ember.nn.Parameter and tuple(param.shape) == (2, 3) and param.requires_grad


def test_global_full_backward_hooks_see_every_module():
    from ember.nn.modules import module as ember_module
    seen = []
    pre = ember_module.register_module_full_backward_pre_hook(lambda m, gout: seen.append(("pre", type(m).__name__)))
    post = ember_module.register_module_full_backward_hook(lambda m, gin, gout: seen.append(type(m).__name__))
    try:
        with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full backward hooks"):
            ember_module.register_module_backward_hook(lambda *a: None)
        layer = ember.nn.Linear(2, 1)
        layer(ember.ones(1, 2, requires_grad=True)).sum().backward()
    finally:
        pre.remove()
        post.remove()
    assert seen == [("pre", "Linear"), "Linear"]


def test_full_backward_hooks_with_mixed_inputs_and_tuple_outputs():
    """Non-tensor and no-grad inputs show as None in grad_input; an unused output's grad_output is None."""
    logs = []
    for lib in LIBS:
        class Pair(lib.nn.Module):
            def forward(self, x, flag, y):
                return x * y, x + 1, x - 1

        seen = []
        module = Pair()
        module.register_full_backward_pre_hook(lambda m, gout: seen.append(("pre", shapes(gout))))
        module.register_full_backward_hook(lambda m, gin, gout: seen.append((shapes(gin), shapes(gout))))
        x = lib.ones(2, 3, requires_grad=True)
        a, b, _ = module(x, "flag", lib.full((2, 3), 2.0))
        (a.sum() + b.sum()).backward()
        seen.append(x.grad.tolist())
        logs.append(seen)
    assert logs[1] == logs[0]
