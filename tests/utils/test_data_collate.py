"""default_collate and default_convert against torch's: same nesting, container types, dtypes and values."""
import collections

import numpy as np
import pytest

from data_oracle import assert_same_structure, both
from oracle import check_error

Point = collections.namedtuple("Point", "x y")


def tensors(lib, *arrays):
    return [lib.from_numpy(np.array(a)) for a in arrays]


COLLATE_CASES = {
    "float32 tensors": lambda lib: tensors(lib, np.ones((2, 3), np.float32), np.zeros((2, 3), np.float32)),
    "int64 tensors": lambda lib: tensors(lib, [1, 2], [3, 4], [5, 6]),
    "0-d tensors": lambda lib: tensors(lib, 1.5, 2.5),
    "numpy arrays": lambda lib: [np.arange(3, dtype=np.int32), np.arange(3, 6, dtype=np.int32)],
    "numpy float64 arrays": lambda lib: [np.ones((2, 2)), np.zeros((2, 2))],
    "numpy scalars": lambda lib: [np.float32(1.5), np.float32(2)],
    "numpy int scalars": lambda lib: [np.int16(1), np.int16(-2)],
    "numpy bools": lambda lib: [np.bool_(True), np.bool_(False)],
    "python floats": lambda lib: [1.0, 2.5, -3.0],
    "python ints": lambda lib: [1, 2, 3],
    "python bools": lambda lib: [True, False],
    "strings": lambda lib: ["a", "bc"],
    "bytes": lambda lib: [b"a", b"bc"],
    "tuples": lambda lib: [(lib.ones(2), 0), (lib.zeros(2), 1)],
    "lists": lambda lib: [[1, 2.0, "x"], [3, 4.0, "y"]],
    "dicts": lambda lib: [{"img": lib.ones(2, 2), "label": 3, "name": "a"},
                          {"img": lib.zeros(2, 2), "label": 4, "name": "b"}],
    "ordered dicts": lambda lib: [collections.OrderedDict(b=1.0, a=2), collections.OrderedDict(b=3.0, a=4)],
    "namedtuples": lambda lib: [Point(1, lib.ones(3)), Point(2, lib.zeros(3))],
    "nested": lambda lib: [{"pair": (np.float64(1), [1, 2]), "p": Point("s", {"k": 1.0})},
                           {"pair": (np.float64(2), [3, 4]), "p": Point("t", {"k": 2.0})}],
    "single sample": lambda lib: [(lib.arange(4).reshape(2, 2), 7)],
}


@pytest.mark.parametrize("case", COLLATE_CASES)
def test_default_collate_matches_torch(case):
    assert_same_structure(*both(lambda lib: lib.utils.data.default_collate(COLLATE_CASES[case](lib))))


def test_collated_namedtuple_keeps_its_class():
    import ember
    batch = ember.utils.data.default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert type(batch) is Point and batch.x.dtype is ember.int64 and batch.y.dtype is ember.float64


@pytest.mark.parametrize("batch", [
    lambda lib: [lib.zeros(2), lib.zeros(3)],
    lambda lib: [[1, 2], [3]],
    lambda lib: [object(), object()],
    lambda lib: [np.array(["a", "b"]), np.array(["c", "d"])],
    lambda lib: [None, None],
])
def test_default_collate_errors(batch):
    message = check_error(lambda lib: lib.utils.data.default_collate(batch(lib)))
    assert message


def test_default_collate_error_texts():
    import ember
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size, but got \\[2\\] at entry 0 "
                                           "and \\[3\\] at entry 1"):
        ember.utils.data.default_collate([ember.zeros(2), ember.zeros(3)])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
                                        "or lists; found <class 'object'>"):
        ember.utils.data.default_collate([object()])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        ember.utils.data.default_collate([[1, 2], [3]])


CONVERT_CASES = {
    "tensor": lambda lib: lib.ones(2, dtype=lib.float64),
    "numpy array": lambda lib: np.arange(6, dtype=np.float32).reshape(2, 3),
    "numpy scalar": lambda lib: np.int32(5),
    "numpy string array": lambda lib: np.array(["a"]),
    "numpy string": lambda lib: np.str_("a"),
    "python numbers": lambda lib: (1, 2.0),
    "dict": lambda lib: {"a": np.ones(2), "b": "text"},
    "namedtuple": lambda lib: Point(np.zeros(1), 3),
    "list": lambda lib: [np.int64(1), [np.float64(2)]],
    "string": lambda lib: "abc",
}


@pytest.mark.parametrize("case", CONVERT_CASES)
def test_default_convert_matches_torch(case):
    e, t = both(lambda lib: lib.utils.data.default_convert(CONVERT_CASES[case](lib)))
    if isinstance(t, np.ndarray):
        assert isinstance(e, np.ndarray) and np.array_equal(e, t)
    else:
        assert_same_structure(e, t)
