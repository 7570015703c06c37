"""Module full backward hooks, as torch's BackwardHook: identity nodes around a module's inputs and outputs
collect grad_output and grad_input and hand them to the user's hooks."""
import warnings

from ...autograd.function import Op
from ...autograd.grad_mode import STATE
from ...tensor import Tensor


class BackwardHookFunction(Op):
    """Identity on a group of tensors; its backward hands the gradients to a BackwardHook callback.

    Around a module's inputs, missing gradients arrive as zeros (torch's hook sees zeros for inputs the
    outputs do not depend on); around its outputs they stay None (see _OutputHookFunction)."""

    _node_name = "BackwardHookFunctionBackward"

    @staticmethod
    def forward(ctx, *args):
        *arrays, on_backward = args
        ctx.on_backward = on_backward
        return tuple(arrays)

    @staticmethod
    def backward(ctx, *grads):
        return ctx.on_backward(grads)


class _OutputHookFunction(BackwardHookFunction):
    _node_name = "BackwardHookFunctionBackward"


_OutputHookFunction._backward_cls._materialize_grads = False


class BackwardHook:
    """Collects the gradients of one call's outputs, then calls the user hooks with those of its inputs."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module, self.user_hooks, self.user_pre_hooks = module, user_hooks, user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = self.n_outputs = -1
        self.input_index = self.output_index = None

    @staticmethod
    def _wrap_tensors(function, args, on_backward):
        """args with their tensors passed through one BackwardHookFunction; (args, tensor positions or None)."""
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not (STATE.enabled and any(args[i]._requires_grad for i in index)):
            return args, None
        outs = function.apply_n(len(index), *(args[i] for i in index), on_backward)
        new = list(args)
        for i, out in zip(index, outs):
            new[i] = out if args[i]._requires_grad else args[i]  # torch: no gradient flows to such an input
        return tuple(new), index

    @staticmethod
    def _pack(index, values, size):
        packed = [None] * size
        for i, value in zip(index, values):
            packed[i] = value
        return tuple(packed)

    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        args, self.input_index = self._wrap_tensors(BackwardHookFunction, args, self._on_grad_inputs)
        return args

    def setup_output_hook(self, result):
        single = not isinstance(result, tuple)
        outputs = (result,) if single else result
        self.n_outputs = len(outputs)
        outputs, self.output_index = self._wrap_tensors(_OutputHookFunction, outputs, self._on_grad_outputs)
        return outputs[0] if single else outputs

    def _on_grad_outputs(self, grads):
        self.grad_outputs = self._pack(self.output_index, grads, self.n_outputs)
        for hook in self.user_pre_hooks:
            new = hook(self.module, self.grad_outputs)
            if new is None:
                continue
            if len(new) != len(self.grad_outputs):
                raise RuntimeError(f"Backward pre hook returned an invalid number of grad_output, got {len(new)}, but "
                                   f"expected {len(self.grad_outputs)}")
            self.grad_outputs = new
        grad_outputs = self.grad_outputs
        if self.input_index is None:
            self._call_hooks_without_input_grads()
        return tuple(grad_outputs[i] for i in self.output_index)

    def _call_hooks_without_input_grads(self):
        warnings.warn("Full backward hook is firing when gradients are computed with respect to module outputs since "
                      "no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/torch.nn.Module"
                      ".html#torch.nn.Module.register_full_backward_hook for more details.", stacklevel=5)
        grad_inputs = (None,) * self.n_inputs
        for hook in self.user_hooks:
            res = hook(self.module, grad_inputs, self.grad_outputs)
            if res is not None and not (isinstance(res, tuple) and all(r is None for r in res)):
                raise RuntimeError("Backward hook for Modules where no input requires gradient should always return "
                                   "None or None for all gradients.")
        self.grad_outputs = None

    def _on_grad_inputs(self, grads):
        if self.grad_outputs is None:
            return grads
        res = self._pack(self.input_index, grads, self.n_inputs)
        for hook in self.user_hooks:
            out = hook(self.module, res, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(res):
                raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(out)}, but "
                                   f"expected {len(res)}")
            res = out
        self.grad_outputs = None
        return tuple(res[i] for i in self.input_index)
