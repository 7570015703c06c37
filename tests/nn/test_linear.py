"""Linear, Bilinear, Identity, Flatten, Unflatten and F.linear / F.bilinear against torch."""
import math

import numpy as np
import pytest
import torch

import ember
from module_oracle import check_module, copy_state
from oracle import assert_same, check, check_error

RNG = np.random.default_rng(0)


def randn(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("shape", [(5, 4), (4,), (2, 3, 4), (0, 4)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(shape, bias):
    check_module(lambda nn: nn.Linear(4, 3, bias=bias), randn(*shape))


def test_linear_float64():
    e_mod, _ = check_module(lambda nn: nn.Linear(3, 2).double(), randn(4, 3, dtype=np.float64))
    assert e_mod.weight.dtype == ember.float64


@pytest.mark.parametrize("shape, bias, name", [
    ((2, 4), True, "AddmmBackward0"), ((2, 4), False, "MmBackward0"),
    ((4,), True, "ViewBackward0"), ((3, 2, 4), True, "ViewBackward0"), ((3, 2, 4), False, "UnsafeViewBackward0"),
])
def test_linear_graph_node_names_match_torch(shape, bias, name):
    x = ember.randn(*shape, requires_grad=True)
    layer = ember.nn.Linear(4, 3, bias=bias)
    assert type(layer(x).grad_fn).__name__ == name


@pytest.mark.parametrize("bias", [True, False])
def test_functional_linear(bias):
    args = (randn(2, 5), randn(3, 5)) + ((randn(3),) if bias else ())
    check(lambda lib, *a: lib.nn.functional.linear(*a), *args)


@pytest.mark.parametrize("shapes", [((4, 2), (4, 3)), ((2, 5, 2), (2, 5, 3)), ((2,), (3,))])
@pytest.mark.parametrize("bias", [True, False])
def test_bilinear_matches_torch(shapes, bias):
    check_module(lambda nn: nn.Bilinear(2, 3, 5, bias=bias), randn(*shapes[0]), randn(*shapes[1]))


def test_functional_bilinear():
    check(lambda lib, *a: lib.nn.functional.bilinear(*a), randn(4, 2), randn(4, 3), randn(5, 2, 3), randn(5))


@pytest.mark.parametrize("shapes", [((2, 3), (2, 3), (5, 2, 3)), ((2, 2), (3, 3), (5, 2, 3)),
                                    ((2, 2), (2, 4), (5, 2, 3))])
def test_functional_bilinear_errors(shapes):
    msg = check_error(lambda lib, a, b, w: lib.nn.functional.bilinear(a, b, w), *(randn(*s) for s in shapes))
    assert msg.startswith("bilinear(): ")


def test_linear_parameters_names_shapes_and_repr():
    layer = ember.nn.Linear(4, 3)
    assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == [("weight", (3, 4)), ("bias", (3,))]
    assert all(isinstance(p, ember.nn.Parameter) and p.requires_grad for p in layer.parameters())
    assert repr(layer) == repr(torch.nn.Linear(4, 3)) == "Linear(in_features=4, out_features=3, bias=True)"
    assert repr(ember.nn.Linear(4, 3, bias=False)) == repr(torch.nn.Linear(4, 3, bias=False))
    assert ember.nn.Linear(4, 3, bias=False).bias is None


@pytest.mark.parametrize("build", [lambda nn: nn.Bilinear(2, 3, 4), lambda nn: nn.Bilinear(2, 3, 4, bias=False),
                                   lambda nn: nn.Identity(1, x=2), lambda nn: nn.Flatten(0, 2),
                                   lambda nn: nn.Unflatten(1, (2, 3)), lambda nn: nn.Unflatten(-1, [2, -1])])
def test_reprs_match_torch(build):
    assert repr(build(ember.nn)) == repr(build(torch.nn))


@pytest.mark.parametrize("in_features", [1, 4, 100])
def test_linear_default_init_follows_torchs_bounds(in_features):
    """kaiming_uniform_(a=sqrt(5)) on the weight and U(-1/sqrt(fan_in), 1/sqrt(fan_in)) on the bias."""
    ember.manual_seed(0)
    layer = ember.nn.Linear(in_features, 200)
    bound = 1 / math.sqrt(in_features)
    for p in (layer.weight, layer.bias):
        values = p.detach().numpy()
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.9 * bound
        assert values.std() == pytest.approx(bound / math.sqrt(3), rel=0.15)


def test_bilinear_default_init_bound():
    layer = ember.nn.Bilinear(9, 3, 50)
    assert np.abs(layer.weight.detach().numpy()).max() <= 1 / 3
    assert np.abs(layer.bias.detach().numpy()).max() <= 1 / 3


def test_linear_dtype_argument():
    layer = ember.nn.Linear(2, 2, dtype=ember.float64)
    assert layer.weight.dtype == layer.bias.dtype == ember.float64


def test_identity_returns_its_input():
    x = ember.randn(3)
    assert ember.nn.Identity(54, unused="x")(x) is x


@pytest.mark.parametrize("start, end, shape", [(1, -1, (2, 3, 4)), (0, -1, (2, 3, 4)), (0, 1, (2, 3, 4, 1)),
                                               (1, 1, (2, 3))])
def test_flatten_matches_torch(start, end, shape):
    check_module(lambda nn: nn.Flatten(start, end), randn(*shape))


@pytest.mark.parametrize("dim, size, shape", [(1, (2, 3), (4, 6)), (-1, (2, -1), (4, 6)), (0, [2, 2], (4, 1))])
def test_unflatten_matches_torch(dim, size, shape):
    check_module(lambda nn: nn.Unflatten(dim, size), randn(*shape))


@pytest.mark.parametrize("size", [5, (2, 1.5)])
def test_unflatten_bad_sizes_raise_type_error(size):
    for lib in (torch, ember):
        with pytest.raises(TypeError, match="unflattened_size must be (a )?tuple of ints, but found"):
            lib.nn.Unflatten(1, size)


def test_wrong_input_shape_names_module_and_shapes():
    msg = check_error(lambda lib, x: lib.nn.Linear(4, 3)(x), randn(2, 5))
    assert msg == "Linear: expected input with last dimension 4 (in_features), got shape [2, 5]"


def test_wrong_input_shape_inside_a_model_names_the_submodule():
    class Net(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = ember.nn.Linear(4, 3)
            self.head = ember.nn.Sequential(ember.nn.ReLU() if hasattr(ember.nn, "ReLU") else ember.nn.Identity(),
                                            ember.nn.Linear(2, 1))

        def forward(self, x):
            return self.head(self.fc1(x))

    net = Net()
    with pytest.raises(RuntimeError, match=r"^fc1 \(Linear\): expected input with last dimension 4 \(in_features\), "
                                           r"got shape \[2, 5\]$"):
        net(ember.randn(2, 5))
    with pytest.raises(RuntimeError, match=r"^head\.1 \(Linear\): expected input with last dimension 2 "
                                           r"\(in_features\), got shape \[2, 3\]$"):
        net(ember.randn(2, 4))


def test_bilinear_wrong_input_names_module():
    with pytest.raises(RuntimeError, match=r"^Bilinear: expected inputs with last dimensions 2 \(in1_features\) and "
                                           r"3 \(in2_features\), got shapes \[4, 3\] and \[4, 3\]"):
        ember.nn.Bilinear(2, 3, 5)(ember.randn(4, 3), ember.randn(4, 3))


@pytest.mark.parametrize("shape", [(2, 5), (3, 2, 5), (5,)])
@pytest.mark.parametrize("bias", [True, False])
def test_functional_linear_shape_errors_match_torch(shape, bias):
    def run(lib, x, w, b):
        return lib.nn.functional.linear(x, w, b if bias else None)
    msg = check_error(run, randn(*shape), randn(3, 4), randn(3))
    assert "cannot be multiplied" in msg or "size mismatch" in msg or "shapes" in msg


@pytest.mark.parametrize("shape", [(3, 2, 5), (5,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_errors_name_the_module_for_any_rank(shape, bias):
    msg = check_error(lambda lib, x: lib.nn.Linear(4, 3, bias=bias)(x), randn(*shape))
    assert msg == f"Linear: expected input with last dimension 4 (in_features), got shape {list(shape)}"


def test_lazy_linear_infers_in_features_and_becomes_linear():
    t, e = torch.nn.LazyLinear(3), ember.nn.LazyLinear(3)
    assert repr(e) == repr(t) and repr(e.weight) == repr(t.weight)
    assert list(e.state_dict()) == list(t.state_dict())
    e(ember.ones(2, 4))
    t(torch.ones(2, 4))
    assert repr(e) == repr(t) and type(e) is ember.nn.Linear and type(e.weight) is ember.nn.Parameter
    assert tuple(e.weight.shape) == (3, 4) and not e._forward_pre_hooks
    copy_state(e, t)
    x = randn(2, 4)
    assert_same(e(ember.from_numpy(x)), t(torch.from_numpy(x)))
