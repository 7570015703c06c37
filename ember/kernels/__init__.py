"""Raw-array kernels (conv, pool, ...): no autograd, never Tensor; ops in ember/ops call them."""
