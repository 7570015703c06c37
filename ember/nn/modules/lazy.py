"""LazyModuleMixin: modules whose parameter shapes come from their first input, as torch.nn.modules.lazy."""
from ...autograd.grad_mode import no_grad
from ..parameter import is_lazy

__all__ = ["LazyModuleMixin"]


class LazyModuleMixin:
    """Before the first forward, ``initialize_parameters(*input)`` materializes the UninitializedParameters and
    UninitializedBuffers; the module then becomes ``cls_to_become``. A state_dict holds the uninitialized
    tensors as they are; loading initialized tensors into them materializes them with the loaded shapes."""

    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the hook's id, not its handle (which holds a weak reference): copies and pickles of the module keep it
        self._initialize_hook_id = self.register_forward_pre_hook(self._infer_parameters, with_kwargs=True).id

    def initialize_parameters(self, *args, **kwargs):
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")

    def has_uninitialized_params(self):
        """Whether any parameter or buffer of this module is still uninitialized."""
        return any(is_lazy(t) for t in (*self._parameters.values(), *self._buffers.values()))

    def _infer_parameters(self, module, args, kwargs=None):
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._forward_pre_hooks.pop(module._initialize_hook_id)
        module._forward_pre_hooks_with_kwargs.pop(module._initialize_hook_id, None)
        del module._initialize_hook_id
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, value in self._persistent_state():
            destination[prefix + name] = value if keep_vars or is_lazy(value) else value.detach()

    def _load_from_state_dict(self, state_dict, prefix, *args):
        for name, value in self._persistent_state():
            loaded = state_dict.get(prefix + name)
            if is_lazy(value) and loaded is not None and not is_lazy(loaded):
                with no_grad():
                    value.materialize(loaded.shape)
        super()._load_from_state_dict(state_dict, prefix, *args)

    def _load_one(self, name, key, param, value, assign, error_msgs):
        if not (is_lazy(param) and is_lazy(value)):  # two uninitialized tensors: nothing to copy
            super()._load_one(name, key, param, value, assign, error_msgs)

    def _replicate_for_data_parallel(self):
        raise RuntimeError("Modules with uninitialized parameters can't be used with `DataParallel`. Run a dummy "
                           "forward pass to correctly initialize the modules")


def lazy_class(name, lazy_base, plain, inferred, module):
    """The class ``name`` of ``module``: ``plain`` with ``inferred`` taken from the first input (through
    ``lazy_base``), becoming ``plain`` after that first forward."""
    return type(name, (lazy_base, plain), {"cls_to_become": plain, "__module__": module,
                                           "__doc__": f"A {plain.__name__} whose {inferred} is taken from its "
                                                      "first input."})
