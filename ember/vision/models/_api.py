"""torchvision's model-builder signature, without the download: ``weights``/``pretrained`` must stay unset."""
import functools


def model_builder(build):
    """Wraps ``build(**kwargs)`` as ``name(pretrained=False, progress=True, *, weights=None, **kwargs)``."""

    @functools.wraps(build)
    def builder(pretrained=False, progress=True, *, weights=None, **kwargs):
        if weights is not None or pretrained:
            given = f"weights={weights!r}" if weights is not None else f"pretrained={pretrained!r}"
            raise RuntimeError(f"{build.__name__}({given}): ember downloads no weights. Build the model with "
                               f"weights=None and load a checkpoint from a local file instead: "
                               f"model = {build.__name__}(); model.load_state_dict(torch.load(path)) "
                               f"(a torchvision state_dict file loads as is)")
        return build(**kwargs)

    return builder
