"""nn.utils (being written)."""
