"""Thread-local grad mode: no_grad, enable_grad, set_grad_enabled, inference_mode."""
import functools
import threading


class _GradState(threading.local):
    enabled = True
    inference = False


STATE = _GradState()


def is_grad_enabled():
    return STATE.enabled


def is_inference_mode_enabled():
    return STATE.inference


class _Mode:
    """Base of the grad-mode switches: each works as a context manager and as a decorator."""

    _target = True

    def __enter__(self):
        self._prev = (STATE.enabled, STATE.inference)
        self._apply()

    def __exit__(self, *exc):
        STATE.enabled, STATE.inference = self._prev
        return False

    def _apply(self):
        STATE.enabled = self._target

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args()):
                return fn(*args, **kwargs)
        return wrapper

    def _args(self):
        return ()

    def clone(self):
        return self.__class__(*self._args())


class _BareDecoratorMode(_Mode):
    """Also usable as a bare decorator: ``@no_grad`` as well as ``@no_grad()``."""

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        return self(orig_func) if callable(orig_func) else self

    def __init__(self, orig_func=None):
        pass


class no_grad(_BareDecoratorMode):
    _target = False


class enable_grad(_BareDecoratorMode):
    _target = True


class set_grad_enabled(_Mode):
    """Sets grad mode at once (like PyTorch) and restores the previous mode on exit when used with ``with``."""

    def __init__(self, mode):
        self._prev = (STATE.enabled, STATE.inference)
        self._target = bool(mode)
        STATE.enabled = self._target

    def __enter__(self):
        pass

    def __call__(self, fn):
        STATE.enabled, STATE.inference = self._prev
        return super().__call__(fn)

    def _args(self):
        return (self._target,)


class inference_mode(_Mode):
    def __init__(self, mode=True):
        self._mode = bool(mode)

    def _apply(self):
        if self._mode:
            STATE.enabled, STATE.inference = False, True

    def _args(self):
        return (self._mode,)
