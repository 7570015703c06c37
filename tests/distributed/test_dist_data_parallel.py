"""DataParallel on CPU, as torch's without CUDA: a transparent wrapper with the ``module.`` prefix."""
import torch

import ember
from oracle import assert_same


def _pair(**kwargs):
    torch.manual_seed(0)
    theirs = torch.nn.Linear(3, 2)
    ours = ember.nn.Linear(3, 2)
    ours.load_state_dict({k: ember.from_numpy(v.numpy().copy()) for k, v in theirs.state_dict().items()})
    return torch.nn.DataParallel(theirs, **kwargs), ember.nn.DataParallel(ours, **kwargs)


def test_data_parallel_forwards_and_backwards_like_torchs():
    theirs, ours = _pair()
    x = torch.randn(4, 3)
    out_t, out_e = theirs(x), ours(ember.from_numpy(x.numpy()))
    assert_same(out_e, out_t)
    out_t.sum().backward()
    out_e.sum().backward()
    assert_same(ours.module.weight.grad, theirs.module.weight.grad)


def test_data_parallel_keeps_torchs_interface_and_state_dict_prefix():
    theirs, ours = _pair(device_ids=[0, 1], output_device=1)
    assert ours.device_ids == theirs.device_ids == []
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["module.weight", "module.bias"]
    assert repr(ours) == repr(theirs)
    assert ember.nn.parallel.DataParallel is ember.nn.DataParallel
    plain = ember.nn.Linear(3, 2)
    plain.load_state_dict({k[len("module."):]: v for k, v in ours.state_dict().items()})
    assert_same(plain.weight, theirs.module.weight.detach())
