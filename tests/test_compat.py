"""python -m ember run: unmodified PyTorch scripts resolve torch to ember, for that run only."""
import subprocess
import sys
import textwrap

import pytest

import ember
import ember.compat


def run(tmp_path, source, *args, cwd=None):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    return subprocess.run([sys.executable, "-m", "ember", "run", str(script), *args], capture_output=True,
                          text=True, cwd=cwd or tmp_path)


def test_torch_imports_resolve_to_ember(tmp_path):
    result = run(tmp_path, """
        import sys
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torch.utils.tensorboard import SummaryWriter
        from tensorboardX import SummaryWriter as NotesWriter
        from torch import optim
        import ember
        assert torch.Tensor is ember.Tensor and nn.Linear is ember.nn.Linear and F.relu is ember.nn.functional.relu
        assert SummaryWriter is NotesWriter is ember.utils.tensorboard.SummaryWriter
        assert not any(name == "torch" or name.startswith("torch.") for name, m in sys.modules.items()
                       if type(m).__name__ != "_Alias")
        assert ember.nn.__name__ == "ember.nn" and type(ember.nn).__name__ == "module" and ember.utils.__path__
        print(torch.tensor([1.0, 2.0]) * 2, torch.cuda.is_available())
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "tensor([2., 4.]) False\n"


def test_argv_main_relative_paths_and_exit_code(tmp_path):
    (tmp_path / "data.txt").write_text("42")
    result = run(tmp_path, """
        import sys
        import torch
        print(sys.argv[1:], __name__, open("data.txt").read())
        sys.exit(3)
    """, "--epochs", "2")
    assert result.returncode == 3, result.stderr
    assert result.stdout == "['--epochs', '2'] __main__ 42\n"


def test_missing_api_is_named_in_torch_terms(tmp_path):
    result = run(tmp_path, """
        import torch
        x = torch.ones(3)
        torch.fft_missing_for_test.rfft2(x)
    """)
    assert result.returncode == 1
    assert "ember does not implement torch.fft_missing_for_test yet" in result.stderr
    assert 'script.py", line 4' in result.stderr and "runpy" not in result.stderr


def test_missing_module_is_named_in_torch_terms(tmp_path):
    result = run(tmp_path, "import torch.no_such_module_for_test\n")
    assert result.returncode == 1
    assert "ember does not implement torch.no_such_module_for_test yet" in result.stderr


def test_hasattr_still_answers_false(tmp_path):
    result = run(tmp_path, "import torch\nprint(hasattr(torch, 'not_an_api'), hasattr(torch, 'tensor'))\n")
    assert result.stdout == "False True\n", result.stderr


def test_missing_script_and_usage(tmp_path):
    result = subprocess.run([sys.executable, "-m", "ember", "run", str(tmp_path / "nope.py")], capture_output=True,
                            text=True)
    assert result.returncode != 0 and "nope.py" in result.stderr
    result = subprocess.run([sys.executable, "-m", "ember"], capture_output=True, text=True)
    assert result.returncode == 2 and "usage: python -m ember run" in result.stderr


def test_install_in_a_notebook_process(tmp_path):
    code = ("import ember.compat; ember.compat.install(); import torch, ember; assert torch.zeros is ember.zeros; "
            "ember.compat.uninstall(); import sys; assert 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_install_refuses_once_the_real_torch_is_imported():
    import torch  # noqa: F401 - the test process has the real torch
    with pytest.raises(RuntimeError, match="real torch is already imported"):
        ember.compat.install()


def test_other_programs_still_get_the_real_torch(tmp_path):
    run(tmp_path, "import torch\n")
    result = subprocess.run([sys.executable, "-c", "import torch; print(torch.__file__)"], capture_output=True,
                            text=True)
    assert "ember" not in result.stdout and "torch" in result.stdout
