"""ember's ops: one class per op, forward on arrays and backward in Tensor ops, plus their public functions."""
