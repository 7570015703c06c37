"""An exception caught in a worker, carried to the main process as its class and traceback text."""
import pickle
import sys
import traceback


class KeyErrorMessage(str):
    """A str whose repr is itself, so a KeyError's multi-line message prints unquoted."""

    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """The exception being handled now (or ``exc_info``), to re-raise elsewhere with its original traceback text."""

    def __init__(self, exc_info=None, where="in background"):
        exc_type, exc, tb = exc_info or sys.exc_info()
        self.exc_type = exc_type if _picklable(exc_type) else RuntimeError
        self.exc_name = exc_type.__name__
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc, tb))
        self.where = where

    def reraise(self):
        """Raise the original exception class, its message naming where it was caught and its traceback."""
        msg = f"Caught {self.exc_name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:  # noqa: BLE001 - a class that can't be built from one message string
            raise RuntimeError(msg) from None
        raise exception


def _picklable(cls):
    """Whether ``cls`` can cross to another process (a class defined inside a function can't)."""
    try:
        pickle.dumps(cls)
    except Exception:  # noqa: BLE001 - pickling fails in many ways
        return False
    return True
