"""The ember package stands on its own: importing it never imports torch."""
import pathlib
import re
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "ember"


def test_import_ember_does_not_import_torch():
    code = "import sys, ember; ember.ones(2).sum(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_no_module_of_ember_names_torch_in_an_import():
    pattern = re.compile(r"^\s*(import torch|from torch)", re.MULTILINE)
    offenders = [p.name for p in PACKAGE.rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []
