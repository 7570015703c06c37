"""Thread-local grad mode (no_grad, enable_grad, set_grad_enabled, inference_mode) and anomaly detection."""
import functools
import inspect
import threading
import warnings


class _GradState(threading.local):
    enabled = True
    inference = False


STATE = _GradState()


class _AnomalyState:
    """Anomaly detection is process-wide in PyTorch (not per thread)."""

    enabled = False
    check_nan = True


ANOMALY = _AnomalyState()


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
        if inspect.isgeneratorfunction(fn):
            return self._wrap_generator(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def _wrap_generator(self, fn):
        """The mode holds inside the generator's body only, each time it resumes (as PyTorch does)."""
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            gen = fn(*args, **kwargs)
            to_send = None
            while True:
                with self.clone():
                    try:
                        value = gen.send(to_send)
                    except StopIteration as stop:
                        return stop.value
                to_send = yield value
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
    """No graph recording (and PyTorch's inference tensors, which ember does not distinguish)."""

    def __new__(cls, mode=True):
        self = super().__new__(cls)
        if callable(mode):
            self._mode = True
            return self(mode)
        return self

    def __init__(self, mode=True):
        self._mode = bool(mode)

    def _apply(self):
        if self._mode:
            STATE.enabled, STATE.inference = False, True

    def _args(self):
        return (self._mode,)


class _AnomalySwitch:
    """Sets anomaly detection on ``__enter__`` and restores the previous setting on ``__exit__``."""

    def __init__(self, mode, check_nan):
        self._mode, self._check_nan = bool(mode), check_nan

    def __enter__(self):
        self._prev = (ANOMALY.enabled, ANOMALY.check_nan)
        ANOMALY.enabled, ANOMALY.check_nan = self._mode, self._check_nan

    def __exit__(self, *exc):
        ANOMALY.enabled, ANOMALY.check_nan = self._prev
        return False


class detect_anomaly(_AnomalySwitch):
    """Within it, backward raises as soon as a node returns NaN (``check_nan``); usable as a decorator."""

    def __init__(self, check_nan=True):
        super().__init__(True, check_nan)
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", UserWarning, stacklevel=2)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _AnomalySwitch(True, self._check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly(_AnomalySwitch):
    """Turns anomaly detection on or off at once; restores the previous setting when used with ``with``."""

    def __init__(self, mode, check_nan=True):
        super().__init__(mode, check_nan)
        self._prev = (ANOMALY.enabled, ANOMALY.check_nan)
        ANOMALY.enabled, ANOMALY.check_nan = self._mode, check_nan

    def __enter__(self):
        pass


def set_anomaly_enabled(enabled, check_nan=True):
    ANOMALY.enabled, ANOMALY.check_nan = bool(enabled), check_nan


def is_anomaly_enabled():
    return ANOMALY.enabled


def is_anomaly_check_nan_enabled():
    return ANOMALY.check_nan
