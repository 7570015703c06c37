"""Optimizer: the base class of every ember.optim optimizer (param groups, per-parameter state, state_dict, hooks).

Subclasses implement ``_step_group(group, params)``: ``params`` are the group's parameters that have a gradient,
updated in place on their arrays (no autograd graph is built), as PyTorch's single-tensor implementations do.
"""
import functools
from collections import OrderedDict, defaultdict
from copy import deepcopy
from itertools import chain
import warnings

import numpy

from ..autograd.grad_mode import enable_grad
from ..autograd.node import add_hook
from ..tensor import Tensor, _wrap
from ._functional import new_step

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()


class _RequiredParameter:
    """Singleton marking an option a param group must give (``SGD``'s lr in old PyTorch)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def register_optimizer_step_pre_hook(hook):
    """A hook ``hook(optimizer, args, kwargs)`` run before every optimizer's step."""
    return add_hook(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """A hook ``hook(optimizer, args, kwargs)`` run after every optimizer's step."""
    return add_hook(_global_optimizer_post_hooks, hook)


def _typename(obj):
    """How PyTorch's ``torch.typename`` names an object in error messages."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    qualname = getattr(obj, "__qualname__", None) or type(obj).__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def _with_step_hooks(step):
    """``step`` wrapped so the pre and post hooks run around it (PyTorch patches each class's step alike)."""
    @functools.wraps(step)
    def hooked_step(*args, **kwargs):
        self = args[0]
        for pre_hook in chain(_global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), but got "
                                       f"{result}.")
                args, kwargs = result
        out = step(*args, **kwargs)
        for post_hook in chain(self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values()):
            post_hook(self, args, kwargs)
        return out
    hooked_step.hooked = True
    return hooked_step


def _check_capturable(params):
    """``capturable=True`` (for CUDA graphs) needs every parameter on the GPU, as in PyTorch."""
    if any(p.device.type != "cuda" for p in params):
        raise AssertionError("If capturable=True, params and state_steps must be on supported devices: ['cuda'].")


def _cast_state(param, value, key=None):
    """A loaded state value made the optimizer's own: tensors copied (floating ones to the parameter's dtype,
    except ``step``), containers rebuilt."""
    if isinstance(value, Tensor):
        array = value._array
        if key != "step" and param._array.dtype.kind == "f" and array.dtype.kind == "f":
            array = array.astype(param._array.dtype)
        return _wrap(array.copy() if array is value._array else array)
    if isinstance(value, dict):
        return {k: _cast_state(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, v) for v in value)
    return value


class Optimizer:
    """Base class for all optimizers: ``params`` is an iterable of Tensors, of (name, Tensor) pairs or of dicts
    (param groups whose options override ``defaults``)."""

    # options added to PyTorch after its first release: an older state_dict's groups get these defaults on load
    _late_defaults = ()
    # what step() raises for a sparse gradient (None: sparse gradients are welcome)
    _sparse_error = None
    # state['step'] is a 0-d tensor (PyTorch 2), not a python number
    _tensor_step = True

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        self._patch_step_function()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, but "
                            "got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        self._buffers = {}
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def _patch_step_function(self):
        step = type(self).step
        if not getattr(step, "hooked", False):
            type(self).step = _with_step_hooks(step)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
                     "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            self.__dict__.setdefault(name, OrderedDict())
        self._patch_step_function()
        self.__dict__.setdefault("_buffers", {})
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            for key, value in self._late_defaults:
                group.setdefault(key, value)
        if self._tensor_step:  # PyTorch before 1.12 counted steps in python numbers
            for param_state in self.state.values():
                if "step" in param_state and not isinstance(param_state["step"], Tensor):
                    param_state["step"] = new_step(float(param_state["step"]))

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    # ---- param groups ----
    def add_param_group(self, param_group):
        """Add a group of parameters (a dict with ``params`` and optional per-group options)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        self._split_param_names(param_group)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        self._check_disjoint(param_group)
        self.param_groups.append(param_group)

    @staticmethod
    def _split_param_names(param_group):
        """(name, tensor) pairs become ``params`` plus ``param_names``, as in PyTorch."""
        names = [p[0] for p in param_group["params"] if isinstance(p, tuple)]
        if not names:
            return
        if len(names) != len(param_group["params"]):
            raise ValueError("all optimizer params should be with/without names. Some param names are missing")
        param_group["param_names"] = names
        param_group["params"] = [p[1] for p in param_group["params"]]

    def _check_disjoint(self, param_group):
        seen = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")

    # ---- stepping ----
    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized tensors (to None, or to zeros with ``set_to_none=False``)."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p._grad
                if grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if grad._grad_fn is not None:
                        grad.detach_()
                    else:
                        grad._requires_grad = False
                    grad.zero_()

    def step(self, closure=None):
        """One optimization step; ``closure`` (re-evaluating the model, returning the loss) runs with grad enabled."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = [p for p in group["params"] if p._grad is not None]
            if params:
                if group.get("capturable"):
                    _check_capturable(params)
                self._step_group(group, params)
        return loss

    def _step_group(self, group, params):
        raise NotImplementedError

    def _buffer(self, like, slot=0):
        """A scratch array shaped like the array ``like``, reused across parameters and steps so an update
        allocates nothing."""
        key = (like.dtype, slot)
        buf = self._buffers.get(key)
        if buf is None or buf.size < like.size:
            buf = self._buffers[key] = numpy.empty_like(like, shape=(like.size,))
        return buf[:like.size].reshape(like.shape)

    def _state_of(self, p, group):
        """``p``'s state, initialised by ``_init_state(p, state, group)`` on its first step."""
        if self._sparse_error and p._grad.is_sparse:
            raise RuntimeError(self._sparse_error)
        state = self.state[p]
        if not state:
            self._init_state(p, state, group)
        return state

    # ---- hooks ----
    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs before each step; it may return new ``(args, kwargs)``."""
        return add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs after each step."""
        return add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        return add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        return add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        return add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        return add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ---- state_dict ----
    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``, PyTorch's layout."""
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        index_of = {}
        param_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            param_groups.append(packed)
        packed_state = {(index_of[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict):
        """Load a ``state_dict()`` (of an optimizer over parameters of the same group sizes); the state is copied."""
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast_state(id_map[k], v)
            else:
                state[k] = v
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)
