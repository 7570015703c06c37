"""InstanceNorm1d/2d/3d (and lazy forms): each sample's channels normalized on their own, with torch's defaults and
checks."""
import warnings

from .. import functional as F
from .batchnorm import _LazyNormBase, _NormBase
from .lazy import lazy_class

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]


class _InstanceNorm(_NormBase):
    _no_batch_dim = None  # the input's dims when it has no batch dim

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False,
                 device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def _check_input_dim(self, input):
        if input.dim() not in (self._no_batch_dim, self._no_batch_dim + 1):
            raise ValueError(f"expected {self._no_batch_dim}D or {self._no_batch_dim + 1}D input "
                             f"(got {input.dim()}D input)")

    def _check_channels(self, input):
        feature_dim = input.dim() - self._no_batch_dim
        if input.shape[feature_dim] == self.num_features:
            return
        if self.affine:
            raise ValueError(f"{self._get_name()}: expected input's size at dim={feature_dim} to match num_features "
                             f"({self.num_features}), but got: {input.shape[feature_dim]}.")
        warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                      "warning by not passing in num_features, which is not used because affine=False")

    def forward(self, input):
        self._check_input_dim(input)
        self._check_channels(input)
        if input.dim() == self._no_batch_dim:
            return self._instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._instance_norm(input)

    def _instance_norm(self, input):
        return F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                               self.training or not self.track_running_stats,
                               0.0 if self.momentum is None else self.momentum, self.eps)


class InstanceNorm1d(_InstanceNorm):
    """Instance norm over a (N, C, L) or (C, L) input."""

    _no_batch_dim = 2


class InstanceNorm2d(_InstanceNorm):
    """Instance norm over a (N, C, H, W) or (C, H, W) input."""

    _no_batch_dim = 3


class InstanceNorm3d(_InstanceNorm):
    """Instance norm over a (N, C, D, H, W) or (C, D, H, W) input."""

    _no_batch_dim = 4


# as torch's, lazy instance norms default to affine=True and track_running_stats=True, and read num_features
# from dim 1 even of an unbatched input
LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d = (
    lazy_class(f"Lazy{plain.__name__}", _LazyNormBase, plain, "num_features", __name__)
    for plain in (InstanceNorm1d, InstanceNorm2d, InstanceNorm3d))
