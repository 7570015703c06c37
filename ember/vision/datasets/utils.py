"""What the on-disk datasets share: the error for missing files, which says that ember downloads nothing."""


def raise_not_found(dataset, directory, expected, missing, source, download):
    """RuntimeError (torchvision's class) naming the expected and the missing files and where to put them."""
    if download:
        why = "download=True was given, but ember downloads nothing"
    else:
        why = "ember downloads nothing (download=True would not change that)"
    raise RuntimeError(f"{dataset}: dataset not found. Expected the files {', '.join(expected)} in {directory}; "
                       f"missing: {', '.join(missing)}. {why}: get them from {source} and put them in {directory}")
