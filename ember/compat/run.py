"""``python -m ember run script.py [args...]``: run a PyTorch script on ember, as ``python script.py`` would."""
import os
import runpy
import sys
import traceback

from .aliases import install


def run_script(path, args=()):
    """Run ``path`` as ``__main__`` with ``sys.argv = [path, *args]`` and its folder first on ``sys.path``."""
    if not os.path.isfile(path):
        raise SystemExit(f"python -m ember run: can't open file {path!r}: no such file")
    install()
    sys.argv = [path, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name="__main__")


def print_script_traceback(error, path):
    """Print ``error``'s traceback from the script's first frame on, as ``python script.py`` shows it."""
    tb = error.__traceback__
    script = os.path.abspath(path)
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != script:
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb or error.__traceback__)
