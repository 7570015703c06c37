"""roll, flip, rot90, repeat, tile and repeat_interleave against torch: values, dtypes, grads, errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import check, check_error

rng = np.random.default_rng(5)
X = rng.standard_normal((3, 4, 2)).astype(np.float32)
INPUTS = {"f32": X, "f64": X[0].astype(np.float64), "int": np.arange(12).reshape(3, 4), "0d": np.array(1.5, np.float32),
          "bool": X[:, :, 0] > 0}

OPS = {
    "roll_flat": lambda lib, a: a.roll(1),
    "roll_flat_negative": lambda lib, a: lib.roll(a, -5),
    "roll_dim": lambda lib, a: a.roll(-2, -1),
    "roll_dims": lambda lib, a: lib.roll(a, (1, 5), (0, -1)),
    "roll_dims_kw": lambda lib, a: lib.roll(a, shifts=(2,), dims=(0,)),
    "flip": lambda lib, a: a.flip(0),
    "flip_dims": lambda lib, a: a.flip(0, -1),
    "flip_tuple": lambda lib, a: lib.flip(a, (-1,)),
    "flip_none": lambda lib, a: lib.flip(a, ()),
    "flip_keyword": lambda lib, a: lib.flip(a, dims=[0]),
    "fliplr": lambda lib, a: lib.fliplr(a),
    "flipud": lambda lib, a: a.flipud(),
    "rot90": lambda lib, a: lib.rot90(a),
    "rot90_k2": lambda lib, a: a.rot90(2),
    "rot90_k3_neg_dims": lambda lib, a: a.rot90(3, (-1, 0)),
    "rot90_k_negative": lambda lib, a: a.rot90(-1, [1, 0]),
    "rot90_k4": lambda lib, a: lib.rot90(a, 4, (0, 1)),
    "repeat": lambda lib, a: a.repeat(2, 1, 3),
    "repeat_more_dims": lambda lib, a: a.repeat((2, 1, 1, 3)),
    "repeat_ones": lambda lib, a: a.repeat(*([1] * max(a.ndim, 1))),
    "repeat_zero": lambda lib, a: a.repeat(*([0] + [1] * a.ndim)),
    "tile": lambda lib, a: a.tile((2,)),
    "tile_more_dims": lambda lib, a: lib.tile(a, (2, 1, 1, 2)),
    "repeat_interleave_flat": lambda lib, a: a.repeat_interleave(2),
    "repeat_interleave_dim": lambda lib, a: lib.repeat_interleave(a, 3, dim=-1),
    "repeat_interleave_tensor": lambda lib, a: a.repeat_interleave(lib.tensor([1, 0, 2]), dim=0),
    "repeat_interleave_0d_tensor": lambda lib, a: a.repeat_interleave(lib.tensor(2), 0),
}



@pytest.mark.parametrize("kind", INPUTS)
@pytest.mark.parametrize("name", OPS)
def test_values_and_grads(name, kind):
    """Where torch rejects the input (too few dims, sizes that don't fit), ember raises the same class."""
    x = INPUTS[kind]
    try:
        OPS[name](torch, torch.from_numpy(x.copy()))
    except (RuntimeError, IndexError):
        check_error(OPS[name], x)
    else:
        check(OPS[name], x)


def test_repeat_interleave_of_repeats_alone():
    check(lambda lib, r: lib.repeat_interleave(r), np.array([2, 0, 3]))
    check_error(lambda lib, r: lib.repeat_interleave(r), np.array(3))


GRAD_FN = {"RollBackward0": lambda a: a.roll(1, 0), "FlipBackward0": lambda a: a.flip(0),
           "Rot90Backward0": lambda a: a.rot90(), "RepeatBackward0": lambda a: a.repeat(2, 1, 1)}


@pytest.mark.parametrize("name", GRAD_FN)
def test_grad_fn_names(name):
    assert GRAD_FN[name](ember.from_numpy(X).requires_grad_()).grad_fn.name() == name
    assert GRAD_FN[name](torch.from_numpy(X).requires_grad_()).grad_fn.name() == name


@pytest.mark.parametrize("name", ["roll_dims", "flip_dims", "rot90", "repeat", "repeat_interleave_tensor"])
def test_double_backward(name):
    def second(lib, a):
        (g,) = lib.autograd.grad((OPS[name](lib, a) ** 3).sum(), a, create_graph=True)
        return (g * a).sum()
    check(second, X)


def test_results_are_copies():
    x = ember.zeros(2, 3)
    for out in (x.flip(0), x.roll(1), x.rot90(), x.repeat(1, 1), x.tile((1,))):
        out += 1
    assert x.sum().item() == 0


ERRORS = {
    "roll_misaligned": lambda lib, a: a.roll((1, 2), (0,)),
    "roll_tuple_no_dims": lambda lib, a: a.roll((1, 2)),
    "roll_no_shifts": lambda lib, a: a.roll(()),
    "roll_dim_range": lambda lib, a: a.roll(1, 3),
    "flip_repeated": lambda lib, a: a.flip(0, 0),
    "flip_dim_range": lambda lib, a: a.flip(3),
    "fliplr_1d": lambda lib, a: a[0, 0].fliplr(),
    "flipud_0d": lambda lib, a: a[0, 0, 0].flipud(),
    "rot90_three_dims": lambda lib, a: a.rot90(1, (0, 1, 2)),
    "rot90_same_dims": lambda lib, a: a.rot90(1, (0, -3)),
    "rot90_1d": lambda lib, a: a[0, 0].rot90(),
    "repeat_few_sizes": lambda lib, a: a.repeat(2),
    "repeat_negative": lambda lib, a: a.repeat(2, -1, 1),
    "repeat_interleave_negative": lambda lib, a: a.repeat_interleave(-1),
    "repeat_interleave_length": lambda lib, a: a.repeat_interleave(lib.tensor([1, 2]), 0),
    "repeat_interleave_2d": lambda lib, a: a.repeat_interleave(lib.tensor([[1, 2, 3]]), 0),
    "repeat_interleave_dim_range": lambda lib, a: a.repeat_interleave(2, 3),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors(name):
    assert check_error(ERRORS[name], X)
