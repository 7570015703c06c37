"""Identity, Linear, LazyLinear and Bilinear, with torch's parameter names, default initialisation and repr."""
import math

from ...creation import empty
from .. import functional as F
from .. import init
from ...autograd.grad_mode import no_grad
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin
from .module import Module, ModuleInputError

__all__ = ["Identity", "Linear", "LazyLinear", "Bilinear"]


def _reset(weight, bias):
    """torch's default: kaiming_uniform_(a=sqrt(5)) on the weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) on the bias."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        init.uniform_(bias, -bound, bound)


class Identity(Module):
    """Returns its input; the constructor takes and ignores any arguments."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """``y = x @ weight.T + bias`` with weight of shape (out_features, in_features)."""

    __constants__ = ["in_features", "out_features"]

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), dtype=dtype, device=device))
        _register_bias(self, bias, out_features, dtype, device)
        self.reset_parameters()

    def reset_parameters(self):
        _reset(self.weight, self.bias)

    def forward(self, input):
        try:
            return F.linear(input, self.weight, self.bias)
        except RuntimeError:
            if input.dim() == 0 or input.shape[-1] != self.in_features:
                raise ModuleInputError(self, f"expected input with last dimension {self.in_features} (in_features), "
                                             f"got shape {list(input.shape)}") from None
            raise

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def _register_bias(module, bias, size, dtype, device):
    """A ``bias`` Parameter of ``size`` elements, or a registered None when ``bias`` is False (as PyTorch)."""
    if bias:
        module.bias = Parameter(empty(size, dtype=dtype, device=device))
    else:
        module.register_parameter("bias", None)


class LazyLinear(LazyModuleMixin, Linear):
    """A Linear whose in_features is taken from its first input; it then becomes a plain Linear."""

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        """in_features from the input's last dim (checked against a weight loaded from a state_dict)."""
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: {input.shape[-1]} is not equal to "
                                     f"in_features from self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]


class Bilinear(Module):
    """``y = x1^T A x2 + b`` with weight of shape (out_features, in1_features, in2_features)."""

    __constants__ = ["in1_features", "in2_features", "out_features"]

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in1_features, in2_features), dtype=dtype, device=device))
        _register_bias(self, bias, out_features, dtype, device)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        try:
            return F.bilinear(input1, input2, self.weight, self.bias)
        except RuntimeError as err:
            raise ModuleInputError(self, f"expected inputs with last dimensions {self.in1_features} (in1_features) "
                                         f"and {self.in2_features} (in2_features), got shapes {list(input1.shape)} "
                                         f"and {list(input2.shape)} ({err})") from None

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
